"""Who the local console (`duban console`) speaks as, and which chats it should know about.

Console users get ids no real Telegram user can have (Telegram user ids fit in 52 bits), so a console
binding never collides with a person. Each department gets its own console id: a binding stays in the
database (reports made in the console keep pointing at it), and a plain `duban console` afterwards is
still unbound, because it speaks as a different id.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from services import audit
from services.tasks import find_department
from storage.db import Database
from storage.models import Contact, Department

CONSOLE_USER_BASE = 2**52  # one more than the largest id Telegram can give a user
CONSOLE_DISPLAY_NAME = "本地控制台"
CONTACT = "contact"  # the role services.access reads for a department's contact


def console_user_id(department_id: int | None = None) -> int:
    """The unbound (or admin) console user, or the one bound to `department_id`."""
    return CONSOLE_USER_BASE if department_id is None else CONSOLE_USER_BASE + department_id


@dataclass(frozen=True)
class ConsoleBinding:
    user_id: int
    department: str
    contact_id: int
    created: bool  # False when an earlier console run had already bound it


def bind_console_contact(session: Session, clock: Clock, department: str) -> ConsoleBinding:
    """Bind the department's console user as its contact; idempotent. Raises UnknownDepartment."""
    dep = find_department(session, department)
    user_id = console_user_id(dep.id)
    contact = session.scalar(
        select(Contact).where(Contact.user_id == user_id, Contact.kind == "user", Contact.department_id == dep.id)
    )
    if contact is not None:
        if contact.role == CONTACT:
            return ConsoleBinding(user_id, dep.name, contact.id, created=False)
        before = {"role": contact.role}
        contact.role = CONTACT
        audit.record(
            session,
            clock,
            "console",
            "contact.bind",
            "contact",
            contact.id,
            before,
            {"role": CONTACT, "department": dep.name, "via": "console"},
        )
        return ConsoleBinding(user_id, dep.name, contact.id, created=False)
    contact = Contact(
        department_id=dep.id,
        chat_id=user_id,
        user_id=user_id,
        kind="user",
        role=CONTACT,
        display_name=CONSOLE_DISPLAY_NAME,
        reachable=True,
        created_at=clock.now(),
    )
    session.add(contact)
    session.flush()
    audit.record(
        session,
        clock,
        "console",
        "contact.bind",
        "contact",
        contact.id,
        None,
        {"department": dep.name, "role": CONTACT, "chat_id": user_id, "via": "console"},
    )
    return ConsoleBinding(user_id, dep.name, contact.id, created=True)


def bind_console(db: Database, clock: Clock, department: str) -> ConsoleBinding:
    """`bind_console_contact` in a transaction of its own (for the console channel, which holds no session)."""
    with db.session() as session:
        return bind_console_contact(session, clock, department)


@dataclass(frozen=True)
class KnownChat:
    chat_id: int
    kind: str  # user | group
    label: str  # how the console names it: "发改局 张三"


def known_chats(session: Session) -> list[KnownChat]:
    """Every bound chat, so that what the bot sends them in the console is shown under a name."""
    rows = session.execute(
        select(Contact.chat_id, Contact.kind, Contact.display_name, Department.name)
        .join(Department, Department.id == Contact.department_id, isouter=True)
        .order_by(Contact.id)
    )
    chats: dict[int, KnownChat] = {}
    for chat_id, kind, display_name, department in rows:
        label = " ".join(part for part in (department, display_name) if part) or str(chat_id)
        chats.setdefault(chat_id, KnownChat(chat_id, kind, label))
    return list(chats.values())


def chat_labels(db: Database) -> dict[int, str]:
    """`known_chats` as chat id -> label, in a transaction of its own."""
    with db.session() as session:
        return {chat.chat_id: chat.label for chat in known_chats(session)}
