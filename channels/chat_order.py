"""One chat's messages in order, different chats at once.

Every channel receives updates concurrently, so that nobody waits behind another person's slow request (an
/export, a chart). Within one chat, though, a person's messages must be answered in the order sent: a report
sentence and its "确认" are one exchange. `ChatOrder.turn(chat)` is that rule: a chat's turns run one at a
time, first come first served (asyncio.Lock wakes its waiters in order), while other chats' turns run.

Take the turn before the first `await` of an update's task: tasks start in the order they were created, so
the turns are then taken in the order the updates arrived.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager


class ChatOrder:
    def __init__(self) -> None:
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._users: dict[Hashable, int] = {}  # turns holding or awaiting each lock: forgotten at zero

    @asynccontextmanager
    async def turn(self, chat: Hashable) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._users[chat] = self._users.get(chat, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat] -= 1
            if not self._users[chat]:  # no one else holds or awaits it: a chat seen once costs nothing later
                del self._users[chat], self._locks[chat]

    def busy(self) -> int:
        """How many chats have a turn running or waiting."""
        return len(self._locks)
