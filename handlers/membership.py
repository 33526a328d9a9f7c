"""A person blocked the bot, or a group removed it (or either took it back): the contacts of that chat
become unreachable (or reachable again) at once, not when the next reminder fails, and the office is told
by name, once per change."""

from __future__ import annotations

import logging

from handlers import hint_texts as ht
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.events import GONE
from handlers.markup import esc
from handlers.notify import notify_office
from handlers.replies import Message, Replies
from services.contacts import set_reachable

log = logging.getLogger("duban.handlers.membership")
BLOCKED_REASON = "Forbidden: bot was blocked by the user"  # the words Telegram answers a send with
REMOVED_REASON = "Forbidden: bot was kicked from the group chat"


async def on_membership(turn: Turn) -> Replies:
    event, ctx = turn.event, turn.ctx
    gone = event.membership == GONE
    reason = (BLOCKED_REASON if event.private else REMOVED_REASON) if gone else None
    changed = set_reachable(ctx.db, event.chat_id, not gone, reason)
    if not changed:
        return []  # nobody of ours, or the office already knows
    log.warning("chat %s %s the bot: %s", event.chat_id, "blocked" if gone else "took back", changed)
    if event.private:
        who = "、".join(f"{department} {name}".strip() for department, name in changed)
        text = (ht.BLOCKED if gone else ht.BACK).format(who=esc(who))
    else:
        departments = "、".join(dict.fromkeys(department for department, _ in changed))
        title = esc(event.chat_title or str(event.chat_id))
        text = (ht.REMOVED if gone else ht.BACK_GROUP).format(who=esc(departments), title=title)
    await notify_office(ctx, Message(text))
    return []


def routes(r: Routes) -> None:
    r.membership = on_membership
