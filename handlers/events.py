"""What a person did, as every channel reports it: a message, a command, a pressed button, files sent.

A channel adapter (channels/telegram, channels/console, ...) turns its platform's update into one `Event`;
the conversation (handlers/) never sees a platform's types.
"""

from __future__ import annotations

from dataclasses import dataclass

PHOTO, DOCUMENT, VOICE, VIDEO, AUDIO = "photo", "document", "voice", "video", "audio"
EVIDENCE_KINDS = (PHOTO, DOCUMENT, VOICE, VIDEO, AUDIO)  # every kind of file a report may keep as evidence
# What a person may send that the bot cannot read (Event.other): answered with a hint, never silence.
STICKER, LOCATION, CONTACT_CARD, OTHER = "sticker", "location", "contact", "other"
# The bot's own membership of a chat changed (Event.membership): blocked or removed, or back again.
GONE, BACK = "gone", "back"


@dataclass(frozen=True)
class Attachment:
    """A file a person sent. `ref` is the channel's own handle for fetching it (Telegram's file_id)."""

    kind: str  # photo | document | voice | video | audio
    ref: str
    unique_id: str  # the same file sent twice has the same unique id
    name: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class Event:
    channel: str  # "telegram", "console", ...
    user_id: int
    chat_id: int
    private: bool
    user_name: str = ""  # the person's full name as the platform shows it
    first_name: str = ""  # how to greet them
    chat_title: str | None = None  # a group's title
    text: str = ""  # the message text, or a file's caption
    command: str | None = None  # "done" for "/done 14.2" (lower case, no slash, no @bot)
    args: tuple[str, ...] = ()
    payload: str | None = None  # the data of a pressed button
    attachments: tuple[Attachment, ...] = ()  # several at once: an album, sent as one message
    reply_to: int | None = None  # the channel's id of the message this one replies to (a reminder...)
    edited: bool = False  # an earlier message, edited: not a new message (answered with a hint)
    other: str | None = None  # STICKER, LOCATION, CONTACT_CARD or OTHER: sent, but nothing the bot reads
    membership: str | None = None  # GONE: the person blocked the bot (or a group removed it); BACK: undone

    @property
    def pressed(self) -> bool:
        return self.payload is not None
