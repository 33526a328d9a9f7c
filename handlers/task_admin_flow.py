"""The questions of an office edit as messages: each step's text and buttons, from the plain `Question`
services/task_drafts.py returns. Nothing here reads the database or decides a step.

Button payloads: "ta:<action>:<seq>" or "ta:<action>:<arg>:<seq>" (arg: a department id, a page, a rubric
sub-item, an index), well under 64 bytes. `seq` is the question's: a button of an older question is stale.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers import task_admin_texts as tt
from handlers.markup import esc
from handlers.replies import Message, keyboard
from handlers.task_texts import clip
from services.task_steps import CHOICE, CONFIRM, DEADLINE, DEPS, FIXDEP, RUBRIC, TARGET, TEXT, WHICH, Question

PREFIX = "ta"
PAGE = 8  # departments per page of the picker

Row = list[tuple[str, str]]


def payload(action: str, seq: int, arg: object | None = None) -> str:
    return f"{PREFIX}:{action}:{seq}" if arg is None else f"{PREFIX}:{action}:{arg}:{seq}"


def read_payload(data: str) -> tuple[str, str, int | None]:
    """(action, arg, seq) of a button's payload; seq None when it has none (a stale or foreign button)."""
    parts = data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    arg = parts[2] if len(parts) == 4 else ""
    seq = int(parts[-1]) if len(parts) in (3, 4) and parts[-1].isdigit() else None
    return action, arg, seq


def _cancel(q: Question) -> Row:
    return [(tt.CANCEL, payload("x", q.seq))]


def _skip(q: Question) -> Row:
    return [(tt.SKIP, payload("sk", q.seq))]


# -- each step -------------------------------------------------------------------------------------


def department_page(q: Question) -> Message:
    """The multi-select picker, a page at a time; a press changes it in place."""
    deps, chosen = q.departments, set(q.chosen)
    pages = max(1, (len(deps) + PAGE - 1) // PAGE)
    page = min(max(q.page, 0), pages - 1)
    buttons = [
        (tt.PICKED.format(name=name), payload("off", q.seq, dep_id))
        if dep_id in chosen
        else (name, payload("on", q.seq, dep_id))
        for dep_id, name in deps[page * PAGE : (page + 1) * PAGE]
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    nav = ([(tt.PREV_PAGE, payload("pg", q.seq, page - 1))] if page > 0 else []) + (
        [(tt.NEXT_PAGE, payload("pg", q.seq, page + 1))] if page + 1 < pages else []
    )
    names = [name for dep_id, name in deps if dep_id in chosen]
    text = tt.ASK_DEPS.format(page=page + 1, pages=pages, chosen=tt.departments(names) if names else tt.NONE_PICKED)
    done = [(tt.NEXT_STEP.format(n=len(names)), payload("dn", q.seq))]
    return Message(text, keyboard(*rows, nav, done, _cancel(q)), typed=True)


def _fix(q: Question) -> Message:
    """A department name not found, with the closest ones to press (at DEPS, typing another name works too)."""
    rows = [[(label, payload("fx", q.seq, dep_id))] for dep_id, label in q.suggested]
    return Message(tt.UNKNOWN_DEPARTMENT.format(name=esc(q.unknown)), keyboard(*rows, _cancel(q)), typed=q.step == DEPS)


def _departments(q: Question) -> Message:
    return _fix(q) if q.suggested else department_page(q)


def _text(q: Question) -> Message:
    return Message(tt.ASK_TEXT, keyboard(_cancel(q)), typed=True)


def _target(q: Question) -> Message:
    return Message(tt.ASK_TARGET, keyboard(_skip(q), _cancel(q)), typed=True)


def _rubric(q: Question) -> Message:
    if not q.rubrics:
        return Message(tt.ASK_RUBRIC, keyboard(_skip(q), _cancel(q)), typed=True)
    rows = [[(clip(f"{sid} {name}", 30), payload("rb", q.seq, sid))] for sid, name in q.rubrics]
    return Message(tt.PICK_RUBRIC, keyboard(*rows, _skip(q), _cancel(q)), typed=True)


def _deadline(q: Question) -> Message:
    return Message(tt.ASK_DEADLINE, keyboard(_cancel(q)), typed=True)


def _reading(q: Question) -> Message:
    rows = [[(tt.reading_button(r), payload("ch", q.seq, i))] for i, r in enumerate(q.readings)]
    return Message(tt.PICK_READING.format(phrase=esc(q.phrase)), keyboard(*rows, _cancel(q)))


def _which(q: Question) -> Message:
    rows = [[(tt.deadline_button(s), payload("wd", q.seq, s.id))] for s in q.deadlines]
    return Message(tt.PICK_DEADLINE.format(code=esc(q.code or ""), n=len(rows)), keyboard(*rows, _cancel(q)))


def _confirm(q: Question) -> Message:
    assert q.preview is not None  # the confirm step always carries its preview
    ok = tt.CONFIRM_PAST if q.preview.past else tt.CONFIRM
    return Message(tt.preview(q.preview), keyboard([(ok, payload("ok", q.seq)), (tt.CANCEL, payload("x", q.seq))]))


PROMPTS: dict[str, Callable[[Question], Message]] = {
    DEPS: _departments,
    TEXT: _text,
    TARGET: _target,
    RUBRIC: _rubric,
    DEADLINE: _deadline,
    CHOICE: _reading,
    WHICH: _which,
    FIXDEP: _fix,
    CONFIRM: _confirm,
}


def prompt(q: Question) -> Message:
    """The question of the draft's step, with the buttons that answer it."""
    return PROMPTS[q.step](q)
