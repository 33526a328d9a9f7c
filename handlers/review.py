"""/pending and the 通过 / 退回 buttons: the office verifies reports, with their evidence in view."""
from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.storage.models import Contact, Conversation, Deadline, Department, Report
from handlers import report_texts as rt
from handlers.common import REFUSALS, app_ctx, clear_buttons, identity_of, refuse, reply, session_of, typing
from handlers.notify import notify_department
from handlers.task_texts import day
from handlers.texts import esc
from services import reports
from services.access import require_admin

log = logging.getLogger("duban.handlers.review")
SHOW_AT_ONCE = 10


def _buttons(report_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("通过", callback_data=f"v:ok:{report_id}"),
                                  InlineKeyboardButton("退回", callback_data=f"v:no:{report_id}")]])


async def pending(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity = identity_of(update, context)
    try:
        require_admin(identity)
        await typing(update, context)
        with session_of(context) as session:
            waiting = reports.pending(session)
            shown = []
            for r in waiting[:SHOW_AT_ONCE]:
                dep = session.get(Department, r.department_id).name if r.department_id else "美丽办"
                who = session.scalar(select(Contact.display_name).where(Contact.id == r.contact_id)) or str(r.submitted_by)
                shown.append((r.id, rt.pending_item(r, dep, who, app_ctx(context).clock.tz), list(r.evidence or [])))
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    if not shown:
        await reply(update, context, rt.NO_PENDING)
        return
    chat = update.effective_chat.id
    for report_id, text, evidence in shown:
        await reply(update, context, text)
        for item in evidence:  # the verifier sees the evidence itself, not just a count
            try:
                if item["kind"] == "photo":
                    await context.bot.send_photo(chat, item["file_id"], caption=f"第{report_id}号上报的佐证")
                else:
                    await context.bot.send_document(chat, item["file_id"], caption=f"第{report_id}号上报的佐证")
            except TelegramError as exc:
                log.warning("evidence %s of report %s not shown: %s", item.get("file_id"), report_id, exc)
        await reply(update, context, f"审核第 {report_id} 号上报:", _buttons(report_id))
    if len(waiting) > SHOW_AT_ONCE:
        await reply(update, context, rt.PENDING_MORE.format(n=len(waiting) - SHOW_AT_ONCE))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    _, action, raw_id = (query.data or "v:x:0").split(":")
    report_id = int(raw_id)
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        require_admin(identity)
        with session_of(context) as session:
            report = session.get(Report, report_id)
            if report is None or report.status != "submitted":
                await query.answer(rt.STALE if report is None else f"这份上报已处理(状态:{report.status})。")
                return
            code = report.task.code
            if action == "no":  # ask for the reason first; the reply completes the rejection
                session.merge(Conversation(chat_id=identity.chat_id, user_id=identity.user_id, kind="reject",
                                           step="reason", payload={"report_id": report_id}, updated_at=ctx.clock.now()))
                await query.answer()
                await reply(update, context, rt.ASK_REASON.format(id=report_id, code=esc(code)))
                return
            report = reports.review(session, ctx.clock, ctx.calendar, identity, report_id, approve=True)
            facts = {f.subitem_id: f.values for f in _facts_of(session, report_id)}
            follow_ups = [(d.phrase, d.spec["date"]) for d in session.scalars(
                select(Deadline).where(Deadline.triggered_by_report_id == report_id))]
            department_id = report.department_id
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await query.answer("已通过")
    await clear_buttons(update)
    facts_text = rt.FACTS_RECORDED.format(facts=esc("; ".join(f"{k}: {v}" for k, v in facts.items()))) if facts \
        else rt.FACTS_NONE
    await reply(update, context, rt.REVIEWED_OK.format(id=report_id, code=esc(code), facts=facts_text))
    await notify_department(context, department_id, rt.VERIFIED.format(id=report_id, code=esc(code)))
    for phrase, due in follow_ups:
        text = rt.FOLLOW_UP.format(code=esc(code), phrase=esc(phrase), day=day(date.fromisoformat(due)))
        await notify_department(context, department_id, text)
        await reply(update, context, text)


def _facts_of(session, report_id: int):
    from bot.storage.models import Fact

    return list(session.scalars(select(Fact).where(Fact.report_id == report_id)))


async def on_reason(update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation) -> None:
    """The admin's reply after 退回: the rejection is recorded and the department told why."""
    identity, ctx = identity_of(update, context), app_ctx(context)
    reason = (update.effective_message.text or "").strip()[:500]
    try:
        with session_of(context) as session:
            session.delete(session.merge(conversation))
            report = reports.review(session, ctx.clock, ctx.calendar, identity, conversation.payload["report_id"],
                                    approve=False, reason=reason)
            code, department_id = report.task.code, report.department_id
            department = session.get(Department, department_id).name if department_id else "美丽办"
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await notify_department(context, department_id, rt.REJECTED.format(id=report.id, code=esc(code), reason=esc(reason)))
    await reply(update, context, rt.REVIEWED_NO.format(id=report.id, code=esc(code), department=esc(department)))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("pending", pending))
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^v:(ok|no):\d+$"))
