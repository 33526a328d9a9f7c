"""Reports on tasks, apart from writing one step by step (services/report_drafts.py): progress reports,
withdrawing, the drafts an exchange leaves behind, and the evidence files kept on disk.

Each public function is one transaction and returns plain values, never rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from services import audit
from services.access import Denied, Identity, require_bound, require_task_access
from services.letter_year import find_task
from services.quantities import Quantity, doubt, in_unit, too_large
from storage.db import Database
from storage.models import Conversation, Report

KIND = "report"  # the Conversation kind of a report being written


def _conversation(session: Session, identity: Identity) -> Conversation | None:
    return session.get(Conversation, (identity.chat_id, identity.user_id))


def discard_draft(session: Session, identity: Identity) -> bool:
    """Drop whatever exchange the person has in progress in this chat (a report draft is discarded)."""
    conv = _conversation(session, identity)
    if conv is None:
        return False
    report_id = conv.payload.get("report_id")
    report = session.get(Report, report_id) if conv.kind == KIND and report_id else None
    if report is not None and report.status == "draft":
        report.status = "discarded"
    session.delete(conv)
    session.flush()
    return True


def measure_value(target: dict, quantity: Quantity) -> float:
    value = in_unit(quantity, target["unit"])
    if value is None:
        raise Denied("wrong_unit", unit=target["unit"], given=quantity.unit)
    if too_large(quantity.value) or too_large(value):
        raise Denied("quantity_too_large", unit=target["unit"], example=f"{target['value']:g}")
    if value < 0:
        raise Denied("negative")
    return value


def evidence_kept(db: Database, report_id: int, unique_id: str, path: str) -> None:
    """A downloaded evidence file's place on disk, beside its file reference."""
    with db.session() as session:
        report = session.get(Report, report_id)
        if report is not None:
            report.evidence = [dict(e, path=path) if e["file_unique_id"] == unique_id else e for e in report.evidence]


def cancel(db: Database, identity: Identity) -> bool:
    with db.session() as session:
        return discard_draft(session, identity)


@dataclass(frozen=True)
class ProgressRecorded:
    report_id: int
    code: str
    measure: dict


def record_progress(
    db: Database, clock: Clock, identity: Identity, code: str, quantity: Quantity, confirmed: bool = False
) -> ProgressRecorded:
    """`/progress 3.1 600亩`: partial progress against the task's first target in that unit. A quantity far
    beyond the target or multiplied by its unit is recorded only `confirmed` (`/progress 3.1 958万亩 确认`)."""
    require_bound(identity)
    with db.session() as session:
        task = find_task(session, code, clock.today())
        require_task_access(session, identity, task, write=True)
        targets = task.targets or []
        if not targets:
            raise Denied("no_target", code=task.code)
        target = next((t for t in targets if in_unit(quantity, t["unit"]) is not None), targets[0])
        value = measure_value(target, quantity)
        why = doubt(quantity, value, target)
        if why is not None and not confirmed:
            given = f"{quantity.value:g}{quantity.unit or ''}"
            raise Denied(f"progress_{why}", code=task.code, given=given, value=f"{value:,.10g}", unit=target["unit"])
        measure = {
            "name": target["name"],
            "value": value,
            "unit": target["unit"],
            "target": target["value"],
            "rubric": target.get("rubric"),
        }
        report = Report(
            task_id=task.id,
            department_id=identity.department_id,
            contact_id=identity.contact_id,
            kind="progress",
            status="submitted",
            submitted_by=identity.user_id,
            submitted_at=clock.now(),
            evidence=[],
            measures=[measure],
        )
        session.add(report)
        session.flush()
        audit.record(session, clock, identity.actor, "report.progress", "report", report.id, None, snapshot(report))
        return ProgressRecorded(report.id, task.code, measure)


def withdraw(db: Database, clock: Clock, identity: Identity, report_id: int | None = None) -> tuple[int, str]:
    """Take back one's own department's latest (or the given) report that is not verified yet: (id, code)."""
    require_bound(identity)
    with db.session() as session:
        query = select(Report).where(Report.status == "submitted")
        if report_id is not None:
            query = query.where(Report.id == report_id)
        if not identity.is_admin:
            query = query.where(Report.department_id == identity.department_id)
        report = session.scalars(query.order_by(Report.submitted_at.desc(), Report.id.desc())).first()
        if report is None:
            raise Denied("nothing_to_withdraw")
        before = snapshot(report)
        report.status = "withdrawn"
        audit.record(session, clock, identity.actor, "report.withdraw", "report", report.id, before, snapshot(report))
        return report.id, report.task.code


def snapshot(report: Report) -> dict:
    """A report as its audit rows record it."""
    return {
        "task_id": report.task_id,
        "kind": report.kind,
        "status": report.status,
        "measures": report.measures,
        "note": report.note,
        "evidence": len(report.evidence or []),
        "occurrence_due": report.occurrence_due.isoformat() if report.occurrence_due else None,
    }
