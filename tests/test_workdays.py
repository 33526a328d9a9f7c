"""The working-day calendar: holidays and make-up workdays, Civil Code counting, the weekends-only fallback."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from deadlines import holiday_files, workdays
from deadlines.specs import DeadlineSpec, SpecError, due_after_event
from deadlines.workdays import FILE, OFFICIAL, WEEKENDS_ONLY, WorkdayCalendar
from storage.paths import DATA_DIR

D = date.fromisoformat

HOLIDAYS_2027 = """\
year: 2027
source: test schedule
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
  - {name: 春节, from: 2027-02-05, to: 2027-02-11}
workdays:
  - {name: 春节, date: 2027-02-13}
"""


@pytest.fixture
def cal(tmp_path) -> WorkdayCalendar:
    return WorkdayCalendar(tmp_path)


def write_year(folder: Path, text: str, name: str = "2027.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- National Day and Spring Festival -----------------------------------------------------------------


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2022-09-30", True),  # Friday before National Day
        ("2022-10-01", False),
        ("2022-10-03", False),
        ("2022-10-07", False),  # 国庆 holiday (10-03 is a Monday)
        ("2022-10-08", True),
        ("2022-10-09", True),  # make-up workdays, Saturday and Sunday
        ("2022-10-10", True),
        ("2022-01-29", True),
        ("2022-01-30", True),  # 春节 make-up workdays
        ("2022-01-31", False),
        ("2022-02-04", False),
        ("2022-02-06", False),
        ("2022-02-07", True),
        ("2022-09-12", False),  # 中秋, a Monday
        ("2022-09-17", False),  # a plain Saturday
    ],
)
def test_is_workday_2022(cal, day, expected):
    assert cal.is_workday(D(day)) is expected


@pytest.mark.parametrize(
    "start, n, expected",
    [
        ("2022-09-28", 10, "2022-10-17"),  # the event day is not counted; 8 and 9 October count
        ("2022-09-28", 2, "2022-09-30"),
        ("2022-09-28", 3, "2022-10-08"),  # a Saturday that is a working day
        ("2022-09-30", 1, "2022-10-08"),
        ("2022-10-01", 1, "2022-10-08"),  # starting on a holiday: still the next working day
        ("2022-01-28", 1, "2022-01-29"),  # Spring Festival 2022: Saturday 29 Jan worked
        ("2022-01-28", 3, "2022-02-07"),
        ("2023-01-20", 1, "2023-01-28"),  # Spring Festival 2023: 21-27 Jan off, 28-29 Jan worked
        ("2023-01-19", 5, "2023-01-31"),
        ("2022-12-30", 1, "2023-01-03"),  # across the year: 31 Dec - 2 Jan is the 2023 New Year holiday
        ("2022-10-08", -1, "2022-09-30"),  # counting back over National Day
        ("2023-01-03", -1, "2022-12-30"),
        ("2022-10-17", -10, "2022-09-28"),
        ("2022-09-28", 0, "2022-09-28"),
    ],
)
def test_add_workdays(cal, start, n, expected):
    assert cal.add_workdays(D(start), n) == D(expected)


def test_workdays_between_is_the_inverse_of_add_workdays(cal):
    assert cal.workdays_between(D("2022-09-28"), D("2022-10-17")) == 10
    assert cal.workdays_between(D("2022-10-17"), D("2022-09-28")) == -10
    assert cal.workdays_between(D("2022-10-01"), D("2022-10-07")) == 0
    assert cal.workdays_between(D("2022-01-28"), D("2022-02-07")) == 3
    start = D("2021-12-20")
    for n in range(-30, 300, 7):
        assert cal.workdays_between(start, cal.add_workdays(start, n)) == n


def test_agrees_with_chinese_calendar_day_by_day(cal):
    """Against a slow day-by-day count with the package's own is_workday, 2020..2026."""
    day = D("2020-01-01")
    count = 0
    while day < D("2026-12-01"):
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            count += 1
            if count % 37 == 0:  # sample the answers of add_workdays along the way
                assert cal.add_workdays(D("2020-01-01"), count) == day
    assert cal.workdays_between(D("2020-01-01"), day) == count


def test_next_and_previous_workday(cal):
    assert cal.next_workday(D("2022-09-30")) == D("2022-10-08")
    assert cal.next_workday(D("2022-10-03")) == D("2022-10-08")
    assert cal.next_workday(D("2022-10-03"), inclusive=True) == D("2022-10-08")
    assert cal.next_workday(D("2022-10-08"), inclusive=True) == D("2022-10-08")
    assert cal.next_workday(D("2022-10-08")) == D("2022-10-09")
    assert cal.previous_workday(D("2022-10-08")) == D("2022-09-30")
    assert cal.previous_workday(D("2022-10-05"), inclusive=True) == D("2022-09-30")
    assert cal.previous_workday(D("2022-09-30"), inclusive=True) == D("2022-09-30")


def test_day_info_names_holidays_and_makeup_days(cal):
    assert cal.day_info(D("2022-10-03")).holiday == "国庆节"
    makeup = cal.day_info(D("2022-10-08"))
    assert makeup.workday and makeup.makeup and makeup.holiday == "国庆节"
    plain = cal.day_info(D("2022-09-17"))
    assert not plain.workday and plain.holiday is None and not plain.makeup


def test_due_after_event(cal):
    spec = DeadlineSpec(kind="relative", event="企业名单确定", workdays=10)
    assert due_after_event(spec, D("2022-09-28"), cal).date == D("2022-10-17")
    by_days = DeadlineSpec(kind="relative", event="收到通知", days=10)
    assert due_after_event(by_days, D("2022-09-28"), cal).date == D("2022-10-08")
    with pytest.raises(SpecError):
        due_after_event(DeadlineSpec(kind="year_end"), D("2022-09-28"), cal)


def test_due_after_event_moves_a_last_day_out_of_a_holiday_when_the_spec_says_so(cal):
    # 9 days after 28 Sep 2022 is 7 Oct, the last day of National Day: art. 203 moves it to 8 Oct.
    by_days = DeadlineSpec(kind="relative", event="收到通知", days=9, shift="holiday")
    assert due_after_event(by_days, D("2022-09-28"), cal).date == D("2022-10-08")
    assert due_after_event(replace(by_days, shift=None), D("2022-09-28"), cal).date == D("2022-10-07")
    weekend = DeadlineSpec(kind="relative", event="收到通知", days=4, shift="holiday")
    assert due_after_event(weekend, D("2022-09-13"), cal).date == D("2022-09-17")  # a plain Saturday stays


# --- coverage and the weekends-only fallback ----------------------------------------------------------


def test_coverage_official_for_package_years(cal):
    assert workdays.OFFICIAL_FIRST <= 2004 and workdays.OFFICIAL_LAST >= 2026
    assert cal.coverage(2022) == OFFICIAL
    assert cal.coverage(2026) == OFFICIAL
    assert cal.warning_between(D("2022-01-01"), D("2026-12-31")) is None


def test_uncovered_year_falls_back_to_weekends_with_a_warning(cal, caplog):
    assert cal.coverage(2027) == WEEKENDS_ONLY
    assert cal.is_workday(D("2027-01-01"))  # a Friday: only weekends are known to be off
    assert not cal.is_workday(D("2027-01-02"))
    result = cal.add_workdays_checked(D("2026-12-30"), 2)
    assert result.date == D("2027-01-01")
    assert "2027" in result.warning and "duban holidays import" in result.warning
    assert cal.add_workdays_checked(D("2026-12-01"), 2).warning is None  # stays in 2026
    assert "2027" in caplog.text  # logged as well, never silent


def test_year_file_replaces_the_fallback(tmp_path):
    write_year(tmp_path, HOLIDAYS_2027)
    cal = WorkdayCalendar(tmp_path)
    assert cal.coverage(2027) == FILE
    assert cal.describe_year(2027).source == "test schedule"
    assert not cal.is_workday(D("2027-01-01"))
    assert not cal.is_workday(D("2027-02-08"))  # a Monday inside 春节
    assert cal.is_workday(D("2027-02-13"))  # a Saturday make-up workday
    assert cal.day_info(D("2027-02-13")).holiday == "春节"
    result = cal.add_workdays_checked(D("2026-12-30"), 2)
    assert result.date == D("2027-01-04") and result.warning is None


def test_file_is_read_again_after_reload(tmp_path):
    cal = WorkdayCalendar(tmp_path)
    assert cal.is_workday(D("2027-01-01"))
    write_year(tmp_path, HOLIDAYS_2027)
    assert cal.is_workday(D("2027-01-01"))  # cached until told
    cal.reload()
    assert not cal.is_workday(D("2027-01-01"))


def test_file_for_an_official_year_is_not_used(tmp_path):
    write_year(tmp_path, "year: 2022\nholidays:\n  - 2022-09-30\n", name="2022.yaml")
    cal = WorkdayCalendar(tmp_path)
    assert cal.coverage(2022) == OFFICIAL
    assert cal.is_workday(D("2022-09-30"))


def test_broken_file_falls_back_and_says_why(tmp_path):
    write_year(tmp_path, "year: 2027\nholidays:\n  - {name: 元旦, from: 2027-01-03, to: 2027-01-01}\n")
    cal = WorkdayCalendar(tmp_path)
    info = cal.describe_year(2027)
    assert info.coverage == WEEKENDS_ONLY and "早于" in info.problem
    assert "有误" in cal.warning_for_years([2027])


def test_no_holiday_dir_means_no_files():
    assert WorkdayCalendar(None).coverage(2027) == WEEKENDS_ONLY


def test_default_calendar_reads_the_project_folder():
    assert workdays.DEFAULT_HOLIDAY_DIR == DATA_DIR / "holidays"
    assert workdays.add_workdays(D("2022-09-28"), 10) == D("2022-10-17")
    assert workdays.is_workday(D("2022-10-08"))
    assert workdays.workdays_between(D("2022-09-28"), D("2022-10-17")) == 10
    assert workdays.next_workday(D("2022-09-30")) == D("2022-10-08")
    assert workdays.previous_workday(D("2022-10-08")) == D("2022-09-30")
    assert workdays.coverage(2022) == OFFICIAL


def test_cheap_enough_for_a_planner(cal):
    start = D("2022-01-01")
    began = time.perf_counter()
    for i in range(100_000):
        cal.add_workdays(start + timedelta(days=i % 700), i % 40)
        cal.is_workday(start + timedelta(days=i % 900))
    assert time.perf_counter() - began < 5  # about 0.2 s; generous for slow CI machines


# --- holiday files -----------------------------------------------------------------------------------


def test_readme_example_is_exactly_the_package_2022_calendar(cal):
    readme = (DATA_DIR / "holidays" / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## A complete example.*?```yaml\n(.*?)```", readme, re.S).group(1)
    schedule = holiday_files.parse_text(block)
    days = [D("2022-01-01") + timedelta(days=i) for i in range(365)]
    from_file = {d for d in days if (d.weekday() >= 5 or d in schedule.holidays) and d not in schedule.workdays}
    assert from_file == set(cal.days_off(2022))


@pytest.mark.parametrize(
    "text, message",
    [
        ("- 2027-01-01\n", "映射"),
        ("year: 2027\n", "holidays"),
        ("year: 2027\nholidays: []\n", "至少要有一项"),
        ("year: twenty\nholidays: [2027-01-01]\n", "不是年份"),
        ("year: 2027\nholidays: [2026-12-31]\n", "不在 2027 年"),
        ("year: 2027\nholidays: [2027-02-30]\n", "不是日期"),
        ("year: 2027\nholidays: [{name: 元旦, start: 2027-01-01}]\n", "不认识的字段"),
        ("year: 2027\nholiday: [2027-01-01]\n", "不认识的字段"),
        ("year: 2027\nholidays: [{name: 元旦, from: 2027-01-01, to: 2027-03-01}]\n", "超过 31 天"),
        ("year: 2027\nholidays: [{name: 元旦, date: 2027-01-01, from: 2027-01-01, to: 2027-01-02}]\n", "应写一个日期"),
        ("year: 2027\nholidays: [2027-01-01]\nworkdays: [2027-01-04]\n", "调休上班日应是周六或周日"),
        ("year: 2027\nholidays: [2027-01-02]\nworkdays: [2027-01-02]\n", "同时列在"),
        ("year: 2027\nholidays: [2027-01-01\n", "YAML"),
    ],
)
def test_bad_holiday_files_are_refused(text, message):
    with pytest.raises(holiday_files.HolidayFileError, match=message):
        holiday_files.parse_text(text)


def test_file_name_must_match_its_year(tmp_path):
    path = write_year(tmp_path, HOLIDAYS_2027, name="2028.yaml")
    with pytest.raises(holiday_files.HolidayFileError, match="2027.yaml"):
        holiday_files.load_file(path)


def test_entry_forms(tmp_path):
    schedule = holiday_files.parse_text(
        "year: 2027\nholidays:\n  - 2027-10-01\n  - {name: 端午节, dates: [2027-06-09, 2027-06-10]}\n"
        "  - {name: 清明节, date: '2027-04-05'}\n"
    )
    assert set(schedule.holidays) == {D("2027-10-01"), D("2027-06-09"), D("2027-06-10"), D("2027-04-05")}
    assert schedule.holidays[D("2027-06-10")] == "端午节" and schedule.holidays[D("2027-10-01")] is None
