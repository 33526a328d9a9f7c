"""The planner's lean read (`open_occurrences`) answers as the full one (`letter_occurrences`) does: the same
unanswered occurrences, the same departments, through reports of every kind, follow-ups, closed tasks and
retired deadlines; kept while the letter's data stays the same, and read again the moment it changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, event, func, select, update

from services.occurrences import OpenOccurrences, letter_occurrences, open_occurrences
from services.tasks import current_letter
from storage.models import Deadline, Report, Task, task_departments
from storage.paths import BUNDLED_LETTER
from tests.conftest import SHANGHAI
from tests.reminder_world import World

NOW = datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI)


def _world(database_url: str) -> World:
    return World(database_url, BUNDLED_LETTER, NOW)


def _same(world: World) -> OpenOccurrences:
    """The lean answer, checked against the full one and against the tables themselves."""
    with world.db.session() as s:
        letter = current_letter(s)
        full = letter_occurrences(s, letter)
        lean = open_occurrences(s, letter)
        open_tasks = set(
            s.scalars(select(Task.id).where(Task.letter_id == letter.id, Task.active.is_(True), Task.closed.is_(False)))
        )
        listed = s.execute(
            select(task_departments.c.task_id, task_departments.c.department_id)
            .where(task_departments.c.role == "responsible", task_departments.c.task_id.in_(open_tasks))
            .order_by(task_departments.c.position)
        ).all()
    assert lean.occurrences == [f.occurrence for f in full if not f.reported]  # the same, in the same order
    assert lean.departments.keys() == open_tasks  # also the open tasks with no open occurrence
    assert {f.task.id: f.task.department_ids for f in full}.items() <= lean.departments.items()
    for task_id, departments in lean.departments.items():
        assert departments == tuple(d for t, d in listed if t == task_id)
    return lean


def _task(world: World, code: str) -> int:
    with world.db.session() as s:
        return s.scalar(select(Task.id).where(Task.code == code))


def _dues(lean: OpenOccurrences, task_id: int) -> list:
    return [(o.deadline_id, o.due) for o in lean.occurrences if o.task_id == task_id]


def _report(world: World, task_id: int, status: str = "submitted", due=None, days: int = 0) -> int:
    with world.db.session() as s:
        report = Report(
            task_id=task_id,
            kind="completion",
            status=status,
            occurrence_due=due,
            submitted_at=NOW + timedelta(days=days),
        )
        s.add(report)
        s.flush()
        return report.id


def test_with_no_reports_every_occurrence_is_open_and_departments_keep_the_letter_s_order(database_url):
    world = _world(database_url)
    lean = _same(world)
    with world.db.session() as s:
        assert len(lean.occurrences) == len(letter_occurrences(s, current_letter(s)))
    several = [deps for deps in lean.departments.values() if len(deps) > 1]
    assert several and any(list(deps) != sorted(deps) for deps in several)  # the letter's order, not the ids'
    assert lean.departments[_task(world, "4.1")] == lean.departments[_task(world, "4.2")]


def test_reports_answer_what_they_name_and_only_live_ones_count(database_url):
    world = _world(database_url)
    monthly, quarterly, other = _task(world, "23.4"), _task(world, "22.3"), _task(world, "31.1")
    before = _same(world)
    assert len(_dues(before, monthly)) > 1 and len(_dues(before, quarterly)) > 1

    _report(world, monthly)  # names no occurrence: answers the whole task
    after = _same(world)
    assert _dues(after, monthly) == [] and monthly in after.departments

    named = _dues(before, quarterly)[2][1]
    _report(world, quarterly, status="verified", due=named)  # answers that occurrence of every deadline
    after = _same(world)
    assert _dues(after, quarterly) == [d for d in _dues(before, quarterly) if d[1] != named]

    _report(world, other, status="rejected")
    _report(world, other, status="withdrawn")
    _report(world, other, status="discarded")
    with world.db.session() as s:
        s.add(Report(task_id=other, kind="progress", status="submitted", submitted_at=NOW))
    assert _dues(_same(world), other) == _dues(before, other)


def _follow_up(world: World, task_id: int, key: str, every: str, opened_by: int) -> int:
    """A recurring deadline opened by a report (as a verified report with a follow-up duty opens one)."""
    with world.db.session() as s:
        position = 1 + (s.scalar(select(func.max(Deadline.position)).where(Deadline.task_id == task_id)) or 0)
        deadline = Deadline(
            task_id=task_id,
            key=key,
            position=position,
            kind="recurring",
            spec={"kind": "recurring", "every": every},
            origin="event",
            triggered_by_report_id=opened_by,
            active=True,
        )
        s.add(deadline)
        s.flush()
        return deadline.id


def test_a_follow_up_is_answered_only_by_reports_after_the_one_that_opened_it(database_url):
    world = _world(database_url)
    task_id = _task(world, "31.1")
    _report(world, task_id, days=-3)  # before: answers the task's own deadlines, not the follow-up
    opening = _report(world, task_id, status="verified", days=-2)
    follow_up = _follow_up(world, task_id, "follow-up", "month", opening)
    lean = _same(world)
    opened = _dues(lean, task_id)
    assert len(opened) > 2 and {d for d, _ in opened} == {follow_up}  # every month open, nothing else

    _report(world, task_id, due=opened[1][1], days=-1)  # after: answers the month it names
    lean = _same(world)
    assert _dues(lean, task_id) == [opened[0], *opened[2:]]

    # A second follow-up opened by that later report: the reports up to it do not answer it.
    with world.db.session() as s:
        later = s.scalar(select(Report.id).order_by(Report.id.desc()))
    _follow_up(world, task_id, "second follow-up", "quarter", later)
    lean = _same(world)
    assert len({d for d, _ in _dues(lean, task_id)}) == 2

    _report(world, task_id)  # after both, naming none: answers both follow-ups whole
    assert _dues(_same(world), task_id) == []


def test_closed_tasks_and_retired_deadlines_are_left_out(database_url):
    world = _world(database_url)
    closed, inactive, retired, several, nobody = (_task(world, c) for c in ("23.4", "4.1", "31.1", "22.3", "7.1"))
    with world.db.session() as s:
        s.execute(delete(task_departments).where(task_departments.c.task_id == nobody))
        s.execute(update(Task).where(Task.id == closed).values(closed=True))
        s.execute(update(Task).where(Task.id == inactive).values(active=False))
        s.execute(update(Deadline).where(Deadline.task_id == retired).values(active=False))
        kept_deadline = s.scalar(select(Deadline.id).where(Deadline.task_id == several).order_by(Deadline.position))
        s.execute(
            update(Deadline).where(Deadline.task_id == several, Deadline.id != kept_deadline).values(active=False)
        )
    lean = _same(world)
    assert closed not in lean.departments and inactive not in lean.departments
    assert _dues(lean, closed) == [] == _dues(lean, inactive) == _dues(lean, retired)
    assert lean.departments[retired]  # open, with nothing due: still listed with its departments
    assert {d for d, _ in _dues(lean, several)} == {kept_deadline}
    assert lean.departments[nobody] == () and _dues(lean, nobody)  # no department named: still open, due


def test_asked_again_over_the_same_data_it_is_kept_and_a_change_is_seen(database_url):
    world = _world(database_url)
    task_id = _task(world, "23.4")
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with world.db.session() as s:
        first = open_occurrences(s, current_letter(s))
    with world.db.session() as s:
        letter = current_letter(s)
        event.listen(world.db.engine, "before_cursor_execute", count)
        try:
            again = open_occurrences(s, letter)
        finally:
            event.remove(world.db.engine, "before_cursor_execute", count)
    assert len(statements) == 1, "\n\n".join(statements)  # the change stamp alone
    assert again == first
    again.occurrences.clear()  # the caller's copy: what is kept stays whole
    again.departments.clear()
    with world.db.session() as s:
        assert open_occurrences(s, current_letter(s)) == first

    with world.db.session() as s:  # written behind the service's back, as another process would
        s.add(Report(task_id=task_id, kind="completion", status="submitted", submitted_at=NOW))
    lean = _same(world)
    assert _dues(lean, task_id) == [] and len(lean.occurrences) < len(first.occurrences)
