"""Deadline specifications: what the letter says about *when*, as data.

A `DeadlineSpec` is how a deadline is stated ("3月底前", "每季度末月25日前", "10个工作日内" after an
event); `occurrences(spec, year)` turns it into the concrete due dates of a letter year. Pure: no clock,
no database. Kinds:

- ``absolute``  a fixed day: ``month`` and ``day`` in the letter year (or a full ``date``).
- ``month_end`` the last day of ``month`` ("3月底前").
- ``year_end``  31 December ("2022年底前", and any line with no stated date).
- ``recurring`` ``every`` week | month | quarter | half_year | year; ``day`` of the due month (None: its
  last day); for quarters the due month is the quarter's last month ("每季度末月25日前" -> 25
  Mar/Jun/Sep/Dec); half years end in June and December. Weekly: ``weekday`` 0..6 (Monday 0; None: the
  week's last working day), ``interval`` 2 for every other week, counted from the week of ``date``.
  A weekly day that is a day off moves to the next working day of its week (the previous one with
  ``shift`` previous; the other way when there is none that way); a week with no working day has none.
- ``festival``  ``side`` before | after | on a public holiday (``festival``: 国庆节, 春节, ...): before is
  the last working day before its break, after the first working day after it (``workdays``: the N-th),
  on its own day; ``own_day`` counts "before" from the festival's own day instead (the other reading).
- ``relative``  ``workdays`` (or ``days``) after an ``event`` reported on a task; it has no date until the
  event is verified, then a follow-up absolute deadline is opened.
- ``duration``  a minimum period ("公示期不得少于10日", ``days``): a constraint, not a due date.

``shift`` moves a due day that is a day off: ``next`` / ``previous`` working day ("遇节假日顺延/提前"),
or ``holiday``: out of a public holiday to the first working day after it (Civil Code art. 203, for
periods counted in calendar days). Kinds that need the working-day calendar (weekly, festival, a shift)
take it as an argument; without one, the project's calendar (`workdays.default_calendar`).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from deadlines.due_days import festival_day, shifted, weekly_days
from deadlines.festivals import FESTIVALS
from deadlines.workdays import WorkdayCalendar, WorkdayResult, default_calendar

KINDS = ("absolute", "month_end", "year_end", "recurring", "festival", "relative", "duration")
PERIODS = ("week", "month", "quarter", "half_year", "year")
SHIFTS = ("next", "previous", "holiday")
SIDES = ("before", "after", "on")


class SpecError(ValueError):
    """A deadline specification that cannot be used; the message says which field and why."""


@dataclass(frozen=True)
class DeadlineSpec:
    kind: str
    phrase: str | None = None  # the letter's own words, kept verbatim
    source: str | None = None  # where the words stand, e.g. "附件 22.3①"
    month: int | None = None
    day: int | None = None
    date: date | None = None
    every: str | None = None
    event: str | None = None
    workdays: int | None = None
    days: int | None = None
    implicit: bool = False  # True for the year-end default of a line that states no date
    weekday: int | None = None  # weekly: 0 Monday .. 6 Sunday
    interval: int | None = None  # weekly: 2 for every other week (None: every week)
    festival: str | None = None  # festival: one of festivals.FESTIVALS
    side: str | None = None  # festival: before | after | on
    own_day: bool | None = None  # festival: "before" counted from its own day, not its holiday
    shift: str | None = None  # next | previous | holiday: where a due day on a day off moves

    def __post_init__(self) -> None:
        validate(self)

    @property
    def key(self) -> str:
        """A stable identity within one task, so reloading a letter updates rather than duplicates."""
        parts = [self.kind]
        names = ("date", "every", "month", "day", "workdays", "days", "event", "source")
        for name in names + ("weekday", "interval", "festival", "side", "own_day", "shift"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value}")
        return ";".join(parts)

    def to_dict(self) -> dict[str, str | int | bool]:
        """The fields that are set, as JSON data (`date` as ISO text); `from_dict` reads it back."""
        data: dict[str, str | int | bool] = {k: v for k, v in asdict(self).items() if v is not None and v is not False}
        if self.date is not None:
            data["date"] = self.date.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeadlineSpec:
        """A spec from stored or typed-in JSON data (`Any`: values are checked by `validate`)."""
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise SpecError(f"unknown deadline field(s): {', '.join(sorted(unknown))}")
        values = dict(data)
        if isinstance(values.get("date"), str):
            try:
                values["date"] = date.fromisoformat(values["date"])
            except ValueError:
                raise SpecError(f"date: {values['date']!r} is not an ISO date (YYYY-MM-DD)") from None
        if "kind" not in values:
            raise SpecError(f"deadline needs a kind (one of {', '.join(KINDS)})")
        return cls(**values)


def _check_month_day(spec: DeadlineSpec, year: int = 2000) -> None:
    # 2000 is a leap year, so 2月29日 is accepted here and refused by occurrences() in other years.
    if spec.month is not None and not 1 <= spec.month <= 12:
        raise SpecError(f"month: {spec.month} is not 1..12")
    if spec.day is not None:
        last = calendar.monthrange(year, spec.month or 1)[1] if spec.month else 31
        if not 1 <= spec.day <= last:
            raise SpecError(f"day: {spec.day} is not a day of month {spec.month or 'any'}")


def validate(spec: DeadlineSpec) -> None:
    """Raise `SpecError` for the first problem found; the checks run in a fixed order."""
    if spec.kind not in KINDS:
        raise SpecError(f"kind: {spec.kind!r} is not one of {', '.join(KINDS)}")
    _check_month_day(spec)
    _check_dated(spec)
    if spec.kind == "recurring":
        _check_recurring(spec)
    if spec.kind == "relative":
        _check_relative(spec)
    if spec.kind not in ("relative", "festival") and spec.workdays is not None:
        raise SpecError(f"workdays: a {spec.kind} deadline does not count working days")
    if spec.kind == "duration" and not spec.days:
        raise SpecError("duration needs days")
    if spec.kind == "festival":
        _check_festival(spec)
    _check_weekly(spec)
    _check_counts(spec)
    if spec.shift is not None and spec.shift not in SHIFTS:
        raise SpecError(f"shift: {spec.shift!r} is not one of {', '.join(SHIFTS)}")
    if spec.shift is not None and spec.kind in ("festival", "duration"):
        raise SpecError(f"shift: a {spec.kind} deadline does not move")


def _check_dated(spec: DeadlineSpec) -> None:
    # An absolute or month-end deadline must say which day or month it falls on.
    if spec.kind == "absolute" and spec.date is None and (spec.month is None or spec.day is None):
        raise SpecError("absolute deadline needs date, or month and day")
    if spec.kind == "month_end" and spec.month is None:
        raise SpecError("month_end deadline needs month")


def _check_recurring(spec: DeadlineSpec) -> None:
    # The due day must exist in every period: months of 28 days, quarters ending in a 30-day month.
    if spec.every not in PERIODS:
        raise SpecError(f"recurring deadline needs every: one of {', '.join(PERIODS)}")
    if spec.every in ("week", "half_year") and (spec.day is not None or spec.month is not None):
        raise SpecError(f"{spec.every} deadline takes no month or day")
    if spec.every == "month" and spec.day is not None and spec.day > 28:
        raise SpecError("monthly deadline day must be 1..28 or omitted (month end)")
    if spec.every == "quarter" and spec.day is not None and spec.day > 30:
        raise SpecError("quarterly deadline day must be 1..30 or omitted (quarter end)")
    if spec.every == "year" and spec.day is not None:
        # Every year has the day: 2月29日 is refused rather than skipped in three years of four.
        last = calendar.monthrange(2001, spec.month or 12)[1]
        if spec.day > last:
            raise SpecError(f"yearly deadline day {spec.day} does not exist every year in month {spec.month or 12}")


def _check_weekly(spec: DeadlineSpec) -> None:
    # weekday and interval belong to weekly recurrences; every other week needs the week it counts from.
    weekly = spec.kind == "recurring" and spec.every == "week"
    if (spec.weekday is not None or spec.interval is not None) and not weekly:
        raise SpecError("weekday and interval are for weekly deadlines (every: week)")
    if spec.weekday is not None and not 0 <= spec.weekday <= 6:
        raise SpecError(f"weekday: {spec.weekday} is not 0 (Monday) .. 6 (Sunday)")
    if spec.interval is not None and spec.interval not in (1, 2):
        raise SpecError(f"interval: {spec.interval} is not 1 or 2 (weeks)")
    if spec.interval == 2 and spec.date is None:
        raise SpecError("every other week needs date (a day of a week it is due in)")
    if spec.kind == "recurring" and spec.date is not None and spec.interval != 2:
        raise SpecError("date: only an every-other-week deadline has one (the week it counts from)")


def _check_festival(spec: DeadlineSpec) -> None:
    if spec.festival not in FESTIVALS:
        raise SpecError(f"festival: {spec.festival!r} is not one of {', '.join(FESTIVALS)}")
    if spec.side not in SIDES:
        raise SpecError(f"side: {spec.side!r} is not one of {', '.join(SIDES)}")
    if spec.own_day and spec.side != "before":
        raise SpecError("own_day: only a 'before' festival deadline counts from the festival's own day")
    if spec.workdays is not None and (spec.side == "on" or spec.own_day):
        raise SpecError("workdays: only counted from a festival's holiday (side before or after)")


def _check_relative(spec: DeadlineSpec) -> None:
    # A relative deadline counts either working days or calendar days from a named event.
    if not spec.event:
        raise SpecError("relative deadline needs event (what starts the count)")
    if (spec.workdays is None) == (spec.days is None):
        raise SpecError("relative deadline needs exactly one of workdays or days")


def _check_counts(spec: DeadlineSpec) -> None:
    for name in ("workdays", "days"):
        value = getattr(spec, name)
        if value is not None and value <= 0:
            raise SpecError(f"{name}: {value} must be positive")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _stated(spec: DeadlineSpec, year: int) -> list[date]:
    """The days as stated, before any shift: absolute, month-end, year-end and monthly-or-longer ones."""
    if spec.kind == "absolute":
        if spec.date is not None:
            return [spec.date]
        assert spec.month is not None and spec.day is not None  # validate(): no date means month and day
        try:
            return [date(year, spec.month, spec.day)]
        except ValueError:
            raise SpecError(f"{year}年{spec.month}月{spec.day}日 does not exist") from None
    if spec.kind == "month_end":
        assert spec.month is not None  # validate(): a month_end spec has its month
        return [_month_end(year, spec.month)]
    if spec.kind == "year_end":
        return [date(year, 12, 31)]
    months: Sequence[int] = {
        "month": range(1, 13),
        "quarter": (3, 6, 9, 12),
        "half_year": (6, 12),
        "year": (spec.month or 12,),
    }[spec.every or "year"]
    return [date(year, m, spec.day) if spec.day else _month_end(year, m) for m in months]


def occurrences(spec: DeadlineSpec, year: int, calendar: WorkdayCalendar | None = None) -> list[date]:
    """The due dates of `spec` in letter year `year`, ascending. Relative and duration specs have none,
    nor has a festival in a year whose holiday schedule is not known (`festival_known` says so)."""
    if spec.kind in ("relative", "duration"):
        return []
    cal = calendar if calendar is not None else default_calendar()
    if spec.kind == "festival":
        assert spec.festival is not None and spec.side is not None  # validate(): a festival has both
        day = festival_day(cal, spec.festival, spec.side, year, spec.workdays, bool(spec.own_day))
        return [day] if day is not None else []
    if spec.kind == "recurring" and spec.every == "week":
        return weekly_days(cal, year, spec.weekday, spec.interval or 1, spec.date, spec.shift == "previous")
    days = _stated(spec, year)
    if spec.shift is None:
        return days
    return sorted({shifted(cal, d, spec.shift) for d in days})


def period_of(spec: DeadlineSpec) -> str | None:
    """How often a recurring deadline comes round (week, fortnight, month, quarter, half_year, year);
    None for a deadline due once. The reminder ladder scales with it."""
    if spec.kind != "recurring":
        return None
    if spec.every == "week" and spec.interval == 2:
        return "fortnight"
    return spec.every


def due_after_event(spec: DeadlineSpec, event_day: date, calendar: WorkdayCalendar) -> WorkdayResult:
    """The due date of a ``relative`` spec once its event happened on `event_day` (not counted)."""
    if spec.kind != "relative":
        raise SpecError(f"due_after_event needs a relative deadline, not {spec.kind}")
    if spec.workdays is not None:
        return calendar.add_workdays_checked(event_day, spec.workdays)
    assert spec.days is not None  # validate(): a relative spec counts workdays or days
    return WorkdayResult(shifted(calendar, event_day + timedelta(days=spec.days), spec.shift))


# Kinds that put a date in the year; a line with none of them is due at year end.
DATED_KINDS = ("absolute", "month_end", "year_end", "recurring", "festival")


# Deadlines are days in the office's time zone; a deadline day ends at its last instant there.
DEADLINE_TIMEZONE = ZoneInfo("Asia/Shanghai")


def end_of_day(day: date, tz: ZoneInfo = DEADLINE_TIMEZONE) -> datetime:
    """The moment a deadline on `day` passes: 23:59:59.999999 that day in `tz` (Asia/Shanghai)."""
    return datetime.combine(day, time.max, tzinfo=tz)
