"""The monthly circular (通报): what a month's deadlines came to, the departments ranked by on-time
completion, the overdue tasks, the score's standing and what is due next month, all as of one day.

One source for all figures: the colours and the overdue list are the status board's (`task_statuses` over
`letter_occurrences`, as /overdue and the workbook), the score is `standing` (as /score and the workbook),
and an occurrence counts as reported or verified exactly when the status board says so. This module adds
only the month's arithmetic: which occurrences fell due in it, and for the completed ones whether the
report came in time. The document (reports/documents/circular.py) is rendered from the plain `Circular`.

The month's task deadlines (任务节点) are its deadline occurrences, one per task and day (two deadlines of a
task on the same day are one node: one report answers both). On the day the circular is made a node is
按期完成 when a verified completion report answering it was submitted on or before its day, 逾期完成 when
after it, 待审核 when reported and not yet verified, 逾期未完成 when its day has passed with nothing reported
(red on the status board), 未到期 otherwise. A department's 按期完成率 is 按期完成 over its nodes due so far
(all but 未到期); its 逾期工作日 add up the working days each late, awaiting or unreported node is (or was)
past its day. A task shared by several departments counts for each of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, tzinfo

from sqlalchemy.orm import Session

from deadlines.policy import DONE, GREEN, RED, YELLOW, ReminderPolicy, workdays_overdue
from deadlines.workdays import WorkdayCalendar
from services.letter_names import LetterNames, letter_names
from services.occurrences import OccurrenceFacts, letter_occurrences
from services.score_summary import ScoreStanding, summarize
from services.scoring_facts import standing
from services.status_board import TaskStatus, task_statuses
from services.tasks import NoLetter, current_letter, departments, list_tasks
from storage.db import Database

ON_TIME, LATE, PENDING, OVERDUE, UPCOMING = "on_time", "late", "pending", "overdue", "upcoming"
MONTH = re.compile(r"^\s*(?:(\d{4})\s*[-./年]\s*)?(\d{1,2})\s*月?\s*(?:份)?\s*$")


class CircularRefused(Exception):
    """No circular for that month; `reason` is a key the handler turns into a short Chinese answer."""

    def __init__(self, reason: str, **details: object):
        super().__init__(reason)
        self.reason, self.details = reason, details


@dataclass(frozen=True)
class Tally:
    """The month's task deadlines, by what became of them (see the module's docstring)."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0
    overdue: int = 0
    upcoming: int = 0
    overdue_workdays: int = 0

    @property
    def due_so_far(self) -> int:
        return self.due - self.upcoming

    @property
    def rate(self) -> float | None:
        """按期完成率; None when nothing was due yet."""
        return self.on_time / self.due_so_far if self.due_so_far else None

    def add(self, kind: str, late_workdays: int) -> Tally:
        return replace(
            self,
            due=self.due + 1,
            **{kind: getattr(self, kind) + 1},
            overdue_workdays=self.overdue_workdays + late_workdays,
        )


@dataclass(frozen=True)
class DepartmentRank:
    rank: int  # departments with the same rate and working days overdue share a rank
    department: str
    tally: Tally


@dataclass(frozen=True)
class OverdueTask:
    code: str
    text: str
    departments: tuple[str, ...]
    due: date
    overdue_workdays: int
    in_month: bool  # the deadline fell in the circular's month


@dataclass(frozen=True)
class DueNext:
    code: str
    text: str
    departments: tuple[str, ...]
    due: date
    phrase: str | None
    reported: bool  # reported, awaiting the office's review


@dataclass(frozen=True)
class Circular:
    names: LetterNames
    year: int
    month: int
    today: date  # every figure is as of this day
    issued_on: date  # the document's date (later than `today` for a month of a year that is over)
    tally: Tally
    colours: dict[str, int] = field(default_factory=dict)  # red/yellow/green/done: every open task today
    ranking: tuple[DepartmentRank, ...] = ()
    idle: tuple[str, ...] = ()  # departments with nothing due (so far) in the month
    overdue: tuple[OverdueTask, ...] = ()
    score: ScoreStanding | None = None
    next_month: tuple[DueNext, ...] = ()

    @property
    def next_month_of(self) -> tuple[int, int]:
        return (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)


# -- which month ------------------------------------------------------------------------------------


def parse_month(text: str, year: int) -> tuple[int, int]:
    """2022-09, 2022-9, 2022年9月, 9月 (the letter year), 9; raises ValueError."""
    m = MONTH.match(text or "")
    if m is None or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(text)
    return int(m.group(1) or year), int(m.group(2))


def default_month(today: date) -> tuple[int, int]:
    """The month a circular is usually about: the one before today's."""
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


# -- the month's arithmetic ---------------------------------------------------------------------------


def _answered_on(f: OccurrenceFacts, tz: tzinfo | None) -> date | None:
    """The local day the report that answers `f` was submitted: the verified one when it is verified."""
    at = f.verified_at if f.verified else f.answered_at
    return at.astimezone(tz).date() if at is not None else None


def nodes(facts: list[OccurrenceFacts], year: int, month: int) -> list[OccurrenceFacts]:
    """The month's task deadlines (任务节点): one per task and day, however many of the task's deadlines fall
    on that day (a report answers them together); answered when every one of them is."""
    found: dict[tuple[int, date], OccurrenceFacts] = {}
    for f in facts:
        if (f.occurrence.due.year, f.occurrence.due.month) != (year, month):
            continue
        key = (f.task.id, f.occurrence.due)
        seen = found.get(key)
        if seen is None:
            found[key] = f
        else:
            phrase = "；".join(p for p in (seen.phrase, f.phrase) if p) or None
            found[key] = seen._replace(
                phrase=phrase, reported=seen.reported and f.reported, verified=seen.verified and f.verified
            )
    return list(found.values())


def classify(f: OccurrenceFacts, answered: date | None, today: date, calendar: WorkdayCalendar) -> tuple[str, int]:
    """What became of one occurrence, and the working days it is or was past its day."""
    due = f.occurrence.due
    if f.verified:
        day = answered or today  # a verified occurrence always has its report; `today` only guards the type
        return (ON_TIME, 0) if day <= due else (LATE, workdays_overdue(due, day, calendar))
    if f.reported:
        return PENDING, workdays_overdue(due, answered, calendar) if answered else 0
    if due < today:
        return OVERDUE, workdays_overdue(due, today, calendar)
    return UPCOMING, 0


def rank(tallies: dict[str, Tally], order: list[str]) -> tuple[tuple[DepartmentRank, ...], tuple[str, ...]]:
    """Departments with something due so far, best first: on-time rate, then fewer working days overdue,
    then the letter's order; the others apart, in the letter's order."""
    position = {name: i for i, name in enumerate(order)}
    ranked = sorted(
        (name for name, t in tallies.items() if t.due_so_far),
        key=lambda n: (-(tallies[n].rate or 0.0), tallies[n].overdue_workdays, position.get(n, len(order))),
    )
    rows: list[DepartmentRank] = []
    for i, name in enumerate(ranked):
        t = tallies[name]
        same = rows and (rows[-1].tally.rate, rows[-1].tally.overdue_workdays) == (t.rate, t.overdue_workdays)
        rows.append(DepartmentRank(rows[-1].rank if same else i + 1, name, t))
    idle = tuple(n for n in order if not tallies.get(n, Tally()).due_so_far)
    return tuple(rows), idle


def _month_tallies(
    facts: list[OccurrenceFacts],
    year: int,
    month: int,
    today: date,
    calendar: WorkdayCalendar,
    tz: tzinfo | None,
) -> tuple[Tally, dict[str, Tally]]:
    total = Tally()
    per_department: dict[str, Tally] = defaultdict(Tally)
    for f in nodes(facts, year, month):
        answered = _answered_on(f, tz)
        kind, late = classify(f, answered, today, calendar)
        total = total.add(kind, late)
        for name in f.task.department_names:  # a shared task counts for each department on it
            per_department[name] = per_department[name].add(kind, late)
    return total, dict(per_department)


def _colours(statuses: list[TaskStatus]) -> dict[str, int]:
    return {colour: sum(1 for s in statuses if s.colour == colour) for colour in (RED, YELLOW, GREEN, DONE)}


def _overdue(statuses: list[TaskStatus], year: int, month: int) -> tuple[OverdueTask, ...]:
    """/overdue's list, in its order."""
    return tuple(
        OverdueTask(
            s.code, s.text, s.departments, s.due, s.overdue_workdays, (s.due.year, s.due.month) == (year, month)
        )
        for s in statuses
        if s.colour == RED and s.due is not None
    )


def _next_month(facts: list[OccurrenceFacts], year: int, month: int) -> tuple[DueNext, ...]:
    """Task deadlines due next month that no verified report answers yet, soonest first."""
    return tuple(
        sorted(
            (
                DueNext(f.task.code, f.task.text, f.task.department_names, f.occurrence.due, f.phrase, f.reported)
                for f in nodes(facts, year, month)
                if not f.verified
            ),
            key=lambda d: (d.due, d.code),
        )
    )


def collect(
    session: Session,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    tz: tzinfo | None,
    year: int,
    month: int,
) -> Circular:
    try:
        letter = current_letter(session, year)
    except NoLetter:
        latest = current_letter(session)  # none at all: NoLetter goes up
        raise CircularRefused("other_year", year=latest.year, asked=year, month=month) from None
    if (year, month) > (today.year, today.month):
        raise CircularRefused("future", year=year, month=month)
    day = min(today, date(letter.year, 12, 31))  # as /overdue counts: nothing is overdue past the letter's year
    facts = letter_occurrences(session, letter)
    statuses = task_statuses(facts, day, calendar, policy)
    total, tallies = _month_tallies(facts, year, month, day, calendar, tz)
    ranking, idle = rank(tallies, [d.name for d in departments(session, "county")])
    state = standing(session, day, calendar, policy, tz=tz)
    red_tasks = [
        (v.id, v.rubric) for v in list_tasks(session, letter) if v.id in {s.code for s in statuses if s.colour == RED}
    ]
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return Circular(
        letter_names(letter),
        year,
        month,
        day,
        today,
        total,
        _colours(statuses),
        ranking,
        idle,
        _overdue(statuses, year, month),
        summarize(state.result, state.rubric, red_tasks),
        _next_month(facts, *following),
    )


def build(
    db: Database,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    tz: tzinfo | None,
    year: int,
    month: int,
) -> Circular:
    """The circular for `year`-`month` as of `today`, in a session of its own. Raises CircularRefused for a
    month outside the letter's year or still to come, services.tasks.NoLetter without a letter."""
    with db.session() as session:
        return collect(session, today, calendar, policy, tz, year, month)
