"""A Telegram update as a channel-neutral event (handlers/events.py), or None when it is none of the bot's
business (a member joined, a poll, a command addressed to another bot...)."""

from __future__ import annotations

from telegram import Message as TgMessage
from telegram import Update
from telegram.constants import MessageEntityType

from handlers.events import AUDIO, DOCUMENT, PHOTO, VIDEO, VOICE, Attachment, Event

CHANNEL = "telegram"


def _attachments(message: TgMessage) -> tuple[Attachment, ...]:
    if message.photo:
        p = message.photo[-1]  # the largest size Telegram made
        return (Attachment(PHOTO, p.file_id, p.file_unique_id, None, p.file_size),)
    for kind, media in (
        (DOCUMENT, message.document),
        (VOICE, message.voice),
        (VIDEO, message.video),
        (AUDIO, message.audio),
    ):
        if media is not None:
            return (
                Attachment(
                    kind, media.file_id, media.file_unique_id, getattr(media, "file_name", None), media.file_size
                ),
            )
    return ()


def _command(message: TgMessage, bot_username: str) -> tuple[str | None, tuple[str, ...]] | None:
    """("done", ("14.2",)) for "/done 14.2"; (None, ()) for plain text; None for another bot's command."""
    text = message.text or ""
    entities = message.entities or ()
    if not any(e.type == MessageEntityType.BOT_COMMAND and e.offset == 0 for e in entities):
        return None, ()
    head, *args = text.split()
    name, _, addressee = head[1:].partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None
    return name.lower(), tuple(args)


def to_event(update: Update, bot_username: str) -> Event | None:
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        return Event(
            CHANNEL,
            query.from_user.id,
            chat.id if chat else query.from_user.id,
            private=chat is None or chat.type == "private",
            user_name=query.from_user.full_name,
            first_name=query.from_user.first_name or "",
            chat_title=chat.title if chat else None,
            payload=query.data or "",
        )
    message = update.effective_message
    if message is None or message.from_user is None or update.effective_chat is None:
        return None
    command = _command(message, bot_username)
    if command is None:
        return None
    chat, user = update.effective_chat, message.from_user
    return Event(
        CHANNEL,
        user.id,
        chat.id,
        private=chat.type == "private",
        user_name=user.full_name,
        first_name=user.first_name or "",
        chat_title=chat.title,
        text=message.text or message.caption or "",
        command=command[0],
        args=command[1],
        attachments=_attachments(message),
        reply_to=message.reply_to_message.message_id if message.reply_to_message is not None else None,
    )
