"""What every method handler gets: the state, the switches, and the checks shared by sends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ApiError, too_many_requests
from .limits import FloodControl
from .params import Params
from .state import BotState
from .validation import require


@dataclass
class MethodContext:
    state: BotState
    strict_html: bool = True
    flood: FloodControl | None = None

    def target_chat(self, params: Params, name: str = "chat_id") -> int:
        """The chat a message goes to, refusing it the way Telegram does for migrated groups and
        chats that blocked or removed the bot."""
        state = self.state
        raw = require(params.get(name), name)
        if _is_known_user_without_chat(state, raw):
            # Seen in a group but never /start-ed the bot: Telegram refuses a first private message.
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user", kind="forbidden")
        chat_id = state.resolve_chat_id(raw)
        if chat_id in state.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": state.migrated[chat_id]},
                injected=True,
                kind="injected",
            )
        if chat_id in state.blocked:
            raise ApiError(403, blocked_description(state.chats.get(chat_id, {})), injected=True, kind="injected")
        return chat_id

    def take_flood_token(self, chat_id: int) -> None:
        if self.flood is None:
            return
        retry_after = self.flood.check(chat_id)
        if retry_after is not None:
            raise too_many_requests(retry_after)


def blocked_description(chat: dict[str, Any]) -> str:
    kind = chat.get("type", "private")
    if kind == "private":
        return "Forbidden: bot was blocked by the user"
    if kind == "channel":
        return "Forbidden: bot is not a member of the channel chat"
    return f"Forbidden: bot was kicked from the {kind} chat"


def _is_known_user_without_chat(state: BotState, raw: Any) -> bool:
    try:
        user_id = int(raw)
    except (TypeError, ValueError):
        return False
    return user_id > 0 and user_id in state.users and user_id not in state.chats
