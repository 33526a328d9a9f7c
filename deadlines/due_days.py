"""Due days that need the working-day calendar: weekly duties, festivals, and days moved off a day off.

Plain values in (no specs), so `specs` can use these without a circle.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from deadlines.festivals import festival_break, public_holiday_break
from deadlines.workdays import WorkdayCalendar


def shifted(calendar: WorkdayCalendar, day: date, shift: str | None) -> date:
    """`day`, moved by `shift` when it is a day off: next | previous working day, or out of a public
    holiday to the first working day after it (holiday: Civil Code art. 203; a plain weekend stays)."""
    if shift is None or calendar.is_workday(day):
        return day
    if shift == "next":
        return calendar.next_workday(day)
    if shift == "previous":
        return calendar.previous_workday(day)
    found = public_holiday_break(calendar, day)
    return found[1] if found is not None else day


def week_due(calendar: WorkdayCalendar, monday: date, weekday: int | None, prefer_previous: bool) -> date | None:
    """The due day of one week: `weekday` (None: the week's last working day); a day off moves within the
    week, to the next working day (the previous one when `prefer_previous`), the other way when there is
    none that way. None when the week has no working day at all."""
    week = [monday + timedelta(days=i) for i in range(7)]
    if weekday is None:
        return next((d for d in reversed(week) if calendar.is_workday(d)), None)
    later = [d for d in week[weekday:] if calendar.is_workday(d)]
    earlier = [d for d in reversed(week[:weekday]) if calendar.is_workday(d)]
    first, then = (earlier, later) if prefer_previous else (later, earlier)
    found = first or then
    return found[0] if found else None


def mondays(year: int) -> Iterator[date]:
    """The Mondays of every week that has a day in `year`."""
    first = date(year, 1, 1)
    day = first - timedelta(days=first.weekday())
    while day.year <= year:
        yield day
        day += timedelta(weeks=1)


def weekly_days(
    calendar: WorkdayCalendar,
    year: int,
    weekday: int | None,
    interval: int,
    anchor: date | None,
    prefer_previous: bool = False,
) -> list[date]:
    """A weekly (or every-other-week, counted from `anchor`'s week) duty's due days in `year`."""
    start = anchor - timedelta(days=anchor.weekday()) if anchor is not None else None
    found = []
    for monday in mondays(year):
        if start is not None and ((monday - start).days // 7) % interval:
            continue
        due = week_due(calendar, monday, weekday, prefer_previous)
        if due is not None and due.year == year:
            found.append(due)
    return found


def festival_day(
    calendar: WorkdayCalendar, festival: str, side: str, year: int, workdays: int | None, own: bool
) -> date | None:
    """The due day a festival deadline names in `year`; None when that year's holiday is unknown."""
    found = festival_break(calendar, festival, year)
    if found is None:
        return None
    if side == "on" or own:
        if found.own is None:
            return None
        return found.own if side == "on" else found.own - timedelta(days=1)
    n = workdays or 1
    if side == "before":
        return calendar.add_workdays(found.first, -n)
    return calendar.add_workdays(found.last, n)
