"""The three pictures of the office reports, as PNG bytes, for the chat (/chart, the weekly report): section
scores against their weights, tasks by status colour per department, and open tasks over the year
(burn-down). What each shows comes from reports/chart_data.py, as for the workbook's native charts.

matplotlib's Agg backend through its object API (no pyplot, no global figure state); every text in the
shipped CJK font (reports/fonts.py). Rendering holds a lock: matplotlib's rc settings are process-wide.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import cast

import matplotlib

matplotlib.use("Agg")

from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from reports import chart_data, fonts
from reports.chart_data import ChartData, n
from services.snapshot import Snapshot

_LOCK = threading.Lock()


@dataclass(frozen=True)
class Chart:
    name: str  # file stem, e.g. "scores"
    title: str  # Chinese, for captions
    png: bytes


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    with _LOCK, matplotlib.rc_context(fonts.rc()):
        FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()


def section_figure(data: ChartData) -> Figure:
    """Horizontal bars per section: weight (outline), projected and secured points."""
    d = fonts.drawable
    weight, projected, secured = data.series
    with _LOCK, matplotlib.rc_context(fonts.rc()):
        fig = Figure(figsize=(9, 0.7 * len(data.categories) + 1.8), dpi=110)
        ax = fig.add_subplot()
        ys = list(range(len(data.categories)))[::-1]
        ax.barh(ys, weight.values, height=0.75, color="none", edgecolor=weight.colour, label=d(weight.label))
        for s, shift in ((projected, 0.17), (secured, -0.17)):
            ax.barh([y + shift for y in ys], s.values, height=0.32, color=s.colour, label=d(s.label))
        for y, w, p in zip(ys, weight.values, projected.values, strict=True):
            ax.text(w + 3, y, d(f"{n(p)} / {n(w)}"), va="center", fontsize=9)
        ax.set_yticks(ys, [d(label) for label in data.categories], fontsize=9)
        ax.set_xlim(0, max([*weight.values, 1]) * 1.25)
        ax.set_xlabel(d(data.axis))
        ax.set_title(d(data.title), fontsize=11)
        ax.legend(loc="lower right", fontsize=9)
        fig.tight_layout()
        return fig


def status_figure(data: ChartData) -> Figure:
    """Stacked bars per department: its tasks by colour."""
    d = fonts.drawable
    with _LOCK, matplotlib.rc_context(fonts.rc()):
        fig = Figure(figsize=(9, 0.32 * len(data.categories) + 1.6), dpi=110)
        ax = fig.add_subplot()
        ys = list(range(len(data.categories)))[::-1]
        left = [0.0] * len(data.categories)
        for s in data.series:
            ax.barh(ys, s.values, left=left, color=s.colour, label=d(s.label), height=0.7)
            left = [a + b for a, b in zip(left, s.values, strict=True)]
        ax.set_yticks(ys, [d(name) for name in data.categories], fontsize=8)
        ax.set_xlabel(d(data.axis))
        cast(MaxNLocator, ax.xaxis.get_major_locator()).set_params(integer=True)  # the default AutoLocator
        ax.set_title(d(data.title), fontsize=11)
        ax.legend(loc="lower right", fontsize=9, ncols=4)
        ax.set_ylim(-0.7, len(data.categories) - 0.3)
        ax.set_xlim(0, max([*left, 1]) * 1.08)
        fig.tight_layout()
        return fig


def burndown_figure(data: ChartData) -> Figure:
    """Open deadline occurrences per day of the year, planned (dashed) and actual up to today (solid)."""
    d = fonts.drawable
    planned, actual = data.series
    days = mdates.date2num(data.categories)
    with _LOCK, matplotlib.rc_context(fonts.rc()):
        fig = Figure(figsize=(9, 4.2), dpi=110)
        ax = fig.add_subplot()
        ax.step(days, planned.values, where="post", color=planned.colour, linestyle="--", label=d(planned.label))
        if actual.values:  # drawn solid and thick
            shown = days[: len(actual.values)]
            ax.step(shown, actual.values, where="post", color=actual.colour, linewidth=2, label=d(actual.label))
            ax.annotate(
                d(f"{actual.values[-1]} 个"),
                (shown[-1], actual.values[-1]),
                textcoords="offset points",
                xytext=(4, 4),
                fontsize=9,
                color=actual.colour,
            )
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{mdates.num2date(x).month}月"))
        ax.set_xlim(days[0], days[-1])
        ax.set_ylim(0, max([*planned.values, 1]) * 1.08)
        ax.set_ylabel(d(data.axis))
        ax.set_title(d(data.title), fontsize=11)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="lower left", fontsize=9)
        fig.tight_layout()
        return fig


FIGURE = {"scores": section_figure, "status": status_figure, "burndown": burndown_figure}


def figures(snapshot: Snapshot) -> list[tuple[ChartData, Figure]]:
    """Each chart's data and its figure; every text in the CJK font."""
    return [(data, FIGURE[data.name](data)) for data in chart_data.all_charts(snapshot)]


def render_all(snapshot: Snapshot) -> list[Chart]:
    return [Chart(data.name, data.caption, _png(fig)) for data, fig in figures(snapshot)]
