"""Time as a value handed in: the `Clock` every service and job is given, and a clock that moves only
when told (tests, simulations, rehearsals). Nothing in duban reads the wall clock on its own; the real
clocks (the system's, the testing clock file) are made by the assembly (bot/clock.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol


class Clock(Protocol):
    @property
    def tz(self) -> tzinfo: ...

    def now(self) -> datetime:
        """An aware datetime in `tz`."""
        ...

    def today(self) -> date: ...


class FakeClock:
    """A clock that only moves when told to (tests, simulations)."""

    def __init__(self, start: datetime, tz: tzinfo | None = None):
        zone = tz or start.tzinfo
        if zone is None:
            raise ValueError("FakeClock needs an aware datetime")
        self.tz: tzinfo = zone
        self._now = start.astimezone(self.tz)

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.date()

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(self.tz)

    def advance(self, **kwargs: float) -> None:
        self._now = self._now + timedelta(**kwargs)
