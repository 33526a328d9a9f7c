"""/start (with or without an invite code), /help, and unknown commands."""
from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from handlers import texts
from handlers.common import REFUSALS, app_ctx, identity_of, refuse, reply, session_of
from handlers.menus import set_commands_for
from services.onboarding import redeem
from services.overview import letter_overview

log = logging.getLogger("duban.handlers.start")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if context.args:
        await join(update, context, context.args[0])
        return
    identity = identity_of(update, context)
    with session_of(context) as session:
        overview = letter_overview(session)
    if overview is None:
        await reply(update, context, texts.NO_LETTER)
    elif identity.is_admin:
        await reply(update, context, texts.ADMIN_WELCOME.format(
            letter=texts.esc(overview.title), document_no=texts.esc(overview.document_no or "-"),
            items=overview.items, tasks=overview.tasks, departments=overview.departments))
    elif identity.bound:
        await reply(update, context, texts.CONTACT_WELCOME.format(
            name=texts.esc(update.effective_user.first_name or ""), department=texts.esc(identity.department_name),
            role=texts.ROLE_NAMES.get(identity.role, identity.role)))
    else:
        await reply(update, context, texts.UNBOUND.format(letter=texts.esc(overview.short_title)))


async def join(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    if update.effective_chat.type != "private":
        await reply(update, context, texts.JOIN_IN_PRIVATE)
        return
    user = update.effective_user
    try:
        with session_of(context) as session:
            joined = redeem(session, app_ctx(context).clock, code, user.id, user.full_name)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    log.info("user %s joined %s as %s", user.id, joined.department, joined.role)
    await set_commands_for(context.bot, user.id, joined.role)
    await reply(update, context, texts.JOINED.format(department=texts.esc(joined.department),
                                                     role=texts.ROLE_NAMES.get(joined.role, joined.role)))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity = identity_of(update, context)
    text = {"admin": texts.HELP_ADMIN, "contact": texts.HELP_CONTACT, "viewer": texts.HELP_VIEWER}.get(
        identity.role, texts.HELP_UNBOUND)
    await reply(update, context, text)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, context, texts.UNKNOWN_COMMAND)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))


def register_fallback(application: Application) -> None:
    """Registered last: a command no handler took gets the right form, not silence."""
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
