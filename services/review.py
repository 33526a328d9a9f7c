"""The office's review of reports: /pending with what each report says, 通过 (facts and follow-up
deadlines), 退回 with a reason asked for first. Each public function is one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from deadlines.workdays import WorkdayCalendar
from services import audit
from services.access import Denied, Identity, require_admin
from services.follow_ups import open_follow_ups
from services.reports import discard_draft, snapshot
from services.scoring_facts import record_report_facts
from services.tasks import current_letter
from storage.db import Database
from storage.models import Contact, Conversation, Department, Report, Task


@dataclass(frozen=True)
class Reviewed:
    """What a review did, for the answer to the office and the notice to the department."""

    report_id: int
    code: str
    department_id: int | None
    department: str | None  # None: reported by the office itself
    facts: dict  # sub-item id -> the facts recorded from the report
    follow_ups: list[tuple[str, str]]  # (phrase, ISO due date) of the deadlines the report opened


def _review(
    session: Session,
    clock: Clock,
    calendar: WorkdayCalendar,
    identity: Identity,
    report_id: int,
    approve: bool,
    reason: str | None,
) -> Reviewed:
    require_admin(identity)
    report = reviewable(session, report_id)
    before = snapshot(report)
    report.status = "verified" if approve else "rejected"
    report.reviewed_by, report.reviewed_at, report.review_note = identity.user_id, clock.now(), reason
    audit.record(
        session,
        clock,
        identity.actor,
        "report.verify" if approve else "report.reject",
        "report",
        report.id,
        before,
        snapshot(report),
    )
    facts: dict = {}
    follow_ups: list[tuple[str, str]] = []
    if approve:
        facts = record_report_facts(session, clock, identity, report)
        follow_ups = [
            (d.phrase or "", d.spec["date"]) for d in open_follow_ups(session, clock, calendar, identity, report)
        ]
    session.flush()
    department = _department_name(session, report.department_id)
    return Reviewed(report.id, report.task.code, report.department_id, department, facts, follow_ups)


def review(
    db: Database,
    clock: Clock,
    calendar: WorkdayCalendar,
    identity: Identity,
    report_id: int,
    approve: bool,
    reason: str | None = None,
) -> Reviewed:
    """通过 / 退回. Approving turns the report into scoring facts and opens follow-up deadlines."""
    with db.session() as session:
        return _review(session, clock, calendar, identity, report_id, approve, reason)


def reviewable(session: Session, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise Denied("no_report", report_id=report_id)
    if report.status != "submitted":
        raise Denied("already_reviewed", status=report.status)
    return report


def ask_reject_reason(db: Database, clock: Clock, identity: Identity, report_id: int) -> str:
    """退回 first asks why: the admin's next message completes the rejection. Returns the task's code."""
    require_admin(identity)
    with db.session() as session:
        report = reviewable(session, report_id)
        discard_draft(session, identity)
        session.add(
            Conversation(
                chat_id=identity.chat_id,
                user_id=identity.user_id,
                kind="reject",
                step="reason",
                payload={"report_id": report_id},
                updated_at=clock.now(),
            )
        )
        return report.task.code


def reject_with_reason(
    db: Database, clock: Clock, calendar: WorkdayCalendar, identity: Identity, reason: str
) -> Reviewed | None:
    """The admin's reply after 退回: the rejection is recorded. None when no rejection was waiting."""
    with db.session() as session:
        conv = session.get(Conversation, (identity.chat_id, identity.user_id))
        if conv is None or conv.kind != "reject":
            return None
        report_id = int(conv.payload["report_id"])
        session.delete(conv)
        session.flush()
        return _review(session, clock, calendar, identity, report_id, approve=False, reason=reason)


@dataclass(frozen=True)
class PendingReport:
    """A report awaiting verification, with what the office needs to judge it."""

    id: int
    code: str
    task_text: str
    department: str | None
    submitter: str
    submitted_at: datetime
    measures: tuple[dict, ...]
    occurrence_due: date | None
    note: str | None
    evidence: tuple[dict, ...]


def pending_views(db: Database, identity: Identity, limit: int) -> tuple[list[PendingReport], int]:
    """The first `limit` reports awaiting verification (oldest first), and how many wait in all: one page
    read with its task, department and contact in one query, and a count; never the whole queue."""
    require_admin(identity)
    with db.session() as session:
        letter = current_letter(session)
        waiting = (Task.letter_id == letter.id, Report.status == "submitted")
        total = session.scalar(
            select(func.count()).select_from(Report).join(Task, Task.id == Report.task_id).where(*waiting)
        )
        rows = session.execute(
            select(Report, Task.code, Task.text, Department.name, Contact.display_name)
            .join(Task, Task.id == Report.task_id)
            .outerjoin(Department, Department.id == Report.department_id)
            .outerjoin(Contact, Contact.id == Report.contact_id)
            .where(*waiting)
            .order_by(Report.submitted_at, Report.id)
            .limit(limit)
        )
        shown = [
            PendingReport(
                r.id,
                code,
                text,
                department,
                who or str(r.submitted_by),
                r.submitted_at,
                tuple(r.measures or ()),
                r.occurrence_due,
                r.note,
                tuple(r.evidence or ()),
            )
            for r, code, text, department, who in rows
        ]
        return shown, int(total or 0)


def _department_name(session: Session, department_id: int | None) -> str | None:
    department = session.get(Department, department_id) if department_id else None
    return department.name if department else None
