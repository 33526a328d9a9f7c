"""The real bot, running in the test's event loop against the fake Bot API, and a transcript of the chat."""

from __future__ import annotations

import html
import re
from contextlib import asynccontextmanager

from bot.app import assemble
from bot.config import load_settings
from channels.telegram.pacing import Pacer
from fake_bot_api import FakeBotAPI
from tests.reminder_world import ADMIN, NO_LIMITS  # one admin id for every chat test


@asynccontextmanager
async def running_bot(
    world, fake: FakeBotAPI, with_scheduler: bool = False, evidence_dir=None, evidence_required: bool = False
):
    env = {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_FILE_BASE_URL": fake.file_base_url,
        "DATABASE_URL": world.db.url,
        "DUBAN_ADMINS": str(ADMIN),
    }
    if evidence_dir is not None:
        env["DUBAN_EVIDENCE_DIR"] = str(evidence_dir)
    if evidence_required:
        env["DUBAN_EVIDENCE_REQUIRED"] = "yes"
    settings = load_settings(env)
    # No flood limits of our own here: these tests measure the conversation, tests/test_reminders_* the pacing.
    bot = assemble(
        settings,
        world.db,
        world.clock,
        world.calendar,
        world.policy,
        with_scheduler=with_scheduler,
        pacer=Pacer(**NO_LIMITS),
    )
    await bot.start(poll_timeout=1)
    try:
        yield bot
    finally:
        await bot.stop()


async def all_processed(app, fake: FakeBotAPI, timeout: float = 60.0) -> None:
    """Wait until the bot has handled every update injected so far (fetched is not handled)."""
    # Chats are handled concurrently: the last update done says nothing of an earlier one of another chat.
    injected = range(100_000, fake._state.next_update_id)
    await fake.wait_until_async(
        lambda: not fake.pending_updates and app.telegram.handled.issuperset(injected),
        what="every update handled",
        timeout=timeout,
    )


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text or ""))


class Chat:
    """Plays users through the fake server and keeps a readable transcript of both sides."""

    def __init__(self, fake: FakeBotAPI, names: dict[int, str]):
        self.fake, self.names, self.lines, self.seen = fake, names, [], 0

    def _drain(self) -> list:
        new = self.fake.sent[self.seen :]
        self.seen = len(self.fake.sent)
        for m in new:
            buttons = [b["text"] for row in (m.reply_markup or {}).get("inline_keyboard", []) for b in row]
            body = plain(m.content) if m.method == "sendMessage" else f"[{m.method}] {plain(m.content)}"
            self.lines.append(
                f"bot → {self.names.get(m.chat_id, m.chat_id)}: {body}" + (f"  {buttons}" if buttons else "")
            )
        return new

    async def settle(self, timeout: float = 5.0) -> list:
        """Wait until the bot has answered everything pending, then return what it sent."""
        await self.fake.wait_until_async(
            lambda: not self.fake.pending_updates, what="updates consumed", timeout=timeout
        )
        import asyncio

        quiet, last = 0, len(self.fake.sent)
        while quiet < 3:  # no new message for three short looks
            await asyncio.sleep(0.05)
            quiet = quiet + 1 if len(self.fake.sent) == last else 0
            last = len(self.fake.sent)
        return self._drain()

    async def say(self, user: int, text: str, chat_id: int | None = None, **kwargs) -> list:
        self._drain()
        self.lines.append(f"{self.names.get(user, user)}: {text}")
        self.fake.inject_message(user, text, chat_id=chat_id, **kwargs)
        return await self.settle()

    async def press(self, user: int, message, button_text: str) -> list:
        self._drain()
        self.lines.append(f"{self.names.get(user, user)}: [按 {button_text}]")
        qid = self.fake.press_button(user, message, button_text)
        await self.fake.wait_for_callback_answer_async(qid)
        answer = (self.fake.callback_answers.get(qid) or {}).get("text")
        if answer:
            self.lines.append(f"bot ⇢ {self.names.get(user, user)}(提示): {answer}")
        return await self.settle()

    async def photo(
        self, user: int, data: bytes, caption: str | None = None, reply_to: int | None = None, album: int = 1
    ) -> list:
        """A photo (or an album of `album` copies), as a reply to the bot's message `reply_to` if given."""
        self._drain()
        what = f"相册 {album} 张" if album > 1 else f"照片 {len(data)} 字节"
        said = f"(说明:{caption})" if caption else ""
        self.lines.append(f"{self.names.get(user, user)}: [{what}{said}{f' 回复消息 {reply_to}' if reply_to else ''}]")
        more = {"reply_to_message_id": reply_to} if reply_to else {}
        if album > 1:
            self.fake.inject_album(user, [data + bytes([i]) for i in range(album)], caption=caption, **more)
        else:
            self.fake.inject_photo(user, data, caption=caption, **more)
        return await self.settle()

    def last_to(self, chat_id: int):
        return self.fake.messages_to(chat_id)[-1]

    def transcript(self) -> str:
        self._drain()
        return "\n".join(self.lines)
