"""Immutable records of what the bot did, for tests to inspect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class StoredFile:
    """A file Telegram holds: uploaded by the bot, or "sent" by a user in a test."""

    file_id: str
    file_unique_id: str
    data: bytes | None  # None for files only known by id (bytes never given to the fake)
    kind: str  # photo, document, audio, video, voice, animation, sticker
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else 0


@dataclass(frozen=True)
class SentMessage:
    """One message Telegram accepted from the bot (send*, copyMessage, forwardMessage).

    `text` / `caption` are what the user sees (after parse_mode); `raw_text` is what the bot sent.
    """

    method: str
    chat_id: int
    message_id: int
    text: str | None
    raw_text: str | None
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None  # as the bot sent it, of any keyboard type
    caption: str | None
    file: StoredFile | None
    params: dict[str, Any]
    message: dict[str, Any]  # the Message JSON Telegram answered with
    time: float

    @property
    def content(self) -> str:
        """Text for a text message, caption for media ("" if neither)."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons, row by row, flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def button(self, text: str) -> dict[str, Any]:
        """The inline button whose text contains `text`."""
        for candidate in self.buttons:
            if text in candidate.get("text", ""):
                return candidate
        raise LookupError(f"no inline button containing {text!r}; buttons: {[b.get('text') for b in self.buttons]}")

    def describe(self) -> str:
        body = self.content.replace("\n", "\\n")
        if len(body) > 120:
            body = body[:117] + "..."
        extra = f" buttons={[b.get('text') for b in self.buttons]}" if self.buttons else ""
        return f"{self.method} chat={self.chat_id} id={self.message_id}: {body!r}{extra}"


@dataclass(frozen=True)
class EditedMessage:
    """An accepted editMessageText / editMessageCaption / editMessageReplyMarkup."""

    method: str
    chat_id: int
    message_id: int
    text: str | None
    caption: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    params: dict[str, Any]
    message: dict[str, Any]
    time: float

    @property
    def content(self) -> str:
        return self.text if self.text is not None else (self.caption or "")


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP call to the Bot API and how it was answered.

    kind: "ok", "invalid" (a Telegram rule refused it), "flood", "forbidden" (user never started
    the bot), "not_found", "unauthorized", "conflict", "injected" (a failure the test asked for:
    fail_next, block_chat, migrate_chat), "client_gone" (no answer: the client hung up) or
    "fake_error" (the fake itself failed: a bug here, answered as 500). client_gone: the client hung up
    before the answer was written (e.g. it timed out during a delay()).
    """

    method: str
    params: dict[str, Any]
    status: int
    description: str | None
    kind: str
    time: float
    duration: float
    client_gone: bool = False
    delayed: float = 0.0
    parameters: dict[str, Any] | None = field(default=None)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def injected(self) -> bool:
        return self.kind == "injected"

    def describe(self) -> str:
        answer = "ok" if self.ok else f"{self.status} {self.description}"
        return f"{self.method}({_short(self.params)}) -> {answer}"


def _short(params: dict[str, Any]) -> str:
    parts = []
    for key, value in params.items():
        text = repr(value)
        parts.append(f"{key}={text if len(text) <= 60 else text[:57] + '...'}")
    return ", ".join(parts)
