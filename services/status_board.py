"""Where every task stands today (三色预警), who has reports waiting, who is unreachable or silent; once
the letter's year is over, how it ended."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deadlines.policy import DONE, GREEN, RED, YELLOW, ReminderPolicy, status_colour, workdays_overdue
from deadlines.workdays import WorkdayCalendar
from services.letter_file import DEFAULT_OFFICE
from services.letter_year import YearState, letter_and_year
from services.occurrences import OccurrenceFacts, letter_occurrences
from services.tasks import NoLetter
from services.year_end import YearEnd, year_end
from storage.db import Database
from storage.models import Contact, Department, Reminder, Report, Task

RANK = {RED: 3, YELLOW: 2, GREEN: 1, DONE: 0}


@dataclass(frozen=True)
class TaskStatus:
    code: str
    text: str
    departments: tuple[str, ...]
    colour: str
    due: date | None  # the occurrence that decides the colour
    overdue_workdays: int
    reason: str  # why this colour, in Chinese: the rule and the facts


@dataclass
class Board:
    day: date
    tasks: list[TaskStatus]
    pending_reports: int = 0
    unreachable: list[tuple[str, str, str]] = field(default_factory=list)  # (department, name, reason)
    unacknowledged: dict[str, int] = field(default_factory=dict)  # department -> contacts not confirming
    acknowledged: dict[str, int] = field(default_factory=dict)
    year: YearState | None = None
    ended: YearEnd | None = None  # how the letter's year ended, once it has

    def by_colour(self, colour: str) -> list[TaskStatus]:
        return [t for t in self.tasks if t.colour == colour]


def _reason(colour: str, due: date, overdue: int, reported: bool, policy: ReminderPolicy) -> str:
    if colour == DONE:
        return f"{due:%Y-%m-%d} 的任务已上报并经审核通过"
    if colour == RED:
        return f"截止 {due:%Y-%m-%d},已逾期 {overdue} 个工作日,尚未上报完成"
    if reported:
        return f"截止 {due:%Y-%m-%d},已上报,待审核"
    if colour == YELLOW:
        return f"截止 {due:%Y-%m-%d},{policy.yellow_within_workdays} 个工作日内到期"
    return f"下一截止 {due:%Y-%m-%d},进度正常"


def task_statuses(facts: list[OccurrenceFacts], today: date, calendar, policy: ReminderPolicy) -> list[TaskStatus]:
    """One colour per task: its most urgent occurrence (overdue first, then the nearest due)."""
    per_task: dict[int, list[OccurrenceFacts]] = defaultdict(list)
    for f in facts:
        per_task[f.task.id].append(f)
    result = []
    for occs in per_task.values():
        coloured = [
            (status_colour(f.occurrence.due, today, calendar, policy, f.reported, f.verified), f)
            for f in sorted(occs, key=lambda x: x.occurrence.due)
        ]
        pick = (
            next(((c, f) for c, f in coloured if c == RED), None)
            or next(((c, f) for c, f in coloured if c == YELLOW), None)
            or next(((c, f) for c, f in coloured if c == GREEN and f.occurrence.due >= today), None)
            or coloured[-1]
        )
        colour, f = pick
        due = f.occurrence.due
        overdue = workdays_overdue(due, today, calendar)
        result.append(
            TaskStatus(
                f.task.code,
                f.task.text,
                f.task.department_names,
                colour,
                due,
                overdue,
                _reason(colour, due, overdue, f.reported and not f.verified, policy),
            )
        )
    return sorted(result, key=lambda t: (-RANK[t.colour], t.due or date.max, t.code))


def board(
    session: Session,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    ack_window_workdays: int = 5,
    tz: tzinfo | None = None,
) -> Board:
    letter, state = letter_and_year(session, today)
    statuses = task_statuses(letter_occurrences(session, letter), state.day, calendar, policy)
    ended = year_end(session, letter, calendar, tz) if state.ended else None
    result = Board(today, statuses, year=state, ended=ended)
    result.pending_reports = (
        session.scalar(
            select(func.count(Report.id)).join(Task).where(Task.letter_id == letter.id, Report.status == "submitted")
        )
        or 0
    )
    deps: dict[int | None, str] = {d.id: d.name for d in session.scalars(select(Department))}
    office = letter.office or DEFAULT_OFFICE  # an admin contact has no department: it is the office
    for c in session.scalars(select(Contact).where(Contact.reachable.is_(False))):
        where = deps.get(c.department_id, office)
        result.unreachable.append((where, c.display_name or str(c.chat_id), c.unreachable_reason or ""))
    since = calendar.add_workdays(today, -ack_window_workdays)
    silent: dict[str, set[int | None]] = defaultdict(set)
    confirmed: dict[str, set[int | None]] = defaultdict(set)
    # Whether each contact acknowledged some and left some unacknowledged, decided by the database: the
    # window holds a row per reminder line (280,000 at ten times the usual use), the answer one per contact.
    rows = session.execute(
        select(Reminder.contact_id, Reminder.acknowledged_at.is_not(None), Contact.department_id)
        .join(Contact, Contact.id == Reminder.contact_id)
        .where(Reminder.status == "sent", Reminder.send_on >= since, Contact.role == "contact")
        .distinct()
    )
    for contact_id, acked, dep_id in rows:
        (confirmed if acked else silent)[deps.get(dep_id, "")].add(contact_id)
    result.unacknowledged = {d: len(ids) for d, ids in sorted(silent.items())}
    result.acknowledged = {d: len(ids) for d, ids in sorted(confirmed.items())}
    return result


def digest_board(
    db: Database, today: date, calendar: WorkdayCalendar, policy: ReminderPolicy, tz: tzinfo | None = None
) -> Board | None:
    """The board for the office's morning digest; None when no letter is loaded."""
    with db.session() as session:
        try:
            return board(session, today, calendar, policy, tz=tz)
        except NoLetter:
            return None
