"""Answers to what a person sends that the bot does not act on: an edited message (no new message: a hint
to send it again) and a sticker, a location, a contact card or a type the bot cannot read (what to send
instead). Nothing a person sends goes unanswered in a private chat."""

from __future__ import annotations

from handlers import hint_texts as ht
from handlers import texts
from handlers.context import Turn
from handlers.events import LOCATION, OTHER
from handlers.replies import Message, Replies
from services.access import NONE
from services.reports import KIND as REPORT


async def edited(turn: Turn) -> Replies:
    """An edit is not acted on: the exchange it belonged to has moved on, so re-reading it could start a
    second report. Groups hear only of edited commands; a live location's updates arrive as edits: silence."""
    event = turn.event
    if event.other == LOCATION or (not event.private and event.command is None):
        return []
    return [Message(ht.EDITED)]


async def unreadable(turn: Turn) -> Replies:
    return [Message(ht.UNREADABLE[turn.event.other or OTHER] + "\n" + _instead(turn))]


def _instead(turn: Turn) -> str:
    who = turn.who
    if who.role == NONE:
        return texts.HELP_UNBOUND.format(office=turn.office)
    if who.flow == REPORT:
        return ht.INSTEAD_IN_REPORT
    return ht.INSTEAD_IN_EXCHANGE if who.flow else ht.INSTEAD
