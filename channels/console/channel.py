"""The local console as a channel: typed lines become events for the dispatcher, and the replies are
printed as plain text. It has no buttons, so the dispatcher writes them out as numbered choices and reads
a typed "1" back as the press (handlers/choices.py), as on any channel without buttons.

It is also the run's Sender: what the bot sends other people (the office told of a new report, a
department told of a review) is printed with "→" and delivered nowhere. Nothing leaves this machine.
"""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

from channels.console import render
from channels.console.events import CHANNEL, MAX_FILE_BYTES
from channels.console.identity import ConsoleUser
from channels.console.terminal import Terminal
from handlers import choices
from handlers.dispatch import Dispatcher
from handlers.events import Attachment, Event
from handlers.log_context import bind
from handlers.ports import SENT, BeforeSend, ChannelError, Fetched, Outcome
from handlers.replies import Message, Reply, Upload
from services.console_identity import chat_labels

log = logging.getLogger("duban.console")
SILENT = "(督办没有回复这条消息)"


class ConsoleChannel:
    name = CHANNEL
    buttons = False
    download_limit = MAX_FILE_BYTES

    def __init__(self, terminal: Terminal, user: ConsoleUser):
        self.terminal, self.user = terminal, user
        self.dispatcher: Dispatcher | None = None
        self._message_ids = itertools.count(1)
        self._shown = 0  # blocks printed so far: an event that printed none gets a note saying so

    def attach(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher

    # -- the Channel port (handlers/ports.py) --------------------------------------------------------
    async def fetch(self, attachment: Attachment) -> Fetched:
        path = Path(attachment.ref)  # the console's ref is the file's absolute path
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ChannelError(f"console file {path}: {exc.strerror or exc}") from exc
        return Fetched(data, path.suffix.lower())

    def join_link(self, code: str) -> str | None:
        return None  # no link opens a terminal: the invite code is typed (/start CODE)

    # -- the Sender port: messages to chats other than the one being answered -------------------------
    async def send(
        self,
        chat_id: int,
        item: Message | Upload,
        before_send: BeforeSend | None = None,
        retrying: BeforeSend | None = None,  # never called: the console does not fail and retry
    ) -> Outcome:
        if before_send is not None:
            await before_send()
        if chat_id == self.user.user_id:  # e.g. a reminder to the console's own department
            self.show(self._offered(chat_id, item))
        else:
            self._say(render.to_someone(item, self._label(chat_id)))
        return Outcome(SENT, chat_id, [next(self._message_ids)])

    def _offered(self, chat_id: int, item: Message | Upload) -> Message | Upload:
        """Buttons sent to the console user become numbered choices, as the dispatcher does for replies."""
        if not isinstance(item, Message) or self.dispatcher is None:
            return item
        ctx = self.dispatcher.ctx
        return choices.offer_one(ctx.db, ctx.clock, CHANNEL, chat_id, item)

    def _label(self, chat_id: int) -> str:
        if self.dispatcher is None:
            return str(chat_id)
        ctx = self.dispatcher.ctx
        if chat_id in ctx.admins:
            return f"管理员 {chat_id}"
        # Read at each send: a chat bound meanwhile gets its name too.
        return chat_labels(ctx.db).get(chat_id, str(chat_id))

    # -- one event -----------------------------------------------------------------------------------
    async def handle(self, event: Event) -> None:
        """Dispatch `event` and print what it answered (and whatever was sent meanwhile)."""
        if self.dispatcher is None:
            raise RuntimeError("the console channel has no dispatcher; attach() one first")
        bind(chat=event.chat_id, user=event.user_id)
        before = self._shown
        replies = await self.dispatcher.handle(event, self)
        for reply in replies:
            self.show(reply)
        if self._shown == before:
            self.terminal.say(SILENT)

    def show(self, reply: Reply) -> None:
        text = render.reply_text(reply)
        if text is not None:
            self._say(text)

    def _say(self, text: str) -> None:
        self._shown += 1
        self.terminal.say(text)
