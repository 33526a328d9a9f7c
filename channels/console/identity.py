"""Who the console speaks as (`duban console --as ...`): an admin, a department's contact, or nobody.

The console only says who the person is; making an admin an admin (adding the id to the admins of this
run) is the assembly's business (bot/cli/console_cmd.py), so nothing about an admin is stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from deadlines.clock import Clock
from services.console_identity import bind_console, console_user_id
from services.overview import office_name
from services.tasks import UnknownDepartment

if TYPE_CHECKING:
    from storage.db import Database

log = logging.getLogger("duban.console")
ADMIN_NAMES = ("admin", "管理员")  # not 美丽办: that is also a department of the letter


class ConsoleError(Exception):
    """The console cannot start or go on; the message is Chinese and meant for the console user."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ConsoleUser:
    user_id: int
    role_text: str  # for the banner: "美丽办管理员", "发改局联络员", "未绑定部门的访客"
    admin: bool = False  # the assembly adds `user_id` to the admins of this run
    first_name: str = "本地控制台"


def console_user(db: Database, clock: Clock, who: str | None) -> ConsoleUser:
    """The console user for `--as` (None, "admin", or a department's name or alias). A department's
    binding is stored (once, with an audit row); an unknown department raises ConsoleError (code 2)."""
    if who is None or not who.strip():
        return ConsoleUser(console_user_id(), "未绑定部门的访客")
    if who.strip().lower() in ADMIN_NAMES:
        return ConsoleUser(console_user_id(), f"{office_name(db)}管理员", admin=True)
    try:
        binding = bind_console(db, clock, who)
    except UnknownDepartment as exc:
        closest = "、".join(exc.suggestions)
        hint = f"最接近的是:{closest}。" if closest else ""
        raise ConsoleError(f"没有叫「{who.strip()}」的部门。{hint}全部部门见 duban departments。", code=2) from None
    if binding.created:
        log.info("console user %s bound to %s (contact %s)", binding.user_id, binding.department, binding.contact_id)
    return ConsoleUser(binding.user_id, f"{binding.department}联络员")
