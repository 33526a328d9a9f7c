"""The three pictures of the office reports, as PNG bytes: section scores against their weights, tasks by
status colour per department, and open tasks over the year (burn-down).

matplotlib's Agg backend through its object API (no pyplot, no global figure state); every text in the
shipped CJK font (reports/fonts.py). Rendering holds a lock: matplotlib's rc settings are process-wide.
"""

from __future__ import annotations

import io
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

import matplotlib

matplotlib.use("Agg")

from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from reports import fonts
from reports.labels import COLOUR_CHART, COLOUR_NAME
from reports.task_format import section_label

_LOCK = threading.Lock()
ORDER = ("red", "yellow", "green", "done")


@dataclass(frozen=True)
class Chart:
    name: str  # file stem, e.g. "scores"
    title: str  # Chinese, for captions
    png: bytes


@dataclass(frozen=True)
class SectionBar:
    label: str
    weight: float
    projected: float
    secured: float


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    with _LOCK, matplotlib.rc_context(fonts.rc()):
        FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()


def section_figure(bars: list[SectionBar], total: tuple[float, float, float]) -> Figure:
    """Horizontal bars per section: weight (outline), projected and secured points."""
    d = fonts.drawable
    with _LOCK, matplotlib.rc_context(fonts.rc()):
        fig = Figure(figsize=(9, 0.7 * len(bars) + 1.8), dpi=110)
        ax = fig.add_subplot()
        ys = list(range(len(bars)))[::-1]
        ax.barh(ys, [b.weight for b in bars], height=0.75, color="none", edgecolor="#888888", label=d("权重"))
        ax.barh([y + 0.17 for y in ys], [b.projected for b in bars], height=0.32, color="#5b9bd5", label=d("预计得分"))
        ax.barh([y - 0.17 for y in ys], [b.secured for b in bars], height=0.32, color="#70ad47", label=d("已确认得分"))
        for y, b in zip(ys, bars, strict=True):
            ax.text(b.weight + 3, y, d(f"{_n(b.projected)} / {_n(b.weight)}"), va="center", fontsize=9)
        ax.set_yticks(ys, [d(b.label) for b in bars], fontsize=9)
        ax.set_xlim(0, max([b.weight for b in bars] + [1]) * 1.25)
        ax.set_xlabel(d("分"))
        projected, secured, at_risk = total
        ax.set_title(
            d(f"各部分得分与权重(预计 {_n(projected)} 分,已确认 {_n(secured)} 分,风险 {_n(at_risk)} 分)"), fontsize=11
        )
        ax.legend(loc="lower right", fontsize=9)
        fig.tight_layout()
        return fig


def status_figure(counts: dict[str, Counter]) -> Figure:
    """Stacked bars per department: its tasks by colour (a task shared by two departments counts for both)."""
    d = fonts.drawable
    names = sorted(counts, key=lambda n: (-counts[n]["red"], -counts[n]["yellow"], -sum(counts[n].values()), n))
    with _LOCK, matplotlib.rc_context(fonts.rc()):
        fig = Figure(figsize=(9, 0.32 * len(names) + 1.6), dpi=110)
        ax = fig.add_subplot()
        ys = list(range(len(names)))[::-1]
        left = [0] * len(names)
        for colour in ORDER:
            values = [counts[n][colour] for n in names]
            ax.barh(ys, values, left=left, color=COLOUR_CHART[colour], label=d(COLOUR_NAME[colour]), height=0.7)
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_yticks(ys, [d(n) for n in names], fontsize=8)
        ax.set_xlabel(d("任务数"))
        cast(MaxNLocator, ax.xaxis.get_major_locator()).set_params(integer=True)  # the default AutoLocator
        ax.set_title(d("各部门任务状态(三色预警)"), fontsize=11)
        ax.legend(loc="lower right", fontsize=9, ncols=4)
        ax.set_ylim(-0.7, len(names) - 0.3)
        ax.set_xlim(0, max([sum(c.values()) for c in counts.values()] + [1]) * 1.08)
        fig.tight_layout()
        return fig


def burndown_figure(year: int, today: date, occurrences: list[tuple[date, date | None]]) -> Figure:
    """Open deadline occurrences (a task due quarterly counts four times) per day of the year: planned (each
    done on its due day) and actual (done when a verified report answers it), the actual line up to today."""
    d = fonts.drawable
    start, end = date(year, 1, 1), date(year, 12, 31)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    planned = [sum(1 for due, _ in occurrences if due >= day) for day in days]
    shown = [day for day in days if day <= today]
    actual = [sum(1 for _, done in occurrences if done is None or done > day) for day in shown]
    with _LOCK, matplotlib.rc_context(fonts.rc()):
        fig = Figure(figsize=(9, 4.2), dpi=110)
        ax = fig.add_subplot()
        ax.step(
            mdates.date2num(days), planned, where="post", color="#7f7f7f", linestyle="--", label=d("计划(到期即完成)")
        )
        if shown:
            ax.step(
                mdates.date2num(shown),
                actual,
                where="post",
                color="#c00000",
                linewidth=2,
                label=d("实际(审核通过才算完成)"),
            )
            ax.annotate(
                d(f"{actual[-1]} 个"),
                (mdates.date2num(shown[-1]), actual[-1]),
                textcoords="offset points",
                xytext=(4, 4),
                fontsize=9,
                color="#c00000",
            )
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{mdates.num2date(x).month}月"))
        ax.set_xlim(mdates.date2num(start), mdates.date2num(end))
        ax.set_ylim(0, max(planned + [1]) * 1.08)
        ax.set_ylabel(d("未完成的任务节点"))
        ax.set_title(d(f"{year}年未完成任务节点(燃尽图,截至{today.month}月{today.day}日)"), fontsize=11)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="lower left", fontsize=9)
        fig.tight_layout()
        return fig


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


# ---- from a snapshot -----------------------------------------------------------------------------


def section_bars(snapshot) -> list[SectionBar]:
    return [
        SectionBar(section_label(s.no, s.title), s.weight, s.projected, s.secured)
        for s in snapshot.standing.result.sections
        if s.weight
    ]


def department_counts(snapshot) -> dict[str, Counter]:
    counts: dict[str, Counter] = {}
    for row in snapshot.tasks:
        if row.status is None:
            continue
        for name in row.view.departments:
            counts.setdefault(name, Counter())[row.status.colour] += 1
    return counts


def figures(snapshot) -> list[tuple[str, str, Figure]]:
    """(file stem, Chinese title, figure) of the three charts; every text in the CJK font."""
    total = snapshot.standing.result.total
    return [
        (
            "scores",
            "各部分得分与权重",
            section_figure(section_bars(snapshot), (total.projected, total.secured, total.at_risk)),
        ),
        ("status", "各部门任务状态", status_figure(department_counts(snapshot))),
        (
            "burndown",
            "全年未完成任务节点(燃尽图)",
            burndown_figure(snapshot.letter.year, snapshot.today, list(snapshot.occurrences)),
        ),
    ]


def render_all(snapshot) -> list[Chart]:
    return [Chart(name, title, _png(fig)) for name, title, fig in figures(snapshot)]
