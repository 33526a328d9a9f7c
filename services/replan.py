"""Re-planning one task's reminders right after the office changed it, in the same transaction.

The daily planning pass (scheduler/runner.py) runs once per working day; a change made after it must not
wait for tomorrow. So, for the changed task:
- planned reminders that no longer fit are superseded now, with the reason: an occurrence that is no longer
  open (the deadline moved, the task closed), or a department that is no longer responsible (reassigned).
  The scheduler's next tick therefore cannot send a reminder for the old date; reminders already sent
  stay in the ledger, their history untouched.
- when today's pass has already run, the stages of the new occurrences from today to the day the pass
  planned through are added now (e.g. a due-day reminder when a deadline was moved to today); the next
  tick sends them. Before today's pass, that pass plans them itself.

`make_edit` is the one way an edit is written: the change, its audit row and the re-planned reminders in
the caller's transaction, for the chat's 确认 (services/task_drafts.py) and `duban task` alike.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from deadlines.planner import ESCALATION, plan
from deadlines.policy import ReminderPolicy, active_until
from deadlines.workdays import WorkdayCalendar
from services import reminder_ledger as ledger
from services.occurrences import letter_occurrences
from services.task_edits import Edit, Preview, office_name
from services.task_writes import apply
from services.tasks import current_letter
from storage.models import Department, Reminder, task_departments

REASONS = {
    "move": "no longer due (deadline moved)",
    "recur": "no longer due (deadline changed to a recurrence)",
    "close": "no longer due (task closed)",
    "assign": "department no longer responsible (reassigned)",
}


@dataclass(frozen=True)
class Replanned:
    superseded: int
    planned: int


def replan_task(
    session: Session, clock: Clock, calendar, policy: ReminderPolicy, admin_ids: frozenset[int], task_id: int, op: str
) -> Replanned:
    letter = current_letter(session)
    open_facts = [f for f in letter_occurrences(session, letter, [task_id]) if not f.reported]
    open_keys = {(f.occurrence.deadline_id, f.occurrence.due) for f in open_facts}
    dep_ids = set(
        session.scalars(
            select(task_departments.c.department_id).where(
                task_departments.c.task_id == task_id, task_departments.c.role == "responsible"
            )
        )
    )
    by_dep = ledger.recipients_by_department(session)
    responsible = [r for d in sorted(dep_ids) for r, _ in by_dep.get(d, [])]
    allowed = {r.contact_id for r in responsible}

    gone, elsewhere = [], []
    for rid, deadline_id, due, kind, contact_id in session.execute(
        select(Reminder.id, Reminder.deadline_id, Reminder.due_date, Reminder.kind, Reminder.contact_id).where(
            Reminder.task_id == task_id, Reminder.status == "planned"
        )
    ):
        if (deadline_id, due) not in open_keys:
            gone.append(rid)
        elif kind != ESCALATION and contact_id not in allowed:
            elsewhere.append(rid)
    superseded = ledger.supersede(session, gone, REASONS.get(op, "no longer due (answered, moved or closed)"))
    superseded += ledger.supersede(session, elsewhere, REASONS["assign"])

    planned = 0
    today = clock.today()
    through = ledger.get_state(session, f"reminders.planned_through.{letter.id}")
    if through and date.fromisoformat(through) >= today and open_facts:
        until = min(date.fromisoformat(through), active_until(letter.year, policy, calendar))
        rows = plan(
            [f.occurrence for f in open_facts],
            ledger.department_chats({task_id: tuple(sorted(dep_ids))}, by_dep),  # as the daily pass: each chat once
            ledger.office_recipients(session, admin_ids),
            policy,
            calendar,
            today,
            until,
        )
        planned = ledger.record_planned(session, rows, clock.now())
    session.flush()
    return Replanned(superseded, planned)


@dataclass(frozen=True)
class Made:
    """An edit written, as the answer and the departments' notice need it."""

    op: str
    code: str
    task_id: int
    preview: Preview  # before/after as confirmed, with the task's code
    departments: tuple[tuple[int, str], ...]  # (id, name) of who is told: old and new ones on /assign
    office: str  # the letter's office, for the notice's wording
    replanned: Replanned


def make_edit(
    session: Session,
    clock: Clock,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    admin_ids: frozenset[int],
    actor: str,
    edit: Edit,
) -> Made:
    """Write `edit` (checked again) with its audit row and re-plan the task's reminders, in the caller's
    transaction: raises EditRefused (or UnknownDepartment, NoLetter) and writes nothing when it cannot."""
    applied = apply(session, clock, actor, edit)
    replanned = replan_task(session, clock, calendar, policy, admin_ids, applied.task_id, edit.op)
    ids = applied.preview.department_ids
    names = {i: n for i, n in session.execute(select(Department.id, Department.name).where(Department.id.in_(ids)))}
    return Made(
        edit.op,
        applied.code,
        applied.task_id,
        replace(applied.preview, code=applied.code),
        tuple((i, names.get(i, "")) for i in ids),
        office_name(current_letter(session)),
        replanned,
    )
