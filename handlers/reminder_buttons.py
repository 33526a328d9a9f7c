"""The buttons under a reminder: 收到 (acknowledge), 已完成 (report), 推迟提醒 (snooze one working day)."""
from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.app import context_of
from handlers import texts
from handlers.report_flow import begin
from services import reminder_ledger as ledger

log = logging.getLogger("duban.handlers.reminders")
PATTERN = re.compile(r"^r:([ads]):(\d{1,12})$")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    match = PATTERN.match(query.data or "")
    if match is None:
        await query.answer(texts.BUTTON_EXPIRED)
        return
    action, reminder_id = match.group(1), int(match.group(2))
    ctx = context_of(context.application)
    user_id, chat_id = query.from_user.id, query.message.chat.id if query.message else query.from_user.id
    now = ctx.clock.now()
    # Write before answering: what the user sees confirmed is already committed.
    with ctx.db.session() as session:
        if action == "s":
            result = ledger.snooze(session, reminder_id, user_id, chat_id, now, ctx.calendar)
        else:
            result = ledger.acknowledge(session, reminder_id, user_id, chat_id, now)
        code = result.reminder.task.code if result.reminder is not None else None
        snoozed_until = result.reminder.snoozed_until if result.reminder is not None else None
    log.info("reminder button %s on %s by user %s in chat %s: %s", action, reminder_id, user_id, chat_id, result.status)
    if result.status == "unknown":
        await query.answer(texts.BUTTON_EXPIRED)
    elif result.status == "not_yours":
        await query.answer(texts.REMINDER_NOT_YOURS, show_alert=True)
    elif action == "a":
        await query.answer(texts.ACKNOWLEDGED.format(code=code) if result.status == "ok"
                           else texts.ALREADY_ACKNOWLEDGED.format(code=code))
    elif action == "s":
        await query.answer(texts.SNOOZED.format(code=code, day=f"{snoozed_until.month}月{snoozed_until.day}日")
                           if result.status == "ok" else texts.ALREADY_SNOOZED.format(code=code))
    else:  # 已完成: acknowledged above, and the report starts right here
        if await begin(update, context, code):
            await query.answer()


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^r:"))
