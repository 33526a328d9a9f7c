"""The office's weekly report (reports/weekly.py) in the database: what it shows, and its deliveries.

`gather_week` reads the snapshot, the week's audit entries and the task each touched report or deadline
belongs to (the audit log names them by id); `reports.weekly.build` renders that plain `WeekData` into the
text, the charts and the workbook without the database. The assembly (bot/app.py) joins the two for
scheduler/weekly.py, which sends the report.

Delivery: at most once per office chat and week, under the key `weekly|<scheduled day>|<chat>`, claimed
before the first request like the digest; each part accepted is counted in the delivery at once, so a retry
after a failure that reached nothing sends only the rest, never a part twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.planner import Recipient
from deadlines.policy import ReminderPolicy, active_until
from deadlines.workdays import WorkdayCalendar
from services import reminder_delivery as delivery
from services.letter_file import DEFAULT_OFFICE
from services.letter_year import letter_for
from services.snapshot import AuditRow, Snapshot, collect
from services.tasks import NoLetter
from storage.db import Database
from storage.models import Deadline, Report, Task


@dataclass(frozen=True)
class WeekData:
    scheduled: date  # the day the report belongs to (the key of its delivery)
    start: date  # first and last day of the week reported on
    end: date
    snapshot: Snapshot
    week: tuple[AuditRow, ...]  # the audit entries from start to end
    report_task: dict[str, str]  # report id (as the audit log spells it) -> task code
    deadline_task: dict[str, str]  # deadline id -> task code
    office: str  # the coordinating office, as the letter names it


def _codes(
    session: Session, model: type[Report] | type[Deadline], rows: tuple[AuditRow, ...], entity: str
) -> dict[str, str]:
    """Task codes of the reports or deadlines (`model`) the audit rows name, keyed by their id as a string."""
    ids = {int(a.entity_id) for a in rows if a.entity == entity and a.entity_id.isdigit()}
    if not ids:
        return {}
    found = session.execute(select(model.id, Task.code).join(Task, Task.id == model.task_id).where(model.id.in_(ids)))
    return {str(k): v for k, v in found.all()}


def gather_week(
    db: Database, scheduled: date, today: date, calendar: WorkdayCalendar, policy: ReminderPolicy, tz: ZoneInfo
) -> WeekData:
    """The week before `scheduled` (seven days up to the day before it), with the snapshot as of `today`.
    Raises services.tasks.NoLetter, also once the letter's year and its grace are over: like reminders,
    the weekly report stops with its letter."""
    start, end = scheduled - timedelta(days=7), scheduled - timedelta(days=1)
    with db.session() as session:
        letter = letter_for(session, today)
        if today > active_until(letter.year, policy, calendar):
            raise NoLetter(f"the {letter.year} letter's year is over: no weekly report")
        # the workbook's audit sheet covers the letter year, stretched to include the week and today
        audit_from, audit_to = min(date(letter.year, 1, 1), start), max(date(letter.year, 12, 31), today)
        snapshot = collect(session, today, calendar, policy, tz, audit_from, audit_to)
        week = tuple(a for a in snapshot.audit if start <= a.at.date() <= end)
        return WeekData(
            scheduled,
            start,
            end,
            snapshot,
            week,
            _codes(session, Report, week, "report"),
            _codes(session, Deadline, week, "deadline"),
            letter.office or DEFAULT_OFFICE,
        )


# -- delivery -------------------------------------------------------------------------------------------


def delivery_key(scheduled: date, chat_id: int) -> str:
    return f"weekly|{scheduled.isoformat()}|{chat_id}"


def due_recipients(db: Database, scheduled: date, admin_ids: frozenset[int]) -> list[Recipient]:
    """The office's chats that have not had the report of `scheduled`'s week (nor have it in doubt, nor
    refused it for good): the report is built only when there is one."""
    office = delivery.office_recipients(db, admin_ids)
    still_open = delivery.open_keys(db, [delivery_key(scheduled, r.chat_id) for r in office])
    return [r for r in office if delivery_key(scheduled, r.chat_id) in still_open]


def claim(db: Database, scheduled: date, recipient: Recipient, today: date, now: datetime) -> delivery.Claim | None:
    """Claim the week's report for one chat before its first request; the claim says how many parts an
    earlier attempt had sent (those are not sent again)."""
    key = delivery_key(scheduled, recipient.chat_id)
    return delivery.claim_once(db, key, "weekly", recipient.chat_id, recipient.contact_id, today, now)


part_accepted = delivery.part_accepted  # each part counted as soon as it is accepted
finish = delivery.finish_once
