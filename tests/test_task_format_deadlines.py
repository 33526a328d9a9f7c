"""The spreadsheet's deadline cells (reports/task_format.py) for the kinds of issue 18: weekly duties,
half years, festivals and holiday shifts are written as rules an office can read and read back exactly."""

from __future__ import annotations

from datetime import date

import pytest

from deadlines.specs import DeadlineSpec
from reports.task_format import parse_deadline, render_deadline


@pytest.mark.parametrize(
    "spec, cell",
    [
        (DeadlineSpec(kind="recurring", every="week", weekday=3, phrase="每周四前报送"), "每周四 「每周四前报送」"),
        (DeadlineSpec(kind="recurring", every="week"), "每周"),
        (DeadlineSpec(kind="recurring", every="half_year"), "每半年"),
        (DeadlineSpec(kind="festival", festival="国庆节", side="before"), "国庆节前"),
        (DeadlineSpec(kind="festival", festival="清明节", side="after"), "清明节后"),
        (DeadlineSpec(kind="festival", festival="春节", side="after", workdays=3), "春节后第3个工作日"),
        (DeadlineSpec(kind="festival", festival="端午节", side="on"), "端午节当天"),
        (DeadlineSpec(kind="absolute", month=6, day=30, shift="next"), "6月30日(遇节假日顺延)"),
        (DeadlineSpec(kind="month_end", month=9, shift="previous"), "9月底(遇节假日提前)"),
        (DeadlineSpec(kind="recurring", every="month", day=25, shift="previous"), "每月25日(遇节假日提前)"),
        (DeadlineSpec(kind="relative", event="收到通知", days=9, shift="holiday"), "收到通知后9日(遇法定节假日顺延)"),
    ],
)
def test_new_kinds_round_trip_as_rules(spec, cell):
    assert render_deadline(spec) == cell
    assert parse_deadline(cell) == spec


def test_what_no_rule_says_is_written_as_json_and_read_back():
    every_other = DeadlineSpec(kind="recurring", every="week", interval=2, weekday=4, date=date(2022, 9, 5))
    own_day = DeadlineSpec(kind="festival", festival="劳动节", side="before", own_day=True)
    for spec in (every_other, own_day):
        cell = render_deadline(spec)
        assert cell.startswith("{") and parse_deadline(cell) == spec


@pytest.mark.parametrize("typed", ["国庆节前", "国庆节之前", "每周四前", "每周四", "每半年末"])
def test_forms_an_office_types(typed):
    assert parse_deadline(typed).kind in ("festival", "recurring")
