"""Choices offered as text on a channel without buttons (handlers/choices.py): kept per chat, so a
restart or another replica reads back what "1" meant."""

from __future__ import annotations

from deadlines.clock import Clock
from storage.db import Database
from storage.models import TypedChoices


def remember(db: Database, clock: Clock, channel: str, chat_id: int, choices: list[list[str]], numbered: bool) -> None:
    with db.session() as session:
        row = session.get(TypedChoices, (channel, chat_id))
        if row is None:
            session.add(
                TypedChoices(
                    channel=channel, chat_id=chat_id, choices=choices, numbered=numbered, updated_at=clock.now()
                )
            )
        else:
            row.choices, row.numbered, row.updated_at = choices, numbered, clock.now()


def recall(db: Database, channel: str, chat_id: int) -> tuple[list[list[str]], bool] | None:
    with db.session() as session:
        row = session.get(TypedChoices, (channel, chat_id))
        return (list(row.choices), row.numbered) if row is not None else None
