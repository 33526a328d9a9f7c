"""The working-day calendar of mainland China: weekends, public holidays and make-up workdays (调休).

Sources, per year, in this order:

1. ``official``      the `chinesecalendar` package, for the years it covers (2004..2026 in 1.11.0);
2. ``file``          `<holiday_dir>/<year>.yaml`, the State Council schedule dropped in by the office
                     (format: `deadlines/holiday_files.py`); only for years the package does not cover;
3. ``weekends-only`` neither: Saturdays and Sundays are the only days off. Never silent: such a year is
                     logged once, `coverage(year)` says so and `warning_between()` / the ``*_checked``
                     results carry a Chinese warning for callers to show.

Periods are counted as the Civil Code counts them (art. 201): the starting day is not counted, so
`add_workdays(d, 10)` is the tenth working day after `d`. A reminder planner calls `is_workday` and
`add_workdays` for every task, so each year is precomputed once into a flag table, a running count and
the list of its working days: both calls are a few index operations.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from pathlib import Path

from chinese_calendar import constants as _cc

from deadlines import holiday_files, wording

log = logging.getLogger(__name__)

OFFICIAL, FILE, WEEKENDS_ONLY = "official", "file", "weekends-only"
COVERAGES = (OFFICIAL, FILE, WEEKENDS_ONLY)

# The rule for a calendar-day period whose last day is a day off (see WorkdayCalendar).
CIVIL_CODE, REST_DAY, AS_COUNTED = "civil-code", "rest-day", "as-counted"
HOLIDAY_RULES = (CIVIL_CODE, REST_DAY, AS_COUNTED)

# chinese_calendar has no type hints: its values are typed where they enter.
OFFICIAL_FIRST: int = min(_cc.holidays).year
OFFICIAL_LAST: int = max(_cc.holidays).year

# Same folder as storage.paths.DATA_DIR / "holidays"; spelled here so `deadlines` does not import `storage`.
DEFAULT_HOLIDAY_DIR = Path(__file__).resolve().parents[1] / "data" / "holidays"


def _official_name(value: str) -> str:
    try:
        chinese: str = _cc.Holiday(value).chinese
    except ValueError:
        return value
    return chinese


def _official_by_year() -> dict[int, holiday_files.HolidaySchedule]:
    grouped: dict[int, tuple[dict[date, str | None], dict[date, str | None]]] = {}
    for source, slot in ((_cc.holidays, 0), (_cc.workdays, 1)):
        for day, name in source.items():
            grouped.setdefault(day.year, ({}, {}))[slot][day] = _official_name(name)
    return {
        year: holiday_files.HolidaySchedule(year=year, holidays=offs, workdays=ons, source="chinesecalendar")
        for year, (offs, ons) in grouped.items()
    }


_OFFICIAL = _official_by_year()


@dataclass(frozen=True)
class YearCoverage:
    year: int
    coverage: str  # official | file | weekends-only
    source: str | None = None  # "chinesecalendar", or the file's `source`
    path: Path | None = None  # the year file, when one exists
    problem: str | None = None  # why an existing file was not used


@dataclass(frozen=True)
class DayInfo:
    day: date
    workday: bool
    holiday: str | None = None  # the holiday a day off or a make-up workday belongs to
    makeup: bool = False  # a Saturday or Sunday that is a working day (调休上班)


@dataclass(frozen=True)
class WorkdayResult:
    date: date
    warning: str | None = None  # set when a year in the count fell back to weekends only


class _YearTable:
    """One year, precomputed: flags[i] is 1 when day i (0 = 1 Jan) is a working day."""

    __slots__ = ("year", "first", "flags", "prefix", "ordinals", "schedule", "info")

    def __init__(self, info: YearCoverage, schedule: holiday_files.HolidaySchedule | None):
        self.year = info.year
        self.info = info
        self.schedule = schedule
        self.first = date(info.year, 1, 1).toordinal()
        size = date(info.year + 1, 1, 1).toordinal() - self.first
        # weekday() of an ordinal is (ordinal + 6) % 7; Monday..Friday are 0..4.
        flags = bytearray(1 if (self.first + i + 6) % 7 < 5 else 0 for i in range(size))
        if schedule is not None:
            for day in schedule.holidays:
                flags[day.toordinal() - self.first] = 0
            for day in schedule.workdays:
                flags[day.toordinal() - self.first] = 1
        self.flags = bytes(flags)
        self.prefix = array("l", accumulate(self.flags, initial=0))  # prefix[i]: working days before day i
        self.ordinals = array("l", (self.first + i for i, on in enumerate(self.flags) if on))


class WorkdayCalendar:
    """Working days of mainland China. `holiday_dir` holds `<year>.yaml` files (None: no files).

    `holiday_rule` is the office's rule for a period counted in calendar days ("10日内", "1个月内") whose
    last day is a day off (DUBAN_HOLIDAY_RULE): ``civil-code`` moves a last day inside a public holiday
    to the first working day after it (Civil Code art. 203), ``rest-day`` also a last day on a weekend,
    ``as-counted`` keeps the day. The phrase reader answers by it and offers the other reading.
    """

    def __init__(self, holiday_dir: Path | str | None = DEFAULT_HOLIDAY_DIR, holiday_rule: str = CIVIL_CODE):
        if holiday_rule not in HOLIDAY_RULES:
            raise ValueError(f"holiday_rule: {holiday_rule!r} is not one of {', '.join(HOLIDAY_RULES)}")
        self.holiday_dir = Path(holiday_dir) if holiday_dir is not None else None
        self.holiday_rule = holiday_rule
        self._tables: dict[int, _YearTable] = {}

    def reload(self) -> None:
        """Forget what was read, e.g. after a holiday file was imported."""
        self._tables.clear()

    # --- coverage ------------------------------------------------------------------------------

    def _build(self, year: int) -> _YearTable:
        if year in _OFFICIAL or OFFICIAL_FIRST <= year <= OFFICIAL_LAST:
            info = YearCoverage(year, OFFICIAL, source="chinesecalendar")
            table = _YearTable(info, _OFFICIAL.get(year))
        else:
            info, schedule = self._from_file(year)
            table = _YearTable(info, schedule)
            if info.coverage == WEEKENDS_ONLY:
                log.warning(
                    "no holiday schedule for %s%s: counting weekends only",
                    year,
                    f" ({info.path}: {info.problem})" if info.problem else "",
                )
        self._tables[year] = table
        return table

    def _from_file(self, year: int) -> tuple[YearCoverage, holiday_files.HolidaySchedule | None]:
        if self.holiday_dir is None:
            return YearCoverage(year, WEEKENDS_ONLY), None
        path = holiday_files.year_file(self.holiday_dir, year)
        if not path.is_file():
            return YearCoverage(year, WEEKENDS_ONLY), None
        try:
            schedule = holiday_files.load_file(path)
        except (holiday_files.HolidayFileError, OSError, UnicodeDecodeError) as exc:
            return YearCoverage(year, WEEKENDS_ONLY, path=path, problem=str(exc)), None
        return YearCoverage(year, FILE, source=schedule.source or path.name, path=path), schedule

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        return table if table is not None else self._build(year)

    def coverage(self, year: int) -> str:
        """official | file | weekends-only."""
        return self._table(year).info.coverage

    def describe_year(self, year: int) -> YearCoverage:
        return self._table(year).info

    def warning_for_years(self, years: Iterable[int]) -> str | None:
        """The Chinese fallback warning for those of `years` counted on weekends only, else None."""
        infos = [self._table(y).info for y in sorted(set(years))]
        fallen = [i for i in infos if i.coverage == WEEKENDS_ONLY]
        if not fallen:
            return None
        return wording.fallback_warning([i.year for i in fallen], {i.year: i.problem for i in fallen if i.problem})

    def warning_between(self, a: date, b: date) -> str | None:
        lo, hi = min(a.year, b.year), max(a.year, b.year)
        return self.warning_for_years(range(lo, hi + 1))

    # --- days ----------------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        table = self._tables.get(d.year) or self._build(d.year)
        return table.flags[d.toordinal() - table.first] == 1

    def day_info(self, d: date) -> DayInfo:
        table = self._table(d.year)
        workday = table.flags[d.toordinal() - table.first] == 1
        schedule = table.schedule
        if schedule is None:
            return DayInfo(d, workday)
        if d in schedule.workdays:
            return DayInfo(d, True, holiday=schedule.workdays[d], makeup=True)
        return DayInfo(d, workday, holiday=schedule.holidays.get(d))

    def add_workdays(self, start: date, n: int) -> date:
        """The date `n` working days after `start` (start not counted); negative `n` counts back."""
        if n == 0:
            return start
        table = self._tables.get(start.year) or self._build(start.year)
        i = start.toordinal() - table.first
        if n > 0:
            k = table.prefix[i + 1] + n  # 1-based rank of the answer among the year's working days
            while k > len(table.ordinals):
                k -= len(table.ordinals)
                table = self._table(table.year + 1)
        else:
            k = table.prefix[i] + n + 1
            while k < 1:
                table = self._table(table.year - 1)
                k += len(table.ordinals)
        return date.fromordinal(table.ordinals[k - 1])

    def add_workdays_checked(self, start: date, n: int) -> WorkdayResult:
        """`add_workdays` plus the fallback warning for any year the count crossed."""
        end = self.add_workdays(start, n)
        return WorkdayResult(end, self.warning_between(start, end))

    def workdays_between(self, a: date, b: date) -> int:
        """Working days after `a` up to and including `b`; negative when `b` is before `a`.

        The inverse of `add_workdays`: ``workdays_between(d, add_workdays(d, n)) == n``.
        """
        if b < a:
            return -self.workdays_between(b, a)
        ta, tb = self._table(a.year), self._table(b.year)
        count = tb.prefix[b.toordinal() - tb.first + 1] - ta.prefix[a.toordinal() - ta.first + 1]
        for year in range(a.year, b.year):
            count += len(self._table(year).ordinals)
        return count

    def next_workday(self, d: date, *, inclusive: bool = False) -> date:
        """The first working day after `d` (or `d` itself when `inclusive` and it is one)."""
        if inclusive and self.is_workday(d):
            return d
        return self.add_workdays(d, 1)

    def previous_workday(self, d: date, *, inclusive: bool = False) -> date:
        """The last working day before `d` (or `d` itself when `inclusive` and it is one)."""
        if inclusive and self.is_workday(d):
            return d
        return self.add_workdays(d, -1)

    def holidays_named(self, year: int) -> dict[date, str | None]:
        """The public-holiday days off of `year` and the holiday each belongs to (empty: weekends only)."""
        schedule = self._table(year).schedule
        return dict(schedule.holidays) if schedule is not None else {}

    def days_off(self, year: int) -> list[date]:
        """Every non-working day of `year`, weekends included (for status and tests)."""
        table = self._table(year)
        return [date.fromordinal(table.first + i) for i, on in enumerate(table.flags) if not on]


_default: WorkdayCalendar | None = None


def default_calendar() -> WorkdayCalendar:
    """The calendar over the project's `data/holidays/` folder, built on first use."""
    global _default
    if _default is None:
        _default = WorkdayCalendar(DEFAULT_HOLIDAY_DIR)
    return _default


def is_workday(d: date) -> bool:
    return default_calendar().is_workday(d)


def add_workdays(start: date, n: int) -> date:
    return default_calendar().add_workdays(start, n)


def workdays_between(a: date, b: date) -> int:
    return default_calendar().workdays_between(a, b)


def next_workday(d: date, *, inclusive: bool = False) -> date:
    return default_calendar().next_workday(d, inclusive=inclusive)


def previous_workday(d: date, *, inclusive: bool = False) -> date:
    return default_calendar().previous_workday(d, inclusive=inclusive)


def coverage(year: int) -> str:
    return default_calendar().coverage(year)
