"""The reminder policy and the three status colours (三色预警). Pure: dates in, decisions out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
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


# Working days in one round of a recurring deadline, roughly: what the reminder ladder scales with.
PERIOD_WORKDAYS = {"week": 5, "fortnight": 10, "month": 21, "quarter": 62, "half_year": 125, "year": 250}
# Duties this short are reminded once the working day before their week, all of a person's in one message.
WEEKLY_PERIODS = ("week", "fortnight")


def leads_for(policy: ReminderPolicy, period: str | None) -> tuple[int, ...]:
    """The lead reminders (working days before the due day) for a deadline that comes round every
    `period` (None: due once): only leads shorter than half the period, so a round's reminders never
    start before the previous round is due (a monthly report gets 7, 3, 1; a quarterly one 30, 7, 3, 1)."""
    if period is None or period not in PERIOD_WORKDAYS:
        return policy.lead_workdays
    return tuple(n for n in policy.lead_workdays if n * 2 < PERIOD_WORKDAYS[period])


def week_preview_day(due: date, calendar: WorkdayCalendar) -> date:
    """The day a weekly duty is announced: the last working day before the first working day of the
    week it is due in (the Friday before, usually; 30 September for the National Day week of 2022)."""
    monday = due - timedelta(days=due.weekday())
    return calendar.previous_workday(calendar.next_workday(monday, inclusive=True))


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
