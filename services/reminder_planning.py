"""Planning a day's reminders into the ledger (services/reminder_ledger.py), for the reminder run
(scheduler/runner.py), which calls `plan_day` on every run of a working day after the send time.

The first call of a day plans, in one transaction: the stages (deadlines/planner.py) of every open
occurrence from the day after the last one planned (or the day the letter was loaded) up to today, so a
stopped bot plans the missed days at once and they go out as one catch-up message; the repeats of
reminders not acknowledged; and the planned rows no longer due are superseded. Leads, due days and
escalations are planned a row each; a recipient's overdue occurrences of a day are planned as one list
(services/overdue_lists.py), written out line by line when it is sent. Later calls that day do
nothing: the run then only sends what is left (retries). The ledger's unique keys make a second process
planning the same day harmless.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.planner import plan_with_roll_call
from deadlines.policy import ReminderPolicy, active_until
from deadlines.workdays import WorkdayCalendar
from services import overdue_lists
from services import reminder_ledger as ledger
from services.gc_pause import gc_paused
from services.occurrences import OpenOccurrences, open_occurrences
from storage.db import Database
from storage.models import Letter, Reminder, Task


@dataclass(frozen=True)
class DayPlan:
    skipped: str | None = None  # why nothing could be planned
    planned: int = 0  # new ledger rows
    lists: int = 0  # new overdue lists (services/overdue_lists.py)
    repeats: int = 0
    superseded: int = 0


def plan_day(
    db: Database,
    today: date,
    now: datetime,
    admin_ids: frozenset[int],
    policy: ReminderPolicy,
    calendar: WorkdayCalendar,
) -> DayPlan:
    """Plan the reminders due by `today` of every letter still in its year (or its grace after it: a letter
    for next year loaded in December reminds of January's deadlines while this year's goes on), once a day
    (see above). `now` is aware, in the bot's time zone: the local day a letter was loaded on is where its
    planning starts. A letter whose year and grace are over plans nothing, and what it left planned is
    withdrawn: its reminders stop; with no letter in its year the day is skipped (no digest either)."""
    with gc_paused(), db.session() as s:  # up to 100,000 planned rows as tuples (services/gc_pause.py)
        letters = list(s.scalars(select(Letter).order_by(Letter.year, Letter.id)))
        if not letters:
            return DayPlan(skipped="no letter loaded")
        active = [x for x in letters if today <= active_until(x.year, policy, calendar)]
        for letter in letters:
            if letter not in active:
                _withdraw_planned(s, letter)
        if not active:
            return DayPlan(skipped="no letter in its year")
        due = [x for x in active if ledger.get_state(s, f"reminders.planned_on.{x.id}") != today.isoformat()]
        if not due:
            return DayPlan()  # planned earlier today
        found = {letter.id: open_occurrences(s, letter) for letter in active}
        open_keys = {letter_id: OpenKeys([of_letter]) for letter_id, of_letter in found.items()}
        keys = OpenKeys(list(found.values()))
        # Once per day, over every letter at once: a planned row of any of them may have been answered.
        # Before today's rows go in: those are of open occurrences, so there is no need to read them back.
        superseded = ledger.supersede_answered(s, keys)
        planned, lists, repeats = 0, 0, 0
        for letter in due:
            ledger.set_state(s, f"reminders.planned_on.{letter.id}", today.isoformat(), now)
            new, new_lists, again = _plan_letter(
                s, letter, found[letter.id], open_keys[letter.id], today, now, admin_ids, policy, calendar
            )
            planned, lists, repeats = planned + new, lists + new_lists, repeats + again
        return DayPlan(None, planned, lists, repeats, superseded)


class OpenKeys(Container[tuple[int, date]]):
    """(deadline id, due day) of the open occurrences, as a set made on the first question: a pass with no
    planned row to check and no reminder to repeat (the first of a letter's year, a quiet day) never makes
    it, and at 100,000 occurrences it costs 20-30 ms."""

    def __init__(self, found: list[OpenOccurrences]):
        self._found = found
        self._keys: set[tuple[int, date]] | None = None

    def __contains__(self, key: object) -> bool:
        if self._keys is None:
            self._keys = {(occ.deadline_id, occ.due) for of_letter in self._found for occ in of_letter.occurrences}
        return key in self._keys


def _withdraw_planned(s: Session, letter: Letter) -> None:
    """The reminders a finished letter still had planned are not sent (kept in the ledger, saying why)."""
    stale = list(
        s.scalars(
            select(Reminder.id)
            .join(Task, Task.id == Reminder.task_id)
            .where(Task.letter_id == letter.id, Reminder.status == "planned")
        )
    )
    if stale:
        ledger.supersede(s, stale, "the letter's year is over")
    overdue_lists.withdraw(s, letter.id, "the letter's year is over")


def _plan_letter(
    s: Session,
    letter: Letter,
    found: OpenOccurrences,
    open_keys: OpenKeys,
    today: date,
    now: datetime,
    admin_ids: frozenset[int],
    policy: ReminderPolicy,
    calendar: WorkdayCalendar,
) -> tuple[int, int, int]:
    """New rows, new overdue lists and repeats of one letter, from its open occurrences (`open_keys`: the
    same, as keys)."""
    through_name = f"reminders.planned_through.{letter.id}"
    through = ledger.get_state(s, through_name)
    start = letter.loaded_at.astimezone(now.tzinfo).date()
    if through:
        start = max(start, date.fromisoformat(through) + timedelta(days=1))
    until = min(today, active_until(letter.year, policy, calendar))
    planned = lists = 0
    if start <= until:
        recipients_of = ledger.department_chats(found.departments, ledger.recipients_by_department(s))
        office = ledger.office_recipients(s, admin_ids)
        rows, roll = plan_with_roll_call(found.occurrences, recipients_of, office, policy, calendar, start, until)
        planned = ledger.record_planned(s, rows, now)
        lists = overdue_lists.record_lists(s, letter.id, roll, now)
    repeats = ledger.plan_repeats(s, today, calendar, open_keys, now) if policy.repeat_unacknowledged else 0
    if through is None or date.fromisoformat(through) < until:
        ledger.set_state(s, through_name, until.isoformat(), now)
    return planned, lists, repeats
