"""The office's weekly report (周报): the score, what changed in the week (from the audit log), the red
items, the three charts and the workbook. Sent once a week by scheduler/weekly.py, which also decides
which week is due.

Rendering only: services/weekly.py gathers the week (`gather_week`) and `build` turns that plain data into
the report, so nothing here needs the database.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape

from reports import charts as charts_mod
from reports.charts import Chart
from reports.labels import action_name
from reports.workbook import build_workbook, export_name
from services.snapshot import AuditRow, Snapshot
from services.weekly import WeekData

WEEKDAYS = "一二三四五六日"
QUIET_ACTORS = ("first-start",)  # the bundled letter loaded on a first start: not news
REPORT_ACTIONS = ("report.submit", "report.verify", "report.reject", "report.withdraw", "report.progress")
MAX_LISTED, MAX_RED = 12, 15


@dataclass(frozen=True)
class WeeklyReport:
    scheduled: date  # the day the report belongs to (the key of its delivery)
    text: str  # HTML
    charts: list[Chart]
    workbook: bytes
    filename: str


def _listed(codes: Iterable[str]) -> str:
    codes = list(OrderedDict.fromkeys(c for c in codes if c))
    shown = "、".join(escape(c) for c in codes[:MAX_LISTED])
    return shown + (f" 等 {len(codes)} 项" if len(codes) > MAX_LISTED else "")


def changes(rows: Iterable[AuditRow], report_task: dict[str, str], deadline_task: dict[str, str]) -> list[str]:
    """One line per kind of change in the week, with the tasks (or sub-items) it touched."""
    groups: dict[str, list[str]] = OrderedDict()
    for a in rows:
        if a.actor in QUIET_ACTORS:
            continue
        if a.action in REPORT_ACTIONS:
            what = report_task.get(a.entity_id, f"#{a.entity_id}")
        elif a.action == "facts.from_report":
            groups.setdefault("考核事实(来自上报)", []).extend(sorted((a.after or {}).keys()))
            continue
        elif a.action == "facts.set":
            what = a.entity_id
        elif a.action.startswith("deadline."):
            what = (a.after or {}).get("task") or deadline_task.get(a.entity_id, f"#{a.entity_id}")
        elif a.action.startswith("task."):
            what = a.entity_id
        else:
            continue
        groups.setdefault(action_name(a.action), []).append(what)
    return [f"· {escape(name)} {len(codes)} 次:{_listed(codes)}" for name, codes in groups.items()]


def render_text(snapshot: Snapshot, start: date, end: date, change_lines: list[str], office: str) -> str:
    """The report's text (HTML); `office` is the coordinating office as the letter names it."""
    total = snapshot.standing.result.total
    red = [(r.view, r.status) for r in snapshot.tasks if r.status is not None and r.status.colour == "red"]
    lines = [
        f"<b>📊 {escape(office)}周报</b> {start.month}月{start.day}日—{end.month}月{end.day}日",
        f"{escape(snapshot.letter.title)}",
        "",
        f"<b>得分</b>:预计 {_n(total.projected)} 分,已确认 {_n(total.secured)} 分,风险 {_n(total.at_risk)} 分",
        "",
        "<b>本周变化</b>",
    ]
    lines += change_lines or ["· 本周没有上报、审核、考核事实或截止时间的变化"]
    lines += ["", f"<b>🔴 红色预警 {len(red)} 项</b>"]
    for view, status in red[:MAX_RED]:
        lines.append(f"<b>{escape(view.id)}</b> {escape('、'.join(view.departments))}:{escape(status.reason)}")
    if len(red) > MAX_RED:
        lines.append(f"……另有 {len(red) - MAX_RED} 项,见附件工作簿“任务清单”")
    if not red:
        lines.append("无逾期未报任务")
    lines += ["", "附:图表 3 张,工作簿 1 份(任务清单、考核评分、操作记录)"]
    return "\n".join(lines)


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def build(week: WeekData) -> WeeklyReport:
    """The report for the week `week` covers (from services.weekly.gather_week)."""
    snapshot = week.snapshot
    text = render_text(
        snapshot, week.start, week.end, changes(week.week, week.report_task, week.deadline_task), week.office
    )
    pictures = charts_mod.render_all(snapshot)  # for the chat; the workbook draws the same numbers natively
    return WeeklyReport(week.scheduled, text, pictures, build_workbook(snapshot), export_name(snapshot))
