"""What the three office charts show, from a snapshot: their titles and series (labels, values, colours), as
plain data. Both drawings of a chart take it from here, so they cannot disagree on a number: the PNG pictures
sent in the chat (reports/charts.py) and the native Excel charts of the workbook's chart sheet, whose numbers
stand in cells next to them (reports/workbook.py).

No drawing library here: the workbook is built without matplotlib.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from reports.labels import COLOUR_CHART, COLOUR_NAME
from reports.task_format import section_label
from services.snapshot import Snapshot

ORDER = ("red", "yellow", "green", "done")  # the colours of the status chart, stacked in this order


@dataclass(frozen=True)
class Series:
    label: str
    colour: str  # "#rrggbb"
    values: tuple[float, ...]  # one per category; a shorter tuple has no value yet for the rest
    outline: bool = False  # bars: an unfilled outline (the weight behind the scores)
    dashed: bool = False  # lines: dashed and thin (the plan), else solid and thick


@dataclass(frozen=True)
class ChartData:
    name: str  # file stem, e.g. "scores"
    kind: str  # "bars" (side by side), "stacked" (bars), "days" (lines over the days of the year)
    caption: str  # short Chinese title: the picture's caption, the heading in the chart sheet
    title: str  # the chart's own title (with the totals, or the day it stands at)
    category: str  # the header of the categories' column
    categories: tuple  # section labels, department names, or the days of the year
    series: tuple[Series, ...]
    axis: str  # the value axis' title


def n(x: float) -> str:
    """A number as the charts write it: whole numbers without a decimal point, others to one place."""
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


def scores(snapshot: Snapshot) -> ChartData:
    """Per section with a weight: its weight (outline), projected and secured points."""
    sections = [s for s in snapshot.standing.result.sections if s.weight]
    total = snapshot.standing.result.total
    return ChartData(
        "scores",
        "bars",
        "各部分得分与权重",
        f"各部分得分与权重(预计 {n(total.projected)} 分,已确认 {n(total.secured)} 分,风险 {n(total.at_risk)} 分)",
        "部分",
        tuple(section_label(s.no, s.title) for s in sections),
        (
            Series("权重", "#888888", tuple(s.weight for s in sections), outline=True),
            Series("预计得分", "#5b9bd5", tuple(s.projected for s in sections)),
            Series("已确认得分", "#70ad47", tuple(s.secured for s in sections)),
        ),
        "分",
    )


def department_counts(snapshot: Snapshot) -> dict[str, Counter]:
    """Each department's open and done tasks by colour (a task shared by two departments counts for both)."""
    counts: dict[str, Counter] = {}
    for row in snapshot.tasks:
        if row.status is None:
            continue
        for name in row.view.departments:
            counts.setdefault(name, Counter())[row.status.colour] += 1
    return counts


def status(snapshot: Snapshot) -> ChartData:
    """Stacked per department, the most red (then yellow, then tasks) first."""
    counts = department_counts(snapshot)
    names = sorted(counts, key=lambda d: (-counts[d]["red"], -counts[d]["yellow"], -sum(counts[d].values()), d))
    return ChartData(
        "status",
        "stacked",
        "各部门任务状态",
        "各部门任务状态(三色预警)",
        "部门",
        tuple(names),
        tuple(Series(COLOUR_NAME[c], COLOUR_CHART[c], tuple(counts[d][c] for d in names)) for c in ORDER),
        "任务数",
    )


def burndown(snapshot: Snapshot) -> ChartData:
    """Open deadline occurrences (a task due quarterly counts four times) at the end of each day of the year:
    planned (each done on its due day) and actual (done when a verified report answers it), up to today."""
    year, today = snapshot.letter.year, snapshot.today
    start = date(year, 1, 1)
    days = tuple(start + timedelta(days=i) for i in range((date(year, 12, 31) - start).days + 1))
    dues = sorted(due for due, _ in snapshot.occurrences)
    done = sorted(d for _, d in snapshot.occurrences if d is not None)
    total = len(dues)
    planned = tuple(total - bisect_left(dues, day) for day in days)  # due on or after the day
    actual = tuple(total - bisect_right(done, day) for day in days if day <= today)  # not done by the day
    return ChartData(
        "burndown",
        "days",
        "全年未完成任务节点(燃尽图)",
        f"{year}年未完成任务节点(燃尽图,截至{today.month}月{today.day}日)",
        "日期",
        days,
        (
            Series("计划(到期即完成)", "#7f7f7f", planned, dashed=True),
            Series("实际(审核通过才算完成)", "#c00000", actual),
        ),
        "未完成的任务节点",
    )


def all_charts(snapshot: Snapshot) -> list[ChartData]:
    """The three charts, in the order they are sent and laid out."""
    return [scores(snapshot), status(snapshot), burndown(snapshot)]
