"""What people ask about tasks: mine by colour, one task whole, what is due soon, what is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services.access import Denied, Identity, require_bound, require_task_access
from services.occurrences import letter_occurrences
from services.reports import find_task
from services.status_board import TaskStatus, task_statuses
from services.tasks import TaskView, current_letter, find_department, list_tasks
from storage.db import Database
from storage.models import Report


def _statuses(
    session: Session,
    identity: Identity,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    department: str | None = None,
) -> list[TaskStatus]:
    letter = current_letter(session)
    facts = letter_occurrences(session, letter)
    if department is None and identity.role == "contact":
        department = identity.department_name
    if department is not None:
        facts = [f for f in facts if department in f.task.department_names]
    return task_statuses(facts, today, calendar, policy)


def statuses_for(
    db: Database, identity: Identity, today: date, calendar: WorkdayCalendar, policy: ReminderPolicy
) -> list[TaskStatus]:
    """The colour of every task the identity may see (a contact: their department's; others: all)."""
    require_bound(identity)
    with db.session() as session:
        return _statuses(session, identity, today, calendar, policy)


def require_reader(identity: Identity) -> None:
    """The office and viewers read every department; contacts only their own."""
    if not identity.reads_everything:
        raise Denied("admin_only") if identity.bound else Denied("unbound")


def department_statuses(
    db: Database, identity: Identity, name: str, today: date, calendar: WorkdayCalendar, policy: ReminderPolicy
) -> tuple[str, list[TaskStatus]]:
    """One department's tasks (by name or alias), for the office and viewers."""
    require_reader(identity)
    with db.session() as session:
        department = find_department(session, name).name
        return department, _statuses(session, identity, today, calendar, policy, department)


def overdue_statuses(
    db: Database, identity: Identity, today: date, calendar: WorkdayCalendar, policy: ReminderPolicy
) -> list[TaskStatus]:
    require_reader(identity)
    with db.session() as session:
        return [s for s in _statuses(session, identity, today, calendar, policy) if s.colour == "red"]


@dataclass(frozen=True)
class DueItem:
    code: str
    text: str
    departments: tuple[str, ...]
    due: date
    phrase: str | None
    workdays_left: int


def due_within(
    db: Database, identity: Identity, today: date, calendar: WorkdayCalendar, days: int = 30
) -> list[DueItem]:
    """Unanswered occurrences due from today to `days` days ahead, soonest first."""
    require_bound(identity)
    until = today + timedelta(days=days)
    items = []
    with db.session() as session:
        facts = letter_occurrences(session, current_letter(session))
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
    return sorted(items, key=lambda i: (i.due, i.code))


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
    status: TaskStatus | None
    reports: list[ReportLine]
    rubric: list[tuple[str, str, float]]  # (sub-item id, name, points)


def task_detail(
    db: Database, identity: Identity, code: str, today: date, calendar: WorkdayCalendar, policy: ReminderPolicy
) -> TaskDetail:
    require_bound(identity)
    with db.session() as session:
        task = find_task(session, code)
        require_task_access(session, identity, task)
        letter = current_letter(session)
        view = next(v for v in list_tasks(session, letter) if v.id == task.code)
        status = next(
            iter(task_statuses(letter_occurrences(session, letter, [task.id]), today, calendar, policy)), None
        )
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
    return TaskDetail(view, status, reports, [(s.id, s.name, s.points) for s in subs])


def _id_order(sid: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in sid.split("."))
