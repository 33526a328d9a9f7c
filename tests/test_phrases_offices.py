"""Deadlines as offices write them (issue 18): festivals, parts of the year, month and week, short periods,
weekly and other duties, holiday shifts. Every phrase is read in 2022 and in 2023, the years with official
holiday calendars, and the expected dates were worked out by hand from the State Council schedules:

2022  元旦 1.1-3 · 春节 1.31-2.6 (上班 1.29, 1.30) · 清明 4.3-5 (上班 4.2) · 劳动节 4.30-5.4 (上班 4.24, 5.7)
      端午 6.3-5 · 中秋 9.10-12 · 国庆 10.1-7 (上班 10.8, 10.9) · 元旦(2023) 12.31-1.2
2023  春节 1.21-27 (上班 1.28, 1.29) · 清明 4.5 · 劳动节 4.29-5.3 (上班 4.23, 5.6) · 端午 6.22-24 (上班 6.25)
      中秋+国庆 9.29-10.6 (上班 10.7, 10.8) · 元旦(2024) 12.30-1.1
"""

from __future__ import annotations

from datetime import date

import pytest

from deadlines.phrases import DeadlineParseError, parse_deadline
from deadlines.specs import DeadlineSpec, occurrences
from deadlines.workdays import AS_COUNTED, REST_DAY, WorkdayCalendar

D = date.fromisoformat
J22, J23 = "2022-01-04", "2023-01-04"  # a Tuesday and a Wednesday, after 元旦


@pytest.fixture(scope="module")
def cal(tmp_path_factory) -> WorkdayCalendar:
    return WorkdayCalendar(tmp_path_factory.mktemp("no-holiday-files"))


# (phrase, kind, (today, due, other reading or None) in 2022, the same in 2023). No letter year: as a
# contact types it. "other": the reading offered beside the usual one (festival's own day, the day as
# counted before the Civil Code moved it, the other weeks of 每两周).
OFFICES = [
    # --- festivals: before = last working day before the break, after = first working day after it
    ("端午节前", "festival", (J22, "2022-06-02", None), (J23, "2023-06-21", None)),
    ("端午前报送", "festival", (J22, "2022-06-02", None), (J23, "2023-06-21", None)),
    ("端午节当天", "festival", (J22, "2022-06-03", None), (J23, "2023-06-22", None)),
    ("清明节后第一个工作日", "festival", (J22, "2022-04-06", None), (J23, "2023-04-06", None)),
    ("清明后", "festival", (J22, "2022-04-06", None), (J23, "2023-04-06", None)),
    ("清明节前", "festival", (J22, "2022-04-02", "2022-04-04"), (J23, "2023-04-04", None)),  # 4.2: 调休上班
    ("劳动节前完成安全检查", "festival", (J22, "2022-04-29", "2022-04-30"), (J23, "2023-04-28", "2023-04-30")),
    ("五一前", "festival", (J22, "2022-04-29", "2022-04-30"), (J23, "2023-04-28", "2023-04-30")),
    ("五一劳动节后", "festival", (J22, "2022-05-05", None), (J23, "2023-05-04", None)),
    ("劳动节假期后第2个工作日", "festival", (J22, "2022-05-06", None), (J23, "2023-05-05", None)),
    ("国庆节前", "festival", (J22, "2022-09-30", None), (J23, "2023-09-28", "2023-09-30")),
    ("国庆长假前", "festival", (J22, "2022-09-30", None), (J23, "2023-09-28", "2023-09-30")),
    ("国庆后第一个工作日", "festival", (J22, "2022-10-08", None), (J23, "2023-10-07", None)),
    ("国庆节后3个工作日内", "festival", (J22, "2022-10-10", None), (J23, "2023-10-09", None)),
    ("国庆节收假后上班第一天", "festival", (J22, "2022-10-08", None), (J23, "2023-10-07", None)),
    ("中秋节前报送", "festival", (J22, "2022-09-09", None), (J23, "2023-09-28", None)),
    ("中秋节后", "festival", (J22, "2022-09-13", None), (J23, "2023-10-07", None)),
    ("春节前", "festival", (J22, "2022-01-30", "2022-01-31"), (J23, "2023-01-20", "2023-01-21")),
    ("过年前", "festival", (J22, "2022-01-30", "2022-01-31"), (J23, "2023-01-20", "2023-01-21")),
    ("春节后第一个工作日", "festival", (J22, "2022-02-07", None), (J23, "2023-01-28", None)),
    ("春节当天", "festival", (J22, "2022-02-01", None), (J23, "2023-01-22", None)),
    ("元旦前", "festival", (J22, "2022-12-30", "2022-12-31"), (J23, "2023-12-29", "2023-12-31")),  # the next one
    ("节前", "festival", (J22, "2022-01-30", "2022-01-31"), (J23, "2023-01-20", "2023-01-21")),  # nearest: 春节
    ("节后第二个工作日", "festival", (J22, "2022-01-05", None), (J23, "2023-01-04", None)),  # 元旦's, not ended
    # --- parts of the year, month and week
    ("上半年", "month_end", (J22, "2022-06-30", None), (J23, "2023-06-30", None)),
    ("上半年内", "month_end", (J22, "2022-06-30", None), (J23, "2023-06-30", None)),
    ("上半年末", "month_end", (J22, "2022-06-30", None), (J23, "2023-06-30", None)),
    ("今年下半年", "year_end", (J22, "2022-12-31", None), (J23, "2023-12-31", None)),
    ("明年上半年", "month_end", (J22, "2023-06-30", None), (J23, "2024-06-30", None)),
    ("前三季度", "month_end", (J22, "2022-09-30", None), (J23, "2023-09-30", None)),
    ("今年内", "year_end", (J22, "2022-12-31", None), (J23, "2023-12-31", None)),
    ("本月内", "month_end", (J22, "2022-01-31", None), (J23, "2023-01-31", None)),
    ("下月内", "month_end", (J22, "2022-02-28", None), (J23, "2023-02-28", None)),
    ("本月中旬", "absolute", (J22, "2022-01-20", None), (J23, "2023-01-20", None)),
    ("下月上旬", "absolute", (J22, "2022-02-10", None), (J23, "2023-02-10", None)),
    ("下个月下旬", "month_end", (J22, "2022-02-28", None), (J23, "2023-02-28", None)),
    ("这周内", "absolute", (J22, "2022-01-07", None), (J23, "2023-01-06", None)),
    ("本周内完成", "absolute", ("2022-01-26", "2022-01-30", None), ("2023-01-18", "2023-01-20", None)),  # 春节周
    ("下周内", "absolute", ("2022-09-28", "2022-10-09", None), ("2023-09-27", "2023-10-08", None)),  # 国庆周
    ("下个星期内", "absolute", (J22, "2022-01-14", None), (J23, "2023-01-13", None)),
    ("周末前", "absolute", (J22, "2022-01-09", None), (J23, "2023-01-08", None)),
    ("本周末", "absolute", (J22, "2022-01-09", None), (J23, "2023-01-08", None)),
    ("下周末", "absolute", (J22, "2022-01-16", None), (J23, "2023-01-15", None)),
    # --- short periods: hours, halves, 之内; calendar-day periods ending in a public holiday move (art. 203)
    ("72小时内", "relative", (J22, "2022-01-07", None), (J23, "2023-01-07", None)),  # hours: not moved
    ("24小时内", "relative", (J22, "2022-01-05", None), (J23, "2023-01-05", None)),
    ("48小时之内", "relative", (J22, "2022-01-06", None), (J23, "2023-01-06", None)),
    ("半个月内", "relative", ("2022-09-05", "2022-09-20", None), ("2023-09-05", "2023-09-20", None)),
    ("半月内", "relative", ("2022-09-16", "2022-10-08", "2022-10-01"), ("2023-09-16", "2023-10-07", "2023-10-01")),
    ("半年内", "relative", (J22, "2022-07-04", None), (J23, "2023-07-04", None)),
    ("一个半月内", "relative", (J22, "2022-02-19", None), (J23, "2023-02-19", None)),  # weekends stay
    ("一年内", "relative", (J22, "2023-01-04", None), (J23, "2024-01-04", None)),
    ("两年之内", "relative", (J22, "2024-01-04", None), (J23, "2025-01-04", None)),
    ("两周之内", "relative", (J22, "2022-01-18", None), (J23, "2023-01-18", None)),
    ("7天以内", "relative", (J22, "2022-01-11", None), (J23, "2023-01-11", None)),
    ("10天之内", "relative", ("2022-09-21", "2022-10-08", "2022-10-01"), ("2023-09-21", "2023-10-07", "2023-10-01")),
    ("一个月以内", "relative", ("2022-09-05", "2022-10-08", "2022-10-05"), ("2023-09-05", "2023-10-07", "2023-10-05")),
    ("3日内", "relative", ("2022-04-01", "2022-04-06", "2022-04-04"), ("2023-04-02", "2023-04-06", "2023-04-05")),
    # --- weekly and other duties: the next due day on or after today
    ("每周一上午报送", "recurring", (J22, "2022-01-04", None), (J23, "2023-01-09", None)),  # 1.3 元旦: Tuesday
    ("每周四前", "recurring", (J22, "2022-01-06", None), (J23, "2023-01-05", None)),
    ("每周五前报送周报", "recurring", (J22, "2022-01-07", None), (J23, "2023-01-06", None)),
    ("每周报送", "recurring", (J22, "2022-01-07", None), (J23, "2023-01-06", None)),  # the last working day
    ("每星期三", "recurring", (J22, "2022-01-05", None), (J23, "2023-01-04", None)),
    ("每个礼拜二", "recurring", (J22, "2022-01-04", None), (J23, "2023-01-10", None)),
    ("每周末", "recurring", (J22, "2022-01-07", None), (J23, "2023-01-06", None)),
    ("每周四前", "recurring", ("2022-10-01", "2022-10-08", None), ("2023-09-30", "2023-10-07", None)),  # 国庆周
    ("每周一", "recurring", ("2022-10-01", "2022-10-08", None), ("2023-10-01", "2023-10-07", None)),
    ("每周五前(遇节假日提前)", "recurring", ("2022-05-30", "2022-06-02", None), ("2023-06-19", "2023-06-21", None)),
    ("每两周", "recurring", (J22, "2022-01-07", "2022-01-14"), (J23, "2023-01-06", "2023-01-13")),
    ("每两周周五", "recurring", (J22, "2022-01-07", "2022-01-14"), (J23, "2023-01-06", "2023-01-13")),
    ("每月上旬", "recurring", (J22, "2022-01-10", None), (J23, "2023-01-10", None)),
    ("每月中旬前", "recurring", (J22, "2022-01-20", None), (J23, "2023-01-20", None)),
    ("每月下旬", "recurring", (J22, "2022-01-31", None), (J23, "2023-01-31", None)),
    ("每半年", "recurring", (J22, "2022-06-30", None), (J23, "2023-06-30", None)),
    ("每半年度末", "recurring", (J22, "2022-06-30", None), (J23, "2023-06-30", None)),
    # --- holiday shifts stated in the phrase
    ("10月1日前(遇节假日顺延)", "absolute", (J22, "2022-10-08", None), (J23, "2023-10-07", None)),
    ("10月1日前(遇节假日提前)", "absolute", (J22, "2022-09-30", None), (J23, "2023-09-28", None)),
    ("5月1日(如遇节假日则顺延)", "absolute", (J22, "2022-05-05", None), (J23, "2023-05-04", None)),
    ("1月22日前(遇休息日顺延)", "absolute", (J22, "2022-01-24", None), (J23, "2023-01-28", None)),
    ("6月3日前(遇节假日提前)", "absolute", (J22, "2022-06-02", None), (J23, "2023-06-02", None)),
    ("9月底前(遇节假日顺延)", "month_end", (J22, "2022-09-30", None), (J23, "2023-10-07", None)),
    ("12月31日前(逢节假日提前)", "absolute", (J22, "2022-12-30", None), (J23, "2023-12-29", None)),
    ("每月25日前(遇节假日提前)", "recurring", (J22, "2022-01-25", None), (J23, "2023-01-20", None)),
]

CASES = [(phrase, kind, *when) for phrase, kind, *years in OFFICES for when in years]


@pytest.mark.parametrize("phrase, kind, today, due, other", CASES)
def test_offices_phrase_table(cal, phrase, kind, today, due, other):
    result = parse_deadline(phrase, D(today), calendar=cal)
    assert result.kind == kind, result.reading
    assert result.date == D(due), result.reading
    assert result.reading.startswith("读作: ")
    if other is None:
        assert not result.choices, result.reading
    else:  # the usual reading answers; both are offered, the usual one first
        assert [c.date for c in result.choices] == [D(due), D(other)], result.reading
        assert "另一种读法" in result.reading
    assert result.warning is None


def test_offices_table_holds_at_least_60_new_phrases():
    assert len({phrase for phrase, *_ in OFFICES}) >= 60
    assert len(CASES) == 2 * len(OFFICES)


# --- the reading says which holiday and which rule moved a date -------------------------------------------


def test_festival_reading_names_the_holiday_and_its_days(cal):
    reading = parse_deadline("国庆节前", D(J23), calendar=cal).reading
    assert "国庆节前, 取放假前最后一个工作日" in reading
    assert "2023年国庆节按国务院放假安排连休9月29日至10月6日" in reading
    after = parse_deadline("国庆节后第一个工作日", D(J22), calendar=cal).reading
    assert "调休上班日" in after  # 8 October 2022 is a Saturday worked in lieu


def test_civil_code_reading_names_the_article_and_the_holiday(cal):
    result = parse_deadline("10天之内", D("2022-09-21"), calendar=cal)
    assert "10月1日是国庆节假期" in result.reading and "民法典第二百零三条" in result.reading
    counted = result.choices[1]
    assert counted.date == D("2022-10-01") and "期限仍按原文" in counted.reading


def test_the_holiday_rule_is_the_offices_setting(tmp_path):
    as_counted = WorkdayCalendar(tmp_path, holiday_rule=AS_COUNTED)
    result = parse_deadline("10天之内", D("2022-09-21"), calendar=as_counted)
    assert result.date == D("2022-10-01")
    assert [c.date for c in result.choices] == [D("2022-10-01"), D("2022-10-08")]
    rest_day = WorkdayCalendar(tmp_path, holiday_rule=REST_DAY)
    weekend = parse_deadline("5天内", D("2022-09-12"), calendar=rest_day)  # 17 Sep 2022: a plain Saturday
    assert weekend.date == D("2022-09-19") and [c.date for c in weekend.choices] == [D("2022-09-19"), D("2022-09-17")]
    civil = parse_deadline("5天内", D("2022-09-12"), calendar=WorkdayCalendar(tmp_path))
    assert civil.date == D("2022-09-17") and not civil.choices  # the law moves holidays, not weekends
    with pytest.raises(ValueError, match="holiday_rule"):
        WorkdayCalendar(tmp_path, holiday_rule="sometimes")


def test_after_an_event_the_rule_travels_in_the_spec(cal):
    spec = parse_deadline("收到通知后9天内", D(J22), calendar=cal).spec
    assert (
        spec.shift == "holiday"
        and "民法典第二百零三条" in parse_deadline("收到通知后9天内", D(J22), calendar=cal).reading
    )
    assert parse_deadline("名单确定后10个工作日内", D(J22), calendar=cal).spec.shift is None


# --- what is stored: year-free specs in the letter year, so next year's letter recomputes them ----------


@pytest.mark.parametrize(
    "phrase, key, dates_2022, dates_2023",
    [
        ("国庆节前", "festival;festival=国庆节;side=before", ["2022-09-30"], ["2023-09-28"]),
        ("清明节后第一个工作日", "festival;festival=清明节;side=after", ["2022-04-06"], ["2023-04-06"]),
        ("国庆节后3个工作日内", "festival;workdays=3;festival=国庆节;side=after", ["2022-10-10"], ["2023-10-09"]),
        ("端午节当天", "festival;festival=端午节;side=on", ["2022-06-03"], ["2023-06-22"]),
        ("上半年", "month_end;month=6", ["2022-06-30"], ["2023-06-30"]),
        ("6月30日前(遇节假日顺延)", "absolute;month=6;day=30;shift=next", ["2022-06-30"], ["2023-06-30"]),
        ("9月底前(遇节假日顺延)", "month_end;month=9;shift=next", ["2022-09-30"], ["2023-10-07"]),
        ("每半年", "recurring;every=half_year", ["2022-06-30", "2022-12-31"], ["2023-06-30", "2023-12-31"]),
    ],
)
def test_letter_year_specs_recompute_in_another_year(cal, phrase, key, dates_2022, dates_2023):
    result = parse_deadline(phrase, D("2022-01-04"), year=2022, calendar=cal)
    assert result.spec.key == key
    assert DeadlineSpec.from_dict(result.spec.to_dict()) == result.spec
    assert occurrences(result.spec, 2022, cal) == [D(d) for d in dates_2022]
    assert occurrences(result.spec, 2023, cal) == [D(d) for d in dates_2023]


def test_weekly_occurrences_skip_a_week_with_no_working_day_and_move_within_the_week(cal):
    mondays = occurrences(DeadlineSpec(kind="recurring", every="week", weekday=0), 2022, cal)
    assert len(mondays) == 51  # 52 Mondays; the week of 31 Jan-6 Feb 2022 is all 春节
    assert D("2022-01-04") in mondays and D("2022-01-03") not in mondays  # 元旦 Monday -> Tuesday
    assert D("2022-10-08") in mondays  # 国庆 week: the Saturday worked in lieu
    assert not [d for d in mondays if D("2022-01-31") <= d <= D("2022-02-06")]
    every_other = DeadlineSpec(kind="recurring", every="week", interval=2, date=D("2022-01-03"))
    fridays = occurrences(every_other, 2022, cal)
    # the weeks of 3 Jan, 17 Jan, (31 Jan: all 春节, none), 14 Feb: each week's last working day
    assert fridays[:3] == [D("2022-01-07"), D("2022-01-21"), D("2022-02-18")]
    assert all(cal.is_workday(d) for d in fridays) and len(fridays) == 25


# --- refusals stay short, say what to type, guess nothing ------------------------------------------------


@pytest.mark.parametrize(
    "phrase, message",
    [
        ("36小时内", "请写成天数或具体日期"),
        ("每天", "只支持每周、每两周、每月、每季度、每半年、每年"),
        ("每旬", "只支持每周"),
        ("每半个月", "只支持每周"),
        ("国庆节后第0个工作日", "没有读懂"),
    ],
)
def test_refusals(cal, phrase, message):
    with pytest.raises(DeadlineParseError, match=message):
        parse_deadline(phrase, D(J22), calendar=cal)


def test_a_festival_in_a_year_without_a_schedule_is_refused_by_name(tmp_path):
    with pytest.raises(DeadlineParseError, match="还不知道2027年国庆节的放假安排"):
        parse_deadline("国庆节前", D("2027-01-04"), year=2027, calendar=WorkdayCalendar(tmp_path))
    assert (
        occurrences(DeadlineSpec(kind="festival", festival="国庆节", side="before"), 2027, WorkdayCalendar(tmp_path))
        == []
    )


def test_unreadable_examples_include_the_new_forms(cal):
    with pytest.raises(DeadlineParseError) as caught:
        parse_deadline("尽快", D(J22), calendar=cal)
    assert "每周四前" in str(caught.value) and "国庆节前" in str(caught.value)
