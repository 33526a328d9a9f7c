"""Buttons on a channel that has none: the choices are written out for the person to type, and what they
type is read back as the pressed button.

    请回复数字选择:
    1 ✅ 确认上报
    2 ✖ 取消

Typing "1" (or the words, "确认上报") then acts as pressing that button. Where the question itself is
answered by typing (a quantity, a note), a bare number is an answer, not a choice: only the words select
("回复「取消」"). The latest message with buttons in a chat sets its choices (kept in the database, so a
restart or another replica reads them back); its buttons' payloads carry their own staleness checks.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from deadlines.clock import Clock
from handlers.events import Event
from handlers.markup import esc
from handlers.replies import EditPressed, Message, Replies, Reply, Toast
from services import typed_choices

if TYPE_CHECKING:
    from storage.db import Database

_SYMBOLS = re.compile(r"[^\w\u4e00-\u9fff]+")


def words(label: str) -> str:
    """What a person would type for a label: "✅ 确认上报" -> "确认上报"."""
    return _SYMBOLS.sub("", label).lower()


def _written(message: Message, numbered: bool) -> str:
    labels = [b.label for row in message.buttons for b in row]
    if numbered:
        lines = ["请回复数字选择:"] + [f"{i} {esc(label)}" for i, label in enumerate(labels, 1)]
    else:
        lines = ["、".join(f"回复「{esc(words(label))}」{esc(label)}" for label in labels)]
    return message.text + "\n\n" + "\n".join(lines)


def offer_one(db: Database, clock: Clock, channel: str, chat_id: int, message: Message) -> Message:
    """The message with its buttons written out, remembering what each choice stands for."""
    if not message.buttons:
        return message
    numbered = not message.typed
    flat = [[b.label, b.payload] for row in message.buttons for b in row]
    typed_choices.remember(db, clock, channel, chat_id, flat, numbered)
    return Message(_written(message, numbered), (), message.typed)


def offer(db: Database, clock: Clock, channel: str, chat_id: int, replies: Replies) -> Replies:
    """Every reply in a form a channel without buttons shows: choices written out, toasts as messages."""
    shown: list[Reply] = []
    for reply in replies:
        if isinstance(reply, EditPressed):
            reply = reply.message
        if isinstance(reply, Message):
            reply = offer_one(db, clock, channel, chat_id, reply)
        elif isinstance(reply, Toast):
            if not reply.text:
                continue
            reply = Message(esc(reply.text))
        shown.append(reply)
    return shown


def read(db: Database, event: Event) -> Event:
    """A typed choice becomes the press of its button; anything else is left as it was typed."""
    typed = event.text.strip()
    if not typed:
        return event
    remembered = typed_choices.recall(db, event.channel, event.chat_id)
    if remembered is None:
        return event
    choices, numbered = remembered
    payload = None
    if numbered and typed.isdecimal() and 1 <= int(typed) <= len(choices):
        payload = choices[int(typed) - 1][1]
    else:
        wanted = words(typed)
        payload = next((p for label, p in choices if wanted and words(label) == wanted), None)
    return replace(event, payload=payload, text="") if payload else event
