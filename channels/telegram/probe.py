"""Is the bot token good and where do updates go? (getMe and getWebhookInfo, for `duban doctor`)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot
from telegram.error import InvalidToken
from telegram.request import HTTPXRequest

from handlers.ports import ChannelError

DEFAULT_API = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Probe:
    username: str
    bot_id: int
    webhook_url: str | None
    pending_updates: int
    last_error: str | None


class TokenRefused(ChannelError):
    """Telegram answered 401 to the token."""


async def probe(token: str, api_base_url: str | None = None) -> Probe:
    """Raises TokenRefused for a token Telegram refuses, other exceptions when it cannot be reached."""
    request = HTTPXRequest(connect_timeout=5, read_timeout=10)
    try:
        async with Bot(token, base_url=api_base_url or DEFAULT_API, request=request) as bot:
            me = bot.bot
            hook = await bot.get_webhook_info()
    except InvalidToken as exc:
        raise TokenRefused(str(exc)) from None
    return Probe(me.username or "", me.id, hook.url or None, hook.pending_update_count, hook.last_error_message)
