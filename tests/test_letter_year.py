"""A letter has a year: once it is over the views say how it ended instead of counting working days overdue
into later years, its reminders stop, the office is told how to start the next year; with two letters
loaded the views default to the current year and take a year where it matters."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from deadlines.workdays import WorkdayCalendar
from fake_bot_api import FakeBotAPI
from services.letter_file import read_letter
from services.letter_year import letter_for, year_state
from services.letters import load_letter
from services.reminder_planning import plan_day
from services.year_end import LATE, MISSING, ON_TIME, year_end
from storage.models import Reminder, Report, Task
from tests.chat_world import ADMIN, Chat, running_bot
from tests.conftest import FIXTURES, SHANGHAI
from tests.reminder_world import World

MINI = FIXTURES / "mini-letter.yaml"


def next_year_letter(tmp_path: Path, year: int = 2023) -> Path:
    """The mini letter for another year: the same lines, their dates in that year."""
    text = MINI.read_text(encoding="utf-8").replace("code: mini-2022", f"code: mini-{year}")
    path = tmp_path / f"mini-{year}.yaml"
    path.write_text(text.replace("year: 2022", f"year: {year}"), encoding="utf-8")
    return path


def report(world: World, code: str, on: date, due: date | None = None, status: str = "verified", year: int = 2022):
    """A completion report on `code` submitted on `on` (answering the occurrence `due`, or the task)."""
    with world.db.session() as s:
        task = s.scalar(select(Task).where(Task.code == code, Task.letter_id == _letter(s, year)))
        s.add(
            Report(
                task_id=task.id,
                kind="completion",
                status=status,
                occurrence_due=due,
                submitted_at=datetime(on.year, on.month, on.day, 10, tzinfo=SHANGHAI),
            )
        )


def _letter(s, year: int) -> int:
    return letter_for(s, date(year, 6, 1), year).id


def test_how_a_year_ended_task_by_task(database_url):
    world = World(database_url, MINI, datetime(2022, 3, 1, 8, tzinfo=SHANGHAI))
    report(world, "26.3", date(2022, 3, 30))  # due 3月31日: on time
    report(world, "3.1", date(2023, 1, 5), status="submitted")  # due 12月31日: 3 working days late, unverified
    for due, on in ((date(2022, 3, 25), date(2022, 3, 24)), (date(2022, 6, 25), date(2022, 6, 24))):
        report(world, "26.4", on, due)  # two quarters on time, two never reported
    with world.db.session() as s:
        letter = letter_for(s, date(2026, 12, 2))
        ended = year_end(s, letter, WorkdayCalendar(), SHANGHAI)
        state = year_state(s, letter, date(2026, 12, 2))
    outcomes = {t.code: t for t in ended.tasks}
    assert outcomes["26.3"].outcome == ON_TIME and outcomes["26.3"].verified
    late = outcomes["3.1"]
    assert (late.outcome, late.reported_on, late.late_workdays, late.verified) == (LATE, date(2023, 1, 5), 3, False)
    quarterly = outcomes["26.4"]
    assert (quarterly.outcome, quarterly.due, quarterly.missing, quarterly.occurrences) == (
        MISSING,
        date(2022, 9, 25),
        2,
        4,
    )
    assert [t.code for t in ended.tasks] == ["26.4", "3.1", "26.3"]  # the worst first
    assert state.ended and state.day == date(2022, 12, 31)
    assert state.next_year == 2027 and state.next_year_due  # December 2026: start the coming year


def test_views_default_to_the_current_year_and_take_a_year(database_url, tmp_path):
    world = World(database_url, MINI, datetime(2022, 11, 1, 8, tzinfo=SHANGHAI))
    with world.db.session() as s:
        assert year_state(s, letter_for(s, date(2022, 12, 1)), date(2022, 12, 1)).next_year_due
        load_letter(s, read_letter(next_year_letter(tmp_path)), world.clock)
    with world.db.session() as s:
        assert letter_for(s, date(2022, 12, 15)).year == 2022  # loaded in December: this year's still shown
        assert letter_for(s, date(2023, 1, 3)).year == 2023
        assert letter_for(s, date(2023, 1, 3), 2022).year == 2022
        assert letter_for(s, date(2021, 6, 1)).year == 2022  # before any: the first
        assert letter_for(s, date(2030, 6, 1)).year == 2023  # after all: the latest
        december = year_state(s, letter_for(s, date(2022, 12, 15)), date(2022, 12, 15))
        assert not december.next_year_due and december.other_years == (2023,)


def test_reminders_stop_after_the_year_and_its_grace(database_url, tmp_path):
    world = World(database_url, MINI, datetime(2022, 12, 1, 8, tzinfo=SHANGHAI))
    calendar, admins = WorkdayCalendar(), frozenset({ADMIN})

    def plan(day: date):
        world.at(day)
        return plan_day(world.db, day, world.clock.now(), admins, world.policy, calendar)

    assert plan(date(2022, 12, 28)).planned > 0  # 3.1 due 12月31日: the office hears of it
    with world.db.session() as s:  # a row left planned (e.g. handed back by a stopping bot)
        s.add(
            Reminder(
                key="left-over",
                kind="overdue",
                task_id=s.scalar(select(Task.id).where(Task.code == "3.1")),
                deadline_id=s.scalar(select(Reminder.deadline_id)),
                due_date=date(2022, 12, 31),
                lead=-5,
                send_on=date(2023, 1, 9),
                chat_id=ADMIN,
                status="planned",
                created_at=world.clock.now(),
            )
        )
    after = plan(date(2026, 12, 2))
    assert after.skipped == "no letter in its year"  # nothing planned, nothing sent, no digest
    assert {r.status for r in world.rows(key="left-over")} == {"superseded"}
    assert world.rows(key="left-over")[0].error == "the letter's year is over"


def test_next_years_letter_loaded_in_december_keeps_this_years_reminders(database_url, tmp_path):
    world = World(database_url, MINI, datetime(2022, 12, 1, 8, tzinfo=SHANGHAI))
    calendar, admins = WorkdayCalendar(), frozenset({ADMIN})
    with world.db.session() as s:
        load_letter(s, read_letter(next_year_letter(tmp_path)), world.clock)
        first, second = _letter(s, 2022), _letter(s, 2023)
    with FakeBotAPI() as fake:
        world.add_contacts(fake)  # the departments' chats: lead reminders go to them

    def planned_letters(day: date) -> set[int]:
        world.at(day)
        plan_day(world.db, day, world.clock.now(), admins, world.policy, calendar)
        with world.db.session() as s:
            query = select(Task.letter_id).join(Reminder, Reminder.task_id == Task.id).where(Reminder.send_on == day)
            return set(s.scalars(query))

    assert planned_letters(date(2022, 12, 28)) == {first}  # 2022's 3.1, due 12月31日, though 2023's is loaded
    lead = calendar.add_workdays(date(2023, 3, 24), -30)  # 2023's quarterly 26.4, due 3月25日 (a Saturday)
    assert planned_letters(lead) == {second}


async def test_the_chat_says_the_year_ended_and_how(database_url, tmp_path):
    world = World(database_url, MINI, datetime(2022, 3, 1, 8, tzinfo=SHANGHAI))
    report(world, "26.3", date(2022, 3, 30))
    with FakeBotAPI() as fake:
        nr = world.add_contacts(fake)["自然资源局"]
        chat = Chat(fake, {ADMIN: "美丽办", nr: "自然资源局"})
        world.at(date(2026, 12, 2), 10)
        async with running_bot(world, fake):
            said = {}
            for who, command in (
                (ADMIN, "/tasks"),
                (ADMIN, "/overdue"),
                (ADMIN, "/score"),
                (ADMIN, "/task 26.4"),
                (nr, "/due"),
                (nr, "/tasks"),
            ):
                await chat.say(who, command)
                said[(who, command)] = chat.last_to(who).content
        assert fake.rejections == []
    print("\n" + chat.transcript())
    everything = "\n".join(said.values())
    assert re.search(r"逾期 ?\d+ ?个工作日", everything) is None, everything  # no days counted into later years
    tasks = said[(ADMIN, "/tasks")]
    assert "2022年度已结束" in tasks and "按时完成 1 项" in tasks and "未上报 2 项" in tasks
    assert "duban letter copy --from 2022 --to 2027 --load" in tasks  # December: how to start the next year
    assert "未上报" in said[(ADMIN, "/overdue")] and "生态环境分局" in said[(ADMIN, "/overdue")]
    score = said[(ADMIN, "/score")]
    assert "2022年度考核最终情况" in score and "未上报任务 2 项" in score
    assert "年度结果(2022年度已结束):❌未上报" in said[(ADMIN, "/task 26.4")]
    assert "2022年度已结束" in said[(nr, "/due")]
    mine = said[(nr, "/tasks")]
    assert "3.1" in mine and "26.3" not in mine and "duban letter" not in mine  # contacts: their own, no CLI


async def test_two_letters_score_takes_a_year(database_url, tmp_path):
    world = World(database_url, MINI, datetime(2022, 3, 1, 8, tzinfo=SHANGHAI))
    with world.db.session() as s:
        load_letter(s, read_letter(next_year_letter(tmp_path)), world.clock)
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        chat = Chat(fake, {ADMIN: "美丽办"})
        world.at(date(2023, 2, 1), 10)
        async with running_bot(world, fake):
            await chat.say(ADMIN, "/score")
            current = chat.last_to(ADMIN).content
            await chat.say(ADMIN, "/score 2022")
            past = chat.last_to(ADMIN).content
            await chat.say(ADMIN, "/tasks 2022")
            past_tasks = chat.last_to(ADMIN).content
        assert fake.rejections == []
    assert "2023年度考核得分" in current and "另有2022年度" in current and "/score 2022" in current
    assert "2022年度考核最终情况" in past and "另有2023年度" in past
    assert "2022年度已结束" in past_tasks and "duban letter copy" not in past_tasks  # 2023 is loaded already


async def test_the_digest_tells_the_office_how_to_start_the_next_year_and_how_this_one_ended(database_url):
    world = World(database_url, MINI, datetime(2022, 12, 1, 8, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        world.add_contacts(fake)
        async with running_bot(world, fake) as app:
            runner = world.runner(app.telegram.application.bot)
            world.at(date(2022, 12, 28))
            await runner.run_once()
            december = fake.messages_to(ADMIN)[-1].text
            world.at(date(2023, 1, 5))  # within the grace for the final reports: still a digest
            await runner.run_once()
            january = fake.messages_to(ADMIN)[-1].text
            world.at(date(2023, 2, 1))  # the grace is over: the letter is quiet
            sent = len(fake.messages_to(ADMIN))
            assert (await runner.run_once()).skipped == "no letter in its year"
            assert len(fake.messages_to(ADMIN)) == sent
        assert fake.rejections == []
    assert "督办日报" in december and "🔴逾期" in december
    assert "duban letter copy --from 2022 --to 2023 --load" in december
    assert "2022年度已结束" in january and "未上报 3 项" in january
    assert re.search(r"逾期 ?\d+ ?个工作日", january) is None
