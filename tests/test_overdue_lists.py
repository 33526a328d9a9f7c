"""A recipient's overdue occurrences of a day: planned as one list, written out into the ledger when sent.

What must hold: the ledger the recipient's messages are built from is the one the planner always made
(the same rows, the same keys), only the overdue rows are written at send time, from the occurrences still
open then; each list and each line at most once, whoever writes it out.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from deadlines.planner import OVERDUE, Occurrence, Recipient, overdue_lines, plan, plan_with_roll_call
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services import reminder_ledger as ledger
from services.occurrences import letter_occurrences
from services.overdue_lists import NOTHING_LEFT, write_out_due
from services.reminder_planning import plan_day
from services.tasks import current_letter
from storage.models import OverdueList, Reminder, Task
from storage.paths import BUNDLED_LETTER
from tests.conftest import SHANGHAI
from tests.reminder_world import ADMIN, World

LOADED = datetime(2022, 1, 4, 8, 0, tzinfo=SHANGHAI)
SINCE = date(2022, 9, 1)  # planned through that day: the pass below catches up on September
TODAY = date(2022, 9, 30)


class Fake:
    def add_user(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def world(database_url) -> World:
    w = World(database_url, BUNDLED_LETTER, LOADED)
    w.add_contacts(Fake())
    with w.db.session() as s:
        ledger.set_state(s, f"reminders.planned_through.{current_letter(s).id}", SINCE.isoformat(), w.clock.now())
    w.at(TODAY)
    return w


def pass_of(world: World, day: date):
    world.at(day)
    return plan_day(world.db, day, world.clock.now(), frozenset({ADMIN}), world.policy, world.calendar)


def write_out(world: World, day: date):
    return write_out_due(world.db, day, world.clock.now(), world.policy, world.calendar)


def lists(world: World) -> list[OverdueList]:
    with world.db.session() as s:
        return list(s.scalars(select(OverdueList).order_by(OverdueList.id)))


def keys(world: World) -> set[str]:
    with world.db.session() as s:
        return set(s.scalars(select(Reminder.key)))


def as_planned_before(world: World, first: date, last: date) -> list:
    """What the planner wrote before lists: every stage of every open occurrence a row, overdue ones too."""
    with world.db.session() as s:
        facts = letter_occurrences(s, current_letter(s))
        departments = {f.task.id: f.task.department_ids for f in facts}
        recipients_of = ledger.department_chats(departments, ledger.recipients_by_department(s))
        office = ledger.office_recipients(s, frozenset({ADMIN}))
        open_ones = [f.occurrence for f in facts if not f.reported]
    return plan(open_ones, recipients_of, office, world.policy, world.calendar, first, last)


def test_the_pass_plans_a_list_per_recipient_and_day_and_sending_writes_out_the_same_ledger(world):
    before = as_planned_before(world, SINCE + timedelta(days=1), TODAY)
    overdue = [p for p in before if p.stage.kind == OVERDUE]
    assert len(overdue) > 100  # a month of catching up: the backlog this is about

    day = pass_of(world, TODAY)
    assert day.planned == len(before) - len(overdue)  # leads, due days, escalations: a row each, as before
    assert keys(world) == {p.key for p in before if p.stage.kind != OVERDUE}
    per_day = Counter((p.recipient.chat_id, p.stage.send_on) for p in overdue)
    assert {(x.chat_id, x.send_on): x.counted for x in lists(world)} == dict(per_day)
    assert day.lists == len(per_day) < len(overdue)

    written = write_out(world, TODAY)
    assert (written.lists, written.lines, written.empty) == (len(per_day), len(overdue), 0)
    assert keys(world) == {p.key for p in before}  # the ledger the planner always made, key for key
    assert {x.status for x in lists(world)} == {"written"}
    assert sum(x.lines for x in lists(world)) == len(overdue)


def test_planning_and_writing_out_again_add_nothing(world):
    pass_of(world, TODAY)
    write_out(world, TODAY)
    rows, made = keys(world), lists(world)
    with world.db.session() as s:  # a second process, or a restart after the day's pass was recorded
        ledger.set_state(s, f"reminders.planned_on.{current_letter(s).id}", "2022-09-29", world.clock.now())
        ledger.set_state(s, f"reminders.planned_through.{current_letter(s).id}", SINCE.isoformat(), world.clock.now())
    again = pass_of(world, TODAY)
    assert (again.planned, again.lists) == (0, 0)
    assert (write_out(world, TODAY).lists, write_out(world, TODAY).lines) == (0, 0)
    assert keys(world) == rows and [(x.key, x.status, x.lines) for x in lists(world)] == [
        (x.key, x.status, x.lines) for x in made
    ]


def test_a_task_reported_after_the_pass_is_not_written_out_and_an_emptied_list_says_why(world):
    pass_of(world, TODAY)
    today_lists = [x for x in lists(world) if x.send_on == TODAY]
    smallest = min(today_lists, key=lambda x: x.counted)
    lines = [
        p
        for p in as_planned_before(world, TODAY, TODAY)
        if p.stage.kind == OVERDUE and p.recipient.chat_id == smallest.chat_id
    ]
    assert len(lines) == smallest.counted
    for p in lines:  # every occurrence on that list is answered between the pass and the send
        world.report(p.occurrence.task_id, p.occurrence.due)
    written = write_out(world, TODAY)
    assert written.empty >= 1
    emptied = next(x for x in lists(world) if x.id == smallest.id)
    assert (emptied.status, emptied.note, emptied.lines) == ("superseded", NOTHING_LEFT, None)
    assert not {p.key for p in lines} & keys(world)


def test_a_list_is_written_out_on_its_day_not_before(world):
    day, before = date(2022, 9, 29), date(2022, 9, 28)
    pass_of(world, day)
    with world.db.session() as s:
        assert s.scalar(select(func.max(OverdueList.send_on))) == day
    assert write_out(world, before).lists == len([x for x in lists(world) if x.send_on <= before]) > 0
    assert {x.status for x in lists(world) if x.send_on == day} == {"planned"}


def test_lists_whose_tasks_were_all_closed_since_are_superseded_saying_why(world):
    pass_of(world, TODAY)  # lists planned, none written out
    with world.db.session() as s:
        for task in s.scalars(select(Task)):
            task.closed = True
    assert {x.status for x in lists(world)} == {"planned"}
    written = write_out(world, TODAY)  # every task closed since: nothing left on any list
    assert written.lines == 0 and written.empty == len(lists(world))
    assert {(x.status, x.note) for x in lists(world)} == {("superseded", NOTHING_LEFT)}


def test_the_lists_a_finished_letter_left_planned_are_withdrawn(world):
    pass_of(world, TODAY)  # lists planned; the bot then stopped until long after the year and its grace
    assert {x.status for x in lists(world)} == {"planned"}
    assert pass_of(world, date(2026, 12, 2)).skipped == "no letter in its year"
    assert {(x.status, x.note) for x in lists(world)} == {("superseded", "the letter's year is over")}
    assert write_out(world, date(2026, 12, 2)).lists == 0


# The pure planner: the roll call is exactly the overdue rows `plan` makes, counted per recipient and day.
CAL = WorkdayCalendar()
PEOPLE = [Recipient(i, i) for i in range(1, 6)]


@pytest.mark.parametrize("seed", range(40))
def test_the_roll_call_counts_exactly_the_overdue_rows_the_planner_makes(seed):
    rnd = random.Random(seed)
    occurrences = []
    for i in range(rnd.randint(1, 80)):
        due = date(2022, 1, 3) + timedelta(days=rnd.randint(0, 330))
        period = rnd.choice([None, "month", "quarter", "week", "fortnight"])
        following = due + timedelta(days=rnd.choice([7, 14, 30])) if period and rnd.random() < 0.7 else None
        occurrences.append(Occurrence(i, 1000 + i, due, period, following))
    deps = {o.task_id: rnd.sample(PEOPLE, rnd.randint(0, 3)) for o in occurrences}
    start = date(2022, 1, 3) + timedelta(days=rnd.randint(0, 330))
    until = start + timedelta(days=rnd.randint(0, 14))  # one day, or a catch-up
    policy = ReminderPolicy()
    every = plan(occurrences, lambda o: deps[o.task_id], [Recipient(ADMIN)], policy, CAL, start, until)
    # A fresh list per call: the roll call must not mix up recipient lists that are not kept.
    rest, roll = plan_with_roll_call(
        occurrences, lambda o: list(deps[o.task_id]), [Recipient(ADMIN)], policy, CAL, start, until
    )
    overdue = [p for p in every if p.stage.kind == OVERDUE]
    assert roll == dict(Counter((p.recipient, p.stage.send_on) for p in overdue))
    assert rest == [p for p in every if p.stage.kind != OVERDUE]
    assert overdue_lines(occurrences, lambda o: deps[o.task_id], policy, CAL, start, until) == overdue
