"""Who is writing, and what they may do. Admins come from DUBAN_ADMINS; everyone else from a binding."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from services import accounts
from services.letter_file import DEFAULT_OFFICE
from storage.db import Database
from storage.models import Contact, Conversation, Department, Letter, Task, task_departments

ADMIN, CONTACT, VIEWER, NONE = "admin", "contact", "viewer", "none"


class Denied(Exception):
    """The identity may not do this; `reason` is a key the handler turns into a short Chinese answer."""

    def __init__(self, reason: str, **details):
        super().__init__(reason)
        self.reason, self.details = reason, details


@dataclass(frozen=True)
class Identity:
    user_id: int
    chat_id: int
    role: str
    department_id: int | None = None
    department_name: str | None = None
    contact_id: int | None = None
    flow: str | None = None  # the kind of multi-step exchange in progress in this chat (report, task_edit...)
    account: str | None = None  # "dingtalk:USERID" for a person on a channel of string ids
    # Departments a person is also bound to from before one person served one department (rows that exist):
    # they act for their first binding only, and every refusal and /tasks says so (never half-bound).
    also_bound: tuple[str, ...] = ()

    @property
    def actor(self) -> str:
        """Who did it, as the audit log names people: "tg:123456", or "dingtalk:USERID"."""
        return self.account or f"tg:{self.user_id}"

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def reads_everything(self) -> bool:
        return self.role in (ADMIN, VIEWER)

    @property
    def bound(self) -> bool:
        return self.role != NONE


@dataclass(frozen=True)
class Situation:
    """Who wrote, and the names the bot speaks with: resolved once per incoming event."""

    who: Identity
    office: str


# Built once: every event asks it, and a statement built anew is most of the cost of so small a query.
_FLOW_AND_OFFICE = select(
    select(Conversation.kind)
    .where(Conversation.chat_id == bindparam("chat_id"), Conversation.user_id == bindparam("user_id"))
    .scalar_subquery(),
    select(Letter.office).order_by(Letter.year.desc(), Letter.id.desc()).limit(1).scalar_subquery(),
)


def situation(db: Database, admins: frozenset[int], user_id: int, chat_id: int) -> Situation:
    """One short transaction per event: the person's role, any exchange in progress, the office's name (the
    exchange and the name in one query: every event asks them)."""
    with db.session() as session:
        who = identify(session, admins, user_id, chat_id)
        flow, office = session.execute(_FLOW_AND_OFFICE, {"chat_id": chat_id, "user_id": user_id}).one()
    return Situation(replace(who, flow=flow), office or DEFAULT_OFFICE)


_BINDINGS = (  # a person's own bindings, with their departments' names: built once, every event asks it
    select(Contact, Department.name)
    .join(Department, Department.id == Contact.department_id, isouter=True)
    .where(Contact.user_id == bindparam("user_id"), Contact.kind == "user")
    .order_by(Contact.id)
)


def identify(session: Session, admins: frozenset[int], user_id: int, chat_id: int) -> Identity:
    """A person is an admin, or the contact/viewer their own (private) binding says; else unbound.

    In a group chat bound to a department, a member who is not bound personally acts for that department
    only if they are its contact; the group binding itself is for reminders.
    """
    account = accounts.actor(session, user_id) if accounts.is_account_number(user_id) else None
    if user_id in admins:
        return Identity(user_id, chat_id, ADMIN, account=account)
    rows = session.execute(_BINDINGS, {"user_id": user_id}).all()
    if not rows:
        return Identity(user_id, chat_id, NONE, account=account)
    contact, name = rows[0]
    also = tuple(dict.fromkeys(n for c, n in rows[1:] if n and c.department_id != contact.department_id))
    return Identity(
        user_id, chat_id, contact.role, contact.department_id, name, contact.id, account=account, also_bound=also
    )


def require_admin(identity: Identity) -> None:
    if not identity.is_admin:
        raise Denied("admin_only")


def require_bound(identity: Identity) -> None:
    if not identity.bound:
        raise Denied("unbound")


def require_reporter(identity: Identity) -> None:
    """Reports come from department contacts (and the office); viewers read only."""
    require_bound(identity)
    if identity.role == VIEWER:
        raise Denied("viewers_read_only")


def task_in_department(session: Session, task: Task, department_id: int | None) -> bool:
    return (
        department_id is not None
        and session.scalar(
            select(task_departments.c.task_id).where(
                task_departments.c.task_id == task.id,
                task_departments.c.department_id == department_id,
                task_departments.c.role == "responsible",
            )
        )
        is not None
    )


def require_task_access(session: Session, identity: Identity, task: Task, write: bool = False) -> None:
    """Admins and viewers read every task; a contact reads and reports only on their department's tasks."""
    if identity.role == VIEWER and write:
        raise Denied("viewers_read_only")
    if identity.is_admin or identity.role == VIEWER:
        return
    if identity.role == CONTACT and task_in_department(session, task, identity.department_id):
        return
    require_bound(identity)
    elsewhere = [name for name in identity.also_bound if name in _responsible_names(session, task)]
    if elsewhere:  # bound there too from before: say which department this person acts for, and why
        raise Denied("bound_twice", code=task.code, current=identity.department_name or "", other=elsewhere[0])
    raise Denied("not_your_task", code=task.code)


def _responsible_names(session: Session, task: Task) -> set[str]:
    return set(
        session.scalars(
            select(Department.name)
            .join(task_departments, task_departments.c.department_id == Department.id)
            .where(task_departments.c.task_id == task.id, task_departments.c.role == "responsible")
        )
    )
