"""What a handler works with: the process's `Context` (made once by the assembly) and the `Turn`, one
incoming event with the person already identified."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deadlines.clock import Clock
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from handlers.events import Event
from handlers.ports import Channel, Sender
from services.access import Identity

if TYPE_CHECKING:  # handlers hand the database to services; they never open a session themselves
    from storage.db import Database


@dataclass(frozen=True)
class Context:
    db: Database
    clock: Clock
    calendar: WorkdayCalendar
    policy: ReminderPolicy
    admins: frozenset[int]
    evidence_dir: Path
    sender: Sender  # messages to chats other than the one being answered (the office, departments)
    evidence_required: bool = False  # DUBAN_EVIDENCE_REQUIRED: no report is submitted without a photo or file
    templates: Path | None = None  # DUBAN_TEMPLATE_DIR: the office's own .docx templates, if any


@dataclass(frozen=True)
class Turn:
    event: Event
    who: Identity
    ctx: Context
    office: str  # the coordinating office's short name (美丽办), from the letter
    channel: Channel  # the event's own channel: its files, buttons, links

    @property
    def args(self) -> tuple[str, ...]:
        return self.event.args
