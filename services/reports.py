"""Completion and progress reports: written step by step in the chat, submitted, verified or rejected.

A report being written is a `draft` Report row plus a Conversation row that says which step is next, so
nothing typed is lost to a restart. Steps: one `measure` per quantitative target (900 亩 of 958), or a
`yes` for a task without one; then an optional `note`; then `evidence` (photos, documents); `confirm`.
"""
from __future__ import annotations

from dataclasses import dataclass
from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from storage.models import Contact, Conversation, Department, Report, Task
from services import audit
from services.access import Denied, Identity, require_admin, require_task_access
from services.quantities import Quantity, in_unit
from services.occurrences import next_open_occurrence
from services.tasks import current_letter

MEASURE, YES, NOTE, EVIDENCE, CONFIRM = "measure", "yes", "note", "evidence", "confirm"
MAX_EVIDENCE = 10
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024  # bots may download files up to 20 MB


@dataclass
class Draft:
    report: Report
    task: Task
    step: str
    index: int  # which target the measure step asks about
    prompt_id: int | None = None  # the chat message whose buttons answer the current step

    @property
    def target(self) -> dict | None:
        targets = self.task.targets or []
        return targets[self.index] if self.step == MEASURE and self.index < len(targets) else None


def find_task(session: Session, code: str) -> Task:
    letter = current_letter(session)
    task = session.scalar(select(Task).where(Task.letter_id == letter.id, Task.code == code.strip(),
                                             Task.active.is_(True)))
    if task is None:
        raise Denied("no_task", code=code)
    return task


def _conversation(session: Session, identity: Identity) -> Conversation | None:
    return session.get(Conversation, (identity.chat_id, identity.user_id))


def current_draft(session: Session, identity: Identity) -> Draft | None:
    conv = _conversation(session, identity)
    if conv is None or conv.kind != "report":
        return None
    report = session.get(Report, conv.payload.get("report_id"))
    if report is None or report.status != "draft":
        session.delete(conv)
        return None
    return Draft(report, report.task, conv.step, conv.payload.get("index", 0), conv.payload.get("prompt"))


def _move(session: Session, clock: Clock, identity: Identity, draft: Draft, step: str, index: int = 0) -> Draft:
    conv = _conversation(session, identity)
    conv.step, conv.payload, conv.updated_at = step, {"report_id": draft.report.id, "index": index}, clock.now()
    draft.step, draft.index = step, index
    return draft


def remember_prompt(session: Session, identity: Identity, message_id: int) -> None:
    """Only the latest question's buttons act: an older message's buttons are stale, pressed twice or not."""
    conv = _conversation(session, identity)
    if conv is not None and conv.kind == "report":
        conv.payload = dict(conv.payload, prompt=message_id)


def discard_draft(session: Session, identity: Identity) -> bool:
    conv = _conversation(session, identity)
    if conv is None:
        return False
    report = session.get(Report, conv.payload.get("report_id")) if conv.kind == "report" else None
    if report is not None and report.status == "draft":
        report.status = "discarded"
    session.delete(conv)
    session.flush()
    return True


def start_draft(session: Session, clock: Clock, identity: Identity, code: str) -> Draft:
    """Begin a completion report on a task of the user's department (an earlier unfinished one is dropped)."""
    task = find_task(session, code)
    require_task_access(session, identity, task, write=True)
    discard_draft(session, identity)
    now = clock.now()
    report = Report(task_id=task.id, department_id=identity.department_id, contact_id=identity.contact_id,
                    kind="completion", measures=[], evidence=[], status="draft", submitted_by=identity.user_id,
                    submitted_at=now)
    session.add(report)
    session.flush()
    session.add(Conversation(chat_id=identity.chat_id, user_id=identity.user_id, kind="report",
                             step=MEASURE if task.targets else YES, payload={"report_id": report.id, "index": 0},
                             updated_at=now))
    session.flush()
    return Draft(report, task, MEASURE if task.targets else YES, 0)


def measure_value(target: dict, quantity: Quantity) -> float:
    value = in_unit(quantity, target["unit"])
    if value is None:
        raise Denied("wrong_unit", unit=target["unit"], given=quantity.unit)
    if value < 0:
        raise Denied("negative")
    return value


def answer_measure(session: Session, clock: Clock, identity: Identity, draft: Draft, quantity: Quantity) -> Draft:
    target = draft.target
    value = measure_value(target, quantity)
    draft.report.measures = [m for m in draft.report.measures if m["name"] != target["name"]] + [{
        "name": target["name"], "value": value, "unit": target["unit"], "target": target["value"],
        "rubric": target.get("rubric")}]
    if draft.index + 1 < len(draft.task.targets):
        return _move(session, clock, identity, draft, MEASURE, draft.index + 1)
    return _move(session, clock, identity, draft, NOTE)


def answer_yes(session: Session, clock: Clock, identity: Identity, draft: Draft) -> Draft:
    return _move(session, clock, identity, draft, NOTE)


def set_note(session: Session, clock: Clock, identity: Identity, draft: Draft, note: str | None) -> Draft:
    draft.report.note = (note or "").strip()[:1000] or None
    return _move(session, clock, identity, draft, EVIDENCE)


def add_evidence(session: Session, clock: Clock, identity: Identity, draft: Draft, item: dict) -> int:
    """Keep one evidence file (its Telegram file id; `path` once downloaded). Returns how many there are."""
    if len(draft.report.evidence) >= MAX_EVIDENCE:
        raise Denied("too_much_evidence", limit=MAX_EVIDENCE)
    if any(e["file_unique_id"] == item["file_unique_id"] for e in draft.report.evidence):
        return len(draft.report.evidence)
    draft.report.evidence = list(draft.report.evidence) + [item]
    _move(session, clock, identity, draft, EVIDENCE)
    return len(draft.report.evidence)


def to_confirm(session: Session, clock: Clock, identity: Identity, draft: Draft) -> Draft:
    return _move(session, clock, identity, draft, CONFIRM)


def submit(session: Session, clock: Clock, identity: Identity, draft: Draft) -> Report:
    report = draft.report
    report.status, report.submitted_at = "submitted", clock.now()
    report.occurrence_due = next_open_occurrence(session, current_letter(session), draft.task.id)
    conv = _conversation(session, identity)
    if conv is not None:
        session.delete(conv)
    session.flush()
    audit.record(session, clock, f"tg:{identity.user_id}", "report.submit", "report", report.id, None,
                 _snapshot(report))
    return report


def record_progress(session: Session, clock: Clock, identity: Identity, code: str, quantity: Quantity) -> Report:
    """`/progress 3.1 600亩`: partial progress against the task's first target in that unit."""
    task = find_task(session, code)
    require_task_access(session, identity, task, write=True)
    targets = task.targets or []
    if not targets:
        raise Denied("no_target", code=task.code)
    target = next((t for t in targets if in_unit(quantity, t["unit"]) is not None), targets[0])
    value = measure_value(target, quantity)
    report = Report(task_id=task.id, department_id=identity.department_id, contact_id=identity.contact_id,
                    kind="progress", status="submitted", submitted_by=identity.user_id, submitted_at=clock.now(),
                    evidence=[], measures=[{"name": target["name"], "value": value, "unit": target["unit"],
                                            "target": target["value"], "rubric": target.get("rubric")}])
    session.add(report)
    session.flush()
    audit.record(session, clock, f"tg:{identity.user_id}", "report.progress", "report", report.id, None,
                 _snapshot(report))
    return report


def withdraw(session: Session, clock: Clock, identity: Identity, report_id: int | None = None) -> Report:
    """Take back one's own department's latest (or the given) report that is not verified yet."""
    query = select(Report).where(Report.status == "submitted")
    if report_id is not None:
        query = query.where(Report.id == report_id)
    if not identity.is_admin:
        query = query.where(Report.department_id == identity.department_id)
    report = session.scalars(query.order_by(Report.submitted_at.desc(), Report.id.desc())).first()
    if report is None:
        raise Denied("nothing_to_withdraw")
    before = _snapshot(report)
    report.status = "withdrawn"
    audit.record(session, clock, f"tg:{identity.user_id}", "report.withdraw", "report", report.id, before,
                 _snapshot(report))
    return report


def pending(session: Session) -> list[Report]:
    letter = current_letter(session)
    return list(session.scalars(select(Report).join(Task).where(Task.letter_id == letter.id,
                                                                Report.status == "submitted")
                                .order_by(Report.submitted_at, Report.id)))


@dataclass(frozen=True)
class Reviewed:
    """What a review did, for the answer to the office and the notice to the department."""

    report: Report
    code: str
    department_id: int | None
    department: str
    facts: dict  # sub-item id -> the facts recorded from the report
    follow_ups: list  # (phrase, due date) of the deadlines the report opened


def review(session: Session, clock: Clock, calendar, identity: Identity, report_id: int, approve: bool,
           reason: str | None = None) -> Reviewed:
    """通过 / 退回. Approving turns the report into scoring facts and opens follow-up deadlines."""
    require_admin(identity)
    report = reviewable(session, report_id)
    before = _snapshot(report)
    report.status = "verified" if approve else "rejected"
    report.reviewed_by, report.reviewed_at, report.review_note = identity.user_id, clock.now(), reason
    audit.record(session, clock, f"tg:{identity.user_id}", "report.verify" if approve else "report.reject",
                 "report", report.id, before, _snapshot(report))
    facts, follow_ups = {}, []
    if approve:
        from services.follow_ups import open_follow_ups
        from services.scoring_facts import record_report_facts

        facts = record_report_facts(session, clock, identity, report)
        follow_ups = [(d.phrase, d.spec["date"]) for d in open_follow_ups(session, clock, calendar, identity, report)]
    session.flush()
    department = session.get(Department, report.department_id).name if report.department_id else "美丽办"
    return Reviewed(report, report.task.code, report.department_id, department, facts, follow_ups)


def reviewable(session: Session, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise Denied("no_report", report_id=report_id)
    if report.status != "submitted":
        raise Denied("already_reviewed", status=report.status)
    return report


def ask_reject_reason(session: Session, clock: Clock, identity: Identity, report_id: int) -> Report:
    """退回 first asks why: the admin's next message completes the rejection (services state, not memory)."""
    require_admin(identity)
    report = reviewable(session, report_id)
    session.merge(Conversation(chat_id=identity.chat_id, user_id=identity.user_id, kind="reject", step="reason",
                               payload={"report_id": report_id}, updated_at=clock.now()))
    return report


def pending_views(session: Session) -> list[tuple[Report, str, str]]:
    """Reports awaiting verification, with their department and who submitted them."""
    views = []
    for r in pending(session):
        dep = session.get(Department, r.department_id).name if r.department_id else "美丽办"
        who = session.scalar(select(Contact.display_name).where(Contact.id == r.contact_id)) or str(r.submitted_by)
        views.append((r, dep, who))
    return views


def _snapshot(report: Report) -> dict:
    return {"task_id": report.task_id, "kind": report.kind, "status": report.status, "measures": report.measures,
            "note": report.note, "evidence": len(report.evidence or []),
            "occurrence_due": report.occurrence_due.isoformat() if report.occurrence_due else None}
