"""Reminders in doubt: a request that may have reached the chat without an answer (the process died during
it, or the answer never came). They are never resent by themselves, so never duplicated; instead the
office is told of each by name, once, with a button to send it again (handlers/reminder_buttons.py).

Which ones the office was told of is kept in the scheduler's state (a small list of delivery ids), so
the notice is sent once even through restarts; a message sent again and in doubt again is told again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from services import audit
from services import reminder_ledger as ledger
from services.access import Identity, require_admin
from services.letter_file import DEFAULT_OFFICE
from storage.db import Database
from storage.models import Contact, Delivery, Department, Letter, Reminder, Task

TOLD = "reminders.uncertain_told"
UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class InDoubt:
    delivery_id: int
    chat_id: int
    who: str  # "住建局 张三", or the office for its own escalations
    codes: tuple[str, ...]  # the tasks the message listed
    day: date  # the day it was being sent


def _told(s: Session) -> set[int]:
    raw = ledger.get_state(s, TOLD)
    return set(json.loads(raw)) if raw else set()


def untold(db: Database, since: date) -> list[InDoubt]:
    """Every message in doubt since `since` the office has not been told of yet, oldest first (older ones,
    say from before an upgrade, are history: a reminder of weeks ago is better not sent again)."""
    with db.session() as s:
        rows = list(
            s.scalars(
                select(Reminder)
                .join(Delivery, Delivery.id == Reminder.delivery_id)
                .where(Reminder.status == UNCERTAIN, Delivery.run_on >= since)
            )
        )
        told = _told(s)
        by_delivery: dict[int, list[Reminder]] = defaultdict(list)
        for row in rows:
            if row.delivery_id is not None and row.delivery_id not in told:
                by_delivery[row.delivery_id].append(row)
        if not by_delivery:
            return []
        deliveries = {d.id: d for d in s.scalars(select(Delivery).where(Delivery.id.in_(list(by_delivery))))}
        codes = dict(s.execute(select(Task.id, Task.code).where(Task.id.in_({r.task_id for r in rows}))).all())
        return [
            InDoubt(
                did,
                deliveries[did].chat_id,
                _who(s, deliveries[did]),
                tuple(sorted({codes[r.task_id] for r in members}, key=_code_order)),
                deliveries[did].run_on,
            )
            for did, members in sorted(by_delivery.items())
        ]


def _code_order(code: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


def _who(s: Session, delivery: Delivery) -> str:
    contact = s.get(Contact, delivery.contact_id) if delivery.contact_id is not None else None
    if contact is None or contact.role == "admin" or contact.department_id is None:
        office = s.scalar(select(Letter.office).order_by(Letter.year.desc(), Letter.id.desc()).limit(1))
        return office or DEFAULT_OFFICE
    department = s.get(Department, contact.department_id)
    return f"{department.name if department else ''} {contact.display_name or contact.chat_id}".strip()


def mark_told(db: Database, delivery_ids: Collection[int], now: datetime) -> None:
    """The office has been told of these; ids no longer in doubt are forgotten, so the list stays short."""
    with db.session() as s:
        still = set(s.scalars(select(Reminder.delivery_id).where(Reminder.status == UNCERTAIN)))
        told = (_told(s) | set(delivery_ids)) & still
        ledger.set_state(s, TOLD, json.dumps(sorted(told)), now)


@dataclass(frozen=True)
class Resent:
    status: str  # ok | already (nothing in doubt there any more) | unknown
    who: str = ""
    reminders: int = 0


def resend(db: Database, clock: Clock, identity: Identity, delivery_id: int) -> Resent:
    """The office asks for a message in doubt to go out again: its reminders are planned again (the next
    reminder run sends them), with an audit row naming who asked."""
    require_admin(identity)
    with db.session() as s:
        delivery = s.get(Delivery, delivery_id)
        if delivery is None:
            return Resent("unknown")
        who = _who(s, delivery)
        rows = list(
            s.scalars(select(Reminder).where(Reminder.delivery_id == delivery_id, Reminder.status == UNCERTAIN))
        )
        if not rows:
            return Resent("already", who)
        for row in rows:
            row.status, row.delivery_id = "planned", None
            row.error = f"in doubt, sent again at the office's request ({identity.actor})"
        ledger.set_state(s, TOLD, json.dumps(sorted(_told(s) - {delivery_id})), clock.now())
        audit.record(
            s,
            clock,
            identity.actor,
            "reminder.resend",
            "delivery",
            delivery_id,
            {"status": UNCERTAIN},
            {"status": "planned", "reminders": [r.id for r in rows], "to": who},
        )
        return Resent("ok", who, len(rows))
