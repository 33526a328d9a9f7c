"""The steps of an office edit in the chat: what a typed answer or a pressed button does to the draft, what
is still missing (a reading, a deadline, a department), and the question the step asks, as plain data.

Session-level helpers of services/task_drafts.py, which stores the draft and owns the transaction; nothing
here writes the edit itself (that waits for 确认).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy.orm import Session

from deadlines.readings import ParsedDeadline
from deadlines.workdays import WorkdayCalendar
from services.letters import COUNTY
from services.task_edits import (
    MAX_TEXT,
    Edit,
    EditRefused,
    Preview,
    Shape,
    movable,
    office_spec,
    preview,
    read_target,
    search_rubric,
    split_names,
)
from services.tasks import UnknownDepartment, current_letter, departments, find_department
from storage.models import Department

# Steps: deps (pick departments) -> text -> target -> rubric -> deadline (adding a task); choice (an
# ambiguous phrase: pick a reading); which (pick one of the task's deadlines); fixdep (pick a suggested
# department for a name not found); confirm (the before/after summary with 确认 / 取消).
DEPS, TEXT, TARGET, RUBRIC, DEADLINE = "deps", "text", "target", "rubric", "deadline"
CHOICE, WHICH, FIXDEP, CONFIRM = "choice", "which", "fixdep", "confirm"
STEPS = (DEPS, TEXT, TARGET, RUBRIC, DEADLINE, CHOICE, WHICH, FIXDEP, CONFIRM)
SETTLING = (CHOICE, WHICH, FIXDEP, CONFIRM)  # after an answer here the edit may be complete: settle it


@dataclass
class Draft:
    edit: Edit
    step: str
    data: dict = field(default_factory=dict)  # choices, the page shown, a name being fixed, ...
    seq: int = 0  # the latest question's: its buttons carry it

    def payload(self) -> dict:
        return {"edit": self.edit.to_dict(), "data": self.data, "seq": self.seq}


@dataclass(frozen=True)
class Reading:
    """One reading of a phrase that can be read several ways, for its button."""

    date: date | None
    kind: str


@dataclass(frozen=True)
class Question:
    """What the draft's step asks, as plain data for the chat to word and lay out."""

    step: str
    seq: int
    code: str | None = None  # the task being changed
    phrase: str = ""  # CHOICE: the phrase with several readings
    readings: tuple[Reading, ...] = ()  # CHOICE, in the order of the buttons' indexes
    deadlines: tuple[Shape, ...] = ()  # WHICH: the task's deadlines that can change
    rubrics: tuple[tuple[str, str], ...] = ()  # RUBRIC: sub-items found (id, name)
    unknown: str = ""  # FIXDEP, or a name typed at DEPS: the department not found
    suggested: tuple[tuple[int, str], ...] = ()  # its closest departments (id, name); DEPS asks to pick one
    departments: tuple[tuple[int, str], ...] = ()  # DEPS: every department the picker offers
    chosen: tuple[int, ...] = ()  # DEPS: the ids picked so far
    page: int = 0  # DEPS: the page shown
    preview: Preview | None = None  # CONFIRM: before and after


@dataclass(frozen=True)
class Problem:
    """Why an answer cannot be used; the step waits for another. `reason` is a key the chat words."""

    reason: str
    details: dict = field(default_factory=dict)


# -- what to ask -----------------------------------------------------------------------------------


def _pairs(rows: list | None) -> tuple:
    return tuple((a, b) for a, b in rows or ())


def _reading(choice: dict) -> Reading:
    return Reading(date.fromisoformat(choice["date"]) if choice.get("date") else None, choice["kind"])


def question(session: Session, today: date, draft: Draft) -> Question:
    """The question the draft's step asks, from what the draft holds (and, to confirm, its preview)."""
    q, data = Question(draft.step, draft.seq, draft.edit.code), draft.data
    if draft.step == DEPS:
        deps = tuple((d.id, d.name) for d in departments(session, COUNTY))
        return replace(
            q,
            departments=deps,
            chosen=tuple(data.get("dep_ids") or ()),
            page=int(data.get("page") or 0),
            unknown=data.get("unknown", ""),
            suggested=_pairs(data.get("suggest")),
        )
    if draft.step == RUBRIC:
        return replace(q, rubrics=_pairs(data.get("found")))
    if draft.step == CHOICE:
        readings = tuple(_reading(c) for c in data.get("choices") or ())
        return replace(q, phrase=data.get("phrase", ""), readings=readings)
    if draft.step == WHICH:
        return replace(q, deadlines=tuple(movable(session, draft.edit.code or "")))
    if draft.step == FIXDEP:
        return replace(q, unknown=data.get("unknown", ""), suggested=_pairs(data.get("suggest")))
    if draft.step == CONFIRM:
        return replace(q, preview=preview(session, draft.edit, today))
    return q


def suggestions(session: Session, exc: UnknownDepartment) -> list[list]:
    """The closest names that are departments, as [id, name]."""
    found: list[list] = []
    for name in exc.suggestions:
        try:
            dep = find_department(session, name)
        except UnknownDepartment:
            continue
        if [dep.id, dep.name] not in found:
            found.append([dep.id, dep.name])
    return found


def settle(session: Session, today: date, draft: Draft) -> None:
    """After an answer: the first thing still missing (a reading, a deadline, a department), else the
    before/after summary. Raises EditRefused when the edit cannot be made at all."""
    edit = draft.edit
    if edit.spec is None and draft.data.get("choices"):
        draft.step = CHOICE
        return
    if edit.op in ("move", "recur") and edit.deadline_id is None and len(movable(session, edit.code or "")) > 1:
        draft.step = WHICH
        return
    try:
        p = preview(session, edit, today)
    except UnknownDepartment as exc:
        found = suggestions(session, exc)
        if not found:
            raise EditRefused("unknown_department", name=exc.name) from None
        draft.step, draft.data["unknown"], draft.data["suggest"] = FIXDEP, exc.name, found
        return
    draft.edit, draft.step = p.edit, CONFIRM


def _chosen_phrase(reading: ParsedDeadline, typed: str) -> str:
    """The words kept for one reading of an ambiguous phrase: its own date, not the whole phrase."""
    if reading.kind == "recurring" or reading.date is None:
        return typed
    return f"{reading.date.month}月{reading.date.day}日"


def read_phrase(session: Session, today: date, calendar: WorkdayCalendar, draft: Draft, text: str) -> Problem | None:
    """Read a deadline (in the letter's year) into the draft, or its readings to choose from."""
    from deadlines.phrases import DeadlineParseError, parse_deadline  # slow to import: loads when read

    try:
        parsed = parse_deadline(text, today, year=current_letter(session).year, calendar=calendar)
    except DeadlineParseError as exc:
        return Problem("unreadable_phrase", {"problem": str(exc)})
    readings = [r for r in (parsed.choices or (parsed,)) if r.spec is not None]
    if draft.edit.op == "recur":
        readings = [r for r in readings if r.kind == "recurring"]
        if not readings:
            return Problem("phrase_not_recurring", {"phrase": text})
    if not readings:
        return Problem("ambiguous")
    if len(readings) == 1:
        draft.edit.spec = office_spec(readings[0], text)
        draft.data.pop("choices", None)
        return None
    draft.edit.spec = None
    draft.data["phrase"] = text
    draft.data["choices"] = [
        {
            "spec": office_spec(r, _chosen_phrase(r, text)),
            "kind": r.kind,
            "date": r.date.isoformat() if r.date else None,
        }
        for r in readings
    ]
    return None


# -- typed answers: each takes what was typed into the draft, or says why it cannot -------------------

Typed = Callable[[Session, date, WorkdayCalendar, Draft, str], Problem | None]


def _typed_departments(
    session: Session, _today: date, _cal: WorkdayCalendar, draft: Draft, text: str
) -> Problem | None:
    """Names typed at the picker: each one picked; an unknown one with close names asks to pick one of them."""
    ids = draft.data.setdefault("dep_ids", [])
    draft.data.pop("unknown", None)
    draft.data.pop("suggest", None)
    for name in split_names(text):
        try:
            dep = find_department(session, name)
        except UnknownDepartment as exc:
            found = suggestions(session, exc)
            if not found:  # the names before it stay picked
                return Problem("unknown_department", {"name": exc.name})
            draft.data["unknown"], draft.data["suggest"] = exc.name, found
            return None
        if dep.id not in ids:
            ids.append(dep.id)
    return None


def _typed_text(_session: Session, _today: date, _cal: WorkdayCalendar, draft: Draft, text: str) -> Problem | None:
    if len(text) > MAX_TEXT:
        return Problem("text_too_long", {"limit": MAX_TEXT})
    draft.edit.text, draft.step = text, TARGET
    return None


def _typed_target(_session: Session, _today: date, _cal: WorkdayCalendar, draft: Draft, text: str) -> Problem | None:
    target = read_target(text)
    if target is None:
        return Problem("unread_target")
    draft.edit.target, draft.step = target, RUBRIC
    return None


def _typed_rubric(_session: Session, _today: date, _cal: WorkdayCalendar, draft: Draft, text: str) -> Problem | None:
    found = search_rubric(text)
    if text in (sid for sid, _ in found):  # the exact number: nothing to choose
        draft.edit.rubric, draft.step = text, DEADLINE
        draft.data.pop("found", None)
    elif not found:
        return Problem("no_rubric_found", {"query": text})
    else:
        draft.data["found"] = [list(f) for f in found]
    return None


def _typed_deadline(
    session: Session, today: date, calendar: WorkdayCalendar, draft: Draft, text: str
) -> Problem | None:
    problem = read_phrase(session, today, calendar, draft, text)
    if problem is None:
        draft.step = CONFIRM  # settled next: a reading or a deadline may still be missing
    return problem


TYPED: dict[str, Typed] = {
    DEPS: _typed_departments,
    TEXT: _typed_text,
    TARGET: _typed_target,
    RUBRIC: _typed_rubric,
    DEADLINE: _typed_deadline,
}


def typed(session: Session, today: date, calendar: WorkdayCalendar, draft: Draft, text: str) -> Problem | None:
    """A typed answer to the draft's step; at a step that buttons answer, "press_buttons"."""
    answer = TYPED.get(draft.step)
    return answer(session, today, calendar, draft, text.strip()) if answer else Problem("press_buttons")


# -- buttons ---------------------------------------------------------------------------------------

# The steps each button acts at; pressed at another step (or with an older seq) it is stale. "ok" is
# 确认's own (services/task_drafts.confirm); "x" (取消) acts at any step.
BUTTON_STEPS = {
    "on": (DEPS,),
    "off": (DEPS,),
    "pg": (DEPS,),
    "dn": (DEPS,),
    "sk": (TARGET, RUBRIC),
    "rb": (RUBRIC,),
    "ch": (CHOICE,),
    "wd": (WHICH,),
    "fx": (DEPS, FIXDEP),
    "x": STEPS,
}
PICKER = ("on", "off", "pg")  # the department picker's presses: the keyboard changes in place


def toggle(draft: Draft, action: str, arg: str) -> bool:
    """A department picked or unpicked, or another page; False when the press changes nothing."""
    chosen = list(draft.data.get("dep_ids") or [])
    page = int(draft.data.get("page") or 0)
    value = int(arg) if arg.lstrip("-").isdigit() else None
    if value is None or {"on": value in chosen, "off": value not in chosen, "pg": value == page}[action]:
        return False  # a double tap
    if action == "on":
        chosen.append(value)
    elif action == "off":
        chosen.remove(value)
    else:
        draft.data["page"] = value
    draft.data["dep_ids"] = chosen
    return True


def _done_picking(session: Session, draft: Draft, _arg: str) -> Problem | None:
    ids = draft.data.get("dep_ids") or []
    if not ids:
        return Problem("need_department")
    draft.edit.departments = [d.name for d in departments(session, COUNTY) if d.id in ids]
    draft.step = TEXT
    return None


def _skip(_session: Session, draft: Draft, _arg: str) -> Problem | None:
    draft.step = RUBRIC if draft.step == TARGET else DEADLINE
    draft.data.pop("found", None)
    return None


def _pick_rubric(_session: Session, draft: Draft, arg: str) -> Problem | None:
    draft.edit.rubric, draft.step = arg, DEADLINE
    draft.data.pop("found", None)
    return None


def _pick_reading(_session: Session, draft: Draft, arg: str) -> Problem | None:
    choices = draft.data.pop("choices", [])
    draft.edit.spec = choices[int(arg)]["spec"] if arg.isdigit() and int(arg) < len(choices) else None
    return None


def _pick_deadline(_session: Session, draft: Draft, arg: str) -> Problem | None:
    draft.edit.deadline_id = int(arg) if arg.isdigit() else None
    return None


def _pick_suggested(session: Session, draft: Draft, arg: str) -> Problem | None:
    """A suggested department: added to the picked ones (DEPS), or put in place of the unknown name."""
    unknown = draft.data.pop("unknown", "")
    draft.data.pop("suggest", None)
    if draft.step == DEPS:
        ids = draft.data.setdefault("dep_ids", [])
        if arg.isdigit() and int(arg) not in ids:
            ids.append(int(arg))
        return None
    chosen = session.get(Department, int(arg)) if arg.isdigit() else None
    draft.edit.departments = [chosen.name if (n == unknown and chosen) else n for n in draft.edit.departments]
    return None


BUTTONS: dict[str, Callable[[Session, Draft, str], Problem | None]] = {
    "dn": _done_picking,
    "sk": _skip,
    "rb": _pick_rubric,
    "ch": _pick_reading,
    "wd": _pick_deadline,
    "fx": _pick_suggested,
}


def pressed(session: Session, draft: Draft, action: str, arg: str) -> Problem | None:
    """A button that moves the draft on (not the picker's, 取消 or 确认)."""
    return BUTTONS[action](session, draft, arg)
