"""The planning pass's writes to the reminder ledger: each key at most once, whoever plans it and when.

Rows go in with INSERT … ON CONFLICT DO NOTHING (COPY through a temporary table for large batches on
PostgreSQL); the pass plans only the days since the last one (its horizon), so a stopped bot catches up
the days it missed and a second pass the same day adds nothing.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from deadlines.planner import DUE, ESCALATION, LEAD, OVERDUE, Occurrence, Planned, Recipient, Stage, plan
from services import reminder_ledger as ledger
from services import reminder_rows
from services.overdue_lists import write_out_due
from services.reminder_planning import plan_day
from services.tasks import current_letter
from storage.models import Contact, Deadline, OverdueList, Reminder, Task, task_departments
from tests.conftest import FIXTURES, SHANGHAI
from tests.reminder_world import ADMIN, World

MINI = FIXTURES / "mini-letter.yaml"
LOADED = datetime(2022, 1, 4, 8, 0, tzinfo=SHANGHAI)
NOW = datetime(2022, 3, 21, 9, 0, tzinfo=SHANGHAI)


class Fake:
    """Stands in for the fake Bot API where only contacts are needed (no message is sent here)."""

    def add_user(self, *args, **kwargs) -> None:
        pass


def planned_rows(world: World, count: int, first: int = 0) -> list[Planned]:
    """`count` distinct reminders of one real occurrence (task, deadline, contact all exist): the k-th
    working day overdue for k = first .. first + count - 1."""
    with world.db.session() as s:
        task_id, deadline_id = s.execute(select(Deadline.task_id, Deadline.id).order_by(Deadline.id)).first()
        contact_id, chat_id = s.execute(select(Contact.id, Contact.chat_id).order_by(Contact.id)).first()
    occ = Occurrence(task_id, deadline_id, date(2022, 3, 25))
    who = Recipient(chat_id, contact_id)
    return [
        Planned(f"d{deadline_id}|2022-03-25|overdue|{-k}|{who.tag}", occ, Stage(OVERDUE, -k, date(2022, 3, 28)), who)
        for k in range(first, first + count)
    ]


def lists(world: World) -> list[OverdueList]:
    with world.db.session() as s:
        return list(s.scalars(select(OverdueList).order_by(OverdueList.id)))


def chats_of_task(world: World, task_id: int) -> set[int]:
    """The chats of the task's responsible departments' contacts."""
    with world.db.session() as s:
        deps = s.scalars(
            select(task_departments.c.department_id).where(
                task_departments.c.task_id == task_id, task_departments.c.role == "responsible"
            )
        ).all()
        return set(s.scalars(select(Contact.chat_id).where(Contact.department_id.in_(deps))))


def count_rows(world: World) -> int:
    with world.db.session() as s:
        return s.scalar(select(func.count()).select_from(Reminder))


@pytest.fixture
def world(database_url) -> World:
    w = World(database_url, MINI, LOADED)
    w.add_contacts(Fake())
    w.at(NOW.date())
    return w


@pytest.mark.parametrize("size", [3, reminder_rows.COPY_FROM + 200], ids=["executemany", "copy-sized"])
def test_rows_already_in_the_ledger_are_ignored_and_not_counted(world, size):
    half = size // 2
    with world.db.session() as s:
        assert ledger.record_planned(s, planned_rows(world, half), NOW) == half
    rows = planned_rows(world, size)  # the first half again, and as many new
    with world.db.session() as s:
        assert ledger.record_planned(s, rows + rows[-2:], NOW) == size - half  # repeated in the batch: once
    with world.db.session() as s:
        assert ledger.record_planned(s, rows, NOW) == 0
    assert count_rows(world) == size


def test_rows_written_in_bulk_read_back_as_the_orm_writes_them(world):
    """The fast path bypasses SQLAlchemy's per-row conversions: what it stores must be what the ORM would
    (dates, the aware creation time), or the sender's `send_on <= today` would miss rows on SQLite."""
    first, second = planned_rows(world, 2)
    with world.db.session() as s:
        p = first
        s.add(
            Reminder(
                key=p.key,
                kind=p.stage.kind,
                task_id=p.occurrence.task_id,
                deadline_id=p.occurrence.deadline_id,
                due_date=p.occurrence.due,
                lead=p.stage.lead,
                send_on=p.stage.send_on,
                contact_id=p.recipient.contact_id,
                chat_id=p.recipient.chat_id,
                status="planned",
                created_at=NOW,
            )
        )
    with world.db.session() as s:
        assert ledger.record_planned(s, [second], NOW) == 1
    columns = "due_date, send_on, created_at, contact_id, chat_id, status, kind, task_id, deadline_id"
    with world.db.engine.connect() as conn:  # the stored values themselves, not as read back by the ORM
        orm, bulk = conn.execute(text(f"SELECT {columns} FROM reminders ORDER BY id")).all()
    assert bulk == orm
    with world.db.session() as s:
        assert [r.key for r in ledger.due_rows(s, date(2022, 3, 28))] == [first.key, second.key]
        assert ledger.due_rows(s, date(2022, 3, 25)) == []


@pytest.mark.postgresql
def test_two_planners_in_two_transactions_at_once_write_each_key_once(world):
    """The race the ledger's unique key is there for: planner A has written rows and not committed yet
    when planner B writes the same rows. B waits for A, then skips A's rows: no error, no duplicate. (A
    SELECT before the INSERT cannot see A's uncommitted rows, and B then failed on the unique key.)"""
    if world.db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the interleaving cannot happen there")
    rows = planned_rows(world, reminder_rows.COPY_FROM + 50)
    outcome: dict[str, object] = {}
    with world.db.session() as a:
        assert ledger.record_planned(a, rows[:100], NOW) == 100  # written, not committed
        a_pid = a.execute(text("SELECT pg_backend_pid()")).scalar()

        def planner_b() -> None:
            try:
                with world.db.session() as b:
                    outcome["b"] = ledger.record_planned(b, rows, NOW)
            except Exception as exc:  # the test's assertion shows it
                outcome["b"] = exc

        thread = threading.Thread(target=planner_b)
        thread.start()
        with world.db.engine.connect() as watcher:  # B is blocked behind A's uncommitted keys
            for _ in range(2000):
                waiting = watcher.execute(
                    text("SELECT count(*) FROM pg_locks WHERE NOT granted AND :a = ANY(pg_blocking_pids(pid))"),
                    {"a": a_pid},
                ).scalar()
                if waiting or not thread.is_alive():
                    break
                threading.Event().wait(0.01)
        assert thread.is_alive(), f"B did not wait for A: {outcome}"
    thread.join(30)  # A has committed (end of its `with`)
    assert outcome["b"] == len(rows) - 100
    assert count_rows(world) == len(rows)


def test_a_second_planner_the_same_day_adds_nothing(world):
    rows = planned_rows(world, 10)
    with world.db.session() as a, world.db.session() as b:  # B planned before A's rows were there
        assert ledger.record_planned(a, rows, NOW) == 10
        a.commit()
        assert ledger.record_planned(b, rows, NOW) == 0
    assert count_rows(world) == 10


def day_plan(world: World, day: date):
    world.at(day)
    return plan_day(world.db, day, world.clock.now(), frozenset({ADMIN}), world.policy, world.calendar)


def sent_on(world: World) -> set[date]:
    return {r.send_on for r in world.rows()}


def test_each_pass_plans_its_own_day_and_nothing_beyond_it(world):
    """Day by day (26.4 due Friday 25 March, 26.3 on the 31st): a pass writes the stages sent that day,
    none of a later day; a second pass the same day adds nothing, even when the day's mark was lost."""
    with world.db.session() as s:
        letter = current_letter(s)
        ledger.set_state(s, f"reminders.planned_through.{letter.id}", "2022-03-20", NOW)
    for day in (date(2022, 3, 21) + timedelta(days=n) for n in range(5)):
        before = {r.id for r in world.rows()}
        result = day_plan(world, day)
        new = [r for r in world.rows() if r.id not in before]
        assert result.planned == len(new)
        assert {r.send_on for r in new} <= {day}
        assert day_plan(world, day).planned == 0
        with world.db.session() as s:
            ledger.set_state(s, f"reminders.planned_on.{letter.id}", "", NOW)  # as if the mark was lost
            assert ledger.get_state(s, f"reminders.planned_through.{letter.id}") == day.isoformat()
        assert day_plan(world, day).planned == 0
    assert sent_on(world) == {date(2022, 3, 22), date(2022, 3, 24), date(2022, 3, 25)}  # leads 3, 1, due
    assert {r.kind for r in world.rows(send_on=date(2022, 3, 25))} == {DUE}
    cal = world.calendar
    assert all(cal.add_workdays(r.send_on, r.lead) == r.due_date for r in world.rows(kind=LEAD))


def test_after_downtime_the_missed_days_are_planned_at_once(world):
    with world.db.session() as s:
        letter = current_letter(s)
        ledger.set_state(s, f"reminders.planned_through.{letter.id}", "2022-03-21", NOW)
    # Down from Tuesday the 22nd to Friday the 25th (26.4 due that day); back on Monday the 28th.
    day = day_plan(world, date(2022, 3, 28))
    with world.db.session() as s:
        task_id = s.scalar(select(Task.id).where(Task.code == "26.4"))
    kinds = {(r.send_on, r.kind) for r in world.rows(task_id=task_id)}
    assert {(date(2022, 3, 22), LEAD), (date(2022, 3, 24), LEAD), (date(2022, 3, 25), DUE)} == kinds
    assert day.planned == count_rows(world)
    # 26.4 is overdue on the 28th: its department's list of that day counts it; written out when sent.
    chats = chats_of_task(world, task_id)
    assert chats and chats <= {x.chat_id for x in lists(world) if x.send_on == date(2022, 3, 28) and x.counted}
    assert day.lists == len(lists(world))
    written = write_out_due(world.db, date(2022, 3, 28), NOW, world.policy, world.calendar)
    assert written.lists == day.lists and written.lines == count_rows(world) - day.planned
    kinds = {(r.send_on, r.kind) for r in world.rows(task_id=task_id)}
    assert (date(2022, 3, 28), OVERDUE) in kinds
    with world.db.session() as s:  # all of them are due for sending now: the catch-up message
        due = ledger.due_rows(s, date(2022, 3, 28))
        assert {r.send_on for r in due} >= {date(2022, 3, 22), date(2022, 3, 25), date(2022, 3, 28)}


def test_a_task_closed_between_passes_has_its_planned_rows_withdrawn_and_no_new_ones(world):
    with world.db.session() as s:
        letter = current_letter(s)
        ledger.set_state(s, f"reminders.planned_through.{letter.id}", "2022-03-21", NOW)
    day_plan(world, date(2022, 3, 22))  # 26.4's 3-day lead, planned
    with world.db.session() as s:
        task = s.scalar(select(Task).where(Task.code == "26.4"))
        task.closed = True
        task_id = task.id
    day = day_plan(world, date(2022, 3, 23))
    rows = world.rows(task_id=task_id)
    assert rows and {r.status for r in rows} == {"superseded"}
    assert day.superseded == len(rows)
    assert not [r for r in rows if r.send_on == date(2022, 3, 23)]


def test_the_keys_keep_their_format_so_rows_planned_before_an_upgrade_still_match(world):
    """A ledger planned by an earlier version must meet the same keys: a changed format would plan every
    reminder of the day a second time."""
    occ = Occurrence(5, 7, date(2022, 3, 25))
    rows = plan(
        [occ],
        lambda _: [Recipient(10_003, 3)],
        [Recipient(ADMIN)],
        world.policy,
        world.calendar,
        date(2022, 3, 22),
        date(2022, 4, 1),
    )
    keys = {p.key for p in rows}
    assert {"d7|2022-03-25|lead|3|c3", "d7|2022-03-25|due|0|c3", "d7|2022-03-25|overdue|-1|c3"} <= keys
    assert {p.key for p in rows if p.stage.kind == ESCALATION} == {f"d7|2022-03-25|escalation|-3|u{ADMIN}"}
