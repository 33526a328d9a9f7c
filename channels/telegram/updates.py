"""A Telegram update as a channel-neutral event (handlers/events.py), or None when it is none of the bot's
business (a member joined, a command addressed to another bot...).

What a person sends is never dropped here: a sticker, a location or a contact card becomes an event the
dispatcher answers with a hint; an edited message is marked `edited` (it is no new message); the bot being
blocked or unblocked (`my_chat_member`) becomes a `membership` event, so the office learns of it at once."""

from __future__ import annotations

from typing import Any

from telegram import Chat, Update, User
from telegram import Message as TgMessage
from telegram.constants import MessageEntityType

from handlers.events import (
    AUDIO,
    BACK,
    CONTACT_CARD,
    DOCUMENT,
    GONE,
    LOCATION,
    OTHER,
    PHOTO,
    STICKER,
    VIDEO,
    VOICE,
    Attachment,
    Event,
)

CHANNEL = "telegram"


def _attachments(message: TgMessage) -> tuple[Attachment, ...]:
    if message.photo:
        p = message.photo[-1]  # the largest size Telegram made
        return (Attachment(PHOTO, p.file_id, p.file_unique_id, None, p.file_size),)
    for kind, media in (
        (DOCUMENT, message.document),
        (VOICE, message.voice),
        (VIDEO, message.video),
        (VIDEO, message.video_note),  # a round video: a video as evidence
        (AUDIO, message.audio),
    ):
        if media is not None:
            return (
                Attachment(
                    kind, media.file_id, media.file_unique_id, getattr(media, "file_name", None), media.file_size
                ),
            )
    return ()


def _other(message: TgMessage) -> str | None:
    """What the message carries that the bot cannot read, if that is all it carries."""
    if message.sticker is not None:
        return STICKER
    if message.location is not None or message.venue is not None:
        return LOCATION
    if message.contact is not None:
        return CONTACT_CARD
    if message.poll is not None or message.dice is not None or message.game is not None or message.story is not None:
        return OTHER
    return None


_ABSENT = ("left", "kicked")


def _membership(update: Update) -> Event | None:
    """The bot blocked or unblocked in a private chat, removed from or added back to a group."""
    changed = update.my_chat_member
    assert changed is not None
    old, new = changed.old_chat_member.status, changed.new_chat_member.status
    if (old in _ABSENT) == (new in _ABSENT):
        return None  # a change of rights, not of membership
    return _event(changed.from_user, changed.chat, membership=GONE if new in _ABSENT else BACK)


def _event(user: User, chat: Chat, **fields: Any) -> Event:
    """An event from a person in a chat; `fields` say what happened."""
    return Event(
        CHANNEL,
        user.id,
        chat.id,
        private=chat.type == "private",
        user_name=user.full_name,
        first_name=user.first_name or "",
        chat_title=chat.title,
        **fields,
    )


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
    if update.my_chat_member is not None:
        return _membership(update)
    message = update.effective_message
    if message is None or message.from_user is None or update.effective_chat is None:
        return None
    command = _command(message, bot_username)
    if command is None:
        return None
    return _event(
        message.from_user,
        update.effective_chat,
        text=message.text or message.caption or "",
        command=command[0],
        args=command[1],
        attachments=_attachments(message),
        reply_to=message.reply_to_message.message_id if message.reply_to_message is not None else None,
        edited=update.edited_message is not None,
        other=_other(message),
    )
