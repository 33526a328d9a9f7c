"""The user side: updates a test makes "users" send to the bot (thread-safe, any thread)."""

from __future__ import annotations

import re
import time
from typing import Any

from .html_entities import utf16_len
from .media import image_size, message_media
from .state import ADMIN_RIGHTS, BotState, CallbackQueryState

# A bot command is "/" + up to 32 letters/digits/underscores, optionally "@botname",
# at the start of the text or after whitespace (Telegram marks every one, not just the first).
_COMMAND_RE = re.compile(r"(?:(?<=\s)|^)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


def command_entities(text: str) -> list[dict[str, Any]]:
    return [
        {"type": "bot_command", "offset": utf16_len(text[: match.start()]), "length": utf16_len(match.group())}
        for match in _COMMAND_RE.finditer(text)
    ]


class InjectionMixin:
    _state: BotState

    # -- building blocks -----------------------------------------------------------------------
    def _sender_and_chat(
        self,
        user_id: int,
        chat_id: int | None,
        chat_type: str,
        *,
        username: str | None,
        first_name: str | None,
        last_name: str | None,
        language_code: str | None,
        title: str | None,
    ) -> tuple[dict[str, Any], int]:
        state = self._state
        user = state.remember_user(
            user_id, username=username, first_name=first_name, last_name=last_name, language_code=language_code
        )
        if chat_id is None or chat_id == user_id:
            state.remember_chat(user_id, "private")
            state.blocked.discard(user_id)  # writing to the bot means the user unblocked it
            return dict(user), user_id
        if chat_type == "private":
            chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
        state.remember_chat(chat_id, chat_type, title=title)
        state.chat_members.setdefault(chat_id, set()).add(user_id)
        return dict(user), chat_id

    def _user_message(
        self,
        user_id: int,
        chat_id: int | None,
        body: dict[str, Any],
        *,
        chat_type: str = "private",
        reply_to_message_id: int | None = None,
        update_type: str = "message",
        **who: Any,
    ) -> dict[str, Any]:
        who.setdefault("title", None)
        for key in ("username", "first_name", "last_name", "language_code"):
            who.setdefault(key, None)
        with self._state.lock:
            sender, chat = self._sender_and_chat(user_id, chat_id, chat_type, **who)
            if reply_to_message_id is not None:
                replied = self._state.message(chat, reply_to_message_id)
                if replied is None:
                    raise LookupError(f"no message {reply_to_message_id} in chat {chat} to reply to")
                body = {**body, "reply_to_message": {k: v for k, v in replied.json.items() if k != "reply_to_message"}}
            message = self._state.new_message(chat, sender, body, from_bot=False)
            self._state.enqueue_update(update_type, message)
            return message

    # -- public helpers ------------------------------------------------------------------------
    def inject_message(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        chat_type: str = "private",
        username: str | None = None,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        language_code: str | None = None,
        title: str | None = None,
        reply_to_message_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A user sends `text`; /commands (incl. /cmd@botname) get bot_command entities.
        chat_id defaults to the user's private chat. Returns the Message JSON."""
        body: dict[str, Any] = {"text": text}
        found = entities if entities is not None else command_entities(text)
        if found:
            body["entities"] = found
        return self._user_message(
            user_id,
            chat_id,
            body,
            chat_type=chat_type,
            reply_to_message_id=reply_to_message_id,
            username=username,
            first_name=first_name,
            last_name=last_name,
            language_code=language_code,
            title=title,
        )

    def inject_edited_message(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The user edits an earlier message of theirs."""
        with self._state.lock:
            stored = self._state.message(chat_id, message_id)
            if stored is None or stored.from_bot:
                raise LookupError(f"no user message {message_id} in chat {chat_id}")
            stored.json.update(text=text, edit_date=int(time.time()))
            stored.json.pop("entities", None)
            if command_entities(text):
                stored.json["entities"] = command_entities(text)
            self._state.enqueue_update("edited_message", dict(stored.json))
            return dict(stored.json)

    def inject_photo(
        self,
        user_id: int,
        data: bytes,
        caption: str | None = None,
        chat_id: int | None = None,
        media_group_id: str | None = None,
        **who: Any,
    ) -> dict[str, Any]:
        """A user sends a photo; its bytes are downloadable through getFile. `reply_to_message_id=` makes
        it a reply; `media_group_id` a part of an album (see inject_album)."""
        width, height = image_size(data)
        with self._state.lock:
            stored = self._state.add_file(data, "photo", width=width, height=height)
        body = message_media(stored, "photo")
        if caption:
            body["caption"] = caption
        if media_group_id:
            body["media_group_id"] = media_group_id
        return self._user_message(user_id, chat_id, body, **who)

    def inject_album(
        self, user_id: int, photos: list[bytes], caption: str | None = None, chat_id: int | None = None, **who: Any
    ) -> list[dict[str, Any]]:
        """A user sends several photos at once. Like Telegram: one message per photo, each with the same
        media_group_id, the caption on the first; a reply (`reply_to_message_id=`) is on every part."""
        if not 2 <= len(photos) <= 10:
            raise ValueError("an album has 2 to 10 items")
        group = str(10_000_000_000_000_000 + self._state.next_id())
        return [
            self.inject_photo(user_id, data, caption if i == 0 else None, chat_id, media_group_id=group, **who)
            for i, data in enumerate(photos)
        ]

    def inject_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        chat_id: int | None = None,
        **who: Any,
    ) -> dict[str, Any]:
        """A user sends a file; its bytes are downloadable through getFile."""
        with self._state.lock:
            stored = self._state.add_file(data, "document", file_name=file_name, mime_type=mime_type)
        body = message_media(stored, "document")
        if caption:
            body["caption"] = caption
        return self._user_message(user_id, chat_id, body, **who)

    def inject_media(
        self,
        user_id: int,
        kind: str,
        data: bytes,
        caption: str | None = None,
        chat_id: int | None = None,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        **who: Any,
    ) -> dict[str, Any]:
        """A user sends a voice note, a video, a video note, an audio file, an animation or a sticker
        (`kind` as the Message field is named); its bytes are downloadable through getFile (up to 20 MB,
        as on Telegram)."""
        if kind not in ("voice", "video", "video_note", "audio", "animation", "sticker"):
            raise ValueError(f"not a media kind the fake sends: {kind}")
        stored_kind = "video" if kind == "video_note" else kind
        with self._state.lock:
            stored = self._state.add_file(data, stored_kind, file_name=file_name, mime_type=mime_type)
        body = message_media(stored, stored_kind)
        if kind == "video_note":
            body = {"video_note": {**body["video"], "length": 240}}
            body["video_note"].pop("width", None)
            body["video_note"].pop("height", None)
        if kind == "sticker":
            body["sticker"].setdefault("emoji", "👍")
        elif caption:
            body["caption"] = caption
        if kind == "animation":  # Telegram sends an animation as a document too
            body["document"] = {k: v for k, v in body["animation"].items() if k not in ("width", "height", "duration")}
        return self._user_message(user_id, chat_id, body, **who)

    def inject_location(
        self, user_id: int, latitude: float, longitude: float, chat_id: int | None = None, **who: Any
    ) -> dict[str, Any]:
        """A user shares a location."""
        return self._user_message(user_id, chat_id, {"location": {"latitude": latitude, "longitude": longitude}}, **who)

    def inject_contact(
        self, user_id: int, phone_number: str, first_name: str, chat_id: int | None = None, **who: Any
    ) -> dict[str, Any]:
        """A user shares a contact card."""
        body = {"contact": {"phone_number": phone_number, "first_name": first_name}}
        return self._user_message(user_id, chat_id, body, **who)

    def inject_callback(self, user_id: int, message_id: int, chat_id: int, data: str, *, too_old: bool = False) -> str:
        """A user presses an inline button with callback `data`; returns the callback query id.

        Like Telegram, a press refers to a message the bot sent; if the message is gone the query
        carries an InaccessibleMessage (date 0). A press on data the keyboard does not have raises,
        since no real user could produce it. `too_old`: the press reaches the bot too late to be answered
        (a bot that was down, a slow queue): answerCallbackQuery answers 400 "query is too old..."."""
        state = self._state
        with state.lock:
            user = state.remember_user(user_id)
            stored = state.message(chat_id, message_id)
            if stored is not None:
                rows = (stored.json.get("reply_markup") or {}).get("inline_keyboard") or []
                choices = [b.get("callback_data") for row in rows for b in row]
                if data not in choices:
                    raise LookupError(
                        f"message {message_id} in chat {chat_id} has no button with "
                        f"callback_data {data!r}; it has {choices}"
                    )
                message = dict(stored.json)
            else:
                chat = state.chats.get(chat_id) or state.remember_chat(chat_id, "private" if chat_id > 0 else "group")
                message = {"message_id": message_id, "chat": dict(chat), "date": 0}
            query_id = str(4_000_000_000_000_000 + state.next_id())
            state.callback_queries[query_id] = CallbackQueryState(user_id, chat_id, message_id, data, too_old=too_old)
            state.enqueue_update(
                "callback_query",
                {
                    "id": query_id,
                    "from": dict(user),
                    "message": message,
                    "chat_instance": str(abs(hash((chat_id, state.bot_id))) % 10**18),
                    "data": data,
                },
            )
            return query_id

    def press_button(self, user_id: int, sent: Any, button_text: str, *, too_old: bool = False) -> str:
        """inject_callback for the button of a SentMessage whose text contains `button_text`."""
        button = sent.button(button_text)
        return self.inject_callback(user_id, sent.message_id, sent.chat_id, button["callback_data"], too_old=too_old)

    def inject_bot_added_to_group(
        self, chat_id: int, by_user_id: int, title: str = "Test group", chat_type: str = "group", as_admin: bool = False
    ) -> None:
        """A user adds the bot to a group: my_chat_member update plus the service message."""
        state = self._state
        with state.lock:
            user = state.remember_user(by_user_id)
            chat = state.remember_chat(chat_id, chat_type, title=title)
            state.chat_members.setdefault(chat_id, set()).update({by_user_id, state.bot_id})
            if as_admin:
                state.chat_admins.setdefault(chat_id, set()).add(state.bot_id)
            new_status = "administrator" if as_admin else "member"
            self._my_chat_member(chat, user, "left", new_status)
            body = {
                "new_chat_members": [state.bot_user()],
                "new_chat_member": state.bot_user(),
                "new_chat_participant": state.bot_user(),
            }
            state.enqueue_update("message", state.new_message(chat_id, dict(user), body, from_bot=False))

    def inject_new_chat_member(self, chat_id: int, user_id: int, **who: Any) -> dict[str, Any]:
        """A user joins a group (service message with new_chat_members)."""
        with self._state.lock:
            user = self._state.remember_user(user_id, **who)
            body = {"new_chat_members": [dict(user)], "new_chat_member": dict(user), "new_chat_participant": dict(user)}
            return self._user_message(
                user_id, chat_id, body, chat_type=self._state.chats.get(chat_id, {}).get("type", "group")
            )

    def inject_left_chat_member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        with self._state.lock:
            user = self._state.remember_user(user_id)
            message = self._user_message(
                user_id,
                chat_id,
                {"left_chat_member": dict(user), "left_chat_participant": dict(user)},
                chat_type=self._state.chats.get(chat_id, {}).get("type", "group"),
            )
            self._state.chat_members.get(chat_id, set()).discard(user_id)
            return message

    def _my_chat_member(self, chat: dict[str, Any], by_user: dict[str, Any], old: str, new: str) -> None:
        state = self._state
        bot = state.bot_user()
        extra = ADMIN_RIGHTS if new == "administrator" else {}
        banned = {"until_date": 0}  # a "kicked" member always says until when (0: for ever)
        state.enqueue_update(
            "my_chat_member",
            {
                "chat": dict(chat),
                "from": dict(by_user),
                "date": int(time.time()),
                "old_chat_member": {"status": old, "user": bot, **(banned if old == "kicked" else {})},
                "new_chat_member": {"status": new, "user": bot, **extra, **(banned if new == "kicked" else {})},
            },
        )
