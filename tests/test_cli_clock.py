"""Every command reads the one clock: with DUBAN_CLOCK_FILE set, `letter load`, `console`, `score`, `export`,
`deadline` and `task` all take its date, never the system's (today is years after the bundled letter)."""

from __future__ import annotations

import io
import json
import sys
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services.access import Identity
from services.scoring_facts import standing
from services.task_views import due_within, overdue_board
from storage.db import Database
from storage.models import AuditEntry
from storage.paths import BUNDLED_LETTER
from tests.conftest import SHANGHAI
from tests.deploy_processes import set_clock

NOW = datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI)  # a Monday in the letter's year


@pytest.fixture
def clocked(cli_env, tmp_path, monkeypatch):
    clock_file = tmp_path / "now.txt"
    set_clock(clock_file, NOW)
    monkeypatch.setenv("DUBAN_CLOCK_FILE", str(clock_file))
    assert main(["letter", "load", str(BUNDLED_LETTER), "--year", "2022"]) == 0
    db = Database(cli_env)
    yield db
    db.dispose()


def run(argv: list[str], capsys, stdin: str | None = None, monkeypatch=None) -> str:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    assert main(argv) == 0
    return capsys.readouterr().out


def test_letter_load_stamps_its_history_with_the_clock(clocked):
    with clocked.session() as s:
        days = {a.at.astimezone(SHANGHAI).date() for a in s.scalars(select(AuditEntry))}
    assert days == {NOW.date()}


def test_deadline_reads_phrases_on_the_clocks_day(clocked, capsys):
    out = json.loads(run(["deadline", "下周五", "--json"], capsys))
    assert out["date"] == "2022-09-16"  # the Friday of the week after Monday 5 September 2022


def test_score_counts_at_risk_on_the_clocks_day(clocked, capsys):
    out = json.loads(run(["score", "--json"], capsys))
    with clocked.session() as s:
        expected = standing(s, NOW.date(), WorkdayCalendar(), ReminderPolicy(), tz=SHANGHAI)
    assert out["at_risk"] == expected.result.total.at_risk
    assert out["at_risk"] < 900  # years later nearly everything would be at risk


def test_export_is_as_of_the_clocks_day(clocked, capsys, tmp_path):
    target = tmp_path / "out.xlsx"
    said = run(["export", str(target)], capsys)
    admin = Identity(1, 1, "admin")
    red = overdue_board(clocked, admin, NOW.date(), WorkdayCalendar(), ReminderPolicy()).statuses
    assert f"93 tasks ({len(red)} red)" in said and len(red) < 93
    tasks = load_workbook(target, read_only=True)["任务清单"]
    colours = [row[11] for row in tasks.iter_rows(min_row=2, values_only=True) if row[3]]
    assert colours.count("红色") == len(red)


def test_console_counts_working_days_from_the_clocks_day(clocked, capsys, monkeypatch):
    out = run(["console", "--as", "生态环境分局", "--log", "console.log"], capsys, "/due\n:quit\n", monkeypatch)
    contact = Identity(1, 1, "contact", department_name="生态环境分局")
    items = due_within(clocked, contact, NOW.date(), WorkdayCalendar(), 30).items
    assert items, "the letter has work due within 30 days of 5 September 2022"
    assert f"还剩{items[0].workdays_left}个工作日" in out


def test_task_history_is_stamped_with_the_clocks_time(clocked, capsys):
    run(["task", "close", "27.1", "--no-notify"], capsys)
    with clocked.session() as s:
        closed = s.scalar(select(AuditEntry).where(AuditEntry.action == "task.close"))
    assert closed.at.astimezone(SHANGHAI) == NOW


def test_the_bundled_letter_dates_27_1_by_the_environment_day(clocked, capsys):
    tasks = json.loads(run(["tasks", "--json"], capsys))
    line = next(t for t in (tasks["tasks"] if isinstance(tasks, dict) else tasks) if t["id"] == "27.1")
    assert line["deadlines"] == ["2022-06-05"]
    assert line["deadline_details"][0]["source"] == "附件 27.1.1"
    assert date.fromisoformat(line["deadlines"][0]) < NOW.date()


@pytest.mark.parametrize(
    "argv",
    [["score", "--json"], ["export", "{tmp}/out.xlsx"], ["circular", "--month", "2022-08", "--out", "{tmp}/c.docx"]],
)
def test_commands_count_periods_by_the_offices_holiday_rule(clocked, capsys, tmp_path, monkeypatch, argv):
    """DUBAN_HOLIDAY_RULE is the office's reading of "10日内" ending on a holiday: the CLI's scores, workbooks
    and circulars use the calendar the bot uses, never a default one."""
    monkeypatch.setenv("DUBAN_HOLIDAY_RULE", "rest-day")
    rules: list[str] = []
    built = WorkdayCalendar.__init__

    def recording(self, *args, **kwargs):
        built(self, *args, **kwargs)
        rules.append(self.holiday_rule)

    monkeypatch.setattr(WorkdayCalendar, "__init__", recording)
    run([part.format(tmp=tmp_path) for part in argv], capsys)
    assert rules and set(rules) == {"rest-day"}
