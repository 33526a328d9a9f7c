"""Telegram's rules for what a bot may send; each violation raises the ApiError Telegram answers.

Lengths are counted in UTF-16 code units, as Telegram counts them (an emoji outside the BMP is 2).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from .errors import bad_request
from .html_entities import EntityParseError, parse_html, utf16_len
from .markdown_entities import parse_markdown_legacy, parse_markdown_v2

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER = 200
MAX_INLINE_BUTTONS = 100
MAX_COMMANDS = 100
_TRIMMED = " \t\r\n"
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def parse_formatted(
    text: str, parse_mode: str | None, entities: Any, *, strict_ampersand: bool = True
) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode (or explicit entities), then trim whitespace like Telegram does."""
    mode = (parse_mode or "").strip().lower()
    try:
        if mode == "html":
            plain, found = parse_html(text, strict_ampersand=strict_ampersand)
        elif mode == "markdownv2":
            plain, found = parse_markdown_v2(text)
        elif mode == "markdown":
            plain, found = parse_markdown_legacy(text)
        elif mode == "":
            plain, found = text, _explicit_entities(entities, text)
        else:
            raise bad_request("unsupported parse_mode")
    except EntityParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None
    return _trim(plain, found)


def _explicit_entities(entities: Any, text: str) -> list[dict[str, Any]]:
    if not entities:
        return []
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    for entity in entities:
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or "type" not in entity:
            raise bad_request('can\'t parse MessageEntity: Field "type" must be of type String')
        if offset < 0 or length < 0 or offset + length > total:
            raise bad_request("entity beyond the end of the text")  # Telegram-like wording
    return [dict(e) for e in entities if e["length"] > 0]


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading/trailing whitespace and shift/clip entities to the trimmed text."""
    stripped_left = text.lstrip(_TRIMMED)
    shift = utf16_len(text) - utf16_len(stripped_left)
    trimmed = stripped_left.rstrip(_TRIMMED)
    total = utf16_len(trimmed)
    result = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return trimmed, result


def message_text(
    raw: Any, parse_mode: str | None, entities: Any, *, strict_ampersand: bool = True
) -> tuple[str, list[dict[str, Any]]]:
    if raw is None or raw == "":
        raise bad_request("message text is empty")
    text, found = parse_formatted(str(raw), parse_mode, entities, strict_ampersand=strict_ampersand)
    if not text:
        raise bad_request("message must be non-empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, found


def caption(
    raw: Any, parse_mode: str | None, entities: Any, *, strict_ampersand: bool = True
) -> tuple[str | None, list[dict[str, Any]]]:
    if raw is None or raw == "":
        return None, []
    text, found = parse_formatted(str(raw), parse_mode, entities, strict_ampersand=strict_ampersand)
    if utf16_len(text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return (text or None), found


def reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate any reply_markup; returns it (already JSON-decoded) or None."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _reply_keyboard(markup["keyboard"])
    elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _rows(rows: Any, field: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'Field "{field}" must be an Array of Arrays')
    return rows


def _inline_keyboard(rows: Any) -> None:
    buttons = [button for row in _rows(rows, "inline_keyboard") for button in row]
    if len(buttons) > MAX_INLINE_BUTTONS:
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    for button in buttons:
        _button_text(button, "inline keyboard button")
        # Telegram treats an empty action field as absent.
        actions = [name for name in _INLINE_ACTIONS if button.get(name) not in (None, "", False)]
        if not actions:
            raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
        data = button.get("callback_data")
        if data not in (None, ""):
            if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
        if button.get("url") not in (None, ""):
            _button_url(str(button["url"]))


def _reply_keyboard(rows: Any) -> None:
    for button in (b for row in _rows(rows, "keyboard") for b in row):
        if isinstance(button, str):
            button = {"text": button}
        _button_text(button, "keyboard button")


def _button_text(button: Any, what: str) -> None:
    if not isinstance(button, dict):
        raise bad_request(f"can't parse {what}: {what.title().replace(' ', '')} must be an Object")
    if "text" not in button:
        raise bad_request(f"can't parse {what}: Can't find field \"text\"")
    if not isinstance(button["text"], str):
        raise bad_request(f'can\'t parse {what}: Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")


def _button_url(url: str) -> None:
    """Telegram refuses URL buttons it cannot open for everyone, localhost included."""
    candidate = url if "://" in url else f"http://{url}"
    parts = urlsplit(candidate)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "tg", "ton"):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Unsupported URL protocol")
    if scheme in ("http", "https"):
        host = (parts.hostname or "").lower()
        if not host or "." not in host or host.endswith(".") or host.startswith(("127.", "10.", "192.168.")):
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def inline_markup_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Telegram echoes only inline keyboards in Message.reply_markup."""
    if markup and "inline_keyboard" in markup:
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def callback_answer_text(text: Any) -> None:
    if text and utf16_len(str(text)) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")


def chat_action(action: Any) -> None:
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")


def bot_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands")
    result = []
    for item in commands:
        if not isinstance(item, dict) or not isinstance(item.get("command"), str):
            raise bad_request('can\'t parse BotCommand: Field "command" must be of type String')
        name, description = item["command"], item.get("description")
        if not _COMMAND_RE.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= utf16_len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": name, "description": description})
    return result


def language_code(code: Any) -> str:
    code = code or ""
    if code and not _LANGUAGE_RE.match(str(code)):
        raise bad_request("invalid language code specified")
    return str(code)


def command_scope_key(scope: Any) -> tuple[str, int | str | None, int | None]:
    """(scope type, chat_id, user_id) for a BotCommandScope object."""
    if scope in (None, ""):
        return ("default", None, None)
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = scope["type"]
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return (kind, None, None)
    if kind in ("chat", "chat_administrators", "chat_member"):
        if scope.get("chat_id") in (None, ""):
            raise bad_request("chat_id is empty")
        user_id = scope.get("user_id") if kind == "chat_member" else None
        if kind == "chat_member" and user_id is None:
            raise bad_request("user_id is empty")
        return (kind, scope["chat_id"], int(user_id) if user_id is not None else None)
    raise bad_request("unsupported bot command scope type")


def require(value: Any, name: str) -> Any:
    if value is None or value == "":
        raise bad_request(f"{name} is empty")
    return value
