"""The office's spreadsheets and pictures in the chat: /export (the workbook), /chart (three charts),
/template (the empty task sheet the import reads)."""
from __future__ import annotations

import asyncio
from datetime import date

from telegram import InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import Application, CommandHandler, ContextTypes

from handlers.common import REFUSALS, app_ctx, identity_of, refuse, reply
from handlers.texts import esc
from services.access import Denied, require_admin

EXPORT_USAGE = ("用法:/export 导出工作簿(任务清单、考核评分、操作记录、图表);"
                "操作记录默认为责任书年度,也可指定日期:/export 2022-09-01 2022-09-30")
EXPORT_CAPTION = "📎 {title}\n截至 {today}:任务 {tasks} 项(🔴 {red} 项),预计 {projected} 分;操作记录 {start} 至 {end},共 {audit} 条"
CHART_CAPTIONS = {"scores": "📊 各部分得分与权重", "status": "📊 各部门任务状态(三色预警)",
                  "burndown": "📊 全年未完成任务节点(燃尽图)"}
TEMPLATE_CAPTION = ("📄 责任书导入模板:在“任务清单”表每行填一项工作内容(填法见“填写说明”表),"
                    "部门名称见“部门”表;填好后由管理员导入:duban letter import 文件.xlsx --year 年度")


def _parse_range(args: list[str]) -> tuple[date | None, date | None]:
    if not args:
        return None, None
    if len(args) != 2:
        raise ValueError
    start, end = date.fromisoformat(args[0]), date.fromisoformat(args[1])
    if end < start:
        raise ValueError
    return start, end


def _build_export(ctx, start, end):
    from reports import charts, workbook
    from reports.data import collect

    with ctx.db.session() as session:
        snapshot = collect(session, ctx.clock.today(), ctx.calendar, ctx.policy, ctx.settings.timezone, start, end)
    pictures = charts.render_all(snapshot)
    return snapshot, workbook.build_workbook(snapshot, pictures), workbook.export_name(snapshot)


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        start, end = _parse_range(context.args or [])
    except ValueError:
        await reply(update, context, EXPORT_USAGE)
        return
    try:
        require_admin(identity)
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.UPLOAD_DOCUMENT)
        snapshot, data, name = await asyncio.to_thread(_build_export, ctx, start, end)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    red = sum(1 for r in snapshot.tasks if r.status is not None and r.status.colour == "red")
    caption = EXPORT_CAPTION.format(
        title=esc(snapshot.letter.title[:200]), today=snapshot.today.isoformat(), tasks=len(snapshot.tasks), red=red,
        projected=_n(snapshot.standing.result.total.projected), start=snapshot.audit_from.isoformat(),
        end=snapshot.audit_to.isoformat(), audit=len(snapshot.audit))
    await context.bot.send_document(update.effective_chat.id, InputFile(data, filename=name), caption=caption)


def _build_charts(ctx):
    from reports import charts
    from reports.data import collect

    today = ctx.clock.today()
    with ctx.db.session() as session:
        snapshot = collect(session, today, ctx.calendar, ctx.policy, ctx.settings.timezone, today, today)
    return charts.render_all(snapshot)


async def chart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        if not identity.reads_everything:
            raise Denied("admin_only") if identity.bound else Denied("unbound")
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.UPLOAD_PHOTO)
        pictures = await asyncio.to_thread(_build_charts, ctx)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    for c in pictures:
        await context.bot.send_photo(update.effective_chat.id, InputFile(c.png, filename=f"{c.name}.png"),
                                     caption=CHART_CAPTIONS.get(c.name, c.title))


def _build_template(ctx) -> tuple[bytes, str]:
    from reports import workbook
    from services.tasks import NoLetter, current_letter, departments as all_departments

    with ctx.db.session() as session:
        departments = [(d.name, d.level, tuple(d.aliases or ())) for d in all_departments(session)]
        try:
            year = current_letter(session).year
        except NoLetter:
            year = None
    return workbook.template_workbook(departments), workbook.template_name(year + 1 if year else None)


async def template(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        require_admin(identity)
        data, name = await asyncio.to_thread(_build_template, ctx)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await context.bot.send_document(update.effective_chat.id, InputFile(data, filename=name), caption=TEMPLATE_CAPTION)


def register(application: Application) -> None:
    for name, callback in (("export", export), ("chart", chart), ("template", template)):
        application.add_handler(CommandHandler(name, callback))
