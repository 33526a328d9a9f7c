"""Supervision notices (督办单): what one says about a task, issuing it under the year's next number, its
delivery to the departments' chats and their 收到.

A notice's figures are the status board's (services/status_board.py: the same colour, deciding deadline and
working days overdue as /overdue and the workbook on the same day). Its number is 督办〔year〕第N号, N unique
within the year of issue: the database's unique constraint decides, and a number taken by a concurrent
issue is retried with the next. Issuing and every 收到 write an audit row on the task, so /history and the
workbook's log show them. Each function that takes the database is one transaction and returns plain values;
those that take a session are the steps services/notice_drafts.py composes into its own transactions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from deadlines.policy import DONE, ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services import audit
from services.access import Identity
from services.letter_names import LetterNames, letter_names
from services.occurrences import letter_occurrences
from services.reminder_ledger import recipients_by_department
from services.status_board import task_statuses
from services.tasks import current_letter
from storage.db import Database
from storage.models import Contact, Department, Letter, Notice, NoticeRecipient, Task

PREFIX = "督办"  # the notices' own series: 督办〔2022〕第3号
DEFAULT_WORKDAYS = 3  # the reply is due this many working days after issue unless the office says otherwise
MAX_REQUIREMENT = 300
SERIAL_TRIES = 3
T = TypeVar("T")


class NoticeRefused(Exception):
    """No notice can be made as asked; `reason` is a key the handler turns into a short Chinese answer."""

    def __init__(self, reason: str, **details: object):
        super().__init__(reason)
        self.reason, self.details = reason, details


def notice_number(year: int, serial: int) -> str:
    return f"{PREFIX}〔{year}〕第{serial}号"


@dataclass(frozen=True)
class NoticeDoc:
    """Everything the document says (reports/documents/notice.py lays it out)."""

    names: LetterNames
    year: int  # of issue: the number's year
    serial: int
    code: str
    text: str
    departments: tuple[str, ...]
    colour: str | None  # the task's colour today (None: no dated deadline)
    due: date | None  # the deadline that decides the colour
    phrase: str | None  # that deadline's words in the letter
    overdue_workdays: int
    missed: tuple[date, ...]  # every deadline passed with nothing reported
    reply_by: date  # 办结时限
    requirement: str | None  # the office's own words, beyond the standard ones
    issued_on: date
    final: bool = True  # False: a preview, numbered with the next free number, given for real on issue

    @property
    def number(self) -> str:
        return notice_number(self.year, self.serial)


@dataclass(frozen=True)
class Recipient:
    id: int  # the NoticeRecipient row: its 收到 button names it
    chat_id: int
    department: str


@dataclass(frozen=True)
class Issued:
    notice_id: int
    doc: NoticeDoc
    recipients: tuple[Recipient, ...]
    unreached: tuple[str, ...]  # departments with no chat to send it to


# -- what a notice says ----------------------------------------------------------------------------


def find_task(session: Session, letter: Letter, code: str) -> Task:
    task = session.scalar(
        select(Task).where(Task.letter_id == letter.id, Task.code == code.strip(), Task.active.is_(True))
    )
    if task is None:
        raise NoticeRefused("no_task", code=code)
    if task.closed:
        raise NoticeRefused("closed", code=task.code)
    return task


def reply_by(today: date, calendar: WorkdayCalendar, phrase: str | None) -> date:
    """The 办结时限: a phrase read like any deadline (10月20日前, 5个工作日内), by default 3 working days."""
    if not (phrase or "").strip():
        return calendar.add_workdays(today, DEFAULT_WORKDAYS)
    from deadlines.phrases import DeadlineParseError, parse_deadline  # slow to import: loads when read

    try:
        parsed = parse_deadline(phrase or "", today, year=today.year, calendar=calendar)
    except DeadlineParseError as exc:
        raise NoticeRefused("bad_phrase", problem=str(exc)) from None
    if parsed.choices:
        raise NoticeRefused("ambiguous", phrase=phrase)
    if parsed.date is None or parsed.kind == "recurring":
        raise NoticeRefused("not_a_date", phrase=phrase)
    if parsed.date < today:
        raise NoticeRefused("past", phrase=phrase, day=parsed.date.isoformat())
    return parsed.date


def clean_requirement(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    if len(text) > MAX_REQUIREMENT:
        raise NoticeRefused("requirement_too_long", limit=MAX_REQUIREMENT)
    return text or None


def next_serial(session: Session, year: int) -> int:
    return (session.scalar(select(func.max(Notice.serial)).where(Notice.year == year)) or 0) + 1


def describe(
    session: Session,
    letter: Letter,
    task: Task,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    due_reply: date,
    requirement: str | None,
    final: bool,
) -> NoticeDoc:
    """The notice about `task` as of `today`; refused for a task already done (verified)."""
    facts = letter_occurrences(session, letter, [task.id])
    status = next(iter(task_statuses(facts, today, calendar, policy)), None)
    if status is not None and status.colour == DONE:
        raise NoticeRefused("done", code=task.code)
    due = status.due if status is not None else None
    return NoticeDoc(
        names=letter_names(letter),
        year=today.year,
        serial=next_serial(session, today.year),
        code=task.code,
        text=task.text,
        departments=tuple(d.name for d in task.departments),
        colour=status.colour if status is not None else None,
        due=due,
        phrase=next((f.phrase for f in facts if f.occurrence.due == due), None),
        overdue_workdays=status.overdue_workdays if status is not None else 0,
        missed=tuple(sorted({f.occurrence.due for f in facts if not f.reported and f.occurrence.due < today})),
        reply_by=due_reply,
        requirement=requirement,
        issued_on=today,
        final=final,
    )


def preview(
    db: Database,
    clock: Clock,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    code: str,
    phrase: str | None = None,
    requirement: str | None = None,
) -> NoticeDoc:
    """The notice as it would be issued now, numbered with the next free number; nothing is written."""
    today = clock.today()
    due_reply, words = reply_by(today, calendar, phrase), clean_requirement(requirement)
    with db.session() as session:
        letter = current_letter(session)
        return describe(
            session, letter, find_task(session, letter, code), today, calendar, policy, due_reply, words, False
        )


# -- issuing ---------------------------------------------------------------------------------------


def with_serial(db: Database, work: Callable[[Session], T]) -> T:
    """Run `work` in a transaction of its own, again when a concurrent issue took the same number."""
    for attempt in range(SERIAL_TRIES):
        try:
            with db.session() as session:
                return work(session)
        except IntegrityError:
            if attempt + 1 == SERIAL_TRIES:
                raise
    raise AssertionError("unreachable")


def _chats(session: Session, task: Task) -> tuple[list[tuple[Department, int, int]], list[str]]:
    """(department, chat, contact) of every reachable chat of the task's departments, each chat once; and
    the departments with none."""
    by_department = recipients_by_department(session)
    found: list[tuple[Department, int, int]] = []
    seen: set[int] = set()
    unreached = []
    for department in task.departments:
        chats = [(r.chat_id, c.id) for r, c in by_department.get(department.id, []) if c.reachable]
        if not chats:
            unreached.append(department.name)
        for chat_id, contact_id in chats:
            if chat_id not in seen:
                seen.add(chat_id)
                found.append((department, chat_id, contact_id))
    return found, unreached


def issue_in(
    session: Session,
    clock: Clock,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    actor: str,
    letter: Letter,
    task: Task,
    due_reply: date,
    requirement: str | None,
    deliver: bool,
) -> Issued:
    """Number and record the notice, with its audit row; with `deliver`, a planned recipient row for each
    reachable chat of the task's departments (the caller sends and records each outcome)."""
    today = clock.today()
    if due_reply < today:
        raise NoticeRefused("past", phrase=due_reply.isoformat(), day=due_reply.isoformat())
    doc = describe(session, letter, task, today, calendar, policy, due_reply, requirement, True)
    notice = Notice(
        letter_id=letter.id,
        task_id=task.id,
        year=doc.year,
        serial=doc.serial,
        departments=list(doc.departments),
        due=doc.due,
        overdue_workdays=doc.overdue_workdays,
        reply_by=due_reply,
        requirement=requirement,
        issued_at=clock.now(),
        issued_by=actor,
    )
    session.add(notice)
    session.flush()  # a number taken meanwhile fails here: with_serial tries the next
    recipients: list[Recipient] = []
    chats, unreached = _chats(session, task) if deliver else ([], [])
    for department, chat_id, contact_id in chats:
        row = NoticeRecipient(
            notice_id=notice.id, department_id=department.id, contact_id=contact_id, chat_id=chat_id, status="planned"
        )
        session.add(row)
        session.flush()
        recipients.append(Recipient(row.id, chat_id, department.name))
    after = {
        "letter": letter.code,
        "notice": doc.number,
        "departments": list(doc.departments),
        "due": doc.due.isoformat() if doc.due else None,
        "overdue_workdays": doc.overdue_workdays,
        "reply_by": due_reply.isoformat(),
        "requirement": requirement,
        "recipients": len(recipients),
    }
    audit.record(session, clock, actor, "notice.issue", "task", task.code, None, after)
    return Issued(notice.id, doc, tuple(recipients), tuple(unreached))


def issue(
    db: Database,
    clock: Clock,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    actor: str,
    code: str,
    phrase: str | None = None,
    requirement: str | None = None,
    deliver: bool = True,
) -> Issued:
    """`duban notice`: issue a notice at once (the chat previews first: services/notice_drafts.py)."""
    today = clock.today()
    due_reply, words = reply_by(today, calendar, phrase), clean_requirement(requirement)

    def work(session: Session) -> Issued:
        letter = current_letter(session)
        task = find_task(session, letter, code)
        return issue_in(session, clock, calendar, policy, actor, letter, task, due_reply, words, deliver)

    return with_serial(db, work)


def record_delivery(db: Database, clock: Clock, recipient_id: int, status: str, error: str | None = None) -> None:
    """What became of sending the notice to one chat: sent, blocked, failed or uncertain."""
    with db.session() as session:
        row = session.get(NoticeRecipient, recipient_id)
        if row is None:
            return
        row.status, row.error = status, error
        if status == "sent":
            row.sent_at = clock.now()


# -- 收到 ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Acknowledged:
    status: str  # ok | already | unknown | not_yours
    number: str = ""
    code: str = ""
    department: str = ""
    name: str = ""  # who pressed it, as the office knows them


def acknowledge(db: Database, clock: Clock, identity: Identity, recipient_id: int) -> Acknowledged:
    """收到 under a notice: recorded once, with an audit row on the task (who, which notice, which department)."""
    with db.session() as session:
        row = session.get(NoticeRecipient, recipient_id)
        if row is None:
            return Acknowledged("unknown")
        notice = session.get_one(Notice, row.notice_id)
        task = session.get_one(Task, notice.task_id)
        letter = session.get_one(Letter, notice.letter_id)
        department = session.get(Department, row.department_id) if row.department_id else None
        known = (notice_number(notice.year, notice.serial), task.code, department.name if department else "")
        if row.chat_id != identity.chat_id:
            return Acknowledged("not_yours", *known)
        name = session.scalar(
            select(Contact.display_name).where(Contact.user_id == identity.user_id).order_by(Contact.id).limit(1)
        ) or str(identity.user_id)
        if row.acknowledged_at is not None:
            return Acknowledged("already", *known, name)
        row.acknowledged_at, row.acknowledged_by = clock.now(), identity.user_id
        after = {"letter": letter.code, "notice": known[0], "department": known[2], "name": name}
        audit.record(session, clock, identity.actor, "notice.ack", "task", task.code, None, after)
        return Acknowledged("ok", *known, name)
