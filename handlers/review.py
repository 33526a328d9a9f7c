"""/pending and the 通过 / 退回 buttons: the office verifies reports, with their evidence in view."""

from __future__ import annotations

from datetime import date

from handlers import report_texts as rt
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.markup import esc
from handlers.notify import notify_department
from handlers.replies import ClearButtons, Keyboard, Message, Replies, Reply, Toast, Upload, keyboard
from handlers.task_texts import day
from services import review

SHOW_AT_ONCE = 10
MAX_REASON = 500


def _choices(report_id: int) -> Keyboard:
    return keyboard([("通过", f"v:ok:{report_id}"), ("退回", f"v:no:{report_id}")])


def _buttons(report_id: int) -> Message:
    return Message(f"审核第 {report_id} 号上报:", _choices(report_id))


def _evidence(report_id: int, item: dict) -> Upload:
    """The evidence itself, not just a count: the file the channel already holds (else the copy on disk)."""
    caption = f"第{report_id}号上报的佐证"
    kind = item.get("kind")
    return Upload(
        kind if kind in ("photo", "voice", "video", "audio") else "document",  # a file id is re-sent as its kind
        item.get("name") or "",
        caption,
        ref=item.get("file_id"),
        ref_channel=item.get("channel") or "telegram",
        path=item.get("path"),
    )


async def pending(turn: Turn) -> Replies:
    shown, total = review.pending_views(turn.ctx.db, turn.who, SHOW_AT_ONCE)
    if not shown:
        return [Message(rt.NO_PENDING)]
    answers: list[Reply] = []
    for report in shown:
        text = rt.pending_item(report, report.department or turn.office, turn.ctx.clock.tz)
        if not report.evidence:  # nothing to show between the report and its buttons: one message
            answers.append(Message(text, _choices(report.id)))
            continue
        answers.append(Message(text))
        answers += [_evidence(report.id, item) for item in report.evidence]
        answers.append(_buttons(report.id))
    if total > SHOW_AT_ONCE:
        answers.append(Message(rt.PENDING_MORE.format(n=total - SHOW_AT_ONCE)))
    return answers


async def on_button(turn: Turn) -> Replies:
    _, action, raw_id = (turn.event.payload or "v:x:0").split(":")
    if not raw_id.isdigit() or action not in ("ok", "no"):
        return [Toast(rt.STALE)]
    report_id, ctx = int(raw_id), turn.ctx
    if action == "no":  # ask for the reason first; the reply completes the rejection
        code = review.ask_reject_reason(ctx.db, ctx.clock, turn.who, report_id)
        return [Toast(""), Message(rt.ASK_REASON.format(id=report_id, code=esc(code)), typed=True)]
    done = review.review(ctx.db, ctx.clock, ctx.calendar, turn.who, report_id, approve=True)
    code = esc(done.code)
    facts = (
        rt.FACTS_RECORDED.format(facts=esc("; ".join(f"{k}: {v}" for k, v in done.facts.items())))
        if done.facts
        else rt.FACTS_NONE
    )
    answers: list[Reply] = [
        Toast("已通过"),
        ClearButtons(),
        Message(rt.REVIEWED_OK.format(id=report_id, code=code, facts=facts)),
    ]
    await notify_department(ctx, done.department_id, Message(rt.VERIFIED.format(id=report_id, code=code)))
    for phrase, due in done.follow_ups:
        text = rt.FOLLOW_UP.format(code=code, phrase=esc(phrase), day=day(date.fromisoformat(due)))
        await notify_department(ctx, done.department_id, Message(text))
        answers.append(Message(text))
    return answers


async def on_reason(turn: Turn) -> Replies:
    """The admin's reply after 退回: the rejection is recorded and the department told why."""
    ctx = turn.ctx
    reason = turn.event.text.strip()[:MAX_REASON]
    done = review.reject_with_reason(ctx.db, ctx.clock, ctx.calendar, turn.who, reason)
    if done is None:
        return []
    code = esc(done.code)
    await notify_department(
        ctx, done.department_id, Message(rt.REJECTED.format(id=done.report_id, code=code, reason=esc(reason)))
    )
    return [
        Message(rt.REVIEWED_NO.format(id=done.report_id, code=code, department=esc(done.department or turn.office)))
    ]


def routes(r: Routes) -> None:
    r.command("pending", pending)
    r.buttons["v"] = on_button
    r.flows["reject"] = on_reason
