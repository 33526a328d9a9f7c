"""/remind 发改局: what the office nudges a department about right now (its red and yellow tasks)."""

from __future__ import annotations

from dataclasses import dataclass

from deadlines.clock import Clock
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services import audit
from services.access import Identity, require_admin
from services.status_board import TaskStatus
from services.task_views import department_statuses
from services.tasks import find_department
from storage.db import Database


@dataclass(frozen=True)
class Nudge:
    department: str
    department_id: int
    tasks: list[TaskStatus]  # red and yellow, most urgent first


def nudge(
    db: Database, clock: Clock, calendar: WorkdayCalendar, policy: ReminderPolicy, identity: Identity, name: str
) -> Nudge:
    """The department's red and yellow tasks, with the office's nudge written in the audit log."""
    require_admin(identity)
    department, statuses = department_statuses(db, identity, name, clock.today(), calendar, policy)
    urgent = [s for s in statuses if s.colour in ("red", "yellow")]
    with db.session() as session:
        dep = find_department(session, department)
        audit.record(
            session,
            clock,
            identity.actor,
            "remind.manual",
            "department",
            dep.id,
            None,
            {"tasks": [s.code for s in urgent]},
        )
        return Nudge(dep.name, dep.id, urgent)
