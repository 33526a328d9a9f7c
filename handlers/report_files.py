"""Photos, documents, videos and voice notes sent for a report: one message or an album at once, in reply
to a reminder (that reminder's task) or while a report is being written. The file references are saved with
the draft first; then a copy is kept on disk (up to the channel's download limit: 20 MB on Telegram; a
bigger file is named, and the answer says why and what to send instead), so a failed download loses nothing.

Button payload "rf:<seq>.<task id>": the task that files sent in reply to a reminder of several tasks are
for (the question's seq, so only the latest such question acts).
"""

from __future__ import annotations

import logging

from handlers import hint_texts as ht
from handlers import report_texts as rt
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.events import AUDIO, EVIDENCE_KINDS, PHOTO, VOICE, Attachment
from handlers.ports import ChannelError
from handlers.replies import ClearButtons, Message, Replies, Toast
from handlers.report_flow import pick_prompt, prompt
from services import evidence
from services import report_files as files
from services.reminder_replies import reminder_tasks

log = logging.getLogger("duban.handlers.reports")


def _item(attachment: Attachment, channel: str) -> dict:
    return {
        "file_id": attachment.ref,
        "file_unique_id": attachment.unique_id,
        "kind": attachment.kind,
        "name": attachment.name,
        "size": attachment.size,
        "path": None,
        "channel": channel,
    }


async def on_files(turn: Turn) -> Replies:
    """Evidence: for the report being written, or starting the report of the reminder it replies to."""
    ctx, event = turn.ctx, turn.event
    sent = [a for a in event.attachments if a.kind in EVIDENCE_KINDS]
    replied = reminder_tasks(ctx.db, event.chat_id, event.reply_to) if event.reply_to is not None else []
    items = [_item(a, turn.channel.name) for a in sent]
    taken = files.take_files(ctx.db, ctx.clock, turn.who, items, event.text or None, replied)
    if taken is None:
        spoken = all(a.kind in (VOICE, AUDIO) for a in sent)  # no words to read: say how to report
        return [Message(ht.VOICE_NOT_READ if spoken else rt.NO_DRAFT_FOR_FILE)]
    return await _answer(turn, taken)


async def _answer(turn: Turn, taken: files.Taken) -> Replies:
    if taken.draft is None:
        assert taken.pick is not None
        return [pick_prompt(taken.pick)]
    too_big = await _keep(turn, taken)
    message = prompt(turn, taken.draft)
    if too_big:
        message = Message(rt.EVIDENCE_TOO_BIG.format(office=turn.office) + "\n" + message.text, message.buttons)
    return [message]


async def on_pick(turn: Turn) -> Replies:
    """The task held files are for: its report starts with them."""
    key = (turn.event.payload or "").partition(":")[2]
    taken = files.pick(turn.ctx.db, turn.ctx.clock, turn.who, key)
    if taken is None:
        return [Toast(rt.STALE)]
    return [Toast(""), ClearButtons(), *await _answer(turn, taken)]


async def _keep(turn: Turn, taken: files.Taken) -> bool:
    """Download what may be downloaded; True when a file was too big for the channel to hand over."""
    assert taken.draft is not None
    too_big = False
    for item in taken.files:
        if (item.get("size") or 0) > turn.channel.download_limit:
            too_big = True
            continue
        attachment = Attachment(item["kind"], item["file_id"], item["file_unique_id"], item["name"], item["size"])
        await _download(turn, taken.draft.report_id, taken.letter_id, taken.draft.code, attachment)
    return too_big


async def _download(turn: Turn, report_id: int, letter_id: int, code: str, attachment: Attachment) -> None:
    try:
        fetched = await turn.channel.fetch(attachment)
        evidence.keep(
            turn.ctx.db,
            turn.ctx.evidence_dir,
            letter_id,
            code,
            report_id,
            attachment.unique_id,
            fetched.data,
            fetched.suffix or (".jpg" if attachment.kind == PHOTO else ""),
        )
    except (ChannelError, OSError) as exc:
        log.warning("evidence of report %s not downloaded (file reference kept): %s", report_id, exc)


def routes(r: Routes) -> None:
    r.evidence = on_files
    r.buttons["rf"] = on_pick
