"""Nobody waits behind another person: while the office's /export is being built, a contact's /help in
another chat is answered; one chat's own messages are still answered in the order sent. Through the real
bot and the fake Bot API, with the workbook writer held on a threading.Event so the export is "slow" for
exactly as long as the test says (no timing in the test)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from fake_bot_api import FakeBotAPI
from fake_dingtalk import FakeDingTalk
from reports import workbook
from tests.chat_world import ADMIN, running_bot
from tests.dingtalk_world import OFFICE, running_dingtalk
from tests.test_reports_workbook import office_world

CONTACT = 2001
ZHANG = "zhangsan"


@pytest.fixture
def held_export(monkeypatch: pytest.MonkeyPatch):
    """The workbook writer waits for the test's go-ahead; `started` says an export has reached it."""
    started, release = threading.Event(), threading.Event()
    build = workbook.build_workbook

    def held(*args, **kwargs):
        started.set()
        if not release.wait(timeout=60):
            raise RuntimeError("the test never released the export")
        return build(*args, **kwargs)

    monkeypatch.setattr(workbook, "build_workbook", held)
    yield started, release
    release.set()


def _texts(fake: FakeBotAPI, chat_id: int) -> list[tuple[str, str]]:
    return [(m.method, m.content or m.caption or "") for m in fake.messages_to(chat_id)]


async def test_help_answered_while_another_chats_export_is_built(database_url, held_export):
    started, release = held_export
    world = office_world(database_url)
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        fake.add_user(CONTACT, first_name="联络员")
        async with running_bot(world, fake) as bot:
            fake.inject_message(ADMIN, "/export")
            assert await asyncio.to_thread(started.wait, 30), "the export never reached the workbook writer"
            fake.inject_message(CONTACT, "/help")
            help_answer = await fake.wait_until_async(
                lambda: fake.messages_to(CONTACT), what="the contact's /help answered", timeout=30
            )
            # The export is still held: the /help went past it.
            assert not fake.messages_to(ADMIN), _texts(fake, ADMIN)
            assert help_answer[0].method == "sendMessage" and "/" in help_answer[0].content
            # "typing…" while the workbook is built; none before an answer that comes at once
            await fake.wait_until_async(
                lambda: [c for c in fake.chat_actions if c[0] == ADMIN], what="typing while exporting", timeout=30
            )
            assert [c[1] for c in fake.chat_actions] == ["typing"]
            release.set()
            await fake.wait_until_async(
                lambda: any(m.method == "sendDocument" for m in fake.messages_to(ADMIN)),
                what="the export delivered",
                timeout=60,
            )
            await fake.wait_until_async(lambda: not bot.telegram.order.busy(), what="every chat idle", timeout=30)
        assert fake.rejections == []


async def test_one_chats_messages_answered_in_order(database_url, held_export):
    """The office's /help sent after its /export waits for it, while another chat's /help does not."""
    started, release = held_export
    world = office_world(database_url)
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        fake.add_user(CONTACT, first_name="联络员")
        async with running_bot(world, fake) as bot:
            fake.inject_message(ADMIN, "/export")
            assert await asyncio.to_thread(started.wait, 30)
            fake.inject_message(ADMIN, "/help")
            fake.inject_message(ADMIN, "/export 2022-09-01 2022-09-30")
            fake.inject_message(CONTACT, "/help")
            await fake.wait_until_async(lambda: fake.messages_to(CONTACT), what="the contact's /help", timeout=30)
            # The contact's /help was sent last and is answered; the office's own later messages wait their turn.
            assert not fake.messages_to(ADMIN), _texts(fake, ADMIN)
            release.set()
            await fake.wait_until_async(
                lambda: len(fake.messages_to(ADMIN)) >= 3, what="the office's three answers", timeout=60
            )
            await fake.wait_until_async(lambda: not bot.telegram.order.busy(), what="every chat idle", timeout=30)
        answers = fake.messages_to(ADMIN)
        assert [m.method for m in answers] == ["sendDocument", "sendMessage", "sendDocument"], _texts(fake, ADMIN)
        assert "2022-01-01 至 2022-12-31" in answers[0].caption and "2022-09-01 至 2022-09-30" in answers[2].caption
        assert fake.rejections == []


async def test_dingtalk_frames_of_other_chats_do_not_wait(database_url, held_export):
    """On DingTalk too: a person's 帮助 is answered while the office's export is built, and the office's own
    later 帮助 waits for its export; every frame is acknowledged once handled."""
    started, release = held_export
    world = office_world(database_url)
    with FakeDingTalk() as fake:
        fake.add_user(OFFICE, "美丽办王主任")
        fake.add_user(ZHANG, "张三")
        async with running_dingtalk(world, fake) as bot:
            fake.send_text(OFFICE, "/export")
            assert await asyncio.to_thread(started.wait, 30), "the export never reached the workbook writer"
            own = fake.send_text(OFFICE, "帮助")
            other = fake.send_text(ZHANG, "帮助")
            await fake.wait_async(lambda: fake.acked(other), what="张三's 帮助 handled", timeout=30)
            assert "邀请码" in fake.messages_to(ZHANG)[-1].text and not fake.acked(own)
            assert not fake.messages_to(OFFICE), [s.text for s in fake.messages_to(OFFICE)]
            release.set()
            await fake.wait_async(lambda: fake.acked(own), what="the office's frames handled", timeout=60)
            assert bot.dingtalk is not None and bot.dingtalk.stream.frames_handled == 3
        texts = [s.text for s in fake.messages_to(OFFICE)]
        workbook_at = next(i for i, t in enumerate(texts) if t.endswith(".xlsx"))
        help_at = next(i for i, t in enumerate(texts) if "命令" in t)
        assert workbook_at < help_at, texts  # in the order the office sent them
        assert fake.unacked() == [] and fake.rejections == []
