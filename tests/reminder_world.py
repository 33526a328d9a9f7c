"""A small world for reminder tests: a real SQLite file, a fake clock, contacts, and the real runner
talking to the fake Bot API. Days are moved by the clock; nothing sleeps."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from telegram import Bot

from bot.app import weekly_report_parts
from channels.telegram.pacing import Pacer
from channels.telegram.sender import TelegramSender
from deadlines.clock import FakeClock
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from scheduler.runner import ReminderRunner
from scheduler.weekly import WeeklyDelivery
from services.letter_file import read_letter
from services.letters import load_letter
from storage import migrate
from storage.db import Database
from storage.models import Contact, Department, Reminder, Report
from tests.conftest import SHANGHAI

ADMIN = 999
NO_LIMITS = dict(overall_per_second=10**6, private_per_second=10**6, group_per_minute=10**6)


def chat_of(department_id: int) -> int:
    return 10_000 + department_id


class World:
    def __init__(self, database_url: str, letter: Path, loaded_at: datetime, policy: ReminderPolicy | None = None):
        self.db = Database(database_url)
        migrate.upgrade(self.db)
        self.clock = FakeClock(loaded_at)
        self.calendar = WorkdayCalendar()
        self.policy = policy or ReminderPolicy()
        with self.db.session() as s:
            load_letter(s, read_letter(letter), self.clock)

    def add_many_contacts(self, fake, department: str, count: int, first_id: int = 60_000) -> None:
        """`count` more private contacts of one department (chat and user ids from `first_id`): a burst."""
        with self.db.session() as s:
            dep = s.scalar(select(Department).where(Department.name == department))
            for i in range(count):
                s.add(
                    Contact(
                        department_id=dep.id,
                        chat_id=first_id + i,
                        user_id=first_id + i,
                        kind="user",
                        role="contact",
                        display_name=f"联络员{i}",
                        created_at=self.clock.now(),
                    )
                )
                fake.add_user(first_id + i)

    def add_contacts(self, fake, departments: list[str] | None = None) -> dict[str, int]:
        """One private contact per department (chat id 10000 + department id); returns name -> chat id."""
        chats = {}
        with self.db.session() as s:
            deps = s.scalars(select(Department).where(Department.level == "county"))
            for dep in deps:
                if departments is not None and dep.name not in departments:
                    continue
                chat = chat_of(dep.id)
                s.add(
                    Contact(
                        department_id=dep.id,
                        chat_id=chat,
                        user_id=chat,
                        kind="user",
                        role="contact",
                        display_name=f"{dep.name}联络员",
                        created_at=self.clock.now(),
                    )
                )
                fake.add_user(chat, first_name=f"{dep.name}联络员")
                chats[dep.name] = chat
        fake.add_user(ADMIN, first_name="美丽办")
        return chats

    def runner(
        self, bot: Bot, pacer: Pacer | None = None, weekly: tuple[int, time] | None = None, **kwargs
    ) -> ReminderRunner:
        """The runner as bot/app.py assembles it; `weekly` (weekday, time) turns the weekly report on."""
        deliverer = TelegramSender(bot, pacer or Pacer(**NO_LIMITS), backoff=0.01)
        report = None
        if weekly is not None:
            parts = weekly_report_parts(self.db, self.calendar, self.policy, self.clock.tz)
            report = WeeklyDelivery(self.db, self.clock, deliverer, frozenset({ADMIN}), weekly, parts)
        return ReminderRunner(
            self.db, self.clock, self.calendar, deliverer, frozenset({ADMIN}), self.policy, weekly=report, **kwargs
        )

    def at(self, day: date, hour: int = 9, minute: int = 0) -> None:
        self.clock.set(datetime.combine(day, time(hour, minute), SHANGHAI))

    def rows(self, **where) -> list[Reminder]:
        with self.db.session() as s:
            query = select(Reminder)
            for name, value in where.items():
                query = query.where(getattr(Reminder, name) == value)
            return list(s.scalars(query))

    def report(self, task_id: int, due: date | None) -> None:
        with self.db.session() as s:
            s.add(
                Report(
                    task_id=task_id,
                    kind="completion",
                    status="submitted",
                    occurrence_due=due,
                    submitted_at=self.clock.now(),
                )
            )


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def reminder_ids(message) -> list[int]:
    """The ledger rows a sent reminder lists, read from its buttons (one "收到" button per line)."""
    ids = []
    for row in (message.reply_markup or {}).get("inline_keyboard", []):
        data = row[0]["callback_data"]
        if data.startswith("r:a:"):
            ids.append(int(data[4:]))
    return ids
