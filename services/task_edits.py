"""The office changes the letter's work during the year: adds a task, moves a deadline, sets a recurrence,
reassigns departments, closes and reopens a task. One service for the chat (/addtask, /deadline, ...) and
the CLI (`duban task ...`); they only parse what people typed and render what comes back.

An `Edit` is what was asked, as plain data (it waits in a Conversation row between the question and the
确认 button). `preview()` checks it against the database and says what would change, before and after,
and which dates are already past. `apply()` (services/task_writes.py) checks again (someone may have
changed the task meanwhile), writes, and records one audit row (entity "task", the task's code) in the
same transaction. Reminders are re-planned with it (services/replan.make_edit), with the reason for what
no longer goes out.

How office edits live beside the letter file (services/letters.py keeps them through a reload):
- New tasks go into the letter's office item: number one past the letter's last item when the first is
  added (34 for the 2022 letter), section 0, titled 新增任务 (the section: the letter's office + 新增任务);
  their ids are 34.1, 34.2, ... and never renumbered. Task and deadline rows have origin "office" (the
  deadlines name the letter's office as their source); the loader never touches them. (The office
  item is found by its section 0; an edited letter file that itself added an item with that number
  would share it: not something an issued letter does, and not guarded against.)
- Moving a deadline (or setting a recurrence) retires the row and adds an office row pointing back at it
  (`parent_id`), so sent reminders keep their row, a reload does not bring the old date back, and every
  move gets fresh reminder keys (moving back to an earlier date plans its reminders again).
- /assign replaces the responsible departments (the recognizing ones stay); a reload keeps them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import scoring
from deadlines.cn_text import normalize
from deadlines.readings import ParsedDeadline
from deadlines.specs import DATED_KINDS, DeadlineSpec, SpecError, occurrences
from services.letter_file import DEFAULT_OFFICE
from services.tasks import current_letter, find_department
from storage.models import Deadline, Department, Item, Letter, Task

OFFICE_SECTION, OFFICE_ITEM_TITLE = 0, "新增任务"
ACTIONS = {
    "add": "task.add",
    "move": "deadline.move",
    "recur": "deadline.recur",
    "assign": "task.assign",
    "close": "task.close",
    "reopen": "task.reopen",
}
MOVABLE = ("absolute", "month_end", "year_end", "recurring", "festival", "relative")  # not "duration": a minimum period
MAX_TEXT = 500


class EditRefused(Exception):
    """The edit cannot be made; `reason` is a key the chat and the CLI each turn into words."""

    def __init__(self, reason: str, **details):
        super().__init__(reason if not details else f"{reason}: {details}")
        self.reason, self.details = reason, details


@dataclass
class Edit:
    """What the office asked for. Department names, not ids: what people typed or pressed."""

    op: str  # add | move | recur | assign | close | reopen
    code: str | None = None
    deadline_id: int | None = None
    spec: dict | None = None
    departments: list[str] = field(default_factory=list)
    text: str | None = None
    target: dict | None = None  # {name, value, unit}
    rubric: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Edit:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Shape:
    """One deadline as people see it: its words and its dates in the letter year."""

    id: int | None
    phrase: str | None
    kind: str
    dates: tuple[date, ...]
    event: str | None = None

    def to_json(self) -> dict:
        return {"id": self.id, "phrase": self.phrase, "kind": self.kind, "dates": [d.isoformat() for d in self.dates]}


@dataclass(frozen=True)
class Preview:
    edit: Edit  # with the deadline pinned when the task has only one
    code: str
    text: str
    before: dict  # "departments": [names] | "deadline": Shape | "closed": bool
    after: dict  # the same keys; an added task also has "target" and "rubric" ((id, name) or None)
    past: tuple[date, ...] = ()  # new due dates already gone: the chat asks for an explicit 确认
    department_ids: tuple[int, ...] = ()  # who is told: the task's departments, old and new on /assign


def office_name(letter: Letter) -> str:
    """The coordinating office as the letter names it: the source of its deadlines, its item's title."""
    return letter.office or DEFAULT_OFFICE


def office_spec(parsed: ParsedDeadline, typed: str) -> dict:
    """The spec to store for a phrase the office typed: its words kept. The source (the office's name) is
    set when it is written, from the letter."""
    if parsed.spec is None:
        raise EditRefused("ambiguous")
    return replace(parsed.spec, phrase=(typed or "").strip()[:200] or parsed.spec.phrase, source=None).to_dict()


# -- typed input -----------------------------------------------------------------------------------

_TARGET = re.compile(r"^(?P<name>.*?)\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]{1,6})$")
_SEPARATORS = re.compile(r"[、,,;;/\s]+")
_NAME_EDGES = " ::"  # characters trimmed around a target's name: spaces, colons


def read_target(text: str) -> dict | None:
    """ "新建污水管网 12公里" -> {name, value, unit}; a bare "12公里" gets the name 完成量."""
    m = _TARGET.match(normalize(text or "").strip().rstrip("。."))
    if m is None or float(m.group("num")) <= 0:
        return None
    return {
        "name": m.group("name").strip(_NAME_EDGES) or "完成量",
        "value": float(m.group("num")),
        "unit": m.group("unit"),
    }


def split_names(text: str) -> list[str]:
    """Department names as people list them: 住建局、综合执法局 / 住建局 综合执法局."""
    return [n for n in _SEPARATORS.split(text or "") if n]


def find_task(session: Session, letter: Letter, code: str | None) -> Task:
    code = (code or "").strip()
    task = session.scalar(select(Task).where(Task.letter_id == letter.id, Task.code == code, Task.active.is_(True)))
    if task is None:
        raise EditRefused("no_task", code=code)
    return task


def shape(row: Deadline, year: int) -> Shape:
    spec = DeadlineSpec.from_dict(row.spec)
    return Shape(row.id, row.phrase, row.kind, tuple(occurrences(spec, year)), spec.event)


def _spec_shape(spec: DeadlineSpec, year: int) -> Shape:
    return Shape(None, spec.phrase, spec.kind, tuple(occurrences(spec, year)), spec.event)


def movable(session: Session, code: str) -> list[Shape]:
    """The task's deadlines that /deadline and /recur can change, in the letter's order."""
    letter = current_letter(session)
    task = find_task(session, letter, code)
    return [shape(d, letter.year) for d in task.deadlines if d.active and d.kind in MOVABLE]


def resolve_departments(session: Session, names: list[str]) -> list[Department]:
    """Each name (exact, alias or a unique part) to its department, in order, without repeats.
    An unknown name raises services.tasks.UnknownDepartment with the closest names."""
    found: list[Department] = []
    for name in names:
        if not name.strip():
            continue
        dep = find_department(session, name)
        if dep not in found:
            found.append(dep)
    if not found:
        raise EditRefused("no_departments")
    return found


def checked_spec(data: dict | None) -> DeadlineSpec:
    """The stored form of an edit's deadline, or EditRefused: none, malformed, or a minimum period."""
    if not data:
        raise EditRefused("no_deadline_given")
    try:
        spec = DeadlineSpec.from_dict(data)
    except (SpecError, TypeError) as exc:
        raise EditRefused("bad_deadline", problem=str(exc)) from None
    if spec.kind == "duration":
        raise EditRefused("not_a_due_date")
    return spec


def _same_when(a: DeadlineSpec, b: DeadlineSpec, year: int) -> bool:
    """The same due dates (年底前 and 12月31日 alike), or the same undated rule."""
    if a.kind in DATED_KINDS and b.kind in DATED_KINDS:
        return occurrences(a, year) == occurrences(b, year)
    return replace(a, phrase=None, source=None, implicit=False) == replace(b, phrase=None, source=None, implicit=False)


def _past(spec: DeadlineSpec, year: int, today: date) -> tuple[date, ...]:
    return tuple(d for d in occurrences(spec, year) if d < today)


def _deadline_of(task: Task, deadline_id: int | None) -> Deadline:
    rows = [d for d in task.deadlines if d.active and d.kind in MOVABLE]
    if deadline_id is None:
        if len(rows) == 1:
            return rows[0]
        if not rows:
            raise EditRefused("no_movable_deadline", code=task.code)
        raise EditRefused("which_deadline", code=task.code)
    row = next((d for d in rows if d.id == deadline_id), None)
    if row is None:  # moved or retired since the question was asked
        raise EditRefused("deadline_changed", code=task.code)
    return row


def rubric_choice(sid: str | None) -> tuple[str, str] | None:
    if not sid:
        return None
    rubric = scoring.load_rubric()
    if sid not in rubric:
        raise EditRefused("no_rubric", sid=sid)
    return sid, rubric.subitem(sid).name


def search_rubric(query: str, limit: int = 6) -> list[tuple[str, str]]:
    """Sub-items by id ("7.1" finds 7.1 and 7.1.x) or by words in the name or text ("污水")."""
    q = (query or "").strip()
    if not q:
        return []
    subs = scoring.load_rubric().subitems
    by_id = [s for s in subs if s.id == q] + [s for s in subs if s.id.startswith(q + ".")]
    words = [w for w in q.replace(",", " ").replace(",", " ").split() if w]
    by_name = [s for s in subs if all(w in s.name for w in words)]
    by_text = [s for s in subs if all(w in s.name + s.text for w in words)]
    found: list = []
    for s in by_id + by_name + by_text:
        if s not in found:
            found.append(s)
    return [(s.id, s.name) for s in found[:limit]]


def _check_target(target: dict | None) -> dict | None:
    if not target:
        return None
    name, unit = str(target.get("name") or "").strip(), str(target.get("unit") or "").strip()
    raw: Any = target.get("value")  # anything: what cannot be a number is refused
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise EditRefused("bad_target") from None
    if value <= 0 or not unit:
        raise EditRefused("bad_target")
    return {"name": name or "完成量", "value": value, "unit": unit}


# -- preview ---------------------------------------------------------------------------------------


def preview(session: Session, edit: Edit, today: date) -> Preview:
    """What `edit` would change; raises EditRefused (or UnknownDepartment) when it cannot be made."""
    letter = current_letter(session)
    if edit.op == "add":
        return _preview_add(session, letter, edit, today)
    if edit.op not in ACTIONS:
        raise EditRefused("unknown_op", op=edit.op)
    task = find_task(session, letter, edit.code)
    dep_ids = tuple(d.id for d in task.departments)
    names = [d.name for d in task.departments]
    if edit.op in ("move", "recur"):
        row = _deadline_of(task, edit.deadline_id)
        spec = checked_spec(edit.spec)
        if edit.op == "recur" and spec.kind != "recurring":
            raise EditRefused("not_recurring")
        if _same_when(spec, DeadlineSpec.from_dict(row.spec), letter.year):
            raise EditRefused("unchanged")
        return Preview(
            replace(edit, code=task.code, deadline_id=row.id),
            before={"deadline": shape(row, letter.year)},
            after={"deadline": _spec_shape(spec, letter.year)},
            past=_past(spec, letter.year, today),
            department_ids=dep_ids,
            code=task.code,
            text=task.text,
        )
    if edit.op == "assign":
        new = resolve_departments(session, edit.departments)
        if [d.id for d in new] == list(dep_ids):
            raise EditRefused("unchanged")
        concerned = tuple(dict.fromkeys(list(dep_ids) + [d.id for d in new]))
        return Preview(
            replace(edit, code=task.code, departments=[d.name for d in new]),
            before={"departments": names},
            after={"departments": [d.name for d in new]},
            department_ids=concerned,
            code=task.code,
            text=task.text,
        )
    closing = edit.op == "close"
    if task.closed == closing:
        raise EditRefused("already_closed" if closing else "not_closed", code=task.code)
    return Preview(
        replace(edit, code=task.code),
        before={"closed": task.closed, "departments": names},
        after={"closed": closing, "departments": names},
        department_ids=dep_ids,
        code=task.code,
        text=task.text,
    )


def _preview_add(session: Session, letter: Letter, edit: Edit, today: date) -> Preview:
    deps = resolve_departments(session, edit.departments)
    text = " ".join((edit.text or "").split())
    if not text:
        raise EditRefused("no_text")
    if len(text) > MAX_TEXT:
        raise EditRefused("text_too_long", limit=MAX_TEXT)
    spec = checked_spec(edit.spec)
    target, rubric = _check_target(edit.target), rubric_choice(edit.rubric)
    item = office_item(session, letter)
    code = next_code(session, item, office_item_no(session, letter) if item is None else item.no)
    names = [d.name for d in deps]
    return Preview(
        replace(edit, text=text, departments=names, target=target),
        code=code,
        text=text,
        before={},
        after={"departments": names, "deadline": _spec_shape(spec, letter.year), "target": target, "rubric": rubric},
        past=_past(spec, letter.year, today),
        department_ids=tuple(d.id for d in deps),
    )


def office_item_no(session: Session, letter: Letter) -> int:
    """The office item's number when the first task is added: one past the letter's last item."""
    return (session.scalar(select(func.max(Item.no)).where(Item.letter_id == letter.id)) or 0) + 1


def office_item(session: Session, letter: Letter) -> Item | None:
    query = select(Item).where(Item.letter_id == letter.id, Item.section_no == OFFICE_SECTION).order_by(Item.no)
    return session.scalar(query)


def next_code(session: Session, item: Item | None, item_no: int) -> str:
    lines: Iterable[str] = [] if item is None else session.scalars(select(Task.code).where(Task.item_id == item.id))
    numbers = [int(c.split(".", 1)[1]) for c in lines if c.split(".", 1)[-1].isdigit()]
    return f"{item_no}.{max(numbers, default=0) + 1}"
