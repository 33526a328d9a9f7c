"""Where an office edit stands in the chat (/addtask's steps, a deadline to pick, 确认): one Conversation
row of kind "task_edit" per (chat, user), kept in the database like a report draft (services/reports.py).
What each answer does to it is decided in services/task_steps.py.

Nothing of the edit is written to tasks or deadlines before 确认: cancelling at any step (/cancel, 取消)
deletes this row and leaves the letter exactly as it was. The payload holds the `Edit` being built
(services/task_edits.py), the step's data and `seq`: every new question moves it on and its buttons carry
it, so only the latest question's buttons act. The department picker changes in place: its presses keep
the seq. A new draft's seq starts at a random number, so a cancelled draft's buttons never match it.

Each public function is one transaction and returns plain values (`Question`, `Step`, `Confirmed`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from deadlines.clock import Clock
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services import task_steps as steps
from services.access import Identity, require_admin
from services.replan import Made, make_edit
from services.reports import discard_draft
from services.task_edits import Edit, EditRefused, find_task
from services.task_steps import CONFIRM, DEPS, Draft, Problem, Question
from services.tasks import NoLetter, UnknownDepartment, current_letter
from storage.db import Database
from storage.models import Conversation

KIND = "task_edit"


@dataclass(frozen=True)
class Step:
    """What an answer (typed or pressed) did."""

    question: Question | None = None  # the next question
    in_place: bool = False  # the picker: replace the pressed message (no question: nothing changed)
    problem: Problem | None = None  # the answer cannot be used; the step waits
    refused: EditRefused | None = None  # the edit cannot be made: the draft is gone
    cancelled: bool = False
    stale: bool = False  # no edit in progress, or a button of an older question


@dataclass(frozen=True)
class Confirmed:
    made: Made | None = None  # written: what the answer and the departments' notice need
    refused: EditRefused | None = None  # nothing written (changed meanwhile); the draft is gone
    stale: bool = False


# -- the stored draft ------------------------------------------------------------------------------


def _first_seq() -> int:
    return secrets.randbelow(1 << 30)


def _current(session: Session, identity: Identity) -> Draft | None:
    conv = session.get(Conversation, (identity.chat_id, identity.user_id))
    if conv is None or conv.kind != KIND:
        return None
    payload = conv.payload or {}
    edit = Edit.from_dict(payload.get("edit") or {"op": "add"})
    return Draft(edit, conv.step, dict(payload.get("data") or {}), int(payload.get("seq") or 0))


def _store(session: Session, clock: Clock, identity: Identity, draft: Draft, ask: bool = True) -> Draft:
    """Keep the draft, replacing any other exchange of the person's (a report draft is discarded).
    `ask`: a new question follows, so the older questions' buttons go stale."""
    if ask:
        draft.seq += 1
    conv = session.get(Conversation, (identity.chat_id, identity.user_id))
    if conv is not None and conv.kind != KIND:
        discard_draft(session, identity)
        conv = None
    if conv is None:
        conv = Conversation(chat_id=identity.chat_id, user_id=identity.user_id, kind=KIND)
        session.add(conv)
    conv.step, conv.payload, conv.updated_at = draft.step, draft.payload(), clock.now()
    session.flush()
    return draft


def _drop(session: Session, identity: Identity) -> bool:
    conv = session.get(Conversation, (identity.chat_id, identity.user_id))
    if conv is None or conv.kind != KIND:
        return False
    session.delete(conv)
    session.flush()
    return True


def current(db: Database, identity: Identity) -> Draft | None:
    with db.session() as session:
        return _current(session, identity)


def save(db: Database, clock: Clock, identity: Identity, draft: Draft) -> Draft:
    """Store the draft as the person's exchange; its seq moves on (a new question is asked)."""
    with db.session() as session:
        return _store(session, clock, identity, draft)


def drop(db: Database, identity: Identity) -> bool:
    """End the edit in progress, writing nothing; False when there was none."""
    with db.session() as session:
        return _drop(session, identity)


def _asked(session: Session, clock: Clock, identity: Identity, draft: Draft) -> Step:
    _store(session, clock, identity, draft)
    return Step(question=steps.question(session, clock.today(), draft))


def _next(session: Session, clock: Clock, identity: Identity, draft: Draft) -> Step:
    """Keep the draft and ask its next question, settling it first when it may be complete; a refusal
    ends the edit."""
    try:
        if draft.step in steps.SETTLING:
            steps.settle(session, clock.today(), draft)
        return _asked(session, clock, identity, draft)
    except EditRefused as exc:
        _drop(session, identity)
        return Step(refused=exc)


# -- starting, answering, pressing -----------------------------------------------------------------


def start_picking(db: Database, clock: Clock, identity: Identity) -> Question:
    """/addtask alone: step by step, the departments first."""
    require_admin(identity)
    with db.session() as session:
        draft = _store(session, clock, identity, Draft(Edit("add"), DEPS, {"dep_ids": [], "page": 0}, _first_seq()))
        return steps.question(session, clock.today(), draft)


def begin(
    db: Database, clock: Clock, calendar: WorkdayCalendar, identity: Identity, edit: Edit, phrase: str | None = None
) -> Step:
    """A command with its values (/addtask in one line, /deadline, /recur, /assign, /close, /reopen): the
    next question, a problem with the phrase (nothing kept), or a refusal."""
    require_admin(identity)
    with db.session() as session:
        if edit.op != "add":
            try:
                find_task(session, current_letter(session), edit.code)
            except EditRefused as exc:
                return Step(refused=exc)
        draft = Draft(edit, CONFIRM, {}, _first_seq())
        problem = steps.read_phrase(session, clock.today(), calendar, draft, phrase) if phrase is not None else None
        if problem is not None:
            return Step(problem=problem)
        return _next(session, clock, identity, draft)


def answer(db: Database, clock: Clock, calendar: WorkdayCalendar, identity: Identity, text: str) -> Step:
    """A typed answer to the current step: the next question, or why it cannot be used (the step waits).
    Stale when no edit is in progress."""
    require_admin(identity)
    with db.session() as session:
        draft = _current(session, identity)
        if draft is None:
            return Step(stale=True)
        problem = steps.typed(session, clock.today(), calendar, draft, text)
        if problem is not None:  # what was taken before it (names of departments) is kept
            _store(session, clock, identity, draft, ask=False)
            return Step(problem=problem)
        return _next(session, clock, identity, draft)


def press(db: Database, clock: Clock, identity: Identity, action: str, arg: str, seq: int | None) -> Step:
    """A button of the latest question (all but 确认, which is `confirm`)."""
    require_admin(identity)
    with db.session() as session:
        draft = _current(session, identity)
        if draft is None or seq != draft.seq or draft.step not in steps.BUTTON_STEPS.get(action, ()):
            return Step(stale=True)
        if action == "x":
            _drop(session, identity)
            return Step(cancelled=True)
        if action in steps.PICKER:
            if not steps.toggle(draft, action, arg):
                return Step(in_place=True)  # a double tap: nothing to change, nothing to edit
            _store(session, clock, identity, draft, ask=False)  # the same question, changed in place
            return Step(question=steps.question(session, clock.today(), draft), in_place=True)
        problem = steps.pressed(session, draft, action, arg)
        if problem is not None:
            return Step(problem=problem)
        return _next(session, clock, identity, draft)


def confirm(
    db: Database,
    clock: Clock,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    admin_ids: frozenset[int],
    identity: Identity,
    seq: int | None,
) -> Confirmed:
    """确认: the edit written with its audit row, the task's reminders re-planned and the draft ended, in
    one transaction. When it can no longer be made, nothing is written and the draft ends all the same."""
    require_admin(identity)
    with db.session() as session:
        draft = _current(session, identity)
        if draft is None or draft.step != CONFIRM or seq != draft.seq:
            return Confirmed(stale=True)
        try:
            made = make_edit(session, clock, calendar, policy, admin_ids, identity.actor, draft.edit)
        except (EditRefused, UnknownDepartment, NoLetter) as exc:
            session.rollback()  # nothing of the edit stays; the draft ends in the next transaction
            _drop(session, identity)
            return Confirmed(refused=exc if isinstance(exc, EditRefused) else EditRefused("changed_meanwhile"))
        _drop(session, identity)
        return Confirmed(made=made)
