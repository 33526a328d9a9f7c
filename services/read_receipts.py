"""Read receipts: which reminders their recipients have read, where the channel can say (DingTalk answers
"read or not" for a 1:1 robot message by its processQueryKey, for 24 hours after sending).

A delivery keeps the channel's handle (`Delivery.receipt`); the channel asks about the ones still unread
and records the answer on the reminders the message carried (`Reminder.read_at`), shown in /contacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from storage.db import Database
from storage.models import Delivery, Reminder


@dataclass(frozen=True)
class OpenReceipt:
    delivery_id: int
    receipt: str
    chat_id: int


def open_receipts(db: Database, since: datetime, limit: int = 200) -> list[OpenReceipt]:
    """Reminder messages sent since `since` with a receipt whose reminders nobody has marked read yet."""
    unread = (
        select(Reminder.delivery_id)
        .where(Reminder.delivery_id == Delivery.id, Reminder.read_at.is_(None), Reminder.status == "sent")
        .exists()
    )
    with db.session() as session:
        rows = session.execute(
            select(Delivery.id, Delivery.receipt, Delivery.chat_id)
            .where(Delivery.receipt.is_not(None), Delivery.status == "sent", Delivery.sent_at >= since, unread)
            .order_by(Delivery.id)
            .limit(limit)
        )
        return [OpenReceipt(i, receipt, chat) for i, receipt, chat in rows if receipt]


def mark_read(db: Database, delivery_id: int, read_at: datetime) -> int:
    """The recipient read the message: its reminders (and the earlier stages folded into it) are read."""
    with db.session() as session:
        rows = list(
            session.scalars(select(Reminder).where(Reminder.delivery_id == delivery_id, Reminder.read_at.is_(None)))
        )
        for row in rows:
            row.read_at = read_at
        return len(rows)
