"""The reminder policy and the three status colours (三色预警). Pure: dates in, decisions out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: importing the calendar loads chinese_calendar and the holiday table
    from deadlines.workdays import WorkdayCalendar

GREEN, YELLOW, RED, DONE = "green", "yellow", "red", "done"


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders go out. Defaults are what supervision offices use; settings can change them."""

    lead_workdays: tuple[int, ...] = (30, 7, 3, 1)  # working days before the due day
    send_at: time = time(9, 0)  # local time, working days only
    overdue_daily: bool = True  # one reminder per working day while overdue
    escalate_after_workdays: int = 3  # overdue this long: tell the coordinating office
    repeat_unacknowledged: bool = True  # not acknowledged: repeat on the next working day
    yellow_within_workdays: int = 3  # due this soon: yellow
    # A letter stops reminding this many working days after its year ends (final reports are in).
    grace_workdays_after_year: int = 10
    digest_at: time = time(9, 0)  # the office's morning digest, working days only
    digest_enabled: bool = True
    lead_kinds: tuple[str, ...] = field(default=("lead", "due", "repeat"), repr=False)


def effective_due(due: date, calendar: WorkdayCalendar) -> date:
    """A due day that is not a working day is treated, for reminders, as the working day before it."""
    return calendar.previous_workday(due, inclusive=True)


def status_colour(
    due: date,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    reported: bool = False,
    verified: bool = False,
) -> str:
    """green on track; yellow due within N working days or reported but unverified; red overdue."""
    if verified:
        return DONE
    if reported:
        return YELLOW
    if today > due:
        return RED
    if calendar.workdays_between(today, effective_due(due, calendar)) <= policy.yellow_within_workdays:
        return YELLOW
    return GREEN


def workdays_overdue(due: date, today: date, calendar: WorkdayCalendar) -> int:
    """Working days after the due day up to today (0 when not overdue)."""
    return max(0, calendar.workdays_between(due, today)) if today > due else 0


def active_until(letter_year: int, policy: ReminderPolicy, calendar: WorkdayCalendar) -> date:
    """The last day a letter reminds: its year's end plus the grace for the final reports."""
    return calendar.add_workdays(date(letter_year, 12, 31), policy.grace_workdays_after_year)
