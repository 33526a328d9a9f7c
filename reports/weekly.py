"""The office's weekly report (周报): the score, what changed in the week (from the audit log), the red
items, the three charts and the workbook. Sent by the reminder run (scheduler/runner.py) once a week.

`week_of(now, at)` says which report is due: the one scheduled on the configured weekday and time of the
current week, from that moment until the week ends (so a holiday Monday or a stopped bot delays it to the
next run that week, never skips or repeats it).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Deadline, Report, Task
from reports import charts as charts_mod
from reports.charts import Chart
from reports.data import AuditRow, Snapshot, collect
from reports.labels import action_name
from reports.workbook import build_workbook, export_name
from services.tasks import current_letter

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


def week_of(now: datetime, weekday: int, at) -> date | None:
    """The scheduled day of this week's report if it is due at `now` (weekday 0 = Monday), else None."""
    scheduled = now.date() - timedelta(days=now.weekday() - weekday)
    if now.date() < scheduled or (now.date() == scheduled and now.time() < at):
        return None
    return scheduled


def _listed(codes) -> str:
    codes = list(OrderedDict.fromkeys(c for c in codes if c))
    shown = "、".join(escape(c) for c in codes[:MAX_LISTED])
    return shown + (f" 等 {len(codes)} 项" if len(codes) > MAX_LISTED else "")


def changes(rows: list[AuditRow], report_task: dict[str, str], deadline_task: dict[str, str]) -> list[str]:
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


def render_text(snapshot: Snapshot, start: date, end: date, change_lines: list[str]) -> str:
    total = snapshot.standing.result.total
    red = [r for r in snapshot.tasks if r.status is not None and r.status.colour == "red"]
    lines = [f"<b>📊 美丽办周报</b> {start.month}月{start.day}日—{end.month}月{end.day}日",
             f"{escape(snapshot.letter.title)}",
             "",
             f"<b>得分</b>:预计 {_n(total.projected)} 分,已确认 {_n(total.secured)} 分,风险 {_n(total.at_risk)} 分",
             "",
             "<b>本周变化</b>"]
    lines += change_lines or ["· 本周没有上报、审核、考核事实或截止时间的变化"]
    lines += ["", f"<b>🔴 红色预警 {len(red)} 项</b>"]
    for row in red[:MAX_RED]:
        lines.append(f"<b>{escape(row.view.id)}</b> {escape('、'.join(row.view.departments))}:"
                     f"{escape(row.status.reason)}")
    if len(red) > MAX_RED:
        lines.append(f"……另有 {len(red) - MAX_RED} 项,见附件工作簿“任务清单”")
    if not red:
        lines.append("无逾期未报任务")
    lines += ["", "附:图表 3 张,工作簿 1 份(任务清单、考核评分、操作记录)"]
    return "\n".join(lines)


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def _task_codes(session: Session, rows: list[AuditRow]) -> tuple[dict[str, str], dict[str, str]]:
    report_ids = {int(a.entity_id) for a in rows if a.entity == "report" and a.entity_id.isdigit()}
    deadline_ids = {int(a.entity_id) for a in rows if a.entity == "deadline" and a.entity_id.isdigit()}
    reports = dict(session.execute(select(Report.id, Task.code).join(Task, Task.id == Report.task_id)
                                   .where(Report.id.in_(report_ids))).all()) if report_ids else {}
    deadlines = dict(session.execute(select(Deadline.id, Task.code).join(Task, Task.id == Deadline.task_id)
                                     .where(Deadline.id.in_(deadline_ids))).all()) if deadline_ids else {}
    return {str(k): v for k, v in reports.items()}, {str(k): v for k, v in deadlines.items()}


def build(session: Session, scheduled: date, today: date, calendar, policy, tz) -> WeeklyReport:
    """The report for the week before `scheduled` (seven days up to the day before it)."""
    start, end = scheduled - timedelta(days=7), scheduled - timedelta(days=1)
    year = current_letter(session).year
    snapshot = collect(session, today, calendar, policy, tz, min(date(year, 1, 1), start),
                       max(date(year, 12, 31), today))
    week = [a for a in snapshot.audit if start <= a.at.date() <= end]
    report_task, deadline_task = _task_codes(session, week)
    pictures = charts_mod.render_all(snapshot)
    return WeeklyReport(scheduled, render_text(snapshot, start, end, changes(week, report_task, deadline_task)),
                        pictures, build_workbook(snapshot, pictures), export_name(snapshot))
