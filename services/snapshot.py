"""Everything an office report shows, read from the database in one place: the letter, every task with its
colour and latest report, the score, the departments and a stretch of the audit log.

The workbook, the charts and the weekly report (reports/) are built from a `Snapshot`, never from the
database, so each is a pure function of it (and the tests can build one by hand). The dataclasses live
here, with the reading, so that reports/ needs no database to know their shape.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services.letter_year import letter_for
from services.occurrences import OccurrenceFacts, letter_occurrences
from services.scoring_facts import Standing, standing
from services.status_board import TaskStatus, task_statuses
from services.tasks import TaskView, departments, list_tasks
from storage.db import Database
from storage.models import AuditEntry, Contact, Department, Item, Letter, Report, Task

HIDDEN_REPORT_STATES = ("draft", "discarded")
STREAM_ROWS = 2000  # rows fetched at a time where a year of rows is read and not kept


@dataclass(frozen=True)
class LetterInfo:
    code: str
    year: int
    title: str
    document_no: str | None
    issued_on: date | None
    issuer: str | None
    goals: str | None


@dataclass(frozen=True)
class LatestReport:
    id: int
    kind: str  # completion | progress
    status: str  # submitted | verified | rejected | withdrawn
    submitted_at: datetime  # local time, naive (what a spreadsheet shows)
    reviewed_at: datetime | None
    note: str | None
    evidence: int
    measures: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class TaskRow:
    view: TaskView
    status: TaskStatus | None  # None: the task is closed
    latest: LatestReport | None


@dataclass(frozen=True)
class AuditRow:
    at: datetime  # local time, naive
    actor: str
    who: str  # the person behind a tg: actor, when known
    action: str
    entity: str
    entity_id: str
    # Before and after as stored (JSON text, or None): the workbook writes them as text, so 400,000 of them
    # a year are not decoded only to be encoded again; decoded on request below.
    before_json: str | None
    after_json: str | None

    @property
    def before(self) -> dict[str, Any] | None:
        return json.loads(self.before_json) if self.before_json is not None else None

    @property
    def after(self) -> dict[str, Any] | None:
        return json.loads(self.after_json) if self.after_json is not None else None


@dataclass(frozen=True)
class Snapshot:
    letter: LetterInfo
    today: date
    tasks: tuple[TaskRow, ...]
    standing: Standing
    departments: tuple[tuple[str, str, tuple[str, ...]], ...]  # (name, level, aliases)
    audit: Collection[AuditRow]  # an AuditLog, read as it is walked (or a tuple, built by hand)
    audit_from: date
    audit_to: date
    sections: dict[int, str]  # the letter's sections (一 .. 七) as its items state them
    occurrences: tuple[tuple[date, date | None], ...]  # (due, verified on) of every deadline occurrence


def _local(moment: datetime, tz: tzinfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def _latest_reports(session: Session, letter: Letter, tz: tzinfo) -> dict[str, LatestReport]:
    """Each task's latest report (by submission, then id). The database picks them: a year of reports at ten
    times the usual use is 100,000 rows, with notes and evidence lists, for about a hundred tasks."""
    ranked = (
        select(
            Report.id,
            func.row_number()
            .over(partition_by=Report.task_id, order_by=(Report.submitted_at.desc(), Report.id.desc()))
            .label("rank"),
        )
        .join(Task, Task.id == Report.task_id)
        .where(Task.letter_id == letter.id, Report.status.notin_(HIDDEN_REPORT_STATES))
        .subquery()
    )
    rows = session.execute(
        select(
            Task.code,
            Report.id,
            Report.kind,
            Report.status,
            Report.submitted_at,
            Report.reviewed_at,
            Report.note,
            Report.evidence,
            Report.measures,
        )
        .join(Task, Task.id == Report.task_id)
        .join(ranked, (ranked.c.id == Report.id) & (ranked.c.rank == 1))
        .order_by(Task.code)
    )
    return {
        code: LatestReport(
            rid,
            kind,
            status,
            _local(submitted_at, tz),
            _local(reviewed_at, tz) if reviewed_at is not None else None,
            note,
            len(evidence or []),
            tuple(measures or ()),
        )
        for code, rid, kind, status, submitted_at, reviewed_at, note, evidence, measures in rows
    }


def _occurrence_days(
    session: Session, letter: Letter, facts: list[OccurrenceFacts], tz: tzinfo
) -> tuple[tuple[date, date | None], ...]:
    """Every deadline occurrence of the year: (due day, the day a verified report answered it, or None).
    The earliest review per task and occurrence is found by the database (a year of verified reports is
    70,000 rows at ten times the usual use; the earliest instant is also the earliest local day)."""
    reviewed: dict[int, list[tuple[date | None, date]]] = defaultdict(list)
    for task_id, covers, at in session.execute(
        select(Report.task_id, Report.occurrence_due, func.min(Report.reviewed_at))
        .join(Task, Task.id == Report.task_id)
        .where(Task.letter_id == letter.id, Report.status == "verified", Report.kind == "completion")
        .group_by(Report.task_id, Report.occurrence_due)
    ):
        if at is not None:
            reviewed[task_id].append((covers, at.astimezone(tz).date()))
    result = []
    for f in facts:
        due, done = f.occurrence.due, None
        if f.verified:
            days = [day for covers, day in reviewed[f.task.id] if covers is None or covers == due]
            done = min(days) if days else None
        result.append((due, done))
    return tuple(sorted(result, key=lambda x: (x[0], x[1] or date.max)))


def _people(session: Session) -> dict[str, str]:
    """The person behind each tg: actor, with the department in brackets when known."""
    people = {}
    deps = {d.id: d.name for d in session.scalars(select(Department))}
    for c in session.scalars(select(Contact).where(Contact.user_id.is_not(None))):
        name = c.display_name or str(c.user_id)
        people[f"tg:{c.user_id}"] = f"{name}({deps[c.department_id]})" if c.department_id in deps else name
    return people


class AuditLog:
    """The audit log from `start` to `end` as it stood when the snapshot was taken, read from the database
    each time it is walked: a year at ten times the usual use is 210,000 rows with their before and after, so
    it is streamed into the workbook, never held whole. `len()` was counted with the snapshot."""

    def __init__(self, session: Session, start: date, end: date, tz: tzinfo):
        bind = session.get_bind()
        assert isinstance(bind, Engine)
        self.engine, self.tz = bind, tz
        low = datetime.combine(start, time.min, tz)
        high = datetime.combine(end + timedelta(days=1), time.min, tz)
        last = session.scalar(select(func.max(AuditEntry.id))) or 0  # rows written later are not in it
        self.where = (AuditEntry.at >= low, AuditEntry.at < high, AuditEntry.id <= last)
        self.count = session.scalar(select(func.count(AuditEntry.id)).where(*self.where)) or 0
        self.people = _people(session)

    def __len__(self) -> int:
        return self.count

    def __contains__(self, row: object) -> bool:
        return any(row == mine for mine in self)

    def __iter__(self) -> Iterator[AuditRow]:
        columns = (
            AuditEntry.at,
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.entity,
            AuditEntry.entity_id,
            cast(AuditEntry.before, Text),
            cast(AuditEntry.after, Text),
        )
        query = select(*columns).where(*self.where).order_by(AuditEntry.at, AuditEntry.id)
        with self.engine.connect() as conn:  # plain rows, no ORM: a year of them, read once
            for at, actor, action, entity, entity_id, before, after in conn.execution_options(
                yield_per=STREAM_ROWS
            ).execute(query):
                yield AuditRow(
                    _local(at, self.tz),
                    actor,
                    self.people.get(actor, ""),
                    action,
                    entity,
                    entity_id,
                    _stored_json(before),
                    _stored_json(after),
                )


def _stored_json(text: str | None) -> str | None:
    """A JSON column read as text: SQL NULL and a stored JSON null are both None."""
    return None if text is None or text == "null" else text


def collect(
    session: Session,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    tz: tzinfo,
    audit_from: date | None = None,
    audit_to: date | None = None,
) -> Snapshot:
    """Today's letter (services/letter_year.py) as the office sees it today; the audit log from `audit_from`
    to `audit_to` (inclusive, local days; default: the letter year). Raises services.tasks.NoLetter."""
    letter = letter_for(session, today)
    facts = letter_occurrences(session, letter)
    # once the year is over nothing is counted overdue past its last day, as in /tasks and /score
    counted_on = min(today, date(letter.year, 12, 31))
    statuses = {s.code: s for s in task_statuses(facts, counted_on, calendar, policy)}
    latest = _latest_reports(session, letter, tz)
    rows = tuple(TaskRow(v, statuses.get(v.id), latest.get(v.id)) for v in list_tasks(session, letter))
    start = audit_from or date(letter.year, 1, 1)
    end = audit_to or date(letter.year, 12, 31)
    # county before city, in the order they were loaded: as the letter lists them
    known = tuple((d.name, d.level, tuple(d.aliases or ())) for d in departments(session))
    info = LetterInfo(
        letter.code, letter.year, letter.title, letter.document_no, letter.issued_on, letter.issuer, letter.goals
    )
    sections = {
        no: title
        for no, title in session.execute(
            select(Item.section_no, Item.section_title).where(Item.letter_id == letter.id).order_by(Item.no)
        )
    }
    return Snapshot(
        info,
        today,
        rows,
        standing(session, today, calendar, policy),
        known,
        AuditLog(session, start, end, tz),
        start,
        end,
        sections,
        _occurrence_days(session, letter, facts, tz),
    )


def take(
    db: Database,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    tz: tzinfo,
    audit_from: date | None = None,
    audit_to: date | None = None,
) -> Snapshot:
    """`collect` in a session of its own, for callers that hold the database rather than a session (the
    snapshot is plain data, so it outlives the session)."""
    with db.session() as session:
        return collect(session, today, calendar, policy, tz, audit_from, audit_to)
