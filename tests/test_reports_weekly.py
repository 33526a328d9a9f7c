"""The weekly report: sent by the reminder run once, on Monday at 09:00 (moved clock), as text, three charts
and the workbook; not before the time, not twice; a holiday Monday moves it to the week's next working day;
after a failure that reached nothing, only the parts not yet accepted are sent."""

from __future__ import annotations

import io
from datetime import date, time

from openpyxl import load_workbook
from sqlalchemy import select
from telegram import Bot

from bot.config import load_settings
from fake_bot_api import FakeBotAPI
from scheduler.weekly import week_of
from storage.models import Delivery
from tests.reminder_world import ADMIN
from tests.test_reports_workbook import decide, office_world, submit

WEEKLY = (0, time(9, 0))


def _weekly(world) -> list[Delivery]:
    with world.db.session() as s:
        return list(s.scalars(select(Delivery).where(Delivery.kind == "weekly").order_by(Delivery.id)))


async def test_weekly_report_once_on_monday_at_nine(database_url):
    world = office_world(database_url)  # the clock stands at Monday 10 October 2022 09:00
    report_id = submit(world, "8.1", day=date(2022, 10, 11))
    decide(world, report_id, True, day=date(2022, 10, 12))
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            runner = world.runner(bot, weekly=WEEKLY)
            world.at(date(2022, 10, 17), 8, 59)
            await runner.run_once()
            assert fake.messages_to(ADMIN) == [] and _weekly(world) == []

            world.at(date(2022, 10, 17), 9, 0)
            report = await runner.run_once()
            assert report.counts["weekly:sent"] == 1
            to_office = fake.messages_to(ADMIN)
            weekly = [m for m in to_office if m.method != "sendMessage" or "美丽办周报" in m.content]
            assert [m.method for m in weekly] == ["sendMessage", "sendPhoto", "sendPhoto", "sendPhoto", "sendDocument"]
            text = weekly[0].content
            assert "10月10日—10月16日" in text and "预计" in text and "红色预警" in text
            assert "上报完成情况 1 次:8.1" in text and "审核通过 1 次:8.1" in text
            assert "退回上报" not in text  # the rejection was the week before
            workbook = load_workbook(io.BytesIO(weekly[-1].file.data))
            assert workbook["任务清单"].max_row == 94 and len(workbook["图表"]._charts) == 3  # native charts
            [delivery] = _weekly(world)
            assert delivery.key == f"weekly|2022-10-17|{ADMIN}" and delivery.status == "sent" and delivery.parts == 5
            assert len(delivery.message_ids) == 5

            sent = len(fake.sent)
            world.at(date(2022, 10, 17), 9, 1)
            await runner.run_once()
            world.at(date(2022, 10, 19), 16, 0)  # later that week: still once
            await runner.run_once()
            assert not [m for m in fake.sent[sent:] if m.method != "sendMessage" or "周报" in m.content]
            assert len(_weekly(world)) == 1
        assert fake.rejections == []


async def test_holiday_monday_moves_the_report_and_off_sends_none(tmp_path):
    world = office_world(f"sqlite:///{tmp_path / 'weekly.db'}")
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            world.at(date(2022, 10, 3), 9, 30)  # National Day: no run at all
            runner = world.runner(bot, weekly=WEEKLY)
            assert (await runner.run_once()).skipped == "not a working day"
            world.at(date(2022, 10, 8), 9, 30)  # Saturday, a working day in lieu (调休)
            fake.fail_next("sendPhoto", status=500, times=5)  # outlasts the retries: nothing accepted
            assert (await runner.run_once()).counts["weekly:failed"] == 1
            [delivery] = _weekly(world)
            assert delivery.key == f"weekly|2022-10-03|{ADMIN}" and delivery.status == "failed"
            assert delivery.parts == 1  # the text went out; the photos did not
            world.at(date(2022, 10, 8), 9, 31)
            assert (await runner.run_once()).counts["weekly:sent"] == 1
            methods = [m.method for m in fake.messages_to(ADMIN) if m.method != "sendMessage" or "周报" in m.content]
            assert methods == ["sendMessage", "sendPhoto", "sendPhoto", "sendPhoto", "sendDocument"]  # none twice
            assert [(d.status, d.parts, d.attempts) for d in _weekly(world)] == [("sent", 5, 2)]
            world.at(date(2022, 10, 24), 9, 30)
            off = world.runner(bot, weekly=None)
            await off.run_once()
            assert len(_weekly(world)) == 1


def test_the_setting_and_the_week():
    assert load_settings({}).weekly_at == WEEKLY
    assert load_settings({"DUBAN_WEEKLY_AT": "fri 17:30"}).weekly_at == (4, time(17, 30))
    assert load_settings({"DUBAN_WEEKLY_AT": "off"}).weekly_at is None
    from datetime import datetime

    assert week_of(datetime(2022, 10, 17, 8, 59), *WEEKLY) is None
    assert week_of(datetime(2022, 10, 17, 9, 0), *WEEKLY) == date(2022, 10, 17)
    assert week_of(datetime(2022, 10, 23, 23, 0), *WEEKLY) == date(2022, 10, 17)
    assert week_of(datetime(2022, 10, 20, 9, 0), 4, time(17, 30)) is None
