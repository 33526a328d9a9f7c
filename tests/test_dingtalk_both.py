"""One `duban run` process serving Telegram and DingTalk at once: both answer, a contact bound on both gets
each reminder once on each channel (one ledger, one row per recipient and channel), and a report made on
DingTalk reaches the office on Telegram."""

from __future__ import annotations

from datetime import date, datetime
from datetime import time as clock_time

from sqlalchemy import select

from fake_bot_api import FakeBotAPI
from fake_dingtalk import FakeDingTalk
from services import accounts
from storage.models import Contact, Department, Reminder
from tests.conftest import FIXTURES, SHANGHAI
from tests.deploy_processes import RunningBot, bot_env, set_clock, wait_until
from tests.dingtalk_world import DingTalkChat
from tests.reminder_world import ADMIN, World
from tests.test_dingtalk_week import day_done

TUESDAY = date(2022, 3, 22)
DT_CONTACT, DT_OFFICE = "shengtai1", "office01"


async def test_one_process_serves_telegram_and_dingtalk(tmp_path):
    world = World(
        f"sqlite:///{tmp_path / 'both.db'}", FIXTURES / "mini-letter.yaml", datetime(2022, 3, 18, 8, 0, tzinfo=SHANGHAI)
    )
    clock_file = tmp_path / "now.txt"
    set_clock(clock_file, datetime(2022, 3, 20, 20, 0, tzinfo=SHANGHAI))  # Sunday evening: nothing due
    with FakeBotAPI() as telegram, FakeDingTalk() as dingtalk:
        tg_chats = world.add_contacts(telegram, ["生态环境分局"])  # the contact on Telegram...
        tg_contact = tg_chats["生态环境分局"]
        dingtalk.add_user(DT_CONTACT, "生态联络员")  # ...and the same department's contact on DingTalk
        dingtalk.add_user(DT_OFFICE, "美丽办王主任")
        dt_contact = accounts.ensure(world.db, world.clock, accounts.DINGTALK, DT_CONTACT, accounts.USER, "生态联络员")
        with world.db.session() as s:
            dep = s.scalar(select(Department.id).where(Department.name == "生态环境分局"))
            s.add(
                Contact(
                    department_id=dep,
                    chat_id=dt_contact,
                    user_id=dt_contact,
                    kind="user",
                    role="contact",
                    display_name="生态联络员",
                    created_at=world.clock.now(),
                )
            )
        env = bot_env(
            telegram,
            world.db.url,
            **dingtalk.env(),
            DUBAN_ADMINS=f"{ADMIN},dingtalk:{DT_OFFICE}",
            DUBAN_CLOCK_FILE=str(clock_file),
            DUBAN_SCHEDULER_TICK_SECONDS="1",
        )
        bot = RunningBot("both", tmp_path / "run", env).start()
        chat = DingTalkChat(dingtalk, None, {DT_OFFICE: "美丽办(钉钉)", DT_CONTACT: "生态联络员(钉钉)"})
        try:
            await telegram.wait_for_polling_async(timeout=40)
            wait_until(lambda: dingtalk.connections == 1, 40, "the DingTalk stream")
            mark = telegram.mark()
            telegram.inject_message(ADMIN, "/start")
            assert (
                "美丽办管理员"
                in (await telegram.wait_for_message_async(ADMIN, since=mark, contains="管理员", timeout=15)).text
            )
            assert "美丽办管理员" in await chat.say(DT_OFFICE, "/start")

            set_clock(clock_file, datetime.combine(TUESDAY, clock_time(9, 0), SHANGHAI))
            wait_until(lambda: day_done(world, TUESDAY), 40, "Tuesday's reminders")
            # A report made on DingTalk: the office hears of it on both channels.
            await chat.say(DT_CONTACT, "26.4 已完成")
            confirm = chat.last_to(DT_CONTACT)
            choice = "1" if "1 ✅ 确认上报" in confirm else "确认上报"
            await chat.say(DT_CONTACT, choice)
            await telegram.wait_for_message_async(ADMIN, contains="新上报待审核", timeout=15)
        finally:
            code, _ = bot.stop()
        tg_reminders = [m for m in telegram.messages_to(tg_contact) if "26.4" in m.text]
        dt_reminders = [s for s in dingtalk.messages_to(DT_CONTACT) if "26.4" in s.text and "提醒" in s.text]
        assert telegram.rejections == [] and dingtalk.rejections == [] and dingtalk.unacked() == []
    assert code == 0, bot.output()
    with world.db.session() as s:
        rows = list(s.scalars(select(Reminder).where(Reminder.send_on == TUESDAY, Reminder.kind != "escalation")))
    by_chat = {}
    for row in rows:
        by_chat.setdefault(row.chat_id, set()).add(row.status)
    print(
        f"\nTelegram reminder messages {len(tg_reminders)}, DingTalk reminder messages {len(dt_reminders)}; "
        f"ledger rows on Tuesday by chat {by_chat}; channels started: {bot.lines('bot starting')}"
    )
    assert len(tg_reminders) == 1 and len(dt_reminders) == 1
    assert set(by_chat) == {tg_contact, dt_contact} and all(v <= {"sent", "collapsed"} for v in by_chat.values())
    started = " ".join(bot.lines("bot starting"))
    assert "channel=telegram" in started and "channel=dingtalk" in started
    assert any("新上报待审核" in t for t in chat.texts_to(DT_OFFICE))
    world.db.dispose()
