"""/tasks, /task, /due, /overdue, /dept: reading where tasks stand; once a letter's year is over, how it
ended. Each takes a year where several letters are loaded (`/tasks 2022`, `/task 3.1 2022`)."""

from __future__ import annotations

from handlers import task_texts
from handlers import year_texts as yt
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.replies import Message, Replies
from handlers.start import bound_twice_note
from services.letter_year import YearState
from services.task_views import TaskBoard, department_board, due_within, overdue_board, task_board, task_detail

DUE_DAYS = 30
TASK_USAGE = "用法:<code>/task 任务编号 [年份]</code>,例如 <code>/task 14.2</code>"
DEPT_USAGE = "用法:<code>/dept 部门名称 [年份]</code>,例如 <code>/dept 发改局</code>"


def split_year(args: tuple[str, ...]) -> tuple[int | None, tuple[str, ...]]:
    """A year among the arguments ("2022"), and the others."""
    for i, arg in enumerate(args):
        if len(arg) == 4 and arg.isdigit() and 2000 <= int(arg) <= 2100:
            return int(arg), args[:i] + args[i + 1 :]
    return None, args


def _footer(state: YearState, admin: bool, command: str) -> str:
    extra = [x for x in (yt.other_years(state, command), yt.next_year_hint(state) if admin else "") if x]
    return "\n\n" + "\n".join(extra) if extra else ""


def _board_text(turn: Turn, title: str, board: TaskBoard, command: str) -> str:
    admin = turn.who.is_admin
    if board.ended is not None:
        return yt.ended_list(title, board.year, board.ended, turn.who.reads_everything, admin, command)
    return task_texts.status_list(title, board.statuses) + _footer(board.year, admin, command)


async def tasks(turn: Turn) -> Replies:
    ctx, who = turn.ctx, turn.who
    year, _ = split_year(turn.args)
    board = task_board(ctx.db, who, ctx.clock.today(), ctx.calendar, ctx.policy, ctx.clock.tz, year)
    title = f"{who.department_name}的任务" if who.role == "contact" else "全部任务"
    text = _board_text(turn, f"{board.year.year}年度 · {title}", board, "tasks")
    return [Message(text + bound_twice_note(who, turn.office))]


async def task(turn: Turn) -> Replies:
    year, args = split_year(turn.args)
    if not args:
        return [Message(TASK_USAGE)]
    ctx = turn.ctx
    detail = task_detail(ctx.db, turn.who, args[0], ctx.clock.today(), ctx.calendar, ctx.policy, ctx.clock.tz, year)
    return [Message(task_texts.task_detail(detail, ctx.clock.tz))]


async def due(turn: Turn) -> Replies:
    ctx = turn.ctx
    listed = due_within(ctx.db, turn.who, ctx.clock.today(), ctx.calendar, DUE_DAYS)
    text = task_texts.due_list(listed.items, DUE_DAYS)
    if listed.year.ended and not listed.items:
        text = yt.ended_header(listed.year) + "\n" + text + f"\n发送 /tasks 查看{listed.year.year}年度的完成情况。"
    return [Message(text + _footer(listed.year, turn.who.is_admin, "tasks"))]


async def overdue(turn: Turn) -> Replies:
    ctx = turn.ctx
    year, _ = split_year(turn.args)
    board = overdue_board(ctx.db, turn.who, ctx.clock.today(), ctx.calendar, ctx.policy, ctx.clock.tz, year)
    if board.ended is not None:
        return [Message(yt.ended_missing(board.year, board.ended) + _footer(board.year, False, "overdue"))]
    return [Message(task_texts.overdue_list(board.statuses) + _footer(board.year, False, "overdue"))]


async def dept(turn: Turn) -> Replies:
    year, args = split_year(turn.args)
    if not args:
        return [Message(DEPT_USAGE)]
    ctx = turn.ctx
    today = ctx.clock.today()
    name, board = department_board(
        ctx.db, turn.who, " ".join(args), today, ctx.calendar, ctx.policy, ctx.clock.tz, year
    )
    return [Message(_board_text(turn, f"{board.year.year}年度 · {name}的任务", board, f"dept {name}"))]


def routes(r: Routes) -> None:
    r.command("tasks", tasks)
    r.command("task", task)
    r.command("due", due)
    r.command("overdue", overdue)
    r.command("dept", dept)
