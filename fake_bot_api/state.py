"""What the fake Telegram knows: users, chats, messages, files, pending updates, and the logs.

One re-entrant lock guards everything: method handlers run under it in the server thread, test
helpers take it from the test thread. `changed` is notified whenever a log grows, so tests can
block on it.
"""

from __future__ import annotations

import itertools
import mimetypes
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import chat_not_found
from .records import EditedMessage, RequestRecord, SentMessage, StoredFile

# getUpdates without allowed_updates delivers everything except these.
NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# ChatMemberAdministrator's required fields, for the bot or users made admins in tests.
ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


@dataclass
class StoredMessage:
    json: dict[str, Any]
    from_bot: bool


@dataclass
class CallbackQueryState:
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answer: dict[str, Any] | None = None
    too_old: bool = False  # pressed so long ago that answerCallbackQuery is refused (Telegram: ~15 s)


@dataclass
class BotState:
    bot_id: int
    bot_username: str
    bot_first_name: str
    lock: threading.RLock = field(default_factory=threading.RLock)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    chat_members: dict[int, set[int]] = field(default_factory=dict)
    chat_admins: dict[int, set[int]] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    migrated: dict[int, int] = field(default_factory=dict)
    messages: dict[tuple[int, int], StoredMessage] = field(default_factory=dict)
    last_message_id: dict[int, int] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    file_paths: dict[str, str] = field(default_factory=dict)  # file_path -> file_id
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: int = 100_000
    allowed_updates: frozenset[str] | None = None
    webhook: dict[str, Any] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    bot_texts: dict[tuple[str, str], str] = field(default_factory=dict)  # description etc.
    callback_queries: dict[str, CallbackQueryState] = field(default_factory=dict)
    # Logs
    sent: list[SentMessage] = field(default_factory=list)
    edits: list[EditedMessage] = field(default_factory=list)
    deleted: list[tuple[int, int]] = field(default_factory=list)
    chat_actions: list[tuple[int, str, float]] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    injected_updates: list[dict[str, Any]] = field(default_factory=list)
    active_polls: int = 0  # getUpdates requests being held right now
    # Wakes long polls in the server loop; set by the server.
    on_new_update: Callable[[], None] | None = None
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)

    # -- identity ------------------------------------------------------------------------------
    def bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_first_name, "username": self.bot_username}

    def next_id(self) -> int:
        return next(self._ids)

    # -- users and chats -----------------------------------------------------------------------
    def remember_user(self, user_id: int, **fields: Any) -> dict[str, Any]:
        user = self.users.setdefault(user_id, {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"})
        user.update({key: value for key, value in fields.items() if value is not None})
        return user

    def remember_chat(self, chat_id: int, chat_type: str, **fields: Any) -> dict[str, Any]:
        chat = self.chats.setdefault(chat_id, {"id": chat_id, "type": chat_type})
        chat["type"] = chat_type
        chat.update({key: value for key, value in fields.items() if value is not None})
        if chat_type == "private":
            user = self.users.get(chat_id, {})
            for key in ("first_name", "last_name", "username"):
                if user.get(key) is not None:
                    chat[key] = user[key]
        elif "title" not in chat:
            chat["title"] = f"Group {chat_id}"
        return chat

    def private_chat(self, user: dict[str, Any]) -> dict[str, Any]:
        return self.remember_chat(user["id"], "private")

    def resolve_chat_id(self, raw: Any) -> int:
        """chat_id parameter (int, numeric string or @username) to a known chat id."""
        if isinstance(raw, str):
            text = raw.strip()
            if text.startswith("@"):
                for chat in self.chats.values():
                    if str(chat.get("username", "")).lower() == text[1:].lower() and chat["type"] != "private":
                        return chat["id"]
                raise chat_not_found()
            try:
                raw = int(text)
            except ValueError:
                raise chat_not_found() from None
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise chat_not_found()
        if raw not in self.chats and raw not in self.migrated:
            raise chat_not_found()
        return raw

    # -- messages ------------------------------------------------------------------------------
    def new_message(
        self, chat_id: int, sender: dict[str, Any], body: dict[str, Any], *, from_bot: bool
    ) -> dict[str, Any]:
        """Store a message with the next id of its chat and return its JSON."""
        message_id = self.last_message_id.get(chat_id, 0) + 1
        self.last_message_id[chat_id] = message_id
        message = {
            "message_id": message_id,
            "from": sender,
            "chat": dict(self.chats[chat_id]),
            "date": int(time.time()),
            **body,
        }
        self.messages[(chat_id, message_id)] = StoredMessage(message, from_bot)
        return message

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        return self.messages.get((chat_id, message_id))

    # -- files ---------------------------------------------------------------------------------
    def add_file(self, data: bytes | None, kind: str, **fields: Any) -> StoredFile:
        number = self.next_id()
        stored = StoredFile(
            file_id=f"{kind[:2].upper()}ACAgUAAxkBAAI{number:06d}{secrets.token_hex(6)}",
            file_unique_id=f"AgAD{number:06d}",
            data=data,
            kind=kind,
            **fields,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_path_for(self, stored: StoredFile) -> str:
        for path, file_id in self.file_paths.items():
            if file_id == stored.file_id:
                return path
        extension = ""
        if stored.file_name and "." in stored.file_name:
            extension = "." + stored.file_name.rsplit(".", 1)[1]
        elif stored.mime_type:
            extension = mimetypes.guess_extension(stored.mime_type) or ""
        elif stored.kind == "photo":
            extension = ".jpg"
        folder = "photos" if stored.kind == "photo" else f"{stored.kind}s"
        path = f"{folder}/file_{len(self.file_paths)}{extension}"
        self.file_paths[path] = stored.file_id
        return path

    # -- updates -------------------------------------------------------------------------------
    def enqueue_update(self, update_type: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update unless the bot's allowed_updates exclude its type (then Telegram
        never creates it). Returns the update, or None if it was filtered out."""
        allowed = self.allowed_updates
        if allowed is None:
            if update_type in NOT_DELIVERED_BY_DEFAULT:
                return None
        elif update_type not in allowed:
            return None
        update = {"update_id": self.next_update_id, update_type: payload}
        self.next_update_id += 1
        self.updates.append(update)
        self.injected_updates.append(update)
        if self.on_new_update is not None:
            self.on_new_update()
        return update

    def set_allowed_updates(self, allowed: Any) -> None:
        if allowed is None:
            return  # not passed: keep the previous setting
        self.allowed_updates = frozenset(allowed) if allowed else None

    def take_updates(self, offset: int | None, limit: int) -> list[dict[str, Any]]:
        """getUpdates: an offset confirms (forgets) every earlier update; negative counts from the end."""
        if offset is not None and offset < 0:
            self.updates = self.updates[offset:]
        elif offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        return self.updates[:limit]

    def notify(self) -> None:
        self.changed.notify_all()
