"""The real bot on DingTalk, in the test's event loop against the fake DingTalk, and a transcript of the
chat as the people saw it."""

from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager
from dataclasses import replace

from bot.app import assemble
from bot.config import load_settings
from channels.dingtalk.pacing import Pacer
from fake_dingtalk import FakeDingTalk

OFFICE = "office01"  # the coordinating office's DingTalk userId (DUBAN_ADMINS=dingtalk:office01)
FAST = dict(heartbeat=1.0, backoff=0.05, flow_wait=0.05)  # reconnects and retries in a test's time


@asynccontextmanager
async def running_dingtalk(world, fake: FakeDingTalk, with_scheduler: bool = False, evidence_dir=None, **env):
    settings = load_settings(
        fake.env(DATABASE_URL=world.db.url, DUBAN_ADMINS=f"dingtalk:{OFFICE}", DINGTALK_READ_POLL_SECONDS="1", **env)
    )
    if evidence_dir is not None:
        settings = replace(settings, evidence_dir=evidence_dir)
    bot = assemble(settings, world.db, world.clock, world.calendar, world.policy, with_scheduler=with_scheduler)
    assert bot.dingtalk is not None
    bot.dingtalk.config = replace(bot.dingtalk.config, **FAST)
    bot.dingtalk.stream.heartbeat, bot.dingtalk.stream.backoff = FAST["heartbeat"], FAST["backoff"]
    bot.dingtalk.sender.flow_wait, bot.dingtalk.sender.backoff = FAST["flow_wait"], 0.01
    bot.dingtalk.sender.pacer = Pacer(per_second=10_000, burst=10_000)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


def plain(markdown: str) -> str:
    """DingTalk markdown as a person reads it."""
    text = re.sub(r"\*\*(.*?)\*\*", r"\1", markdown.replace("  \n", "\n"))
    return re.sub(r"\[(.*?)\]\((.*?)\)", r"\1 (\2)", text)


class DingTalkChat:
    """Plays people through the fake DingTalk and keeps a readable transcript of both sides."""

    def __init__(self, fake: FakeDingTalk, bot, names: dict[str, str]):
        self.fake, self.bot, self.names, self.lines = fake, bot, names, []
        self.seen = 0
        self.cards_seen: dict[str, int] = {}

    def _drain(self) -> None:
        sent = self.fake.sent
        for s in sent[self.seen :]:
            who = self.names.get(s.to, s.to)
            body = plain(s.text) if s.key in ("sampleMarkdown", "sampleText") else f"[{s.key}] {s.text}"
            self.lines.append(f"bot → {who}: {body}")
        self.seen = len(sent)
        with self.fake.state.lock:
            cards = list(self.fake.state.cards.values())
        for card in cards:
            shown = len(card.updates)
            if card.card_id not in self.cards_seen:
                labels = [b["label"] for b in card.buttons()]
                self.lines.append(
                    f"bot → {self.names.get(card.to, card.to)}: [卡片] {plain(card.params['content'])}  {labels}"
                )
            elif shown > self.cards_seen[card.card_id]:
                status = card.params.get("status")
                self.lines.append(f"bot ⇢ {self.names.get(card.to, card.to)}: [卡片更新] {status or ''}".rstrip())
            self.cards_seen[card.card_id] = shown

    async def settle(self, key: str) -> None:
        """Wait until the bot handled the frame and its answers stopped coming."""
        await self.fake.wait_async(lambda: self.fake.acked(key), timeout=20, what=f"frame {key} acknowledged")
        quiet, last = 0, len(self.fake.sent)
        while quiet < 3:
            await asyncio.sleep(0.03)
            quiet = quiet + 1 if len(self.fake.sent) == last else 0
            last = len(self.fake.sent)
        self._drain()

    async def say(self, user: str, text: str, group: str | None = None, mention: bool = True) -> str:
        self._drain()
        where = f"(群 {self.names.get(group, group)})" if group else ""
        self.lines.append(f"{self.names.get(user, user)}{where}: {text}")
        key = self.fake.send_text(user, text, group=group, mention=mention)
        await self.settle(key)
        return self.last_to(group or user)

    async def picture(self, user: str, data: bytes) -> str:
        self._drain()
        self.lines.append(f"{self.names.get(user, user)}: [图片 {len(data)} 字节]")
        await self.settle(self.fake.send_picture(user, data))
        return self.last_to(user)

    async def press(self, user: str, card, label: str, double_tap: bool = False) -> None:
        self._drain()
        self.lines.append(f"{self.names.get(user, user)}: [按 {label}]")
        await self.settle(self.fake.press(user, card, label, double_tap))

    def last_to(self, to: str) -> str:
        found = self.fake.messages_to(to)
        return plain(found[-1].text) if found else ""

    def texts_to(self, to: str) -> list[str]:
        return [plain(s.text) for s in self.fake.messages_to(to)]

    def transcript(self) -> str:
        self._drain()
        return "\n".join(self.lines)
