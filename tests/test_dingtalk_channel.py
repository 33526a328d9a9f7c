"""The DingTalk adapter in the test's event loop against the fake DingTalk: what people send and what they
get back, the stream's faults (a redelivered frame, a silent connection, an outage), the access token's
expiry, DingTalk's answers as outcomes, and cards."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from fake_dingtalk import FakeDingTalk
from handlers.ports import BLOCKED, FAILED, SENT, UNCERTAIN
from handlers.replies import Message
from services import accounts
from storage.models import Contact, Report
from storage.paths import BUNDLED_LETTER
from tests.conftest import SHANGHAI
from tests.dingtalk_world import OFFICE, DingTalkChat, running_dingtalk
from tests.reminder_world import World

ZHANG = "zhangsan"
GROUP = "cidGroup01=="


@pytest.fixture
def world(tmp_path):
    w = World(f"sqlite:///{tmp_path / 'dt.db'}", BUNDLED_LETTER, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))
    yield w
    w.db.dispose()


def people(fake: FakeDingTalk) -> None:
    fake.add_user(OFFICE, "美丽办王主任")
    fake.add_user(ZHANG, "张三")
    fake.add_group(GROUP, "自然资源局工作群")


async def bound(chat: DingTalkChat) -> None:
    code = re.search(r"([A-Z0-9]{8})", await chat.say(OFFICE, "邀请 自然资源局")).group(1)
    assert "绑定成功" in await chat.say(ZHANG, f"绑定 {code}")


async def test_groups_private_chats_and_message_types(world, tmp_path):
    with FakeDingTalk() as fake:
        people(fake)
        async with running_dingtalk(world, fake, evidence_dir=tmp_path / "evidence") as bot:
            chat = DingTalkChat(fake, bot, {OFFICE: "美丽办", ZHANG: "张三", GROUP: "工作群"})
            await bound(chat)
            # A group message not @-mentioning the robot is not its business: acknowledged, unanswered.
            before = len(fake.sent)
            await chat.say(ZHANG, "任务", group=GROUP, mention=False)
            assert len(fake.sent) == before
            assert "工作群" in await chat.say(ZHANG, "绑定群", group=GROUP)
            assert fake.messages_to(GROUP)[-1].group
            # A video outside a report gets a short answer (at the evidence step it is evidence:
            # tests/test_faults_silent.py); DingTalk's speech recognition is read as typed.
            await chat.settle(fake.send_video(ZHANG))
            assert "这份材料还没有对应的上报" in chat.last_to(ZHANG)
            await chat.settle(fake.send_audio(ZHANG, recognition="帮助"))
            assert "联络员可用命令" in chat.last_to(ZHANG) and "命令前的 / 可以省略" in chat.last_to(ZHANG)
            # A file sent during a report is evidence, kept on disk.
            assert "确认上报" in await chat.say(ZHANG, "上报 10.4")
            await chat.settle(fake.send_file(ZHANG, b"%PDF-1.4 acceptance", "验收单.pdf"))
            assert "佐证材料:1 份" in chat.last_to(ZHANG)
        assert fake.rejections == [] and fake.unacked() == []
    with world.db.session() as s:
        draft = s.scalar(select(Report).order_by(Report.id.desc()))
        group = s.scalar(select(Contact).where(Contact.kind == "group"))
    assert draft.evidence[0]["name"] == "验收单.pdf" and draft.evidence[0]["path"]
    assert group.chat_id == accounts.find(world.db, "dingtalk", GROUP) and group.display_name == "自然资源局工作群"
    print("\n" + chat.transcript())


async def test_a_redelivered_frame_is_handled_once_and_every_frame_acknowledged(world):
    with FakeDingTalk() as fake:
        people(fake)
        async with running_dingtalk(world, fake) as bot:
            chat = DingTalkChat(fake, bot, {OFFICE: "美丽办"})
            key = fake.send_text(OFFICE, "帮助")
            await chat.settle(key)
            answers = len(fake.messages_to(OFFICE))
            fake.redeliver(key)  # DingTalk thought the acknowledgement was lost
            await fake.wait_async(lambda: fake.state.acks[key] and bot.dingtalk.stream.frames_handled == 1)
            await chat.settle(fake.redeliver(key, new_frame=True))  # the same msgId in a new frame
            fake.system("ping", {"opaque": "42"})
            await chat.settle(fake.send_text(OFFICE, "帮助"))
            assert len(fake.messages_to(OFFICE)) == answers + 1
        assert fake.unacked() == [] and fake.rejections == []
    assert bot.dingtalk.stream.frames_handled == 3  # the new frame was taken, its message not answered again


async def test_the_token_is_fetched_again_before_it_expires(world):
    with FakeDingTalk(token_seconds=300) as fake:  # no longer than duban's margin: never used near its end
        people(fake)
        async with running_dingtalk(world, fake) as bot:
            office = accounts.find(world.db, "dingtalk", OFFICE)
            fetched = bot.dingtalk.api.tokens_fetched
            for text in ("一", "二"):
                assert (await bot.dingtalk.sender.send(office, Message(text))).sent
            assert bot.dingtalk.api.tokens_fetched == fetched + 2
        assert fake.count("POST", "/v1.0/robot/oToMessages/batchSend") == 2  # no 401 on the way


async def test_token_expiry_flow_control_and_outcomes(world):
    with FakeDingTalk() as fake:
        people(fake)
        fake.add_user("left01", "已离职")
        async with running_dingtalk(world, fake) as bot:
            dt = bot.dingtalk
            sender = dt.sender
            office = accounts.find(world.db, "dingtalk", OFFICE)
            fetched = dt.api.tokens_fetched
            fake.expire_tokens()  # DingTalk forgot the token: 401, a new one, the message goes
            assert (await sender.send(office, Message("一"))).status == SENT
            assert dt.api.tokens_fetched == fetched + 1
            fake.flow_control(OFFICE, 2)
            held = await sender.send(office, Message("二"))
            assert held.status == SENT and held.retries == 2 and held.receipt
            fake.flow_control(OFFICE, 9)
            given_up = await sender.send(office, Message("三"))
            assert given_up.status == FAILED and given_up.error.startswith("FlowControlled") and not given_up.refused
            fake.flow_control(OFFICE, 0)
            left = accounts.ensure(world.db, world.clock, "dingtalk", "left01", "user")
            fake.make_invalid("left01")
            assert (await sender.send(left, Message("四"))).status == BLOCKED
            no_group = accounts.ensure(world.db, world.clock, "dingtalk", "cidUnknown", "group")
            assert (await sender.send(no_group, Message("五"))).status == BLOCKED  # the robot is not in it
            unknown = await sender.send(12345, Message("六"))
            assert unknown.status == FAILED and unknown.refused
            fake.fail_next("batchSend", times=2, status=503)
            retried = await sender.send(office, Message("七"))
            assert retried.status == SENT and retried.retries == 2
            fake.fail_next("batchSend", times=1, drop=True)  # handled, but no answer came back
            assert (await sender.send(office, Message("八"))).status == UNCERTAIN
            fake.fail_next("batchSend", times=1, status=400, code="param.invalid", message="坏参数")
            refused = await sender.send(office, Message("九"))
            assert refused.status == FAILED and refused.refused
        texts_to_office = [s.text for s in fake.messages_to(OFFICE)]
    assert texts_to_office == ["一", "二", "七", "八"]  # 八 arrived although its answer did not: uncertain
    assert fake.state.held.count((OFFICE, "二")) == 2


async def test_a_silent_connection_and_an_outage_are_survived(world):
    with FakeDingTalk() as fake:
        people(fake)
        async with running_dingtalk(world, fake) as bot:
            stream = bot.dingtalk.stream
            chat = DingTalkChat(fake, bot, {OFFICE: "美丽办"})
            fake.silence()  # the connection stays open, nothing comes through, pings go unanswered
            await fake.wait_async(lambda: stream.connections >= 2, timeout=15, what="a new connection")
            fake.silence(False)
            await fake.wait_async(lambda: stream.connected.is_set())
            assert "管理员命令" in await chat.say(OFFICE, "帮助")
            fake.outage()  # DingTalk is down: the stream cannot be reopened for a while
            fake.drop_connections()
            await fake.wait_async(lambda: fake.count("POST", "/v1.0/gateway/connections/open") >= 5, timeout=15)
            fake.outage(False)
            await fake.wait_async(lambda: stream.connected.is_set() and fake.connections == 1, timeout=15)
            assert "管理员命令" in await chat.say(OFFICE, "帮助")
        assert fake.rejections == []


async def test_buttons_as_cards_updated_when_pressed(world):
    with FakeDingTalk(card_template="duban-buttons.schema") as fake:
        people(fake)
        async with running_dingtalk(world, fake) as bot:
            chat = DingTalkChat(fake, bot, {OFFICE: "美丽办", ZHANG: "张三"})
            await bound(chat)
            await chat.say(ZHANG, "/done 10.4")
            confirm = fake.cards_to(ZHANG)[-1]
            assert confirm.template == "duban-buttons.schema" and "确认上报" in confirm.params["content"]
            await chat.press(ZHANG, confirm, "✅ 确认上报(无佐证)")
            assert confirm.buttons() == [] and "已上报" in chat.last_to(ZHANG)  # answered: its buttons gone
            review = fake.cards_to(OFFICE)[-1]  # the office's notice is a card with 通过 / 退回
            await chat.press(OFFICE, review, "通过")
            assert "审核通过" in chat.last_to(ZHANG) and review.updates
            await chat.press(OFFICE, review, "通过", double_tap=True)  # answered on the card, done once
            assert "已经处理过" in review.params["status"]
        assert fake.rejections == [] and fake.unacked() == []
    with world.db.session() as s:
        assert s.scalar(select(Report.status)) == "verified"
    print("\n" + chat.transcript())


async def test_a_long_answer_is_split_to_fit(world):
    with FakeDingTalk() as fake:
        people(fake)
        async with running_dingtalk(world, fake) as bot:
            chat = DingTalkChat(fake, bot, {OFFICE: "美丽办"})
            before = len(fake.messages_to(OFFICE))
            await chat.say(OFFICE, "任务")  # every task of the letter, for the office
            parts = fake.messages_to(OFFICE)[before:]
        assert fake.rejections == []
    assert len(parts) > 1 and all(len(p.text) <= 5000 for p in parts)
