"""Joining: single-use invites (邀请码) made by admins, redeemed with /start CODE; group chat binding."""

from __future__ import annotations

import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from services import accounts, audit
from services.access import CONTACT, VIEWER, Denied, Identity, require_admin
from services.tasks import find_department
from storage.db import Database
from storage.models import AuditEntry, Contact, Invite

log = logging.getLogger("duban.onboarding")
INVITE_DAYS = 7
GUESSES = 5  # wrong invite codes a person may send within GUESS_WINDOW before they are refused unread
GUESS_WINDOW = timedelta(minutes=15)
WRONG_CODE = ("invite_unknown", "invite_used", "invite_expired")
# No 0/O, 1/I/L: codes are read aloud and typed on phones.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class InviteMade:
    code: str
    department: str
    role: str


def create_invite(db: Database, clock: Clock, identity: Identity, department: str, role: str = CONTACT) -> InviteMade:
    require_admin(identity)
    with db.session() as session:
        invite = _create_invite(session, clock, identity, department, role)
        return InviteMade(invite.code, invite.department.name, invite.role)


def _create_invite(session: Session, clock: Clock, identity: Identity, department: str, role: str) -> Invite:
    if role not in (CONTACT, VIEWER):
        raise Denied("bad_role", role=role)
    dep = find_department(session, department)
    now = clock.now()
    invite = Invite(
        code=new_code(),
        department_id=dep.id,
        role=role,
        created_by=identity.user_id,
        created_at=now,
        expires_at=now + timedelta(days=INVITE_DAYS),
    )
    session.add(invite)
    session.flush()
    audit.record(
        session,
        clock,
        identity.actor,
        "invite.create",
        "invite",
        invite.id,
        None,
        {"department": dep.name, "role": role, "expires_at": invite.expires_at.isoformat()},
    )
    return invite


class InviteGuessing(Denied):
    """Too many wrong invite codes from one person: refused unread for `minutes` more. `tell_office`: this
    attempt reached the limit and the office has not heard of this person's guessing today."""

    def __init__(self, failures: int, minutes: int, tell_office: bool = False):
        super().__init__("invite_throttled", minutes=str(minutes))
        self.failures, self.minutes, self.tell_office = failures, minutes, tell_office


@dataclass(frozen=True)
class Joined:
    department: str
    role: str


def redeem(db: Database, clock: Clock, code: str, user_id: int, display_name: str | None) -> Joined:
    """Bind the user with the invite's department and role; an invite works once, for 7 days.

    A person serves one department: a code for another department than theirs is refused (and stays
    unused), never half-applied. Wrong codes are counted per person (audit rows `invite.failed`): after
    `GUESSES` of them within `GUESS_WINDOW`, further tries are refused unread until the oldest has left the
    window (InviteGuessing), so a guesser gets at most `GUESSES` codes read per window."""
    with db.session() as session:
        failures = _recent_failures(session, clock, user_id)
        if len(failures) >= GUESSES:
            log.info(
                "invite attempt by user %s refused unread: %d wrong codes within %s",
                user_id,
                len(failures),
                GUESS_WINDOW,
            )
            raise InviteGuessing(len(failures), _minutes_left(clock, failures))
    try:
        with db.session() as session:
            return _redeem(session, clock, code, user_id, display_name)
    except Denied as exc:
        if exc.reason not in WRONG_CODE:
            raise
        with db.session() as session:  # committed before the refusal is raised
            refusal = _wrong_code(session, clock, code, user_id, display_name, exc)
        raise refusal from None


def _wrong_code(session: Session, clock: Clock, code: str, user_id: int, name: str | None, exc: Denied) -> Denied:
    """An audit row per wrong code (its own transaction: the refusal rolled the other back), and the refusal
    to answer: at the limit it says for how long, the log has a WARNING, the office is told once a day."""
    actor = accounts.actor(session, user_id)
    details = {"reason": exc.reason, "code": code.strip()[:16], "name": (name or "")[:64]}
    audit.record(session, clock, actor, "invite.failed", "user", user_id, None, details)
    session.flush()
    failures = _recent_failures(session, clock, user_id)
    log.info("wrong invite code from user %s (%s): %d within %s", user_id, exc.reason, len(failures), GUESS_WINDOW)
    if len(failures) < GUESSES:
        return exc
    told = _office_told_today(session, clock, user_id)
    log.warning(
        "user %s (%s) sent %d wrong invite codes within %s: further tries refused unread%s",
        user_id,
        name,
        len(failures),
        GUESS_WINDOW,
        "" if told else "; the office is told",
    )
    if not told:
        audit.record(session, clock, actor, "invite.throttled", "user", user_id, None, {"failures": len(failures)})
    return InviteGuessing(len(failures), _minutes_left(clock, failures), tell_office=not told)


def _recent_failures(session: Session, clock: Clock, user_id: int) -> list[datetime]:
    """When this person's wrong codes within the window were sent, oldest first."""
    return list(
        session.scalars(
            select(AuditEntry.at)
            .where(
                AuditEntry.action == "invite.failed",
                AuditEntry.entity == "user",
                AuditEntry.entity_id == str(user_id),
                AuditEntry.at > clock.now() - GUESS_WINDOW,
            )
            .order_by(AuditEntry.at)
        )
    )


def _minutes_left(clock: Clock, failures: list[datetime]) -> int:
    """Until enough failures have left the window for one more try (whole minutes, at least one)."""
    frees = failures[len(failures) - GUESSES] + GUESS_WINDOW  # then fewer than GUESSES remain
    return max(1, math.ceil((frees - clock.now()).total_seconds() / 60))


def _office_told_today(session: Session, clock: Clock, user_id: int) -> bool:
    since = clock.now() - timedelta(days=1)
    found = session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.action == "invite.throttled",
            AuditEntry.entity == "user",
            AuditEntry.entity_id == str(user_id),
            AuditEntry.at > since,
        )
        .limit(1)
    )
    return found is not None


def _refuse_other_department(user_id: int, current: Contact, invite: Invite) -> Denied:
    log.warning(
        "user %s, %s of department %s, offered a code for department %s: refused, the code stays unused",
        user_id,
        current.role,
        current.department_id,
        invite.department_id,
    )
    return Denied(
        "invite_other_department",
        current=current.department.name if current.department else "",
        department=invite.department.name,
        code=invite.code,
        invite_id=invite.id,
    )


def _redeem(session: Session, clock: Clock, code: str, user_id: int, display_name: str | None) -> Joined:
    invite = session.scalar(select(Invite).where(Invite.code == code.strip().upper()))
    now = clock.now()
    if invite is None:
        raise Denied("invite_unknown")
    if invite.used_at is not None:
        raise Denied("invite_used")
    if invite.expires_at <= now:
        raise Denied("invite_expired")
    bound = list(
        session.scalars(select(Contact).where(Contact.user_id == user_id, Contact.kind == "user").order_by(Contact.id))
    )
    same = [c for c in bound if c.department_id == invite.department_id]
    # One person, one department: every view and report agrees on which (the first binding; a second one
    # from before is the acting one only through the office's move, never by a code the person sends).
    if bound and (not same or same[0] is not bound[0]):
        raise _refuse_other_department(user_id, bound[0], invite)
    existing = same[0] if same else None
    if existing is None:
        existing = Contact(
            department_id=invite.department_id,
            chat_id=user_id,
            user_id=user_id,
            kind="user",
            role=invite.role,
            display_name=display_name,
            reachable=True,
            created_at=now,
        )
        session.add(existing)
    else:  # joining again (e.g. after blocking the bot): reachable again, role from the new invite
        existing.role, existing.reachable, existing.unreachable_reason = invite.role, True, None
    invite.used_by, invite.used_at = user_id, now
    session.flush()
    audit.record(
        session,
        clock,
        accounts.actor(session, user_id),
        "contact.bind",
        "contact",
        existing.id,
        None,
        {"department": invite.department.name, "role": invite.role, "invite": invite.code},
    )
    return Joined(invite.department.name, invite.role)


@dataclass(frozen=True)
class Moved:
    chat_id: int
    name: str | None
    before: str
    department: str
    role: str


def move_contact(db: Database, clock: Clock, identity: Identity, invite_id: int, user_id: int) -> Moved:
    """The office's answer to a refused second code (the button on its notice): the person serves the
    invite's department from now on. Their binding moves (one row, never two), the invite is used, and
    reminders follow the binding from the next run (the ledger plans by each contact's department)."""
    require_admin(identity)
    with db.session() as session:
        invite = session.get(Invite, invite_id)
        if invite is None or invite.used_at is not None or invite.expires_at <= clock.now():
            raise Denied("move_stale")
        bound = list(
            session.scalars(
                select(Contact).where(Contact.user_id == user_id, Contact.kind == "user").order_by(Contact.id)
            )
        )
        if not bound:
            raise Denied("move_stale")
        contact = bound[0]  # the acting binding
        before = {"department": contact.department.name if contact.department else "", "role": contact.role}
        old, old_role = contact.department_id, contact.role
        swapped = [c for c in bound[1:] if c.department_id == invite.department_id]
        for other in swapped:  # bound there too from before: the two swap, one row per department stays
            other.department_id = None  # (chat, department) is unique: out of the way first
        session.flush()
        contact.department_id, contact.role = invite.department_id, invite.role
        session.flush()
        for other in swapped:
            other.department_id, other.role = old, old_role
        contact.reachable, contact.unreachable_reason = True, None
        invite.used_by, invite.used_at = user_id, clock.now()
        session.flush()
        after = {"department": invite.department.name, "role": invite.role, "invite": invite.code}
        audit.record(session, clock, identity.actor, "contact.move", "contact", contact.id, before, after)
        log.info(
            "user %s moved from %s to %s by %s", user_id, before["department"], after["department"], identity.actor
        )
        return Moved(contact.chat_id, contact.display_name, before["department"], invite.department.name, invite.role)


def bind_group(db: Database, clock: Clock, identity: Identity, chat_id: int, title: str | None) -> str:
    """A department contact binds the group chat they are in: reminders then also go there."""
    with db.session() as session:
        return _bind_group(session, clock, identity, chat_id, title)


def _bind_group(session: Session, clock: Clock, identity: Identity, chat_id: int, title: str | None) -> str:
    if identity.role != CONTACT or identity.department_id is None or identity.department_name is None:
        raise Denied("bindgroup_contact_only")
    if chat_id >= 0:
        raise Denied("bindgroup_in_group")
    existing = session.scalar(
        select(Contact).where(Contact.chat_id == chat_id, Contact.department_id == identity.department_id)
    )
    if existing is not None:
        existing.reachable, existing.unreachable_reason = True, None
        return identity.department_name
    contact = Contact(
        department_id=identity.department_id,
        chat_id=chat_id,
        user_id=None,
        kind="group",
        role=CONTACT,
        display_name=title,
        reachable=True,
        created_at=clock.now(),
    )
    session.add(contact)
    session.flush()
    audit.record(
        session,
        clock,
        identity.actor,
        "group.bind",
        "contact",
        contact.id,
        None,
        {"department": identity.department_name, "chat_id": chat_id, "title": title},
    )
    return identity.department_name
