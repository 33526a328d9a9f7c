"""/start (with or without an invite code), /help, /invite and /bindgroup: joining and finding one's way."""

from __future__ import annotations

import logging

from handlers import texts
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.markup import esc
from handlers.replies import Message, Replies, RoleChanged
from services.onboarding import INVITE_DAYS, bind_group, create_invite, redeem
from services.overview import letter_overview

log = logging.getLogger("duban.handlers.start")
HELP = {"admin": texts.HELP_ADMIN, "contact": texts.HELP_CONTACT, "viewer": texts.HELP_VIEWER}


async def start(turn: Turn) -> Replies:
    if turn.args:
        return join(turn, turn.args[0])
    who, office = turn.who, turn.office
    overview = letter_overview(turn.ctx.db)
    if overview is None:
        return [Message(texts.NO_LETTER)]
    if who.is_admin:
        return [
            Message(
                texts.ADMIN_WELCOME.format(
                    office=office,
                    letter=esc(overview.title),
                    document_no=esc(overview.document_no or "-"),
                    items=overview.items,
                    tasks=overview.tasks,
                    departments=overview.departments,
                )
            )
        ]
    if who.bound:
        return [
            Message(
                texts.CONTACT_WELCOME.format(
                    name=esc(turn.event.first_name),
                    department=esc(who.department_name),
                    role=texts.ROLE_NAMES.get(who.role, who.role),
                )
            )
        ]
    return [Message(texts.UNBOUND.format(letter=esc(overview.short_title), office=office))]


def join(turn: Turn, code: str) -> Replies:
    if not turn.event.private:
        return [Message(texts.JOIN_IN_PRIVATE)]
    event = turn.event
    joined = redeem(turn.ctx.db, turn.ctx.clock, code, event.user_id, event.user_name)
    log.info("user %s joined %s as %s", event.user_id, joined.department, joined.role)
    return [
        RoleChanged(joined.role),
        Message(
            texts.JOINED.format(department=esc(joined.department), role=texts.ROLE_NAMES.get(joined.role, joined.role))
        ),
    ]


async def help_command(turn: Turn) -> Replies:
    text = HELP.get(turn.who.role, texts.HELP_UNBOUND).format(office=turn.office)
    if turn.who.bound and getattr(turn.channel, "typed_commands", False):  # no menus: say what may be typed
        text += texts.HELP_WORDS + (texts.HELP_WORDS_ADMIN if turn.who.is_admin else "")
    return [Message(text)]


async def invite(turn: Turn) -> Replies:
    if not turn.args:
        usage = texts.INVITE_USAGE if turn.who.is_admin else texts.DENIED["admin_only"]
        return [Message(usage.format(office=turn.office))]
    role = turn.args[1].lower() if len(turn.args) > 1 else "contact"
    made = create_invite(turn.ctx.db, turn.ctx.clock, turn.who, turn.args[0], role)
    link = turn.channel.join_link(made.code)
    template = texts.INVITE_MADE if link else texts.INVITE_MADE_NO_LINK
    return [
        Message(
            template.format(
                code=made.code,
                department=esc(made.department),
                role=texts.ROLE_NAMES[made.role],
                days=INVITE_DAYS,
                link=esc(link or ""),
            )
        )
    ]


async def bindgroup(turn: Turn) -> Replies:
    event = turn.event
    department = bind_group(turn.ctx.db, turn.ctx.clock, turn.who, event.chat_id, event.chat_title)
    return [Message(texts.GROUP_BOUND.format(department=esc(department)))]


def routes(r: Routes) -> None:
    r.command("start", start)
    r.command("help", help_command)
    r.command("invite", invite)
    r.command("bindgroup", bindgroup)
