"""Reading tasks and departments for people: the CLI, the bot and exports all ask here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from deadlines.specs import DeadlineSpec, occurrences
from services.letter_file import closest
from services.letters import COUNTY
from storage.db import Database
from storage.models import Deadline, Department, Item, Letter, Task


class UnknownDepartment(LookupError):
    def __init__(self, name: str, suggestions: list[str]):
        self.name, self.suggestions = name, suggestions
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown department '{name}'{hint}")


class NoLetter(LookupError):
    pass


def current_letter(session: Session, year: int | None = None) -> Letter:
    query = select(Letter).order_by(Letter.year.desc(), Letter.id.desc())
    if year is not None:
        query = query.where(Letter.year == year)
    letter = session.scalars(query).first()
    if letter is None:
        raise NoLetter(f"no letter loaded{f' for {year}' if year else ''}")
    return letter


def find_department(session: Session, name: str, level: str = COUNTY) -> Department:
    """By exact name, then alias, then a unique prefix/substring; else suggestions."""
    name = name.strip()
    deps = list(session.scalars(select(Department).where(Department.level == level)))
    for match in (
        [d for d in deps if d.name == name],
        [d for d in deps if name in (d.aliases or [])],
        [d for d in deps if name and (name in d.name or d.name in name)],
    ):
        if len(match) == 1:
            return match[0]
    raise UnknownDepartment(name, closest(name, [d.name for d in deps]))


def departments(session: Session, level: str | None = None) -> list[Department]:
    query = select(Department).order_by(Department.level.desc(), Department.id)
    if level:
        query = query.where(Department.level == level)
    return list(session.scalars(query))


@dataclass(frozen=True)
class DeadlineView:
    kind: str
    phrase: str | None
    source: str | None
    implicit: bool
    dates: tuple  # datetime.date, expanded for the letter year
    spec: dict

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "phrase": self.phrase,
            "source": self.source,
            "implicit": self.implicit,
            "dates": [d.isoformat() for d in self.dates],
            "spec": self.spec,
        }


def deadline_view(d: Deadline, year: int) -> DeadlineView:
    spec = DeadlineSpec.from_dict(d.spec)
    return DeadlineView(d.kind, d.phrase, d.source, spec.implicit, tuple(occurrences(spec, year)), d.spec)


@dataclass(frozen=True)
class TaskView:
    id: str
    item: int
    item_title: str
    section: int
    text: str
    departments: tuple[str, ...]
    recognized_by: tuple[str, ...]
    targets: tuple[dict, ...]
    rubric: tuple[str, ...]
    deadlines: tuple[DeadlineView, ...]
    closed: bool
    note: str | None

    @property
    def due_dates(self) -> list:
        return sorted({day for d in self.deadlines for day in d.dates})

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "item": self.item,
            "item_title": self.item_title,
            "section": self.section,
            "text": self.text,
            "departments": list(self.departments),
            "recognized_by": list(self.recognized_by),
            "targets": list(self.targets),
            "rubric": list(self.rubric),
            "deadlines": [d.isoformat() for d in self.due_dates],
            "deadline_details": [d.to_json() for d in self.deadlines],
            "closed": self.closed,
            "note": self.note,
        }


def list_tasks(session: Session, letter: Letter, department: Department | None = None) -> list[TaskView]:
    query = (
        select(Task)
        .join(Item)
        .where(Task.letter_id == letter.id, Task.active.is_(True))
        .options(
            selectinload(Task.item),
            selectinload(Task.deadlines),
            selectinload(Task.departments),
            selectinload(Task.recognized_by),
        )
        .order_by(Item.no, Task.position)
    )
    views = []
    for task in session.scalars(query):
        view = task_view(task, letter.year)
        if department is None or department.name in view.departments:
            views.append(view)
    return views


def task_view(task: Task, year: int) -> TaskView:
    """One task as the chat and the exports show it (its item, departments and deadlines of `year`)."""
    return TaskView(
        id=task.code,
        item=task.item.no,
        item_title=task.item.title,
        section=task.item.section_no,
        text=task.text,
        departments=tuple(d.name for d in task.departments),
        recognized_by=tuple(d.name for d in task.recognized_by),
        targets=tuple(task.targets or ()),
        rubric=tuple(task.rubric_ids or ()),
        deadlines=tuple(deadline_view(d, year) for d in task.deadlines if d.active),
        closed=task.closed,
        note=task.note,
    )


def template_departments(db: Database) -> tuple[list[tuple[str, str, tuple[str, ...]]], int | None]:
    """What the empty task sheet lists: (name, level, aliases) of every department, and the letter's year."""
    with db.session() as session:
        deps = [(d.name, d.level, tuple(d.aliases or ())) for d in departments(session)]
        try:
            year: int | None = current_letter(session).year
        except NoLetter:
            year = None
    return deps, year
