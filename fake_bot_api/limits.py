"""Flood control: Telegram's published broadcast limits, as token buckets.

Telegram does not document exact algorithms, only guidance (core.telegram.org/bots/faq):
about 30 messages per second overall, about one message per second in a single chat (short
bursts are tolerated), and at most 20 messages per minute in a group. A token bucket per scope
models exactly that: `burst` messages may go at once, then tokens refill at `rate` per second.
When a bucket is empty the answer is 429 with retry_after = seconds until a token is back
(rounded up, at least 1), and the rejected attempt does not consume a token.

Only new messages count (send*/copyMessage/forwardMessage); edits, callbacks answers and chat
actions are not limited here.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

LIMITED_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendaudio",
        "sendvideo",
        "sendvoice",
        "sendanimation",
        "sendsticker",
        "sendmediagroup",
        "copymessage",
        "forwardmessage",
        "sendlocation",
        "sendcontact",
        "sendpoll",
    }
)


@dataclass(frozen=True)
class FloodLimits:
    """Rates and bursts; the defaults follow Telegram's FAQ."""

    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 20


@dataclass
class _Bucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class FloodControl:
    limits: FloodLimits = field(default_factory=FloodLimits)
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[object, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _bucket(self, key: object, rate: float, capacity: int, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(rate, capacity, capacity, now)
        bucket.refill(now)
        return bucket

    def check(self, chat_id: int | str) -> int | None:
        """Take a token for a message to `chat_id`; return retry_after seconds if over the limit."""
        with self._lock:
            now = self.clock()
            limits = self.limits
            buckets = [self._bucket("global", limits.global_per_second, limits.global_burst, now)]
            if _is_group(chat_id):
                buckets.append(self._bucket(("chat", chat_id), limits.group_per_minute / 60.0, limits.group_burst, now))
            else:
                buckets.append(self._bucket(("chat", chat_id), limits.private_per_second, limits.private_burst, now))
            wait = max(bucket.wait_time() for bucket in buckets)
            if wait > 0:
                return max(1, math.ceil(wait))
            for bucket in buckets:
                bucket.tokens -= 1
            return None

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


def _is_group(chat_id: int | str) -> bool:
    """Groups, supergroups and channels have negative ids (or an @username, which is public)."""
    if isinstance(chat_id, str):
        return chat_id.startswith("@") or chat_id.lstrip().startswith("-")
    return chat_id < 0
