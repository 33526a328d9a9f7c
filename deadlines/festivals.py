"""China's public holidays as deadlines name them: "国庆节前", "清明节后第一个工作日", "五一前".

A festival has its own day (国庆节 1 October, 端午 the fifth day of the fifth lunar month) and a holiday:
the days off the State Council schedule gives it, as the working-day calendar knows them (chinesecalendar
names each holiday; a year file names its entries). Its *break* is the run of days off around those named
days: weekends joined to it, and another holiday next to it (中秋 and 国庆 in 2023 are one break).
"Before" a festival is the last working day before its break begins; "after" is the first working day
after the break ends (make-up working days count, as they are working days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from chinese_calendar import get_solar_terms

from deadlines.workdays import WorkdayCalendar

# Canonical names, as the readings say them.
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")

# What people write (the regex alternatives are longest first) -> canonical name.
ALIASES = {
    "元旦节": "元旦",
    "元旦": "元旦",
    "春节": "春节",
    "过年": "春节",
    "清明节": "清明节",
    "清明": "清明节",
    "五一劳动节": "劳动节",
    "五一节": "劳动节",
    "劳动节": "劳动节",
    "五一": "劳动节",
    "端午节": "端午节",
    "端午": "端午节",
    "中秋节": "中秋节",
    "中秋": "中秋节",
    "国庆节": "国庆节",
    "国庆": "国庆节",
}
NAME_PATTERN = "|".join(sorted(ALIASES, key=len, reverse=True))

# The word a holiday file or chinesecalendar names the holiday by contains one of these.
_NAME_KEYS = {"元旦": "元旦", "春节": "春节", "清明": "清明节", "劳动": "劳动节", "五一": "劳动节", "端午": "端午节"}
_NAME_KEYS |= {"中秋": "中秋节", "国庆": "国庆节"}

_FIXED = {"元旦": (1, 1), "劳动节": (5, 1), "国庆节": (10, 1)}
# The lunar festivals' own days (春节 正月初一, 端午 五月初五, 中秋 八月十五) in the years chinesecalendar
# covers; a test checks each against the package's holiday data.
_LUNAR = {
    "春节": "0122 0209 0129 0218 0207 0126 0214 0203 0123 0210 0131 0219 0208 0128 0216 0205 0125 0212 0201 "
    "0122 0210 0129 0217",
    "端午节": "0622 0611 0531 0619 0608 0528 0616 0606 0623 0612 0602 0620 0609 0530 0618 0607 0625 0614 0603 "
    "0622 0610 0531 0619",
    "中秋节": "0928 0918 1006 0925 0914 1003 0922 0912 0930 0919 0908 0927 0915 1004 0924 0913 1001 0921 0910 "
    "0929 0917 1006 0925",
}
LUNAR_FIRST_YEAR = 2004


def canonical(written: str) -> str:
    return ALIASES[written]


def holiday_festival(name: str | None) -> str | None:
    """The canonical festival a calendar's holiday name stands for ("Labour Day" arrives as 劳动节)."""
    for key, festival in _NAME_KEYS.items():
        if name and key in name:
            return festival
    return None


def own_day(festival: str, year: int) -> date | None:
    """The festival's own day in `year`, when known (lunar festivals: the years of the table)."""
    if festival in _FIXED:
        return date(year, *_FIXED[festival])
    if festival == "清明节":
        terms = get_solar_terms(date(year, 4, 1), date(year, 4, 10))
        return next((d for d, name in terms if name == "清明"), None)
    days = _LUNAR[festival].split()
    index = year - LUNAR_FIRST_YEAR
    if not 0 <= index < len(days):
        return None
    return date(year, int(days[index][:2]), int(days[index][2:]))


@dataclass(frozen=True)
class Break:
    """One year's holiday of a festival: its own day (None when unknown) and the run of days off."""

    festival: str
    year: int
    own: date | None
    first: date  # the first day off of the break
    last: date  # the last day off of the break
    before: date  # the last working day before the break
    after: date  # the first working day after the break


def _named_days(calendar: WorkdayCalendar, festival: str, year: int) -> list[date]:
    """The days the calendar names after `festival` from December of the year before to January after
    (元旦's holiday may begin on 31 December)."""
    found: list[date] = []
    for y in (year - 1, year, year + 1):
        for day, name in calendar.holidays_named(y).items():
            if holiday_festival(name) == festival and date(year - 1, 12, 1) <= day <= date(year + 1, 1, 31):
                found.append(day)
    return sorted(found)


def festival_break(calendar: WorkdayCalendar, festival: str, year: int) -> Break | None:
    """The festival's break of `year`; None when the calendar has no holiday of that name for that year."""
    own = own_day(festival, year)
    named = _named_days(calendar, festival, year)
    if own is not None and not calendar.is_workday(own) and any(abs((d - own).days) <= 10 for d in named):
        anchor = own
    else:
        in_year = [d for d in named if d.year == year and (own is None or abs((d - own).days) <= 10)]
        if not in_year:
            return None
        anchor = in_year[0]
    first = last = anchor
    while not calendar.is_workday(first - timedelta(days=1)):
        first -= timedelta(days=1)
    while not calendar.is_workday(last + timedelta(days=1)):
        last += timedelta(days=1)
    return Break(
        festival,
        year,
        own,
        first,
        last,
        calendar.previous_workday(first),
        calendar.next_workday(last),
    )


def public_holiday_break(calendar: WorkdayCalendar, day: date) -> tuple[str, date] | None:
    """When `day` is a day off inside a public holiday's break: (the holiday's name, the first working day
    after the break); else None (a working day, or an ordinary weekend)."""
    if calendar.is_workday(day):
        return None
    first = last = day
    while not calendar.is_workday(first - timedelta(days=1)):
        first -= timedelta(days=1)
    while not calendar.is_workday(last + timedelta(days=1)):
        last += timedelta(days=1)
    named = {**calendar.holidays_named(first.year), **calendar.holidays_named(last.year)}
    names = [named[d] for d in sorted(named) if first <= d <= last]
    if not names:
        return None
    festival = holiday_festival(names[0]) or names[0] or "节假日"
    return festival, calendar.next_workday(last)
