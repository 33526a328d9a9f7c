"""The old letter as `duban letter copy` needs it, read from the database into plain data: the letter, the
departments, every item with its active work lines and their stated deadlines (office edits included),
and the codes of the letters already loaded. reports/letter_copy.py writes the new year's file from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.tasks import current_letter
from storage.models import Department, Item, Letter, Task


@dataclass(frozen=True)
class SourceLine:
    code: str
    text: str
    departments: tuple[str, ...]
    recognized_by: tuple[str, ...]
    rubric: tuple[str, ...]
    targets: tuple[dict[str, Any], ...]
    deadlines: tuple[dict[str, Any], ...]  # specs of the active deadlines the letter or the office stated
    note: str | None


@dataclass(frozen=True)
class SourceItem:
    no: int
    section_no: int
    section_title: str
    title: str
    lines: tuple[SourceLine, ...]  # may be empty: its section still belongs to the letter


@dataclass(frozen=True)
class LetterSource:
    code: str
    year: int
    title: str
    issuer: str | None
    goals: str | None
    departments: tuple[tuple[str, str, tuple[str, ...]], ...]  # (name, level, aliases), in load order
    items: tuple[SourceItem, ...]
    loaded_codes: frozenset[str]  # every letter in the database, so the copy's code can be checked


def _line(task: Task) -> SourceLine:
    # follow-ups opened by a report (origin "event") belong to that year's work, not to the letter
    stated = tuple(dict(d.spec) for d in task.deadlines if d.active and d.origin != "event")
    return SourceLine(
        task.code,
        task.text,
        tuple(d.name for d in task.departments),
        tuple(d.name for d in task.recognized_by),
        tuple(task.rubric_ids or ()),
        tuple(task.targets or ()),
        stated,
        task.note,
    )


def letter_source(session: Session, year: int) -> LetterSource:
    """The `year` letter (the latest loaded for it) to copy from. Raises services.tasks.NoLetter."""
    letter: Letter = current_letter(session, year)
    deps = session.scalars(select(Department).order_by(Department.id))
    items = list(session.scalars(select(Item).where(Item.letter_id == letter.id).order_by(Item.no)))
    tasks = list(
        session.scalars(
            select(Task)
            .where(Task.letter_id == letter.id, Task.active.is_(True))
            .order_by(Task.position)
            .options(selectinload(Task.deadlines), selectinload(Task.departments), selectinload(Task.recognized_by))
        )
    )
    return LetterSource(
        letter.code,
        letter.year,
        letter.title,
        letter.issuer,
        letter.goals,
        tuple((d.name, d.level, tuple(d.aliases or ())) for d in deps),
        tuple(
            SourceItem(
                i.no, i.section_no, i.section_title, i.title, tuple(_line(t) for t in tasks if t.item_id == i.id)
            )
            for i in items
        ),
        frozenset(session.scalars(select(Letter.code))),
    )
