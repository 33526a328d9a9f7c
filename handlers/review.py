"""/pending and the 通过 / 退回 buttons: the office verifies reports, with their evidence in view."""
from __future__ import annotations

import logging
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from storage.models import Conversation
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
            waiting = reports.pending_views(session)
            shown = [(r.id, rt.pending_item(r, dep, who, app_ctx(context).clock.tz), list(r.evidence or []))
                     for r, dep, who in waiting[:SHOW_AT_ONCE]]
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
        with session_of(context) as session:
            if action == "no":  # ask for the reason first; the reply completes the rejection
                code = reports.ask_reject_reason(session, ctx.clock, identity, report_id).task.code
            else:
                done = reports.review(session, ctx.clock, ctx.calendar, identity, report_id, approve=True)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    if action == "no":
        await query.answer()
        await reply(update, context, rt.ASK_REASON.format(id=report_id, code=esc(code)))
        return
    await query.answer("已通过")
    await clear_buttons(update)
    code = esc(done.code)
    facts_text = rt.FACTS_RECORDED.format(facts=esc("; ".join(f"{k}: {v}" for k, v in done.facts.items()))) \
        if done.facts else rt.FACTS_NONE
    await reply(update, context, rt.REVIEWED_OK.format(id=report_id, code=code, facts=facts_text))
    await notify_department(context, done.department_id, rt.VERIFIED.format(id=report_id, code=code))
    for phrase, due in done.follow_ups:
        text = rt.FOLLOW_UP.format(code=code, phrase=esc(phrase), day=day(date.fromisoformat(due)))
        await notify_department(context, done.department_id, text)
        await reply(update, context, text)


async def on_reason(update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation) -> None:
    """The admin's reply after 退回: the rejection is recorded and the department told why."""
    identity, ctx = identity_of(update, context), app_ctx(context)
    reason = (update.effective_message.text or "").strip()[:500]
    try:
        with session_of(context) as session:
            session.delete(session.merge(conversation))
            done = reports.review(session, ctx.clock, ctx.calendar, identity, conversation.payload["report_id"],
                                  approve=False, reason=reason)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    report_id, code = done.report.id, esc(done.code)
    await notify_department(context, done.department_id, rt.REJECTED.format(id=report_id, code=code, reason=esc(reason)))
    await reply(update, context, rt.REVIEWED_NO.format(id=report_id, code=code, department=esc(done.department)))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("pending", pending))
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^v:(ok|no):\d+$"))
