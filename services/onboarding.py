"""Joining: single-use invites (邀请码) made by admins, redeemed with /start CODE; group chat binding."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from services import accounts, audit
from services.access import CONTACT, VIEWER, Denied, Identity, require_admin
from services.tasks import find_department
from storage.db import Database
from storage.models import Contact, Invite

INVITE_DAYS = 7
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


@dataclass(frozen=True)
class Joined:
    department: str
    role: str


def redeem(db: Database, clock: Clock, code: str, user_id: int, display_name: str | None) -> Joined:
    """Bind the user with the invite's department and role; an invite works once, for 7 days."""
    with db.session() as session:
        return _redeem(session, clock, code, user_id, display_name)


def _redeem(session: Session, clock: Clock, code: str, user_id: int, display_name: str | None) -> Joined:
    invite = session.scalar(select(Invite).where(Invite.code == code.strip().upper()))
    now = clock.now()
    if invite is None:
        raise Denied("invite_unknown")
    if invite.used_at is not None:
        raise Denied("invite_used")
    if invite.expires_at <= now:
        raise Denied("invite_expired")
    existing = session.scalar(
        select(Contact).where(
            Contact.user_id == user_id, Contact.kind == "user", Contact.department_id == invite.department_id
        )
    )
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
