"""Commands typed as text, on a channel with no command menus (DingTalk): `/tasks`, `tasks` or 任务.

The conversation's vocabulary: the Chinese words people in an office would type for each command. The
dispatcher reads them for a channel that says `typed_commands = True`; a slash command works everywhere.
While an exchange is in progress (a report being written, a reason asked for), only a slash command or a
word that leaves the exchange (取消, 帮助) is a command: everything else is the answer being typed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from handlers.events import Event

SLASHES = "/／"  # a Chinese input method types the full-width slash
WORDS = {
    "开始": "start",
    "绑定": "start",  # 绑定 CODE: join with an invite code
    "帮助": "help",
    "菜单": "help",
    "任务": "tasks",  # 任务 14.2: one task (see WITH_ARGS)
    "我的任务": "tasks",
    "任务详情": "task",
    "到期": "due",
    "逾期": "overdue",
    "部门": "dept",
    "上报": "done",
    "进度": "progress",
    "撤回": "withdraw",
    "取消": "cancel",
    "绑定群": "bindgroup",
    "绑定本群": "bindgroup",
    "待审核": "pending",
    "审核": "pending",
    "得分": "score",
    "分数": "score",
    "假设": "whatif",
    "事实": "fact",
    "催办": "remind",
    "联络员": "contacts",
    "邀请": "invite",
    "新增任务": "addtask",
    "修改期限": "deadline",
    "设置周期": "recur",
    "调整部门": "assign",
    "关闭任务": "close",
    "重新打开": "reopen",
    "修改记录": "history",
    "导出": "export",
    "图表": "chart",
    "模板": "template",
}
WITH_ARGS = {"tasks": "task"}  # 任务 14.2 is one task, 任务 alone the list
ESCAPES = frozenset({"cancel", "help"})  # words that still act as commands inside an exchange


def read(text: str, known: Collection[str], in_exchange: bool = False) -> tuple[str, tuple[str, ...]] | None:
    """(command, args) for a typed command, else None. `known`: the conversation's command names."""
    parts = text.split()
    if not parts:
        return None
    head, args = parts[0], tuple(parts[1:])
    if head[0] in SLASHES and len(head) > 1:
        return head[1:].partition("@")[0].lower(), args
    command = WORDS.get(head)
    if command is None and head.lower() in known and head.isascii():
        command = head.lower()  # "tasks" without its slash
    if command is None or (in_exchange and command not in ESCAPES):
        return None
    if args and command in WITH_ARGS:
        command = WITH_ARGS[command]
    return command, args


def as_command(event: Event, known: Collection[str], in_exchange: bool) -> Event:
    """The event with its typed command read, or unchanged when the text is not one."""
    found = read(event.text, known, in_exchange)
    if found is None:
        return event
    return replace(event, command=found[0], args=found[1])
