"""Bot API methods about the bot itself, webhooks, commands, chats and files.

getUpdates lives in the server: it is the one method that waits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import validation
from .context import MethodContext
from .errors import bad_request
from .media import MAX_DOWNLOAD_BYTES
from .params import Params
from .state import ADMIN_RIGHTS

_MENU_BUTTON_TYPES = ("commands", "web_app", "default")


def get_me(ctx: MethodContext, p: Params) -> dict[str, Any]:
    return {
        **ctx.state.bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def always_true(ctx: MethodContext, p: Params) -> bool:
    return True


def set_webhook(ctx: MethodContext, p: Params) -> bool:
    url = p.str("url") or ""
    if url and not url.startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    state = ctx.state
    state.webhook = {"url": url} if url else {}
    if p.bool("drop_pending_updates"):
        state.updates.clear()
    state.set_allowed_updates(p.json("allowed_updates"))
    return True


def delete_webhook(ctx: MethodContext, p: Params) -> bool:
    ctx.state.webhook = {}
    if p.bool("drop_pending_updates"):
        ctx.state.updates.clear()
    return True


def get_webhook_info(ctx: MethodContext, p: Params) -> dict[str, Any]:
    state = ctx.state
    return {
        "url": state.webhook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }


def _scope(ctx: MethodContext, p: Params) -> tuple[str, str]:
    kind, chat_id, user_id = validation.command_scope_key(p.json("scope"))
    language = validation.language_code(p.get("language_code"))
    if chat_id is None:
        return kind, language
    chat = ctx.state.resolve_chat_id(chat_id)
    if kind == "chat_member":
        return f"chat_member:{chat}:{user_id}", language
    return f"{kind}:{chat}", language


def set_my_commands(ctx: MethodContext, p: Params) -> bool:
    commands = validation.bot_commands(p.json("commands"))
    key = _scope(ctx, p)
    if commands:
        ctx.state.commands[key] = commands
    else:
        ctx.state.commands.pop(key, None)
    ctx.state.notify()
    return True


def get_my_commands(ctx: MethodContext, p: Params) -> list[dict[str, str]]:
    return list(ctx.state.commands.get(_scope(ctx, p), []))


def delete_my_commands(ctx: MethodContext, p: Params) -> bool:
    ctx.state.commands.pop(_scope(ctx, p), None)
    return True


def _menu_chat(ctx: MethodContext, p: Params) -> int | None:
    if p.get("chat_id") in (None, ""):
        return None
    chat_id = ctx.state.resolve_chat_id(p.get("chat_id"))
    if ctx.state.chats[chat_id]["type"] != "private":
        raise bad_request("chat_id must be a private chat")  # menu buttons are per private chat
    return chat_id


def set_chat_menu_button(ctx: MethodContext, p: Params) -> bool:
    button = p.json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in _MENU_BUTTON_TYPES:
        raise bad_request("can't parse menu button JSON object")
    ctx.state.menu_buttons[_menu_chat(ctx, p)] = button
    return True


def get_chat_menu_button(ctx: MethodContext, p: Params) -> dict[str, Any]:
    chat_id = _menu_chat(ctx, p)
    buttons = ctx.state.menu_buttons
    return buttons.get(chat_id) or buttons.get(None) or {"type": "commands"}


def bot_text_setter(field: str, limit: int) -> Callable[[MethodContext, Params], bool]:
    def set_text(ctx: MethodContext, p: Params) -> bool:
        value = p.str(field) or ""
        if validation.utf16_len(value) > limit:
            raise bad_request(f"{field} is too long")
        ctx.state.bot_texts[(field, validation.language_code(p.get("language_code")))] = value
        return True

    return set_text


def bot_text_getter(field: str) -> Callable[[MethodContext, Params], dict[str, str]]:
    def get_text(ctx: MethodContext, p: Params) -> dict[str, str]:
        language = validation.language_code(p.get("language_code"))
        texts = ctx.state.bot_texts
        default = ctx.state.bot_first_name if field == "name" else ""
        return {field: texts.get((field, language), texts.get((field, ""), default))}

    return get_text


def get_chat(ctx: MethodContext, p: Params) -> dict[str, Any]:
    state = ctx.state
    chat_id = state.resolve_chat_id(validation.require(p.get("chat_id"), "chat_id"))
    chat = dict(state.chats.get(chat_id) or {"id": chat_id, "type": "group", "title": ""})
    chat.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    return chat


def _member_status(ctx: MethodContext, chat_id: int, user_id: int) -> dict[str, Any]:
    state = ctx.state
    user = state.bot_user() if user_id == state.bot_id else state.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    if state.chats[chat_id]["type"] == "private":
        return {"status": "member", "user": user}
    if user_id in state.chat_admins.get(chat_id, set()):
        return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
    if user_id == state.bot_id or user_id in state.chat_members.get(chat_id, set()):
        return {"status": "member", "user": user}
    return {"status": "left", "user": user}


def get_chat_member(ctx: MethodContext, p: Params) -> dict[str, Any]:
    chat_id = ctx.state.resolve_chat_id(validation.require(p.get("chat_id"), "chat_id"))
    return _member_status(ctx, chat_id, p.int("user_id", required=True))


def get_chat_administrators(ctx: MethodContext, p: Params) -> list[dict[str, Any]]:
    chat_id = ctx.state.resolve_chat_id(validation.require(p.get("chat_id"), "chat_id"))
    if ctx.state.chats[chat_id]["type"] == "private":
        raise bad_request("there are no administrators in the private chat")
    return [_member_status(ctx, chat_id, user_id) for user_id in sorted(ctx.state.chat_admins.get(chat_id, ()))]


def get_chat_member_count(ctx: MethodContext, p: Params) -> int:
    chat_id = ctx.state.resolve_chat_id(validation.require(p.get("chat_id"), "chat_id"))
    if ctx.state.chats[chat_id]["type"] == "private":
        return 2
    return len(ctx.state.chat_members.get(chat_id, set()) | {ctx.state.bot_id})


def get_file(ctx: MethodContext, p: Params) -> dict[str, Any]:
    file_id = p.str("file_id")
    if not file_id:
        raise bad_request("file_id is empty")
    stored = ctx.state.files.get(file_id)
    if stored is None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    if stored.size > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": ctx.state.file_path_for(stored),
    }


METHODS: dict[str, Callable[[MethodContext, Params], Any]] = {
    "getMe": get_me,
    "logOut": always_true,
    "close": always_true,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "setMyDescription": bot_text_setter("description", 512),
    "getMyDescription": bot_text_getter("description"),
    "setMyShortDescription": bot_text_setter("short_description", 120),
    "getMyShortDescription": bot_text_getter("short_description"),
    "setMyName": bot_text_setter("name", 64),
    "getMyName": bot_text_getter("name"),
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "getChatMemberCount": get_chat_member_count,
    "getFile": get_file,
}
