"""/start: who are you, and what is loaded."""
from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.app import context_of
from handlers import texts
from services.overview import letter_overview


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = context_of(context.application)
    user = update.effective_user
    with ctx.db.session() as session:
        overview = letter_overview(session)
    if overview is None:
        await update.effective_message.reply_text(texts.NO_LETTER)
        return
    if user and user.id in ctx.settings.admins:
        await update.effective_message.reply_text(texts.ADMIN_WELCOME.format(
            letter=escape(overview.title), document_no=escape(overview.document_no or "-"),
            items=overview.items, tasks=overview.tasks, departments=overview.departments))
        return
    await update.effective_message.reply_text(texts.UNBOUND.format(letter=escape(overview.short_title)))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("start", start))
