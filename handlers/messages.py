"""Plain text in a private chat: the answer to a pending question, a report typed as a sentence, or help."""
from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from storage.models import Conversation
from handlers import report_flow, review, task_admin, texts
from handlers.common import identity_of, reply, session_of
from services.intents import read_intent


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity = identity_of(update, context)
    with session_of(context) as session:
        conversation = session.get(Conversation, (identity.chat_id, identity.user_id))
    if conversation is not None and conversation.kind == "report":
        await report_flow.on_text_step(update, context, conversation)
        return
    if conversation is not None and conversation.kind == "reject":
        await review.on_reason(update, context, conversation)
        return
    if conversation is not None and conversation.kind == "task_edit":
        await task_admin.on_text(update, context, conversation)
        return
    if not identity.bound:
        await reply(update, context, texts.HELP_UNBOUND)
        return
    intent = read_intent(update.effective_message.text or "")
    if intent is None:
        await reply(update, context, texts.NOT_UNDERSTOOD)
        return
    await report_flow.begin(update, context, intent.code, intent)


def register(application: Application) -> None:
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, on_text))
