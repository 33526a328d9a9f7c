"""The office's spreadsheets and pictures in the chat: /export (the workbook), /chart (three charts),
/template (the empty task sheet the import reads). The documents are built in a worker thread."""

from __future__ import annotations

from datetime import date

from handlers import documents_worker
from handlers.context import Context, Turn
from handlers.dispatch import Routes
from handlers.markup import esc
from handlers.replies import Message, Replies, Reply, Upload
from services.access import require_admin
from services.snapshot import Snapshot, take
from services.task_views import require_reader
from services.tasks import template_departments

EXPORT_USAGE = (
    "用法:/export 导出工作簿(任务清单、考核评分、操作记录、图表);"
    "操作记录默认为责任书年度,也可指定日期:/export 2022-09-01 2022-09-30"
)
EXPORT_CAPTION = (
    "📎 {title}\n截至 {today}:任务 {tasks} 项(🔴 {red} 项),预计 {projected} 分;操作记录 {start} 至 {end},共 {audit} 条"
)
CHART_CAPTIONS = {
    "scores": "📊 各部分得分与权重",
    "status": "📊 各部门任务状态(三色预警)",
    "burndown": "📊 全年未完成任务节点(燃尽图)",
}
TEMPLATE_CAPTION = (
    "📄 责任书导入模板:在“任务清单”表每行填一项工作内容(填法见“填写说明”表),"
    "部门名称见“部门”表;填好后由管理员导入:duban letter import 文件.xlsx --year 年度"
)


def _parse_range(args: tuple[str, ...]) -> tuple[date | None, date | None]:
    if not args:
        return None, None
    if len(args) != 2:
        raise ValueError
    start, end = date.fromisoformat(args[0]), date.fromisoformat(args[1])
    if end < start:
        raise ValueError
    return start, end


def _build_export(ctx: Context, start: date | None, end: date | None) -> tuple[Snapshot, bytes, str]:
    from reports import workbook  # openpyxl loads only when a document is asked for; its charts are native

    snapshot = take(ctx.db, ctx.clock.today(), ctx.calendar, ctx.policy, ctx.clock.tz, start, end)
    return snapshot, workbook.build_workbook(snapshot), workbook.export_name(snapshot)


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


async def export(turn: Turn) -> Replies:
    try:
        start, end = _parse_range(turn.args)
    except ValueError:
        return [Message(EXPORT_USAGE)]
    require_admin(turn.who)
    snapshot, data, name = await documents_worker.build(_build_export, turn.ctx, start, end)
    red = sum(1 for r in snapshot.tasks if r.status is not None and r.status.colour == "red")
    caption = EXPORT_CAPTION.format(
        title=esc(snapshot.letter.title[:200]),
        today=snapshot.today.isoformat(),
        tasks=len(snapshot.tasks),
        red=red,
        projected=_n(snapshot.standing.result.total.projected),
        start=snapshot.audit_from.isoformat(),
        end=snapshot.audit_to.isoformat(),
        audit=len(snapshot.audit),
    )
    return [Upload("document", name, caption, data=data)]


def _build_charts(ctx: Context) -> list:
    from reports import charts  # matplotlib loads only when pictures are asked for

    today = ctx.clock.today()
    return charts.render_all(take(ctx.db, today, ctx.calendar, ctx.policy, ctx.clock.tz, today, today))


async def chart(turn: Turn) -> Replies:
    require_reader(turn.who)
    pictures = await documents_worker.build(_build_charts, turn.ctx)
    answers: list[Reply] = [
        Upload("photo", f"{c.name}.png", CHART_CAPTIONS.get(c.name, c.title), data=c.png) for c in pictures
    ]
    return answers


def _build_template(ctx: Context) -> tuple[bytes, str]:
    from reports import workbook

    departments, year = template_departments(ctx.db)
    return workbook.template_workbook(departments), workbook.template_name(year + 1 if year else None)


async def template(turn: Turn) -> Replies:
    require_admin(turn.who)
    data, name = await documents_worker.build(_build_template, turn.ctx)
    return [Upload("document", name, TEMPLATE_CAPTION, data=data)]


def routes(r: Routes) -> None:
    r.command("export", export)
    r.command("chart", chart)
    r.command("template", template)
