"""What every handler shares: who is writing, answering within Telegram's limits, refusing politely."""
from __future__ import annotations

import logging
from contextlib import contextmanager

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.app import Context, context_of
from bot.telegram_text import split_lines
from handlers import texts
from services.access import Denied, Identity, identify
from services.tasks import NoLetter, UnknownDepartment

log = logging.getLogger("duban.handlers")


def app_ctx(context: ContextTypes.DEFAULT_TYPE) -> Context:
    return context_of(context.application)


def identity_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Identity:
    ctx = app_ctx(context)
    user, chat = update.effective_user, update.effective_chat
    with ctx.db.session() as session:
        return identify(session, ctx.settings.admins, user.id, chat.id if chat else user.id)


@contextmanager
def session_of(context: ContextTypes.DEFAULT_TYPE):
    with app_ctx(context).db.session() as session:
        yield session


async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str,
               keyboard: InlineKeyboardMarkup | None = None) -> Message:
    """Send `text` (HTML), split at line boundaries when it would pass 4096; buttons go on the last part,
    which is returned."""
    pieces = split_lines(text)
    message = None
    for i, piece in enumerate(pieces):
        message = await context.bot.send_message(chat_id, piece,
                                                 reply_markup=keyboard if i == len(pieces) - 1 else None)
    return message


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                keyboard: InlineKeyboardMarkup | None = None) -> Message:
    return await send(context, update.effective_chat.id, text, keyboard)


async def typing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Long answers (scores, lists) show "typing…" first, as people expect on a phone."""
    await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE, exc: Exception) -> None:
    """Turn a service's refusal into a short Chinese answer that says what to do instead."""
    if isinstance(exc, Denied):
        template = texts.DENIED.get(exc.reason, texts.DENIED["generic"])
        text = template.format(**{k: texts.esc(v) for k, v in exc.details.items()})
    elif isinstance(exc, UnknownDepartment):
        hint = "、".join(exc.suggestions) or "(无)"
        text = texts.UNKNOWN_DEPARTMENT.format(name=texts.esc(exc.name), hint=texts.esc(hint))
    elif isinstance(exc, NoLetter):
        text = texts.NO_LETTER
    else:
        raise exc
    log.info("refused %s: user=%s chat=%s %s", type(exc).__name__, update.effective_user.id,
             update.effective_chat.id, exc)
    if update.callback_query is not None:
        await update.callback_query.answer(texts.strip_tags(text)[:190], show_alert=True)
    else:
        await reply(update, context, text)


REFUSALS = (Denied, UnknownDepartment, NoLetter)


async def clear_buttons(update: Update) -> None:
    """Remove the buttons of an answered step; pressing an old button twice must not make this fail."""
    from telegram.error import BadRequest

    try:
        await update.callback_query.edit_message_reply_markup(None)
    except BadRequest as exc:  # already cleared ("message is not modified") or too old to edit
        log.debug("buttons not cleared: %s", exc)
