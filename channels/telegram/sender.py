"""Sending one message or file to one Telegram chat, and saying exactly what happened (handlers.ports).

Every message the bot sends goes through here: answers, notices and reminders, paced by the one limiter
(pacing.py). A 429 waits as told; a 5xx or a failed connection is retried with backoff; both at most
`max_attempts` times. A request that may have reached Telegram without an answer is never retried: it is
`uncertain`. 403 is `blocked`; a group that became a supergroup is followed to its new id.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from telegram import Bot, InlineKeyboardMarkup, InputFile
from telegram import Message as TgMessage
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from channels.telegram.pacing import Pacer
from channels.telegram.render import pieces
from handlers.ports import BLOCKED, FAILED, SENT, UNCERTAIN, BeforeSend, Outcome
from handlers.replies import Message, Upload

log = logging.getLogger("duban.delivery")


def _seconds(exc: RetryAfter) -> float:
    retry_after = exc.retry_after  # a timedelta (PTB_TIMEDELTA, set in bot/__init__), or seconds
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)


def _never_reached_telegram(exc: Exception) -> bool:
    """True when the request surely was not accepted, so sending again cannot duplicate it."""
    cause = exc.__cause__
    if isinstance(cause, httpx.HTTPError):  # a transport failure: only a failed connect is surely harmless
        return isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    if isinstance(exc, TimedOut):
        return "Pool timeout" in str(exc)  # PTB says so when the request never left the pool
    # Otherwise the server answered with an error status (5xx, a gateway's HTML page): not accepted.
    return True


@dataclass(frozen=True)
class _Hooks:
    """The caller's hooks for the first request of a message (none for the parts after it)."""

    before_send: BeforeSend | None = None
    retrying: BeforeSend | None = None

    async def waiting(self) -> None:
        if self.retrying is not None:
            await self.retrying()


class TelegramSender:
    def __init__(
        self,
        bot: Bot,
        pacer: Pacer | None = None,
        max_attempts: int = 5,
        backoff: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        self.bot, self.pacer = bot, pacer or Pacer()
        self.max_attempts, self.backoff, self.sleep = max_attempts, backoff, sleep

    async def send(
        self,
        chat_id: int,
        item: Message | Upload,
        before_send: BeforeSend | None = None,
        retrying: BeforeSend | None = None,
    ) -> Outcome:
        """Send `item` (a long text in several messages, buttons on the last). `before_send` runs after
        pacing, right before the first request leaves, and again before each retry of it; `retrying` runs
        when that request was surely not accepted and a retry will follow a wait (handlers/ports.py)."""
        outcome = Outcome(SENT, chat_id)
        requests: list[Callable[[int], Awaitable[TgMessage]]] = (
            [self._upload(item)]
            if isinstance(item, Upload)
            else [self._text(text, markup) for text, markup in pieces(item)]
        )
        hooks = _Hooks(before_send, retrying)
        for request in requests:
            failed = await self._send_one(outcome, request, hooks)
            hooks = _Hooks()  # a later part follows an accepted one: the message is under way, no going back
            if failed is not None:
                outcome.status, outcome.error = failed
                break
        return outcome

    def _text(self, text: str, markup: InlineKeyboardMarkup | None) -> Callable[[int], Awaitable[TgMessage]]:
        async def request(chat_id: int) -> TgMessage:
            return await self.bot.send_message(chat_id, text, reply_markup=markup)

        return request

    def _upload(self, item: Upload) -> Callable[[int], Awaitable[TgMessage]]:
        async def request(chat_id: int) -> TgMessage:
            if item.ref and item.ref_channel in (None, "telegram"):
                media: str | InputFile = item.ref
            elif item.data is not None:
                media = InputFile(item.data, filename=item.filename)
            elif item.path:
                media = InputFile(Path(item.path).read_bytes(), filename=item.filename or Path(item.path).name)
            else:
                raise BadRequest("nothing to upload")
            # A file id goes back by its own kind's method (Telegram: "type of file mismatch" otherwise).
            methods: dict[str, Callable[..., Awaitable[TgMessage]]] = {
                "photo": self.bot.send_photo,
                "voice": self.bot.send_voice,
                "video": self.bot.send_video,
                "audio": self.bot.send_audio,
            }
            send = methods.get(item.kind, self.bot.send_document)
            return await send(chat_id, media, caption=item.caption)

        return request

    async def _send_one(
        self, outcome: Outcome, request: Callable[[int], Awaitable[TgMessage]], hooks: _Hooks
    ) -> tuple[str, str] | None:
        """None when sent; else the final status and error."""
        for attempt in range(1, self.max_attempts + 1):
            await self.pacer.acquire(outcome.chat_id)
            if hooks.before_send is not None:
                await hooks.before_send()
            try:
                message = await request(outcome.chat_id)
            except (TelegramError, OSError) as exc:
                verdict = await self._after_failure(outcome, exc, attempt, hooks)
                if verdict is not None:
                    return verdict
                continue
            outcome.message_ids.append(message.message_id)
            return None
        return FAILED, f"RetryAfter after {self.max_attempts} attempts: flood control did not let it through"

    async def _after_failure(
        self, outcome: Outcome, exc: Exception, attempt: int, hooks: _Hooks
    ) -> tuple[str, str] | None:
        """What a failed request means: None to try again (after waiting as asked), else the verdict."""
        if isinstance(exc, RetryAfter):  # flood control: not accepted; wait as told, then again
            outcome.retries += 1
            wait = _seconds(exc)
            log.warning("429 for chat %s: retry after %ss", outcome.chat_id, wait)
            await hooks.waiting()
            await self.pacer.penalise(wait)
            return None
        if isinstance(exc, ChatMigrated):
            log.info("chat %s migrated to %s", outcome.chat_id, exc.new_chat_id)
            outcome.migrated_from = outcome.migrated_from or outcome.chat_id
            outcome.chat_id = int(exc.new_chat_id)
            return None
        if isinstance(exc, Forbidden):
            return BLOCKED, str(exc)
        if isinstance(exc, BadRequest):
            log.error("Telegram refused a message to chat %s: %s", outcome.chat_id, exc)
            return FAILED, f"BadRequest: {exc}"
        if isinstance(exc, TimedOut | NetworkError):
            return await self._transient(outcome, exc, attempt, hooks)
        if isinstance(exc, OSError):  # a file to upload could not be read: nothing was sent
            return FAILED, f"BadRequest: {exc}"
        raise exc

    async def _transient(self, outcome: Outcome, exc: Exception, attempt: int, hooks: _Hooks) -> tuple[str, str] | None:
        """A timeout or a network failure: retried with backoff only when surely not accepted."""
        if not _never_reached_telegram(exc):
            log.error("send to chat %s may or may not have arrived: %r", outcome.chat_id, exc)
            return UNCERTAIN, f"{type(exc).__name__}: {exc} ({type(exc.__cause__).__name__})"
        if attempt >= self.max_attempts:
            return FAILED, f"{type(exc).__name__} after {attempt} attempts: {exc}"
        outcome.retries += 1
        delay = self.backoff * 2 ** (attempt - 1)
        log.warning("send to chat %s failed (%s); retry %d in %.1fs", outcome.chat_id, exc, attempt, delay)
        await hooks.waiting()
        await self.sleep(delay)
        return None


@asynccontextmanager
async def standalone_sender(token: str, api_base_url: str | None = None) -> AsyncIterator[TelegramSender]:
    """A sender for a command that is not the running bot (e.g. `duban task` telling departments)."""
    bot = Bot(token, base_url=api_base_url) if api_base_url else Bot(token)
    async with bot:
        yield TelegramSender(bot, Pacer())
