"""What people ask about tasks: mine by colour, one task whole, what is due soon, what is overdue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring
from storage.models import Report
from deadlines.policy import ReminderPolicy
from services.access import Identity, require_task_access
from services.occurrences import letter_occurrences
from services.reports import find_task
from services.status_board import TaskStatus, task_statuses
from services.tasks import TaskView, current_letter, list_tasks


def statuses_for(session: Session, identity: Identity, today: date, calendar, policy: ReminderPolicy,
                 department: str | None = None) -> list[TaskStatus]:
    """The colour of every task the identity may see (a contact: their department's; others: all)."""
    letter = current_letter(session)
    facts = letter_occurrences(session, letter)
    if department is None and identity.role == "contact":
        department = identity.department_name
    if department is not None:
        facts = [f for f in facts if department in f.task.department_names]
    return task_statuses(facts, today, calendar, policy)


@dataclass(frozen=True)
class DueItem:
    code: str
    text: str
    departments: tuple[str, ...]
    due: date
    phrase: str | None
    workdays_left: int


def due_within(session: Session, identity: Identity, today: date, calendar, days: int = 30) -> list[DueItem]:
    """Unanswered occurrences due from today to `days` days ahead, soonest first."""
    letter = current_letter(session)
    until = today + timedelta(days=days)
    items = []
    for f in letter_occurrences(session, letter):
        if f.reported or not today <= f.occurrence.due <= until:
            continue
        if identity.role == "contact" and identity.department_name not in f.task.department_names:
            continue
        items.append(DueItem(f.task.code, f.task.text, f.task.department_names, f.occurrence.due, f.phrase,
                             calendar.workdays_between(today, f.occurrence.due)))
    return sorted(items, key=lambda i: (i.due, i.code))


@dataclass(frozen=True)
class TaskDetail:
    view: TaskView
    status: TaskStatus | None
    reports: list[Report]
    rubric: list[tuple[str, str, float]]  # (sub-item id, name, points)


def task_detail(session: Session, identity: Identity, code: str, today: date, calendar,
                policy: ReminderPolicy) -> TaskDetail:
    task = find_task(session, code)
    require_task_access(session, identity, task)
    letter = current_letter(session)
    view = next(v for v in list_tasks(session, letter) if v.id == task.code)
    status = next(iter(task_statuses(letter_occurrences(session, letter, [task.id]), today, calendar, policy)), None)
    reports = list(session.scalars(select(Report).where(Report.task_id == task.id, Report.status != "draft",
                                                        Report.status != "discarded")
                                   .order_by(Report.submitted_at.desc(), Report.id.desc()).limit(5)))
    rubric = scoring.load_rubric()
    subs = [rubric.subitem(sid) for sid in sorted(rubric.expand(task.rubric_ids or []), key=_id_order)]
    return TaskDetail(view, status, reports, [(s.id, s.name, s.points) for s in subs])


def _id_order(sid: str):
    return tuple(int(p) if p.isdigit() else p for p in sid.split("."))
