"""The tables. Names from the domain; the Chinese term once where it helps.

Nothing here is ever deleted by the letter loader: a task or deadline that leaves the letter is
marked inactive, so reports and history stay attached.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


# Departments on a work line: the Shengzhou department responsible (责任部门) and the Shaoxing-level
# department that recognizes the work (认定部门) share one link table, told apart by `role`.
task_departments = Table(
    "task_departments",
    Base.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), primary_key=True),  # "responsible" | "recognizing"
    Column("position", Integer, nullable=False, default=0),  # the letter's order
)


class Letter(Base):
    """A target-responsibility letter (工作责任书) for one year."""

    __tablename__ = "letters"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    document_no: Mapped[str | None] = mapped_column(String(128))
    issued_on: Mapped[date | None]
    issuer: Mapped[str | None] = mapped_column(Text)
    goals: Mapped[str | None] = mapped_column(Text)
    office: Mapped[str | None] = mapped_column(String(64))  # the coordinating office's short name: 美丽办
    county: Mapped[str | None] = mapped_column(String(64))  # 嵊州市
    source_digest: Mapped[str] = mapped_column(String(64))  # sha256 of the loaded file
    loaded_at: Mapped[datetime]

    items: Mapped[list[Item]] = relationship(back_populates="letter", order_by="Item.no")


class Item(Base):
    """A work item (工作任务), 1..33 in the 2022 letter, inside one of the seven sections."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("letter_id", "no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"))
    no: Mapped[int]
    section_no: Mapped[int]
    section_title: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)

    letter: Mapped[Letter] = relationship(back_populates="items")
    tasks: Mapped[list[Task]] = relationship(back_populates="item", order_by="Task.position")


class Department(Base):
    """A department: `level` "county" for the responsible side, "city" for the recognizing side."""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("name", "level"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))
    aliases: Mapped[list[Any]] = mapped_column(default=list)


class Task(Base):
    """A work line (工作内容): what one or more departments must do, with targets and deadlines."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("letter_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    code: Mapped[str] = mapped_column(String(32))  # "14.2": stable across reloads
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    targets: Mapped[list[Any]] = mapped_column(default=list)
    rubric_ids: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16), default="letter")  # letter | office
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False once it left the letter
    closed: Mapped[bool] = mapped_column(Boolean, default=False)

    item: Mapped[Item] = relationship(back_populates="tasks")
    deadlines: Mapped[list[Deadline]] = relationship(back_populates="task", order_by="Deadline.position")
    departments: Mapped[list[Department]] = relationship(
        secondary=task_departments,
        primaryjoin=lambda: (Task.id == task_departments.c.task_id) & (task_departments.c.role == "responsible"),
        order_by=lambda: task_departments.c.position,
        viewonly=True,
    )
    recognized_by: Mapped[list[Department]] = relationship(
        secondary=task_departments,
        primaryjoin=lambda: (Task.id == task_departments.c.task_id) & (task_departments.c.role == "recognizing"),
        order_by=lambda: task_departments.c.position,
        viewonly=True,
    )


class Deadline(Base):
    """When a task is due, as stated (`spec`, see deadlines/specs.py). `key` is unique per task."""

    __tablename__ = "deadlines"
    __table_args__ = (UniqueConstraint("task_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    key: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))
    spec: Mapped[dict[str, Any]]
    phrase: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16), default="letter")  # letter | event | office
    # A follow-up opened by an event (e.g. ten working days after a verified report) points back here.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("deadlines.id"))
    triggered_by_report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    task: Mapped[Task] = relationship(back_populates="deadlines")


class Contact(Base):
    """A Telegram user or group chat bound to a department, with a role (admin, contact, viewer)."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("chat_id", "department_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)  # user id for a private chat, negative for groups
    user_id: Mapped[int | None] = mapped_column(BigInteger)  # the person, None for a group chat
    kind: Mapped[str] = mapped_column(String(16))  # user | group
    role: Mapped[str] = mapped_column(String(16))  # admin | contact | viewer
    display_name: Mapped[str | None] = mapped_column(String(255))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    department: Mapped[Department | None] = relationship()


class Report(Base):
    """A completion or progress report (上报) on a task, and its verification."""

    __tablename__ = "reports"
    __table_args__ = (
        # What answers each occurrence (services/occurrences.py) is read from this index alone.
        Index("ix_reports_task_kind_status", "task_id", "kind", "status", "occurrence_due", "submitted_at"),
        Index("ix_reports_status_submitted_at", "status", "submitted_at"),  # /pending, oldest first
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    kind: Mapped[str] = mapped_column(String(16))  # completion | progress
    # What was achieved against the task's quantitative targets: [{name, value, unit, target, rubric}]
    measures: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(default=list)  # [{file_id, file_unique_id, kind, name, path}]
    # draft (being written in the chat) | submitted | verified | rejected | withdrawn | discarded
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    # For a recurring deadline: the due date of the occurrence this report answers.
    occurrence_due: Mapped[date | None] = mapped_column(Date)
    submitted_by: Mapped[int | None] = mapped_column(BigInteger)  # Telegram user id
    submitted_at: Mapped[datetime]
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)

    task: Mapped[Task] = relationship()


class AuditEntry(Base):
    """Every change, with who and when: the office's answer to "who changed this?"."""

    __tablename__ = "audit_log"
    # What /history and the invitation throttle ask: one task's or one person's rows (migration 0011).
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))  # "cli", "loader", "tg:123456"
    action: Mapped[str] = mapped_column(String(64))  # "task.update", "report.verify", ...
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Delivery(Base):
    """One message (possibly split in parts) to one chat in one run: reminders, catch-up, escalation, digest.

    `key` is unique, so a digest or a run's message can be sent at most once even with two schedulers.
    """

    __tablename__ = "deliveries"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # reminder | catch_up | escalation | digest | notice
    chat_id: Mapped[int] = mapped_column(BigInteger)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    run_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="sending")  # sending|sent|failed|uncertain
    parts: Mapped[int] = mapped_column(default=0)
    message_ids: Mapped[list[Any]] = mapped_column(default=list)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    receipt: Mapped[str | None] = mapped_column(String(128))  # the channel's handle for asking who read it


# The reminder kinds that are repeated when not acknowledged, as SQL: the partial index below and the query
# that uses it must say it in the same words (SQLite matches a partial index's condition by its text).
REPEATABLE_KINDS = "kind IN ('lead', 'due', 'repeat')"


class Reminder(Base):
    """The reminder ledger: one row per planned reminder (deadline occurrence, stage, recipient). The overdue
    ones are planned a list per recipient and day (OverdueList) and written here when that list is sent.

    `key` is unique: a reminder is sent at most once, whatever restarts or second schedulers do.
    Status: planned -> sending -> sent; collapsed (folded into a catch-up message), superseded (the task
    was reported first), failed (Telegram refused; `error` says why), uncertain (the send timed out after
    Telegram may have accepted it: never resent, so never duplicated, and shown to the office).
    """

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_status_send_on", "status", "send_on"),
        # What the daily pass repeats: the few lead/due/repeat rows sent lately, found without walking the
        # millions of sent rows a year leaves (services/reminder_ledger.plan_repeats; migration 0009).
        Index(
            "ix_reminders_repeatable_sent_at",
            "sent_at",
            sqlite_where=text(REPEATABLE_KINDS),
            postgresql_where=text(REPEATABLE_KINDS),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # lead | due | overdue | escalation | repeat
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"))
    due_date: Mapped[date]
    lead: Mapped[int]  # working days before the due day; 0 on it; -k on the k-th working day overdue
    send_on: Mapped[date]
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(BigInteger)
    snoozed_until: Mapped[date | None]
    read_at: Mapped[datetime | None]  # when the recipient read it, where the channel reports reading

    task: Mapped[Task] = relationship()
    deadline: Mapped[Deadline] = relationship()


class OverdueList(Base):
    """A day's overdue reminder to one recipient for one letter: every occurrence overdue for it that day,
    planned as this one row and written out into the ledger (`reminders`, one row per line, as each stage
    of an occurrence is) when it is sent, from the occurrences then still open.

    `key` is unique (L{letter}|{day}|{recipient tag}): planned at most once. Status: planned -> written
    (its lines are in `reminders`; `lines` says how many), or superseded (not sent; `note` says why).
    `counted`: the occurrences it listed when planned, for the ledger's own account of a planning pass.
    """

    __tablename__ = "overdue_lists"
    __table_args__ = (Index("ix_overdue_lists_status_send_on", "status", "send_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"))
    send_on: Mapped[date]
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    counted: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="planned")
    lines: Mapped[int | None]
    created_at: Mapped[datetime]
    written_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


class Invite(Base):
    """A single-use invitation (邀请码) made by an admin: binds whoever redeems it to a department."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    role: Mapped[str] = mapped_column(String(16))  # contact | viewer
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    used_at: Mapped[datetime | None]

    department: Mapped[Department] = relationship()


class Fact(Base):
    """A scoring fact (see docs/facts-format.md) for one rubric sub-item, and where it came from.

    Facts are added, never edited: the latest active row per field wins, and a withdrawn or rejected
    report's facts are deactivated, so every score can say which report or which admin produced it.
    """

    __tablename__ = "facts"
    __table_args__ = (Index("ix_facts_letter_active", "letter_id", "active"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"))
    subitem_id: Mapped[str] = mapped_column(String(32))
    values: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(String(16))  # report | office
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Conversation(Base):
    """Where a multi-step chat exchange stands (a report being written, a reason being asked for).

    Kept in the database, not in process memory, so it survives restarts and works with several replicas.
    """

    __tablename__ = "conversations"
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class SchedulerState(Base):
    """Small named values the scheduler keeps between runs (e.g. the last day it planned)."""

    __tablename__ = "scheduler_state"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class SchedulerLease(Base):
    """Which bot process runs the reminder scheduler (scheduler/leadership.py): one row per lease.

    A process holds the lease until `expires_at` and renews it well before; another takes it over only
    once it has expired, so at most one process sends reminders at a time.
    """

    __tablename__ = "scheduler_leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))  # a BotProcess id
    acquired_at: Mapped[datetime]
    renewed_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class BotProcess(Base):
    """A bot process running the scheduler or standing by for it, as it last reported (`duban doctor`)."""

    __tablename__ = "bot_processes"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)  # host:pid:random, new on every start
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    mode: Mapped[str] = mapped_column(String(16))  # polling | webhook
    role: Mapped[str] = mapped_column(String(16))  # scheduler | standby
    note: Mapped[str | None] = mapped_column(Text)  # why it stands by
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]


class TypedChoices(Base):
    """The buttons of the latest message to a chat on a channel without buttons, offered as choices the
    person types ("回复 1 确认上报"): what each number or word stands for (handlers/choices.py)."""

    __tablename__ = "typed_choices"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    choices: Mapped[list[Any]] = mapped_column(default=list)  # [[label, payload], ...] in the order shown
    numbered: Mapped[bool] = mapped_column(Boolean, default=True)  # False: only the words select
    updated_at: Mapped[datetime]


class ChannelAccount(Base):
    """A person or a group on a channel whose own ids are not numbers (DingTalk's userId, a group's
    openConversationId): the number duban knows it by everywhere else (contacts, conversations, the
    reminder ledger). Users are BASE + id, groups -(BASE + id): past any Telegram id and the console's."""

    __tablename__ = "channel_accounts"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # dingtalk
    external_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(8))  # user | group
    name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]


class Notice(Base):
    """A supervision notice (督办单) about one task, sent to its responsible departments. Numbered
    督办〔year〕第serial号: the serial is unique within the year it was issued (the constraint, not a counter,
    keeps two offices issuing at once from sharing a number)."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("year", "serial"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    year: Mapped[int]
    serial: Mapped[int]
    departments: Mapped[list[Any]] = mapped_column(default=list)  # the responsible departments' names at issue
    due: Mapped[date | None] = mapped_column(Date)  # the deadline that decided the task's colour at issue
    overdue_workdays: Mapped[int] = mapped_column(default=0)
    reply_by: Mapped[date] = mapped_column(Date)  # 办结时限
    requirement: Mapped[str | None] = mapped_column(Text)  # the office's own words, beyond the standard ones
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(64))  # "tg:123456", "cli"


class NoticeRecipient(Base):
    """One chat a notice was sent to (a department's contact or group), and who pressed its 收到."""

    __tablename__ = "notice_recipients"
    __table_args__ = (UniqueConstraint("notice_id", "chat_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="planned")  # planned | sent | blocked | failed | uncertain
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(BigInteger)


class ChangeStamp(Base):
    """A value the database changes whenever the letter's data changes (tasks, deadlines, departments,
    reports, facts), set by triggers (migration 0008): a process may keep what it computed from that data
    while the stamp stays the same, whoever writes. A random value, so a rolled-back change is never
    mistaken for a later one."""

    __tablename__ = "change_stamps"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    stamp: Mapped[int] = mapped_column(BigInteger)
