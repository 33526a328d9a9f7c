"""A one-glance summary of the loaded letter, and of where the current year's letter stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deadlines.workdays import WorkdayCalendar
from services.letter_file import DEFAULT_OFFICE
from services.letter_year import YearState, letter_and_year
from services.tasks import NoLetter, current_letter
from services.year_end import YearEnd, year_end
from storage.db import Database
from storage.models import Item, Letter, Task, task_departments


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


def letter_overview(db: Database) -> LetterOverview | None:
    with db.session() as session:
        return _overview(session)


def _overview(session: Session) -> LetterOverview | None:
    try:
        letter = current_letter(session)
    except NoLetter:
        return None
    items = session.scalar(select(func.count(Item.id)).where(Item.letter_id == letter.id))
    tasks = session.scalar(select(func.count(Task.id)).where(Task.letter_id == letter.id, Task.active.is_(True)))
    deps = session.scalar(
        select(func.count(func.distinct(task_departments.c.department_id)))
        .join(Task, Task.id == task_departments.c.task_id)
        .where(Task.letter_id == letter.id, Task.active.is_(True), task_departments.c.role == "responsible")
    )
    return LetterOverview(letter.code, letter.year, letter.title, letter.document_no, items or 0, tasks or 0, deps or 0)


def office_name(db: Database) -> str:
    """The coordinating office's short name, as the current letter gives it (美丽办)."""
    with db.session() as session:
        office = session.scalar(select(Letter.office).order_by(Letter.year.desc(), Letter.id.desc()).limit(1))
    return office or DEFAULT_OFFICE


@dataclass(frozen=True)
class YearSummary:
    """The current year's letter on a day: where its year stands and, once it is over, how it ended."""

    title: str
    state: YearState
    ended: YearEnd | None


def year_summary(db: Database, today: date, calendar: WorkdayCalendar, tz: tzinfo | None) -> YearSummary | None:
    with db.session() as session:
        try:
            letter, state = letter_and_year(session, today)
        except NoLetter:
            return None
        ended = year_end(session, letter, calendar, tz) if state.ended else None
        return YearSummary(letter.title, state, ended)
