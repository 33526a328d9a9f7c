"""/notice and /circular through the real bot and the fake Bot API: the office previews a 督办单 (the document
itself), changes its 办结时限 by typing, confirms; the department's contact receives the numbered file and a
收到 button, presses it, and the office is told; /history shows both. Old buttons are stale, /cancel drops a
preview, refusals are short Chinese answers; /circular sends the month's circular with the services' ranking.
Run with -s to see the transcript."""

from __future__ import annotations

from fake_bot_api import FakeBotAPI
from reports.documents import wording as W
from services.circular import build
from tests.chat_world import ADMIN, Chat, plain, running_bot
from tests.conftest import SHANGHAI
from tests.document_world import TODAY, read, september_world, table_rows

STRANGER = 2003


async def documents(chat: Chat, fake: FakeBotAPI, user: int, text: str, count: int = 1) -> list:
    """Say `text`; wait (a document is built in a worker thread) for `count` documents to anyone."""
    mark = len(fake.sent)
    await chat.say(user, text)
    await fake.wait_until_async(
        lambda: sum(m.method == "sendDocument" for m in fake.sent[mark:]) >= count,
        what=f"{count} documents",
        timeout=30,
    )
    await chat.settle()
    return [m for m in fake.sent[mark:] if m.method == "sendDocument"]


async def press_for_documents(chat: Chat, fake: FakeBotAPI, user: int, message, label: str, count: int) -> list:
    mark = len(fake.sent)
    await chat.press(user, message, label)
    await fake.wait_until_async(
        lambda: sum(m.method == "sendDocument" for m in fake.sent[mark:]) >= count,
        what=f"{count} documents",
        timeout=30,
    )
    await chat.settle()
    return [m for m in fake.sent[mark:] if m.method == "sendDocument"]


def number_of(data: bytes) -> str:
    return next(p.text for p in read(data).paragraphs if p.text.startswith("督办〔"))


async def test_notice_from_preview_to_acknowledgement(tmp_path):
    world = september_world(f"sqlite:///{tmp_path / 'bot.db'}")
    with FakeBotAPI() as fake:
        contact = world.add_contacts(fake, ["生态环境分局"])["生态环境分局"]
        fake.add_user(STRANGER, first_name="王五")
        chat = Chat(fake, {ADMIN: "美丽办", contact: "生态环境分局联络员", STRANGER: "王五"})
        last = lambda uid: plain(chat.last_to(uid).content)  # noqa: E731
        async with running_bot(world, fake):
            # The preview is the document itself, numbered with the next free number, not yet issued.
            [draft] = await documents(chat, fake, ADMIN, "/notice 22.3")
            assert draft.chat_id == ADMIN and draft.file.file_name == "duban-notice-preview-22.3.docx"
            assert number_of(draft.file.data) == "督办〔2022〕第1号(预览,确认发出时编号)"
            first = chat.last_to(ADMIN)
            assert (
                "督办〔2022〕第1号" in last(ADMIN) and "10月13日" in last(ADMIN) and "生态环境分局(1人)" in last(ADMIN)
            )

            # Typed: a new 办结时限, a new preview; the first preview's buttons are stale from now on.
            await documents(chat, fake, ADMIN, "10月20日前")
            second = chat.last_to(ADMIN)
            assert "10月20日" in last(ADMIN)
            await chat.press(ADMIN, first, "确认发出")
            assert fake.callback_answers[list(fake.callback_answers)[-1]]["text"].startswith("这个按钮已失效")
            await chat.say(ADMIN, "下个月吧")
            assert last(ADMIN).startswith("办结时限:没有读懂“下个月吧”")

            # 确认: numbered, sent to the department's contact with 收到, the office gets the file too.
            sent = await press_for_documents(chat, fake, ADMIN, second, "确认发出", count=2)
            to_contact = next(m for m in sent if m.chat_id == contact)
            to_office = next(m for m in sent if m.chat_id == ADMIN)
            assert to_contact.file.file_name == to_office.file.file_name == "duban-notice-2022-001-22.3.docx"
            assert number_of(to_contact.file.data) == "督办〔2022〕第1号"
            assert "已发出 督办〔2022〕第1号" in last(ADMIN) and "已送达:生态环境分局" in last(ADMIN)
            ask = chat.last_to(contact)
            assert "督办单 督办〔2022〕第1号" in plain(ask.content) and "10月20日" in plain(ask.content)

            await chat.press(contact, ask, "收到")
            assert (
                fake.callback_answers[list(fake.callback_answers)[-1]]["text"]
                == "已签收 督办〔2022〕第1号,谢谢。请按时办结。"
            )
            assert last(ADMIN) == "📥 生态环境分局联络员(生态环境分局)已签收 督办〔2022〕第1号(任务 22.3)。"

            await chat.say(ADMIN, "/history 22.3")
            assert "生态环境分局联络员:生态环境分局签收督办单 督办〔2022〕第1号" in last(ADMIN)
            assert "发出督办单 督办〔2022〕第1号,办结时限 10月20日" in last(ADMIN)

            # A preview dropped by /cancel issues nothing; its button is stale.
            await documents(chat, fake, ADMIN, "/notice 31.1 5个工作日内")
            third = chat.last_to(ADMIN)
            assert "督办〔2022〕第2号" in last(ADMIN)
            await chat.say(ADMIN, "/cancel")
            assert last(ADMIN) == "已取消,督办单没有发出。"
            await chat.press(ADMIN, third, "确认发出")
            assert fake.callback_answers[list(fake.callback_answers)[-1]]["text"].startswith("这个按钮已失效")

            # Refusals: what to type instead, never a traceback.
            await chat.say(ADMIN, "/notice")
            assert last(ADMIN).startswith("用法:/notice 任务编号")
            await chat.say(ADMIN, "/notice 3.1")
            assert last(ADMIN) == "任务 3.1 已完成并审核通过,无需督办。"
            await chat.say(ADMIN, "/notice 22.3 9月1日")
            assert last(ADMIN).startswith("办结时限9月1日(周四)已经过去")
            for who in (contact, STRANGER):
                await chat.say(who, "/notice 22.3")
                assert "只有美丽办管理员" in last(who) or "还没有绑定" in last(who)
        assert fake.rejections == []
    print("\n" + chat.transcript())


async def test_circular_in_the_chat(tmp_path):
    world = september_world(f"sqlite:///{tmp_path / 'bot.db'}")
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        chat = Chat(fake, {ADMIN: "美丽办"})
        async with running_bot(world, fake):
            [doc] = await documents(chat, fake, ADMIN, "/circular 2022-09")
            assert doc.file.file_name == "duban-circular-2022-09.docx"
            assert "2022年9月份任务推进情况通报" in doc.caption and "按期完成 2" in doc.caption
            c = build(world.db, TODAY, world.calendar, world.policy, SHANGHAI, 2022, 9)
            rows = table_rows(read(doc.file.data), W.RANKING_COLUMNS)
            assert [(r[0], r[1], r[7]) for r in rows] == [
                (str(x.rank), x.department, W.percent(x.tally.rate)) for x in c.ranking
            ]
            [default] = await documents(chat, fake, ADMIN, "/circular")  # the month before today's
            assert default.file.file_name == "duban-circular-2022-09.docx"
            await chat.say(ADMIN, "/circular 2023-01")
            assert "当前责任书是2022年度的" in plain(chat.last_to(ADMIN).content)
            await chat.say(ADMIN, "/circular 11月")
            assert "还没有到" in plain(chat.last_to(ADMIN).content)
            await chat.say(ADMIN, "/circular 下月")
            assert plain(chat.last_to(ADMIN).content).startswith("用法:/circular")
        assert fake.rejections == []
