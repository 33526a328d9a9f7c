"""Two `duban run --webhook` processes on one PostgreSQL database through a simulated week.

Exactly one runs reminders; SIGKILL of that one mid-week makes the other take over within the lease
timeout and send what came due meanwhile; nothing is sent twice; both answer chats all along.
Time moves through DUBAN_CLOCK_FILE; the lease runs on real seconds (DUBAN_SCHEDULER_LEASE_SECONDS=3).
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime
from datetime import time as clock_time

import httpx
import pytest
from sqlalchemy import select

from channels.telegram.webhook import SECRET_HEADER
from fake_bot_api import FakeBotAPI
from services.lease import read_lease
from storage.db import Database
from storage.models import Delivery, Reminder
from tests import backends
from tests.conftest import FIXTURES, SHANGHAI
from tests.deploy_processes import RunningBot, bot_env, free_port, set_clock, wait_until
from tests.reminder_world import ADMIN, World, reminder_ids

MINI = FIXTURES / "mini-letter.yaml"
LOADED = datetime(2022, 3, 18, 8, 0, tzinfo=SHANGHAI)  # the Friday before the week
WEEK = [date(2022, 3, d) for d in (21, 22, 23, 24, 25)]
LEASE_SECONDS = 3
SECRET = "replica-test-secret"


@pytest.fixture
def postgres_url():
    reason = backends.postgres_unavailable()
    if reason:
        pytest.skip(reason)
    url = backends.create_postgres_database()
    yield url
    backends.drop_postgres_database(url)


def at_nine(day: date) -> datetime:
    return datetime.combine(day, clock_time(9, 0), SHANGHAI)


def day_done(db: Database, day: date) -> bool:
    """The office digest goes out last in a run: once it is sent, everything due that day was handled."""
    with db.session() as s:
        digest = s.scalar(select(Delivery.status).where(Delivery.key == f"digest|{day.isoformat()}|{ADMIN}"))
        waiting = s.scalar(
            select(Reminder.id).where(Reminder.status.in_(("planned", "sending")), Reminder.send_on <= day).limit(1)
        )
    return digest == "sent" and waiting is None


def leader_pid(db: Database) -> int | None:
    lease = read_lease(db)
    if lease is None or lease.expires_at <= datetime.now(lease.expires_at.tzinfo):
        return None
    return int(lease.holder.rsplit(":", 2)[1])


def messages_sent_by(bot: RunningBot, what: str = "messages") -> int:
    """From the process's own log: `messages` (reminder messages) or `digests` (the office's)."""
    return sum(int(m) for m in re.findall(rf'msg="reminder run" .*?{what}=(\d+)', bot.output()))


def ask_start(fake, port: int, user_id: int) -> str:
    mark = fake.mark()
    fake.inject_message(user_id, "/start")
    answer = httpx.post(
        f"http://127.0.0.1:{port}/hook", json=fake.pending_updates[-1], headers={SECRET_HEADER: SECRET}, timeout=5
    )
    assert answer.status_code == 200
    return fake.wait_for_message(user_id, since=mark, timeout=15).text


def test_two_replicas_one_scheduler_takeover_after_sigkill_and_no_duplicates(postgres_url, tmp_path):
    world = World(postgres_url, MINI, LOADED)
    clock_file = tmp_path / "now.txt"
    set_clock(clock_file, datetime(2022, 3, 20, 20, 0, tzinfo=SHANGHAI))  # Sunday evening: nothing to do
    with FakeBotAPI() as fake:
        world.add_contacts(fake)
        ports = {"a": free_port(), "b": free_port()}

        def replica(name: str, generation: int = 0) -> RunningBot:
            env = bot_env(
                fake,
                postgres_url,
                DUBAN_ADMINS=str(ADMIN),
                DUBAN_CLOCK_FILE=str(clock_file),
                DUBAN_SCHEDULER_LEASE_SECONDS=str(LEASE_SECONDS),
                DUBAN_SCHEDULER_TICK_SECONDS="1",
                DUBAN_WEBHOOK_PORT=str(ports[name]),
                DUBAN_WEBHOOK_SECRET=SECRET,
            )
            return RunningBot(f"{name}{generation}", tmp_path / name, env, "--webhook", "https://duban.test/hook")

        bots = {"a": replica("a").start(), "b": replica("b").start()}
        everyone = list(bots.values())
        try:
            wait_until(lambda: leader_pid(world.db) is not None, 30, "a scheduler lease holder")
            for name in bots:  # both listen and answer
                wait_until(lambda n=name: _listening(ports[n]), 30, f"replica {name}'s webhook")
                assert "美丽办" in ask_start(fake, ports[name], ADMIN)

            for day in WEEK[:2]:  # Monday, Tuesday: one of them sends, the other stands by
                set_clock(clock_file, at_nine(day))
                wait_until(lambda d=day: day_done(world.db, d), 30, f"the reminders of {day}")
            first_leader = next(n for n, b in bots.items() if b.pid == leader_pid(world.db))
            other = "b" if first_leader == "a" else "a"
            assert messages_sent_by(bots[other]) == 0
            sent_before_kill = messages_sent_by(bots[first_leader])

            # Mid-week the leader dies without a word; Wednesday passes with nobody to send.
            bots[first_leader].kill()
            killed_at = time.monotonic()
            set_clock(clock_file, at_nine(WEEK[3]))  # Thursday 09:00
            wait_until(lambda: leader_pid(world.db) == bots[other].pid, 30, "the takeover")
            takeover_seconds = time.monotonic() - killed_at
            wait_until(lambda: day_done(world.db, WEEK[3]), 30, "Thursday's reminders from the new leader")
            catch_up = [m for m in fake.sent if "系统恢复后补发" in m.text]

            # The dead one comes back: it stands by; Friday is sent once, by the leader.
            bots[first_leader] = replica(first_leader, 1).start()
            everyone.append(bots[first_leader])
            wait_until(lambda: _listening(ports[first_leader]), 30, "the restarted replica")
            assert "美丽办" in ask_start(fake, ports[first_leader], ADMIN)
            set_clock(clock_file, at_nine(WEEK[4]))
            wait_until(lambda: day_done(world.db, WEEK[4]), 30, "Friday's reminders")
            assert "美丽办" in ask_start(fake, ports[other], ADMIN)
        finally:
            stops = {b.name: b.stop() for b in everyone if b.alive()}
            for b in everyone:
                b.kill()
        sent = fake.sent
        # The same /start asked of each replica gets the same answer: not a duplicate send.
        duplicates = [group for group in fake.duplicates() if "管理员" not in group[0].text]

    outputs = {b.name: b.output() for b in everyone}
    per_process = {b.name: messages_sent_by(b) for b in everyone}
    digests_per_process = {b.name: messages_sent_by(b, "digests") for b in everyone}
    print(
        f"\nreminder messages per process {per_process}, digests {digests_per_process}; "
        f"takeover {takeover_seconds:.1f}s; duplicates {len(duplicates)}"
    )
    assert all(code == 0 and seconds < 10 for code, seconds in stops.values()), (stops, outputs)
    assert duplicates == []
    listed = [rid for m in sent for rid in reminder_ids(m)]
    assert listed and len(listed) == len(set(listed))  # no reminder line in two messages
    digests = [m for m in sent if m.chat_id == ADMIN and "督办日报" in m.text]
    assert len(digests) == len({m.text.split("\n")[0] for m in digests})  # at most one a day
    with world.db.session() as s:
        statuses = {r.status for r in s.scalars(select(Reminder).where(Reminder.send_on <= WEEK[4]))}
    assert statuses <= {"sent", "collapsed", "superseded"}, statuses
    assert takeover_seconds < LEASE_SECONDS + 5
    assert catch_up, "Wednesday's reminders came due while nobody sent: Thursday's messages catch up"
    assert sent_before_kill > 0 and per_process[f"{other}0"] > 0
    assert per_process[f"{first_leader}1"] == 0  # the restarted one stood by
    assert "standing by" in outputs[f"{first_leader}1"]
    world.db.dispose()


def _listening(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/hook", timeout=1).status_code == 405
    except httpx.TransportError:
        return False
