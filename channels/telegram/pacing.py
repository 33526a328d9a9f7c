"""Telegram's flood limits, kept on our side of the wire: the one limiter every message goes through,
answers and reminders alike.

About 30 messages a second overall; about one a second to one private chat, with short bursts tolerated;
20 a minute to one group (core.telegram.org/bots/faq). Waiting here, before a reminder is marked as being
sent, keeps the window in which a crash leaves a send uncertain down to the HTTP request itself.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class Bucket:
    """A token bucket: `capacity` messages may go at once, then `rate` a second."""

    rate: float
    capacity: float
    tokens: float
    updated: float

    def wait_time(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1

    def idle(self, now: float) -> bool:
        """Full again: forgetting it changes nothing."""
        return self.tokens + (now - self.updated) * self.rate >= self.capacity


class Pacer:
    def __init__(
        self,
        overall_per_second: float = 29,
        private_per_second: float = 1,
        group_per_minute: float = 20,
        private_burst: int = 3,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        # 29 rather than 30: a little room for what other processes of the same bot send.
        now = monotonic()
        self.overall = Bucket(overall_per_second, overall_per_second, overall_per_second, now)
        self.private = (private_per_second, float(private_burst))
        self.group = (group_per_minute / 60.0, float(group_per_minute))
        self.chats: dict[int, Bucket] = {}
        self.monotonic, self.sleep = monotonic, sleep
        self.lock = asyncio.Lock()
        self._swept = now

    def _chat_bucket(self, chat_id: int, now: float) -> Bucket:
        bucket = self.chats.get(chat_id)
        if bucket is None:
            rate, capacity = self.group if chat_id < 0 else self.private
            bucket = self.chats[chat_id] = Bucket(rate, capacity, capacity, now)
        return bucket

    def _sweep(self, now: float) -> None:
        """Forget chats whose buckets are full again, so a year of chats does not stay in memory."""
        if now - self._swept < 60:
            return
        self._swept = now
        for chat_id in [c for c, b in self.chats.items() if b.idle(now)]:
            del self.chats[chat_id]

    async def acquire(self, chat_id: int) -> None:
        """Wait until one more message to `chat_id` keeps every limit."""
        while True:
            async with self.lock:
                now = self.monotonic()
                self._sweep(now)
                bucket = self._chat_bucket(chat_id, now)
                wait = max(self.overall.wait_time(now), bucket.wait_time(now))
                if wait <= 0:
                    self.overall.take()
                    bucket.take()
                    return
            await self.sleep(wait)

    async def penalise(self, seconds: float) -> None:
        """Telegram said 429: everyone waits retry_after, as it asks."""
        async with self.lock:
            await self.sleep(seconds)
