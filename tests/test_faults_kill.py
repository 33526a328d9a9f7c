"""kill -9 in the 09:00 burst while Telegram answers 429 and one send hangs (issue 15, point 1).

34 contacts are due a reminder. The fake Bot API answers every contact's first request 429 (retry after a
minute), except one contact's, which it accepts and then never answers. The bot is killed with SIGKILL
while the 429'd messages wait for their retry. After a restart: every message that waited is sent (it
had reached nobody), the one in flight is not resent (it may have arrived) and the office is told of it
by name, with a button that sends it again.
"""

from __future__ import annotations

import signal
from datetime import date, datetime, time

from sqlalchemy import select

from fake_bot_api import FakeBotAPI
from storage.models import Contact, Reminder
from tests.conftest import FIXTURES, SHANGHAI
from tests.deploy_processes import RunningBot, bot_env, set_clock, wait_until
from tests.reminder_world import ADMIN, World, reminder_ids

MINI = FIXTURES / "mini-letter.yaml"
LOADED = datetime(2022, 3, 18, 8, 0, tzinfo=SHANGHAI)
DUE_DAY = date(2022, 3, 25)  # 26.4 is due: every contact of 生态环境分局 and 交通运输局 gets a message
EXTRA = 32  # with the two departments' own contacts: 34


def world_of_34(database_url: str, fake) -> tuple[World, list[int]]:
    world = World(database_url, MINI, LOADED)
    world.add_contacts(fake, ["生态环境分局", "交通运输局(邮管局)"])
    world.add_many_contacts(fake, "生态环境分局", EXTRA)
    with world.db.session() as s:
        chats = sorted(s.scalars(select(Contact.chat_id).where(Contact.role == "contact")))
    return world, chats


def rows(world: World) -> list[Reminder]:
    with world.db.session() as s:
        return list(s.scalars(select(Reminder).where(Reminder.send_on <= DUE_DAY)))


def statuses(world: World) -> dict[str, int]:
    found: dict[str, int] = {}
    for r in rows(world):
        found[r.status] = found.get(r.status, 0) + 1
    return found


def in_flight_deliveries(world: World) -> set[int | None]:
    return {r.delivery_id for r in rows(world) if r.status == "sending"}


def reminders_per_chat(fake, chats: list[int]) -> dict[int, int]:
    """Reminder messages each contact received (their buttons carry reminder ids)."""
    return {chat: sum(1 for m in fake.messages_to(chat) if reminder_ids(m)) for chat in chats}


def start_bot(name, tmp_path, fake, database_url, clock_file) -> RunningBot:
    env = bot_env(
        fake,
        database_url,
        DUBAN_ADMINS=str(ADMIN),
        DUBAN_CLOCK_FILE=str(clock_file),
        DUBAN_SCHEDULER_TICK_SECONDS="1",
        DUBAN_SCHEDULER_LEASE_SECONDS="3",  # the killed holder's lease runs out quickly
        DUBAN_DIGEST_AT="off",
    )
    return RunningBot(name, tmp_path, env).start()


def test_kill_9_while_429_retries_wait_loses_nothing_and_the_office_hears_of_the_one_in_doubt(database_url, tmp_path):
    clock_file = tmp_path / "now.txt"
    set_clock(clock_file, datetime.combine(DUE_DAY, time(9, 0), SHANGHAI))
    with FakeBotAPI() as fake:
        world, chats = world_of_34(database_url, fake)
        assert len(chats) == 34
        hanging, others = chats[0], chats[1:]  # the lowest chat is sent first
        fake.delay("sendMessage", 120, chat_id=hanging)  # accepted, then no answer
        for chat in others:
            fake.fail_next("sendMessage", chat_id=chat, status=429, retry_after=60)
        first = start_bot("first", tmp_path, fake, database_url, clock_file)
        try:
            # Killed once every answered request has been read: only the hanging one is still in flight.
            wait_until(
                lambda: len(in_flight_deliveries(world)) == 1 and statuses(world).get("waiting", 0) >= 5,
                30,
                "one send in flight and the 429'd ones waiting",
            )
            first.proc.send_signal(signal.SIGKILL)
            first.proc.wait(timeout=10)
        finally:
            first.kill()
        at_kill = statuses(world)
        in_flight = {r.id for r in rows(world) if r.status == "sending"}

        fake.clear_faults()
        second = start_bot("second", tmp_path, fake, database_url, clock_file)
        try:
            notice = fake.wait_for_message(ADMIN, contains="不确定是否送达", timeout=30)
            wait_until(lambda: not {"planned", "sending", "waiting"} & set(statuses(world)), 30, "the burst finished")
            after_restart = reminders_per_chat(fake, chats)
            # The office sends the one in doubt again: it goes out with the next run; a second press does nothing.
            query = fake.press_button(ADMIN, notice, "重发给")
            answer = fake.wait_for_callback_answer(query, timeout=10)
            wait_until(lambda: reminders_per_chat(fake, chats)[hanging] > after_restart[hanging], 30, "the resend")
            again = fake.wait_for_callback_answer(fake.press_button(ADMIN, notice, "重发给"), timeout=10)
        finally:
            second.stop(signal.SIGTERM)
            second.kill()

    without = [chat for chat, n in after_restart.items() if n == 0]
    duplicates = [chat for chat, n in after_restart.items() if n > 1]
    told = [line for line in notice.content.splitlines() if line.startswith("· ")]
    print(
        f"\nkill -9 scenario ({len(chats)} contacts): at the kill {at_kill}; after the restart: {len(without)} "
        f"contact(s) without that day's reminder, {len(duplicates)} duplicate(s), {len(told)} uncertain one(s) "
        f"told to the office by name with a resend button; after the office's press the one in doubt had "
        f"{reminders_per_chat(fake, chats)[hanging]} (it had been accepted before the kill)"
    )
    assert at_kill.get("sending") and at_kill.get("waiting", 0) >= 5
    # The one in flight had been accepted by the fake before the kill: everyone has the day's reminder, once.
    assert without == [] and duplicates == []
    assert len(told) == 1 and "生态环境分局 生态环境分局联络员" in told[0] and "26.4" in told[0]
    assert notice.button("重发给 生态环境分局")
    assert {r.chat_id for r in rows(world) if r.id in in_flight} == {hanging}
    assert reminders_per_chat(fake, chats)[hanging] == 2
    assert "重发" in answer["text"] and "已经重发过" in again["text"]
    assert len([m for m in fake.messages_to(ADMIN) if "不确定是否送达" in m.content]) == 1
    log = second.output()
    assert f"{at_kill['waiting']} reminder(s) were waiting for a retry" in log
    assert f"{at_kill['sending']} reminder(s) were mid-request" in log
    assert "Traceback" not in log
    final = {r.id: r for r in rows(world)}
    assert {r.status for r in final.values()} <= {"sent", "collapsed", "uncertain"}
    world.db.dispose()
