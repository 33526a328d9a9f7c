"""The office workbook (openpyxl): every task, the score sheet laid out like the letter's appendix, the audit
log, the charts, the departments and the letter itself; and the empty template the import reads.

The charts are native Excel charts over the numbers written next to them (reports/chart_data.py, the same
numbers the chat's pictures show), so the office sees and can edit what each is drawn from; no drawing
library is loaded.

Chinese headers, frozen header rows, column widths, dates as date cells, numbers as numbers; section and
total rows of the score sheet are =SUM formulas over the rows above them.

Written in openpyxl's write-only mode: rows stream to the file as they are made. A write-only sheet takes
whole rows in order, with its column widths and frozen panes set before the first; the small sheets are
laid out cell by cell in a `Grid` first (the score sheet's section rows are filled after their indicators).
The audit log, read from the database as it is written (services/snapshot.AuditLog), goes straight to the
sheet's XML (sheet_rows.py): a year at ten times the usual use (210,000 rows) in seconds and a few MB.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import DateAxis
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import coordinate_from_string
from openpyxl.worksheet._write_only import WriteOnlyWorksheet as Worksheet

from deadlines.specs import DeadlineSpec
from reports import chart_data, sheet_rows
from reports import labels as L
from reports.chart_data import ChartData
from reports.sheet_rows import SheetRows
from reports.task_format import number_text, render_deadline, render_target, section_label
from services.snapshot import LetterInfo, Snapshot, TaskRow

HEADER_FONT, BOLD = Font(bold=True, color="FFFFFF"), Font(bold=True)
HEADER_FILL, SECTION_FILL = PatternFill("solid", fgColor="1F4E78"), PatternFill("solid", fgColor="DDEBF7")
WRAP, TOP = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
DATE_FORMAT, TIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
ADJUSTMENT = {"bonus": "加分", "penalty": "扣分"}  # section 八's indicators have no number
TEMPLATE_ROWS = 500  # rows of the template whose 编号 column is formatted as text


class Grid:
    """A small sheet filled cell by cell in any order, then written row by row (`write`)."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.cells: dict[tuple[int, int], Cell] = {}
        self.max_row = 0

    def cell(self, row: int, column: int, value=None) -> Cell:
        cell = self.cells.get((row, column))
        if cell is None:
            cell = self.cells[(row, column)] = WriteOnlyCell(self.ws)
            self.max_row = max(self.max_row, row)
        if value is not None:
            cell.value = value
        return cell

    def __getitem__(self, ref: str) -> Cell:
        letters, row = coordinate_from_string(ref)
        return self.cell(row, column_index_from_string(letters))

    def __setitem__(self, ref: str, value) -> None:
        self[ref].value = value

    def append(self, values: Iterable) -> None:
        row = self.max_row + 1
        self.max_row = row
        for column, value in enumerate(values, start=1):
            self.cell(row, column, value)

    def write(self) -> None:
        """Every row in order (the sheet's widths and panes set before): then the sheet takes streamed rows."""
        width = max((c for _, c in self.cells), default=0)
        for r in range(1, self.max_row + 1):
            self.ws.append([self.cells.get((r, c)) for c in range(1, width + 1)])
        self.cells.clear()


def _header(grid: Grid, columns, row: int = 1) -> None:
    for col, (title, width, *_) in enumerate(columns, start=1):
        cell = grid.cell(row, col, title)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, Alignment(horizontal="center", wrap_text=True)
        grid.ws.column_dimensions[get_column_letter(col)].width = width


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 4)


# ---- 任务清单 ----------------------------------------------------------------------------------------


def letter_cells(row: TaskRow, sections: dict[int, str]) -> list:
    """The eleven columns the import reads back, for one task."""
    v = row.view
    stated = [DeadlineSpec.from_dict(d.spec) for d in v.deadlines]
    return [
        section_label(v.section, sections.get(v.section, "")),
        v.item,
        v.item_title,
        v.id,
        v.text,
        "、".join(v.departments),
        "、".join(v.recognized_by),
        "\n".join(render_target(t) for t in v.targets),
        "\n".join(render_deadline(s) for s in stated if not s.implicit),
        ", ".join(v.rubric),
        v.note,
    ]


def _report_summary(row: TaskRow) -> str | None:
    r = row.latest
    if r is None:
        return None
    parts = [L.REPORT_KIND.get(r.kind, r.kind), L.REPORT_STATUS.get(r.status, r.status)]
    parts += [
        f"{m.get('name', '')} {number_text(m['value'])}{m.get('unit', '')}"
        + (f"/目标{number_text(m['target'])}{m.get('unit', '')}" if m.get("target") is not None else "")
        for m in r.measures
        if m.get("value") is not None
    ]
    if r.note:
        parts.append(r.note)
    return " · ".join(parts)


def _task_sheet(ws: Worksheet, snapshot: Snapshot, sections: dict[int, str]) -> None:
    ws.freeze_panes = "E2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(L.TASK_COLUMNS))}{max(2, len(snapshot.tasks) + 1)}"
    grid = Grid(ws)
    _header(grid, L.TASK_COLUMNS)
    for r, row in enumerate(snapshot.tasks, start=2):
        status, latest = row.status, row.latest
        values = letter_cells(row, sections) + [
            L.COLOUR_NAME[status.colour] if status else L.CLOSED,
            status.reason if status else None,
            status.due if status else None,
            latest.submitted_at.date() if latest else None,
            _report_summary(row),
            ("是" if latest.status == "verified" else "否") if latest else "否",
            latest.evidence if latest else 0,
        ]
        for c, value in enumerate(values, start=1):
            cell = grid.cell(r, c, value)
            cell.alignment = WRAP if c in (5, 8, 9, 13, 16) else TOP
        grid.cell(r, 4).number_format = "@"
        for c in (14, 15):
            grid.cell(r, c).number_format = DATE_FORMAT
        if status:
            grid.cell(r, 12).fill = PatternFill("solid", fgColor=L.COLOUR_FILL[status.colour])
    grid.write()


# ---- 考核评分 ----------------------------------------------------------------------------------------


def _score_sheet(sheet: Worksheet, snapshot: Snapshot) -> None:
    result, sources = snapshot.standing.result, snapshot.standing.sources
    sheet.freeze_panes = "C2"
    ws = Grid(sheet)
    _header(ws, L.SCORE_COLUMNS)
    r, section_rows = 2, []
    for sec in result.sections:
        head, r = r, r + 1
        ws.cell(head, 1, sec.numeral)
        ws.cell(head, 2, sec.title)
        for ind in sec.indicators:
            lost = ind.lost("projected")
            reasons = [why for s in lost for why in s.why("projected")] + list(ind.notes)
            used = [f"{s.id}:{src}" for s in ind.subitems for src in sources.get(s.id, [])]
            ws.append(
                [
                    ADJUSTMENT.get(str(ind.no), ind.no),
                    ind.name,
                    _num(ind.weight),
                    _num(ind.projected),
                    _num(ind.secured),
                    _num(ind.at_risk),
                    f"=C{r}-D{r}" if ind.weight else None,
                    "\n".join(reasons) or None,
                    "\n".join(used) or None,
                ]
            )
            for c in range(1, 10):
                ws.cell(r, c).alignment = WRAP if c in (2, 8, 9) else TOP
            r += 1
        first, last = head + 1, r - 1
        for col in "CDEFG":
            ws[f"{col}{head}"] = f"=SUM({col}{first}:{col}{last})" if last >= first else 0
        for c in range(1, 10):
            ws.cell(head, c).font, ws.cell(head, c).fill = BOLD, SECTION_FILL
        section_rows.append(head)
    ws.cell(r, 1, "合计").font = BOLD
    for col in "CDEFG":
        cells = ",".join(f"{col}{h}" for h in section_rows)
        ws[f"{col}{r}"] = f"=MAX(0,SUM({cells}))" if col in "DEF" else f"=SUM({cells})"
        ws[f"{col}{r}"].font = BOLD
    verdict = result.excellent.verdict("projected")
    ws.cell(r + 2, 1, "评优")
    ws.cell(r + 2, 2, ("预计达到" if verdict else "预计未达到") + "评优基本标准")
    ws.cell(r + 2, 8, "\n".join(result.excellent.why("projected"))).alignment = WRAP
    ws.cell(r + 3, 1, "口径")
    ws.cell(
        r + 3,
        2,
        f"{snapshot.today.isoformat()} 的考核事实;预计=已知扣分之外全部得分,已确认=经审核的事实证明的得分,"
        "风险分=逾期未报任务涉及的未确认分",
    )
    ws.write()


# ---- 操作记录 ----------------------------------------------------------------------------------------


def _readable_json(stored: str | None) -> str | None:
    """Stored JSON text as the office reads it: Chinese as itself. Text stored before the database wrote it
    that way (storage/db.py) has \\u escapes and is written out again; the rest goes as it is."""
    if stored is None or "\\u" not in stored:
        return stored
    return json.dumps(json.loads(stored), ensure_ascii=False)


def _style_id(ws: Worksheet, alignment: Alignment, number_format: str | None = None) -> int:
    """The workbook's id of a cell style (registered by openpyxl, so its styles table has it)."""
    cell = WriteOnlyCell(ws)
    cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell.style_id


def _audit_sheet(ws: Worksheet, snapshot: Snapshot) -> SheetRows:
    """The title and header rows; the log's rows, written straight as XML (sheet_rows.py), to splice in."""
    ws.freeze_panes = "A3"
    grid = Grid(ws)
    grid.cell(
        1,
        1,
        f"操作记录 {snapshot.audit_from.isoformat()} 至 {snapshot.audit_to.isoformat()},共 {len(snapshot.audit)} 条",
    ).font = BOLD
    _header(grid, L.AUDIT_COLUMNS, row=2)
    grid.write()
    # each column's style: the time as a time, the entity id as text, before and after wrapped
    top = _style_id(ws, TOP)
    styles = [_style_id(ws, TOP, TIME_FORMAT), top, top, top, top, _style_id(ws, TOP, "@")]
    rows = SheetRows(3, styles + [_style_id(ws, WRAP)] * 2)
    for a in snapshot.audit:
        rows.add(
            (
                a.at,
                a.actor,
                a.who or None,
                L.action_name(a.action),
                a.entity,
                a.entity_id,
                _readable_json(a.before_json),
                _readable_json(a.after_json),
            )
        )
    return rows


# ---- 部门, 责任书, 图表 ------------------------------------------------------------------------------


def _department_sheet(ws: Worksheet, departments) -> None:
    ws.freeze_panes = "A2"
    grid = Grid(ws)
    _header(grid, [("名称", 24), ("级别", 10), ("别名", 60)])
    for name, level, aliases in departments:
        grid.append([name, L.LEVEL_NAME.get(level, level), "、".join(aliases) or None])
    grid.write()


def _letter_sheet(ws: Worksheet, info: LetterInfo | None) -> None:
    ws.freeze_panes = "A2"
    grid = Grid(ws)
    _header(grid, [("项目", 12), ("内容", 100)])
    for r, (key, title) in enumerate(L.LETTER_FIELDS, start=2):
        grid.cell(r, 1, title).font = BOLD
        value = getattr(info, key) if info is not None else None
        cell = grid.cell(r, 2, value)
        cell.alignment = WRAP
        if key == "issued_on":
            cell.number_format = DATE_FORMAT
        if key == "code":
            cell.number_format = "@"
    grid.write()


CHART_WIDTH, LINES_HEIGHT = 18.0, 10.0  # cm
BAR_CM = {"bars": 0.9, "stacked": 0.6}  # height per category: three bars side by side need more
ROW_CM = 0.53  # a default row (15 pt) in cm: how many rows a chart covers


def _native_chart(data: ChartData, table: Reference, categories: Reference) -> BarChart | LineChart:
    """The chart of `data` over its table's cells: clustered or stacked horizontal bars, the first row at the
    top as in the table; or lines over a date axis with a tick a month."""
    chart: BarChart | LineChart
    if data.kind == "days":
        chart = LineChart()
        chart.x_axis = DateAxis(crossAx=chart.y_axis.axId)
        chart.y_axis.crossAx = chart.x_axis.axId  # each axis names the other (the default names a text axis)
        chart.x_axis.number_format = 'm"月"'
        chart.x_axis.majorTimeUnit, chart.x_axis.majorUnit = "months", 1
        chart.height = LINES_HEIGHT
    else:
        chart = BarChart()
        chart.type, chart.gapWidth = "bar", 60
        if data.kind == "stacked":
            chart.grouping, chart.overlap = "stacked", 100
        chart.x_axis.scaling.orientation = "maxMin"  # the first row at the top
        chart.y_axis.crosses = "max"  # and the value axis below the bars
        chart.height = max(7.5, BAR_CM[data.kind] * len(data.categories) + 3.5)
    chart.add_data(table, titles_from_data=True)
    chart.set_categories(categories)
    chart.title, chart.y_axis.title = data.title, data.axis
    chart.x_axis.delete = chart.y_axis.delete = False  # left unset, Excel hides them
    chart.width = CHART_WIDTH
    chart.legend.position = "b"
    for drawn, s in zip(chart.series, data.series, strict=True):
        colour = s.colour.lstrip("#").upper()
        props = drawn.graphicalProperties
        if data.kind == "days":
            drawn.smooth = False
            drawn.marker.symbol = "none"
            props.line.solidFill, props.line.width = colour, 19050 if s.dashed else 28575  # EMU: 1.5 pt, 2.25 pt
            if s.dashed:
                props.line.dashStyle = "dash"
        elif s.outline:
            props.noFill = True
            props.line.solidFill = colour
        else:
            props.solidFill = colour
            props.line.noFill = True
    return chart


def _chart_sheet(ws: Worksheet, charts: Sequence[ChartData]) -> None:
    """Per chart: its heading, its numbers as a table (categories down column A, a column per series) and
    the native chart over them, to the right; the next chart below both."""
    width = max(len(c.series) for c in charts) + 1
    ws.column_dimensions["A"].width = 30
    for col in range(2, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 18
    grid, row = Grid(ws), 1
    for data in charts:
        grid.cell(row, 1, data.caption).font = BOLD
        head, last = row + 1, row + 1 + len(data.categories)
        for col, title in enumerate([data.category] + [s.label for s in data.series], start=1):
            grid.cell(head, col, title).font = BOLD
        for r, category in enumerate(data.categories, start=head + 1):
            cell = grid.cell(r, 1, category)
            if data.kind == "days":
                cell.number_format = DATE_FORMAT
        for col, s in enumerate(data.series, start=2):
            for r, value in enumerate(s.values, start=head + 1):
                grid.cell(r, col, _num(value))
        table = Reference(ws, min_col=2, max_col=len(data.series) + 1, min_row=head, max_row=max(head + 1, last))
        categories = Reference(ws, min_col=1, min_row=head + 1, max_row=max(head + 1, last))
        chart = _native_chart(data, table, categories)
        ws.add_chart(chart, f"{get_column_letter(width + 2)}{head}")
        row = max(last, head + math.ceil(chart.height / ROW_CM)) + 3
    grid.write()


def build_workbook(snapshot: Snapshot, charts: bool = True) -> bytes:
    """The office workbook of `snapshot`; `charts=False` leaves the chart sheet out."""
    wb = Workbook(write_only=True)
    _task_sheet(wb.create_sheet(L.TASK_SHEET), snapshot, snapshot.sections)
    _score_sheet(wb.create_sheet(L.SCORE_SHEET), snapshot)
    audit = wb.create_sheet(L.AUDIT_SHEET)
    audit_rows = _audit_sheet(audit, snapshot)
    if charts:
        _chart_sheet(wb.create_sheet(L.CHART_SHEET), chart_data.all_charts(snapshot))
    _department_sheet(wb.create_sheet(L.DEPARTMENT_SHEET), snapshot.departments)
    _letter_sheet(wb.create_sheet(L.LETTER_SHEET), snapshot.letter)
    return sheet_rows.save(wb, {audit: audit_rows})


def template_workbook(departments, info: LetterInfo | None = None) -> bytes:
    """An empty task sheet (the columns the import reads), how to fill it, the departments, the letter."""
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(L.TASK_SHEET)
    sheet.freeze_panes = "E2"
    ws = Grid(sheet)
    columns = [c for c in L.TASK_COLUMNS if c[2] == "letter"]
    _header(ws, columns)
    for r in range(2, TEMPLATE_ROWS + 2):
        ws.cell(r, 4).number_format = "@"
        for c in (5, 8, 9):
            ws.cell(r, c).alignment = WRAP
    ws.write()
    guide = Grid(wb.create_sheet(L.GUIDE_SHEET))
    _header(guide, [("列", 16), ("填写方法", 110)])
    for column, how in L.GUIDE:
        guide.append([column, how])
        guide.cell(guide.max_row, 2).alignment = WRAP
    guide.append([])
    guide.append(["导入", "duban letter import 文件.xlsx --year 年度;有错误时逐条列出(工作表、行、列),不写入任何内容"])
    guide.write()
    _department_sheet(wb.create_sheet(L.DEPARTMENT_SHEET), departments)
    _letter_sheet(wb.create_sheet(L.LETTER_SHEET), info)
    return sheet_rows.save(wb, {})


def export_name(snapshot: Snapshot) -> str:
    return f"duban-{snapshot.letter.code}-{snapshot.today.isoformat()}.xlsx"


def template_name(year: int | None = None) -> str:
    return f"duban-letter-template{f'-{year}' if year else ''}.xlsx"
