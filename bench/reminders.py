"""Reminder delivery and planning benchmark. Prints figures; asserts nothing.

1. 1,000 recipients each due one reminder, delivered by the real runner through the fake Bot API with
   Telegram's flood limits switched on: wall time against the physical bound of 1000/30 = 33.3 s, the
   429 answers, and how many were delivered, duplicated and lost.
2. The planning pass (database read, plan, ledger insert) for 100,000 tasks, then the writing out of the
   day's overdue lists into ledger rows that comes right before sending (services/overdue_lists.py), and
   the pure planner alone: on SQLite, and on PostgreSQL too when --postgres names a server account that
   may create databases (a scratch database is created for the run and dropped after).

Run from the repository root: .venv/bin/python bench/reminders.py [--recipients 1000] [--tasks 100000]
    [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--only planning|delivery]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from telegram import Bot

from channels.telegram.sender import TelegramSender
from deadlines.clock import FakeClock
from deadlines.planner import Occurrence, Recipient, plan, plan_with_roll_call
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from fake_bot_api import FakeBotAPI
from scheduler.runner import ReminderRunner, RunReport
from services.overdue_lists import write_out_due
from storage import migrate
from storage.db import Database
from storage.models import Contact, Deadline, Department, Item, Letter, Reminder, Task, task_departments

TZ = ZoneInfo("Asia/Shanghai")
DUE = date(2022, 9, 30)


@contextmanager
def scratch_url(postgres: str | None, folder: Path, name: str) -> Iterator[str]:
    """A fresh empty database: a SQLite file in `folder`, or a new database on the PostgreSQL server."""
    if postgres is None:
        yield f"sqlite:///{folder / name}.db"
        return
    admin = make_url(postgres)
    scratch = f"duban_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{scratch}"'))
    try:
        yield admin.set(database=scratch).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        engine.dispose()


def bulk(session: Session, target: Any, rows: list[dict[str, Any]]) -> None:
    """Multi-row INSERTs of 1,000 rows each: one statement (and one statement-level trigger, migration
    0008) per thousand rows, where an executemany on PostgreSQL runs one statement per row."""
    table = getattr(target, "__table__", target)
    for i in range(0, len(rows), 1000):
        session.execute(insert(table).values(rows[i : i + 1000]))


def make_world(url: str, tasks: int, contacts: int, loaded: datetime) -> Database:
    """A letter of `tasks` year-spread tasks, one department, `contacts` contacts: built in bulk."""
    db = Database(url)
    migrate.upgrade(db)
    with db.session() as s:
        letter = Letter(code="bench", year=2022, title="bench", source_digest="-", loaded_at=loaded)
        s.add(letter)
        s.flush()
        item = Item(letter_id=letter.id, no=1, section_no=1, section_title="s", title="t")
        dep = Department(name="生态环境分局", level="county", aliases=[])
        s.add_all([item, dep])
        s.flush()
        days = [DUE] if tasks == 1 else [date.fromordinal(date(2022, 1, 3).toordinal() + i % 360) for i in range(tasks)]
        bulk(
            s,
            Task,
            [
                dict(
                    letter_id=letter.id,
                    item_id=item.id,
                    code=f"1.{i + 1}",
                    position=i,
                    text=f"任务{i + 1}",
                    targets=[],
                    rubric_ids=[],
                    origin="letter",
                    active=True,
                    closed=False,
                )
                for i in range(tasks)
            ],
        )
        ids = list(s.scalars(select(Task.id).order_by(Task.id)))
        bulk(
            s,
            task_departments,
            [dict(task_id=t, department_id=dep.id, role="responsible", position=0) for t in ids],
        )
        bulk(
            s,
            Deadline,
            [
                dict(
                    task_id=t,
                    key=f"absolute;date={d}",
                    position=0,
                    kind="absolute",
                    spec={"kind": "absolute", "date": d.isoformat()},
                    origin="letter",
                    active=True,
                )
                for t, d in zip(ids, days, strict=True)
            ],
        )
        bulk(
            s,
            Contact,
            [
                dict(
                    department_id=dep.id,
                    chat_id=100_000 + i,
                    user_id=100_000 + i,
                    kind="user",
                    role="contact",
                    reachable=True,
                    created_at=loaded,
                )
                for i in range(contacts)
            ],
        )
    return db


async def delivery(recipients: int, postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp, scratch_url(postgres, Path(tmp), "bench") as url:
        loaded = datetime.combine(DUE, dtime(8, 0), TZ)  # loaded that morning: one reminder each, no catch-up
        db = make_world(url, 1, recipients, loaded)
        clock = FakeClock(datetime.combine(DUE, dtime(9, 0), TZ))
        policy = ReminderPolicy(digest_enabled=False)
        with FakeBotAPI(flood_limits=True) as fake:
            for i in range(recipients):
                fake.add_user(100_000 + i)
            async with Bot(fake.token, base_url=fake.base_url) as bot:
                runner = ReminderRunner(db, clock, WorkdayCalendar(), TelegramSender(bot), frozenset(), policy)
                report = RunReport(DUE)
                runner.plan(DUE, report)
                started = time.perf_counter()
                await runner.send_due(DUE, report)
                wall = time.perf_counter() - started
            per_chat = Counter(m.chat_id for m in fake.sent)
            limited = fake.flood_429_count
        bound = recipients / 30
        delivered = sum(1 for i in range(recipients) if per_chat.get(100_000 + i))
        print(f"delivery on {db.engine.dialect.name}: {recipients} recipients, one reminder each, flood limits on")
        print(f"  wall time        {wall:8.2f} s   (physical bound {bound:.1f} s; {100 * (wall / bound - 1):+.1f}%)")
        print(f"  429 answers      {limited:8d}")
        print(f"  delivered        {delivered:8d}")
        print(f"  duplicated       {sum(1 for n in per_chat.values() if n > 1):8d}")
        print(f"  lost             {recipients - delivered:8d}")
        db.dispose()


def planning(tasks: int, postgres: str | None) -> None:
    cal, policy = WorkdayCalendar(), ReminderPolicy()
    today = date(2022, 9, 30)
    with tempfile.TemporaryDirectory() as tmp, scratch_url(postgres, Path(tmp), "plan") as url:
        loaded = datetime(2022, 1, 1, 8, 0, tzinfo=TZ)
        started = time.perf_counter()
        db = make_world(url, tasks, 1, loaded)
        backend = db.engine.dialect.name
        if backend == "postgresql":  # statistics, as autovacuum gathers them after a load; the pass runs days later
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        built = time.perf_counter() - started
        clock = FakeClock(datetime.combine(today, dtime(9, 0), TZ))
        runner = ReminderRunner(db, clock, cal, None, frozenset(), policy)
        with db.session() as s:  # the scheduler planned yesterday: today's pass covers one day
            from services.reminder_ledger import set_state

            set_state(s, "reminders.planned_through.1", cal.add_workdays(today, -1).isoformat(), clock.now())
        report = RunReport(today)
        started = time.perf_counter()
        runner.plan(today, report)
        full = time.perf_counter() - started
        started = time.perf_counter()
        written = write_out_due(db, today, clock.now(), policy, cal)
        writing = time.perf_counter() - started
        # The next working day in the same process: the letter's occurrences, unchanged since, are kept
        # (services/occurrences.py); yesterday's rows were sent (their unacknowledged leads come again).
        with db.session() as s:
            s.execute(update(Reminder).where(Reminder.status == "planned").values(status="sent", sent_at=clock.now()))
        following = cal.add_workdays(today, 1)
        clock.set(datetime.combine(following, dtime(9, 0), TZ))
        report_next = RunReport(following)
        started = time.perf_counter()
        runner.plan(following, report_next)
        warm = time.perf_counter() - started
        db.dispose()
    occurrences = [Occurrence(i, i, date.fromordinal(date(2022, 1, 3).toordinal() + i % 360)) for i in range(tasks)]
    who = [Recipient(1, 1)]
    started = time.perf_counter()
    planned = plan(occurrences, lambda occ: who, [Recipient(999)], policy, cal, today, today)
    pure = time.perf_counter() - started
    started = time.perf_counter()
    rest, roll = plan_with_roll_call(occurrences, lambda occ: who, [Recipient(999)], policy, cal, today, today)
    pure_lists = time.perf_counter() - started
    print(f"planning on {backend}: {tasks} tasks (built in {built:.1f} s)")
    print(f"  one day's planning pass (read, plan, ledger): {full:6.2f} s, {_recorded(report)}")
    print(f"  the next working day's pass, same process:    {warm:6.2f} s, {_recorded(report_next)}")
    print(
        f"  the day's overdue lists written out to send:  {writing:6.2f} s, {written.lists} lists "
        f"as {written.lines} ledger rows"
    )
    print(f"  pure planner alone, every stage a row:        {pure:6.2f} s, {len(planned)} reminders")
    print(
        f"  pure planner alone, overdue as lists:         {pure_lists:6.2f} s, {len(rest)} reminders "
        f"and {len(roll)} lists of {sum(roll.values())} lines"
    )


def _recorded(report: RunReport) -> str:
    return f"{report.planned} reminders, {report.repeats} repeats and {report.lists} overdue lists recorded"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server (a scratch database)")
    parser.add_argument("--only", choices=("planning", "delivery"), help="run one of the two parts")
    args = parser.parse_args()
    backends = [None] if args.postgres is None else [None, args.postgres]
    for postgres in backends:
        if args.only != "planning":
            asyncio.run(delivery(args.recipients, postgres))
        if args.only != "delivery":
            planning(args.tasks, postgres)


if __name__ == "__main__":
    main()
