"""Telegram as a channel: python-telegram-bot's Application receives updates (long polling or webhook),
each becomes an event for the dispatcher, and its replies go back as HTML messages, files, button answers
and edits. Everything sent goes through one sender (sender.py), paced by the one limiter (pacing.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from telegram import CallbackQuery, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, TypeHandler
from telegram.request import HTTPXRequest

from channels.chat_order import ChatOrder
from channels.outbox import Outbox
from channels.telegram import menus
from channels.telegram.albums import Albums
from channels.telegram.ordering import PerChatProcessor
from channels.telegram.pacing import Pacer
from channels.telegram.probe import DEFAULT_API
from channels.telegram.render import TOAST_LIMIT, inline_keyboard
from channels.telegram.sender import TelegramSender
from channels.telegram.updates import CHANNEL, to_event
from handlers import documents_worker
from handlers.dispatch import Dispatcher
from handlers.events import Attachment, Event
from handlers.log_context import bind
from handlers.markup import esc
from handlers.ports import ChannelError, Fetched
from handlers.replies import ClearButtons, EditPressed, Message, Replies, RoleChanged, Toast, Upload
from services.contacts import menu_roles

if TYPE_CHECKING:  # annotations only: the adapters load when used
    from channels.telegram.webhook import WebhookConfig, WebhookServer

log = logging.getLogger("duban.channels.telegram")
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # bots may download files up to 20 MB
TYPING_AFTER = 0.7  # seconds: a document still being built after this shows "typing…" meanwhile


class TelegramChannel:
    name = CHANNEL
    buttons = True
    download_limit = DOWNLOAD_LIMIT

    def __init__(
        self,
        token: str,
        tz: tzinfo,
        api_base_url: str | None = None,
        file_base_url: str | None = None,
        pacer: Pacer | None = None,
    ):
        self.api_base_url = api_base_url
        builder = ApplicationBuilder().token(token).defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=tz))
        # PTB's two HTTP clients as it builds them (256 connections for requests, 1 for getUpdates), sharing
        # one TLS context: each loaded the CA bundle itself, some 40 ms of every start.
        tls = httpx.create_ssl_context()
        builder = builder.request(HTTPXRequest(connection_pool_size=256, httpx_kwargs={"verify": tls}))
        builder = builder.get_updates_request(HTTPXRequest(connection_pool_size=1, httpx_kwargs={"verify": tls}))
        # Different chats at once, one chat's updates in order: nobody waits behind another's /export.
        self.order = ChatOrder()
        builder = builder.concurrent_updates(PerChatProcessor(self.order))
        if api_base_url:
            builder = builder.base_url(api_base_url)
        if file_base_url:
            builder = builder.base_file_url(file_base_url)
        # No rate limiter of PTB's: every message goes through our sender and its pacer.
        self.application: Application = builder.build()
        self.sender = TelegramSender(self.application.bot, pacer or Pacer())
        self.outbox = Outbox(self.sender.send, "telegram")  # answers kept through an outage (channels/outbox.py)
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.dispatcher: Dispatcher | None = None
        self.handled: set[int] = set()  # update ids the bot is done with (tests wait on it)
        self._webhook: WebhookServer | None = None
        self._menus: asyncio.Task[int] | None = None
        self.albums = Albums(self._handle_album)  # the photos of an album, gathered into one event

    def attach(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher

    # -- the Channel port (handlers/ports.py) --------------------------------------------------------
    async def fetch(self, attachment: Attachment) -> Fetched:
        try:
            tg_file = await self.application.bot.get_file(attachment.ref)
            data = await tg_file.download_as_bytearray()
        except TelegramError as exc:
            raise ChannelError(f"Telegram file {attachment.ref}: {exc}") from exc
        return Fetched(bytes(data), Path(tg_file.file_path or attachment.name or "").suffix)

    def join_link(self, code: str) -> str | None:
        return f"https://t.me/{self.application.bot.username}?start={code}"

    # -- running -------------------------------------------------------------------------------------
    async def start(
        self, webhook: WebhookConfig | None = None, poll_timeout: int = 10, poll_interval: float = 0.0
    ) -> None:
        """Connect (getMe), then receive updates. A token Telegram refuses raises ChannelError."""
        try:
            await self.application.initialize()
        except InvalidToken:
            raise ChannelError(
                "Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the token again "
                "from @BotFather (/token), then run `duban doctor`"
            ) from None
        except TelegramError as exc:
            where = self.api_base_url or DEFAULT_API  # not the bot's base_url: it ends with the token
            raise ChannelError(
                f"cannot reach Telegram at {where}: {exc}; check the network or proxy and "
                "TELEGRAM_API_BASE_URL, then run `duban doctor`"
            ) from None
        if webhook is not None:
            from channels.telegram.webhook import WebhookServer  # aiohttp's server loads only for a webhook

            self._webhook = WebhookServer(self.application, webhook)
            await self._webhook.start()
            await self._webhook.register()
        else:
            assert self.application.updater is not None  # built with one
            await self.application.updater.start_polling(
                timeout=poll_timeout, poll_interval=poll_interval, drop_pending_updates=False
            )
        await self.application.start()
        self.outbox.start()
        if self.dispatcher is not None:
            self._menus = asyncio.create_task(self._set_menus(), name="telegram-menus")

    async def stop_receiving(self) -> None:
        """No new updates: the poll is cancelled, or the webhook server closes."""
        if self._webhook is not None:
            await self._webhook.stop()
            self._webhook = None
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()

    async def stop(self) -> None:
        """Finish the updates already received, then close."""
        await self.stop_receiving()
        await self.albums.drain()
        if self._menus is not None and not self._menus.done():
            self._menus.cancel()
        await self.outbox.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def _set_menus(self) -> int:
        assert self.dispatcher is not None
        ctx = self.dispatcher.ctx
        people = await asyncio.to_thread(menu_roles, ctx.db, ctx.admins)
        return await menus.set_default_menus(self.application.bot, people)

    # -- one update ----------------------------------------------------------------------------------
    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        deferred = False
        try:
            event = to_event(update, self.application.bot.username)
            if event is None or self.dispatcher is None:
                return
            message = update.effective_message
            if message is not None and message.media_group_id and event.attachments:
                deferred = True  # a part of an album: answered with the other parts (albums.py)
                self.albums.add(message.media_group_id, update, event)
                return
            await self._handle(update, event)
        except Exception:  # the dispatcher answers its own failures; this is the delivery failing
            log.exception("update not answered", extra={"update": update.update_id})
        finally:
            if not deferred:
                self.handled.add(update.update_id)

    async def _handle(self, update: Update, event: Event) -> None:
        assert self.dispatcher is not None
        bind(update=update.update_id, chat=event.chat_id, user=event.user_id)
        replies = await self._showing_typing(event.chat_id, self.dispatcher.handle(event, self))
        await self._answer(update, event, replies)

    async def _handle_album(self, update: Update, event: Event, update_ids: list[int]) -> None:
        try:
            async with self.order.turn(event.chat_id):  # in turn with the chat's other messages
                await self._handle(update, event)
        except Exception:
            log.exception("album not answered", extra={"update": update.update_id})
        finally:
            self.handled.update(update_ids)

    async def _showing_typing(self, chat_id: int, work: Awaitable[Replies]) -> Replies:
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER)
        if not done and documents_worker.building(task):  # an answer that comes at once shows nothing
            try:
                await self.application.bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as exc:
                log.debug("no typing indicator: %s", exc)
        return await task

    async def _answer(self, update: Update, event: Event, replies: Replies) -> None:
        query = update.callback_query
        if query is not None:
            replies = await self._acknowledge(query, replies)
        for reply in replies:
            if isinstance(reply, Message | Upload):
                await self.outbox.deliver(event.chat_id, reply)
            elif isinstance(reply, ClearButtons) and query is not None:
                await self._edit(query.edit_message_reply_markup(None))
            elif isinstance(reply, EditPressed) and query is not None:
                await self._edit(
                    query.edit_message_text(reply.message.text, reply_markup=inline_keyboard(reply.message.buttons))
                )
            elif isinstance(reply, RoleChanged):
                await menus.set_commands_for(self.application.bot, event.user_id, reply.role)

    @staticmethod
    async def _acknowledge(query: CallbackQuery, replies: Replies) -> Replies:
        """Answer the press with its toast. Telegram refuses an answer after about 15 seconds ("query is too
        old": the bot was down or busy); the press still counted (or was found expired), so the toast's words
        go as a message instead, and the rest of the answer goes out as usual."""
        toast = next((r for r in replies if isinstance(r, Toast)), None)
        try:
            await query.answer(
                toast.text[:TOAST_LIMIT] if toast and toast.text else None, show_alert=bool(toast and toast.alert)
            )
        except BadRequest as exc:
            log.warning("button press answered too late, its toast sent as a message: %s", exc)
            return [Message(esc(toast.text)), *replies] if toast and toast.text else replies
        except TelegramError as exc:  # a network failure: the toast may have been shown; nothing repeated
            log.warning("button press not acknowledged: %s", exc)
        return replies

    @staticmethod
    async def _edit(request: Awaitable[object]) -> None:
        """An edit a double tap already made, or of a message too old to edit, changes nothing."""
        try:
            await request
        except BadRequest as exc:
            log.debug("message not edited: %s", exc)
