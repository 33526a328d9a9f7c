"""Nothing a person does goes unanswered or unnoticed (issue 15, "Silent"), through the real bot and the fake
Bot API (and the fake DingTalk): stickers, locations, contact cards, voice notes and videos; edited messages;
a contact who blocks the bot; a button pressed too late to be answered."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from fake_bot_api import FakeBotAPI
from fake_dingtalk import FakeDingTalk
from handlers import hint_texts as ht
from storage.models import Contact, Conversation, Department, Report
from storage.paths import BUNDLED_LETTER
from tests.chat_world import ADMIN, Chat, all_processed, running_bot
from tests.conftest import FIXTURES, SHANGHAI
from tests.dingtalk_world import OFFICE, DingTalkChat, running_dingtalk
from tests.reminder_world import World, reminder_ids

NR, ZJ, STRANGER = 5001, 5002, 5003  # a 自然资源局 contact, a 住建局 contact, nobody
GROUP = -5101  # 住建局's work group
MONDAY = datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI)
BIG = 20 * 1024 * 1024 + 1  # one byte past what a bot may download


def bind(world: World, chat_id: int, department: str, kind: str = "user", name: str | None = None) -> None:
    with world.db.session() as s:
        dep = s.scalar(select(Department).where(Department.name == department, Department.level == "county"))
        s.add(
            Contact(
                department_id=dep.id,
                chat_id=chat_id,
                user_id=chat_id if kind == "user" else None,
                kind=kind,
                role="contact",
                display_name=name or f"{department}小王",
                created_at=world.clock.now(),
            )
        )


def contact(world: World, chat_id: int) -> Contact:
    with world.db.session() as s:
        return s.scalar(select(Contact).where(Contact.chat_id == chat_id))


def names() -> dict[int, str]:
    return {ADMIN: "美丽办", NR: "自然资源局", ZJ: "住建局", STRANGER: "路人", GROUP: "住建局工作群"}


def no_tracebacks(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("duban") and r.exc_info]


async def test_stickers_locations_contacts_voice_and_video_are_answered(database_url, tmp_path, caplog):
    world = World(database_url, BUNDLED_LETTER, MONDAY)
    bind(world, NR, "自然资源局")
    evidence = tmp_path / "evidence"
    with FakeBotAPI() as fake:
        for uid in (ADMIN, NR, STRANGER):
            fake.add_user(uid)
        fake.add_chat(GROUP, "group", title="住建局工作群", members=[NR])
        chat = Chat(fake, names())
        async with running_bot(world, fake, evidence_dir=evidence) as bot:
            last = lambda uid: chat.last_to(uid).text  # noqa: E731

            async def send(inject) -> None:
                """What a person sends gets exactly one answer."""
                before = len(fake.sent)
                inject()
                await all_processed(bot, fake)
                await chat.settle()
                assert len(fake.sent) == before + 1

            # Outside a report: every kind gets one short answer saying what to send instead.
            await send(lambda: fake.inject_media(NR, "sticker", b"RIFF-webp"))
            assert "贴纸" in last(NR) and "3.1 完成 900亩" in last(NR)
            await send(lambda: fake.inject_location(NR, 29.59, 120.82))
            assert "位置" in last(NR) and "3.1 完成 900亩" in last(NR)
            await send(lambda: fake.inject_contact(NR, "+8613800000000", "张三"))
            assert "名片" in last(NR)
            await send(lambda: fake.inject_media(NR, "voice", b"OggS voice", mime_type="audio/ogg"))
            assert "听不懂语音" in last(NR) and "/done 任务编号" in last(NR)
            await send(lambda: fake.inject_media(NR, "video", b"MP4 video", mime_type="video/mp4"))
            assert "还没有对应的上报" in last(NR)
            await send(lambda: fake.inject_media(STRANGER, "sticker", b"RIFF-webp"))
            assert "贴纸" in last(STRANGER) and "邀请码" in last(STRANGER)
            # In a group a sticker is none of the bot's business.
            before = len(fake.sent)
            fake.inject_media(NR, "sticker", b"RIFF-webp", chat_id=GROUP, chat_type="group", title="住建局工作群")
            await all_processed(bot, fake)
            await chat.settle()
            assert len(fake.sent) == before

            # At the evidence step: a voice note and videos are kept like photos; one past 20 MB says why not.
            await chat.say(NR, "3.1 完成 958亩")
            await chat.say(NR, "800")
            assert "佐证材料:0 份" in last(NR)
            await send(lambda: fake.inject_media(NR, "voice", b"OggS site voice", mime_type="audio/ogg"))
            assert "佐证材料:1 份" in last(NR)
            await send(lambda: fake.inject_media(NR, "video", b"MP4 site video", "2号地块现场", mime_type="video/mp4"))
            assert "佐证材料:2 份" in last(NR) and "2号地块现场" in last(NR)
            await send(lambda: fake.inject_media(NR, "video_note", b"MP4 round video"))
            assert "佐证材料:3 份" in last(NR)
            await send(lambda: fake.inject_media(NR, "video", b"\0" * BIG, file_name="航拍.mp4", mime_type="video/mp4"))
            assert "超过20MB" in last(NR) and "压缩到20MB以内" in last(NR) and "佐证材料:4 份" in last(NR)
            # A sticker here gets the evidence step's hint; the question (and its buttons) still stand.
            question = chat.last_to(NR)
            await send(lambda: fake.inject_media(NR, "sticker", b"RIFF-webp"))
            assert "贴纸" in last(NR) and ht.INSTEAD_IN_REPORT.split(";")[0] in last(NR)
            await chat.press(NR, question, "确认上报")
            assert "已上报" in last(NR)
            # The office reviews them as they came: each file by its own kind.
            await chat.say(ADMIN, "/pending")
            shown = [m.method for m in fake.messages_to(ADMIN) if m.method != "sendMessage"]
            assert shown == ["sendVoice", "sendVideo", "sendVideo", "sendVideo"]
        assert fake.rejections == []
    with world.db.session() as s:
        report = s.scalar(select(Report).where(Report.status != "draft"))
    kinds = [e["kind"] for e in report.evidence]
    assert kinds == ["voice", "video", "video", "video"]
    kept = [e for e in report.evidence if e["path"]]
    assert len(kept) == 3  # the 20 MB + 1 video is named, not downloaded
    assert [e["name"] for e in report.evidence if not e["path"]] == ["航拍.mp4"]
    assert all(Path(e["path"]).is_file() and Path(e["path"]).is_relative_to(evidence) for e in kept)
    assert no_tracebacks(caplog) == []
    print("\n" + chat.transcript())


async def test_an_edited_message_is_not_a_new_message(database_url):
    world = World(database_url, BUNDLED_LETTER, MONDAY)
    bind(world, NR, "自然资源局")
    with FakeBotAPI() as fake:
        for uid in (ADMIN, NR):
            fake.add_user(uid)
        fake.add_chat(GROUP, "group", title="住建局工作群", members=[NR])
        chat = Chat(fake, names())
        async with running_bot(world, fake) as bot:
            last = lambda uid: chat.last_to(uid).text  # noqa: E731

            async def edit(chat_id: int, message: dict, text: str) -> list:
                chat.lines.append(f"(编辑消息 {message['message_id']} 为:{text})")
                fake.inject_edited_message(chat_id, message["message_id"], text)
                await all_processed(bot, fake)
                return await chat.settle()

            # An old message edited into a report sentence starts nothing.
            old = fake.inject_message(NR, "你好")
            await chat.settle()
            answered = await edit(NR, old, "3.1 完成 958亩")
            assert len(answered) == 1 and answered[0].text == ht.EDITED
            # An edited command is not run either.
            command = fake.inject_message(NR, "/due")
            await chat.settle()
            assert [m.text for m in await edit(NR, command, "/tasks")] == [ht.EDITED]
            with world.db.session() as s:
                assert s.scalar(select(func.count(Report.id))) == 0
                assert s.scalar(select(func.count()).select_from(Conversation)) == 0

            # While a report waits for an answer, an edit does not answer it: the question still stands.
            await chat.say(NR, "/done 3.1")
            question = last(NR)
            answer = fake.inject_message(NR, "900亩")
            await chat.settle()
            assert "低效用地再开发" in last(NR)  # 958's target answered, the second asked
            assert [m.text for m in await edit(NR, answer, "1000亩")] == [ht.EDITED]
            await chat.say(NR, "800")
            assert "盘活存量建设用地 900亩" in last(NR) and question != last(NR)

            # In a group, an edited chat message is none of the bot's business; an edited command is hinted.
            talk = fake.inject_message(NR, "大家好", chat_id=GROUP, chat_type="group", title="住建局工作群")
            await chat.settle()
            assert await edit(GROUP, talk, "3.1 完成 958亩") == []
            cmd = fake.inject_message(NR, "/due", chat_id=GROUP, chat_type="group", title="住建局工作群")
            await chat.settle()
            assert [m.text for m in await edit(GROUP, cmd, "/tasks")] == [ht.EDITED]
        assert fake.rejections == []
    print("\n" + chat.transcript())


async def test_a_contact_who_blocks_the_bot_is_unreachable_at_once(database_url, caplog):
    world = World(database_url, BUNDLED_LETTER, MONDAY)
    bind(world, ZJ, "住建局")
    with FakeBotAPI() as fake:
        for uid in (ADMIN, ZJ):
            fake.add_user(uid)
        fake.add_chat(GROUP, "group", title="住建局工作群", members=[ZJ])
        chat = Chat(fake, names())
        async with running_bot(world, fake) as bot:
            last = lambda uid: chat.last_to(uid).text  # noqa: E731
            await chat.say(ADMIN, "/remind 住建局")
            assert "已向住建局的 1 个联系人发出催办" in last(ADMIN)

            fake.block_chat(ZJ)  # Telegram sends my_chat_member: kicked
            await all_processed(bot, fake)
            told = await chat.settle()
            assert [m.chat_id for m in told] == [ADMIN]
            assert "住建局 住建局小王" in told[0].text and "已屏蔽机器人" in told[0].text
            assert not contact(world, ZJ).reachable
            fake.block_chat(ZJ)  # the same news again: the office was told already
            await all_processed(bot, fake)
            assert await chat.settle() == []

            await chat.say(ADMIN, "/remind 住建局")
            assert "无法送达" in last(ADMIN) and "住建局小王(已屏蔽机器人)" in last(ADMIN)
            assert "还没有可送达的联系人" not in last(ADMIN)
            await chat.say(ADMIN, "/contacts")
            assert "住建局小王(联络员)❌无法送达(已屏蔽机器人)" in last(ADMIN)

            fake.unblock_chat(ZJ, announce=True)  # my_chat_member: member again
            await all_processed(bot, fake)
            told = await chat.settle()
            assert [m.chat_id for m in told] == [ADMIN] and "住建局小王" in told[0].text and "恢复" in told[0].text
            assert contact(world, ZJ).reachable
            await chat.say(ADMIN, "/remind 住建局")
            assert "已向住建局的 1 个联系人发出催办" in last(ADMIN)

            # A group that removes the bot: its department's group stops being reached, the office hears it.
            bind(world, GROUP, "住建局", kind="group", name="住建局工作群")
            fake.block_chat(GROUP, by_user_id=ZJ)
            await all_processed(bot, fake)
            told = await chat.settle()
            assert [m.chat_id for m in told] == [ADMIN] and "移出" in told[0].text and "住建局工作群" in told[0].text
            assert not contact(world, GROUP).reachable and contact(world, ZJ).reachable
        rejected = [r for r in fake.rejections if r.chat_id in (ZJ, GROUP)]
        assert rejected == []  # nothing was even tried while they were unreachable
    assert no_tracebacks(caplog) == []
    print("\n" + chat.transcript())


async def test_a_button_pressed_too_late_still_counts_and_says_so(database_url, caplog):
    world = World(database_url, FIXTURES / "mini-letter.yaml", datetime(2022, 3, 1, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        env = chats["生态环境分局"]
        async with running_bot(world, fake) as bot:
            runner = world.runner(bot.telegram.application.bot)
            world.at(date(2022, 3, 22))
            await runner.run_once()
            reminder = fake.messages_to(env)[0]
            first, _ = reminder_ids(reminder)
            caplog.set_level(logging.INFO)

            async def late(data: str) -> None:
                """A press Telegram no longer lets the bot answer: one WARNING line, no traceback."""
                before = len(caplog.records)
                fake.inject_callback(env, reminder.message_id, env, data, too_old=True)
                await all_processed(bot, fake)
                lines = [r for r in caplog.records[before:] if r.name.startswith("duban")]
                assert [r.levelname for r in lines if "too late" in r.getMessage()] == ["WARNING"]
                assert not [r for r in lines if r.exc_info]

            await late(f"r:a:{first}")
            assert world.rows(id=first)[0].acknowledged_at is not None  # the press counted
            assert "已确认收到 26.4" in fake.messages_to(env)[-1].text
            await late(f"r:a:{first}")
            assert "已确认过" in fake.messages_to(env)[-1].text
            await late(f"r:d:{first}")  # 已完成, late: the report starts
            await fake.wait_for_message_async(env, contains="请确认上报内容")
            assert not any("出错了" in m.text for m in fake.messages_to(env))
        refused = [r for r in fake.requests if r.status == 400]
        assert [r.method for r in refused] == ["answerCallbackQuery"] * 3


async def test_dingtalk_voice_and_video_are_evidence_at_the_evidence_step(tmp_path):
    """DingTalk's audio and video messages: evidence while a report is written; a recording DingTalk
    recognized is read as typed elsewhere, and kept (its words the note) at the evidence step."""
    world = World(f"sqlite:///{tmp_path / 'dt.db'}", BUNDLED_LETTER, MONDAY)
    zhang = "zhangsan"
    try:
        with FakeDingTalk() as fake:
            fake.add_user(OFFICE, "美丽办王主任")
            fake.add_user(zhang, "张三")
            async with running_dingtalk(world, fake, evidence_dir=tmp_path / "evidence") as bot:
                chat = DingTalkChat(fake, bot, {OFFICE: "美丽办", zhang: "张三"})
                invite = await chat.say(OFFICE, "邀请 自然资源局")
                code = next(w for w in invite.replace(":", " ").split() if len(w) == 8 and w.isalnum() and w.isupper())
                assert "绑定成功" in await chat.say(zhang, f"绑定 {code}")
                await chat.settle(fake.send_video(zhang))
                assert "还没有对应的上报" in chat.last_to(zhang)
                await chat.settle(fake.send_audio(zhang))
                assert "听不懂语音" in chat.last_to(zhang)
                await chat.settle(fake.send_audio(zhang, recognition="帮助"))
                assert "联络员可用命令" in chat.last_to(zhang)  # recognized words, read as typed

                assert "确认上报" in await chat.say(zhang, "上报 10.4")
                await chat.settle(fake.send_video(zhang))
                assert "佐证材料:1 份" in chat.last_to(zhang)
                await chat.settle(fake.send_audio(zhang))
                assert "佐证材料:2 份" in chat.last_to(zhang)
                await chat.settle(fake.send_audio(zhang, recognition="现场已整改到位"))
                assert "佐证材料:3 份" in chat.last_to(zhang) and "现场已整改到位" in chat.last_to(zhang)
            assert fake.rejections == [] and fake.unacked() == []
        with world.db.session() as s:
            draft = s.scalar(select(Report).order_by(Report.id.desc()))
        assert [e["kind"] for e in draft.evidence] == ["video", "audio", "audio"]
        assert all(e["path"] and Path(e["path"]).is_file() for e in draft.evidence)
    finally:
        world.db.dispose()
    print("\n" + chat.transcript())
