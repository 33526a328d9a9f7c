"""Reminder delivery and planning benchmark. Prints figures; asserts nothing.

1. 1,000 recipients each due one reminder, delivered by the real runner through the fake Bot API with
   Telegram's flood limits switched on: wall time against the physical bound of 1000/30 = 33.3 s, the
   429 answers, and how many were delivered, duplicated and lost.
2. The planning pass (database read, plan, ledger insert) for 100,000 tasks, and the pure planner alone.

Run from the repository root: .venv/bin/python bench/reminders.py [--recipients 1000] [--tasks 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select
from telegram import Bot

from channels.telegram.sender import TelegramSender
from deadlines.clock import FakeClock
from deadlines.planner import Occurrence, Recipient, plan
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from fake_bot_api import FakeBotAPI
from scheduler.runner import ReminderRunner, RunReport
from storage import migrate
from storage.db import Database
from storage.models import Contact, Deadline, Department, Item, Letter, Task, task_departments

TZ = ZoneInfo("Asia/Shanghai")
DUE = date(2022, 9, 30)


def make_world(path: Path, tasks: int, contacts: int, loaded: datetime) -> Database:
    """A letter of `tasks` year-spread tasks, one department, `contacts` contacts: built in bulk."""
    db = Database(f"sqlite:///{path}")
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
        s.execute(
            insert(Task),
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
        s.execute(
            insert(task_departments),
            [dict(task_id=t, department_id=dep.id, role="responsible", position=0) for t in ids],
        )
        s.execute(
            insert(Deadline),
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
        s.execute(
            insert(Contact),
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


async def delivery(recipients: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        loaded = datetime.combine(DUE, dtime(8, 0), TZ)  # loaded that morning: one reminder each, no catch-up
        db = make_world(Path(tmp) / "bench.db", 1, recipients, loaded)
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
        print(f"delivery: {recipients} recipients, one reminder each, flood limits on")
        print(f"  wall time        {wall:8.2f} s   (physical bound {bound:.1f} s; {100 * (wall / bound - 1):+.1f}%)")
        print(f"  429 answers      {limited:8d}")
        print(f"  delivered        {delivered:8d}")
        print(f"  duplicated       {sum(1 for n in per_chat.values() if n > 1):8d}")
        print(f"  lost             {recipients - delivered:8d}")
        db.dispose()


def planning(tasks: int) -> None:
    cal, policy = WorkdayCalendar(), ReminderPolicy()
    today = date(2022, 9, 30)
    with tempfile.TemporaryDirectory() as tmp:
        loaded = datetime(2022, 1, 1, 8, 0, tzinfo=TZ)
        started = time.perf_counter()
        db = make_world(Path(tmp) / "plan.db", tasks, 1, loaded)
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
        db.dispose()
    occurrences = [Occurrence(i, i, date.fromordinal(date(2022, 1, 3).toordinal() + i % 360)) for i in range(tasks)]
    who = [Recipient(1, 1)]
    started = time.perf_counter()
    planned = plan(occurrences, lambda occ: who, [Recipient(999)], policy, cal, today, today)
    pure = time.perf_counter() - started
    print(f"planning: {tasks} tasks (built in {built:.1f} s)")
    print(f"  one day's planning pass (read, plan, ledger): {full:6.2f} s, {report.planned} reminders recorded")
    print(f"  pure planner alone:                           {pure:6.2f} s, {len(planned)} reminders")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(delivery(args.recipients))
    planning(args.tasks)


if __name__ == "__main__":
    main()
