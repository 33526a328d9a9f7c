"""One clock handed in everywhere: nothing reads the wall clock on its own, so tests can move time."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    tz: ZoneInfo

    def now(self) -> datetime:
        """An aware datetime in `tz`."""

    def today(self) -> date: ...


class SystemClock:
    def __init__(self, tz: ZoneInfo):
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(timezone.utc).astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()


class FakeClock:
    """A clock that only moves when told to (tests, simulations)."""

    def __init__(self, start: datetime, tz: ZoneInfo | None = None):
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self.tz = tz or start.tzinfo  # type: ignore[assignment]
        self._now = start.astimezone(self.tz)

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.date()

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(self.tz)

    def advance(self, **kwargs: float) -> None:
        self._now = self._now + timedelta(**kwargs)
