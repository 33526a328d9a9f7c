"""Deadline occurrences of the current letter, and which of them a report already answers."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Deadline, Department, Letter, Report, Task, task_departments
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
    """Every dated occurrence of every active deadline of every open task, with its report state.

    Plain column reads, not ORM objects: the planner calls this every run, for up to 100,000 tasks.
    """
    tasks = {tid: (code, text) for tid, code, text in session.execute(
        select(Task.id, Task.code, Task.text)
        .where(Task.letter_id == letter.id, Task.active.is_(True), Task.closed.is_(False)))}
    departments: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, dep_id, name in session.execute(
            select(task_departments.c.task_id, Department.id, Department.name)
            .join(Department, Department.id == task_departments.c.department_id)
            .join(Task, Task.id == task_departments.c.task_id)
            .where(Task.letter_id == letter.id, task_departments.c.role == "responsible")
            .order_by(task_departments.c.task_id, task_departments.c.position)):
        departments[task_id].append((dep_id, name))
    coverage = _coverage(session, list(tasks))
    facts_of: dict[int, TaskFacts] = {}
    specs: dict[str, list[date]] = {}  # many tasks share a deadline wording: expand each once
    result = []
    for task_id, deadline_id, spec, phrase in session.execute(
            select(Deadline.task_id, Deadline.id, Deadline.spec, Deadline.phrase)
            .join(Task, Task.id == Deadline.task_id)
            .where(Task.letter_id == letter.id, Deadline.active.is_(True))
            .order_by(Deadline.task_id, Deadline.position)):
        if task_id not in tasks:
            continue
        if task_id not in facts_of:
            deps = departments.get(task_id, [])
            facts_of[task_id] = TaskFacts(task_id, *tasks[task_id], tuple(d for d, _ in deps),
                                          tuple(n for _, n in deps))
        key = repr(sorted(spec.items()))
        if key not in specs:
            specs[key] = occurrences(DeadlineSpec.from_dict(spec), letter.year)
        reports = coverage.get(task_id, [])
        for due in specs[key]:
            states = [status for covered, status in reports if covered is None or covered == due]
            result.append(OccurrenceFacts(Occurrence(task_id, deadline_id, due), facts_of[task_id], phrase,
                                          reported=bool(states), verified="verified" in states))
    return result
