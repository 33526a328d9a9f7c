"""The reminder ledger in the database: what was planned, claimed, sent, acknowledged.

The database is the source of truth: every function here is safe to run again (unique keys), so a
restart, a retry or a second process re-planning the same day adds nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import cast

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from deadlines.planner import REPEAT, Occurrence, Planned, Recipient
from deadlines.workdays import WorkdayCalendar
from services.reminder_rows import Row, insert_new
from storage.db import Database
from storage.models import REPEATABLE_KINDS, Contact, Delivery, Reminder, SchedulerState, task_departments

CHUNK = 500


def recipients_by_department(session: Session) -> dict[int, list[tuple[Recipient, Contact]]]:
    found: dict[int, list[tuple[Recipient, Contact]]] = defaultdict(list)
    for contact in session.scalars(
        select(Contact).where(Contact.role == "contact", Contact.department_id.is_not(None))
    ):
        dep_id = cast(int, contact.department_id)  # not None: filtered above
        found[dep_id].append((Recipient(contact.chat_id, contact.id), contact))
    return found


def department_chats(
    departments_of_task: dict[int, tuple[int, ...]], by_dep: dict[int, list[tuple[Recipient, Contact]]]
) -> Callable[[Occurrence], list[Recipient]]:
    """The chats of an occurrence's responsible departments, each chat once (a group bound to two of them
    gets one reminder). Tasks with the same departments get the same list object: the planner's roll call
    counts by it (deadlines/planner.py)."""
    chats_of: dict[tuple[int, ...], list[Recipient]] = {}  # most tasks share their departments

    def chats(deps: tuple[int, ...]) -> list[Recipient]:
        seen: set[int] = set()
        result: list[Recipient] = []
        for dep in deps:
            for recipient, _ in by_dep.get(dep, ()):
                if recipient.chat_id not in seen:
                    seen.add(recipient.chat_id)
                    result.append(recipient)
        return result

    def recipients_of(occ: Occurrence) -> list[Recipient]:
        deps = departments_of_task.get(occ.task_id, ())
        found = chats_of.get(deps)
        if found is None:
            found = chats_of[deps] = chats(deps)
        return found

    return recipients_of


def office_recipients(session: Session, admin_ids: frozenset[int]) -> list[Recipient]:
    """The coordinating office: DUBAN_ADMINS in private, plus any chat bound with the admin role."""
    seen, result = set(), []
    for contact in session.scalars(select(Contact).where(Contact.role == "admin").order_by(Contact.id)):
        if contact.chat_id not in seen:
            seen.add(contact.chat_id)
            result.append(Recipient(contact.chat_id, contact.id))
    for uid in sorted(admin_ids):
        if uid not in seen:
            seen.add(uid)
            result.append(Recipient(uid, None))
    return result


def get_state(session: Session, name: str) -> str | None:
    row = session.get(SchedulerState, name)
    return row.value if row else None


def set_state(session: Session, name: str, value: str, now: datetime) -> None:
    row = session.get(SchedulerState, name)
    if row is None:
        session.add(SchedulerState(name=name, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now


def record_planned(session: Session, planned: list[Planned], now: datetime) -> int:
    """Insert the planned reminders the ledger does not hold yet; returns how many were new. Safe against
    a second planner in another transaction: the unique key settles it (services/reminder_rows.py)."""
    rows = [
        Row(
            p.key,
            p.stage.kind,
            p.occurrence.task_id,
            p.occurrence.deadline_id,
            p.occurrence.due,
            p.stage.lead,
            p.stage.send_on,
            p.recipient.contact_id,
            p.recipient.chat_id,
            now,
        )
        for p in planned
    ]
    return insert_new(session.connection(), rows)


def plan_repeats(
    session: Session, today: date, calendar: WorkdayCalendar, open_keys: Container[tuple[int, date]], now: datetime
) -> int:
    """Unacknowledged lead/due reminders come again on the working day after they were sent; so do
    snoozed ones on the day asked. Counted from when a reminder was sent, not when it was planned, so a
    catch-up message is not repeated on the very day it arrives. A reminder whose department is no longer
    responsible for the task (the office reassigned it) is not repeated: the new department has its own."""
    tz = now.tzinfo
    day_start = datetime.combine(today, time(0), tz)
    window_start = datetime.combine(calendar.add_workdays(today, -5), time(0), tz)
    # By the partial index on when they were sent (its condition in its own words); the status is checked
    # here, so the database cannot take the status index instead and walk every sent row of the year.
    rows = [
        row
        for row in session.scalars(
            select(Reminder).where(
                text(REPEATABLE_KINDS), Reminder.sent_at < day_start, Reminder.sent_at >= window_start
            )
        )
        if row.status in ("sent", "collapsed")
    ]
    responsible = _responsible(session, {r.task_id for r in rows})
    contact_ids = {r.contact_id for r in rows if r.contact_id is not None}
    department_of = (
        dict(session.execute(select(Contact.id, Contact.department_id).where(Contact.id.in_(contact_ids))).all())
        if contact_ids
        else {}
    )
    repeats = []
    for row in rows:
        if (row.deadline_id, row.due_date) not in open_keys:
            continue
        if row.contact_id is not None and (row.task_id, department_of.get(row.contact_id)) not in responsible:
            continue
        again = _again(row, calendar, tz)
        if again is None or again[1] > today:
            continue
        key, send_on = again
        repeats.append(
            Row(
                key,
                REPEAT,
                row.task_id,
                row.deadline_id,
                row.due_date,
                row.lead,
                send_on,
                row.contact_id,
                row.chat_id,
                now,
            )
        )
    return insert_new(session.connection(), repeats)


def _again(row: Reminder, calendar: WorkdayCalendar, tz: tzinfo | None) -> tuple[str, date] | None:
    """The key and day of a sent reminder's repeat: the day asked when snoozed, else the working day after
    it was sent while not acknowledged; None when it is not repeated."""
    if row.snoozed_until is not None:
        return f"{row.key}|snooze", row.snoozed_until
    if row.acknowledged_at is None and row.kind != REPEAT and row.sent_at is not None:  # no repeat of a repeat
        return f"{row.key}|repeat", calendar.add_workdays(row.sent_at.astimezone(tz).date(), 1)
    return None


def _responsible(session: Session, task_ids: set[int]) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    ids = sorted(task_ids)
    for i in range(0, len(ids), CHUNK):
        found.update(
            tuple(r)
            for r in session.execute(
                select(task_departments.c.task_id, task_departments.c.department_id).where(
                    task_departments.c.role == "responsible", task_departments.c.task_id.in_(ids[i : i + CHUNK])
                )
            )
        )
    return found


def supersede_answered(session: Session, open_keys: Container[tuple[int, date]]) -> int:
    """Planned reminders whose occurrence is no longer open are not sent: it was reported meanwhile, or the
    office moved its deadline (the old row is retired, so (deadline id, old due day) is no occurrence any
    more), or closed the task. Reminders already sent stay in the history as they are."""
    stale = [
        rid
        for rid, deadline_id, due in session.execute(
            select(Reminder.id, Reminder.deadline_id, Reminder.due_date).where(Reminder.status == "planned")
        )
        if (deadline_id, due) not in open_keys
    ]
    return supersede(session, stale, "no longer due (answered, moved or closed)")


def supersede(session: Session, reminder_ids: list[int], reason: str) -> int:
    """Mark planned reminders as not to be sent, saying why (`error`); rows no longer planned are left alone."""
    for i in range(0, len(reminder_ids), CHUNK):
        session.execute(
            update(Reminder)
            .where(Reminder.id.in_(reminder_ids[i : i + CHUNK]), Reminder.status == "planned")
            .values(status="superseded", error=reason)
        )
    return len(reminder_ids)


def due_rows(session: Session, today: date) -> list[Reminder]:
    return list(
        session.scalars(
            select(Reminder)
            .where(Reminder.status == "planned", Reminder.send_on <= today)
            .order_by(Reminder.chat_id, Reminder.send_on, Reminder.id)
        )
    )


def recover_in_flight(session: Session) -> int:
    """After a crash, a reminder caught mid-send may or may not have arrived: never resend it."""
    result = session.execute(
        update(Reminder)
        .where(Reminder.status == "sending")
        .values(status="uncertain", error="the process stopped while this was being sent")
    )
    session.execute(update(Delivery).where(Delivery.status == "sending").values(status="uncertain"))
    return result.rowcount or 0  # type: ignore[attr-defined]


def requeue_waiting(session: Session, waiting: str, why: str) -> int:
    """After a crash, a reminder that waited for a retry was refused unaccepted: certainly not delivered, so
    planned again (sent by the next run)."""
    result = session.execute(
        update(Reminder).where(Reminder.status == waiting).values(status="planned", delivery_id=None, error=why)
    )
    session.execute(update(Delivery).where(Delivery.status == waiting).values(status="failed", error=why))
    return result.rowcount or 0  # type: ignore[attr-defined]


@dataclass(frozen=True)
class AckResult:
    status: str  # ok | already | unknown | not_yours
    reminder: Reminder | None = None


def _own(row: Reminder, user_id: int, chat_id: int) -> bool:
    # In a private chat only its owner; in a bound group chat, anyone in that group.
    return row.chat_id == chat_id and (chat_id < 0 or chat_id == user_id)


def _same_line(session: Session, row: Reminder) -> list[Reminder]:
    """The row and those collapsed with it: one line of one message, one occurrence of one task."""
    if row.delivery_id is None:
        return [row]
    return list(
        session.scalars(
            select(Reminder).where(
                Reminder.delivery_id == row.delivery_id,
                Reminder.task_id == row.task_id,
                Reminder.due_date == row.due_date,
            )
        )
    )


def acknowledge(session: Session, reminder_id: int, user_id: int, chat_id: int, now: datetime) -> AckResult:
    row = session.get(Reminder, reminder_id)
    if row is None:
        return AckResult("unknown")
    if not _own(row, user_id, chat_id):
        return AckResult("not_yours", row)
    if row.acknowledged_at is not None:
        return AckResult("already", row)
    for same in _same_line(session, row):  # rows folded into this line of the message
        same.acknowledged_at, same.acknowledged_by = now, user_id
    return AckResult("ok", row)


def snooze(
    session: Session, reminder_id: int, user_id: int, chat_id: int, now: datetime, calendar: WorkdayCalendar
) -> AckResult:
    row = session.get(Reminder, reminder_id)
    if row is None:
        return AckResult("unknown")
    if not _own(row, user_id, chat_id):
        return AckResult("not_yours", row)
    if row.snoozed_until is not None:
        return AckResult("already", row)
    row.snoozed_until = calendar.add_workdays(now.date(), 1)
    for same in _same_line(session, row):
        if same.acknowledged_at is None:
            same.acknowledged_at, same.acknowledged_by = now, user_id
    return AckResult("ok", row)


@dataclass(frozen=True)
class Answered:
    """What a reminder's button did, for its short answer."""

    status: str  # ok | already | unknown | not_yours
    code: str | None = None  # the task's code
    snoozed_until: date | None = None


def answer_reminder(
    db: Database, action: str, reminder_id: int, user_id: int, chat_id: int, now: datetime, calendar: WorkdayCalendar
) -> Answered:
    """收到 ("a") or 已完成 ("d", which acknowledges too) or 推迟提醒 ("s"), in one transaction."""
    with db.session() as session:
        if action == "s":
            result = snooze(session, reminder_id, user_id, chat_id, now, calendar)
        else:
            result = acknowledge(session, reminder_id, user_id, chat_id, now)
        row = result.reminder
        return Answered(result.status, row.task.code if row else None, row.snoozed_until if row else None)
