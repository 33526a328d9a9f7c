"""The deadline phrase reader: the letter's phrases, what contacts type, ambiguity, refusals, fallback."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from deadlines.phrases import DeadlineParseError, parse_deadline
from deadlines.specs import DeadlineSpec, due_after_event, end_of_day
from deadlines.workdays import WorkdayCalendar
from storage.paths import DATA_DIR
from yaml_reader import read_yaml

D = date.fromisoformat
ISSUED = "2022-09-05"  # the letter's date, a Monday


@pytest.fixture(scope="module")
def cal(tmp_path_factory) -> WorkdayCalendar:
    return WorkdayCalendar(tmp_path_factory.mktemp("no-holiday-files"))


# (phrase, today, letter year, expected date or None, kind)
TABLE = [
    # every deadline phrase of the letter, read in letter year 2022 on the day it was issued
    ("3月底前", ISSUED, 2022, "2022-03-31", "month_end"),
    ("8月底前", ISSUED, 2022, "2022-08-31", "month_end"),
    ("9月底前", ISSUED, 2022, "2022-09-30", "month_end"),
    ("10月底前", ISSUED, 2022, "2022-10-31", "month_end"),
    ("2022年底前", ISSUED, 2022, "2022-12-31", "year_end"),
    ("年底前", ISSUED, 2022, "2022-12-31", "year_end"),
    ("2022年年底前启动环保e企管应用建设", ISSUED, 2022, "2022-12-31", "year_end"),
    ("每季度末月25日前", ISSUED, 2022, "2022-09-25", "recurring"),
    ("每季度末月25日前", "2022-09-26", 2022, "2022-12-25", "recurring"),
    ("至少每季度研究1次", ISSUED, 2022, "2022-09-30", "recurring"),
    ("企业名单确定后于10个工作日内报送", ISSUED, 2022, None, "relative"),
    ("10个工作日内", "2022-09-28", 2022, "2022-10-17", "relative"),
    ("公示期不得少于10日", ISSUED, 2022, None, "duration"),
    ("每年", ISSUED, 2022, "2022-12-31", "recurring"),
    ("月度", ISSUED, 2022, "2022-09-30", "recurring"),
    ("于3月底前确定本行政区域本年度企业名单,并向社会公开", ISSUED, 2022, "2022-03-31", "month_end"),
    ("河湖长调整后及时更新到任,未在10个工作日内更新到任的", ISSUED, 2022, None, "relative"),
    ("当年度新增4个及以上未来社区创建项目", ISSUED, 2022, "2022-12-31", "year_end"),
    # the issue's examples, as a contact would type them (no letter year)
    ("9月30日", ISSUED, None, "2022-09-30", "absolute"),
    ("12月25日", ISSUED, None, "2022-12-25", "absolute"),
    ("下周五", ISSUED, None, "2022-09-16", "absolute"),
    ("本周五", ISSUED, None, "2022-09-09", "absolute"),
    ("三天后", ISSUED, None, "2022-09-08", "relative"),
    ("3月底前", ISSUED, None, "2023-03-31", "month_end"),  # passed this year: the next one
    ("年底前", ISSUED, None, "2022-12-31", "year_end"),
    ("10个工作日内", ISSUED, None, "2022-09-20", "relative"),  # over 中秋 (12 Sep)
    # typed on a phone: spaces, full-width digits, 号, no 前, 礼拜
    ("９月３０日", ISSUED, None, "2022-09-30", "absolute"),
    ("9 月 30 日", ISSUED, None, "2022-09-30", "absolute"),
    ("9月30号", ISSUED, None, "2022-09-30", "absolute"),
    ("9月30", ISSUED, None, "2022-09-30", "absolute"),
    ("9月底", ISSUED, None, "2022-09-30", "month_end"),
    ("９月底 前", ISSUED, None, "2022-09-30", "month_end"),
    ("9.30前", ISSUED, None, "2022-09-30", "absolute"),
    ("10.1前", ISSUED, None, "2022-10-01", "absolute"),
    ("22年9月30日", ISSUED, None, "2022-09-30", "absolute"),
    ("截至下周三", ISSUED, None, "2022-09-14", "absolute"),
    ("3个工作日", ISSUED, None, "2022-09-08", "relative"),  # no 内
    ("礼拜五", ISSUED, None, "2022-09-09", "absolute"),
    ("星期五", ISSUED, None, "2022-09-09", "absolute"),
    ("周5", ISSUED, None, "2022-09-09", "absolute"),
    ("下礼拜一", ISSUED, None, "2022-09-12", "absolute"),
    ("下下周一", ISSUED, None, "2022-09-19", "absolute"),
    ("周日", ISSUED, None, "2022-09-11", "absolute"),
    ("截止9月30日", ISSUED, None, "2022-09-30", "absolute"),
    ("9月30日之前", ISSUED, None, "2022-09-30", "absolute"),
    ("9月30日以前", ISSUED, None, "2022-09-30", "absolute"),
    ("十二月底", ISSUED, None, "2022-12-31", "month_end"),
    ("二十五日", ISSUED, None, "2022-09-25", "absolute"),
    ("25号前", ISSUED, None, "2022-09-25", "absolute"),
    ("3号", ISSUED, None, "2022-10-03", "absolute"),  # the 3rd has passed this month
    ("下月5号", ISSUED, None, "2022-10-05", "absolute"),
    ("2022年10月15日", ISSUED, None, "2022-10-15", "absolute"),
    ("二〇二二年十月十五日", ISSUED, None, "2022-10-15", "absolute"),
    ("明年3月底", ISSUED, None, "2023-03-31", "month_end"),
    ("2023年底前", ISSUED, None, "2023-12-31", "year_end"),
    # what dateparser reads: ISO-like and English
    ("2022-10-15", ISSUED, None, "2022-10-15", "absolute"),
    ("2022/10/15", ISSUED, None, "2022-10-15", "absolute"),
    ("15/10/2022", ISSUED, None, "2022-10-15", "absolute"),
    ("Oct 15 2022", ISSUED, None, "2022-10-15", "absolute"),
    ("tomorrow", ISSUED, None, "2022-09-06", "absolute"),
    # days from today
    ("今天", ISSUED, None, "2022-09-05", "absolute"),
    ("明天", ISSUED, None, "2022-09-06", "absolute"),
    ("后天", ISSUED, None, "2022-09-07", "absolute"),
    ("10日内", ISSUED, None, "2022-09-15", "relative"),
    ("5天之内", "2022-09-01", None, "2022-09-06", "relative"),  # ending in a holiday: test_phrases_offices
    ("两周内", ISSUED, None, "2022-09-19", "relative"),
    ("1个月内", "2022-08-05", None, "2022-09-05", "relative"),
    ("1个月内", "2022-01-31", None, "2022-02-28", "relative"),  # Civil Code art. 202: no 31 Feb
    ("十个工作日内", ISSUED, None, "2022-09-20", "relative"),
    # working days across National Day 2022 and Spring Festival
    ("1个工作日后", "2022-09-30", None, "2022-10-08", "relative"),
    ("3个工作日内", "2022-01-28", None, "2022-02-07", "relative"),
    ("5个工作日内", "2023-01-19", None, "2023-01-31", "relative"),
    # parts of months, quarters, months
    ("9月上旬", ISSUED, None, "2022-09-10", "absolute"),
    ("9月中旬前", ISSUED, None, "2022-09-20", "absolute"),
    ("9月下旬", ISSUED, None, "2022-09-30", "month_end"),
    ("季度末", ISSUED, None, "2022-09-30", "month_end"),
    ("本季度末", ISSUED, None, "2022-09-30", "month_end"),
    ("下季度末", ISSUED, None, "2022-12-31", "month_end"),
    ("下季度末", "2022-11-01", None, "2023-03-31", "month_end"),
    ("第一季度末", ISSUED, None, "2023-03-31", "month_end"),
    ("月底前", ISSUED, None, "2022-09-30", "month_end"),
    ("下个月底", ISSUED, None, "2022-10-31", "month_end"),
    # recurring, next occurrence from today
    ("每月10日前", ISSUED, None, "2022-09-10", "recurring"),
    ("每月底", "2022-09-30", None, "2022-09-30", "recurring"),
    ("每季度", ISSUED, None, "2022-09-30", "recurring"),
    ("每年6月30日前", ISSUED, None, "2023-06-30", "recurring"),
    ("每年3月底前", ISSUED, 2022, None, "recurring"),  # all of the letter year's are past
    ("年度工作情况", ISSUED, 2022, "2022-12-31", "recurring"),
    ("2月29日", ISSUED, 2024, "2024-02-29", "absolute"),
    ("公示期不少于2周", ISSUED, None, None, "duration"),
]


@pytest.mark.parametrize("phrase, today, year, expected, kind", TABLE)
def test_phrase_table(cal, phrase, today, year, expected, kind):
    result = parse_deadline(phrase, D(today), year=year, calendar=cal)
    assert not result.choices, result.reading
    assert result.date == (D(expected) if expected else None), result.reading
    assert result.kind == kind
    assert result.reading.startswith("读作: ")
    assert result.warning is None


def test_table_is_large_enough():
    assert len(TABLE) >= 60


# --- what gets stored --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase, today, year, key",
    [
        ("3月底前", ISSUED, 2022, "month_end;month=3"),
        ("2022年底前", ISSUED, 2022, "year_end"),
        ("9月30日", ISSUED, 2022, "absolute;month=9;day=30"),
        ("每季度末月25日前", ISSUED, 2022, "recurring;every=quarter;day=25"),
        ("至少每季度研究1次", ISSUED, 2022, "recurring;every=quarter"),
        ("月度", ISSUED, 2022, "recurring;every=month"),
        ("每年", ISSUED, 2022, "recurring;every=year"),
        ("企业名单确定后于10个工作日内报送", ISSUED, 2022, "relative;workdays=10;event=企业名单确定"),
        ("收到通知后3天内", ISSUED, None, "relative;days=3;event=收到通知;shift=holiday"),
        ("公示期不得少于10日", ISSUED, 2022, "duration;days=10"),
        # a day pinned by today, or in another year than the letter's, is stored as that date
        ("10个工作日内", "2022-09-28", 2022, "absolute;date=2022-10-17"),
        ("下周五", ISSUED, 2022, "absolute;date=2022-09-16"),
        ("2023年3月底", ISSUED, 2022, "absolute;date=2023-03-31"),
        ("3月底前", ISSUED, None, "absolute;date=2023-03-31"),
    ],
)
def test_spec(cal, phrase, today, year, key):
    result = parse_deadline(phrase, D(today), year=year, calendar=cal)
    assert result.spec.key == key
    assert result.spec.phrase == phrase
    assert DeadlineSpec.from_dict(result.spec.to_dict()) == result.spec


def test_reader_agrees_with_the_hand_transcribed_letter(cal):
    """Every deadline phrase in data/shengzhou-2022.yaml reads as the spec transcribed beside it."""
    path = DATA_DIR / "shengzhou-2022.yaml"
    letter = read_yaml(path)
    checked = 0
    for item in letter["items"]:
        for line in item["lines"]:
            for stated in line.get("deadlines") or []:
                result = parse_deadline(stated["phrase"], D(ISSUED), year=letter["letter"]["year"], calendar=cal)
                expected = {k: v for k, v in stated.items() if k not in ("phrase", "source")}
                got = {k: v for k, v in result.spec.to_dict().items() if k != "phrase"}
                assert got == expected, (stated["phrase"], result.reading)
                checked += 1
    assert checked >= 12


# --- readings -----------------------------------------------------------------------------------------


def test_reading_says_how_and_which_year(cal):
    assert (
        parse_deadline("9月底前", D(ISSUED), year=2022, calendar=cal).reading
        == "读作: 2022年9月30日(9月底), 月末; 未写年份, 按责任书年度2022年"
    )
    assert "取今年" in parse_deadline("9月底前", D(ISSUED), calendar=cal).reading
    assert "今年的已过, 取下一次" in parse_deadline("3月底前", D(ISSUED), calendar=cal).reading
    passed = parse_deadline("3月底前", D(ISSUED), year=2022, calendar=cal)
    assert passed.date == D("2022-03-31") and "已过" in passed.reading


def test_reading_notes_a_day_off_but_keeps_the_date(cal):
    result = parse_deadline("10月1日", D(ISSUED), year=2022, calendar=cal)
    assert result.date == D("2022-10-01") and "国庆节假期" in result.reading
    makeup = parse_deadline("10月8日", D(ISSUED), year=2022, calendar=cal)
    assert "调休上班日" in makeup.reading


def test_recurring_lists_its_occurrences(cal):
    result = parse_deadline("每季度末月25日前", D(ISSUED), year=2022, calendar=cal)
    assert result.occurrences == (D("2022-03-25"), D("2022-06-25"), D("2022-09-25"), D("2022-12-25"))
    assert "下一次 2022年9月25日" in result.reading


def test_event_relative_has_no_date_until_the_event(cal):
    result = parse_deadline("企业名单确定后于10个工作日内报送", D(ISSUED), year=2022, calendar=cal)
    assert result.date is None and result.due_at is None
    assert due_after_event(result.spec, D("2022-09-28"), cal).date == D("2022-10-17")


def test_due_at_is_end_of_day_in_shanghai(cal):
    result = parse_deadline("9月30日", D(ISSUED), calendar=cal)
    assert result.due_at == end_of_day(D("2022-09-30"))
    assert result.due_at.utcoffset().total_seconds() == 8 * 3600
    assert result.due_at.hour == 23 and result.due_at.minute == 59


def test_today_may_be_a_datetime(cal):
    assert parse_deadline("明天", datetime(2022, 9, 5, 18, 30), calendar=cal).date == D("2022-09-06")


# --- ambiguity ----------------------------------------------------------------------------------------


def test_weekday_said_on_that_weekday_offers_choices(cal):
    result = parse_deadline("周五", D("2022-09-09"), calendar=cal)  # a Friday
    assert result.date is None and result.ambiguous
    assert [c.date for c in result.choices] == [D("2022-09-09"), D("2022-09-16")]
    assert result.kind == "absolute"
    assert "2种读法" in result.reading
    assert parse_deadline("下周五", D("2022-09-09"), calendar=cal).date == D("2022-09-16")
    assert parse_deadline("本周五", D("2022-09-09"), calendar=cal).date == D("2022-09-09")


def test_two_deadlines_in_one_text_offer_choices(cal):
    result = parse_deadline("10月底前完成验收,9月底前完成联网", D(ISSUED), year=2022, calendar=cal)
    assert [c.date for c in result.choices] == [D("2022-10-31"), D("2022-09-30")]


def test_the_same_deadline_twice_is_one_reading(cal):
    result = parse_deadline("按要求报送月度工作,每月迟报的扣分", D(ISSUED), year=2022, calendar=cal)
    assert not result.choices and result.spec.key == "recurring;every=month"


# --- refusals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase, year, message",
    [
        ("2月30日", None, "2月没有30日"),
        ("2022-02-30", None, "2月没有30日"),
        ("2月29日", 2022, "2022年2月没有29日"),
        ("9月31日", None, "9月没有31日"),
        ("13月1日", None, "没有13月"),
        ("每月30日前", None, "每月的截止日请写1–28日"),
        ("每季度末月31日前", 2022, "6月没有31日"),
        ("每天", None, "暂不支持这种周期"),
        ("本月31号", None, "2022年9月没有31日"),
    ],
)
def test_impossible_dates_are_refused_not_rolled_over(cal, phrase, year, message):
    with pytest.raises(DeadlineParseError, match=message):
        parse_deadline(phrase, D(ISSUED), year=year, calendar=cal)


@pytest.mark.parametrize("phrase", ["尽快", "随便写写", "15", "(2分)。", "2022年", "May", "三天前", "9月"])
def test_unreadable_phrases_get_examples(cal, phrase):
    with pytest.raises(DeadlineParseError) as caught:
        parse_deadline(phrase, D(ISSUED), calendar=cal)
    message = str(caught.value)
    assert "没有读懂" in message
    for example in ("9月30日", "9月底前", "下周五", "10个工作日内", "每季度末月25日前"):
        assert example in message


def test_empty_phrase(cal):
    with pytest.raises(DeadlineParseError, match="期限是空的"):
        parse_deadline("   ", D(ISSUED), calendar=cal)


# --- the weekends-only fallback -----------------------------------------------------------------------


def test_fallback_year_warns(cal):
    result = parse_deadline("10个工作日内", D("2026-12-24"), calendar=cal)
    # 25, 28-31 Dec, then 1 Jan 2027 counted as a working day: nobody told duban it is 元旦
    assert result.date == D("2027-01-07")
    assert "2027年" in result.warning and "duban holidays import" in result.warning
    assert result.to_dict()["warning"] == result.warning


def test_fallback_year_with_a_file_uses_its_days(tmp_path):
    (tmp_path / "2027.yaml").write_text(
        "year: 2027\nholidays:\n  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}\n", encoding="utf-8"
    )
    result = parse_deadline("10个工作日内", D("2026-12-24"), calendar=WorkdayCalendar(tmp_path))
    assert result.date == D("2027-01-08")
    assert result.warning is None
    assert "元旦假期" in parse_deadline("2027年1月1日", D("2026-12-24"), calendar=WorkdayCalendar(tmp_path)).reading


def test_to_dict_shape(cal):
    data = parse_deadline("9月底前", D(ISSUED), calendar=cal).to_dict()
    assert data["date"] == "2022-09-30" and data["kind"] == "month_end" and data["reading"]
    assert "choices" not in data and "warning" not in data
    ambiguous = parse_deadline("周五", D("2022-09-09"), calendar=cal).to_dict()
    assert ambiguous["date"] is None
    assert [c["date"] for c in ambiguous["choices"]] == ["2022-09-09", "2022-09-16"]


def test_default_calendar_is_used_when_none_given():
    assert parse_deadline("10个工作日内", D("2022-09-28")).date == D("2022-10-17")
