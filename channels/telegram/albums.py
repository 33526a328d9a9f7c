"""An album as one event. Telegram sends each photo of an album (several chosen and sent at once) as a
message of its own, all with the same media_group_id, one right after the other. They are gathered here
for a moment and handed to the conversation as one event carrying every file, so that an album is one step
of a report and gets one answer, not one per photo.

The parts of one album reach one process: with several processes behind a webhook, a part that a load
balancer sent elsewhere is answered there on its own (the report just counts its files again).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from telegram import Update

from handlers.events import Event

log = logging.getLogger("duban.channels.telegram")
ALBUM_WAIT = 0.6  # seconds after an album's latest part; Telegram delivers the parts together

Handle = Callable[[Update, Event, list[int]], Coroutine[Any, Any, None]]


def merge(parts: list[tuple[Update, Event]]) -> tuple[Update, Event, list[int]]:
    """The first part's update and one event with every part's files, the caption and the replied message."""
    update, first = parts[0]
    event = replace(
        first,
        attachments=tuple(a for _, e in parts for a in e.attachments),
        text=next((e.text for _, e in parts if e.text), ""),
        reply_to=next((e.reply_to for _, e in parts if e.reply_to is not None), None),
    )
    return update, event, [u.update_id for u, _ in parts]


class Albums:
    """Parts waiting for the rest of their album, by (chat, media_group_id)."""

    def __init__(self, handle: Handle, wait: float = ALBUM_WAIT):
        self.handle, self.wait = handle, wait
        self._parts: dict[tuple[int, str], list[tuple[Update, Event]]] = {}
        self._timers: dict[tuple[int, str], asyncio.TimerHandle] = {}
        self._running: set[asyncio.Task[None]] = set()

    def add(self, group: str, update: Update, event: Event) -> None:
        """One part; the album goes on once no part has come for `wait` seconds."""
        key = (event.chat_id, group)
        self._parts.setdefault(key, []).append((update, event))
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        self._timers[key] = asyncio.get_running_loop().call_later(self.wait, self._flush, key)

    def _flush(self, key: tuple[int, str]) -> None:
        self._timers.pop(key, None)
        parts = self._parts.pop(key, [])
        if parts:
            task = asyncio.create_task(self.handle(*merge(parts)), name=f"album-{key[1]}")
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def drain(self) -> None:
        """Hand every waiting album over now (the process is stopping) and wait for the answers."""
        for key in list(self._timers):
            self._timers.pop(key).cancel()
            self._flush(key)
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
