"""Writing a report from a phone: /done (or a button, or a sentence), the questions the task needs,
evidence, confirm. Also /progress, /withdraw and /cancel. State lives in the database (services/reports).

Button payloads: "rp:<action>:<key>" for the questions of a draft (key: which question of which draft),
"rp:t:<code>" to pick a task, "rp:pg:<page>" to page through them.
"""

from __future__ import annotations

import logging

from handlers import report_texts as rt
from handlers import texts
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.events import Attachment
from handlers.markup import esc
from handlers.notify import notify_office
from handlers.ports import ChannelError
from handlers.replies import ClearButtons, Message, Replies, Reply, Toast, keyboard
from handlers.task_texts import clip, measure_text
from services import evidence, reports
from services.access import require_reporter
from services.intents import ReportIntent, read_intent
from services.quantities import parse_quantity
from services.reports import DraftView
from services.task_views import statuses_for

log = logging.getLogger("duban.handlers.reports")
PAGE = 6


def prompt(draft: DraftView) -> Message:
    """The question the draft's step asks, with the buttons that answer it."""
    seq = draft.key
    cancel = ("取消", f"rp:x:{seq}")
    if draft.step == reports.MEASURE and draft.target is not None:
        t = draft.target
        return Message(
            rt.ASK_MEASURE.format(
                code=esc(draft.code),
                name=esc(t["name"]),
                unit=esc(t["unit"]),
                target=f"{t['value']:g}",
                example=f"{t['value']:g}",
            ),
            keyboard([cancel]),
            typed=True,
        )
    if draft.step == reports.YES:
        return Message(
            rt.ASK_YES.format(code=esc(draft.code), text=esc(clip(draft.task_text, 80))),
            keyboard([("是,已完成", f"rp:yes:{seq}"), cancel]),
        )
    if draft.step == reports.NOTE:
        return Message(rt.ASK_NOTE, keyboard([("跳过", f"rp:skip:{seq}"), cancel]), typed=True)
    if draft.step == reports.EVIDENCE:
        return Message(rt.ASK_EVIDENCE, keyboard([("完成上传", f"rp:fin:{seq}"), cancel]))
    return Message(rt.summary(draft), keyboard([("✅ 确认上报", f"rp:ok:{seq}"), ("✖ 取消", f"rp:x:{seq}")]))


def _picker(turn: Turn, page: int) -> Message | None:
    ctx = turn.ctx
    statuses = [
        s for s in statuses_for(ctx.db, turn.who, ctx.clock.today(), ctx.calendar, ctx.policy) if s.colour != "done"
    ]
    if not statuses:
        return None
    pages = max(1, (len(statuses) + PAGE - 1) // PAGE)
    page = min(max(page, 0), pages - 1)
    rows: list[list[tuple[str, str]]] = [
        [(f"{s.code} {clip(s.text, 16)}", f"rp:t:{s.code}")] for s in statuses[page * PAGE : (page + 1) * PAGE]
    ]
    nav = ([("◀ 上一页", f"rp:pg:{page - 1}")] if page > 0 else []) + (
        [("下一页 ▶", f"rp:pg:{page + 1}")] if page + 1 < pages else []
    )
    return Message(rt.PICK_TASK.format(page=page + 1, pages=pages), keyboard(*rows, nav))


def begin(turn: Turn, code: str, intent: ReportIntent | None = None) -> Message:
    """Start a report on `code` (a refusal is raised, and answered by the dispatcher)."""
    ctx = turn.ctx
    return prompt(reports.start(ctx.db, ctx.clock, turn.who, code, intent))


async def done(turn: Turn) -> Replies:
    if turn.args:
        return [begin(turn, turn.args[0])]
    require_reporter(turn.who)
    picker = _picker(turn, 0)
    return [picker or Message(rt.NO_TASKS)]


async def sentence(turn: Turn) -> Replies:
    """Private text with nothing in progress: a report typed as a sentence, or help."""
    if not turn.who.bound:
        return [Message(texts.HELP_UNBOUND.format(office=turn.office))]
    intent = read_intent(turn.event.text)
    if intent is None:
        return [Message(texts.NOT_UNDERSTOOD)]
    return [begin(turn, intent.code, intent)]


async def on_button(turn: Turn) -> Replies:
    parts = (turn.event.payload or "").split(":")
    action = parts[1] if len(parts) > 1 else ""
    arg = parts[2] if len(parts) > 2 else ""
    if action == "pg":  # a new message per page: nothing is edited, so no double tap can clash
        picker = _picker(turn, int(arg) if arg.isdigit() else 0)
        return [Toast(""), picker or Message(rt.NO_TASKS)]
    if action == "t":
        return [Toast(""), begin(turn, arg)]
    ctx = turn.ctx
    pressed = reports.press(ctx.db, ctx.clock, turn.who, action, arg)
    if pressed.stale:
        return [Toast(rt.STALE)]
    answers: list[Reply] = [Toast(""), ClearButtons()]  # the buttons of an answered step go away
    if pressed.cancelled:
        return [*answers, Message(rt.CANCELLED)]
    if pressed.submitted is not None:
        s = pressed.submitted
        await notify_office(
            ctx,
            Message(
                rt.NEW_REPORT.format(id=s.report_id, code=esc(s.code), department=esc(s.department or turn.office)),
                keyboard([("通过", f"v:ok:{s.report_id}"), ("退回", f"v:no:{s.report_id}")]),
            ),
        )
        return [*answers, Message(rt.SUBMITTED.format(id=s.report_id, office=turn.office))]
    assert pressed.draft is not None
    return [*answers, prompt(pressed.draft)]


async def on_text_step(turn: Turn) -> Replies:
    """A typed answer while a report is being written: a quantity, a note, or a nudge to the buttons."""
    ctx, text = turn.ctx, turn.event.text
    draft = reports.current(ctx.db, turn.who)
    if draft is None:
        return await sentence(turn)
    if draft.step == reports.MEASURE and draft.target is not None:
        quantity = parse_quantity(text)
        if quantity is None:
            t = draft.target
            return [Message(rt.NOT_A_NUMBER.format(example=f"{t['value']:g}", unit=esc(t["unit"])))]
        answered = reports.answer_measure(ctx.db, ctx.clock, turn.who, quantity)
    elif draft.step == reports.NOTE:
        answered = reports.set_note(ctx.db, ctx.clock, turn.who, text)
    else:
        return [Message(rt.PRESS_BUTTONS)]
    return [prompt(answered)] if answered else [Message(rt.PRESS_BUTTONS)]


def _item(attachment: Attachment) -> dict:
    return {
        "file_id": attachment.ref,
        "file_unique_id": attachment.unique_id,
        "kind": attachment.kind,
        "name": attachment.name,
        "size": attachment.size,
        "path": None,
        "channel": None,
    }


async def on_evidence(turn: Turn) -> Replies:
    """A photo or document: evidence for the report being written (kept, then downloaded if it may be)."""
    ctx, event = turn.ctx, turn.event
    attachment = event.attachments[0]
    item = dict(_item(attachment), channel=turn.channel.name)
    added = reports.add_evidence(ctx.db, ctx.clock, turn.who, item, event.text or None)
    if added is None:
        return [Message(rt.NO_DRAFT_FOR_FILE)]
    too_big = (attachment.size or 0) > turn.channel.download_limit
    if not too_big:
        await _download(turn, added.report_id, added.letter_id, added.draft.code, attachment)
    note = rt.EVIDENCE_TOO_BIG.format(office=turn.office) + "\n" if too_big else ""
    seq = added.draft.key
    return [
        Message(
            note + rt.EVIDENCE_ADDED.format(n=added.count),
            keyboard([("完成上传", f"rp:fin:{seq}"), ("取消", f"rp:x:{seq}")]),
        )
    ]


async def _download(turn: Turn, report_id: int, letter_id: int, code: str, attachment: Attachment) -> None:
    """Keep a copy on disk; the file reference is already saved, so a failed download loses nothing."""
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
            fetched.suffix or (".jpg" if attachment.kind == "photo" else ""),
        )
    except (ChannelError, OSError) as exc:
        log.warning("evidence of report %s not downloaded (file reference kept): %s", report_id, exc)


async def progress(turn: Turn) -> Replies:
    args = turn.args
    quantity = parse_quantity("".join(args[1:])) if len(args) >= 2 else None
    if quantity is None:
        return [Message(rt.PROGRESS_USAGE)]
    recorded = reports.record_progress(turn.ctx.db, turn.ctx.clock, turn.who, args[0], quantity)
    return [
        Message(
            rt.PROGRESS_RECORDED.format(
                code=esc(recorded.code), id=recorded.report_id, measure=measure_text(recorded.measure)
            )
        )
    ]


async def withdraw(turn: Turn) -> Replies:
    args = turn.args
    report_id = int(args[0]) if args and args[0].isdigit() else None
    withdrawn, code = reports.withdraw(turn.ctx.db, turn.ctx.clock, turn.who, report_id)
    return [Message(rt.WITHDRAWN.format(id=withdrawn, code=esc(code)))]


async def cancel(turn: Turn) -> Replies:
    dropped = reports.cancel(turn.ctx.db, turn.who)
    return [Message(rt.CANCELLED if dropped else rt.NOTHING_TO_CANCEL)]


def routes(r: Routes) -> None:
    r.command("done", done)
    r.command("progress", progress)
    r.command("withdraw", withdraw)
    r.buttons["rp"] = on_button
    r.flows[reports.KIND] = on_text_step
    r.evidence = on_evidence
    r.sentence = sentence
