"""A day's overdue reminder to one recipient, planned as one row and written out when it is sent.

An occurrence overdue for weeks is reminded of every working day. Planned one ledger row per overdue
occurrence per recipient per day, a letter of 100,000 tasks made 75,000 rows each morning before the first
message could go. The daily pass (services/reminder_planning.py) plans instead one `overdue_lists` row per
(letter, recipient, day), with how many occurrences it counted. When the day's reminders are sent, each due
list is written out into the ledger as the per-occurrence rows (kind `overdue`, the same keys the planner
has always given them), from the occurrences open at that moment: those answered since are not written at
all. From there on the rows go the way every reminder goes (services/reminder_delivery.py): claimed, sent,
acknowledged, repeated, in doubt. So what a recipient receives, and what the ledger says of each line, is
unchanged; only the planning pass no longer grows with the backlog.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from deadlines.planner import Planned, Recipient, RollCall, overdue_lines
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services import reminder_ledger as ledger
from services.gc_pause import gc_paused
from services.occurrences import open_occurrences
from storage.db import Database
from storage.models import Letter, OverdueList

NOTHING_LEFT = "nothing overdue for this recipient any more: answered, closed or reassigned since it was planned"


def list_key(letter_id: int, day: date, recipient: Recipient) -> str:
    return f"L{letter_id}|{day.isoformat()}|{recipient.tag}"


def record_lists(session: Session, letter_id: int, roll: RollCall, now: datetime) -> int:
    """One planned list per (recipient, day) of the roll call that the ledger does not hold yet; returns how
    many were new. ON CONFLICT (key) DO NOTHING: a second planner racing this one adds nothing twice."""
    if not roll:
        return 0
    rows = [
        dict(
            key=list_key(letter_id, day, recipient),
            letter_id=letter_id,
            send_on=day,
            contact_id=recipient.contact_id,
            chat_id=recipient.chat_id,
            counted=count,
            status="planned",
            created_at=now,
        )
        for (recipient, day), count in sorted(roll.items(), key=lambda item: (item[0][1], item[0][0].tag))
    ]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(OverdueList).on_conflict_do_nothing(index_elements=["key"]).returning(OverdueList.id)
    return len(session.execute(statement, rows).all())


def withdraw(session: Session, letter_id: int, reason: str) -> int:
    """The lists a letter still has planned are not sent, saying why."""
    result = session.execute(
        update(OverdueList)
        .where(OverdueList.letter_id == letter_id, OverdueList.status == "planned")
        .values(status="superseded", note=reason)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


@dataclass(frozen=True)
class WrittenOut:
    lists: int = 0  # lists written out
    lines: int = 0  # ledger rows they became (new ones)
    empty: int = 0  # lists with nothing left to send (superseded)


def write_out_due(
    db: Database, today: date, now: datetime, policy: ReminderPolicy, calendar: WorkdayCalendar
) -> WrittenOut:
    """Every planned list due by `today` written out into the ledger's rows, in one transaction: a crash
    leaves the lists planned and nothing written; a second process doing the same at once writes each key
    once (ON CONFLICT DO NOTHING) and finds the lists no longer planned."""
    with gc_paused(), db.session() as s:  # up to a letter's worth of lines as tuples (services/gc_pause.py)
        due = list(
            s.scalars(
                select(OverdueList)
                .where(OverdueList.status == "planned", OverdueList.send_on <= today)
                .order_by(OverdueList.letter_id, OverdueList.id)
            )
        )
        by_letter: dict[int, list[OverdueList]] = defaultdict(list)
        for row in due:
            by_letter[row.letter_id].append(row)
        written, lines, empty = 0, 0, 0
        for letter_id, lists in by_letter.items():
            new, counts = _write_letter(s, s.get_one(Letter, letter_id), lists, now, policy, calendar)
            lines += new
            for row in lists:
                count = counts.get(row.id, 0)
                if not _settle(s, row.id, now, count):
                    continue  # a second process wrote the same list out meanwhile
                if count:
                    written += 1
                else:
                    empty += 1
        return WrittenOut(written, lines, empty)


def _settle(s: Session, list_id: int, now: datetime, lines: int) -> bool:
    """The list written (as `lines` rows), or superseded when nothing was left on it: compare-and-set on
    `planned`, so only one writer settles it. False when it was not planned any more."""
    if lines:
        values: dict[str, object] = dict(status="written", lines=lines, written_at=now)
    else:
        values = dict(status="superseded", written_at=now, note=NOTHING_LEFT)
    result = s.execute(
        update(OverdueList).where(OverdueList.id == list_id, OverdueList.status == "planned").values(**values)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _write_letter(
    s: Session,
    letter: Letter,
    lists: list[OverdueList],
    now: datetime,
    policy: ReminderPolicy,
    calendar: WorkdayCalendar,
) -> tuple[int, dict[int, int]]:
    """The lines of one letter's due lists, as the planner stages them over the lists' days for today's
    recipients, kept where a list asks for that (recipient, day). Returns the new rows and each list's lines."""
    found = open_occurrences(s, letter)  # kept from the day's pass, unless the letter's data changed since
    recipients_of = ledger.department_chats(found.departments, ledger.recipients_by_department(s))
    first, last = min(row.send_on for row in lists), max(row.send_on for row in lists)
    wanted = {(row.chat_id, row.contact_id, row.send_on): row.id for row in lists}
    mine: list[Planned] = []
    counts: dict[int, int] = defaultdict(int)
    for line in overdue_lines(found.occurrences, recipients_of, policy, calendar, first, last):
        list_id = wanted.get((line.recipient.chat_id, line.recipient.contact_id, line.stage.send_on))
        if list_id is not None:
            mine.append(line)
            counts[list_id] += 1
    return ledger.record_planned(s, mine, now), counts
