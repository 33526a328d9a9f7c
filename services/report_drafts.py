"""A completion report written from a phone: a `draft` Report row plus a Conversation row saying which
question is open, so nothing typed is lost to a restart.

The questions, in as few steps as the task allows: `measure` for the quantitative targets still open
(several answered in one message, "900 800", in the order shown); then `confirm`, the summary of everything
that will be recorded, where photos and documents are added (an album at once; a caption is the note) and
a typed text adds to the note, until 确认上报. A quantity far beyond its target, or multiplied by its unit
("958万亩"), is first shown back at `check` (数量无误, or typed again). A task without a quantity goes
straight to `confirm`: the tap on 已完成 or /done already said it was done. Files sent in reply to a reminder listing several tasks
wait at `pick` for the task they belong to (services/report_files.py takes the files). Nothing is submitted
before the confirmation.

Every step moves the conversation's `seq` on: a question's buttons carry its key ("<report id>.<seq>",
"p<seq>" while picking), so only the latest question acts. Each public function taking a `db` is one
transaction and returns plain values; those taking a session are the steps report_files.py shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from deadlines.clock import Clock
from services import audit
from services.access import Denied, Identity, require_bound, require_task_access
from services.intents import ReportIntent
from services.letter_year import find_task
from services.occurrences import next_open_occurrence
from services.quantities import Quantity, doubt, parse_quantity
from services.reports import KIND, discard_draft, measure_value, snapshot
from storage.db import Database
from storage.models import Conversation, Letter, Reminder, Report, Task

MEASURE, CONFIRM, PICK, CHECK = "measure", "confirm", "pick", "check"
LEGACY = ("yes", "note", "evidence")  # the steps of drafts begun before there were two: read as confirm
MAX_EVIDENCE = 10
# A note is kept whole: Telegram splits a long paste into messages of 4096 characters, each added to the note;
# only what passes this (a book, not a note) is cut, and the answer says so (handlers/report_flow.py).
MAX_NOTE = 20_000
_SEPARATORS = re.compile(r"[\s,,、;;/]+")
_UNIT_AFTER_SPACE = re.compile(r"(?<=\d)\s+(?=[^\d\s,,、;;/])")


def read_measures(text: str) -> list[Quantity] | None:
    """ "900 800", "900亩,800亩", "900 亩 800 亩": the quantities in order; None when any part is not one."""
    parts = [p for p in _SEPARATORS.split(_UNIT_AFTER_SPACE.sub("", text.strip())) if p]
    quantities = [parse_quantity(p) for p in parts]
    if not quantities or any(q is None for q in quantities):
        return None
    return [q for q in quantities if q is not None]


@dataclass(frozen=True)
class DraftView:
    """A report being written, as its next question needs it."""

    report_id: int
    code: str
    task_text: str
    step: str
    seq: int
    targets: tuple[dict, ...]  # the targets still to answer, the first one asked first (measure step)
    measures: tuple[dict, ...]
    note: str | None
    evidence: int
    occurrence_due: date | None = None  # the deadline occurrence the report will answer (recurring tasks)
    doubts: tuple[dict, ...] = ()  # check step: the quantities to confirm or type again (name, value, given, why)

    @property
    def key(self) -> str:
        """Which question of which draft: what its buttons carry."""
        return f"{self.report_id}.{self.seq}"

    @property
    def target(self) -> dict | None:
        return self.targets[0] if self.targets else None


@dataclass(frozen=True)
class PickView:
    """Files in reply to a reminder of several tasks: which task they are for."""

    seq: int
    tasks: tuple[tuple[int, str, str], ...]  # (task id, code, text)
    evidence: int

    @property
    def key(self) -> str:
        return f"p{self.seq}"


@dataclass(frozen=True)
class Submitted:
    report_id: int
    code: str
    department: str | None


@dataclass(frozen=True)
class Pressed:
    """What a button of the report questions did: the next question, a submission, or nothing (stale)."""

    draft: DraftView | None = None
    submitted: Submitted | None = None
    cancelled: bool = False
    stale: bool = False
    needs_evidence: bool = False  # 确认上报 without evidence where the office requires it


@dataclass
class Draft:
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
    def key(self) -> str:
        return f"{self.report.id}.{int(self.conversation.payload.get('seq', 0))}"

    def view(self, session: Session) -> DraftView:
        r, step = self.report, self.step
        due = None
        if step == CONFIRM:  # shown, so the confirmation says everything that will be recorded
            due = next_open_occurrence(session, session.get_one(Letter, self.task.letter_id), self.task.id)
        return DraftView(
            r.id,
            self.task.code,
            self.task.text,
            step,
            int(self.conversation.payload.get("seq", 0)),
            tuple((self.task.targets or [])[self.index :]) if step == MEASURE else (),
            tuple(r.measures or ()),
            r.note,
            len(r.evidence or []),
            due,
            tuple(self.conversation.payload.get("doubts", [])) if step == CHECK else (),
        )


def conversation_of(session: Session, identity: Identity) -> Conversation | None:
    conv = session.get(Conversation, (identity.chat_id, identity.user_id))
    return conv if conv is not None and conv.kind == KIND else None


def draft_of(session: Session, identity: Identity) -> Draft | None:
    conv = conversation_of(session, identity)
    if conv is None or conv.step == PICK:
        return None
    report = session.get(Report, conv.payload.get("report_id"))
    if report is None or report.status != "draft":
        session.delete(conv)
        return None
    if conv.step in LEGACY:
        conv.step = CONFIRM
    return Draft(report, report.task, conv)


def move(clock: Clock, draft: Draft, step: str, index: int = 0, check: dict | None = None) -> Draft:
    """The next question. At `check`, `check` holds the doubts and where to resume (kept when the same
    question is asked again, e.g. after a photo)."""
    conv = draft.conversation
    old = conv.payload
    seq = int(old.get("seq", 0)) + 1
    conv.step, conv.updated_at = step, clock.now()
    payload = {"report_id": draft.report.id, "index": index, "seq": seq}
    if step == CHECK:
        payload |= check or {"doubts": old.get("doubts", []), "resume": old.get("resume", index)}
    conv.payload = payload
    return draft


def begin_draft(session: Session, clock: Clock, identity: Identity, task: Task) -> Draft:
    """A new draft on `task` (an earlier unfinished one is dropped)."""
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
        step=MEASURE if task.targets else CONFIRM,
        payload={"report_id": report.id, "index": 0, "seq": 0},
        updated_at=now,
    )
    session.add(conv)
    session.flush()
    return Draft(report, task, conv)


def start(db: Database, clock: Clock, identity: Identity, code: str, intent: ReportIntent | None = None) -> DraftView:
    """A new report on `code` (this year's letter); a sentence ("3.1 完成 900亩") fills in what it says."""
    require_bound(identity)
    with db.session() as session:
        draft = begin_draft(session, clock, identity, find_task(session, code, clock.today()))
        if intent is not None and intent.quantity is not None and draft.step == MEASURE:
            draft = fill_measures(clock, draft, [intent.quantity])
        return draft.view(session)


def start_from_reminder(db: Database, clock: Clock, identity: Identity, reminder_id: int) -> DraftView:
    """已完成 under a reminder: a report on that reminder's task, of whichever year's letter it belongs to."""
    require_bound(identity)
    with db.session() as session:
        reminder = session.get(Reminder, reminder_id)
        if reminder is None:
            raise Denied("generic")
        return begin_draft(session, clock, identity, reminder.task).view(session)


def current(db: Database, identity: Identity) -> DraftView | PickView | None:
    """The open question: a draft's, or which task held files are for; None when no report is written."""
    with db.session() as session:
        draft = draft_of(session, identity)
        if draft is not None:
            return draft.view(session)
        conv = conversation_of(session, identity)
        return pick_view(conv) if conv is not None and conv.step == PICK else None


def pick_view(conv: Conversation) -> PickView:
    p = conv.payload
    return PickView(int(p.get("seq", 0)), tuple(tuple(t) for t in p.get("tasks", [])), len(p.get("evidence", [])))


def fill_measures(clock: Clock, draft: Draft, quantities: list[Quantity]) -> Draft:
    """Fill in the open targets in order, one quantity each; then the confirmation, or first the check
    when a quantity is implausible (far beyond its target, or multiplied by its unit)."""
    targets = draft.task.targets or []
    if draft.step == CHECK:  # numbers typed at the check: the doubted ones again, from the first of them
        retype(clock, draft)
    if len(quantities) > len(targets) - draft.index:
        raise Denied("too_many_numbers", n=len(targets) - draft.index)
    doubts: list[dict] = []
    first = draft.index
    for quantity in quantities:
        target = targets[draft.index]
        value = measure_value(target, quantity)
        why = doubt(quantity, value, target)
        if why is not None:
            first = draft.index if not doubts else first
            given = f"{quantity.value:g}{quantity.unit or ''}"
            doubts.append(
                {"name": target["name"], "value": value, "unit": target["unit"], "target": target["value"]}
                | {"given": given, "why": why}
            )
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
        index = draft.index + 1
        move(clock, draft, MEASURE if index < len(targets) else CONFIRM, index)
    if doubts:
        move(clock, draft, CHECK, first, {"doubts": doubts, "resume": draft.index})
    return draft


def retype(clock: Clock, draft: Draft) -> Draft:
    """重新填写 at the check: the doubted quantities are dropped and asked again, from the first of them."""
    doubted = {d["name"] for d in draft.conversation.payload.get("doubts", [])}
    draft.report.measures = [m for m in draft.report.measures if m["name"] not in doubted]
    return move(clock, draft, MEASURE, draft.index)


def confirm_doubts(clock: Clock, draft: Draft) -> Draft:
    """数量无误 at the check: on to the targets still open, or the confirmation."""
    resume = int(draft.conversation.payload.get("resume", draft.index))
    return move(clock, draft, MEASURE if resume < len(draft.task.targets or []) else CONFIRM, resume)


def answer_measures(db: Database, clock: Clock, identity: Identity, quantities: list[Quantity]) -> DraftView | None:
    """Typed quantities for the open targets, in order; None when no report is waiting for one."""
    with db.session() as session:
        draft = draft_of(session, identity)
        if draft is None or draft.step not in (MEASURE, CHECK):
            return None
        return fill_measures(clock, draft, quantities).view(session)


def add_note(report: Report, text: str) -> int:
    """One more part of the note (a caption, a typed text: Telegram splits a long paste into several
    messages, so each adds to the note instead of replacing it); how many characters did not fit."""
    text = text.strip()
    if not text or text == report.note:
        return 0
    whole = f"{report.note}\n{text}" if report.note else text
    report.note = whole[:MAX_NOTE]
    return len(whole) - len(report.note)


@dataclass(frozen=True)
class NoteAdded:
    draft: DraftView
    dropped: int  # characters beyond MAX_NOTE, not kept: the answer says so


def set_note(db: Database, clock: Clock, identity: Identity, note: str) -> NoteAdded | None:
    """A text typed at the confirmation adds to the note; None when no confirmation is waiting."""
    with db.session() as session:
        draft = draft_of(session, identity)
        if draft is None or draft.step != CONFIRM:
            return None
        dropped = add_note(draft.report, note)
        return NoteAdded(move(clock, draft, CONFIRM).view(session), dropped)


EXPECTED_STEP = {"ok": CONFIRM, "yes": CONFIRM, "skip": CONFIRM, "fin": CONFIRM, "qok": CHECK, "qre": CHECK}
AT_CHECK = {"qok": confirm_doubts, "qre": retype}


def press(
    db: Database, clock: Clock, identity: Identity, action: str, key: str, evidence_required: bool = False
) -> Pressed:
    """A button of the latest question: ok (submit) or x (cancel); the legacy yes / skip / fin of an older
    draft show its confirmation. A button of an older question, or one that does not fit, changes nothing."""
    with db.session() as session:
        conv = conversation_of(session, identity)
        if action == "x" and conv is not None and conv.step == PICK and key == pick_view(conv).key:
            discard_draft(session, identity)
            return Pressed(cancelled=True)
        draft = draft_of(session, identity)
        if draft is None or draft.step != EXPECTED_STEP.get(action, draft.step) or key != draft.key:
            return Pressed(stale=True)
        if action == "x":
            discard_draft(session, identity)
            return Pressed(cancelled=True)
        if action in AT_CHECK:
            return Pressed(draft=AT_CHECK[action](clock, draft).view(session))
        if action != "ok":
            return Pressed(draft=move(clock, draft, CONFIRM).view(session))
        if evidence_required and not draft.report.evidence:
            return Pressed(draft=draft.view(session), needs_evidence=True)
        return Pressed(submitted=_submit(session, clock, identity, draft))


def _submit(session: Session, clock: Clock, identity: Identity, draft: Draft) -> Submitted:
    report = draft.report
    # The occurrence is read before the status changes: submitted, the report itself would count as the
    # answer to every occurrence (autoflush), and a recurring task's report would answer the last one.
    report.occurrence_due = next_open_occurrence(session, session.get_one(Letter, draft.task.letter_id), draft.task.id)
    report.status, report.submitted_at = "submitted", clock.now()
    session.delete(draft.conversation)
    session.flush()
    audit.record(session, clock, identity.actor, "report.submit", "report", report.id, None, snapshot(report))
    return Submitted(report.id, draft.task.code, identity.department_name)
