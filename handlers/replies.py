"""What the bot answers, in every channel's terms: messages with buttons, files, the short answer to a
pressed button, and a few effects on the message a button was pressed on.

Texts are written in the markup of handlers/markup.py. A channel renders these: Telegram as HTML with
inline keyboards; a channel without buttons as numbered choices the person types (handlers/choices.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PAYLOAD_LIMIT = 64  # bytes: Telegram's callback data limit, the strictest of the channels


@dataclass(frozen=True)
class Button:
    label: str
    payload: str

    def __post_init__(self) -> None:
        if not self.payload or len(self.payload.encode()) > PAYLOAD_LIMIT:
            raise ValueError(f"button payload must be 1..{PAYLOAD_LIMIT} bytes: {self.payload!r}")


Keyboard = tuple[tuple[Button, ...], ...]


def keyboard(*rows: Sequence[tuple[str, str]] | None) -> Keyboard:
    """Rows of (label, payload); empty or None rows are left out."""
    return tuple(tuple(Button(label, payload) for label, payload in row) for row in rows if row)


def payloads(buttons: Keyboard) -> Iterable[str]:
    return (b.payload for row in buttons for b in row)


@dataclass(frozen=True)
class Message:
    text: str
    buttons: Keyboard = ()
    # The question is answered by typing (a quantity, a note, a reason): where buttons become typed
    # choices, a bare number typed here is an answer, not a choice.
    typed: bool = False


@dataclass(frozen=True)
class Upload:
    """A file the bot sends: bytes it made, a file the channel already holds (`ref`, as received), or a
    copy kept on disk (`path`, evidence sent on another channel)."""

    kind: str  # photo | document | voice | video | audio (evidence re-sent as it came)
    filename: str = ""
    caption: str | None = None
    data: bytes | None = None
    ref: str | None = None
    ref_channel: str | None = None  # the channel `ref` belongs to
    path: str | None = None


@dataclass(frozen=True)
class Toast:
    """The short answer to a pressed button (plain text); `alert` asks the person to dismiss it."""

    text: str
    alert: bool = False


@dataclass(frozen=True)
class ClearButtons:
    """Remove the buttons of the message a pressed button was on (an answered step)."""


@dataclass(frozen=True)
class EditPressed:
    """Replace the message a pressed button was on (a keyboard that changes in place); a channel that
    cannot edit sends it as a new message."""

    message: Message


@dataclass(frozen=True)
class RoleChanged:
    """The person's role changed (joined as a contact...): Telegram shows them their command menu."""

    role: str


Reply = Message | Upload | Toast | ClearButtons | EditPressed | RoleChanged
Replies = list[Reply]
