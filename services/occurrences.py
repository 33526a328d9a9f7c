"""Deadline occurrences of the current letter, and which of them a report already answers.

A completion report answers the occurrence it names (`occurrence_due`), or with none named the whole
task; a follow-up deadline opened by a report is answered only by reports made after it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.planner import Occurrence
from deadlines.specs import DeadlineSpec, occurrences, period_of
from storage.models import Deadline, Department, Letter, Report, Task, task_departments

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
    answered_at: datetime | None = None  # when the first report answering it was submitted (on time or late)
    verified_at: datetime | None = None  # when the first verified report answering it was submitted


Covering = tuple[int, date | None, str, datetime]


def _coverage(session: Session, task_ids) -> dict[int, list[Covering]]:
    """Per task: (report id, occurrence_due or None for "the whole task", status, submitted at) of live
    completion reports."""
    found: dict[int, list[Covering]] = defaultdict(list)
    wanted = set(task_ids)
    rows = session.execute(
        select(Report.task_id, Report.id, Report.occurrence_due, Report.status, Report.submitted_at).where(
            Report.kind == "completion", Report.status.in_(OPEN_REPORT_STATES)
        )
    )
    for task_id, report_id, due, status, at in rows:
        if task_id in wanted:
            found[task_id].append((report_id, due, status, at))
    return found


def letter_occurrences(session: Session, letter: Letter, task_ids: list[int] | None = None) -> list[OccurrenceFacts]:
    """Every dated occurrence of every active deadline of every open task (or of `task_ids`), with its
    report state. Plain column reads, not ORM objects: the planner calls this for up to 100,000 tasks."""
    task_query = select(Task.id, Task.code, Task.text).where(
        Task.letter_id == letter.id, Task.active.is_(True), Task.closed.is_(False)
    )
    if task_ids is not None:
        task_query = task_query.where(Task.id.in_(task_ids))
    tasks = {tid: (code, text) for tid, code, text in session.execute(task_query)}
    departments: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for task_id, dep_id, name in session.execute(
        select(task_departments.c.task_id, Department.id, Department.name)
        .join(Department, Department.id == task_departments.c.department_id)
        .join(Task, Task.id == task_departments.c.task_id)
        .where(Task.letter_id == letter.id, task_departments.c.role == "responsible")
        .order_by(task_departments.c.task_id, task_departments.c.position)
    ):
        departments[task_id].append((dep_id, name))
    coverage = _coverage(session, tasks)
    facts_of: dict[int, TaskFacts] = {}
    specs: dict[str, tuple[list[date], str | None]] = {}  # many tasks share a deadline wording: expand each once
    result = []
    for task_id, deadline_id, spec, phrase, after_report in session.execute(
        select(Deadline.task_id, Deadline.id, Deadline.spec, Deadline.phrase, Deadline.triggered_by_report_id)
        .join(Task, Task.id == Deadline.task_id)
        .where(Task.letter_id == letter.id, Deadline.active.is_(True))
        .order_by(Deadline.task_id, Deadline.position)
    ):
        if task_id not in tasks:
            continue
        if task_id not in facts_of:
            deps = departments.get(task_id, [])
            facts_of[task_id] = TaskFacts(
                task_id, *tasks[task_id], tuple(d for d, _ in deps), tuple(n for _, n in deps)
            )
        key = repr(sorted(spec.items()))
        if key not in specs:
            stated = DeadlineSpec.from_dict(spec)
            specs[key] = (occurrences(stated, letter.year), period_of(stated))
        dues, period = specs[key]
        reports = [r for r in coverage.get(task_id, []) if after_report is None or r[0] > after_report]
        for i, due in enumerate(dues):
            answering = [(status, at) for _, covered, status, at in reports if covered is None or covered == due]
            result.append(
                OccurrenceFacts(
                    Occurrence(task_id, deadline_id, due, period, dues[i + 1] if i + 1 < len(dues) else None),
                    facts_of[task_id],
                    phrase,
                    reported=bool(answering),
                    verified=any(status == "verified" for status, _ in answering),
                    answered_at=min((at for _, at in answering), default=None),
                    verified_at=min((at for status, at in answering if status == "verified"), default=None),
                )
            )
    return result


def next_open_occurrence(session: Session, letter: Letter, task_id: int) -> date | None:
    """The occurrence a new report answers: None for a task due once (the report answers the task), else
    the earliest occurrence no report answers yet (the last one when all are answered)."""
    facts = letter_occurrences(session, letter, [task_id])
    dues = sorted({f.occurrence.due for f in facts})
    if len(dues) <= 1:
        return None
    return next((f.occurrence.due for f in sorted(facts, key=lambda f: f.occurrence.due) if not f.reported), dues[-1])
