"""The workbook's chart sheet: three native Excel charts, each drawn from cells of the sheet that hold exactly
the numbers of reports/chart_data.py (which the chat's pictures draw too); and building the export (what the
bot's /export does) never loads matplotlib."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart
from openpyxl.chart.axis import DateAxis
from openpyxl.utils.cell import range_boundaries

from reports import chart_data
from reports import labels as L
from reports.workbook import build_workbook
from tests.test_reports_workbook import office_world, snapshot_of

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(snapshot, workbook bytes) of the office world: the bundled letter with a few reviewed reports."""
    world = office_world(f"sqlite:///{tmp_path_factory.mktemp('native') / 'native.db'}")
    snapshot = snapshot_of(world)
    data = build_workbook(snapshot)
    world.db.dispose()
    return snapshot, data


def _cells(ws, ref: str) -> list:
    """The values of a chart's reference, e.g. '图表'!$B$3:$B$9, read from the sheet."""
    sheet, _, cells = ref.rpartition("!")
    assert sheet.strip("'") == ws.title
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    assert min_col == max_col, ref  # one column per series
    return [ws.cell(r, min_col).value for r in range(min_row, max_row + 1)]


def _title(chart) -> str:
    return "".join(run.t for p in chart.title.tx.rich.p for run in p.r or ())


def test_the_chart_sheet_has_three_native_charts_over_their_numbers(built):
    snapshot, data = built
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:4] == [L.TASK_SHEET, L.SCORE_SHEET, L.AUDIT_SHEET, L.CHART_SHEET]
    ws = wb[L.CHART_SHEET]
    assert ws._images == [] and len(ws._charts) == 3  # no pictures: charts Excel draws itself
    expected = chart_data.all_charts(snapshot)
    for chart, want in zip(ws._charts, expected, strict=True):
        assert _title(chart) == want.title
        assert len(chart.series) == len(want.series), want.name
        for drawn, series in zip(chart.series, want.series, strict=True):
            assert _cells(ws, drawn.tx.strRef.f) == [series.label]
            values = _cells(ws, drawn.val.numRef.f)
            assert len(values) == len(want.categories)
            assert values == list(series.values) + [None] * (len(want.categories) - len(series.values)), (
                want.name,
                series.label,
            )
            categories = _cells(ws, drawn.cat.numRef.f if drawn.cat.numRef else drawn.cat.strRef.f)
            if want.name == "burndown":  # date cells, read back as datetimes
                assert [c.date() for c in categories] == list(want.categories)
            else:
                assert categories == list(want.categories)
    scores, status, burndown = ws._charts
    assert isinstance(scores, BarChart) and scores.type == "bar" and scores.grouping == "clustered"
    assert isinstance(status, BarChart) and status.type == "bar" and status.grouping == "stacked"
    assert isinstance(burndown, LineChart) and isinstance(burndown.x_axis, DateAxis)
    assert (burndown.x_axis.crossAx, burndown.y_axis.crossAx) == (burndown.y_axis.axId, burndown.x_axis.axId)
    colours = [s.graphicalProperties.solidFill.srgbClr for s in status.series]
    assert colours == [L.COLOUR_CHART[c].lstrip("#").upper() for c in chart_data.ORDER]


def test_the_chart_numbers_are_the_snapshots(built):
    """What the charts show, checked against the snapshot by hand (the chart sheet carries the same)."""
    snapshot, _ = built
    scores, status, burndown = chart_data.all_charts(snapshot)
    sections = [s for s in snapshot.standing.result.sections if s.weight]
    assert scores.categories[0] == "一、推动绿色低碳高质量发展"
    assert [s.values for s in scores.series] == [
        tuple(s.weight for s in sections),
        tuple(s.projected for s in sections),
        tuple(s.secured for s in sections),
    ]
    assert f"预计 {chart_data.n(snapshot.standing.result.total.projected)} 分" in scores.title

    done = dict(zip(status.categories, status.series[-1].values, strict=True))
    assert done["自然资源局"] == 1  # 3.1; 26.3 stays open: its verified report opened a follow-up
    reds = status.series[0].values
    assert list(reds) == sorted(reds, reverse=True)  # the most red first

    days, (planned, actual) = burndown.categories, burndown.series
    assert days[0] == date(2022, 1, 1) and days[-1] == date(2022, 12, 31) and len(actual.values) == 283  # to 10 Oct
    for i in (0, 100, 282, 364):  # the definitions, counted the slow way
        day = days[i]
        assert planned.values[i] == sum(1 for due, _ in snapshot.occurrences if due >= day)
        if i < len(actual.values):
            assert actual.values[i] == sum(1 for _, d in snapshot.occurrences if d is None or d > day)
    assert actual.values[-1] == len(snapshot.occurrences) - 2  # two verified reports by 10 October


def test_building_the_export_does_not_load_matplotlib(built, tmp_path):
    """A fresh interpreter runs the bot's /export build (handlers/office_reports.py) on a database of the
    office world: the workbook has its three charts, and matplotlib was never imported (openpyxl itself
    brings numpy and PIL along when they are installed)."""
    url, out = f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path / "export.xlsx"
    office_world(url).db.dispose()
    script = f"""
import json, sys
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo
from deadlines.clock import FakeClock
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from handlers.office_reports import _build_export
from storage.db import Database

clock = FakeClock(datetime(2022, 10, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai")))
ctx = SimpleNamespace(db=Database({url!r}), clock=clock, calendar=WorkdayCalendar(), policy=ReminderPolicy())
snapshot, data, name = _build_export(ctx, None, None)
open({str(out)!r}, "wb").write(data)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib")))
"""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, cwd=ROOT, check=True)
    assert json.loads(done.stdout) == []
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
    assert sorted(n for n in names if n.startswith("xl/charts/")) == [f"xl/charts/chart{i}.xml" for i in (1, 2, 3)]
    assert not [n for n in names if n.startswith("xl/media/")]


def test_a_workbook_without_charts_has_no_chart_sheet(built):
    snapshot, _ = built
    wb = load_workbook(io.BytesIO(build_workbook(snapshot, charts=False)))
    assert L.CHART_SHEET not in wb.sheetnames


def test_the_burndown_dates_are_date_cells(built):
    _, data = built
    ws = load_workbook(io.BytesIO(data))[L.CHART_SHEET]
    dates = [c for row in ws.iter_rows(min_col=1, max_col=1) for c in row if isinstance(c.value, datetime)]
    assert len(dates) == 365 and all(c.number_format == "yyyy-mm-dd" for c in dates)
