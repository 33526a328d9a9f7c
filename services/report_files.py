"""Photos and documents for a report being written (services/report_drafts.py): one message or an album
at once. Sent in reply to a reminder they start the report of its task (or, for a reminder of several
tasks, wait at `pick` for the task they belong to); otherwise they join the draft in progress. A caption
answers the open quantities when it reads as them ("900 800"), else it is the note.

Each public function is one transaction and returns plain values.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from deadlines.clock import Clock
from services.access import Denied, Identity, require_bound, require_task_access
from services.quantities import Quantity, in_unit
from services.report_drafts import (
    KIND,
    MAX_EVIDENCE,
    MEASURE,
    PICK,
    Draft,
    DraftView,
    PickView,
    add_note,
    begin_draft,
    conversation_of,
    draft_of,
    fill_measures,
    move,
    pick_view,
    read_measures,
)
from services.reports import discard_draft
from storage.db import Database
from storage.models import Conversation, Task


@dataclass(frozen=True)
class Taken:
    """Files taken: the question to ask next, and the files newly attached to a draft (to keep on disk)."""

    draft: DraftView | None = None
    pick: PickView | None = None
    files: tuple[dict, ...] = ()
    letter_id: int = 0


def _attach(draft: Draft, items: list[dict]) -> tuple[dict, ...]:
    """Add the files the draft does not hold yet (the same file sent twice counts once)."""
    evidence = list(draft.report.evidence or [])
    new = [i for i in items if not any(e["file_unique_id"] == i["file_unique_id"] for e in evidence)]
    if len(evidence) + len(new) > MAX_EVIDENCE:
        raise Denied("too_much_evidence", limit=MAX_EVIDENCE)
    draft.report.evidence = evidence + new
    return tuple(new)


def _as_measures(draft: Draft, caption: str) -> list[Quantity] | None:
    """The caption as the open quantities, when it reads as them in their units ("900 800"); else None, and
    it is the note ("2号楼已整改" is no quantity of 亩): a photo is never refused for its caption."""
    targets = (draft.task.targets or [])[draft.index :] if draft.step == MEASURE else []
    quantities = read_measures(caption)
    if not quantities or len(quantities) > len(targets):
        return None
    fits = all(in_unit(q, t["unit"]) is not None for q, t in zip(quantities, targets[: len(quantities)], strict=True))
    return quantities if fits else None


def _take(session: Session, clock: Clock, draft: Draft, items: list[dict], caption: str | None) -> Taken:
    """Files for the draft: a caption answers the open quantities when it reads as them, else is the note."""
    quantities = _as_measures(draft, caption) if caption else None
    if quantities:
        fill_measures(clock, draft, quantities)
    elif caption:
        add_note(draft.report, caption)
    new = _attach(draft, items)
    move(clock, draft, draft.step, draft.index)  # the same question again, counting the files
    return Taken(draft.view(session), None, new, draft.task.letter_id)


def _hold(clock: Clock, conv: Conversation, items: list[dict], caption: str | None) -> PickView:
    payload = dict(conv.payload)
    held = list(payload.get("evidence", []))
    held += [i for i in items if all(h["file_unique_id"] != i["file_unique_id"] for h in held)]
    if len(held) > MAX_EVIDENCE:
        raise Denied("too_much_evidence", limit=MAX_EVIDENCE)
    note = payload.get("note") or ""
    if caption and caption.strip() and caption.strip() != note:
        note = f"{note}\n{caption.strip()}" if note else caption.strip()
    conv.payload = dict(payload, evidence=held, note=note or None, seq=int(payload.get("seq", 0)) + 1)
    conv.updated_at = clock.now()
    return pick_view(conv)


def take_files(
    db: Database,
    clock: Clock,
    identity: Identity,
    items: list[dict],
    caption: str | None,
    reminder_tasks: list[int] | None = None,
) -> Taken | None:
    """Photos or documents (one message or an album). `reminder_tasks`: the tasks of the reminder they
    reply to. They go to the draft in progress (when it is one of those tasks, or no reminder is named);
    else they start the report of the reminder's one task, or wait for the task to be picked. None when
    there is nothing for them to belong to."""
    require_bound(identity)
    with db.session() as session:
        draft = draft_of(session, identity)
        if draft is not None and (not reminder_tasks or draft.task.id in reminder_tasks):
            return _take(session, clock, draft, items, caption)
        conv = conversation_of(session, identity)
        if not reminder_tasks:
            return Taken(pick=_hold(clock, conv, items, caption)) if conv is not None and conv.step == PICK else None
        tasks = [session.get_one(Task, tid) for tid in reminder_tasks]
        if len(tasks) == 1:
            return _take(session, clock, begin_draft(session, clock, identity, tasks[0]), items, caption)
        for task in tasks:
            require_task_access(session, identity, task, write=True)
        discard_draft(session, identity)
        conv = Conversation(
            chat_id=identity.chat_id,
            user_id=identity.user_id,
            kind=KIND,
            step=PICK,
            payload={"report_id": None, "seq": 0, "tasks": [[t.id, t.code, t.text] for t in tasks]},
            updated_at=clock.now(),
        )
        session.add(conv)
        return Taken(pick=_hold(clock, conv, items, caption))


def pick(db: Database, clock: Clock, identity: Identity, key: str) -> Taken | None:
    """The task the held files are for ("<seq>.<task id>"); None when the question is not the latest."""
    seq, _, task_id = key.partition(".")
    with db.session() as session:
        conv = conversation_of(session, identity)
        if conv is None or conv.step != PICK or f"p{seq}" != pick_view(conv).key:
            return None
        if not any(str(t[0]) == task_id for t in conv.payload.get("tasks", [])):
            return None
        held, note = list(conv.payload.get("evidence", [])), conv.payload.get("note")
        draft = begin_draft(session, clock, identity, session.get_one(Task, int(task_id)))
        return _take(session, clock, draft, held, note)
