"""Telegram's flood limits, kept on our side of the wire.

About 30 messages a second overall, 1 a second to one private chat, 20 a minute to one group. Waiting
here, *before* a reminder is marked as being sent, keeps the window in which a crash leaves a send
uncertain down to the HTTP request itself.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque


class SlidingWindow:
    """At most `limit` events in any `period` seconds."""

    def __init__(self, limit: int, period: float):
        self.limit, self.period = limit, period
        self.events: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        while self.events and now - self.events[0] >= self.period:
            self.events.popleft()
        if len(self.events) < self.limit:
            return 0.0
        return self.period - (now - self.events[0])

    def record(self, now: float) -> None:
        self.events.append(now)


class Pacer:
    def __init__(self, overall_per_second: int = 29, private_per_second: int = 1, group_per_minute: int = 20,
                 monotonic=time.monotonic, sleep=asyncio.sleep):
        # 29 rather than 30: a little room for answers to users going out at the same time.
        self.overall = SlidingWindow(overall_per_second, 1.0)
        self.private_limit, self.group_limit = private_per_second, group_per_minute
        self.chats: dict[int, SlidingWindow] = {}
        self.monotonic, self.sleep = monotonic, sleep
        self.lock = asyncio.Lock()

    def _chat_window(self, chat_id: int) -> SlidingWindow:
        if chat_id not in self.chats:
            self.chats[chat_id] = (SlidingWindow(self.group_limit, 60.0) if chat_id < 0
                                   else SlidingWindow(self.private_limit, 1.0))
        return self.chats[chat_id]

    async def acquire(self, chat_id: int) -> None:
        """Wait until one more message to `chat_id` keeps every window within its limit."""
        window = self._chat_window(chat_id)
        while True:
            async with self.lock:
                now = self.monotonic()
                wait = max(self.overall.wait_time(now), window.wait_time(now))
                if wait <= 0:
                    self.overall.record(now)
                    window.record(now)
                    return
            await self.sleep(wait)

    async def penalise(self, seconds: float) -> None:
        """Telegram said 429: everyone waits retry_after, as it asks."""
        async with self.lock:
            await self.sleep(seconds)
