"""The local console (`duban console`): the real bot, every handler, in a terminal, without Telegram.

The bot long-polls the project's fake Bot API (`fake_bot_api`) started in this process, so whatever the
console shows has passed Telegram's rules. The database is the real one (DATABASE_URL).

    terminal = Terminal.scripted(["/start", ":quit"], sys.stdout.write)
    run_console(settings, db, clock, "admin", terminal)
"""
from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy.engine import make_url

from deadlines.clock import Clock
from bot.config import Settings
from bot.console.repl import Repl
from bot.console.session import ConsoleError, ConsoleSession, ConsoleUser, Terminal
from storage.db import Database
from services.console_identity import bind_console_contact, console_user_id
from services.tasks import UnknownDepartment

__all__ = ["ConsoleError", "ConsoleSession", "ConsoleUser", "Repl", "Terminal", "console_identity", "run_console"]

log = logging.getLogger("duban.console")
ADMIN_NAMES = ("admin", "管理员")  # not 美丽办: that is also a department of the letter


def console_identity(db: Database, clock: Clock, settings: Settings, who: str | None
                     ) -> tuple[ConsoleUser, Settings]:
    """The console user for `--as` (None, "admin" or a department name or alias), and the settings for
    this run: an admin is added to the admins of this run only; a department binding is stored."""
    if who is None or not who.strip():
        return ConsoleUser(console_user_id(), "未绑定部门的访客"), settings
    if who.strip().lower() in ADMIN_NAMES:
        user = ConsoleUser(console_user_id(), "美丽办管理员")
        return user, replace(settings, admins=settings.admins | {user.user_id})
    try:
        with db.session() as session:
            binding = bind_console_contact(session, clock, who)
    except UnknownDepartment as exc:
        closest = "、".join(exc.suggestions)
        hint = f"最接近的是:{closest}。" if closest else ""
        raise ConsoleError(f"没有叫「{who.strip()}」的部门。{hint}全部部门见 duban departments。", code=2) from None
    if binding.created:
        log.info("console user %s bound to %s (contact %s)", binding.user_id, binding.department, binding.contact_id)
    return ConsoleUser(binding.user_id, f"{binding.department}联络员"), settings


def banner(user: ConsoleUser, database_url: str) -> str:
    database = make_url(database_url).render_as_string(hide_password=True)
    return (
        "督办 · 本地控制台:与 Telegram 上相同的机器人(全部处理程序)在本机运行,不连接 Telegram。\n"
        f"身份:{user.role_text}    数据库:{database}    定时提醒:控制台中不发送\n"
        "机器人发给其他人的消息只显示在这里(标有 →),不会真正送达。\n"
        "像在 Telegram 里一样输入文字或命令(先试试 /start);输入按钮编号(如 1)点按钮;\n"
        ":help 查看控制台命令;:quit 或 Ctrl-D 退出。"
    )


def run_console(settings: Settings, db: Database, clock: Clock, who: str | None, terminal: Terminal,
                calendar: object = None) -> int:
    """Run a console session on `terminal`; the exit code. Raises ConsoleError when it cannot start."""
    user, settings = console_identity(db, clock, settings, who)
    with ConsoleSession(settings, db, clock, user, terminal, calendar=calendar) as session:
        terminal.say(banner(user, settings.database_url))
        return Repl(session).run()
