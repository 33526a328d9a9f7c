"""Rendering tasks for a phone: colour groups, one task whole, what is due. Chinese, HTML-escaped."""

from __future__ import annotations

from datetime import date

from handlers.markup import esc
from services.year_end import LATE, MISSING, ON_TIME, TaskOutcome

COLOUR = {"red": ("🔴", "逾期"), "yellow": ("🟡", "临近或待审核"), "green": ("🟢", "正常"), "done": ("✅", "已完成")}
OUTCOME = {ON_TIME: ("✅", "按时完成"), LATE: ("⏱", "逾期完成"), MISSING: ("❌", "未上报")}  # how a year ended
WEEKDAYS = "一二三四五六日"
STATUS_NAMES = {"submitted": "待审核", "verified": "已通过", "rejected": "已退回", "withdrawn": "已撤回"}
KIND_NAMES = {"completion": "完成上报", "progress": "进度上报"}


def clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def day(d: date) -> str:
    return f"{d.month}月{d.day}日(周{WEEKDAYS[d.weekday()]})"


def md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def outcome_text(t: TaskOutcome) -> str:
    """How one task's year ended, in a few words."""
    if t.outcome == MISSING:
        more = f",共 {t.missing} 次未报" if t.missing > 1 else ""
        return f"截止{md(t.due)},始终未上报{more}"
    reported = md(t.reported_on) if t.reported_on else ""
    if t.outcome == LATE:
        late = f"晚{t.late_workdays}个工作日" if t.late_workdays else "晚于截止日"
        text = f"截止{md(t.due)},{reported}上报({late})"
    else:
        text = f"{reported}上报,按时" if reported else "按时上报"
    return text + ("" if t.verified else ",待审核")


def status_list(title: str, statuses) -> str:
    lines = [f"📋 <b>{esc(title)}</b>(共 {len(statuses)} 项)"]
    for colour in ("red", "yellow", "green", "done"):
        group = [s for s in statuses if s.colour == colour]
        if not group:
            continue
        mark, name = COLOUR[colour]
        lines.append(f"\n{mark} <b>{name}</b>({len(group)})")
        for s in group:
            when = (
                f"逾期{s.overdue_workdays}个工作日"
                if colour == "red"
                else (f"截止{s.due.month}月{s.due.day}日" if s.due else "")
            )
            lines.append(f"· <b>{esc(s.code)}</b> {esc(clip(s.text))} {when}")
    lines.append("\n发送 /task 编号 查看详情,/done 编号 上报完成。")
    return "\n".join(lines)


def measure_text(m: dict) -> str:
    target = f"/目标{m['target']:g}{esc(m['unit'])}" if m.get("target") else ""
    return f"{esc(m['name'])} {m['value']:g}{esc(m['unit'])}{target}"


def task_detail(detail, tz) -> str:
    v = detail.view
    lines = [
        f"📌 <b>任务 {esc(v.id)}</b> · {esc(v.item_title)}({detail.year.year}年度)",
        esc(v.text),
        "",
        f"责任部门:{esc('、'.join(v.departments))}",
        f"认定部门:{esc('、'.join(v.recognized_by))}",
    ]
    if v.targets:
        lines.append("量化目标:" + ";".join(f"{esc(t['name'])} {t['value']:g}{esc(t['unit'])}" for t in v.targets))
    lines.append("截止时间:")
    for d in v.deadlines:
        shown = d.dates if len(d.dates) <= 12 else d.dates[:3]  # a weekly duty has 52
        more = "" if len(shown) == len(d.dates) else f"……共{len(d.dates)}次"
        dates = "、".join(f"{x.month}月{x.day}日" for x in shown) + more or (
            "(最短期限,不是截止日)" if d.kind == "duration" else "(事件发生后起算)"
        )
        phrase = f"「{esc(d.phrase)}」" if d.phrase else "(未写明,按年底)"
        source = f" 〔{esc(d.source)}〕" if d.source else ""
        lines.append(f"· {dates} {phrase}{source}")
    if detail.outcome is not None:  # the year is over: how it ended, not days overdue ever since
        mark, name = OUTCOME[detail.outcome.outcome]
        lines.append(f"年度结果({detail.year.year}年度已结束):{mark}{name},{outcome_text(detail.outcome)}")
    elif detail.status:
        mark, name = COLOUR[detail.status.colour]
        lines.append(f"当前状态:{mark}{name}。{esc(detail.status.reason)}")
    if detail.rubric:
        lines.append(
            "考核细则:" + ";".join(f"{esc(sid)} {esc(name)}({points:g}分)" for sid, name, points in detail.rubric)
        )
    if detail.reports:
        lines.append("上报记录:")
        for r in detail.reports:
            when = r.submitted_at.astimezone(tz).strftime("%m-%d")
            measures = ";".join(measure_text(m) for m in r.measures or [])
            lines.append(
                f"· 第{r.id}号 {when} {KIND_NAMES.get(r.kind, r.kind)} {STATUS_NAMES.get(r.status, r.status)}"
                + (f" {measures}" if measures else "")
                + (f" 佐证{r.evidence}份" if r.evidence else "")
            )
    else:
        lines.append("上报记录:暂无。发送 /done " + esc(v.id) + " 上报完成情况。")
    return "\n".join(lines)


def due_list(items, days: int) -> str:
    if not items:
        return f"未来{days}天没有需要上报的截止事项。"
    lines = [f"⏰ <b>未来{days}天到期</b>(共 {len(items)} 项)"]
    for i in items:
        left = "今天到期" if i.workdays_left == 0 else f"还剩{i.workdays_left}个工作日"
        lines.append(f"· {day(i.due)} <b>{esc(i.code)}</b> {esc(clip(i.text, 30))}({left})")
    return "\n".join(lines)


def overdue_list(statuses) -> str:
    red = [s for s in statuses if s.colour == "red"]
    if not red:
        return "✅ 目前没有逾期任务。"
    by_dep: dict[str, list] = {}
    for s in red:
        for dep in s.departments:
            by_dep.setdefault(dep, []).append(s)
    lines = [f"🔴 <b>逾期任务</b>(共 {len(red)} 项)"]
    for dep, items in sorted(by_dep.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.append(f"\n<b>{esc(dep)}</b>({len(items)})")
        lines += [f"· {esc(s.code)} {esc(clip(s.text, 30))} 逾期{s.overdue_workdays}个工作日" for s in items]
    return "\n".join(lines)
