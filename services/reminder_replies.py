"""Which tasks a reminder message listed, found from the message a person replied to: the ledger keeps the
ids of every message a reminder run sent (Delivery.message_ids) and which ledger rows each one carried."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import Database
from storage.models import Delivery, Reminder

REMINDER_KINDS = ("reminder", "catch_up")
LOOK_BACK = 400  # the chat's latest deliveries searched: months of daily reminders


def reminder_tasks(db: Database, chat_id: int, message_id: int) -> list[int]:
    """The tasks (ids, in the message's order) of the reminder sent to `chat_id` as `message_id`; empty
    when that message was no reminder (an answer, a digest, another person's message)."""
    with db.session() as session:
        deliveries = session.execute(
            select(Delivery.id, Delivery.message_ids)
            .where(Delivery.chat_id == chat_id, Delivery.kind.in_(REMINDER_KINDS), Delivery.status == "sent")
            .order_by(Delivery.id.desc())
            .limit(LOOK_BACK)
        )
        # JSON lists are searched here rather than in SQL: the same code on SQLite and PostgreSQL.
        delivery_id = next((d for d, ids in deliveries if message_id in (ids or [])), None)
        if delivery_id is None:
            return []
        rows = session.execute(
            select(Reminder.task_id)
            .where(Reminder.delivery_id == delivery_id, Reminder.status == "sent")
            .order_by(Reminder.id)
        )
        return list(dict.fromkeys(task_id for (task_id,) in rows))
