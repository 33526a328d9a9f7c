"""A service's refusal as a short Chinese answer that says what to do instead."""

from __future__ import annotations

import logging

from handlers import texts
from handlers.context import Turn
from handlers.markup import esc, to_plain
from handlers.replies import Message, Replies, Toast
from services.access import Denied
from services.tasks import NoLetter, UnknownDepartment

log = logging.getLogger("duban.handlers")

REFUSALS = (Denied, UnknownDepartment, NoLetter)
TOAST_LIMIT = 190  # Telegram shows at most 200 characters in a button's answer


def refusal_text(exc: Exception, office: str) -> str:
    if isinstance(exc, Denied):
        template = texts.DENIED.get(exc.reason, texts.DENIED["generic"])
        return template.format(office=office, **{k: esc(v) for k, v in exc.details.items()})
    if isinstance(exc, UnknownDepartment):
        hint = "、".join(exc.suggestions) or "(无)"
        return texts.UNKNOWN_DEPARTMENT.format(name=esc(exc.name), hint=esc(hint))
    if isinstance(exc, NoLetter):
        return texts.NO_LETTER
    raise exc


def refusal(turn: Turn, exc: Exception) -> Replies:
    text = refusal_text(exc, turn.office)
    log.info("refused %s: user=%s chat=%s %s", type(exc).__name__, turn.event.user_id, turn.event.chat_id, exc)
    if turn.event.pressed:
        return [Toast(to_plain(text)[:TOAST_LIMIT], alert=True)]
    return [Message(text)]
