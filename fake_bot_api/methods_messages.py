"""Bot API methods that send, edit and delete messages, and answer what users do with them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from . import validation
from .context import MethodContext
from .errors import bad_request
from .media import MEDIA_KINDS, message_media, resolve_file
from .params import Params
from .records import EditedMessage, SentMessage, StoredFile
from .state import StoredMessage

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
# Message fields copyMessage/forwardMessage carry over.
_CONTENT_FIELDS = ("text", "entities", "caption", "caption_entities", *MEDIA_KINDS)


def _reply_to(ctx: MethodContext, p: Params, chat_id: int) -> dict[str, Any] | None:
    parameters = p.json("reply_parameters") or {}
    message_id = parameters.get("message_id") if parameters else p.int("reply_to_message_id")
    if message_id is None:
        return None
    allow_missing = parameters.get("allow_sending_without_reply", p.bool("allow_sending_without_reply"))
    target_chat = chat_id
    if parameters.get("chat_id") is not None:
        target_chat = ctx.state.resolve_chat_id(parameters["chat_id"])
    stored = ctx.state.message(target_chat, int(message_id))
    if stored is None:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    reply = dict(stored.json)
    reply.pop("reply_to_message", None)  # Telegram does not nest replies further
    return reply


def _deliver(
    ctx: MethodContext,
    method: str,
    chat_id: int,
    body: dict[str, Any],
    p: Params,
    *,
    markup: dict[str, Any] | None,
    file: StoredFile | None = None,
) -> dict[str, Any]:
    """Common end of every send: flood control, reply, storing, logging."""
    reply = _reply_to(ctx, p, chat_id)
    ctx.take_flood_token(chat_id)
    if reply is not None:
        body["reply_to_message"] = reply
    inline = validation.inline_markup_only(markup)
    if inline is not None:
        body["reply_markup"] = inline
    state = ctx.state
    message = state.new_message(chat_id, state.bot_user(), body, from_bot=True)
    state.sent.append(
        SentMessage(
            method=method,
            chat_id=chat_id,
            message_id=message["message_id"],
            text=body.get("text"),
            raw_text=p.str("text") if "text" in body else p.str("caption"),
            parse_mode=p.str("parse_mode"),
            entities=body.get("entities") or body.get("caption_entities") or [],
            reply_markup=markup,
            caption=body.get("caption"),
            file=file,
            params=p.for_log(),
            message=message,
            time=time.time(),
        )
    )
    state.notify()
    return message


def send_message(ctx: MethodContext, p: Params) -> dict[str, Any]:
    chat_id = ctx.target_chat(p)
    text, entities = validation.message_text(
        p.get("text"), p.str("parse_mode"), p.json("entities"), strict_ampersand=ctx.strict_html
    )
    markup = validation.reply_markup(p.json("reply_markup"))
    body: dict[str, Any] = {"text": text}
    if entities:
        body["entities"] = entities
    return _deliver(ctx, "sendMessage", chat_id, body, p, markup=markup)


def _caption_fields(ctx: MethodContext, p: Params) -> dict[str, Any]:
    text, entities = validation.caption(
        p.get("caption"), p.str("parse_mode"), p.json("caption_entities"), strict_ampersand=ctx.strict_html
    )
    fields: dict[str, Any] = {}
    if text:
        fields["caption"] = text
    if entities:
        fields["caption_entities"] = entities
    return fields


def media_sender(kind: str, method: str) -> Callable[[MethodContext, Params], dict[str, Any]]:
    def send_media(ctx: MethodContext, p: Params) -> dict[str, Any]:
        chat_id = ctx.target_chat(p)
        source = p.file(kind)
        if source is None:
            raise bad_request(f"there is no {kind} in the request")
        body = _caption_fields(ctx, p)
        markup = validation.reply_markup(p.json("reply_markup"))
        stored = resolve_file(ctx.state, source, kind)
        body.update(message_media(stored, kind))
        return _deliver(ctx, method, chat_id, body, p, markup=markup, file=stored)

    send_media.__name__ = f"send_{kind}"
    return send_media


def _source_message(ctx: MethodContext, p: Params, missing: str) -> StoredMessage:
    from_chat = ctx.state.resolve_chat_id(validation.require(p.get("from_chat_id"), "from_chat_id"))
    stored = ctx.state.message(from_chat, p.int("message_id", required=True))
    if stored is None:
        raise bad_request(missing)
    return stored


def copy_message(ctx: MethodContext, p: Params) -> dict[str, Any]:
    source = _source_message(ctx, p, "message to copy not found")
    chat_id = ctx.target_chat(p)
    body = {key: value for key, value in source.json.items() if key in _CONTENT_FIELDS}
    if "caption" in p:
        body.pop("caption", None)
        body.pop("caption_entities", None)
        body.update(_caption_fields(ctx, p))
    markup = validation.reply_markup(p.json("reply_markup"))
    message = _deliver(ctx, "copyMessage", chat_id, body, p, markup=markup)
    return {"message_id": message["message_id"]}


def forward_message(ctx: MethodContext, p: Params) -> dict[str, Any]:
    source = _source_message(ctx, p, "message to forward not found")
    chat_id = ctx.target_chat(p)
    body = {key: value for key, value in source.json.items() if key in _CONTENT_FIELDS}
    sender = source.json.get("from") or {}
    body["forward_origin"] = {"type": "user", "sender_user": sender, "date": source.json.get("date", 0)}
    return _deliver(ctx, "forwardMessage", chat_id, body, p, markup=None)


def _editable(ctx: MethodContext, p: Params) -> tuple[int, StoredMessage]:
    if p.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not simulated
    chat_id = ctx.target_chat(p)
    message_id = p.int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    stored = ctx.state.message(chat_id, message_id)
    if stored is None:
        raise bad_request("message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return chat_id, stored


def _record_edit(
    ctx: MethodContext, method: str, chat_id: int, stored: StoredMessage, p: Params, markup: dict[str, Any] | None
) -> dict[str, Any]:
    stored.json["edit_date"] = int(time.time())
    message = dict(stored.json)
    ctx.state.edits.append(
        EditedMessage(
            method=method,
            chat_id=chat_id,
            message_id=message["message_id"],
            text=message.get("text"),
            caption=message.get("caption"),
            parse_mode=p.str("parse_mode"),
            reply_markup=markup,
            params=p.for_log(),
            message=message,
            time=time.time(),
        )
    )
    ctx.state.notify()
    return message


def _apply_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
    inline = validation.inline_markup_only(markup)
    if inline is None:
        message.pop("reply_markup", None)  # an edit without reply_markup removes the keyboard
    else:
        message["reply_markup"] = inline


def edit_message_text(ctx: MethodContext, p: Params) -> dict[str, Any]:
    chat_id, stored = _editable(ctx, p)
    if "text" not in stored.json:
        raise bad_request("there is no text in the message to edit")
    text, entities = validation.message_text(
        p.get("text"), p.str("parse_mode"), p.json("entities"), strict_ampersand=ctx.strict_html
    )
    markup = validation.reply_markup(p.json("reply_markup"))
    old = stored.json
    if (old["text"], old.get("entities", []), old.get("reply_markup")) == (
        text,
        entities,
        validation.inline_markup_only(markup),
    ):
        raise bad_request(_NOT_MODIFIED)
    old["text"] = text
    old.pop("entities", None)
    if entities:
        old["entities"] = entities
    _apply_markup(old, markup)
    return _record_edit(ctx, "editMessageText", chat_id, stored, p, markup)


def edit_message_caption(ctx: MethodContext, p: Params) -> dict[str, Any]:
    chat_id, stored = _editable(ctx, p)
    if not any(kind in stored.json for kind in MEDIA_KINDS):
        raise bad_request("there is no caption in the message to edit")
    fields = _caption_fields(ctx, p)
    markup = validation.reply_markup(p.json("reply_markup"))
    old = stored.json
    if (old.get("caption"), old.get("caption_entities", []), old.get("reply_markup")) == (
        fields.get("caption"),
        fields.get("caption_entities", []),
        validation.inline_markup_only(markup),
    ):
        raise bad_request(_NOT_MODIFIED)
    old.pop("caption", None)
    old.pop("caption_entities", None)
    old.update(fields)
    _apply_markup(old, markup)
    return _record_edit(ctx, "editMessageCaption", chat_id, stored, p, markup)


def edit_message_reply_markup(ctx: MethodContext, p: Params) -> dict[str, Any]:
    chat_id, stored = _editable(ctx, p)
    markup = validation.reply_markup(p.json("reply_markup"))
    if stored.json.get("reply_markup") == validation.inline_markup_only(markup):
        raise bad_request(_NOT_MODIFIED)
    _apply_markup(stored.json, markup)
    return _record_edit(ctx, "editMessageReplyMarkup", chat_id, stored, p, markup)


def delete_message(ctx: MethodContext, p: Params) -> bool:
    state = ctx.state
    chat_id = state.resolve_chat_id(validation.require(p.get("chat_id"), "chat_id"))
    message_id = p.int("message_id", required=True)
    stored = state.message(chat_id, message_id)
    if stored is None:
        raise bad_request("message to delete not found")
    private = state.chats[chat_id]["type"] == "private"
    if not (stored.from_bot or private or state.bot_id in state.chat_admins.get(chat_id, set())):
        raise bad_request("message can't be deleted")
    del state.messages[(chat_id, message_id)]
    state.deleted.append((chat_id, message_id))
    state.notify()
    return True


def answer_callback_query(ctx: MethodContext, p: Params) -> bool:
    query_id = p.str("callback_query_id")
    query = ctx.state.callback_queries.get(query_id or "")
    validation.callback_answer_text(p.get("text"))
    if query is None or query.answer is not None or query.too_old:
        raise bad_request(_QUERY_INVALID)
    query.answer = p.for_log()
    ctx.state.notify()
    return True


def send_chat_action(ctx: MethodContext, p: Params) -> bool:
    chat_id = ctx.target_chat(p)
    validation.chat_action(p.get("action"))
    ctx.state.chat_actions.append((chat_id, str(p.get("action")), time.time()))
    return True


METHODS: dict[str, Callable[[MethodContext, Params], Any]] = {
    "sendMessage": send_message,
    "sendPhoto": media_sender("photo", "sendPhoto"),
    "sendDocument": media_sender("document", "sendDocument"),
    "sendAudio": media_sender("audio", "sendAudio"),
    "sendVideo": media_sender("video", "sendVideo"),
    "sendVoice": media_sender("voice", "sendVoice"),
    "sendAnimation": media_sender("animation", "sendAnimation"),
    "sendSticker": media_sender("sticker", "sendSticker"),
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "sendChatAction": send_chat_action,
}
