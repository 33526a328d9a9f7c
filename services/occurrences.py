"""Deadline occurrences of the current letter, and which of them a report already answers."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.storage.models import Deadline, Letter, Report, Task
from scheduler.planner import Occurrence
from scheduler.specs import DeadlineSpec, occurrences

OPEN_REPORT_STATES = ("submitted", "verified")


@dataclass(frozen=True)
class TaskFacts:
    id: int
    code: str
    text: str
    department_ids: tuple[int, ...]
    department_names: tuple[str, ...]


@dataclass(frozen=True)
class OccurrenceFacts:
    occurrence: Occurrence
    task: TaskFacts
    phrase: str | None
    reported: bool  # a completion report (submitted or verified) answers it
    verified: bool


def _dates(deadline: Deadline, year: int) -> list[date]:
    return occurrences(DeadlineSpec.from_dict(deadline.spec), year)


def _coverage(session: Session, task_ids: list[int]) -> dict[int, list[tuple[date | None, str]]]:
    """Per task: (occurrence_due or None for "the whole task", status) of its live completion reports."""
    found: dict[int, list[tuple[date | None, str]]] = defaultdict(list)
    rows = session.execute(
        select(Report.task_id, Report.occurrence_due, Report.status)
        .where(Report.kind == "completion", Report.status.in_(OPEN_REPORT_STATES)))
    wanted = set(task_ids)
    for task_id, due, status in rows:
        if task_id in wanted:
            found[task_id].append((due, status))
    return found


def letter_occurrences(session: Session, letter: Letter) -> list[OccurrenceFacts]:
    """Every dated occurrence of every active deadline of every open task, with its report state."""
    tasks = list(session.scalars(
        select(Task).where(Task.letter_id == letter.id, Task.active.is_(True), Task.closed.is_(False))
        .options(selectinload(Task.deadlines), selectinload(Task.departments))))
    coverage = _coverage(session, [t.id for t in tasks])
    result = []
    for task in tasks:
        facts = TaskFacts(task.id, task.code, task.text, tuple(d.id for d in task.departments),
                          tuple(d.name for d in task.departments))
        reports = coverage.get(task.id, [])
        for deadline in task.deadlines:
            if not deadline.active:
                continue
            for due in _dates(deadline, letter.year):
                states = [status for covered, status in reports if covered is None or covered == due]
                result.append(OccurrenceFacts(
                    Occurrence(task.id, deadline.id, due), facts, deadline.phrase,
                    reported=bool(states), verified="verified" in states))
    return result
