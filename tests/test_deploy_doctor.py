"""`duban doctor` against the fake Bot API: OK when all is well, FAIL with a helpful line when not,
and the scheduler lease as the processes left it (a second process on SQLite stands by and says why)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from bot.config import load_settings
from bot.doctor import FAIL, OK, WARN, check_evidence, check_scheduler
from fake_bot_api import FakeBotAPI
from storage import migrate
from storage.db import Database
from storage.models import BotProcess, SchedulerLease
from tests.deploy_processes import RunningBot, bot_env, free_port, wait_until


@pytest.fixture
def doctor_env(cli_env, monkeypatch, tmp_path):
    monkeypatch.setenv("DUBAN_ADMINS", "999")
    monkeypatch.setenv("DUBAN_EVIDENCE_DIR", str(tmp_path / "evidence"))
    monkeypatch.delenv("DUBAN_CLOCK_FILE", raising=False)
    database = Database(cli_env)
    migrate.upgrade(database)
    database.dispose()
    return monkeypatch


def lines_by_check(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        match = re.match(r"^(OK|WARN|FAIL)\s+(\w+)\s+(.*)$", line)
        if match:
            found[match.group(2)] = f"{match.group(1)} {match.group(3)}"
    return found


def test_doctor_is_ok_against_the_fake_api(doctor_env, capsys):
    with FakeBotAPI() as fake:
        doctor_env.setenv("TELEGRAM_BOT_TOKEN", fake.token)
        doctor_env.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
        code = main(["doctor"])
    out = capsys.readouterr().out
    checks = lines_by_check(out)
    assert code == 0, out
    assert set(checks) == {"settings", "database", "schema", "telegram", "calendar", "evidence", "scheduler"}
    assert checks["telegram"].startswith("OK @duban_test_bot") and "no webhook" in checks["telegram"]
    assert checks["database"].startswith("OK") and checks["schema"].startswith("OK at head")
    assert checks["evidence"].startswith("OK") and "GiB free" in checks["evidence"]
    # Nobody runs the bot here: said plainly, with what to do, but not a failure.
    assert checks["scheduler"].startswith("WARN no bot process holds the scheduler lease")
    assert "fix: start `duban run`" in out


def test_doctor_fails_on_a_refused_token_with_what_to_do(doctor_env, capsys):
    with FakeBotAPI() as fake:
        fake.revoke_token(fake.token)
        doctor_env.setenv("TELEGRAM_BOT_TOKEN", fake.token)
        doctor_env.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
        code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert lines_by_check(out)["telegram"].startswith("FAIL Telegram refused the token (401 Unauthorized)")
    assert "fix: copy the token again from @BotFather" in out


def test_doctor_fails_when_the_database_is_unreachable(doctor_env, capsys):
    doctor_env.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    doctor_env.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9/bot")
    doctor_env.setenv("DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:9/duban")
    code = main(["doctor"])
    out = capsys.readouterr().out
    checks = lines_by_check(out)
    assert code == 1
    assert checks["database"].startswith("FAIL cannot reach postgresql+psycopg://nobody:***@127.0.0.1:9/duban")
    assert "secret" not in out and "fix: check DATABASE_URL" in out
    assert checks["telegram"].startswith("FAIL cannot reach http://127.0.0.1:9/bot")
    assert "schema" not in checks and "scheduler" not in checks


def test_doctor_shows_who_holds_the_lease_and_who_stands_by(db):
    now = datetime(2022, 3, 21, 1, 0, 5, tzinfo=UTC)
    cfg = load_settings({"DATABASE_URL": db.url})
    with db.session() as s:
        s.add(
            SchedulerLease(
                name="reminders",
                holder="host-a:10:aaa",
                acquired_at=now - timedelta(hours=1),
                renewed_at=now - timedelta(seconds=5),
                expires_at=now + timedelta(seconds=25),
            )
        )
        for pid, role in ((10, "scheduler"), (11, "standby")):
            s.add(
                BotProcess(
                    id=f"host-{pid}:{pid}:x",
                    host="h",
                    pid=pid,
                    mode="webhook",
                    role=role,
                    note="the scheduler lease is held by host-a:10:aaa" if role == "standby" else None,
                    started_at=now,
                    seen_at=now,
                )
            )
    check = check_scheduler(cfg, db, now)
    assert "held by host-a:10:aaa" in check.detail and "expires in 25s" in check.detail
    assert "standing by: host-11:11:x (webhook)" in check.detail
    if db.engine.dialect.name == "sqlite":
        assert check.status == WARN and "SQLite is meant for one bot process" in check.fix
    else:
        assert check.status == OK
    expired = check_scheduler(cfg, db, now + timedelta(minutes=5))
    assert expired.status == WARN and "last holder host-a:10:aaa" in expired.detail


def test_evidence_folder_that_cannot_be_written_fails(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    assert check_evidence(blocked).status == FAIL
    assert check_evidence(tmp_path / "new" / "evidence").status == OK  # created on first use


def test_a_second_process_on_sqlite_stands_by_with_a_warning_and_doctor_shows_it(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'one.db'}"
    with FakeBotAPI() as fake:
        bots = []
        for name in ("first", "second"):
            env = bot_env(fake, url, DUBAN_ADMINS="999", DUBAN_WEBHOOK_PORT=str(free_port()))
            bots.append(RunningBot(name, tmp_path / name, env, "--webhook", "https://duban.test/hook").start())
            wait_until(lambda b=bots[-1]: "bot running" in b.output(), 30, f"{name} running")
        try:
            wait_until(lambda: bots[1].lines("scheduler not started"), 15, "the second process's warning")
            monkeypatch.chdir(tmp_path)
            for key, value in bot_env(fake, url, DUBAN_ADMINS="999").items():
                monkeypatch.setenv(key, value)
            code = main(["doctor"])
        finally:
            stops = [b.stop() for b in bots]
    warning = bots[1].lines("scheduler not started")[0]
    assert "level=WARNING" in warning and "SQLite is meant for one bot process" in warning
    assert not bots[0].lines("scheduler not started")
    scheduler = lines_by_check(capsys.readouterr().out)["scheduler"]
    assert scheduler.startswith("WARN 2 bot processes share this SQLite database"), scheduler
    assert code == 0 and all(c == 0 for c, _ in stops)
