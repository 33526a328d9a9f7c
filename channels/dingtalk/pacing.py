"""DingTalk's request rate, kept on our side: every OpenAPI message request waits its turn here.

DingTalk limits an enterprise app's calls to each API per second (20 by default) and answers beyond it
with a throttling error; a person who gets too many robot messages is held by flow control
(`flowControlledStaffIdList`, handled by the sender). One token bucket for all requests of the process.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pacer:
    def __init__(
        self,
        per_second: float = 15.0,
        burst: float = 5.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], float] = time.monotonic,
    ):
        self.rate, self.capacity, self.sleep, self.now = per_second, burst, sleep, now
        self.tokens, self.updated = burst, now()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                current = self.now()
                self.tokens = min(self.capacity, self.tokens + (current - self.updated) * self.rate)
                self.updated = current
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await self.sleep((1 - self.tokens) / self.rate)
