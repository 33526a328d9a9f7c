"""From one event to its answers: who is writing (once per event), which handler it goes to, and the
answer when a service refuses or something breaks. Channels call `Dispatcher.handle` and render what
it returns.

Routing, in order: the bot blocked or unblocked (a membership change) updates who can be reached; a
pressed button goes by its payload's prefix; an edited message is answered with a hint (it is no new
message); a command by its name; a photo, a document, a video or a voice note in a private chat is
evidence; a sticker, a location, a contact card gets a hint of what to send instead; any other private text
goes to the exchange in progress (a report being written, a rejection's reason, an office edit), else is
read as a report sentence. Group messages that are not commands are not the bot's business. On a channel
without command menus (`typed_commands`, DingTalk) a typed `/tasks`, `tasks` or 任务 is the command
(handlers/words.py); a voice note the channel recognized is read as typed outside a report (`_spoken`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from handlers import choices, hints, texts, words
from handlers.context import Context, Turn
from handlers.events import AUDIO, EVIDENCE_KINDS, VOICE, Event
from handlers.ports import Channel
from handlers.refusals import REFUSALS, refusal
from handlers.replies import Message, Replies, Toast
from services.access import situation
from services.letter_file import DEFAULT_OFFICE
from services.reports import KIND as REPORT

log = logging.getLogger("duban.handlers")

Handler = Callable[[Turn], Awaitable[Replies]]


@dataclass
class Routes:
    commands: dict[str, Handler] = field(default_factory=dict)
    buttons: dict[str, Handler] = field(default_factory=dict)  # payload prefix ("rp") -> handler
    flows: dict[str, Handler] = field(default_factory=dict)  # exchange kind -> its typed answers
    evidence: Handler | None = None  # a photo, document, video or voice note in a private chat
    membership: Handler | None = None  # the bot blocked or unblocked, removed from or added to a group
    sentence: Handler | None = None  # private text with no exchange in progress

    def command(self, names: str | tuple[str, ...], handler: Handler) -> None:
        for name in (names,) if isinstance(names, str) else names:
            self.commands[name] = handler


class Dispatcher:
    def __init__(self, ctx: Context, routes: Routes):
        self.ctx, self.routes = ctx, routes

    async def handle(self, event: Event, channel: Channel) -> Replies:
        """The answers to `event`, for its own chat. Never raises: a failure is logged and answered."""
        office = DEFAULT_OFFICE
        try:
            where = situation(self.ctx.db, self.ctx.admins, event.user_id, event.chat_id)
            office = where.office
            event = _spoken(event, where.who.flow)
            if not channel.buttons and event.payload is None and event.command is None:
                event = choices.read(self.ctx.db, event)
            if _reads_words(channel, event):  # no command menus: "/tasks", "tasks" and 任务 are typed
                event = words.as_command(event, self.routes.commands, in_exchange=where.who.flow is not None)
            turn = Turn(event, where.who, self.ctx, where.office, channel)
            try:
                replies = await self._route(turn)
            except REFUSALS as exc:
                replies = refusal(turn, exc)
            if not channel.buttons:
                replies = choices.offer(self.ctx.db, self.ctx.clock, event.channel, event.chat_id, replies)
            return replies
        except Exception:
            log.exception(
                "handler failed",
                extra={
                    "chat": event.chat_id,
                    "user": event.user_id,
                    "command": event.command,
                    "payload": event.payload,
                },
            )
            return [Message(texts.INTERNAL_ERROR.format(office=office))]

    async def _route(self, turn: Turn) -> Replies:
        event, routes = turn.event, self.routes
        if event.membership is not None:
            return await routes.membership(turn) if routes.membership else []
        if event.payload is not None:
            handler = routes.buttons.get(event.payload.split(":", 1)[0])
            return await handler(turn) if handler else [Toast(texts.BUTTON_EXPIRED)]
        if event.edited:
            return await hints.edited(turn)
        if event.command is not None:
            handler = routes.commands.get(event.command)
            return await handler(turn) if handler else [Message(texts.UNKNOWN_COMMAND)]
        if not event.private:
            return []
        if any(a.kind in EVIDENCE_KINDS for a in event.attachments):
            return await routes.evidence(turn) if routes.evidence else []
        if event.other is not None or event.attachments:  # a sticker, a location, a type of file we cannot use
            return await hints.unreadable(turn)
        if not event.text:
            return []  # a service message (a pinned message...): nobody said anything
        flow = routes.flows.get(turn.who.flow or "")
        if flow is not None:
            return await flow(turn)
        return await routes.sentence(turn) if routes.sentence else []


def _spoken(event: Event, flow: str | None) -> Event:
    """A voice note whose words the channel recognized (DingTalk) is evidence while a report is being written
    or when it replies to a reminder, its words the caption; elsewhere it is read as if typed."""
    voice = bool(event.attachments) and all(a.kind in (VOICE, AUDIO) for a in event.attachments)
    if not voice or not event.text or flow == REPORT or event.reply_to is not None:
        return event
    return replace(event, attachments=())


def _reads_words(channel: Channel, event: Event) -> bool:
    """A channel without command menus (`typed_commands`), a text with no command, button or file."""
    typed = getattr(channel, "typed_commands", False)
    return typed and event.command is None and event.payload is None and not event.attachments and bool(event.text)
