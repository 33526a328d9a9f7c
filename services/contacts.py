"""Contacts as the office sees them: who is bound, reachable, and acknowledging reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services import accounts
from services.reminder_ledger import office_recipients, recipients_by_department
from storage.db import Database
from storage.models import Contact, Department, Reminder


def mark_unreachable(db: Database, chat_id: int, reason: str) -> None:
    """The chat refused a message for good (blocked, never started): the office sees it in /contacts and
    the digest, and reminders stop trying it."""
    with db.session() as session:
        for contact in session.scalars(select(Contact).where(Contact.chat_id == chat_id)):
            contact.reachable, contact.unreachable_reason = False, reason


def set_reachable(db: Database, chat_id: int, reachable: bool, reason: str | None = None) -> list[tuple[str, str]]:
    """The chat blocked the bot (or removed it from a group), or took it back: its contacts follow. Returns
    (department, name) of each contact whose reachability changed, so the office is told once, not on every
    repeat of the same news."""
    with db.session() as session:
        deps: dict[int | None, str] = {d.id: d.name for d in session.scalars(select(Department))}
        changed = []
        for contact in session.scalars(select(Contact).where(Contact.chat_id == chat_id).order_by(Contact.id)):
            if contact.reachable != reachable:
                contact.reachable, contact.unreachable_reason = reachable, None if reachable else reason
                changed.append((deps.get(contact.department_id, ""), contact.display_name or str(chat_id)))
        return changed


def unreachable_contacts(db: Database, department_id: int) -> list[tuple[str, str | None]]:
    """(name, reason) of a department's contacts (people and groups: who /remind reaches) that cannot be reached."""
    with db.session() as session:
        rows = session.scalars(
            select(Contact)
            .where(Contact.department_id == department_id, Contact.reachable.is_(False), Contact.role == "contact")
            .order_by(Contact.id)
        )
        return [(c.display_name or str(c.chat_id), c.unreachable_reason) for c in rows]


def office_chats(db: Database, admins: frozenset[int]) -> list[int]:
    """The coordinating office's chats: DUBAN_ADMINS in private, plus any chat bound with the admin role."""
    with db.session() as session:
        return [r.chat_id for r in office_recipients(session, admins)]


def department_chats(db: Database, department_id: int) -> list[int]:
    """A department's reachable chats: its contacts and its bound group."""
    with db.session() as session:
        return [
            r.chat_id for r, contact in recipients_by_department(session).get(department_id, []) if contact.reachable
        ]


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
    read: int = 0  # of those, read by the recipient (where the channel reports reading: DingTalk)
    reads_reported: bool = False  # a DingTalk person: DingTalk says who read a 1:1 message
    channel: str = "telegram"  # telegram | console | dingtalk


def contact_lines(db: Database, since: date, office: str) -> list[ContactLine]:
    with db.session() as session:
        return _contact_lines(session, since, office)


def _contact_lines(session: Session, since: date, office: str) -> list[ContactLine]:
    deps = {d.id: d.name for d in session.scalars(select(Department))}
    counts = {
        cid: (sent, acked, read)
        for cid, sent, acked, read in session.execute(
            select(
                Reminder.contact_id,
                func.count(Reminder.id),
                func.count(Reminder.acknowledged_at),
                func.count(Reminder.read_at),
            )
            .where(Reminder.status.in_(("sent", "collapsed")), Reminder.send_on >= since)
            .group_by(Reminder.contact_id)
        )
    }
    lines = []
    for c in session.scalars(select(Contact).order_by(Contact.department_id, Contact.id)):
        sent, acked, read = counts.get(c.id, (0, 0, 0))
        dep = deps.get(c.department_id, office) if c.department_id is not None else office
        name = c.display_name or str(c.chat_id)
        on_account = accounts.is_account_number(c.chat_id)  # DingTalk: the only channel of string ids yet
        channel = (
            accounts.DINGTALK if on_account else ("telegram" if accounts.is_telegram_number(c.chat_id) else "console")
        )
        lines.append(
            ContactLine(
                dep,
                name,
                c.kind,
                c.role,
                c.reachable,
                c.unreachable_reason,
                sent,
                acked,
                read,
                reads_reported=on_account and c.kind == "user",
                channel=channel,
            )
        )
    return lines


def menu_roles(db: Database, admins: frozenset[int]) -> list[tuple[int, str]]:
    """(chat, role) of every Telegram person with a menu of their own: the admins, and each bound person
    (DingTalk has no command menus; the console's and DingTalk's numbers are no Telegram chat)."""
    with db.session() as session:
        people = [(c.chat_id, c.role) for c in session.scalars(select(Contact).where(Contact.kind == "user"))]
    everyone = [(admin, "admin") for admin in sorted(admins)] + people
    return [(chat, role) for chat, role in everyone if accounts.is_telegram_number(chat)]
