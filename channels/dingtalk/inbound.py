"""What arrives over the stream, read into plain values: a robot message (text, picture, file, richText,
audio, video) or an interactive card's button press. The channel turns them into events once it knows the
numbers duban knows the people and groups by (services/accounts.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from handlers.events import AUDIO, DOCUMENT, PHOTO, VIDEO, Attachment

PRIVATE, GROUP = "1", "2"  # conversationType


@dataclass(frozen=True)
class RobotMessage:
    msg_id: str
    sender: str  # the person's userId in the organization (senderStaffId)
    sender_name: str
    conversation: str  # openConversationId (a group's; a 1:1 chat has one too, unused)
    private: bool
    title: str | None  # the group's name
    mentioned: bool  # the robot was @-mentioned (group messages reach it only then, or by mistake)
    text: str
    attachments: tuple[Attachment, ...]


def _file(kind: str, content: dict[str, Any], msg_id: str, index: int = 0) -> Attachment | None:
    code = content.get("downloadCode") or content.get("pictureDownloadCode")
    if not code:
        return None
    size = content.get("fileSize")
    # DingTalk names no file id that stays the same: the message id is unique, the index tells parts apart.
    unique = msg_id if not index else f"{msg_id}-{index}"
    return Attachment(kind, str(code), unique, content.get("fileName"), int(size) if size else None)


def _rich(content: dict[str, Any], msg_id: str) -> tuple[str, tuple[Attachment, ...]]:
    texts, files = [], []
    for index, part in enumerate(content.get("richText") or []):
        if part.get("text"):
            texts.append(str(part["text"]))
        elif part.get("downloadCode") or part.get("pictureDownloadCode"):
            found = _file(PHOTO, part, msg_id, index)
            if found is not None:
                files.append(found)
    return "".join(texts).strip(), tuple(files)


def _body(kind: str, data: dict[str, Any], msg_id: str) -> tuple[str, tuple[Attachment, ...]]:
    """(text, attachments) of a message of this msgtype."""
    content = data.get("content") or {}
    if kind == "text":
        return str((data.get("text") or {}).get("content") or "").strip(), ()
    if kind == "richText":
        return _rich(content, msg_id)
    kinds = {"picture": PHOTO, "file": DOCUMENT, "audio": AUDIO, "video": VIDEO}
    found = _file(kinds.get(kind, kind), content, msg_id)
    if kind == "audio" and content.get("recognition"):
        # DingTalk's speech recognition: the words with the recording; the dispatcher reads them as typed,
        # or keeps the recording as evidence (the words its caption) while a report is being written.
        return str(content["recognition"]).strip(), (found,) if found is not None else ()
    # A type duban cannot use still becomes an attachment, so the conversation can say so.
    return "", (found,) if found is not None else (Attachment(kind or "unknown", "", msg_id),)


def robot_message(data: dict[str, Any]) -> RobotMessage | None:
    msg_id = str(data.get("msgId") or "")
    sender = str(data.get("senderStaffId") or "")
    if not msg_id or not sender:
        return None  # someone outside the organization: the robot cannot write to them
    text, files = _body(str(data.get("msgtype") or ""), data, msg_id)
    private = str(data.get("conversationType") or PRIVATE) == PRIVATE
    return RobotMessage(
        msg_id,
        sender,
        str(data.get("senderNick") or ""),
        str(data.get("conversationId") or ""),
        private,
        None if private else str(data.get("conversationTitle") or "") or None,
        bool(data.get("isInAtList")),
        text,
        files,
    )


@dataclass(frozen=True)
class CardPress:
    card: str  # outTrackId: duban's id of the card, naming its chat (cards.py)
    user: str
    payload: str


def card_press(data: dict[str, Any]) -> CardPress | None:
    """The payload of the pressed button: the template's button sends it as the `payload` parameter."""
    try:
        content = data.get("content") or "{}"
        private = (json.loads(content) if isinstance(content, str) else content).get("cardPrivateData") or {}
    except (ValueError, AttributeError):
        return None
    payload = (private.get("params") or {}).get("payload")
    card, user = data.get("outTrackId"), data.get("userId")
    if not payload or not card or not user:
        return None
    return CardPress(str(card), str(user), str(payload))
