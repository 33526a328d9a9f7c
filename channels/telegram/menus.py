"""The command menu (setMyCommands) per scope, in Chinese: contacts, viewers and admins see their own."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

log = logging.getLogger("duban.channels.telegram.menus")

UNBOUND = [BotCommand("start", "开始 / 使用邀请码绑定部门"), BotCommand("help", "使用说明")]
CONTACT = [
    BotCommand("tasks", "本部门任务"),
    BotCommand("due", "未来30天到期"),
    BotCommand("done", "上报完成情况"),
    BotCommand("progress", "上报阶段进度"),
    BotCommand("task", "任务详情"),
    BotCommand("withdraw", "撤回上报"),
    BotCommand("cancel", "放弃正在填写的上报"),
    BotCommand("help", "使用说明"),
]
VIEWER = [
    BotCommand("score", "考核得分"),
    BotCommand("overdue", "逾期任务"),
    BotCommand("dept", "部门情况"),
    BotCommand("tasks", "全部任务"),
    BotCommand("due", "未来30天到期"),
    BotCommand("chart", "统计图"),
    BotCommand("help", "使用说明"),
]
ADMIN = [
    BotCommand("score", "考核得分"),
    BotCommand("pending", "待审核上报"),
    BotCommand("overdue", "逾期任务"),
    BotCommand("dept", "部门情况"),
    BotCommand("remind", "立即催办"),
    BotCommand("contacts", "联络员情况"),
    BotCommand("invite", "生成邀请码"),
    BotCommand("whatif", "假设得分"),
    BotCommand("fact", "录入考核事实"),
    BotCommand("tasks", "全部任务"),
    BotCommand("due", "未来30天到期"),
    BotCommand("help", "使用说明"),
    BotCommand("addtask", "新增任务"),
    BotCommand("deadline", "修改截止时间"),
    BotCommand("assign", "调整责任部门"),
    BotCommand("recur", "设置周期性截止"),
    BotCommand("close", "关闭任务"),
    BotCommand("reopen", "重新打开任务"),
    BotCommand("history", "任务修改记录"),
    BotCommand("export", "导出Excel"),
    BotCommand("chart", "统计图"),
    BotCommand("template", "任务表模板"),
    BotCommand("circular", "月度通报(Word)"),
    BotCommand("notice", "督办单"),
]
GROUP = [BotCommand("bindgroup", "绑定为部门工作群"), BotCommand("tasks", "本部门任务"), BotCommand("help", "使用说明")]
BY_ROLE = {"admin": ADMIN, "contact": CONTACT, "viewer": VIEWER}
AT_ONCE = 8  # menus set concurrently at start


async def set_commands_for(bot: Bot, chat_id: int, role: str) -> bool:
    try:
        await bot.set_my_commands(BY_ROLE.get(role, UNBOUND), scope=BotCommandScopeChat(chat_id))
        return True
    except TelegramError as exc:  # a menu is a convenience: never fail the answer because of it
        log.warning("could not set the command menu for chat %s: %s", chat_id, exc)
        return False


async def set_default_menus(bot: Bot, people: list[tuple[int, str]]) -> int:
    """At start, off the update path: the default menus, then each person's own, several at a time,
    carrying on past a failure. Returns how many personal menus were set."""
    try:
        await bot.set_my_commands(UNBOUND, scope=BotCommandScopeDefault())
        await bot.set_my_commands(GROUP, scope=BotCommandScopeAllGroupChats())
    except TelegramError as exc:
        log.warning("could not set the default command menus: %s", exc)
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(chat_id: int, role: str) -> bool:
        async with gate:
            return await set_commands_for(bot, chat_id, role)

    done = await asyncio.gather(*(one(chat_id, role) for chat_id, role in people))
    return sum(done)
