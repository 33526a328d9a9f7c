"""A weekly duty's reminders for four weeks around National Day 2022, through the fake Bot API.

Two weekly duties of one department (每周一上午报送, 每周四前报送). The ladder of a weekly duty is one
reminder on the last working day before its week (one message carrying all the week's duties) and one on
the day. National Day 2022: 1-7 October off, Saturday 8 and Sunday 9 October worked in lieu, so the week
of 3 October is due on Saturday the 8th and announced on Friday 30 September, and the week of 10 October
is announced on Sunday the 9th. The contact acknowledges every line and reports each duty on its day.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from datetime import date, datetime

from sqlalchemy import select
from telegram import Bot

from fake_bot_api import FakeBotAPI
from services import reminder_ledger as ledger
from services.occurrences import letter_occurrences
from services.tasks import current_letter
from storage.models import Reminder, Task
from tests.conftest import FIXTURES, SHANGHAI
from tests.reminder_world import World, days, reminder_ids


def due_dates(session) -> list:
    """Every (task, due) round of the letter: the services' own expansion of its deadlines."""
    return [Round(f.occurrence.task_id, f.occurrence.due) for f in letter_occurrences(session, current_letter(session))]


LETTER = FIXTURES / "weekly-letter.yaml"
Round = namedtuple("Round", "task_id due")
D = date.fromisoformat

# day -> the (task, due day) lines of that day's one message to the contact, worked out by hand
EXPECTED = {
    "2022-09-16": [("1.1", "2022-09-19"), ("1.2", "2022-09-22")],  # Friday: the week of 19 Sep
    "2022-09-19": [("1.1", "2022-09-19")],
    "2022-09-22": [("1.2", "2022-09-22")],
    "2022-09-23": [("1.1", "2022-09-26"), ("1.2", "2022-09-29")],
    "2022-09-26": [("1.1", "2022-09-26")],
    "2022-09-29": [("1.2", "2022-09-29")],
    "2022-09-30": [("1.1", "2022-10-08"), ("1.2", "2022-10-08")],  # the holiday week, both moved to Sat 8
    "2022-10-08": [("1.1", "2022-10-08"), ("1.2", "2022-10-08")],
    "2022-10-09": [("1.1", "2022-10-10"), ("1.2", "2022-10-13")],  # Sunday worked in lieu
    "2022-10-10": [("1.1", "2022-10-10")],
    "2022-10-13": [("1.2", "2022-10-13")],
    "2022-10-14": [("1.1", "2022-10-17"), ("1.2", "2022-10-20")],
}


async def test_weekly_duties_around_national_day_2022(database_url):
    world = World(database_url, LETTER, datetime(2022, 9, 15, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        chat = world.add_contacts(fake)["生态环境分局"]
        with world.db.session() as s:
            codes = {t.id: t.code for t in s.scalars(select(Task))}
            earlier = {(d.task_id, d.due) for d in due_dates(s) if d.due < D("2022-09-16")}
        for task_id, due in sorted(earlier):  # the rounds before the test's first day were reported then
            world.report(task_id, due)
        got: dict[str, list[tuple[str, str]]] = {}
        texts: dict[str, str] = {}
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            runner = world.runner(bot)
            seen = 0
            for day in days(D("2022-09-16"), D("2022-10-16")):
                world.at(day)
                await runner.run_once()
                new, seen = fake.sent[seen:], len(fake.sent)
                mine = [m for m in new if m.chat_id == chat]
                assert len(mine) <= 1, f"{day}: one message a day at most"
                with world.db.session() as s:
                    rows = {r.id: r for r in s.scalars(select(Reminder))}
                    for message in mine:
                        ids = reminder_ids(message)
                        got[day.isoformat()] = sorted(
                            (codes[rows[i].task_id], rows[i].due_date.isoformat()) for i in ids
                        )
                        texts[day.isoformat()] = message.text
                        for rid in ids:
                            ledger.acknowledge(s, rid, chat, chat, world.clock.now())
                world.at(day, 17)  # the contact reports what is due today, after the morning reminder
                for task_id in codes:
                    due_today = [r for r in rows.values() if r.task_id == task_id and r.due_date == day]
                    if due_today:
                        world.report(task_id, day)
        assert fake.rejections == []
    assert got == EXPECTED
    for day, text in texts.items():
        print(day, "|", text.splitlines()[0], "|", "; ".join(f"{c}@{d}" for c, d in got[day]))
    holiday_week = texts["2022-09-30"]
    assert "10月8日(周六)" in holiday_week and "每周一上午报送" in holiday_week and "每周四前报送" in holiday_week
    by_kind = defaultdict(set)
    for row in world.rows():
        by_kind[row.kind].add(row.lead)
    assert by_kind["lead"] <= {1, 4, 5}  # one lead per occurrence: the working day before its week
    assert "overdue" not in by_kind and "repeat" not in by_kind


async def test_a_weekly_duty_loaded_mid_year_brings_no_backlog_of_overdue_weeks(database_url):
    world = World(database_url, LETTER, datetime(2022, 9, 15, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        chat = world.add_contacts(fake)["生态环境分局"]
        with world.db.session() as s:
            codes = {t.id: t.code for t in s.scalars(select(Task))}
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            world.at(D("2022-09-16"))
            await world.runner(bot).run_once()
        with world.db.session() as s:
            rows = {r.id: r for r in s.scalars(select(Reminder))}
        lines = {
            (codes[rows[i].task_id], rows[i].due_date.isoformat())
            for m in fake.sent
            if m.chat_id == chat
            for i in reminder_ids(m)
        }
    # only the rounds whose next round is not due yet: 1.1 of Tue 13 Sep (Monday 12th was 中秋), 1.2 of
    # Thu 15 Sep; the thirty-odd earlier weeks are not reminded
    assert lines == {("1.1", "2022-09-13"), ("1.2", "2022-09-15"), ("1.1", "2022-09-19"), ("1.2", "2022-09-22")}
