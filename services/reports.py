"""Completion and progress reports: written step by step in the chat, submitted, verified or rejected.

A report being written is a `draft` Report row plus a Conversation row that says which step is next, so
nothing typed is lost to a restart. Steps: one `measure` per quantitative target (900 亩 of 958), or a
`yes` for a task without one; then an optional `note`; then `evidence` (photos, documents); `confirm`.
Every step moves the draft's `seq` on: a question's buttons carry its `key` ("<report id>.<seq>"), so only
the latest question of the latest draft acts (an older message's buttons are stale, pressed twice or not).

Each public function is one transaction and returns plain values (`DraftView`, ...), never rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from services import audit
from services.access import Denied, Identity, require_bound, require_task_access
from services.intents import ReportIntent
from services.occurrences import next_open_occurrence
from services.quantities import Quantity, in_unit
from services.tasks import current_letter
from storage.db import Database
from storage.models import Conversation, Report, Task

MEASURE, YES, NOTE, EVIDENCE, CONFIRM = "measure", "yes", "note", "evidence", "confirm"
KIND = "report"
MAX_EVIDENCE = 10
MAX_NOTE = 1000


@dataclass(frozen=True)
class DraftView:
    """A report being written, as the next question needs it."""

    report_id: int
    code: str
    task_text: str
    step: str
    seq: int
    target: dict | None  # the target the measure step asks about
    measures: tuple[dict, ...]
    note: str | None
    evidence: int

    @property
    def key(self) -> str:
        """Which question of which draft: what its buttons carry."""
        return f"{self.report_id}.{self.seq}"


@dataclass(frozen=True)
class Submitted:
    report_id: int
    code: str
    department: str | None


@dataclass
class _Draft:
    report: Report
    task: Task
    conversation: Conversation

    @property
    def step(self) -> str:
        return self.conversation.step

    @property
    def index(self) -> int:
        return int(self.conversation.payload.get("index", 0))

    @property
    def target(self) -> dict | None:
        targets = self.task.targets or []
        return targets[self.index] if self.step == MEASURE and self.index < len(targets) else None

    def view(self) -> DraftView:
        r = self.report
        return DraftView(
            r.id,
            self.task.code,
            self.task.text,
            self.step,
            int(self.conversation.payload.get("seq", 0)),
            self.target,
            tuple(r.measures or ()),
            r.note,
            len(r.evidence or []),
        )


def find_task(session: Session, code: str) -> Task:
    letter = current_letter(session)
    task = session.scalar(
        select(Task).where(Task.letter_id == letter.id, Task.code == code.strip(), Task.active.is_(True))
    )
    if task is None:
        raise Denied("no_task", code=code)
    return task


def _conversation(session: Session, identity: Identity) -> Conversation | None:
    return session.get(Conversation, (identity.chat_id, identity.user_id))


def _current(session: Session, identity: Identity) -> _Draft | None:
    conv = _conversation(session, identity)
    if conv is None or conv.kind != KIND:
        return None
    report = session.get(Report, conv.payload.get("report_id"))
    if report is None or report.status != "draft":
        session.delete(conv)
        return None
    return _Draft(report, report.task, conv)


def _move(clock: Clock, draft: _Draft, step: str, index: int = 0) -> _Draft:
    conv = draft.conversation
    seq = int(conv.payload.get("seq", 0)) + 1
    conv.step, conv.updated_at = step, clock.now()
    conv.payload = {"report_id": draft.report.id, "index": index, "seq": seq}
    return draft


def discard_draft(session: Session, identity: Identity) -> bool:
    """Drop whatever exchange the person has in progress in this chat (a report draft is discarded)."""
    conv = _conversation(session, identity)
    if conv is None:
        return False
    report = session.get(Report, conv.payload.get("report_id")) if conv.kind == KIND else None
    if report is not None and report.status == "draft":
        report.status = "discarded"
    session.delete(conv)
    session.flush()
    return True


def _start(session: Session, clock: Clock, identity: Identity, code: str) -> _Draft:
    """Begin a completion report on a task of the user's department (an earlier unfinished one is dropped)."""
    task = find_task(session, code)
    require_task_access(session, identity, task, write=True)
    discard_draft(session, identity)
    now = clock.now()
    report = Report(
        task_id=task.id,
        department_id=identity.department_id,
        contact_id=identity.contact_id,
        kind="completion",
        measures=[],
        evidence=[],
        status="draft",
        submitted_by=identity.user_id,
        submitted_at=now,
    )
    session.add(report)
    session.flush()
    conv = Conversation(
        chat_id=identity.chat_id,
        user_id=identity.user_id,
        kind=KIND,
        step=MEASURE if task.targets else YES,
        payload={"report_id": report.id, "index": 0, "seq": 0},
        updated_at=now,
    )
    session.add(conv)
    session.flush()
    return _Draft(report, task, conv)


def start(db: Database, clock: Clock, identity: Identity, code: str, intent: ReportIntent | None = None) -> DraftView:
    """A new report on `code`; a sentence ("3.1 完成 900亩") fills in what it says and goes to confirm."""
    require_bound(identity)
    with db.session() as session:
        draft = _start(session, clock, identity, code)
        if intent is not None:
            if draft.step == MEASURE and intent.quantity is not None:
                draft = _answer_measure(clock, draft, intent.quantity)
            elif draft.step == YES:
                draft = _move(clock, draft, NOTE)
            if draft.step in (NOTE, EVIDENCE):
                draft = _move(clock, draft, CONFIRM)
        return draft.view()


def current(db: Database, identity: Identity) -> DraftView | None:
    with db.session() as session:
        draft = _current(session, identity)
        return draft.view() if draft else None


def measure_value(target: dict, quantity: Quantity) -> float:
    value = in_unit(quantity, target["unit"])
    if value is None:
        raise Denied("wrong_unit", unit=target["unit"], given=quantity.unit)
    if value < 0:
        raise Denied("negative")
    return value


def _answer_measure(clock: Clock, draft: _Draft, quantity: Quantity) -> _Draft:
    target = draft.target
    assert target is not None  # the measure step always has a target
    value = measure_value(target, quantity)
    kept = [m for m in draft.report.measures if m["name"] != target["name"]]
    draft.report.measures = kept + [
        {
            "name": target["name"],
            "value": value,
            "unit": target["unit"],
            "target": target["value"],
            "rubric": target.get("rubric"),
        }
    ]
    if draft.index + 1 < len(draft.task.targets):
        return _move(clock, draft, MEASURE, draft.index + 1)
    return _move(clock, draft, NOTE)


def answer_measure(db: Database, clock: Clock, identity: Identity, quantity: Quantity) -> DraftView | None:
    """The typed quantity of the measure step; None when no report is waiting for one."""
    with db.session() as session:
        draft = _current(session, identity)
        if draft is None or draft.step != MEASURE:
            return None
        return _answer_measure(clock, draft, quantity).view()


def set_note(db: Database, clock: Clock, identity: Identity, note: str | None) -> DraftView | None:
    """The note step's answer (None: skipped); None when no report is waiting for one."""
    with db.session() as session:
        draft = _current(session, identity)
        if draft is None or draft.step != NOTE:
            return None
        draft.report.note = (note or "").strip()[:MAX_NOTE] or None
        return _move(clock, draft, EVIDENCE).view()


@dataclass(frozen=True)
class Pressed:
    """What a button of the report questions did: the next question, a submission, or nothing (stale)."""

    draft: DraftView | None = None
    submitted: Submitted | None = None
    cancelled: bool = False
    stale: bool = False


EXPECTED_STEP = {"yes": YES, "skip": NOTE, "fin": EVIDENCE, "ok": CONFIRM}


def press(db: Database, clock: Clock, identity: Identity, action: str, key: str) -> Pressed:
    """A button of the latest question: yes, skip (the note), fin (evidence done), ok (submit), x (cancel).
    A button of an older question, or one that does not fit the step, changes nothing."""
    with db.session() as session:
        draft = _current(session, identity)
        if (
            draft is None
            or (action in EXPECTED_STEP and draft.step != EXPECTED_STEP[action])
            or key != draft.view().key
        ):
            return Pressed(stale=True)
        if action == "x":
            discard_draft(session, identity)
            return Pressed(cancelled=True)
        if action == "ok":
            return Pressed(submitted=_submit(session, clock, identity, draft))
        next_step = {"yes": NOTE, "skip": EVIDENCE, "fin": CONFIRM}.get(action)
        if next_step is None:
            return Pressed(stale=True)
        if action == "skip":
            draft.report.note = None
        return Pressed(draft=_move(clock, draft, next_step).view())


def _submit(session: Session, clock: Clock, identity: Identity, draft: _Draft) -> Submitted:
    report = draft.report
    report.status, report.submitted_at = "submitted", clock.now()
    report.occurrence_due = next_open_occurrence(session, current_letter(session), draft.task.id)
    session.delete(draft.conversation)
    session.flush()
    audit.record(session, clock, identity.actor, "report.submit", "report", report.id, None, snapshot(report))
    return Submitted(report.id, draft.task.code, identity.department_name)


@dataclass(frozen=True)
class EvidenceAdded:
    draft: DraftView
    count: int
    report_id: int
    letter_id: int


def add_evidence(
    db: Database, clock: Clock, identity: Identity, item: dict, caption: str | None = None
) -> EvidenceAdded | None:
    """Keep one evidence file (the channel's file reference; `path` once downloaded). None when no report
    is at a step that takes evidence; the caption becomes the note when there is none yet."""
    with db.session() as session:
        draft = _current(session, identity)
        if draft is None or draft.step not in (NOTE, EVIDENCE, CONFIRM):
            return None
        if caption and not draft.report.note:
            draft.report.note = caption[:MAX_NOTE]
        evidence = list(draft.report.evidence or [])
        if len(evidence) >= MAX_EVIDENCE:
            raise Denied("too_much_evidence", limit=MAX_EVIDENCE)
        if not any(e["file_unique_id"] == item["file_unique_id"] for e in evidence):
            draft.report.evidence = evidence + [item]
        _move(clock, draft, EVIDENCE)
        return EvidenceAdded(draft.view(), len(draft.report.evidence), draft.report.id, draft.task.letter_id)


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


def record_progress(db: Database, clock: Clock, identity: Identity, code: str, quantity: Quantity) -> ProgressRecorded:
    """`/progress 3.1 600亩`: partial progress against the task's first target in that unit."""
    require_bound(identity)
    with db.session() as session:
        task = find_task(session, code)
        require_task_access(session, identity, task, write=True)
        targets = task.targets or []
        if not targets:
            raise Denied("no_target", code=task.code)
        target = next((t for t in targets if in_unit(quantity, t["unit"]) is not None), targets[0])
        value = measure_value(target, quantity)
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
