"""The real clocks: the system's, and the testing clock file (DUBAN_CLOCK_FILE). The `Clock` protocol and
the movable FakeClock live in deadlines/clock.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from deadlines.clock import Clock


class SystemClock:
    def __init__(self, tz: tzinfo):
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(UTC).astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()


class FileClock:
    """Testing aid (DUBAN_CLOCK_FILE): the time is the ISO datetime written in a file, read on every now().

    It lets a test move time inside bot processes it started, through the same Clock everything uses.
    The file holds e.g. `2022-03-21T09:00:00+08:00` (a naive value is taken in `tz`); writers should
    replace it atomically (write a temporary file, then rename). Never set in production.
    """

    def __init__(self, path: Path | str, tz: ZoneInfo):
        self.path, self.tz = Path(path), tz

    def now(self) -> datetime:
        text = self.path.read_text(encoding="utf-8").strip()
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"DUBAN_CLOCK_FILE {self.path}: {text!r} is not an ISO datetime") from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.tz)
        return value.astimezone(self.tz)

    def today(self) -> date:
        return self.now().date()


def make_clock(tz: ZoneInfo, clock_file: Path | str | None = None) -> Clock:
    """The process's clock: the system clock, or the testing clock file when one is configured."""
    return FileClock(clock_file, tz) if clock_file else SystemClock(tz)


class ShiftedClock:
    """Another clock moved by whole days (`duban console --today 2022-09-05`): the office rehearses a day of
    a letter's year while the time of day runs on as usual."""

    def __init__(self, inner: Clock, days: int):
        self.inner, self.days = inner, days
        self.tz = inner.tz

    def now(self) -> datetime:
        return self.inner.now() + timedelta(days=self.days)

    def today(self) -> date:
        return self.now().date()


def shifted_to(clock: Clock, day: date) -> Clock:
    """`clock`, moved so that its today is `day` (the same clock when it already is)."""
    days = (day - clock.today()).days
    return ShiftedClock(clock, days) if days else clock
