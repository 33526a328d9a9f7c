"""Contacts as the office sees them: who is bound, reachable, and acknowledging reminders."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Contact, Department, Reminder


def mark_unreachable(session: Session, chat_id: int, reason: str) -> None:
    for contact in session.scalars(select(Contact).where(Contact.chat_id == chat_id)):
        contact.reachable, contact.unreachable_reason = False, reason


@dataclass(frozen=True)
class ContactLine:
    department: str
    name: str
    kind: str
    role: str
    reachable: bool
    reason: str | None
    sent: int  # reminders sent in the window
    acknowledged: int


def contact_lines(session: Session, since: date) -> list[ContactLine]:
    deps = {d.id: d.name for d in session.scalars(select(Department))}
    counts = {cid: (sent, acked) for cid, sent, acked in session.execute(
        select(Reminder.contact_id, func.count(Reminder.id), func.count(Reminder.acknowledged_at))
        .where(Reminder.status.in_(("sent", "collapsed")), Reminder.send_on >= since)
        .group_by(Reminder.contact_id))}
    lines = []
    for c in session.scalars(select(Contact).order_by(Contact.department_id, Contact.id)):
        sent, acked = counts.get(c.id, (0, 0))
        lines.append(ContactLine(deps.get(c.department_id, "美丽办"), c.display_name or str(c.chat_id), c.kind,
                                 c.role, c.reachable, c.unreachable_reason, sent, acked))
    return lines
