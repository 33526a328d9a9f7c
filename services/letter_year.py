"""Which letter a question is about, and where that letter's year stands.

A letter runs from 1 January to 31 December of its year. The views default to the current year's letter
(else the latest before it, else the first after it) and take a year where it matters (`/score 2022`), so
an office that loads next year's letter in December keeps seeing this year's until the year turns. Once a
letter's year has ended nothing is counted overdue past its last day: the views show how the year ended
(services/year_end.py), and the office is told how to start the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.access import Denied
from services.tasks import NoLetter, current_letter
from storage.models import Letter, Task

NEXT_YEAR_FROM_MONTH = 12  # from December on, the office is told how to start the next year


def letter_for(session: Session, today: date, year: int | None = None) -> Letter:
    """The letter of `year`; without one, the current year's (else the latest before, else the first after)."""
    return _pick(_letters(session), today, year)


def letter_and_year(session: Session, today: date, year: int | None = None) -> tuple[Letter, YearState]:
    """`letter_for`'s letter and where its year stands, from one reading of the letters."""
    letters = _letters(session)
    letter = _pick(letters, today, year)
    return letter, _state(letter, today, letters)


_LETTERS = select(Letter).order_by(Letter.year, Letter.id)  # built once: most questions begin with it


def _letters(session: Session) -> list[Letter]:
    return list(session.scalars(_LETTERS))


def _pick(letters: list[Letter], today: date, year: int | None) -> Letter:
    if year is not None:
        of_year = [x for x in letters if x.year == year]
        if not of_year:
            raise NoLetter(f"no letter loaded for {year}")
        return of_year[-1]
    if not letters:
        raise NoLetter("no letter loaded")
    this_year = [x for x in letters if x.year == today.year]
    before = [x for x in letters if x.year < today.year]
    if this_year or before:
        return (this_year or before)[-1]
    return [x for x in letters if x.year == letters[0].year][-1]


def find_task(session: Session, code: str, today: date | None = None, year: int | None = None) -> Task:
    """An active task by its code ("14.2") in the letter `letter_for` picks (the latest without a day)."""
    letter = letter_for(session, today, year) if today is not None else current_letter(session, year)
    task = session.scalar(
        select(Task).where(Task.letter_id == letter.id, Task.code == code.strip(), Task.active.is_(True))
    )
    if task is None:
        raise Denied("no_task", code=code)
    return task


@dataclass(frozen=True)
class YearState:
    """Where a letter's year stands on `today`."""

    letter_id: int
    year: int
    title: str
    today: date
    loaded_years: tuple[int, ...]  # every letter year in the database

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    @property
    def ended(self) -> bool:
        return self.today > self.last_day

    @property
    def day(self) -> date:
        """The day statuses are counted on: today, or the year's last day once it is over."""
        return min(self.today, self.last_day)

    @property
    def next_year(self) -> int:
        """The year the office should start next: the one after this letter's, or after today's in December."""
        coming = self.today.year + (1 if self.today.month >= NEXT_YEAR_FROM_MONTH else 0)
        return max(self.year + 1, coming)

    @property
    def next_year_due(self) -> bool:
        """From December of the letter's year on, while no later letter is loaded: time to start the next."""
        started = any(y > self.year for y in self.loaded_years)
        return not started and self.today >= date(self.year, NEXT_YEAR_FROM_MONTH, 1)

    @property
    def other_years(self) -> tuple[int, ...]:
        return tuple(y for y in self.loaded_years if y != self.year)


def year_state(session: Session, letter: Letter, today: date) -> YearState:
    return _state(letter, today, _letters(session))


def _state(letter: Letter, today: date, letters: list[Letter]) -> YearState:
    return YearState(letter.id, letter.year, letter.title, today, tuple(sorted({x.year for x in letters})))
