"""What the conversation and the reminder scheduler need from a channel, as plain protocols: sending a
message to a chat that is not the one being answered, and what the event's own channel offers (files,
buttons, links).

Outcomes of a send: sent; blocked (the person blocked the bot or never started it); failed (the platform
refused, or transient errors outlasted the retries: nothing was accepted, so trying again later cannot
duplicate); uncertain (the request may have reached the platform but no answer came: never retried, so
never duplicated).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from handlers.events import Attachment
from handlers.replies import Message, Upload

SENT, BLOCKED, FAILED, UNCERTAIN = "sent", "blocked", "failed", "uncertain"


@dataclass
class Outcome:
    status: str
    chat_id: int  # where it went: differs from the asked chat after a group's migration
    message_ids: list[int] = field(default_factory=list)
    error: str | None = None
    retries: int = 0
    migrated_from: int | None = None
    receipt: str | None = None  # the channel's handle for asking who read it (DingTalk's processQueryKey)

    @property
    def sent(self) -> bool:
        return self.status == SENT

    @property
    def refused(self) -> bool:
        """Refused for good (not a transient failure): sending the same again would fail again."""
        return self.status == FAILED and (self.error or "").startswith("BadRequest")


BeforeSend = Callable[[], Awaitable[None]]


class Sender(Protocol):
    """Sends one message or file to one chat, paced within the platform's limits and retried where that
    cannot duplicate it. `before_send` runs right before the first request leaves: the reminder ledger
    records "sending" there, so a crash can leave only that one request in doubt. `retrying` runs when that
    first request was surely not accepted (429, 5xx, a failed connection) and the sender will wait and try
    again; `before_send` then runs again before the retry. The ledger records the wait, so a crash during it
    is known to have reached nobody and the message goes out after the restart."""

    async def send(
        self,
        chat_id: int,
        item: Message | Upload,
        before_send: BeforeSend | None = None,
        retrying: BeforeSend | None = None,
    ) -> Outcome: ...


@dataclass(frozen=True)
class Fetched:
    data: bytes
    suffix: str  # ".jpg", ".pdf", or "" when unknown


class Channel(Protocol):
    """The channel an event came from, as the conversation needs it while answering."""

    @property
    def name(self) -> str: ...

    @property
    def buttons(self) -> bool:
        """Whether it shows buttons; without them replies offer typed choices (handlers/choices.py)."""
        ...

    @property
    def download_limit(self) -> int:
        """The largest file (bytes) a bot may fetch from it."""
        ...

    async def fetch(self, attachment: Attachment) -> Fetched:
        """The file a person sent; raises ChannelError when it cannot be had."""
        ...

    def join_link(self, code: str) -> str | None:
        """A link that opens the bot with an invite code filled in, where the channel has such links."""
        ...


class ChannelError(Exception):
    """A channel operation failed (a download, a send outside the reminder path); the message says why."""
