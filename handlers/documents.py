"""The office's official documents in the chat: /circular (the monthly 通报, a .docx) and /notice (a 督办单:
previewed as the document itself, 确认 numbers and sends it to the departments' contacts with a 收到
button; 取消 or /cancel drops it). Admins only; the 收到 answers whoever the notice went to.

Documents are built in a worker thread (python-docx is slow enough to hold the event loop otherwise).
Button payloads: "nt:<ok|x>:<seq>" on the office's preview (seq: only the latest preview's buttons act),
"nk:<recipient row>" for 收到 (handlers/notice_delivery.py).
"""

from __future__ import annotations

import logging
import re

from handlers import document_texts as dt
from handlers import documents_worker
from handlers.context import Context, Turn
from handlers.dispatch import Routes
from handlers.notice_delivery import ACK_PREFIX, deliver
from handlers.notify import notify_office
from handlers.replies import ClearButtons, Message, Replies, Toast, Upload, keyboard
from reports.documents.wording import circular_name, notice_name
from services import notice_drafts
from services.access import require_admin
from services.circular import Circular, CircularRefused, build, default_month, parse_month
from services.notice_drafts import NoticeDraft
from services.notices import NoticeDoc, NoticeRefused, acknowledge

log = logging.getLogger("duban.handlers.documents")
KIND = notice_drafts.KIND  # the exchange's kind while a notice is previewed (routing.py's /cancel asks)
PREFIX = "nt"
OFFICE_BUTTON = re.compile(r"^nt:(ok|x):(\d{1,12})$")
ACK_BUTTON = re.compile(r"^nk:(\d{1,12})$")


# -- /circular -------------------------------------------------------------------------------------


def _circular(ctx: Context, year: int, month: int) -> tuple[Circular, bytes]:
    from reports.documents import circular as circular_doc  # python-docx loads only when a document is asked for

    c = build(ctx.db, ctx.clock.today(), ctx.calendar, ctx.policy, ctx.clock.tz, year, month)
    return c, circular_doc.render(c, ctx.templates)


async def circular(turn: Turn) -> Replies:
    require_admin(turn.who)
    default = default_month(turn.ctx.clock.today())
    try:
        year, month = parse_month(" ".join(turn.args), default[0]) if turn.args else default
    except ValueError:
        return [Message(dt.CIRCULAR_USAGE)]
    try:
        c, data = await documents_worker.build(_circular, turn.ctx, year, month)
    except CircularRefused as exc:
        return [Message(dt.circular_refused(exc))]
    return [Upload("document", circular_name(year, month), dt.circular_caption(c), data=data)]


# -- /notice: the office's preview and 确认 ---------------------------------------------------------


def _render(turn: Turn, doc: NoticeDoc) -> bytes:
    from reports.documents import notice as notice_doc  # python-docx loads only when a document is asked for

    return notice_doc.render(doc, turn.ctx.templates)


def _name(doc: NoticeDoc) -> str:
    return notice_name(doc.year, doc.serial, doc.code, doc.final)


async def _preview(turn: Turn, draft: NoticeDraft) -> Replies:
    data = await documents_worker.build(_render, turn, draft.doc)
    buttons = keyboard([(dt.CONFIRM, f"{PREFIX}:ok:{draft.seq}"), (dt.CANCEL, f"{PREFIX}:x:{draft.seq}")])
    return [
        Upload("document", _name(draft.doc), dt.PREVIEW_CAPTION, data=data),
        Message(dt.preview(draft), buttons),
    ]


async def notice(turn: Turn) -> Replies:
    """/notice 14.2 [办结时限] [督办要求]."""
    require_admin(turn.who)
    if not turn.args:
        return [Message(dt.NOTICE_USAGE)]
    code, phrase, words = turn.args[0], (turn.args[1] if len(turn.args) > 1 else None), " ".join(turn.args[2:])
    ctx = turn.ctx
    try:
        draft = notice_drafts.prepare(ctx.db, ctx.clock, ctx.calendar, ctx.policy, turn.who, code, phrase, words)
    except NoticeRefused as exc:
        return [Message(dt.refused(exc))]
    return await _preview(turn, draft)


async def on_text(turn: Turn) -> Replies:
    """Typed while a notice is previewed: a new 办结时限."""
    require_admin(turn.who)
    ctx = turn.ctx
    try:
        draft = notice_drafts.retime(ctx.db, ctx.clock, ctx.calendar, ctx.policy, turn.who, turn.event.text)
    except NoticeRefused as exc:
        return [Message(dt.refused(exc))]
    return await _preview(turn, draft) if draft is not None else []


async def on_office_button(turn: Turn) -> Replies:
    require_admin(turn.who)
    match = OFFICE_BUTTON.match(turn.event.payload or "")
    if match is None:
        return [Toast(dt.STALE)]
    action, seq, ctx = match.group(1), int(match.group(2)), turn.ctx
    if action == "x":
        if not notice_drafts.cancel(ctx.db, turn.who, seq):
            return [Toast(dt.STALE)]
        return [Toast(""), ClearButtons(), Message(dt.CANCELLED)]
    try:
        issued = notice_drafts.confirm(ctx.db, ctx.clock, ctx.calendar, ctx.policy, turn.who, seq)
    except NoticeRefused as exc:
        return [Toast(""), ClearButtons(), Message(dt.refused(exc))]
    if issued is None:
        return [Toast(dt.STALE)]
    data = await documents_worker.build(_render, turn, issued.doc)
    delivered = await deliver(ctx.db, ctx.clock, ctx.sender, issued, data, turn.office)
    doc = issued.doc
    log.info(
        "notice %s on %s issued by %s: sent to %s, not to %s",
        doc.number,
        doc.code,
        turn.who.user_id,
        delivered.reached,
        delivered.missing,
        extra={"task": doc.code},
    )
    caption = dt.ISSUED_CAPTION.format(number=doc.number, code=doc.code)
    return [
        Toast(dt.ISSUED_TOAST),
        ClearButtons(),
        Upload("document", _name(doc), caption, data=data),
        Message(dt.issued(issued, delivered.reached, delivered.missing)),
    ]


async def cancel(turn: Turn) -> Replies:
    """/cancel while a notice is previewed."""
    notice_drafts.cancel(turn.ctx.db, turn.who)
    return [Message(dt.CANCELLED)]


# -- 收到 ------------------------------------------------------------------------------------------


async def on_ack(turn: Turn) -> Replies:
    match = ACK_BUTTON.match(turn.event.payload or "")
    if match is None:
        return [Toast(dt.EXPIRED)]
    ctx = turn.ctx
    # Written before answering: what the person sees confirmed is already committed.
    ack = acknowledge(ctx.db, ctx.clock, turn.who, int(match.group(1)))
    log.info("notice 收到 %s by user %s in chat %s: %s", ack.number, turn.event.user_id, turn.event.chat_id, ack.status)
    if ack.status == "unknown":
        return [Toast(dt.EXPIRED)]
    if ack.status == "not_yours":
        return [Toast(dt.NOT_YOURS, alert=True)]
    if ack.status == "already":
        return [Toast(dt.ALREADY_ACKNOWLEDGED.format(number=ack.number)), ClearButtons()]
    await notify_office(ctx, Message(dt.ack_to_office(ack)))
    return [Toast(dt.ACKNOWLEDGED.format(number=ack.number)), ClearButtons()]


def routes(r: Routes) -> None:
    r.command("circular", circular)
    r.command("notice", notice)
    r.buttons[PREFIX] = on_office_button
    r.buttons[ACK_PREFIX] = on_ack
    r.flows[KIND] = on_text
