"""Deadline occurrences of the current letter, and which of them a report already answers.

A completion report answers the occurrence it names (`occurrence_due`), or with none named the whole
task; a follow-up deadline opened by a report is answered only by reports made after it. `letter_occurrences`
gives each occurrence with all /score and /overdue show of it; `open_occurrences` only what the reminder
planner needs (the unanswered ones, and each open task's departments), read in half the time.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import groupby
from typing import NamedTuple

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from deadlines.planner import Occurrence
from deadlines.specs import DeadlineSpec, occurrences, period_of
from services.gc_pause import gc_paused
from services.stamped import kept
from storage.models import Deadline, Department, Letter, Report, Task, task_departments

OPEN_REPORT_STATES = ("submitted", "verified")


# Tuples, not dataclasses: the planner asks for the occurrences of up to 100,000 tasks, and a named tuple
# is made three times faster than a frozen dataclass; both are immutable (the answer is shared, kept).
class TaskFacts(NamedTuple):
    id: int
    code: str
    text: str
    department_ids: tuple[int, ...]
    department_names: tuple[str, ...]


class OccurrenceFacts(NamedTuple):
    occurrence: Occurrence
    task: TaskFacts
    phrase: str | None
    reported: bool  # a completion report (submitted or verified) answers it
    verified: bool
    answered_at: datetime | None = None  # when the first report answering it was submitted (on time or late)
    verified_at: datetime | None = None  # when the first verified report answering it was submitted


@dataclass
class _Answers:
    """What the live completion reports say of one occurrence (or, with no date named, of the whole task)."""

    answered_at: datetime | None = None
    verified_at: datetime | None = None

    def add(self, status: str, at: datetime) -> None:
        self.answered_at = at if self.answered_at is None else min(self.answered_at, at)
        if status == "verified":
            self.verified_at = at if self.verified_at is None else min(self.verified_at, at)

    def merged(self, other: _Answers | None) -> _Answers:
        out = _Answers(self.answered_at, self.verified_at)
        if other is not None:
            for status, at in (("submitted", other.answered_at), ("verified", other.verified_at)):
                if at is not None:
                    out.add(status, at)
        return out


Coverage = dict[date | None, _Answers]  # occurrence_due (None: the whole task) -> what answers it


def _live_completions(query, group_by, wanted):
    """Restrict an aggregate over reports to live completion reports, grouped by occurrence and status."""
    return query.where(Report.kind == "completion", Report.status.in_(OPEN_REPORT_STATES), wanted).group_by(
        *group_by, Report.occurrence_due, Report.status
    )


def _fold(rows) -> dict[int, Coverage]:
    found: dict[int, Coverage] = defaultdict(dict)
    for owner, due, status, at in rows:
        found[owner].setdefault(due, _Answers()).add(status, at)
    return found


def _coverage(session: Session, letter: Letter, task_ids: list[int] | None) -> dict[int, Coverage]:
    """Per task: the earliest submission answering each occurrence, and the earliest verified one. One
    aggregate query: a year of reports comes back as a row per (task, occurrence, status)."""
    wanted = Report.task_id.in_(task_ids) if task_ids is not None else Task.letter_id == letter.id
    query = select(Report.task_id, Report.occurrence_due, Report.status, func.min(Report.submitted_at))
    if task_ids is None:
        query = query.join(Task, Task.id == Report.task_id)
    return _fold(session.connection().execute(_live_completions(query, [Report.task_id], wanted)))


def _follow_up_coverage(
    session: Session, follow_ups: list[tuple[int, int, int, tuple[date, ...]]]
) -> dict[int, Coverage]:
    """Per follow-up deadline (deadline id, task id, the report that opened it, its dues): the same, counting
    only reports made after the opening one. Those tasks' reports are read once, newest first, and swept
    past each opening, latest first: a year of follow-ups costs one pass, not one join per follow-up."""
    newest_first: dict[int, list[tuple[int, date | None, str, datetime]]] = defaultdict(list)
    for task_id, report_id, due, status, at in session.connection().execute(
        select(Report.task_id, Report.id, Report.occurrence_due, Report.status, Report.submitted_at)
        .where(
            Report.task_id.in_({task_id for _, task_id, _, _ in follow_ups}),
            Report.kind == "completion",
            Report.status.in_(OPEN_REPORT_STATES),
        )
        .order_by(Report.task_id, Report.id.desc())
    ):
        newest_first[task_id].append((report_id, due, status, at))
    found: dict[int, Coverage] = {}
    for task_id, opened in groupby(sorted(follow_ups, key=lambda f: (f[1], -f[2])), key=lambda f: f[1]):
        reports, seen = newest_first.get(task_id, []), 0
        running: Coverage = {}  # what answers, among the reports swept so far
        for deadline_id, _, opening, dues in opened:
            while seen < len(reports) and reports[seen][0] > opening:
                _, due, status, at = reports[seen]
                running.setdefault(due, _Answers()).add(status, at)
                seen += 1
            found[deadline_id] = {
                key: _Answers(a.answered_at, a.verified_at) for key in (None, *dues) if (a := running.get(key))
            }
    return found


class _Answering:
    """What answers each occurrence of a deadline: the task's live completion reports naming its due date or
    none (the whole task); for a follow-up deadline, only those made after the report that opened it. The one
    place this is decided, for the full read and for the planner's lean one. `by_task` holds every task some
    live completion report is about: of any other task, `of` answers nothing."""

    def __init__(
        self,
        session: Session,
        letter: Letter,
        task_ids: list[int] | None,
        follow_ups: list[tuple[int, int, int, tuple[date, ...]]],
    ):
        self.by_task = _coverage(session, letter, task_ids)
        self.by_follow_up = _follow_up_coverage(session, follow_ups) if follow_ups else {}

    def of(self, task_id: int, deadline_id: int, opened_by: int | None, dues: tuple[date, ...]) -> Sequence[_Answers]:
        """What answers each of the deadline's `dues`, in their order."""
        covered = self.by_task.get(task_id) if opened_by is None else self.by_follow_up.get(deadline_id)
        if not covered:
            return (_NONE,) * len(dues)
        whole = covered.get(None)
        if whole is None:
            return [covered.get(due, _NONE) for due in dues]
        return [whole.merged(covered.get(due)) for due in dues]


@lru_cache(maxsize=4096)
def _expanded(key: str, year: int) -> tuple[tuple[date, ...], str | None]:
    """A deadline's due dates in `year`, and its period. Expanded once per wording and year, not on every
    question: the key is the spec itself (its stored JSON text, read as text: 100,000 deadlines are not
    decoded one by one), so a changed deadline is a new key and nothing goes stale."""
    stated = DeadlineSpec.from_dict(json.loads(key))
    return tuple(occurrences(stated, year)), period_of(stated)


def _only(query, column, task_ids: list[int] | None):
    return query if task_ids is None else query.where(column.in_(task_ids))


def _open_tasks(session: Session, letter: Letter, task_ids: list[int] | None) -> dict[int, TaskFacts]:
    """The letter's active, open tasks (or those of `task_ids`), with their responsible departments."""
    conn = session.connection()  # plain rows: an ORM-enabled read costs more than the query at 100,000 tasks
    task_query = select(Task.id, Task.code, Task.text).where(
        Task.letter_id == letter.id, Task.active.is_(True), Task.closed.is_(False)
    )
    dep_query = (
        select(task_departments.c.task_id, Department.id, Department.name)
        .join(Department, Department.id == task_departments.c.department_id)
        .join(Task, Task.id == task_departments.c.task_id)
        .where(Task.letter_id == letter.id, task_departments.c.role == "responsible")
        .order_by(task_departments.c.task_id, task_departments.c.position)
    )
    departments: dict[int, tuple[tuple[int, ...], tuple[str, ...]]] = {}
    for task_id, rows in groupby(
        conn.execute(_only(dep_query, task_departments.c.task_id, task_ids)).all(), key=_first
    ):
        ids, names = zip(*((dep_id, name) for _, dep_id, name in rows), strict=True)
        departments[task_id] = (ids, names)
    none: tuple[tuple[int, ...], tuple[str, ...]] = ((), ())
    return {
        tid: TaskFacts(tid, code, text, *departments.get(tid, none))
        for tid, code, text in conn.execute(_only(task_query, Task.id, task_ids)).all()  # fetchall: rows in bulk
    }


def _first(row):
    return row[0]


def letter_occurrences(session: Session, letter: Letter, task_ids: list[int] | None = None) -> list[OccurrenceFacts]:
    """Every dated occurrence of every active deadline of every open task (or of `task_ids`), with its
    report state. /score, /overdue, /tasks and the planner ask this of the whole letter again and again:
    that answer is kept until the letter's data changes (services/stamped.py), whoever changes it."""
    if task_ids is not None:
        return _occurrences(session, letter, task_ids)
    return list(kept(session, ("occurrences", letter.id, letter.year), lambda: _all_occurrences(session, letter)))


def _all_occurrences(session: Session, letter: Letter) -> list[OccurrenceFacts]:
    with gc_paused():  # a letter's worth of small tuples (services/gc_pause.py)
        return _occurrences(session, letter, None)


def _occurrences(session: Session, letter: Letter, task_ids: list[int] | None) -> list[OccurrenceFacts]:
    """Plain column reads, not ORM objects: the planner asks for up to 100,000 tasks; the reports are read
    as aggregates, so a year of them comes back as a row per (task, occurrence, status)."""
    tasks = _open_tasks(session, letter, task_ids)
    deadline_query = (
        select(
            Deadline.task_id, Deadline.id, cast(Deadline.spec, Text), Deadline.phrase, Deadline.triggered_by_report_id
        )
        .join(Task, Task.id == Deadline.task_id)
        .where(Task.letter_id == letter.id, Deadline.active.is_(True))
        .order_by(Deadline.task_id, Deadline.position)
    )
    rows = session.connection().execute(_only(deadline_query, Deadline.task_id, task_ids)).all()
    expanded = {d: _expanded(spec, letter.year) for _, d, spec, _, _ in rows}
    opened = [(d, t, after, expanded[d][0]) for t, d, _, _, after in rows if after is not None and t in tasks]
    answering = _Answering(session, letter, task_ids, opened)
    result: list[OccurrenceFacts] = []
    append = result.append  # once per occurrence: up to 100,000 and more
    for task_id, deadline_id, _, phrase, after_report in rows:
        task = tasks.get(task_id)
        if task is None:
            continue
        dues, period = expanded[deadline_id]
        following = (*dues[1:], None) if dues else ()
        for due, next_due, answers in zip(
            dues, following, answering.of(task_id, deadline_id, after_report, dues), strict=True
        ):
            answered, verified = answers.answered_at, answers.verified_at
            append(
                OccurrenceFacts(
                    Occurrence(task_id, deadline_id, due, period, next_due),
                    task,
                    phrase,
                    answered is not None,
                    verified is not None,
                    answered,
                    verified,
                )
            )
    return result


_NONE = _Answers()


class OpenOccurrences(NamedTuple):
    """What the daily reminder planning needs of a letter, and no more."""

    occurrences: list[Occurrence]  # every occurrence no live completion report answers (as `letter_occurrences`)
    departments: dict[int, tuple[int, ...]]  # every open task -> its responsible departments, in the letter's order


def open_occurrences(session: Session, letter: Letter) -> OpenOccurrences:
    """The letter's unanswered occurrences and each open task's departments: `letter_occurrences` without
    what only /score and /overdue show (codes, texts, names, phrases, when answered), read as bare ids and
    specs: the planner's cold read of 100,000 tasks costs less than half. Kept like the full answer."""
    found = kept(session, ("open-occurrences", letter.id, letter.year), lambda: _all_open(session, letter))
    return OpenOccurrences(list(found.occurrences), dict(found.departments))  # the kept answer stays as read


def _all_open(session: Session, letter: Letter) -> OpenOccurrences:
    with gc_paused():  # as `_all_occurrences`
        return _open_occurrences(session, letter)


def _open_occurrences(session: Session, letter: Letter) -> OpenOccurrences:
    """Two plain reads, each joined to the open tasks (one joined read of both, a row per deadline and
    department, measured no faster), and nothing built that the planner does not use."""
    conn = session.connection()
    open_task = (Task.letter_id == letter.id, Task.active.is_(True), Task.closed.is_(False))
    departments: dict[int, tuple[int, ...]] = {}
    held = departments.get
    for task_id, department_id in conn.execute(
        select(Task.id, task_departments.c.department_id)
        .outerjoin(
            task_departments,
            (task_departments.c.task_id == Task.id) & (task_departments.c.role == "responsible"),
        )
        .where(*open_task)
        .order_by(Task.id, task_departments.c.position)
    ).all():  # fetched in bulk: iterating the result would fetch its 100,000 rows one by one
        departments[task_id] = () if department_id is None else held(task_id, ()) + (department_id,)
    rows = conn.execute(
        select(Deadline.task_id, Deadline.id, cast(Deadline.spec, Text), Deadline.triggered_by_report_id)
        .join(Task, Task.id == Deadline.task_id)
        .where(*open_task, Deadline.active.is_(True))
        .order_by(Deadline.task_id, Deadline.position)
    ).all()
    year = letter.year
    opened = [(d, t, after, _expanded(spec, year)[0]) for t, d, spec, after in rows if after is not None]
    answering = _Answering(session, letter, None, opened)
    reported = answering.by_task  # a task no live completion report names has every occurrence open
    result: list[Occurrence] = []
    append = result.append  # once per occurrence: 100,000 and more
    shapes: dict[str, tuple[tuple[date, ...], tuple[tuple[date, date | None], ...], str | None]] = {}
    for task_id, deadline_id, spec, opened_by in rows:
        shape = shapes.get(spec)
        if shape is None:  # once per wording: each due paired with the next, not rebuilt per deadline
            dues, period = _expanded(spec, year)
            following = (*dues[1:], None) if dues else ()
            shape = shapes[spec] = (dues, tuple(zip(dues, following, strict=True)), period)
        dues, rounds, period = shape
        if task_id not in reported:
            for due, next_due in rounds:
                append(Occurrence(task_id, deadline_id, due, period, next_due))
            continue
        for (due, next_due), answers in zip(rounds, answering.of(task_id, deadline_id, opened_by, dues), strict=True):
            if answers.answered_at is None:
                append(Occurrence(task_id, deadline_id, due, period, next_due))
    return OpenOccurrences(result, departments)


def next_open_occurrence(session: Session, letter: Letter, task_id: int) -> date | None:
    """The occurrence a new report answers: None for a task due once (the report answers the task), else
    the earliest occurrence no report answers yet (the last one when all are answered)."""
    facts = letter_occurrences(session, letter, [task_id])
    dues = sorted({f.occurrence.due for f in facts})
    if len(dues) <= 1:
        return None
    return next((f.occurrence.due for f in sorted(facts, key=lambda f: f.occurrence.due) if not f.reported), dues[-1])
