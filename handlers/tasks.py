"""/tasks, /task, /due, /overdue, /dept: reading where tasks stand."""

from __future__ import annotations

from handlers import task_texts
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.replies import Message, Replies
from services.task_views import department_statuses, due_within, overdue_statuses, statuses_for, task_detail

DUE_DAYS = 30
TASK_USAGE = "用法:<code>/task 任务编号</code>,例如 <code>/task 14.2</code>"
DEPT_USAGE = "用法:<code>/dept 部门名称</code>,例如 <code>/dept 发改局</code>"


async def tasks(turn: Turn) -> Replies:
    ctx, who = turn.ctx, turn.who
    statuses = statuses_for(ctx.db, who, ctx.clock.today(), ctx.calendar, ctx.policy)
    title = f"{who.department_name}的任务" if who.role == "contact" else "全部任务"
    return [Message(task_texts.status_list(title, statuses))]


async def task(turn: Turn) -> Replies:
    if not turn.args:
        return [Message(TASK_USAGE)]
    ctx = turn.ctx
    detail = task_detail(ctx.db, turn.who, turn.args[0], ctx.clock.today(), ctx.calendar, ctx.policy)
    return [Message(task_texts.task_detail(detail, ctx.clock.tz))]


async def due(turn: Turn) -> Replies:
    ctx = turn.ctx
    items = due_within(ctx.db, turn.who, ctx.clock.today(), ctx.calendar, DUE_DAYS)
    return [Message(task_texts.due_list(items, DUE_DAYS))]


async def overdue(turn: Turn) -> Replies:
    ctx = turn.ctx
    return [
        Message(
            task_texts.overdue_list(overdue_statuses(ctx.db, turn.who, ctx.clock.today(), ctx.calendar, ctx.policy))
        )
    ]


async def dept(turn: Turn) -> Replies:
    if not turn.args:
        return [Message(DEPT_USAGE)]
    ctx = turn.ctx
    name, statuses = department_statuses(
        ctx.db, turn.who, " ".join(turn.args), ctx.clock.today(), ctx.calendar, ctx.policy
    )
    return [Message(task_texts.status_list(f"{name}的任务", statuses))]


def routes(r: Routes) -> None:
    r.command("tasks", tasks)
    r.command("task", task)
    r.command("due", due)
    r.command("overdue", overdue)
    r.command("dept", dept)
