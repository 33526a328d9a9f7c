"""Where an office edit stands in the chat (/addtask's steps, a deadline to pick, 确认): one Conversation
row of kind "task_edit" per (chat, user), kept in the database like a report draft (services/reports.py).

Nothing of the edit is written to tasks or deadlines before 确认: cancelling at any step (/cancel, 取消)
deletes this row and leaves the letter exactly as it was. The payload holds the `Edit` being built
(services/task_edits.py), the step, and the id of the latest question, whose buttons alone act.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from deadlines.clock import Clock
from storage.models import Conversation
from services.access import Identity
from services.task_edits import Edit

KIND = "task_edit"
# Steps: deps (pick departments) -> text -> target -> rubric -> deadline (adding a task); choice (an
# ambiguous phrase: pick a reading); which (pick one of the task's deadlines); fixdep (pick a suggested
# department for a name not found); confirm (the before/after summary with 确认 / 取消).
DEPS, TEXT, TARGET, RUBRIC, DEADLINE, CHOICE, WHICH, FIXDEP, CONFIRM = (
    "deps", "text", "target", "rubric", "deadline", "choice", "which", "fixdep", "confirm")


@dataclass
class Draft:
    edit: Edit
    step: str
    data: dict = field(default_factory=dict)  # choices, the page shown, a name being fixed, ...
    prompt: int | None = None

    def payload(self) -> dict:
        return {"edit": self.edit.to_dict(), "data": self.data, "prompt": self.prompt}


def current(session: Session, identity: Identity) -> Draft | None:
    conv = session.get(Conversation, (identity.chat_id, identity.user_id))
    if conv is None or conv.kind != KIND:
        return None
    payload = conv.payload or {}
    return Draft(Edit.from_dict(payload.get("edit") or {"op": "add"}), conv.step, dict(payload.get("data") or {}),
                 payload.get("prompt"))


def save(session: Session, clock: Clock, identity: Identity, draft: Draft) -> Draft:
    """Store the draft (replacing whatever conversation the person had: a report draft is discarded)."""
    conv = session.get(Conversation, (identity.chat_id, identity.user_id))
    if conv is not None and conv.kind != KIND:
        from services.reports import discard_draft

        discard_draft(session, identity)
        conv = None
    if conv is None:
        session.add(Conversation(chat_id=identity.chat_id, user_id=identity.user_id, kind=KIND, step=draft.step,
                                 payload=draft.payload(), updated_at=clock.now()))
    else:
        conv.step, conv.payload, conv.updated_at = draft.step, draft.payload(), clock.now()
    session.flush()
    return draft


def remember_prompt(session: Session, identity: Identity, message_id: int) -> None:
    conv = session.get(Conversation, (identity.chat_id, identity.user_id))
    if conv is not None and conv.kind == KIND:
        conv.payload = dict(conv.payload, prompt=message_id)


def drop(session: Session, identity: Identity) -> bool:
    conv = session.get(Conversation, (identity.chat_id, identity.user_id))
    if conv is None or conv.kind != KIND:
        return False
    session.delete(conv)
    session.flush()
    return True
