"""The scheduler lease: one holder at a time, takeover only after expiry, on both backends; time is a FakeClock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from deadlines.clock import FakeClock
from scheduler.leadership import Leadership
from services.lease import read_lease, recent_processes
from storage.db import Database

TTL = timedelta(seconds=30)
START = datetime(2022, 3, 21, 1, 0, tzinfo=UTC)


def test_one_holder_renews_others_stand_by_until_it_expires(db):
    clock = FakeClock(START)
    a = Leadership(db, clock, TTL, process_id="host-a:1:aaaaaa")
    b = Leadership(db, clock, TTL, process_id="host-b:2:bbbbbb")

    first = a.beat()
    assert first.holding and first.took_over and first.lease.holder == a.me
    assert not b.beat().holding

    for _ in range(5):  # the holder keeps renewing; the other never gets it
        clock.advance(seconds=10)
        assert a.beat().holding and not a.beat().took_over
        assert not b.beat().holding

    clock.advance(seconds=29)  # a stops beating: still its lease for 30 s
    assert not b.beat().holding and a.still_valid()
    clock.advance(seconds=1)
    assert not a.still_valid()
    taken = b.beat()
    assert taken.holding and taken.took_over and read_lease(db).holder == b.me

    lost = a.beat()  # a comes back: it learns it lost the lease
    assert lost.lost and not lost.holding and lost.lease.holder == b.me


def test_release_lets_another_take_over_at_its_next_beat(db):
    clock = FakeClock(START)
    a = Leadership(db, clock, TTL, process_id="a:1:x")
    b = Leadership(db, clock, TTL, process_id="b:2:y")
    assert a.beat().holding
    assert not b.beat().holding
    a.release()
    assert b.beat().took_over
    assert [p.id for p in recent_processes(db, START - TTL)] == ["b:2:y"]  # a said goodbye


def test_presence_shows_roles_and_why_a_process_stands_by(db):
    clock = FakeClock(START)
    a = Leadership(db, clock, TTL, process_id="a:1:x", mode="webhook")
    b = Leadership(db, clock, TTL, process_id="b:2:y", mode="webhook")
    a.beat(), b.beat()
    rows = {p.id: p for p in recent_processes(db, START)}
    assert rows["a:1:x"].role == "scheduler" and rows["a:1:x"].note is None
    assert rows["b:2:y"].role == "standby" and "a:1:x" in rows["b:2:y"].note
    clock.advance(days=2)  # a crashed long ago: forgotten at the next beat of anyone
    b.beat()
    assert [p.id for p in recent_processes(db, START - TTL)] == ["b:2:y"]


def test_racing_processes_never_both_hold_the_lease(database_url):
    """Many threads with their own engines (like processes) beat at once, again and again."""
    clock = FakeClock(START)
    databases = [Database(database_url) for _ in range(6)]
    from storage import migrate

    migrate.upgrade(databases[0])
    holders: list[list[str]] = []
    barrier = threading.Barrier(len(databases))
    lock = threading.Lock()

    def contend(i: int, round_holders: list[str]) -> None:
        leader = Leadership(databases[i], clock, TTL, process_id=f"p{i}:{i}:r{len(holders)}")
        barrier.wait()
        if leader.beat().holding:
            with lock:
                round_holders.append(leader.me)

    for _ in range(4):  # each round: the previous lease has expired, everybody rushes in
        round_holders: list[str] = []
        threads = [threading.Thread(target=contend, args=(i, round_holders)) for i in range(len(databases))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        holders.append(round_holders)
        clock.advance(seconds=31)
    for database in databases:
        database.dispose()
    assert [len(h) for h in holders] == [1, 1, 1, 1], holders


async def test_a_standby_never_recovers_the_holders_sends_and_the_new_holder_does(database_url):
    """recover() marks sends in flight as uncertain: only right for a holder taking over from a dead one."""
    from datetime import date

    from sqlalchemy import select
    from telegram import Bot

    from fake_bot_api import FakeBotAPI
    from scheduler.jobs import ReminderDuty
    from scheduler.runner import RunReport
    from storage.models import Reminder
    from tests.conftest import FIXTURES, SHANGHAI
    from tests.reminder_world import World

    world = World(database_url, FIXTURES / "mini-letter.yaml", datetime(2022, 3, 18, 8, 0, tzinfo=SHANGHAI))
    lease_clock = FakeClock(START)
    due_day = date(2022, 3, 25)
    with FakeBotAPI() as fake:
        world.add_contacts(fake)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            a = ReminderDuty(world.runner(bot), Leadership(world.db, lease_clock, TTL, "a:1:x"), 60, False)
            b = ReminderDuty(world.runner(bot), Leadership(world.db, lease_clock, TTL, "b:2:y"), 60, False)
            await a.heartbeat()
            await b.heartbeat()
            world.at(due_day)
            a.runner.plan(due_day, RunReport(due_day))
            with world.db.session() as s:  # a is sending this one right now
                in_flight = s.scalars(select(Reminder).where(Reminder.send_on <= due_day)).first()
                in_flight.status = "sending"
                in_flight_id = in_flight.id
            await b.heartbeat()
            await b.tick()  # a standby does nothing
            assert world.rows(id=in_flight_id)[0].status == "sending" and fake.sent == []

            lease_clock.advance(seconds=31)  # a died: its lease runs out
            await b.heartbeat()
            assert world.rows(id=in_flight_id)[0].status == "uncertain"
            await a.heartbeat()  # a was only stalled: it learns it lost, and stays quiet
            await a.tick()
            assert fake.sent == []
            await b.tick()
            assert fake.sent and all(r.status != "planned" for r in world.rows(send_on=due_day))
    world.db.dispose()
