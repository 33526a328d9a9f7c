"""The reminder ladder scales with how often a deadline comes round (deadlines/policy.py, planner.py)."""

from __future__ import annotations

from datetime import date

import pytest

from deadlines.planner import LEAD, OVERDUE, stages
from deadlines.policy import ReminderPolicy, leads_for, week_preview_day
from deadlines.workdays import WorkdayCalendar

D = date.fromisoformat


@pytest.fixture(scope="module")
def cal(tmp_path_factory) -> WorkdayCalendar:
    return WorkdayCalendar(tmp_path_factory.mktemp("no-holiday-files"))


@pytest.mark.parametrize(
    "period, leads",
    [
        (None, (30, 7, 3, 1)),
        ("year", (30, 7, 3, 1)),
        ("half_year", (30, 7, 3, 1)),
        ("quarter", (30, 7, 3, 1)),
        ("month", (7, 3, 1)),
        ("fortnight", (3, 1)),
        ("week", (1,)),
    ],
)
def test_leads_shorter_than_half_the_period(period, leads):
    assert leads_for(ReminderPolicy(), period) == leads


@pytest.mark.parametrize(
    "due, preview",
    [
        ("2022-09-22", "2022-09-16"),  # Thursday: the Friday before its week
        ("2022-09-19", "2022-09-16"),  # Monday: the working day before
        ("2022-10-08", "2022-09-30"),  # the National Day week: its first working day is Saturday the 8th
        ("2022-10-13", "2022-10-09"),  # the week after: Sunday the 9th is worked in lieu
        ("2022-02-11", "2022-01-30"),  # the week after 春节 (7 Feb): Sunday 30 Jan was worked
    ],
)
def test_week_preview_day(cal, due, preview):
    assert week_preview_day(D(due), cal) == D(preview)


def test_weekly_ladder_is_the_preview_and_the_day(cal):
    found = stages(D("2022-09-22"), ReminderPolicy(), cal, D("2022-08-01"), D("2022-09-22"), "week")
    assert [(s.kind, s.lead, s.send_on) for s in found] == [(LEAD, 4, D("2022-09-16")), ("due", 0, D("2022-09-22"))]


def test_missed_weekly_round_is_reminded_until_the_next_round_is_due(cal):
    found = stages(D("2022-09-22"), ReminderPolicy(), cal, D("2022-09-01"), D("2022-10-31"), "week", D("2022-09-29"))
    assert [s.send_on for s in found if s.kind == OVERDUE] == [
        D("2022-09-23"),
        D("2022-09-26"),
        D("2022-09-27"),
        D("2022-09-28"),
    ]
    monthly = stages(D("2022-09-22"), ReminderPolicy(), cal, D("2022-09-01"), D("2022-10-31"), "month", D("2022-10-22"))
    assert max(s.send_on for s in monthly if s.kind == OVERDUE) == D("2022-10-31")  # longer periods: unchanged
