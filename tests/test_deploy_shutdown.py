"""SIGTERM in the middle of a reminder burst: exit 0 within 10 s, the ledger consistent, a restart
sends the rest once; a send that cannot finish in the grace is cut off and traced, never resent."""

from __future__ import annotations

import signal
from datetime import date, datetime, time

from sqlalchemy import select

from fake_bot_api import FakeBotAPI
from scheduler.jobs import HANDED_BACK
from storage.models import Reminder
from tests.conftest import FIXTURES, SHANGHAI
from tests.deploy_processes import RunningBot, bot_env, set_clock, wait_until
from tests.reminder_world import ADMIN, World, reminder_ids

MINI = FIXTURES / "mini-letter.yaml"
LOADED = datetime(2022, 3, 18, 8, 0, tzinfo=SHANGHAI)
DUE_DAY = date(2022, 3, 25)  # 26.4 is due: every contact of 生态环境分局 and 交通运输局 gets a message
EXTRA_CONTACTS = 60


def burst_world(database_url: str, fake) -> World:
    world = World(database_url, MINI, LOADED)
    world.add_contacts(fake)
    world.add_many_contacts(fake, "生态环境分局", EXTRA_CONTACTS)
    return world


def statuses(world: World) -> list[Reminder]:
    with world.db.session() as s:
        return list(s.scalars(select(Reminder).where(Reminder.send_on <= DUE_DAY)))


def start_bot(name, tmp_path, fake, database_url, clock_file) -> RunningBot:
    env = bot_env(
        fake, database_url, DUBAN_ADMINS=str(ADMIN), DUBAN_CLOCK_FILE=str(clock_file), DUBAN_SCHEDULER_TICK_SECONDS="1"
    )
    return RunningBot(name, tmp_path, env).start()


def reminder_messages(fake) -> list:
    return [m for m in fake.sent if reminder_ids(m)]


def test_sigterm_during_a_burst_exits_quickly_and_a_restart_sends_the_rest_once(database_url, tmp_path):
    clock_file = tmp_path / "now.txt"
    set_clock(clock_file, datetime.combine(DUE_DAY, time(9, 0), SHANGHAI))
    with FakeBotAPI() as fake:
        world = burst_world(database_url, fake)
        fake.delay("sendMessage", 0.3)  # each answer comes late: the burst lasts a few seconds
        first = start_bot("first", tmp_path, fake, database_url, clock_file)
        try:
            fake.wait_until(lambda: len(reminder_messages(fake)) >= 10, "the burst under way", timeout=30)
            code, seconds = first.stop(signal.SIGTERM)
        finally:
            first.kill()
        after_stop = statuses(world)
        sent_before_restart = len(reminder_messages(fake))

        fake.delay("sendMessage", 0)
        second = start_bot("second", tmp_path, fake, database_url, clock_file)
        try:
            wait_until(
                lambda: all(r.status not in ("planned", "sending") for r in statuses(world)),
                30,
                "the rest of the burst after the restart",
            )
        finally:
            second.stop(signal.SIGTERM)
            second.kill()
        messages = reminder_messages(fake)
        assert fake.rejections == []

    assert code == 0 and seconds < 10, first.output()
    assert "Traceback" not in first.output()
    # Stopped mid-burst: what was in flight finished, what had not started was handed back, nothing hangs.
    assert 10 <= sent_before_restart < EXTRA_CONTACTS + 2
    assert not [r for r in after_stop if r.status == "sending"]
    handed_back = [r for r in after_stop if r.status == "planned"]
    assert handed_back and all(r.error == HANDED_BACK for r in handed_back)
    # After the restart: every recipient got exactly one message, every ledger line was sent once.
    per_chat: dict[int, int] = {}
    for m in messages:
        per_chat[m.chat_id] = per_chat.get(m.chat_id, 0) + 1
    assert len(per_chat) == EXTRA_CONTACTS + 2 and set(per_chat.values()) == {1}
    listed = [rid for m in messages for rid in reminder_ids(m)]
    assert len(listed) == len(set(listed))
    assert {r.status for r in statuses(world)} <= {"sent", "collapsed"}
    world.db.dispose()


def test_a_send_that_outlasts_the_grace_is_cut_off_and_becomes_uncertain(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'grace.db'}"
    clock_file = tmp_path / "now.txt"
    set_clock(clock_file, datetime.combine(DUE_DAY, time(9, 0), SHANGHAI))
    with FakeBotAPI() as fake:
        world = burst_world(database_url, fake)
        fake.delay("sendMessage", 60)  # accepted by Telegram, but the answer never comes in time
        bot = start_bot("stuck", tmp_path, fake, database_url, clock_file)
        try:
            wait_until(lambda: any(r.status == "sending" for r in statuses(world)), 30, "a send in flight")
            code, seconds = bot.stop(signal.SIGTERM)
        finally:
            bot.kill()
        in_doubt = {r.id for r in statuses(world) if r.status in ("sending", "uncertain")}

        fake.delay("sendMessage", 0)
        again = start_bot("again", tmp_path, fake, database_url, clock_file)
        try:
            wait_until(
                lambda: all(r.status not in ("planned", "sending") for r in statuses(world)),
                30,
                "the rest after the restart",
            )
        finally:
            again.stop(signal.SIGTERM)
            again.kill()

    assert code == 0 and seconds < 10, bot.output()
    assert in_doubt
    final = {r.id: r for r in statuses(world)}
    # In doubt is never resent: traced as uncertain, with why; everything else went out.
    assert all(final[i].status == "uncertain" and final[i].error for i in in_doubt)
    assert {r.status for r in final.values()} <= {"sent", "collapsed", "uncertain"}
    world.db.dispose()
