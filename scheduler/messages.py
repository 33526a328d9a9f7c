"""Reminder, escalation and digest messages, rendered in Chinese and split to fit any channel.

Pure: plain data in, neutral `Message`s out (handlers/replies.py). Every piece of user text is escaped
here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from deadlines.planner import DUE, ESCALATION, LEAD, OVERDUE, REPEAT
from handlers import year_texts
from handlers.markup import split_lines, utf16_len
from handlers.reminder_buttons import ACK, DONE, RESEND, SNOOZE, payload
from handlers.replies import Button, Keyboard, Message
from services.reminder_doubt import InDoubt
from services.status_board import Board

MAX_CHARS = 3800  # under the 4096 of the strictest channel, leaving room for the header of a continued part
MAX_TASKS_PER_PART = 20  # three buttons each: well under the keyboard limits
WEEKDAYS = "一二三四五六日"
COLOUR_MARK = {"red": "🔴", "yellow": "🟡", "green": "🟢", "done": "✅"}


def cn_date(d: date) -> str:
    return f"{d.month}月{d.day}日(周{WEEKDAYS[d.weekday()]})"


def clip(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class ReminderLine:
    reminder_id: int  # the ledger row the buttons act on
    task_code: str
    task_text: str
    departments: tuple[str, ...]
    due: date
    phrase: str | None
    kind: str
    lead: int
    colour: str
    workdays_left: int  # working days until the due day (negative: overdue)


def _when(line: ReminderLine) -> str:
    if line.kind in (OVERDUE, ESCALATION) or line.workdays_left < 0:
        return f"已逾期 {abs(line.workdays_left)} 个工作日"
    if line.workdays_left == 0:
        return "今日到期"
    return f"还剩 {line.workdays_left} 个工作日"


def _block(line: ReminderLine, with_departments: bool = False) -> str:
    mark = COLOUR_MARK.get(line.colour, "")
    head = f"{mark} <b>{escape(line.task_code)}</b> {_when(line)}"
    if line.kind == REPEAT:
        head += "(未确认,再次提醒)"
    detail = f"截止 {cn_date(line.due)}"
    if line.phrase:
        detail += f" · {escape(clip(line.phrase, 40))}"
    lines = [head, f"   {escape(clip(line.task_text))}", f"   {detail}"]
    if with_departments:
        lines.append(f"   责任部门:{escape('、'.join(line.departments))}")
    return "\n".join(lines)


def _keyboard(lines: list[ReminderLine], escalation: bool) -> Keyboard:
    rows: list[tuple[Button, ...]] = []
    for line in lines:
        ack = Button(f"收到 {line.task_code}", payload(ACK, line.reminder_id))
        if escalation:
            rows.append((ack,))
        else:
            rows.append(
                (
                    ack,
                    Button("已完成", payload(DONE, line.reminder_id)),
                    Button("推迟提醒", payload(SNOOZE, line.reminder_id)),
                )
            )
    return tuple(rows)


@dataclass(frozen=True)
class Rendered:
    """One message to send, and the ledger rows whose tasks it lists."""

    part: Message
    reminder_ids: tuple[int, ...]


def _split(header: str, blocks: list[tuple[ReminderLine, str]], footer: str, escalation: bool) -> list[Rendered]:
    budget = MAX_CHARS - utf16_len(header) - utf16_len(footer) - 20  # 20: the page marker
    parts: list[list[tuple[ReminderLine, str]]] = []
    current: list[tuple[ReminderLine, str]] = []
    size = 0
    for line, block in blocks:
        cost = utf16_len(block) + 2
        if current and (size + cost > budget or len(current) >= MAX_TASKS_PER_PART):
            parts.append(current)
            current, size = [], 0
        current.append((line, block))
        size += cost
    if current:
        parts.append(current)
    rendered = []
    for i, chunk in enumerate(parts):
        page = f"\n(第 {i + 1}/{len(parts)} 条)" if len(parts) > 1 else ""
        text = "\n\n".join([header + page] + [b for _, b in chunk] + [footer])
        lines = [line for line, _ in chunk]
        rendered.append(Rendered(Message(text, _keyboard(lines, escalation)), tuple(x.reminder_id for x in lines)))
    return rendered


def reminder_parts(
    recipient_name: str, today: date, lines: list[ReminderLine], catch_up_since: date | None = None
) -> list[Rendered]:
    """One message (split when long) listing every task due for one recipient today."""
    order = {OVERDUE: 0, DUE: 1, REPEAT: 2, LEAD: 3}
    lines = sorted(lines, key=lambda x: (order.get(x.kind, 9), x.due, x.task_code))
    header = f"🔔 <b>督办提醒</b> · {escape(recipient_name)} · {cn_date(today)}"
    if catch_up_since is not None:
        header += f"\n⚠️ 系统恢复后补发:{cn_date(catch_up_since)}以来未能按时发出的提醒,合并为本条。"
    counts = {"red": 0, "yellow": 0, "green": 0}
    for line in lines:
        counts[line.colour] = counts.get(line.colour, 0) + 1
    header += f"\n共 {len(lines)} 项:🔴逾期 {counts['red']} · 🟡临近 {counts['yellow']} · 🟢正常 {counts['green']}"
    footer = (
        "请点按钮:<b>收到</b>确认已阅;<b>已完成</b>上报完成情况;<b>推迟提醒</b>下一个工作日再提醒。\n"
        "也可以直接<b>回复</b>这条提醒,发一张现场照片上报。"
    )
    return _split(header, [(line, _block(line)) for line in lines], footer, escalation=False)


def escalation_parts(
    today: date, lines: list[ReminderLine], catch_up_since: date | None = None, office: str = ""
) -> list[Rendered]:
    """To the coordinating office: tasks overdue past the escalation threshold."""
    lines = sorted(lines, key=lambda x: (x.workdays_left, x.task_code))
    header = (
        f"🚨 <b>逾期升级</b> · {escape(office)} · {cn_date(today)}\n以下 {len(lines)} 项任务逾期已超过升级期限,请督办:"
    )
    if catch_up_since is not None:
        header += f"\n⚠️ 含{cn_date(catch_up_since)}以来补发的内容。"
    footer = "可发送 /remind 部门名称 立即催办。"
    return _split(header, [(line, _block(line, with_departments=True)) for line in lines], footer, escalation=True)


def _names(items: list[str], limit: int = 12) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" 等{len(items)}项" if len(items) > limit else "")


def digest_parts(board: Board) -> list[Message]:
    """The office's morning digest: red and yellow by department, waiting reports, silent contacts; once
    the letter's year is over, how it ended (and, from December on, how to start the next year)."""
    if board.year is not None and board.ended is not None:
        return [Message(piece) for piece in split_lines(year_texts.ended_digest(board.year, board.ended))]
    red, yellow = board.by_colour("red"), board.by_colour("yellow")
    green, done = board.by_colour("green"), board.by_colour("done")
    lines = [
        f"📋 <b>督办日报</b> · {cn_date(board.day)}",
        f"🔴逾期 {len(red)} 项 · 🟡临近或待审 {len(yellow)} 项 · 🟢正常 {len(green)} 项 · ✅已完成 {len(done)} 项",
    ]
    for title, tasks, detail in (
        ("🔴 <b>逾期</b>", red, lambda t: f"{t.code}(逾期{t.overdue_workdays}个工作日)"),
        ("🟡 <b>临近或待审核</b>", yellow, lambda t: f"{t.code}({t.due.month}月{t.due.day}日)"),
    ):
        if not tasks:
            continue
        lines += ["", title]
        by_dep: dict[str, list[str]] = {}
        for t in tasks:
            for dep in t.departments:
                by_dep.setdefault(dep, []).append(detail(t))
        lines += [f"· {escape(dep)}:{_names(items)}" for dep, items in sorted(by_dep.items())]
    lines += ["", f"📥 待审核的上报:{board.pending_reports} 份"]
    if board.unreachable:
        lines += ["📵 <b>无法送达</b>(已屏蔽机器人或从未启动对话):"]
        lines += [f"· {escape(dep)} {escape(name)}" for dep, name, _ in board.unreachable]
    if board.unacknowledged:
        silent = " · ".join(f"{escape(dep)} {n}人" for dep, n in board.unacknowledged.items())
        lines += [f"🙈 近5个工作日有提醒未确认:{silent}"]
    if board.year is not None and board.year.next_year_due:
        lines += ["", year_texts.next_year_hint(board.year)]
    return [Message(piece) for piece in split_lines("\n".join(lines))]


def unreachable_notice(who: str) -> str:
    return (
        f"📵 <b>提醒无法送达</b>:{escape(who)}\n"
        "对方已屏蔽机器人或从未启动对话。请联系其在 Telegram 中打开机器人并发送 /start,"
        "恢复前的提醒已记录在案。"
    )


IN_DOUBT_PER_PART = 20  # one button each


def in_doubt_parts(doubts: list[InDoubt]) -> list[Message]:
    """The office told of reminder messages that may or may not have arrived: who, which tasks, and a button
    each to send it again (never resent by itself, so never duplicated)."""
    parts = []
    for start in range(0, len(doubts), IN_DOUBT_PER_PART):
        chunk = doubts[start : start + IN_DOUBT_PER_PART]
        lines = [
            f"❓ <b>{len(doubts)} 条提醒不确定是否送达</b>",
            "发送时连接中断(或进程停止),无法确认对方是否收到。为避免重复,没有自动重发:",
        ]
        lines += [f"· {escape(d.who)}:{escape(_names(list(d.codes)))},{cn_date(d.day)}的提醒" for d in chunk]
        lines.append("如需重发,请点下面对应的按钮;对方可能因此收到两次。")
        buttons: Keyboard = tuple((Button(clip(f"重发给 {d.who}", 40), payload(RESEND, d.delivery_id)),) for d in chunk)
        parts.append(Message("\n".join(lines), buttons))
    return parts
