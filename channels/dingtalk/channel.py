"""DingTalk (钉钉) as a channel: an enterprise internal app's robot in Stream mode. Robot messages and card
button presses arrive over the stream (stream.py); each becomes an event for the dispatcher, and its
replies go back through the OpenAPI (sender.py): markdown messages, files, cards updated in place.

DingTalk has no command menus: commands are typed, with or without "/", or as Chinese words
(`typed_commands`, handlers/words.py). Without a card template there are no buttons either: the
dispatcher writes them out as typed choices ("回复 1 确认上报"). People and groups are known by numbers
(services/accounts.py); a group message reaches the conversation only when it @-mentions the robot.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from channels.dingtalk import cards
from channels.dingtalk.api import CredentialsRefused, DingTalkApi, DingTalkError, Unanswered, Unreached
from channels.dingtalk.inbound import card_press, robot_message
from channels.dingtalk.pacing import Pacer
from channels.dingtalk.sender import DingTalkSender
from channels.dingtalk.stream import BOT_MESSAGES, CARD_CALLBACK, SEEN_KEPT, StreamClient
from channels.outbox import Outbox
from deadlines.clock import Clock
from handlers import choices
from handlers.dispatch import Dispatcher
from handlers.events import PHOTO, Attachment, Event
from handlers.log_context import bind
from handlers.ports import ChannelError, Fetched
from handlers.replies import ClearButtons, EditPressed, Message, Replies, Toast, Upload
from services import accounts
from services.accounts import DINGTALK, GROUP, USER, Account
from services.read_receipts import mark_read, open_receipts

if TYPE_CHECKING:  # handed to services only
    from storage.db import Database

log = logging.getLogger("duban.channels.dingtalk")
CHANNEL = DINGTALK
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # evidence files kept up to this size, as on Telegram
READ_WINDOW = timedelta(hours=24)  # DingTalk answers the read status of a message for a day


@dataclass(frozen=True)
class DingTalkConfig:
    client_id: str
    client_secret: str
    robot_code: str
    card_template: str | None = None
    api_base_url: str = "https://api.dingtalk.com"
    oapi_base_url: str = "https://oapi.dingtalk.com"
    read_poll_seconds: float = 300.0
    heartbeat: float = 20.0  # seconds between websocket pings; a missing pong closes the connection
    backoff: float = 1.0  # first reconnect delay, doubling up to a minute
    flow_wait: float = 1.0  # pause before a message held by flow control is sent again


class DingTalkChannel:
    name = CHANNEL
    download_limit = DOWNLOAD_LIMIT
    typed_commands = True  # no command menus: "/tasks", "tasks" and 任务 are read as commands

    def __init__(self, config: DingTalkConfig, db: Database, clock: Clock, pacer: Pacer | None = None):
        self.config, self.db, self.clock = config, db, clock
        self.api = DingTalkApi(
            config.client_id, config.client_secret, config.robot_code, config.api_base_url, config.oapi_base_url
        )
        self.stream = StreamClient(
            self.api, self._on_frame, heartbeat=config.heartbeat, backoff=config.backoff, chat_key=self._chat_of
        )
        self.sender = DingTalkSender(
            self.api, self._find, self._offer, config.card_template, pacer, flow_wait=config.flow_wait
        )
        self.outbox = Outbox(self.sender.send, CHANNEL)  # answers kept through an outage (channels/outbox.py)
        self.dispatcher: Dispatcher | None = None
        self._known: dict[int, Account] = {}
        self._numbers: dict[tuple[str, str], int] = {}
        self._messages: OrderedDict[str, None] = OrderedDict()  # msgIds handled (the stream dedupes frames)
        self._poller: asyncio.Task[None] | None = None

    @property
    def buttons(self) -> bool:
        return bool(self.config.card_template)

    def attach(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher

    # -- the Channel port (handlers/ports.py) --------------------------------------------------------
    async def fetch(self, attachment: Attachment) -> Fetched:
        if not attachment.ref:
            raise ChannelError(f"DingTalk {attachment.kind}: no downloadCode")
        try:
            data = await self.api.download(attachment.ref)
        except (DingTalkError, Unreached, Unanswered) as exc:
            raise ChannelError(f"DingTalk file {attachment.ref[:16]}…: {exc}") from exc
        suffix = Path(attachment.name or "").suffix.lower() or (".jpg" if attachment.kind == PHOTO else "")
        return Fetched(data, suffix)

    def join_link(self, code: str) -> str | None:
        return None  # no link opens a robot chat with a code: the person types 绑定 CODE

    # -- running -------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Check the credentials (an access token), open the stream; ChannelError says what to fix."""
        where = self.config.api_base_url
        try:
            await self.api.token()
            await self.stream.start()
        except CredentialsRefused as exc:
            raise ChannelError(
                f"DingTalk refused DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET at {where}: it answered "
                f"{exc.status} {exc.code}: {exc.message}; copy the Client ID and Client Secret again from the "
                "app's 凭证与基础信息 page in DingTalk's developer console (and check that the robot uses Stream "
                "mode), then run `duban doctor`"
            ) from None
        except (DingTalkError, Unreached, Unanswered) as exc:
            raise ChannelError(
                f"cannot reach DingTalk at {where}: {exc}; check the network or proxy and DINGTALK_API_BASE_URL, "
                "then run `duban doctor`"
            ) from None
        self._poller = asyncio.create_task(self._poll_reads(), name="dingtalk-read-receipts")
        self.outbox.start()

    async def stop_receiving(self) -> None:
        """No new message is taken; those taken are answered and acknowledged."""
        await self.stream.stop_receiving()

    async def stop(self) -> None:
        await self.stop_receiving()
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
        await self.outbox.stop()
        await self.api.close()

    # -- who is who ----------------------------------------------------------------------------------
    def _number(self, external_id: str, kind: str, name: str | None = None) -> int:
        """The number of a person or group, made on first sight (then remembered: numbers never change)."""
        key = (external_id, kind)
        if key not in self._numbers:
            self._numbers[key] = accounts.ensure(self.db, self.clock, CHANNEL, external_id, kind, name)
        return self._numbers[key]

    def _find(self, number: int) -> Account | None:
        if number not in self._known:
            found = accounts.account(self.db, number)
            if found is None or found.channel != CHANNEL:
                return None
            self._known[number] = found
        return self._known[number]

    def _offer(self, chat_id: int, message: Message) -> Message:
        return choices.offer_one(self.db, self.clock, CHANNEL, chat_id, message)

    # -- one frame -----------------------------------------------------------------------------------
    def _chat_of(self, topic: str, data: dict[str, Any]) -> int | None:
        """The chat a frame belongs to, so one chat's frames are handled in order and other chats' at once
        (stream.py); None for a frame the bot will not answer."""
        if topic == BOT_MESSAGES:
            message = robot_message(data)
            if message is None or not (message.private or message.mentioned):
                return None
            if message.private:
                return self._number(message.sender, USER, message.sender_name)
            return self._number(message.conversation, GROUP, message.title)
        press = card_press(data) if topic == CARD_CALLBACK else None
        return cards.chat_of(press.card) if press is not None else None

    async def _on_frame(self, topic: str, data: dict[str, Any]) -> None:
        if topic == BOT_MESSAGES:
            await self._on_message(data)
        elif topic == CARD_CALLBACK:
            await self._on_press(data)

    async def _on_message(self, data: dict[str, Any]) -> None:
        message = robot_message(data)
        if message is None:
            log.info("DingTalk message without a sender in the organization ignored", extra={"msg": data.get("msgId")})
            return
        if message.msg_id in self._messages:  # redelivered in a frame of its own: handled once
            log.info("DingTalk redelivered message %s ignored", message.msg_id)
            return
        self._messages[message.msg_id] = None
        while len(self._messages) > SEEN_KEPT:
            self._messages.popitem(last=False)
        if not message.private and not message.mentioned:
            return  # a group message not addressed to the robot is none of its business
        user = self._number(message.sender, USER, message.sender_name)
        chat = user if message.private else self._number(message.conversation, GROUP, message.title)
        event = Event(
            CHANNEL,
            user,
            chat,
            message.private,
            user_name=message.sender_name,
            first_name=message.sender_name,
            chat_title=message.title,
            text=message.text,
            attachments=message.attachments,
        )
        await self._handle(message.msg_id, event, None)

    async def _on_press(self, data: dict[str, Any]) -> None:
        press = card_press(data)
        chat = cards.chat_of(press.card) if press is not None else None
        if press is None or chat is None:
            log.info("a card callback duban cannot read ignored", extra={"card": data.get("outTrackId")})
            return
        user = self._number(press.user, USER)
        event = Event(CHANNEL, user, chat, private=chat > 0, payload=press.payload)
        await self._handle(f"{press.card}:{press.payload}", event, press.card)

    async def _handle(self, key: str, event: Event, card: str | None) -> None:
        if self.dispatcher is None:
            return
        bind(update=key, chat=event.chat_id, user=event.user_id)
        try:
            replies = await self.dispatcher.handle(event, self)
            await self._answer(event, replies, card)
        except Exception:  # the dispatcher answers its own failures; this is the delivery failing
            log.exception("DingTalk message not answered")

    async def _answer(self, event: Event, replies: Replies, card: str | None) -> None:
        if card is not None:
            await self._update_card(card, replies)
        for reply in replies:
            if isinstance(reply, EditPressed) and card is None:
                reply = reply.message  # nothing to edit: the new keyboard comes as a new message
            if isinstance(reply, Message | Upload):
                await self.outbox.deliver(event.chat_id, reply)

    async def _update_card(self, card: str, replies: Replies) -> None:
        """The pressed card shows the answer (a toast's words) and loses or changes its buttons."""
        params: dict[str, str] = {}
        for reply in replies:
            if isinstance(reply, Toast):
                params["status"] = reply.text
            elif isinstance(reply, ClearButtons):
                params["buttons"] = "[]"
            elif isinstance(reply, EditPressed):
                params = {**cards.params(reply.message), **({"status": params["status"]} if "status" in params else {})}
        if not params:
            return
        try:
            await self.api.update_card(card, params)
        except (DingTalkError, Unreached, Unanswered) as exc:
            log.warning("card %s not updated: %s", card, exc)

    # -- read receipts -------------------------------------------------------------------------------
    async def _poll_reads(self) -> None:
        while True:
            await asyncio.sleep(self.config.read_poll_seconds)
            try:
                await self.check_reads()
            except Exception:  # the next round tries again
                log.exception("read receipts not checked")

    async def check_reads(self) -> int:
        """Ask DingTalk who read the reminders of the last day that nobody has read yet; record them."""
        marked = 0
        for receipt in open_receipts(self.db, self.clock.now() - READ_WINDOW):
            try:
                answer = await self.api.read_status(receipt.receipt)
            except (DingTalkError, Unreached, Unanswered) as exc:
                log.warning("read status of delivery %s not known: %s", receipt.delivery_id, exc)
                continue
            for row in answer.get("messageReadInfoList") or []:
                if str(row.get("readStatus", "")).upper() == "READ":
                    stamp = row.get("readTimestamp")
                    at = datetime.fromtimestamp(int(stamp) / 1000, UTC) if stamp else self.clock.now()
                    marked += mark_read(self.db, receipt.delivery_id, at)
        if marked:
            log.info("reminders read", extra={"read": marked})
        return marked
