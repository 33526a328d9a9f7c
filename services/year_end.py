"""How a letter's year ended, task by task: done on time, done late (how many working days), or never
reported; and whether the office verified what was reported. Counted against each deadline occurrence of
the year, from the day the first report answering it was submitted (services/occurrences.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from sqlalchemy.orm import Session

from deadlines.workdays import WorkdayCalendar
from services.occurrences import OccurrenceFacts, letter_occurrences
from storage.models import Letter

ON_TIME, LATE, MISSING = "on_time", "late", "missing"
ORDER = {MISSING: 0, LATE: 1, ON_TIME: 2}


@dataclass(frozen=True)
class TaskOutcome:
    code: str
    text: str
    departments: tuple[str, ...]
    outcome: str  # on_time | late | missing
    due: date  # the deciding occurrence: the first never reported, the latest reported, or the last one
    reported_on: date | None  # when the deciding occurrence was reported
    late_workdays: int  # how late the latest report was (0 on time)
    verified: bool  # every report of the year verified by the office
    missing: int  # occurrences never reported
    occurrences: int


@dataclass(frozen=True)
class YearEnd:
    year: int
    tasks: tuple[TaskOutcome, ...]

    def of(self, outcome: str) -> list[TaskOutcome]:
        return [t for t in self.tasks if t.outcome == outcome]

    @property
    def unverified(self) -> int:
        return sum(1 for t in self.tasks if t.outcome != MISSING and not t.verified)


def _answers(facts: list[OccurrenceFacts], calendar: WorkdayCalendar, tz: tzinfo | None):
    """(late, working days late, occurrence, local day reported) of every reported occurrence."""
    for f in facts:
        if f.answered_at is not None:
            on, due = f.answered_at.astimezone(tz).date(), f.occurrence.due
            yield on > due, max(0, calendar.workdays_between(due, on)), f, on


def _outcome(facts: list[OccurrenceFacts], calendar: WorkdayCalendar, tz: tzinfo | None) -> TaskOutcome:
    facts = sorted(facts, key=lambda f: f.occurrence.due)
    task = facts[0].task
    missing = [f for f in facts if f.answered_at is None]
    answers = sorted(_answers(facts, calendar, tz), key=lambda a: (a[0], a[1], a[2].occurrence.due))
    if missing:
        kind, due, on, days = MISSING, missing[0].occurrence.due, None, 0
    elif answers[-1][0]:
        kind, due, on, days = LATE, answers[-1][2].occurrence.due, answers[-1][3], answers[-1][1]
    else:
        kind, due, on, days = ON_TIME, facts[-1].occurrence.due, max(a[3] for a in answers), 0
    verified = all(f.verified for f in facts if f.answered_at is not None)
    return TaskOutcome(
        task.code, task.text, task.department_names, kind, due, on, days, verified, len(missing), len(facts)
    )


def _code_order(code: str) -> tuple:
    """ "3.1" before "10.1": the letter's order, not the alphabet's."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def year_end(
    session: Session, letter: Letter, calendar: WorkdayCalendar, tz: tzinfo | None, department: str | None = None
) -> YearEnd:
    """Every open task of the letter with a dated deadline, and how its year ended (worst first)."""
    per_task: dict[int, list[OccurrenceFacts]] = {}
    for f in letter_occurrences(session, letter):
        if department is None or department in f.task.department_names:
            per_task.setdefault(f.task.id, []).append(f)
    outcomes = [_outcome(facts, calendar, tz) for facts in per_task.values()]
    outcomes.sort(key=lambda t: (ORDER[t.outcome], t.due, _code_order(t.code)))
    return YearEnd(letter.year, tuple(outcomes))
