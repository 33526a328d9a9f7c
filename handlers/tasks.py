"""/tasks, /task, /due, /overdue, /dept: reading where tasks stand."""
from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from handlers import task_texts
from handlers.common import REFUSALS, app_ctx, identity_of, refuse, reply, session_of, typing
from services.access import Denied, require_bound
from services.task_views import due_within, statuses_for, task_detail
from services.tasks import find_department

DUE_DAYS = 30


async def tasks(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        require_bound(identity)
        with session_of(context) as session:
            statuses = statuses_for(session, identity, ctx.clock.today(), ctx.calendar, ctx.policy)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    title = f"{identity.department_name}的任务" if identity.role == "contact" else "全部任务"
    await reply(update, context, task_texts.status_list(title, statuses))


async def task(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not context.args:
        await reply(update, context, "用法:<code>/task 任务编号</code>,例如 <code>/task 14.2</code>")
        return
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        require_bound(identity)
        with session_of(context) as session:
            detail = task_detail(session, identity, context.args[0], ctx.clock.today(), ctx.calendar, ctx.policy)
            text = task_texts.task_detail(detail, ctx.clock.tz)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await reply(update, context, text)


async def due(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        require_bound(identity)
        with session_of(context) as session:
            items = due_within(session, identity, ctx.clock.today(), ctx.calendar, DUE_DAYS)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await reply(update, context, task_texts.due_list(items, DUE_DAYS))


async def overdue(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        if not identity.reads_everything:
            raise Denied("admin_only") if identity.bound else Denied("unbound")
        await typing(update, context)
        with session_of(context) as session:
            statuses = statuses_for(session, identity, ctx.clock.today(), ctx.calendar, ctx.policy)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await reply(update, context, task_texts.overdue_list(statuses))


async def dept(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    if not context.args:
        await reply(update, context, "用法:<code>/dept 部门名称</code>,例如 <code>/dept 发改局</code>")
        return
    try:
        if not identity.reads_everything:
            raise Denied("admin_only") if identity.bound else Denied("unbound")
        with session_of(context) as session:
            department = find_department(session, " ".join(context.args)).name
            statuses = statuses_for(session, identity, ctx.clock.today(), ctx.calendar, ctx.policy, department)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await reply(update, context, task_texts.status_list(f"{department}的任务", statuses))


def register(application: Application) -> None:
    for name, callback in (("tasks", tasks), ("task", task), ("due", due), ("overdue", overdue), ("dept", dept)):
        application.add_handler(CommandHandler(name, callback))
