"""One Sender for every channel of the process: a message to a chat goes through the channel that owns
the chat's number (DingTalk's people and groups have numbers past 2**53, services/accounts.py; the rest are
Telegram's). The reminder scheduler and the notices (handlers/notify.py) see only this one; a command that
is not the running bot (`duban task`) gets the same through `standalone`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING

from bot.clock import make_clock
from bot.config import Settings
from deadlines.clock import Clock
from handlers.ports import FAILED, BeforeSend, Outcome, Sender
from handlers.replies import Message, Upload
from services.accounts import is_account_number
from storage.db import Database

if TYPE_CHECKING:  # annotations only: the adapters load when used
    from channels.dingtalk.channel import DingTalkChannel


def dingtalk_channel(settings: Settings, db: Database, clock: Clock) -> DingTalkChannel:
    """The DingTalk channel from its settings (all three credentials set)."""
    from channels.dingtalk.channel import DingTalkChannel, DingTalkConfig  # loads only when configured

    assert settings.dingtalk_client_id and settings.dingtalk_client_secret and settings.dingtalk_robot_code
    config = DingTalkConfig(
        settings.dingtalk_client_id,
        settings.dingtalk_client_secret,
        settings.dingtalk_robot_code,
        settings.dingtalk_card_template_id,
        settings.dingtalk_api_base_url,
        settings.dingtalk_oapi_base_url,
        float(settings.dingtalk_read_poll_seconds),
    )
    return DingTalkChannel(config, db, clock)


class RoutingSender:
    def __init__(self, telegram: Sender | None, dingtalk: Sender | None):
        self.telegram, self.dingtalk = telegram, dingtalk

    def channel_for(self, chat_id: int) -> tuple[str, Sender | None]:
        return ("dingtalk", self.dingtalk) if is_account_number(chat_id) else ("telegram", self.telegram)

    async def send(
        self,
        chat_id: int,
        item: Message | Upload,
        before_send: BeforeSend | None = None,
        retrying: BeforeSend | None = None,
    ) -> Outcome:
        name, sender = self.channel_for(chat_id)
        if sender is None:  # refused for good: the operator must configure that channel first
            return Outcome(FAILED, chat_id, error=f"BadRequest: chat {chat_id} is on {name}, not configured here")
        return await sender.send(chat_id, item, before_send, retrying)


@asynccontextmanager
async def standalone(cfg: Settings) -> AsyncIterator[RoutingSender]:
    """A sender over every configured channel for a command that is not the running bot (no stream, no
    polling: it only sends)."""
    # Late imports: each adapter loads only when its channel is configured.
    async with AsyncExitStack() as stack:
        telegram = dingtalk = None
        if cfg.token:
            from channels.telegram.sender import standalone_sender

            telegram = await stack.enter_async_context(standalone_sender(cfg.token, cfg.api_base_url))
        if cfg.dingtalk_configured:
            db = Database(cfg.database_url)
            stack.callback(db.dispose)
            channel = dingtalk_channel(cfg, db, make_clock(cfg.timezone, cfg.clock_file))
            stack.push_async_callback(channel.api.close)
            dingtalk = channel.sender
        yield RoutingSender(telegram, dingtalk)
