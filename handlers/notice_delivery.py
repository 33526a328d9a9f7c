"""Sending an issued notice (督办单) to the chats of its departments: the file, then a short message with the
收到 button. Used by /notice's 确认 and by `duban notice` (bot/cli/documents_cmd.py), each with its own Sender.

Each chat's outcome is recorded on its recipient row; a chat that refuses for good is marked unreachable, as
handlers/notify.py does for other notices, so the office sees it in /contacts and the digest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from deadlines.clock import Clock
from handlers import document_texts as dt
from handlers.ports import BLOCKED, Sender
from handlers.replies import Message, Upload, keyboard
from reports.documents.wording import notice_name
from services.contacts import mark_unreachable
from services.notices import Issued, record_delivery

if TYPE_CHECKING:  # handlers hand the database to services; they never open a session themselves
    from storage.db import Database

log = logging.getLogger("duban.handlers.notices")
ACK_PREFIX = "nk"


def ack_payload(recipient_id: int) -> str:
    """ "nk:<recipient row>": the row survives restarts, and is well under a payload's 64 bytes."""
    return f"{ACK_PREFIX}:{recipient_id}"


@dataclass
class Delivered:
    reached: list[str] = field(default_factory=list)  # departments at least one chat of which has it
    missing: list[str] = field(default_factory=list)  # departments none of whose chats has it


async def deliver(db: Database, clock: Clock, sender: Sender, issued: Issued, data: bytes, office: str) -> Delivered:
    doc = issued.doc
    upload = Upload(
        "document",
        notice_name(doc.year, doc.serial, doc.code, doc.final),
        dt.TO_DEPARTMENT_CAPTION.format(number=doc.number, code=doc.code),
        data=data,
    )
    text = dt.to_department(doc, office)
    received: dict[str, bool] = {d: False for d in doc.departments}
    for r in issued.recipients:
        outcome = await sender.send(r.chat_id, upload)
        if outcome.sent:  # the 收到 button only under a file that arrived
            outcome = await sender.send(r.chat_id, Message(text, keyboard([(dt.ACK_BUTTON, ack_payload(r.id))])))
        record_delivery(db, clock, r.id, outcome.status, outcome.error)
        if outcome.sent:
            received[r.department] = True
        elif outcome.status == BLOCKED:
            log.warning("notice %s to chat %s refused: %s", doc.number, r.chat_id, outcome.error)
            mark_unreachable(db, r.chat_id, outcome.error or "blocked")
        else:
            log.error("notice %s to chat %s failed: %s %s", doc.number, r.chat_id, outcome.status, outcome.error)
    return Delivered([d for d, ok in received.items() if ok], [d for d, ok in received.items() if not ok])
