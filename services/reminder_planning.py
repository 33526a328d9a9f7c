"""Planning a day's reminders into the ledger (services/reminder_ledger.py), for the reminder run
(scheduler/runner.py), which calls `plan_day` on every run of a working day after the send time.

The first call of a day plans, in one transaction: the stages (deadlines/planner.py) of every open
occurrence from the day after the last one planned (or the day the letter was loaded) up to today, so a
stopped bot plans the missed days at once and they go out as one catch-up message; the repeats of
reminders not acknowledged; and the planned rows no longer due are superseded. Later calls that day do
nothing: the run then only sends what is left (retries). The ledger's unique keys make a second process
planning the same day harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from deadlines.planner import Occurrence, Recipient, plan
from deadlines.policy import ReminderPolicy, active_until
from deadlines.workdays import WorkdayCalendar
from services import reminder_ledger as ledger
from services.occurrences import OccurrenceFacts, letter_occurrences
from services.tasks import NoLetter, current_letter
from storage.db import Database
from storage.models import Contact, Letter


@dataclass(frozen=True)
class DayPlan:
    skipped: str | None = None  # why nothing could be planned
    planned: int = 0  # new ledger rows
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
    """Plan the current letter's reminders due by `today`, once a day (see above). `now` is aware, in the
    bot's time zone: the local day the letter was loaded on is where planning starts."""
    with db.session() as s:
        try:
            letter = current_letter(s)
        except NoLetter:
            return DayPlan(skipped="no letter loaded")
        day_name = f"reminders.planned_on.{letter.id}"
        if ledger.get_state(s, day_name) == today.isoformat():
            return DayPlan()  # planned earlier today
        ledger.set_state(s, day_name, today.isoformat(), now)
        return _plan_letter(s, letter, today, now, admin_ids, policy, calendar)


def _plan_letter(
    s: Session,
    letter: Letter,
    today: date,
    now: datetime,
    admin_ids: frozenset[int],
    policy: ReminderPolicy,
    calendar: WorkdayCalendar,
) -> DayPlan:
    facts = letter_occurrences(s, letter)
    open_facts = [f for f in facts if not f.reported]
    open_keys = {(f.occurrence.deadline_id, f.occurrence.due) for f in open_facts}
    through_name = f"reminders.planned_through.{letter.id}"
    through = ledger.get_state(s, through_name)
    start = letter.loaded_at.astimezone(now.tzinfo).date()
    if through:
        start = max(start, date.fromisoformat(through) + timedelta(days=1))
    until = min(today, active_until(letter.year, policy, calendar))
    planned = 0
    if start <= until:
        recipients_of = _department_chats(facts, ledger.recipients_by_department(s))
        office = ledger.office_recipients(s, admin_ids)
        rows = plan([f.occurrence for f in open_facts], recipients_of, office, policy, calendar, start, until)
        planned = ledger.record_planned(s, rows, now)
    repeats = ledger.plan_repeats(s, today, calendar, open_keys, now) if policy.repeat_unacknowledged else 0
    superseded = ledger.supersede_answered(s, open_keys)
    if through is None or date.fromisoformat(through) < until:
        ledger.set_state(s, through_name, until.isoformat(), now)
    return DayPlan(None, planned, repeats, superseded)


def _department_chats(
    facts: list[OccurrenceFacts], by_dep: dict[int, list[tuple[Recipient, Contact]]]
) -> Callable[[Occurrence], list[Recipient]]:
    """The chats of an occurrence's responsible departments, each chat once (a group bound to two of them
    gets one reminder)."""
    deps_of_task = {f.task.id: f.task.department_ids for f in facts}

    def recipients_of(occ: Occurrence) -> list[Recipient]:
        seen: set[int] = set()
        result: list[Recipient] = []
        for dep in deps_of_task.get(occ.task_id, ()):
            for recipient, _ in by_dep.get(dep, ()):
                if recipient.chat_id not in seen:
                    seen.add(recipient.chat_id)
                    result.append(recipient)
        return result

    return recipients_of
