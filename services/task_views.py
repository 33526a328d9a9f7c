"""What people ask about tasks: mine by colour, one task whole, what is due soon, what is overdue; and
once a letter's year is over, how it ended. Views are of the current year's letter unless a year is given
(services/letter_year.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services.access import Denied, Identity, require_bound, require_task_access
from services.letter_year import YearState, find_task, letter_and_year, year_state
from services.occurrences import letter_occurrences
from services.status_board import TaskStatus, task_statuses
from services.tasks import TaskView, find_department, task_view
from services.year_end import TaskOutcome, YearEnd, year_end
from storage.db import Database
from storage.models import Letter, Report


@dataclass(frozen=True)
class TaskBoard:
    """What /tasks, /dept and /overdue show: each task's colour on the day, counted no later than the
    letter's last day; once the year is over, how it ended."""

    year: YearState
    statuses: list[TaskStatus]
    ended: YearEnd | None


def _department(identity: Identity, department: str | None) -> str | None:
    return identity.department_name if department is None and identity.role == "contact" else department


def _statuses(
    session: Session,
    letter: Letter,
    identity: Identity,
    day: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    department: str | None = None,
) -> list[TaskStatus]:
    facts = letter_occurrences(session, letter)
    department = _department(identity, department)
    if department is not None:
        facts = [f for f in facts if department in f.task.department_names]
    return task_statuses(facts, day, calendar, policy)


def _board(
    session: Session,
    identity: Identity,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    tz: tzinfo | None,
    year: int | None = None,
    department: str | None = None,
) -> TaskBoard:
    letter, state = letter_and_year(session, today, year)
    statuses = _statuses(session, letter, identity, state.day, calendar, policy, department)
    ended = year_end(session, letter, calendar, tz, _department(identity, department)) if state.ended else None
    return TaskBoard(state, statuses, ended)


def statuses_for(
    db: Database, identity: Identity, today: date, calendar: WorkdayCalendar, policy: ReminderPolicy
) -> list[TaskStatus]:
    """The colour of every task the identity may see (a contact: their department's; others: all)."""
    require_bound(identity)
    with db.session() as session:
        letter, state = letter_and_year(session, today)
        return _statuses(session, letter, identity, state.day, calendar, policy)


def task_board(
    db: Database,
    identity: Identity,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    tz: tzinfo | None = None,
    year: int | None = None,
) -> TaskBoard:
    """/tasks: the identity's tasks (a contact: their department's; others: all) of the year's letter."""
    require_bound(identity)
    with db.session() as session:
        return _board(session, identity, today, calendar, policy, tz, year)


def require_reader(identity: Identity) -> None:
    """The office and viewers read every department; contacts only their own."""
    if not identity.reads_everything:
        raise Denied("admin_only") if identity.bound else Denied("unbound")


def department_board(
    db: Database,
    identity: Identity,
    name: str,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    tz: tzinfo | None = None,
    year: int | None = None,
) -> tuple[str, TaskBoard]:
    """One department's tasks (by name or alias), for the office and viewers."""
    require_reader(identity)
    with db.session() as session:
        department = find_department(session, name).name
        return department, _board(session, identity, today, calendar, policy, tz, year, department)


def department_statuses(
    db: Database, identity: Identity, name: str, today: date, calendar: WorkdayCalendar, policy: ReminderPolicy
) -> tuple[str, list[TaskStatus]]:
    """One department's task colours (/remind), counted no later than the letter's last day."""
    department, board = department_board(db, identity, name, today, calendar, policy)
    return department, board.statuses


def overdue_board(
    db: Database,
    identity: Identity,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    tz: tzinfo | None = None,
    year: int | None = None,
) -> TaskBoard:
    """/overdue: the red tasks (once the year is over: never reported)."""
    require_reader(identity)
    with db.session() as session:
        board = _board(session, identity, today, calendar, policy, tz, year)
    return TaskBoard(board.year, [s for s in board.statuses if s.colour == "red"], board.ended)


@dataclass(frozen=True)
class DueItem:
    code: str
    text: str
    departments: tuple[str, ...]
    due: date
    phrase: str | None
    workdays_left: int


@dataclass(frozen=True)
class DueList:
    year: YearState  # the current year's letter: an ended year is said, with nothing due
    items: list[DueItem]


def due_within(db: Database, identity: Identity, today: date, calendar: WorkdayCalendar, days: int = 30) -> DueList:
    """Unanswered occurrences due from today to `days` days ahead, soonest first: of every letter whose
    year they fall in (in December, next year's January deadlines too, once its letter is loaded)."""
    require_bound(identity)
    until = today + timedelta(days=days)
    items = []
    with db.session() as session:
        _, state = letter_and_year(session, today)
        letters = session.scalars(select(Letter).where(Letter.year.in_({today.year, until.year})))
        facts = [f for letter in letters for f in letter_occurrences(session, letter)]
    for f in facts:
        if f.reported or not today <= f.occurrence.due <= until:
            continue
        if identity.role == "contact" and identity.department_name not in f.task.department_names:
            continue
        items.append(
            DueItem(
                f.task.code,
                f.task.text,
                f.task.department_names,
                f.occurrence.due,
                f.phrase,
                calendar.workdays_between(today, f.occurrence.due),
            )
        )
    return DueList(state, sorted(items, key=lambda i: (i.due, i.code)))


@dataclass(frozen=True)
class ReportLine:
    """One report as a task's detail lists it."""

    id: int
    submitted_at: datetime
    kind: str
    status: str
    measures: tuple[dict, ...]
    evidence: int


@dataclass(frozen=True)
class TaskDetail:
    view: TaskView
    status: TaskStatus | None  # counted no later than the letter's last day
    reports: list[ReportLine]
    rubric: list[tuple[str, str, float]]  # (sub-item id, name, points)
    year: YearState
    outcome: TaskOutcome | None = None  # how its year ended, once it has


def task_detail(
    db: Database,
    identity: Identity,
    code: str,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    tz: tzinfo | None = None,
    year: int | None = None,
) -> TaskDetail:
    require_bound(identity)
    with db.session() as session:
        task = find_task(session, code, today, year)
        require_task_access(session, identity, task)
        letter = session.get_one(Letter, task.letter_id)
        state = year_state(session, letter, today)
        view = task_view(task, letter.year)  # this task only, not the letter's every task
        facts = letter_occurrences(session, letter, [task.id])
        status = next(iter(task_statuses(facts, state.day, calendar, policy)), None)
        outcome = None
        if state.ended:
            outcome = next((t for t in year_end(session, letter, calendar, tz).tasks if t.code == task.code), None)
        reports = [
            ReportLine(r.id, r.submitted_at, r.kind, r.status, tuple(r.measures or ()), len(r.evidence or []))
            for r in session.scalars(
                select(Report)
                .where(Report.task_id == task.id, Report.status.not_in(("draft", "discarded")))
                .order_by(Report.submitted_at.desc(), Report.id.desc())
                .limit(5)
            )
        ]
        rubric_ids = list(task.rubric_ids or [])
    rubric = scoring.load_rubric()
    subs = [rubric.subitem(sid) for sid in sorted(rubric.expand(rubric_ids), key=_id_order)]
    return TaskDetail(view, status, reports, [(s.id, s.name, s.points) for s in subs], state, outcome)


def _id_order(sid: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in sid.split("."))
