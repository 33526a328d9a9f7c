"""The change stamp (services/stamped.py) under concurrent writers on PostgreSQL: it is set when a writing
transaction commits, so two transactions that lock the same rows in opposite orders never deadlock on it, and
a transaction still sees its own uncommitted writes rather than a value kept from before them."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import select, text

from services.occurrences import letter_occurrences
from services.tasks import current_letter
from storage.models import Report, Task
from storage.paths import BUNDLED_LETTER
from tests.conftest import SHANGHAI
from tests.reminder_world import World


def _world(database_url: str) -> World:
    return World(database_url, BUNDLED_LETTER, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))


def _postgres_only(world: World) -> None:
    if world.db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: no row locks to cross")


def test_writers_crossing_row_locks_do_not_deadlock_on_the_stamp(database_url):
    """A holds the stamp's row (it wrote a report) and then wants task 2, which B holds; B, holding task 2,
    writes a report. With the stamp taken at the first write this is a deadlock (one of them fails); taken at
    commit, B finishes and then A does."""
    world = _world(database_url)
    _postgres_only(world)
    with world.db.session() as s:
        first, second = list(s.scalars(select(Task.id).order_by(Task.id).limit(2)))
    now = world.clock.now()
    a, b = world.db.engine.connect(), world.db.engine.connect()
    b_locked, a_wrote, errors = threading.Event(), threading.Event(), []

    def writer_b():
        try:
            with b.begin():
                b.execute(text("SELECT id FROM tasks WHERE id = :id FOR UPDATE"), {"id": second})
                b_locked.set()
                a_wrote.wait(10)
                b.execute(
                    Report.__table__.insert().values(
                        task_id=first, kind="progress", status="submitted", submitted_at=now
                    )
                )
        except Exception as exc:  # a deadlock abort, had it happened
            errors.append(exc)

    thread = threading.Thread(target=writer_b)
    try:
        with a.begin():
            a.execute(text("SET LOCAL deadlock_timeout = '200ms'"))
            thread.start()
            b_locked.wait(10)
            a.execute(
                Report.__table__.insert().values(task_id=first, kind="progress", status="submitted", submitted_at=now)
            )
            a_wrote.set()
            a.execute(text("UPDATE tasks SET position = position WHERE id = :id"), {"id": second})  # waits for B
        thread.join(10)
    finally:
        a.close()
        b.close()
    assert errors == []
    with world.db.session() as s:
        assert s.scalar(select(text("count(*)")).select_from(Report.__table__)) == 2


def test_a_transaction_sees_its_own_writes_not_a_kept_answer(database_url):
    """What is kept is computed before; a transaction that then writes a report (its stamp changes only at
    commit) gets an answer that includes the report, and after a rollback the kept answer is right again."""
    world = _world(database_url)
    with world.db.session() as s:
        task_id = s.scalar(select(Task.id).where(Task.code == "3.1"))
        kept = [f.reported for f in letter_occurrences(s, current_letter(s)) if f.task.id == task_id]
    assert kept and not any(kept)
    session = world.db._sessions()
    try:
        session.add(Report(task_id=task_id, kind="completion", status="submitted", submitted_at=world.clock.now()))
        session.flush()
        inside = [f.reported for f in letter_occurrences(session, current_letter(session)) if f.task.id == task_id]
        assert inside and all(inside)
    finally:
        session.rollback()
        session.close()
    with world.db.session() as s:
        assert [f.reported for f in letter_occurrences(s, current_letter(s)) if f.task.id == task_id] == kept


def test_a_connection_that_never_wrote_keeps_answers_too(database_url):
    """A process's fresh connections have never written the letter's data (no transaction id, the marking
    setting unset): what they compute is kept all the same, not worked out again on every question."""
    from services.stamped import kept
    from storage.db import Database

    _world(database_url)  # the letter loaded by another engine: this one's connections write nothing
    reader = Database(database_url)
    computed: list[int] = []
    try:
        for _ in range(3):
            with reader.session() as s:
                kept(s, ("fresh connection",), lambda: computed.append(1))
    finally:
        reader.dispose()
    assert computed == [1]
