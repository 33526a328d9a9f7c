"""The console on the bundled 2022 letter, opened on a day years later ("today") and with `--today` on a
day of the letter's year: the year's end said and shown, or the year as it stood that day."""

from __future__ import annotations

import io
import re
import sys
from datetime import datetime

import pytest

from bot.cli import main
from storage.paths import BUNDLED_LETTER
from tests.conftest import SHANGHAI
from tests.deploy_processes import set_clock

TODAY = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)  # years after the bundled letter's year


@pytest.fixture
def years_later(cli_env, tmp_path, monkeypatch):
    clock_file = tmp_path / "now.txt"
    set_clock(clock_file, TODAY)
    monkeypatch.setenv("DUBAN_CLOCK_FILE", str(clock_file))
    assert main(["letter", "load", str(BUNDLED_LETTER), "--year", "2022"]) == 0


def console(argv: list[str], lines: str, capsys, monkeypatch) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    capsys.readouterr()
    assert main(["console", "--as", "admin", "--log", "console.log", *argv]) == 0
    return capsys.readouterr().out


def test_opened_years_later_the_console_shows_how_the_year_ended(years_later, capsys, monkeypatch):
    out = console([], "/tasks\n/score\n/overdue\n:quit\n", capsys, monkeypatch)
    print(out)
    assert "2022年度已结束:全年 93 项:✅按时完成 0 项 · ⏱逾期完成 0 项 · ❌未上报 93 项" in out  # the banner
    assert "duban console --as admin --today 2022-09-05" in out  # how to see the year as it was lived
    assert re.search(r"逾期 ?\d+ ?个工作日", out) is None  # no working days counted into later years
    assert "2022年度考核最终情况" in out and "未上报任务 93 项" in out
    assert "duban letter copy --from 2022 --to 2027 --load" in out  # December: how to start the next year


def test_today_rehearses_a_day_of_the_letters_year(years_later, capsys, monkeypatch):
    out = console(["--today", "2022-09-05"], "/tasks\n/score\n:quit\n", capsys, monkeypatch)
    print(out)
    assert "演练:按2022年9月5日(周一)的情况显示,不是今天(2026-12-02)" in out
    assert "2022年度进行中" in out and "已结束" not in out
    assert "🔴 逾期(6)" in out and "逾期66个工作日" in out  # 27.1, due 6月5日, as it stood on 5 September
    assert "2022年度考核得分(截至9月5日" in out


def test_today_must_be_a_date(years_later, capsys):
    with pytest.raises(SystemExit):
        main(["console", "--today", "9月5日"])
    assert "--today 2022-09-05" in capsys.readouterr().err
