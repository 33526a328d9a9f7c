"""A notice being prepared in the chat (/notice 14.2): previewed, then 确认 issues it. The draft is one
Conversation row of kind "notice" per (chat, user), like an office edit (services/task_drafts.py): it holds
the task, the 办结时限 and the office's words, and `seq`, which every new preview moves on and its buttons
carry, so only the latest preview's 确认 issues anything. Nothing is numbered or recorded before 确认.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from deadlines.clock import Clock
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services.access import Identity, require_admin
from services.notices import (
    Issued,
    NoticeDoc,
    NoticeRefused,
    clean_requirement,
    describe,
    find_task,
    issue_in,
    reply_by,
    with_serial,
)
from services.reminder_ledger import recipients_by_department
from services.reports import discard_draft
from services.tasks import current_letter
from storage.db import Database
from storage.models import Conversation, Letter, Task

KIND = "notice"


@dataclass(frozen=True)
class NoticeDraft:
    doc: NoticeDoc
    seq: int
    reach: tuple[tuple[str, int], ...]  # (department, how many of its chats can receive it)


def _conversation(session: Session, identity: Identity) -> Conversation | None:
    conv = session.get(Conversation, (identity.chat_id, identity.user_id))
    return conv if conv is not None and conv.kind == KIND else None


def _reach(session: Session, task: Task) -> tuple[tuple[str, int], ...]:
    by_department = recipients_by_department(session)
    return tuple((d.name, sum(1 for _, c in by_department.get(d.id, []) if c.reachable)) for d in task.departments)


def _drafted(
    session: Session,
    clock: Clock,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    identity: Identity,
    letter: Letter,
    task: Task,
    due_reply: date,
    requirement: str | None,
    seq: int,
) -> NoticeDraft:
    """Keep the draft as the person's exchange (replacing any other) and return its preview."""
    doc = describe(session, letter, task, clock.today(), calendar, policy, due_reply, requirement, final=False)
    conv = session.get(Conversation, (identity.chat_id, identity.user_id))
    if conv is not None and conv.kind != KIND:
        discard_draft(session, identity)
        conv = None
    if conv is None:
        conv = Conversation(chat_id=identity.chat_id, user_id=identity.user_id, kind=KIND, step="confirm")
        session.add(conv)
    conv.payload = {"code": task.code, "reply_by": due_reply.isoformat(), "requirement": requirement, "seq": seq}
    conv.updated_at = clock.now()
    session.flush()
    return NoticeDraft(doc, seq, _reach(session, task))


def prepare(
    db: Database,
    clock: Clock,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    identity: Identity,
    code: str,
    phrase: str | None = None,
    requirement: str | None = None,
) -> NoticeDraft:
    """/notice 14.2 [办结时限] [要求]: the preview; raises NoticeRefused (nothing kept) when it cannot be."""
    require_admin(identity)
    due_reply, words = reply_by(clock.today(), calendar, phrase), clean_requirement(requirement)
    with db.session() as session:
        letter = current_letter(session)
        task = find_task(session, letter, code)
        seq = secrets.randbelow(1 << 30)  # a new draft's buttons never match an older draft's
        return _drafted(session, clock, calendar, policy, identity, letter, task, due_reply, words, seq)


def retime(
    db: Database, clock: Clock, calendar: WorkdayCalendar, policy: ReminderPolicy, identity: Identity, phrase: str
) -> NoticeDraft | None:
    """A typed answer while a notice is previewed: a new 办结时限, and a new preview. None: no draft."""
    require_admin(identity)
    with db.session() as session:
        conv = _conversation(session, identity)
        if conv is None:
            return None
        payload = dict(conv.payload or {})
        due_reply = reply_by(clock.today(), calendar, phrase)  # refused: the draft stays as it was
        letter = current_letter(session)
        task = find_task(session, letter, str(payload.get("code", "")))
        seq = int(payload.get("seq") or 0) + 1
        return _drafted(
            session, clock, calendar, policy, identity, letter, task, due_reply, payload.get("requirement"), seq
        )


def cancel(db: Database, identity: Identity, seq: int | None = None) -> bool:
    """Drop the draft (only the one previewed with `seq`, when given: an older preview's 取消 is stale);
    False when there was none."""
    with db.session() as session:
        conv = _conversation(session, identity)
        if conv is None or (seq is not None and (conv.payload or {}).get("seq") != seq):
            return False
        session.delete(conv)
        return True


def confirm(
    db: Database, clock: Clock, calendar: WorkdayCalendar, policy: ReminderPolicy, identity: Identity, seq: int
) -> Issued | None:
    """确认 on the latest preview: the notice numbered, recorded with its audit row and its recipients, and the
    draft ended, in one transaction. None: a stale button. A refusal (the task was closed or completed
    meanwhile, the 办结时限 has passed) ends the draft and is raised."""
    require_admin(identity)

    def work(session: Session) -> Issued | None:
        conv = _conversation(session, identity)
        if conv is None or (conv.payload or {}).get("seq") != seq:
            return None
        payload = dict(conv.payload)
        session.delete(conv)
        letter = current_letter(session)
        task = find_task(session, letter, str(payload.get("code", "")))
        due_reply = date.fromisoformat(str(payload["reply_by"]))
        requirement = payload.get("requirement")
        return issue_in(session, clock, calendar, policy, identity.actor, letter, task, due_reply, requirement, True)

    try:
        return with_serial(db, work)
    except NoticeRefused:
        cancel(db, identity)
        raise
