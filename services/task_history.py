"""Who changed a task, what and when: the audit rows of the task (by its code) and of its deadlines.

Rows written by the letter loader (task.create, task.update, deadline.create/update/retire), by a
verified report (deadline.follow_up) and by the office (services/task_edits.py), newest first. The office's
rows carry the letter's code, so a code reused by another year's letter does not mix histories.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from services.task_edits import EditRefused
from services.tasks import current_letter
from storage.db import Database
from storage.models import AuditEntry, Contact, Deadline, Task


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str  # "tg:123", "cli", "loader", "first-start"
    actor_name: str | None  # the contact's display name for a Telegram user bound in the database
    action: str
    before: dict | None
    after: dict | None


def history(db: Database, code: str, limit: int = 200) -> list[HistoryEntry]:
    """The task's changes, newest first; raises EditRefused("no_task") for a code the letter lacks."""
    with db.session() as session:
        return _history(session, code, limit)


def _history(session: Session, code: str, limit: int) -> list[HistoryEntry]:
    letter = current_letter(session)
    task = session.scalar(select(Task).where(Task.letter_id == letter.id, Task.code == (code or "").strip()))
    if task is None:
        raise EditRefused("no_task", code=code)
    deadline_ids = [str(i) for i in session.scalars(select(Deadline.id).where(Deadline.task_id == task.id))]
    rows = session.scalars(
        select(AuditEntry)
        .where(
            or_(
                and_(AuditEntry.entity == "task", AuditEntry.entity_id == task.code),
                and_(AuditEntry.entity == "deadline", AuditEntry.entity_id.in_(deadline_ids)),
            )
        )
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )  # the order they were written: newest first
    entries = [r for r in rows if (r.after or r.before or {}).get("letter", letter.code) == letter.code]
    user_ids = {_user_id(r.actor) for r in entries} - {None}
    names: dict[int | None, str | None] = {}
    if user_ids:
        for user_id, name in session.execute(
            select(Contact.user_id, Contact.display_name).where(Contact.user_id.in_(user_ids)).order_by(Contact.id)
        ):
            names.setdefault(user_id, name)
    return [HistoryEntry(r.at, r.actor, names.get(_user_id(r.actor)), r.action, r.before, r.after) for r in entries]


def _user_id(actor: str) -> int | None:
    return int(actor[3:]) if actor.startswith("tg:") and actor[3:].isdigit() else None
