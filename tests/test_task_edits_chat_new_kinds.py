"""The office's task commands take the deadline kinds of issue 18 in the chat (real bot, fake Bot API):
/addtask with a weekly duty, /recur with 每两周 (two readings: buttons, the usual one first), /deadline with
a festival."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from fake_bot_api import FakeBotAPI
from storage.models import Deadline, Task
from storage.paths import BUNDLED_LETTER
from tests.chat_world import ADMIN, Chat, running_bot
from tests.conftest import SHANGHAI
from tests.reminder_world import World


def active_specs(world: World, code: str) -> list[dict]:
    with world.db.session() as s:
        task = s.scalar(select(Task).where(Task.code == code))
        return [d.spec for d in s.scalars(select(Deadline).where(Deadline.task_id == task.id, Deadline.active))]


async def test_weekly_duty_every_other_week_and_a_festival_from_the_chat(database_url):
    world = World(database_url, BUNDLED_LETTER, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        world.add_contacts(fake, ["发改局"])
        chat = Chat(fake, {ADMIN: "美丽办"})
        last = lambda: chat.last_to(ADMIN).content  # noqa: E731
        async with running_bot(world, fake):
            await chat.say(ADMIN, "/addtask 发改局 报送项目推进周报 每周四前")
            assert "1月6日、1月13日、1月20日……共51次「每周四前」" in last()
            await chat.press(ADMIN, chat.last_to(ADMIN), "确认")
            assert "已新增任务" in last() and "34.1" in last()
            assert active_specs(world, "34.1")[0]["every"] == "week" and active_specs(world, "34.1")[0]["weekday"] == 3

            await chat.say(ADMIN, "/recur 34.1 每两周")  # which weeks: this one first, the next as the other
            buttons = [b["text"] for row in chat.last_to(ADMIN).reply_markup["inline_keyboard"] for b in row]
            assert buttons[:2] == ["2022年9月9日(周期性)", "2022年9月16日(周期性)"]
            await chat.press(ADMIN, chat.last_to(ADMIN), "2022年9月16日")
            await chat.press(ADMIN, chat.last_to(ADMIN), "确认")
            (spec,) = active_specs(world, "34.1")
            assert spec["interval"] == 2 and spec["date"] == "2022-09-12"

            await chat.say(ADMIN, "/deadline 34.1 国庆节后第一个工作日")
            assert "新截止时间:10月8日(周六)「国庆节后第一个工作日」" in last()
            await chat.press(ADMIN, chat.last_to(ADMIN), "确认")
            (spec,) = active_specs(world, "34.1")
            assert spec["kind"] == "festival" and spec["festival"] == "国庆节" and spec["side"] == "after"
