"""/start (with or without an invite code), /help, /invite and /bindgroup: joining and finding one's way."""

from __future__ import annotations

import logging

from handlers import texts
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.markup import esc
from handlers.notify import notify_office, send_each
from handlers.replies import ClearButtons, Message, Replies, RoleChanged, Toast, keyboard
from services.access import Denied, Identity
from services.onboarding import (
    GUESS_WINDOW,
    INVITE_DAYS,
    InviteGuessing,
    bind_group,
    create_invite,
    move_contact,
    redeem,
)
from services.overview import letter_overview

log = logging.getLogger("duban.handlers.start")
HELP = {"admin": texts.HELP_ADMIN, "contact": texts.HELP_CONTACT, "viewer": texts.HELP_VIEWER}


def bound_twice_note(who: Identity, office: str) -> str:
    """For a person bound to two departments from before one person served one: which one they act for."""
    if not who.also_bound:
        return ""
    others = esc("、".join(who.also_bound))
    return "\n\n" + texts.BOUND_TWICE_NOTE.format(others=others, current=esc(who.department_name), office=office)


async def start(turn: Turn) -> Replies:
    if turn.args:
        return await join(turn, turn.args[0])
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
                + bound_twice_note(who, office)
            )
        ]
    return [Message(texts.UNBOUND.format(letter=esc(overview.short_title), office=office))]


async def join(turn: Turn, code: str) -> Replies:
    if not turn.event.private:
        return [Message(texts.JOIN_IN_PRIVATE)]
    event = turn.event
    try:
        joined = redeem(turn.ctx.db, turn.ctx.clock, code, event.user_id, event.user_name)
    except InviteGuessing as exc:
        if exc.tell_office:  # once, when the limit is reached; the refusal itself is answered by the dispatcher
            name = esc(event.user_name or "未知用户")
            window = int(GUESS_WINDOW.total_seconds() // 60)
            text = texts.INVITE_GUESSING.format(name=name, user=event.user_id, minutes=window, n=exc.failures)
            await notify_office(turn.ctx, Message(text))
        raise
    except Denied as exc:
        if exc.reason == "invite_other_department":  # the office's code reached someone else's contact
            await notify_office(turn.ctx, _refused_for_office(turn, exc))
        raise
    log.info("user %s joined %s as %s", event.user_id, joined.department, joined.role)
    return [
        RoleChanged(joined.role),
        Message(
            texts.JOINED.format(department=esc(joined.department), role=texts.ROLE_NAMES.get(joined.role, joined.role))
        ),
    ]


def _refused_for_office(turn: Turn, exc: Denied) -> Message:
    """The office hears of a second department's code, with the one way to move the person there."""
    d = {k: esc(v) for k, v in exc.details.items()}
    user = turn.event.user_id
    text = texts.INVITE_REFUSED_OFFICE.format(name=esc(turn.event.user_name or "未知用户"), user=user, **d)
    move = (texts.MOVE_BUTTON.format(department=exc.details["department"]), f"mv:{exc.details['invite_id']}.{user}")
    return Message(text, keyboard([move]))


async def move_button(turn: Turn) -> Replies:
    """The office's 改为…: the refused person serves the code's department from now on, and is told."""
    invite_id, _, user = (turn.event.payload or "").partition(":")[2].partition(".")
    if not invite_id.isdigit() or not user.lstrip("-").isdigit():
        return [Toast(texts.BUTTON_EXPIRED)]
    moved = move_contact(turn.ctx.db, turn.ctx.clock, turn.who, int(invite_id), int(user))
    role = texts.ROLE_NAMES.get(moved.role, moved.role)
    said = {"department": esc(moved.department), "before": esc(moved.before), "role": role}
    await send_each(turn.ctx, [moved.chat_id], Message(texts.MOVED_PERSON.format(office=turn.office, **said)))
    name = esc(moved.name or user)
    return [Toast(""), ClearButtons(), Message(texts.MOVED_OFFICE.format(name=name, user=user, **said))]


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
    r.buttons["mv"] = move_button
