"""Sending one rendered message to one chat, and saying exactly what happened.

Outcomes: sent; blocked (403: never started the bot, or blocked it); migrated (the group became a
supergroup: sent to the new chat id, which the caller stores); failed (Telegram refused, or transient
errors outlasted the retries: nothing was accepted, so trying again later cannot duplicate); uncertain
(the request may have reached Telegram but no answer came: never retried, so never duplicated).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from telegram import Bot, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from scheduler.pacing import Pacer

log = logging.getLogger("duban.delivery")

SENT, BLOCKED, FAILED, UNCERTAIN = "sent", "blocked", "failed", "uncertain"


@dataclass(frozen=True)
class Part:
    text: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class FilePart:
    """A photo or a document to upload (the office's weekly report), with an optional HTML caption."""

    kind: str  # "photo" | "document"
    data: bytes
    filename: str
    caption: str | None = None


@dataclass
class Outcome:
    status: str
    chat_id: int  # where it went: differs from the asked chat after a migration
    message_ids: list[int] = field(default_factory=list)
    error: str | None = None
    retries: int = 0
    migrated_from: int | None = None


def _seconds(exc: RetryAfter) -> float:
    retry_after = exc.retry_after  # a timedelta (PTB_TIMEDELTA, set in bot/__init__), or seconds
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)


def _never_reached_telegram(exc: Exception) -> bool:
    """True when the request surely was not accepted, so sending again cannot duplicate it."""
    cause = exc.__cause__
    if isinstance(cause, httpx.HTTPError):  # a transport failure: only a failed connect is surely harmless
        return isinstance(cause, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    if isinstance(exc, TimedOut):
        return "Pool timeout" in str(exc)  # PTB says so when the request never left the pool
    # Otherwise the server answered with an error status (5xx, a gateway's HTML page): not accepted.
    return True


class Deliverer:
    def __init__(self, bot: Bot, pacer: Pacer | None = None, max_attempts: int = 5, backoff: float = 1.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.bot, self.pacer = bot, pacer or Pacer()
        self.max_attempts, self.backoff, self.sleep = max_attempts, backoff, sleep

    async def deliver(self, chat_id: int, part: Part,
                      before_send: Callable[[], Awaitable[None]] | None = None) -> Outcome:
        """Send one message. `before_send` runs once, after pacing, right before the first request:
        the caller records "sending" there, so a crash can only leave this one request in doubt."""
        outcome = Outcome(SENT, chat_id)
        result = await self._send(outcome, part, before_send)
        if result is not None:
            outcome.status, outcome.error = result
        return outcome

    async def _request(self, chat_id: int, part: Part | FilePart):
        if isinstance(part, FilePart):
            upload = InputFile(part.data, filename=part.filename)
            if part.kind == "photo":
                return await self.bot.send_photo(chat_id, upload, caption=part.caption)
            return await self.bot.send_document(chat_id, upload, caption=part.caption)
        return await self.bot.send_message(chat_id, part.text, reply_markup=part.keyboard)

    async def _send(self, outcome: Outcome, part: Part, before_send) -> tuple[str, str] | None:
        attempt = 0
        while True:
            attempt += 1
            await self.pacer.acquire(outcome.chat_id)
            if before_send is not None:
                await before_send()
                before_send = None
            try:
                message = await self._request(outcome.chat_id, part)
                outcome.message_ids.append(message.message_id)
                return None
            except RetryAfter as exc:  # flood control: not accepted; wait as told, then again
                outcome.retries += 1
                wait = _seconds(exc)
                log.warning("429 for chat %s: retry after %ss", outcome.chat_id, wait)
                await self.pacer.penalise(wait)
            except ChatMigrated as exc:
                log.info("chat %s migrated to %s", outcome.chat_id, exc.new_chat_id)
                outcome.migrated_from = outcome.migrated_from or outcome.chat_id
                outcome.chat_id = exc.new_chat_id
            except Forbidden as exc:
                return BLOCKED, str(exc)
            except BadRequest as exc:
                log.error("Telegram refused a message to chat %s: %s", outcome.chat_id, exc)
                return FAILED, f"BadRequest: {exc}"
            except (TimedOut, NetworkError) as exc:
                if not _never_reached_telegram(exc):
                    log.error("send to chat %s may or may not have arrived: %r", outcome.chat_id, exc)
                    return UNCERTAIN, f"{type(exc).__name__}: {exc} ({type(exc.__cause__).__name__})"
                if attempt >= self.max_attempts:
                    return FAILED, f"{type(exc).__name__} after {attempt} attempts: {exc}"
                outcome.retries += 1
                delay = self.backoff * 2 ** (attempt - 1)
                log.warning("send to chat %s failed (%s); retry %d in %.1fs", outcome.chat_id, exc, attempt, delay)
                await self.sleep(delay)
