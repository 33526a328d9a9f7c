"""Which reminders a deadline occurrence calls for, and on which days. Pure: no clock, no database.

A stage is one reminder of an occurrence: `lead` N working days before the (effective) due day, `due` on
it, `overdue` on each working day after it, `escalation` to the office once it is N working days
overdue. Keys are stable strings, so the ledger can hold each planned reminder at most once.

The ladder scales with how often a deadline comes round (`Occurrence.period`, policy.leads_for): a
weekly or fortnightly duty has one lead, on the last working day before its week begins, so one
message that day carries all of a person's duties of the coming week, and then the due-day reminder.
A missed weekly round is reminded daily only until the next round is due (the office has had its
escalation by then): a duty added in September does not bring thirty overdue weeks along.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from deadlines.policy import WEEKLY_PERIODS, ReminderPolicy, effective_due, leads_for, week_preview_day

if TYPE_CHECKING:  # for annotations only, as in policy.py
    from deadlines.workdays import WorkdayCalendar

LEAD, DUE, OVERDUE, ESCALATION, REPEAT = "lead", "due", "overdue", "escalation", "repeat"


class Occurrence(NamedTuple):
    """One due date of one deadline of one task (a tuple: up to 100,000 are made on each question asked of
    a large letter, three times faster than a frozen dataclass)."""

    task_id: int
    deadline_id: int
    due: date
    period: str | None = None  # how often its deadline comes round (specs.period_of); None: due once
    next_due: date | None = None  # the deadline's next round, for a recurring one


@dataclass(frozen=True)
class Recipient:
    """A chat to write to: a bound contact (user or group) or an office admin (contact_id None)."""

    chat_id: int
    contact_id: int | None = None

    @cached_property  # part of every key of a planning pass
    def tag(self) -> str:
        return f"c{self.contact_id}" if self.contact_id is not None else f"u{self.chat_id}"


@dataclass(frozen=True)
class Stage:
    kind: str
    lead: int  # working days before the due day; 0 on it; -k on the k-th working day overdue
    send_on: date


class Planned(NamedTuple):  # a tuple, not a dataclass: a day's pass makes up to 100,000 of them
    key: str
    occurrence: Occurrence
    stage: Stage
    recipient: Recipient


def _leads(eff: date, policy: ReminderPolicy, calendar: WorkdayCalendar, period: str | None) -> list[Stage]:
    if period in WEEKLY_PERIODS:
        preview = week_preview_day(eff, calendar)
        return [Stage(LEAD, calendar.workdays_between(preview, eff), preview)]
    return [
        Stage(LEAD, n, calendar.add_workdays(eff, -n)) for n in sorted(set(leads_for(policy, period)), reverse=True)
    ]


def stages(
    due: date,
    policy: ReminderPolicy,
    calendar: WorkdayCalendar,
    start: date,
    until: date,
    period: str | None = None,
    next_due: date | None = None,
) -> list[Stage]:
    """Every stage of an occurrence sent on a working day in [start, until]."""
    eff = effective_due(due, calendar)
    if period in WEEKLY_PERIODS and next_due is not None:  # overdue only until the next round is due
        until_overdue = min(until, calendar.add_workdays(effective_due(next_due, calendar), -1))
    else:
        until_overdue = until
    found = _leads(eff, policy, calendar, period)
    found.append(Stage(DUE, 0, eff))
    if policy.escalate_after_workdays > 0:
        found.append(
            Stage(
                ESCALATION, -policy.escalate_after_workdays, calendar.add_workdays(due, policy.escalate_after_workdays)
            )
        )
    if policy.overdue_daily:
        # Start at the first overdue working day inside the window, not at the due day: a planning
        # pass only looks at the days since the last one, however long ago the task fell overdue.
        day = max(calendar.add_workdays(due, 1), calendar.next_workday(start, inclusive=True))
        k = calendar.workdays_between(due, day)
        while day <= until_overdue:
            found.append(Stage(OVERDUE, -k, day))
            day, k = calendar.add_workdays(day, 1), k + 1
    return [s for s in found if start <= s.send_on <= until]


def plan(
    occurrences: Iterable[Occurrence],
    recipients_of: Callable[[Occurrence], Iterable[Recipient]],
    office: Sequence[Recipient],
    policy: ReminderPolicy,
    calendar: WorkdayCalendar,
    start: date,
    today: date,
) -> list[Planned]:
    """All reminders due to be sent by `today` (not before `start`) for the open occurrences given.

    `recipients_of(occurrence)` names the department's chats; escalations go to `office`.
    """
    return _plan(occurrences, recipients_of, office, policy, calendar, start, today, _ALL, None)


RollCall = dict[tuple[Recipient, date], int]  # (recipient, day) -> open occurrences overdue for it that day


def plan_with_roll_call(
    occurrences: Iterable[Occurrence],
    recipients_of: Callable[[Occurrence], Iterable[Recipient]],
    office: Sequence[Recipient],
    policy: ReminderPolicy,
    calendar: WorkdayCalendar,
    start: date,
    today: date,
) -> tuple[list[Planned], RollCall]:
    """`plan`, with the overdue stages counted instead of listed: each recipient's overdue reminder of a
    day is one list of every occurrence overdue for it that day, planned as one row and written out
    line by line only when it is sent (`overdue_lines`). A day's pass then makes a row per recipient,
    not one per overdue occurrence (75,000 a day in a 100,000-task letter)."""
    roll: RollCall = defaultdict(int)
    planned = _plan(occurrences, recipients_of, office, policy, calendar, start, today, _NOT_OVERDUE, roll)
    return planned, dict(roll)


def overdue_lines(
    occurrences: Iterable[Occurrence],
    recipients_of: Callable[[Occurrence], Iterable[Recipient]],
    policy: ReminderPolicy,
    calendar: WorkdayCalendar,
    start: date,
    today: date,
) -> list[Planned]:
    """The overdue stages alone, as `plan` makes them (same keys): the lines of the roll call's lists."""
    return _plan(occurrences, recipients_of, (), policy, calendar, start, today, frozenset({OVERDUE}), None)


_ALL = frozenset({LEAD, DUE, OVERDUE, ESCALATION})
_NOT_OVERDUE = _ALL - {OVERDUE}


def _plan(
    occurrences: Iterable[Occurrence],
    recipients_of: Callable[[Occurrence], Iterable[Recipient]],
    office: Sequence[Recipient],
    policy: ReminderPolicy,
    calendar: WorkdayCalendar,
    start: date,
    today: date,
    kinds: frozenset[str],
    roll: RollCall | None,
) -> list[Planned]:
    """The stages of `kinds` as Planned rows; with `roll`, the overdue days counted into it as well."""
    planned: list[Planned] = []
    append = planned.append  # the loop below runs once per reminder: up to 100,000 a day
    # Per (due, period, next round): its stages, each with the key's middle part, and its overdue days,
    # worked out once. A key is d{deadline id}|{due day}|{kind}|{lead}|{recipient tag}: the ledger's
    # unique key, never changed.
    by_due: dict[tuple[date, str | None, date | None], tuple[list[tuple[Stage, str]], tuple[date, ...]]] = {}
    # Overdue occurrences per (recipients, overdue days): counted by the recipients object's identity (most
    # occurrences share the list their department's chats are kept in), spread over recipients after.
    tally: dict[tuple[int, tuple[date, ...]], int] = defaultdict(int)
    targets_by_id: dict[int, tuple[object, tuple[Recipient, ...]]] = {}
    for occ in occurrences:
        when = (occ.due, occ.period, occ.next_due)
        memo = by_due.get(when)
        if memo is None:  # many tasks share a due date
            memo = by_due[when] = _staged(occ, policy, calendar, start, today, kinds, roll is not None)
        staged, overdue = memo
        if not staged and not overdue:  # nothing of it is sent in the window
            continue
        department: tuple[Recipient, ...] | None = None
        if overdue:
            got = recipients_of(occ)
            # The object is kept with its tuple, so no other object can take its id meanwhile.
            department = (targets_by_id.get(id(got)) or targets_by_id.setdefault(id(got), (got, tuple(got))))[1]
            tally[(id(got), overdue)] += 1
        prefix = f"d{occ.deadline_id}"
        for stage, middle in staged:
            if stage.kind == ESCALATION:
                targets: Iterable[Recipient] = office
            else:
                if department is None:  # asked once per occurrence, only when something is sent
                    department = tuple(recipients_of(occ))
                targets = department
            for recipient in targets:
                append(Planned(prefix + middle + recipient.tag, occ, stage, recipient))
    if roll is not None:
        _spread(tally, targets_by_id, roll)
    return planned


def _spread(
    tally: dict[tuple[int, tuple[date, ...]], int],
    targets_by_id: dict[int, tuple[object, tuple[Recipient, ...]]],
    roll: RollCall,
) -> None:
    """The occurrences counted per (recipients, overdue days), added to each recipient's count of each day."""
    for (who, days), count in tally.items():
        for recipient in targets_by_id[who][1]:
            for day in days:
                roll[(recipient, day)] += count


def _staged(
    occ: Occurrence,
    policy: ReminderPolicy,
    calendar: WorkdayCalendar,
    start: date,
    today: date,
    kinds: frozenset[str],
    count_overdue: bool,
) -> tuple[list[tuple[Stage, str]], tuple[date, ...]]:
    """An occurrence's stages of `kinds` in the window, each with its key's middle part; and its overdue
    days, when they are counted."""
    due = occ.due.isoformat()
    found = stages(occ.due, policy, calendar, start, today, occ.period, occ.next_due)
    staged = [(stage, f"|{due}|{stage.kind}|{stage.lead}|") for stage in found if stage.kind in kinds]
    overdue = tuple(stage.send_on for stage in found if stage.kind == OVERDUE) if count_overdue else ()
    return staged, overdue
