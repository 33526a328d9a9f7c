"""/invite (admins) and /bindgroup (a department contact, inside the department's group chat)."""
from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from handlers import texts
from handlers.common import REFUSALS, app_ctx, identity_of, refuse, reply, session_of
from services.onboarding import INVITE_DAYS, bind_group, create_invite


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity = identity_of(update, context)
    if not context.args:
        if not identity.is_admin:
            await reply(update, context, texts.DENIED["admin_only"])
        else:
            await reply(update, context, texts.INVITE_USAGE)
        return
    role = context.args[1].lower() if len(context.args) > 1 else "contact"
    try:
        with session_of(context) as session:
            made = create_invite(session, app_ctx(context).clock, identity, context.args[0], role)
            department, code = made.department.name, made.code
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    link = f"https://t.me/{context.bot.username}?start={code}"
    await reply(update, context, texts.INVITE_MADE.format(
        code=code, department=texts.esc(department), role=texts.ROLE_NAMES[role], days=INVITE_DAYS, link=link))


async def bindgroup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity = identity_of(update, context)
    chat = update.effective_chat
    try:
        with session_of(context) as session:
            department = bind_group(session, app_ctx(context).clock, identity, chat.id, chat.title)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await reply(update, context, texts.GROUP_BOUND.format(department=texts.esc(department)))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("invite", invite))
    application.add_handler(CommandHandler("bindgroup", bindgroup))
