"""The reminder run's deliveries in the database: the due rows as plain values, each message claimed
before its request leaves and its outcome recorded after, and the at-most-once messages to the office
(digest, notices, the weekly report). scheduler/runner.py decides what to send and in which order; every
function here opens one session and commits by leaving it, so what it wrote holds before the next request.

Why a claim is written first: a crash can then leave only the one request in flight in doubt, and
`recover` marks it "uncertain" (never resent, so never duplicated). An outcome that reached nothing puts
the rows back to "planned" for the next run; anything that may have reached the chat never goes back.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from deadlines.planner import ESCALATION, Recipient
from services import reminder_ledger as ledger
from services.letter_file import DEFAULT_OFFICE
from services.tasks import current_letter
from storage.db import Database
from storage.models import Contact, Deadline, Delivery, Department, Reminder, Task

# The Sender port's outcomes (handlers.ports), spelled out here: services sit below handlers.
SENT, BLOCKED, FAILED, UNCERTAIN = "sent", "blocked", "failed", "uncertain"
UNREACHABLE = "contact unreachable: not sent"
WAITING = "waiting"  # refused without being accepted; the sender waits to try again (a ledger status)
REQUEUED = "the process stopped while this waited for a retry (nothing had been accepted): sent again"


class SendResult(Protocol):
    """What a send reported (handlers.ports.Outcome), as far as the ledger needs it."""

    @property
    def status(self) -> str: ...

    @property
    def chat_id(self) -> int: ...  # where it went: a migrated group's new id

    @property
    def message_ids(self) -> list[int]: ...

    @property
    def error(self) -> str | None: ...

    @property
    def retries(self) -> int: ...

    @property
    def migrated_from(self) -> int | None: ...

    @property
    def receipt(self) -> str | None: ...  # the channel's handle for asking who read it


@dataclass(frozen=True)
class DueReminder:
    """A planned reminder due by today, with what its message shows."""

    id: int
    kind: str
    due: date
    send_on: date
    task_id: int
    task_code: str
    task_text: str
    departments: tuple[str, ...]
    phrase: str | None
    chat_id: int
    contact_id: int | None
    recipient_name: str  # the department, or the office (escalations, admins)
    reachable: bool


def due_reminders(db: Database, today: date) -> list[DueReminder]:
    """Every planned reminder due by `today`, by chat, send day and id."""
    with db.session() as s:
        rows = ledger.due_rows(s, today)
        if not rows:
            return []
        tasks = {t.id: t for t in s.scalars(select(Task).where(Task.id.in_({r.task_id for r in rows})))}
        deadline_ids = {r.deadline_id for r in rows}
        found = s.execute(select(Deadline.id, Deadline.phrase).where(Deadline.id.in_(deadline_ids)))
        phrases = {deadline_id: phrase for deadline_id, phrase in found}
        wanted = {r.contact_id for r in rows if r.contact_id is not None}
        contacts: dict[int | None, Contact] = {
            c.id: c for c in s.scalars(select(Contact).where(Contact.id.in_(wanted)))
        }
        dep_names: dict[int | None, str] = {d.id: d.name for d in s.scalars(select(Department))}
        office = current_letter(s).office or DEFAULT_OFFICE
        return [
            _due(r, tasks[r.task_id], contacts.get(r.contact_id), phrases.get(r.deadline_id), dep_names, office)
            for r in rows
        ]


def _due(
    r: Reminder, task: Task, contact: Contact | None, phrase: str | None, dep_names: dict[int | None, str], office: str
) -> DueReminder:
    # Escalations, and rows for an admin or for no contact, are addressed to the office by name.
    to_office = r.kind == ESCALATION or contact is None or contact.role == "admin"
    return DueReminder(
        id=r.id,
        kind=r.kind,
        due=r.due_date,
        send_on=r.send_on,
        task_id=task.id,
        task_code=task.code,
        task_text=task.text,
        departments=tuple(d.name for d in task.departments),
        phrase=phrase,
        chat_id=r.chat_id,
        contact_id=r.contact_id,
        recipient_name=office if to_office or contact is None else dep_names.get(contact.department_id, ""),
        reachable=contact.reachable if contact is not None else True,
    )


def claim(
    db: Database,
    kind: str,
    chat_id: int,
    contact_id: int | None,
    today: date,
    primary_ids: Collection[int],
    collapsed_ids: Collection[int],
    now: datetime,
) -> int:
    """Record "sending" for one message (its lines and the rows folded into them), right before its request
    leaves; returns the delivery's id. A message retried today after a failure that reached nothing keeps
    its delivery (unique key) and counts the attempt."""
    key = f"{kind}|{today.isoformat()}|{chat_id}|{min(primary_ids)}"
    with db.session() as s:
        delivery = s.scalar(select(Delivery).where(Delivery.key == key))
        if delivery is None:
            delivery = _new_delivery(s, key, kind, chat_id, contact_id, today, now, parts=1)
        else:
            delivery.status, delivery.attempts = "sending", delivery.attempts + 1
        ids = [*primary_ids, *collapsed_ids]
        for row in s.scalars(select(Reminder).where(Reminder.id.in_(ids))):
            row.status, row.delivery_id = "sending", delivery.id
        return delivery.id


def record(
    db: Database,
    delivery_id: int | None,
    outcome: SendResult,
    primary_ids: Collection[int],
    collapsed_ids: Collection[int],
    now: datetime,
) -> None:
    """The outcome of one message: its lines sent (the rows folded into them collapsed), back to planned
    (nothing reached the chat), or failed / uncertain. A blocked chat's contacts are marked unreachable; a
    group that became a supergroup is followed to its new id. `delivery_id` None: nothing was claimed
    (the send stopped before its request)."""
    with db.session() as s:
        rows = list(s.scalars(select(Reminder).where(Reminder.id.in_([*primary_ids, *collapsed_ids]))))
        if outcome.migrated_from is not None:
            _follow_migration(s, outcome.migrated_from, outcome.chat_id)
        _settle_rows(rows, outcome, set(primary_ids), now)
        if outcome.status == BLOCKED:
            for contact in s.scalars(select(Contact).where(Contact.chat_id == outcome.chat_id)):
                contact.reachable, contact.unreachable_reason = False, outcome.error
        delivery = s.get(Delivery, delivery_id) if delivery_id is not None else None
        if delivery is not None:
            delivery.status = _delivery_status(outcome.status)
            delivery.chat_id, delivery.message_ids, delivery.error = outcome.chat_id, outcome.message_ids, outcome.error
            delivery.attempts += outcome.retries
            delivery.sent_at = now if outcome.status == SENT else None
            delivery.receipt = outcome.receipt


def _follow_migration(s: Session, old: int, new: int) -> None:
    for contact in s.scalars(select(Contact).where(Contact.chat_id == old)):
        contact.chat_id = new
    for row in s.scalars(select(Reminder).where(Reminder.chat_id == old)):
        row.chat_id = new


def _settle_rows(rows: list[Reminder], outcome: SendResult, primary_ids: set[int], now: datetime) -> None:
    if outcome.status == SENT:
        for row in rows:
            row.status = "sent" if row.id in primary_ids else "collapsed"
            row.sent_at = now
    elif outcome.status == FAILED and not (outcome.error or "").startswith("BadRequest"):
        for row in rows:  # nothing was accepted: the next run tries again
            row.status, row.delivery_id, row.error = "planned", None, outcome.error
    else:
        for row in rows:
            row.status = "uncertain" if outcome.status == UNCERTAIN else "failed"
            row.error = outcome.error


def _delivery_status(status: str) -> str:
    return {SENT: "sent", UNCERTAIN: "uncertain"}.get(status, "failed")


def mark_unreachable(db: Database, reminder_ids: Sequence[int]) -> None:
    """Rows for a contact known to be unreachable: not tried, but kept in the ledger, saying why."""
    with db.session() as s:
        for row in s.scalars(select(Reminder).where(Reminder.id.in_(reminder_ids))):
            row.status, row.error = "failed", UNREACHABLE


def blocked_names(db: Database, chat_id: int) -> str:
    """Who a blocked chat is, for the office's notice: "department name" of each of its contacts."""
    with db.session() as s:
        contacts = list(s.scalars(select(Contact).where(Contact.chat_id == chat_id)))
        deps: dict[int | None, str] = {d.id: d.name for d in s.scalars(select(Department))}
    return "、".join(f"{deps.get(c.department_id, '')} {c.display_name or c.chat_id}" for c in contacts)


def waiting(db: Database, delivery_id: int, reminder_ids: Collection[int]) -> bool:
    """The message's request was refused without being accepted (429, 5xx, no connection) and the sender
    waits to try again: a crash now leaves it certainly undelivered, so `recover` puts it back to planned.
    False when the rows are no longer this delivery's to send (another process took over the lease)."""
    return _move(db, delivery_id, reminder_ids, "sending", WAITING)


def resume(db: Database, delivery_id: int, reminder_ids: Collection[int]) -> bool:
    """The wait is over and the request leaves again: in doubt again until its answer comes. False when the
    rows stopped waiting for this delivery meanwhile (a new lease holder's recover() planned them again,
    and it sends them): then this retry must not leave, or the person would get it twice."""
    return _move(db, delivery_id, reminder_ids, WAITING, "sending")


def _move(db: Database, delivery_id: int, reminder_ids: Collection[int], before: str, after: str) -> bool:
    """Compare and set, in one transaction: the rows move only if all of them are still as expected."""
    ids = list(reminder_ids)
    with db.session() as s:
        moved = s.execute(
            update(Reminder)
            .where(Reminder.id.in_(ids), Reminder.status == before, Reminder.delivery_id == delivery_id)
            .values(status=after)
        ).rowcount  # type: ignore[attr-defined]
        if moved != len(ids):
            s.rollback()
            return False
        s.execute(update(Delivery).where(Delivery.id == delivery_id).values(status=after))
        return True


@dataclass(frozen=True)
class Recovered:
    requeued: int  # waiting to be sent again when the process stopped: nothing reached anyone, sent now
    uncertain: int  # mid-request: may have arrived, never resent by itself, shown to the office


def recover(db: Database) -> Recovered:
    """After a crash (or a lease taken over from a dead holder): the rows that waited for a retry were
    certainly not delivered and go back to planned; only those whose request was in flight are uncertain."""
    with db.session() as s:
        return Recovered(ledger.requeue_waiting(s, WAITING, REQUEUED), ledger.recover_in_flight(s))


# -- at most once, to the office: digest, notices, the weekly report -----------------------------------


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    parts: int  # parts an earlier attempt had sent (the weekly report counts them as accepted)
    message_ids: tuple[int, ...]


def office_recipients(db: Database, admin_ids: frozenset[int]) -> list[Recipient]:
    with db.session() as s:
        return ledger.office_recipients(s, admin_ids)


def _retryable(delivery: Delivery) -> bool:
    """Failed without reaching anyone and not refused for good: may be claimed again."""
    return delivery.status == "failed" and not (delivery.error or "").startswith(("BadRequest", "Forbidden"))


def open_keys(db: Database, keys: Collection[str]) -> set[str]:
    """The keys `claim_once` would let through now: never delivered, nor in doubt, nor refused for good."""
    with db.session() as s:
        found = {d.key: d for d in s.scalars(select(Delivery).where(Delivery.key.in_(list(keys))))}
    return {k for k in keys if k not in found or _retryable(found[k])}


def claim_once(
    db: Database, key: str, kind: str, chat_id: int, contact_id: int | None, today: date, now: datetime
) -> Claim | None:
    """Claim a delivery that must happen at most once (by `key`), before its first request; None when it
    was delivered, is in doubt or was refused for good. A transient failure may be claimed again."""
    with db.session() as s:
        existing = s.scalar(select(Delivery).where(Delivery.key == key))
        if existing is not None:
            if not _retryable(existing):
                return None
            existing.status, existing.attempts = "sending", existing.attempts + 1
            return Claim(existing.id, existing.parts, tuple(existing.message_ids or ()))
        delivery = _new_delivery(s, key, kind, chat_id, contact_id, today, now, parts=0)
        return Claim(delivery.id, 0, ())


def part_accepted(db: Database, delivery_id: int, parts: int, message_ids: Sequence[int]) -> None:
    """Count a part as accepted at once: a retry then sends only the parts after it."""
    with db.session() as s:
        delivery = s.get_one(Delivery, delivery_id)
        delivery.parts, delivery.message_ids = parts, list(message_ids)


def finish_once(
    db: Database,
    delivery_id: int,
    status: str,
    error: str | None,
    now: datetime,
    parts: int | None = None,
    message_ids: Sequence[int] | None = None,
) -> None:
    """The outcome of an at-most-once delivery; a blocked chat is refused for good ("Forbidden: ...")."""
    with db.session() as s:
        delivery = s.get_one(Delivery, delivery_id)
        delivery.status = _delivery_status(status)
        if parts is not None:
            delivery.parts = parts
        if message_ids is not None:
            delivery.message_ids = list(message_ids)
        delivery.error = f"Forbidden: {error}" if status == BLOCKED else error
        delivery.sent_at = now if status == SENT else None


def _new_delivery(
    s: Session, key: str, kind: str, chat_id: int, contact_id: int | None, today: date, now: datetime, parts: int
) -> Delivery:
    """A delivery claimed before its first request ("sending"): its key makes it happen at most once."""
    delivery = Delivery(
        key=key,
        kind=kind,
        chat_id=chat_id,
        contact_id=contact_id,
        run_on=today,
        status="sending",
        parts=parts,
        message_ids=[],
        attempts=1,
        created_at=now,
    )
    s.add(delivery)
    s.flush()
    return delivery
