"""Issue 15, input as a careless user and an attacker would type it, through the real bot and the fake Bot
API: a second department's invite code, a contact bound to two departments from before, 200 wrong invite
codes, a long note, and implausible quantities."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from sqlalchemy import func, select

from fake_bot_api import FakeBotAPI
from handlers.markup import MESSAGE_LIMIT
from services.report_drafts import MAX_NOTE
from storage.models import AuditEntry, Contact, Invite, Report
from storage.paths import BUNDLED_LETTER
from tests.chat_world import ADMIN, Chat, running_bot
from tests.conftest import SHANGHAI
from tests.reminder_world import World
from tests.test_chat_rules import bind

FGJ, ZJJ, NR, GUESSER = 4101, 4102, 4103, 4104  # 发改局 and 住建局 contacts, 自然资源局's, a stranger
NAMES = {ADMIN: "美丽办", FGJ: "发改局联络员", ZJJ: "住建局联络员", NR: "自然资源局联络员", GUESSER: "猜码人"}


def world_at_work(database_url: str) -> World:
    return World(database_url, BUNDLED_LETTER, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))


def users(fake: FakeBotAPI) -> Chat:
    for uid, name in NAMES.items():
        fake.add_user(uid, first_name=name)
    return Chat(fake, NAMES)


async def new_code(chat: Chat, department: str) -> str:
    await chat.say(ADMIN, f"/invite {department} contact")
    found = re.search(r"/start ([A-Z0-9]{8})", chat.last_to(ADMIN).content)
    assert found, chat.last_to(ADMIN).content
    return found.group(1)


def office_texts(chat: Chat, fake: FakeBotAPI) -> list[str]:
    chat.transcript()
    return [m.content for m in fake.messages_to(ADMIN)]


async def test_a_second_departments_code_is_refused_and_stays_unused(database_url):
    """Issue 15.3: a 发改局 contact redeeming a 住建局 code was told he joined 住建局, listed and reminded
    there, yet refused its tasks. Now the code is refused with the reason, stays usable, nothing changes."""
    world = world_at_work(database_url)
    bind(world, FGJ, "发改局")
    with FakeBotAPI() as fake:
        chat = users(fake)
        async with running_bot(world, fake):
            code = await new_code(chat, "住建局")
            await chat.say(FGJ, f"/start {code}")
            refusal = chat.last_to(FGJ).content
            assert "每人只能绑定一个部门" in refusal and "没有绑定到住建局" in refusal and "没有被使用" in refusal
            assert "发改局" in refusal and "请联系美丽办" in refusal
            told = office_texts(chat, fake)[-1]
            assert "发改局联络员" in told and str(FGJ) in told and code in told and "仍未使用" in told
            await chat.say(FGJ, "/tasks")
            assert "发改局的任务" in chat.last_to(FGJ).content and "早先" not in chat.last_to(FGJ).content
            await chat.say(FGJ, "/task 17.2")
            assert "不属于您的部门" in chat.last_to(FGJ).content
            # The person the code was meant for can still use it.
            await chat.say(ZJJ, f"/start {code}")
            assert "绑定成功" in chat.last_to(ZJJ).content and "住建局" in chat.last_to(ZJJ).content
            await chat.say(ZJJ, "/task 17.2")
            assert "17.2" in chat.last_to(ZJJ).content and "不属于" not in chat.last_to(ZJJ).content
            with world.db.session() as s:
                fgj_departments = [c.department.name for c in s.scalars(select(Contact).where(Contact.user_id == FGJ))]
                used_by = s.scalar(select(Invite.used_by).where(Invite.code == code))
            assert fgj_departments == ["发改局"] and used_by == ZJJ

            # When the office does mean to move him: the button on its notice, and he is told.
            second = await new_code(chat, "住建局")
            await chat.say(FGJ, f"/start {second}")
            notice = chat.last_to(ADMIN)
            assert "改为住建局" in [b["text"] for b in notice.buttons]
            await chat.press(ADMIN, notice, "改为住建局")
            assert "已将 u4101(用户 4101)从发改局改为住建局的联络员" in chat.last_to(ADMIN).content
            assert "美丽办已将您从发改局改为住建局的联络员" in chat.last_to(FGJ).content
            await chat.say(FGJ, "/tasks")
            assert "住建局的任务" in chat.last_to(FGJ).content and "早先" not in chat.last_to(FGJ).content
            await chat.say(FGJ, "/task 17.2")
            assert "不属于" not in chat.last_to(FGJ).content
            await chat.say(FGJ, "/task 1.1")
            assert "不属于您的部门" in chat.last_to(FGJ).content
        assert fake.rejections == []
    with world.db.session() as s:
        fgj_departments = [c.department.name for c in s.scalars(select(Contact).where(Contact.user_id == FGJ))]
        used_by = s.scalar(select(Invite.used_by).where(Invite.code == second))
        moves = s.scalars(select(AuditEntry).where(AuditEntry.action == "contact.move")).all()
    assert fgj_departments == ["住建局"] and used_by == FGJ
    assert [(m.before["department"], m.after["department"]) for m in moves] == [("发改局", "住建局")]


async def test_two_bindings_from_before_are_reported_never_half(database_url):
    """A person bound to 发改局 and 住建局 before the refusal existed: /tasks, /task and /done agree on the
    department they act for (the first binding) and say why the other one's tasks are refused."""
    world = world_at_work(database_url)
    bind(world, FGJ, "发改局")
    bind(world, FGJ, "住建局")
    with FakeBotAPI() as fake:
        chat = users(fake)
        async with running_bot(world, fake):
            last = lambda: chat.last_to(FGJ).content  # noqa: E731
            await chat.say(FGJ, "/tasks")
            assert "发改局的任务" in last() and "早先还绑定了住建局" in last() and "目前按发改局办理" in last()
            for said in ("/task 17.2", "/done 17.2", "17.2 已完成"):
                await chat.say(FGJ, said)
                assert "同时绑定了发改局和住建局" in last() and "按发改局办理" in last(), said
                assert "如需改为住建局,请联系美丽办" in last(), said
            await chat.say(FGJ, "/task 1.1")
            assert "1.1" in last() and "无法" not in last()
            await chat.say(FGJ, "/done 1.1")
            assert "请确认上报内容" in last()
            await chat.say(FGJ, "/start")
            assert "早先还绑定了住建局" in last()

            # A 住建局 code does not quietly switch him (he would be told one thing and act for another);
            # the office moves him with the button, and the views follow together.
            code = await new_code(chat, "住建局")
            await chat.say(FGJ, f"/start {code}")
            assert "没有绑定到住建局" in last() and "绑定成功" not in last()
            await chat.press(ADMIN, chat.last_to(ADMIN), "改为住建局")
            assert "从发改局改为住建局" in last()
            await chat.say(FGJ, "/tasks")
            assert "住建局的任务" in last() and "早先还绑定了发改局" in last()
            await chat.say(FGJ, "/task 17.2")
            assert "17.2" in last() and "无法" not in last()
            await chat.say(FGJ, "/done 1.1")
            assert "同时绑定了住建局和发改局" in last() and "按住建局办理" in last()
        assert fake.rejections == []
    with world.db.session() as s:
        rows = [
            c.department.name for c in s.scalars(select(Contact).where(Contact.user_id == FGJ).order_by(Contact.id))
        ]
    assert rows == ["住建局", "发改局"]


async def test_two_hundred_wrong_codes_are_slowed_down(database_url, caplog):
    """200 wrong codes from one user were all read, logged at INFO, unnoticed. Now at most 5 are read in 15
    minutes, the rest refused unread with the minutes to wait, one WARNING, the office told once; when the
    window has passed (the injected clock moved) a right code works."""
    caplog.set_level(logging.INFO, logger="duban.onboarding")
    world = world_at_work(database_url)
    with FakeBotAPI() as fake:
        chat = users(fake)
        async with running_bot(world, fake):
            code = await new_code(chat, "发改局")
            office_before = len(fake.messages_to(ADMIN))
            for i in range(200):
                fake.inject_message(GUESSER, f"/start WRONG{i:03d}")
            await chat.settle(timeout=180)
            answers = [m.content for m in fake.messages_to(GUESSER)]
            assert len(answers) == 200
            assert sum("邀请码无效" in a for a in answers) == 4
            assert sum("邀请码输错次数过多,请 15 分钟后再试" in a for a in answers) == 196
            told = [m.content for m in fake.messages_to(ADMIN)[office_before:]]
            assert len(told) == 1 and "猜码人" in told[0] and str(GUESSER) in told[0] and "5 次" in told[0]
            # Even the right code is not read while the window lasts.
            await chat.say(GUESSER, f"/start {code}")
            assert "分钟后再试" in chat.last_to(GUESSER).content
            world.clock.advance(minutes=10)
            await chat.say(GUESSER, f"/start {code}")
            assert "请 5 分钟后再试" in chat.last_to(GUESSER).content
            world.clock.advance(minutes=6)
            await chat.say(GUESSER, f"/start {code}")
            assert "绑定成功" in chat.last_to(GUESSER).content
            assert len(fake.messages_to(ADMIN)) == office_before + 1
        assert fake.rejections == []
    with world.db.session() as s:
        read = s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "invite.failed"))
        bound = [c.department.name for c in s.scalars(select(Contact).where(Contact.user_id == GUESSER))]
    assert read == 5 and bound == ["发改局"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "duban.onboarding"]
    assert len(warnings) == 1 and str(GUESSER) in warnings[0].getMessage()


async def test_a_long_note_is_kept_whole_and_a_cut_is_said(database_url):
    """Notes were cut to 1,000 characters without a word. A 5,000-character note (sent as Telegram sends a
    long paste: 4,096 characters, then the rest) is stored whole; the confirmation stays one message and says
    so; only past MAX_NOTE is anything cut, and the answer says it at once."""
    world = world_at_work(database_url)
    bind(world, FGJ, "发改局")
    note = "".join(f"第{i}段整改情况说明。" for i in range(1000))[:5000]
    with FakeBotAPI() as fake:
        chat = users(fake)
        async with running_bot(world, fake):
            await chat.say(FGJ, "/done 1.1")
            await chat.say(FGJ, note[:4096])
            await chat.say(FGJ, note[4096:])
            confirmation = chat.last_to(FGJ)
            assert len(confirmation.content) < MESSAGE_LIMIT
            assert "共 5001 字,已完整保存" in confirmation.content  # the two parts, one line break between
            await chat.press(FGJ, confirmation, "确认上报")
            assert "已上报" in chat.last_to(FGJ).content
            await chat.say(ADMIN, "/pending")  # the office reads it whole, in as many messages as it takes
            assert all(len(m.content) <= MESSAGE_LIMIT for m in fake.messages_to(ADMIN))

            await chat.say(FGJ, "/done 2.1")
            part = "很长的说明" * 818  # 4,090 characters and a number: as much as one message carries
            for i in range(4):
                await chat.say(FGJ, f"{part}{i:05d}")
                assert "没有保存" not in chat.last_to(FGJ).content
            replies = await chat.say(FGJ, f"{part}{4:05d}")
            assert "说明最多保存 20000 字" in replies[0].content and "最后 479 字没有保存" in replies[0].content
            assert "请确认上报内容" in replies[-1].content
        assert fake.rejections == []
    with world.db.session() as s:
        first = s.scalar(select(Report).where(Report.status == "submitted"))
        draft = s.scalar(select(Report).where(Report.status == "draft"))
    assert first is not None and first.note == note[:4096] + "\n" + note[4096:]
    assert draft is not None and len(draft.note) == MAX_NOTE


async def test_implausible_quantities_are_asked_about_and_absurd_ones_refused(database_url):
    """99999999999999999999999亩 was stored as 1e23 and 958万亩 as 9,580,000 亩. Now an absurd number is
    refused with what to type, and a quantity its unit multiplies or over three times its target is shown
    back to confirm or type again; the usual ways ('3.1 完成 900亩', '900 800', /done) are unchanged."""
    world = world_at_work(database_url)
    bind(world, NR, "自然资源局")
    with FakeBotAPI() as fake:
        chat = users(fake)
        async with running_bot(world, fake):
            last = lambda: chat.last_to(NR)  # noqa: E731

            await chat.say(NR, "3.1 完成 99999999999999999999999亩")
            assert "这个数字太大了" in last().content and "958亩" in last().content
            await chat.say(NR, "/done 3.1")
            await chat.say(NR, "9" * 400)  # past what a float holds
            assert "这个数字太大了" in last().content
            await chat.say(NR, "/cancel")

            # 万 multiplies: asked, typed again, then the usual second question.
            await chat.say(NR, "3.1 完成 958万亩")
            check = last()
            assert (
                "请核对数量" in check.content and "9,580,000亩" in check.content and "“万”把数字放大了" in check.content
            )
            assert [b["text"] for b in check.buttons] == ["✅ 数量无误", "✏️ 重新填写", "取消"]
            await chat.say(NR, "958")
            assert "低效用地再开发" in last().content
            await chat.say(NR, "800")
            assert "请确认上报内容" in last().content and "958亩" in last().content
            await chat.press(NR, last(), "确认上报(无佐证)")

            # Over three times the target, in '900 800' form: 数量无误 records it as typed.
            await chat.say(NR, "/done 3.1")
            await chat.say(NR, "3000 800")
            assert "3,000亩,是目标 958亩 的 3.1 倍" in last().content
            await chat.press(NR, last(), "数量无误")
            assert "请确认上报内容" in last().content and "3000亩" in last().content
            await chat.press(NR, last(), "确认上报(无佐证)")

            # 重新填写 asks the doubted one again.
            await chat.say(NR, "/done 3.1")
            await chat.say(NR, "958万亩")
            await chat.press(NR, last(), "重新填写")
            assert "完成了多少" in last().content and "盘活存量建设用地" in last().content
            await chat.say(NR, "900 800")  # the usual way: no question
            assert "请确认上报内容" in last().content and "900亩" in last().content
            await chat.say(NR, "/cancel")

            # /progress: absurd refused, doubtful recorded only with 确认.
            await chat.say(NR, "/progress 3.1 99999999999999999999999亩")
            assert "这个数字太大了" in last().content
            await chat.say(NR, "/progress 3.1 958万亩")
            assert "没有记录" in last().content and "/progress 3.1 958万亩 确认" in last().content
            await chat.say(NR, "/progress 3.1 958万亩 确认")
            assert "已记录进度" in last().content
            await chat.say(NR, "/progress 3.1 600亩")
            assert "已记录进度" in last().content and "600亩/目标958亩" in last().content
        assert fake.rejections == []
    with world.db.session() as s:
        reports = s.scalars(select(Report).where(Report.status == "submitted").order_by(Report.id)).all()
    measures = [[m["value"] for m in r.measures] for r in reports]
    assert measures == [[958, 800], [3000, 800], [9_580_000], [600]]
