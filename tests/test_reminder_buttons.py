"""The buttons under a reminder, pressed through the real bot and the fake Bot API."""

from __future__ import annotations

from datetime import date, datetime

from fake_bot_api import FakeBotAPI
from tests.chat_world import running_bot
from tests.conftest import FIXTURES, SHANGHAI
from tests.reminder_world import ADMIN, World, reminder_ids

MINI = FIXTURES / "mini-letter.yaml"
LOADED = datetime(2022, 3, 1, 8, 0, tzinfo=SHANGHAI)


async def press(fake: FakeBotAPI, user: int, message, data: str) -> str:
    qid = fake.inject_callback(user, message.message_id, message.chat_id, data)
    answer = await fake.wait_for_callback_answer_async(qid)
    return (answer or {}).get("text", "")


async def test_acknowledge_once_snooze_and_repeat(database_url):
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        env, post = chats["生态环境分局"], chats["交通运输局(邮管局)"]
        async with running_bot(world, fake) as app:
            runner = world.runner(app.telegram.application.bot)
            world.at(date(2022, 3, 22))  # 26.4: 3 working days left; 26.3: 7 left
            await runner.run_once()
            message = fake.messages_to(env)[0]
            first, second = reminder_ids(message)

            assert "已确认收到 26.4" in await press(fake, env, message, f"r:a:{first}")
            acked_at = world.rows(id=first)[0].acknowledged_at
            world.clock.advance(minutes=5)
            assert "已确认过" in await press(fake, env, message, f"r:a:{first}")
            assert world.rows(id=first)[0].acknowledged_at == acked_at  # pressing twice does nothing twice

            assert "不是发给您的" in await press(fake, post, message, f"r:a:{second}")
            assert "3月23日" in await press(fake, env, message, f"r:s:{second}")
            assert "已推迟过" in await press(fake, env, message, f"r:s:{second}")

            await press(fake, env, message, f"r:d:{first}")  # 已完成 starts the report right there
            await fake.wait_for_message_async(env, contains="请确认上报内容")  # no quantity: the confirmation

            world.at(date(2022, 3, 23))  # next working day
            await runner.run_once()
            next_day = fake.messages_to(env)[-1]
            post_next = fake.messages_to(post)[-1]
        assert fake.rejections == []
    # 生态环境分局 acknowledged 26.4 and snoozed 26.3: 26.3 comes back today, 26.4 does not.
    assert "26.3" in next_day.text and "26.4" not in next_day.text and "再次提醒" in next_day.text
    # 邮管局 never pressed 收到: its 26.4 reminder is repeated.
    assert "26.4" in post_next.text and "再次提醒" in post_next.text


async def test_the_scheduler_runs_inside_the_bot(database_url):
    """Wired through the JobQueue: the bot itself sends what came due, once."""
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        world.at(date(2022, 3, 25), 10, 0)  # came up at 10:00 on the due day of 26.4
        async with running_bot(world, fake, with_scheduler=True):
            message = await fake.wait_for_message_async(chats["生态环境分局"], contains="26.4", timeout=10)
            await fake.wait_for_message_async(ADMIN, contains="督办日报", timeout=10)
        assert "今日到期" in message.text
        assert len(fake.messages_to(chats["生态环境分局"])) == 1
        assert fake.rejections == []
