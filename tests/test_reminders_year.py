"""The whole year 2022 for the bundled letter, day by day, through the fake Bot API.

The count of reminder lines per task occurrence and recipient must equal what the policy says,
computed here independently from the tasks' due dates and the working-day calendar.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import select
from telegram import Bot

from fake_bot_api import FakeBotAPI
from services import reminder_ledger as ledger
from services.tasks import current_letter, list_tasks
from storage.models import Reminder, Task
from storage.paths import BUNDLED_LETTER
from tests.conftest import SHANGHAI
from tests.reminder_world import ADMIN, World, days, reminder_ids

REPORTERS = {"发改局", "住建局"}  # report every occurrence on its (effective) due day, after the reminder
QUIET = "生态环境分局"  # never presses 收到: gets the next-working-day repeats
LAST_DAY = date(2023, 1, 31)
PERIOD_WORKDAYS = {"month": 21, "quarter": 62, "half_year": 125, "year": 250}


def lead_counts_by_due(view, policy) -> dict[date, set[int]]:
    """A due day's leads, of each deadline due that day. The ladder scales with the period: only leads
    shorter than half of it (a month has about 21 working days: 7, 3, 1)."""
    found: dict[date, set[int]] = {}
    for dl in view.deadlines:
        every = dl.spec.get("every") if dl.spec.get("kind") == "recurring" else None
        kept = {n for n in policy.lead_workdays if every is None or n * 2 < PERIOD_WORKDAYS[every]}
        for due in dl.dates:
            found.setdefault(due, set()).update(kept)
    return found


def expected(world: World, chats: dict[str, int]) -> Counter:
    cal, policy = world.calendar, world.policy
    start = date(2022, 1, 1)
    until = cal.add_workdays(date(2022, 12, 31), policy.grace_workdays_after_year)
    with world.db.session() as s:
        views = list_tasks(s, current_letter(s))
    want: Counter = Counter()
    for view in views:
        reported_any = bool(REPORTERS & set(view.departments))
        for due, lead_counts in lead_counts_by_due(view, policy).items():
            eff = cal.previous_workday(due, inclusive=True)
            leads = {cal.add_workdays(eff, -n) for n in lead_counts} | {eff}
            overdue, day = set(), cal.add_workdays(due, 1)
            while day <= until:
                overdue.add(day)
                day = cal.add_workdays(day, 1)
            sent = {d for d in leads | overdue if start <= d <= until}
            if reported_any:
                sent = {d for d in sent if d <= eff}
            for dep in view.departments:
                lines = set(sent)
                if dep == QUIET:
                    lines |= {cal.add_workdays(d, 1) for d in leads if start <= d <= until}
                    lines = {d for d in lines if d <= until and (not reported_any or d <= eff)}
                if lines:
                    want[(chats[dep], view.id, due)] += len(lines)
            escalation = cal.add_workdays(due, policy.escalate_after_workdays)
            if not reported_any and start <= escalation <= until:
                want[(ADMIN, view.id, due)] += 1
    return want


@pytest.mark.slow
async def test_year_2022_reminders_match_the_policy(database_url):
    world = World(database_url, BUNDLED_LETTER, datetime(2022, 1, 1, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        with world.db.session() as s:
            ids = {t.code: t.id for t in s.scalars(select(Task))}
            task_codes = {v: k for k, v in ids.items()}
            to_report = {
                (ids[v.id], due)
                for v in list_tasks(s, current_letter(s))
                if REPORTERS & set(v.departments)
                for dl in v.deadlines
                for due in dl.dates
            }
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            runner = world.runner(bot)
            seen = 0
            for day in days(date(2022, 1, 1), LAST_DAY):
                world.at(day)
                await runner.run_once()
                new, seen = fake.sent[seen:], len(fake.sent)
                with world.db.session() as s:
                    for message in new:  # everyone but QUIET presses 收到 on every line
                        if message.chat_id != chats[QUIET]:
                            for rid in reminder_ids(message):
                                ledger.acknowledge(s, rid, message.chat_id, message.chat_id, world.clock.now())
                world.at(day, 17)  # reporters report what is due today, after the morning reminder
                for task_id, due in sorted(to_report):
                    if world.calendar.previous_workday(due, inclusive=True) == day:
                        world.report(task_id, due)
            # tally what arrived: one button row per line
            got: Counter = Counter()
            with world.db.session() as s:
                rows = {r.id: r for r in s.scalars(select(Reminder))}
            for message in fake.sent:
                for rid in reminder_ids(message):
                    got[(message.chat_id, task_codes[rows[rid].task_id], rows[rid].due_date)] += 1
        assert fake.rejections == []
    want = expected(world, chats)
    print(
        f"year 2022: {len(fake.sent)} messages, {sum(got.values())} reminder lines, "
        f"{len(want)} (recipient, task, due date) pairs"
    )
    assert sum(want.values()) > 3000 and any(chat == ADMIN for chat, _, _ in want)
    assert got == want
