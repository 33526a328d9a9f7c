"""Deployment settings, the testing clock file, and the key=value log lines."""

from __future__ import annotations

import io
import logging
import re
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import FileClock, SystemClock, make_clock
from bot.config import VARIABLES, SettingsError, load_settings
from bot.logs import setup_logging
from handlers.log_context import log_context
from tests.conftest import FIXTURES, SHANGHAI

ROOT = Path(__file__).resolve().parents[1]


def test_deployment_defaults_and_values():
    s = load_settings({})
    assert (s.webhook_listen, s.webhook_port, s.webhook_secret) == ("127.0.0.1", 8443, None)
    assert (s.scheduler_lease_seconds, s.scheduler_tick_seconds, s.clock_file) == (30, 60, None)
    s = load_settings(
        {
            "DUBAN_WEBHOOK_LISTEN": "0.0.0.0",
            "DUBAN_WEBHOOK_PORT": "8444",
            "DUBAN_SCHEDULER_LEASE_SECONDS": "3",
            "DUBAN_SCHEDULER_TICK_SECONDS": "1",
            "DUBAN_CLOCK_FILE": "/tmp/now.txt",
        }
    )
    assert (s.webhook_listen, s.webhook_port, s.scheduler_lease_seconds) == ("0.0.0.0", 8444, 3)
    assert s.scheduler_tick_seconds == 1 and s.clock_file == Path("/tmp/now.txt")


@pytest.mark.parametrize(
    "name,value",
    [("DUBAN_WEBHOOK_PORT", "70000"), ("DUBAN_SCHEDULER_LEASE_SECONDS", "2"), ("DUBAN_SCHEDULER_TICK_SECONDS", "soon")],
)
def test_bad_deployment_settings_name_the_variable(name, value):
    with pytest.raises(SettingsError, match=f"^{name}: .*example: {name}="):
        load_settings({name: value})


def test_every_setting_is_in_env_example():
    read = set(VARIABLES.values())
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M))
    assert read and read == listed, read ^ listed


def test_the_clock_file_is_read_on_every_reading(tmp_path):
    path = tmp_path / "now.txt"
    path.write_text("2022-03-21T09:00:00+08:00")
    clock = make_clock(SHANGHAI, path)
    assert isinstance(clock, FileClock) and clock.now() == datetime(2022, 3, 21, 9, 0, tzinfo=SHANGHAI)
    path.write_text("2022-03-22T01:30:00+00:00\n")
    assert clock.now() == datetime(2022, 3, 22, 9, 30, tzinfo=SHANGHAI) and clock.now().tzinfo is SHANGHAI
    path.write_text("2022-03-23 09:00")  # naive: taken in the bot's time zone
    assert clock.today().isoformat() == "2022-03-23" and clock.now().hour == 9
    path.write_text("next tuesday")
    with pytest.raises(ValueError, match="DUBAN_CLOCK_FILE .* not an ISO datetime"):
        clock.now()
    assert isinstance(make_clock(SHANGHAI, None), SystemClock)


def test_log_lines_are_key_value_with_the_bound_ids(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        setup_logging("INFO")
        log = logging.getLogger("duban.test")
        with log_context(update=8812, chat=10042, user=10042):
            log.info("report saved", extra={"task": "14.2"})
            try:
                raise RuntimeError("line one\nline two")
            except RuntimeError:
                log.exception('failed "badly"')
        log.warning("outside")
    finally:
        for handler in list(root.handlers):
            if handler not in saved[0]:
                root.removeHandler(handler)
        root.setLevel(saved[1])
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3  # the traceback stays on its line
    assert re.match(
        r'^ts=\S+ level=INFO logger=duban.test msg="report saved" update=8812 chat=10042 user=10042 '
        r"task=14.2$",
        lines[0],
    ), lines[0]
    assert (
        'msg="failed \\"badly\\""' in lines[1] and 'error="Traceback' in lines[1] and "line one\\nline two" in lines[1]
    )
    assert "chat=" not in lines[2] and lines[2].endswith("msg=outside")


async def test_every_line_logged_while_an_update_is_handled_carries_its_ids(monkeypatch, tmp_path):
    from fake_bot_api import FakeBotAPI
    from tests.chat_world import all_processed, running_bot
    from tests.reminder_world import World

    world = World(
        f"sqlite:///{tmp_path / 'log.db'}", FIXTURES / "mini-letter.yaml", datetime(2022, 3, 1, 9, 0, tzinfo=SHANGHAI)
    )
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        setup_logging("INFO")
        with FakeBotAPI() as fake:
            async with running_bot(world, fake) as app:
                fake.inject_message(4242, "/tasks")  # unbound: refused, and the refusal is logged
                update_id = fake.pending_updates[-1]["update_id"]
                await all_processed(app, fake)
    finally:
        for handler_ in list(root.handlers):
            if handler_ not in saved[0]:
                root.removeHandler(handler_)
        root.setLevel(saved[1])
    handled = [line for line in stream.getvalue().splitlines() if 'msg="refused Denied' in line]
    assert len(handled) == 1 and f"update={update_id} chat=4242 user=4242" in handled[0], handled
