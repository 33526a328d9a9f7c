"""A one-glance summary of the loaded letter."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Item, Task, task_departments
from services.tasks import NoLetter, current_letter


@dataclass(frozen=True)
class LetterOverview:
    code: str
    year: int
    title: str
    document_no: str | None
    items: int
    tasks: int
    departments: int

    @property
    def short_title(self) -> str:
        return f"{self.year}年度责任书" if len(self.title) > 40 else self.title


def letter_overview(session: Session) -> LetterOverview | None:
    try:
        letter = current_letter(session)
    except NoLetter:
        return None
    items = session.scalar(select(func.count(Item.id)).where(Item.letter_id == letter.id))
    tasks = session.scalar(select(func.count(Task.id)).where(Task.letter_id == letter.id, Task.active.is_(True)))
    deps = session.scalar(
        select(func.count(func.distinct(task_departments.c.department_id)))
        .join(Task, Task.id == task_departments.c.task_id)
        .where(Task.letter_id == letter.id, Task.active.is_(True), task_departments.c.role == "responsible"))
    return LetterOverview(letter.code, letter.year, letter.title, letter.document_no, items, tasks, deps)
