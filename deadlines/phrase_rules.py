"""The grammar of Chinese deadline phrases: one rule per form, each a regex over the normalized text.

A rule's handler turns a match into a `ParsedDeadline`, returns None when the match is not a deadline
after all ("每周五" is not "周五"), or raises `DeadlineParseError` for a form that is clear but wrong
("2月30日"). Weak rules ("年度", "本年度") only count when no other rule matched, since those words also
appear in sentences whose real deadline is elsewhere ("于3月底前确定本年度企业名单").

"前/之前/以前/截止" change nothing: "9月30日前" is due by the end of 30 September, as offices use it.
Weeks start on Monday: "本周五" is this week's Friday, "下周五" next week's.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from deadlines import wording
from deadlines.cn_text import to_int
from deadlines.grammar import (
    CN_OR_DIGIT,
    NOT_EVENTS,
    UNIT,
    Rule,
    check_day,
    count_of,
    explicit_year,
    month_of,
    rx,
    text_before,
)
from deadlines.phrase_context import Context, add_months, month_end
from deadlines.readings import ParsedDeadline
from deadlines.specs import DeadlineSpec

WEEKDAYS = {
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "6": 5,
    "7": 6,
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
}
WEEK_SHIFT = {"本": 0, "这": 0, "这个": 0, "下": 1, "下个": 1, "下下": 2, "下下个": 2, "上": -1, "上个": -1}
TODAY_OFFSETS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "後天": 2, "大后天": 3}
XUN_LAST_DAY = {"上": 10, "中": 20}  # 下旬 ends with the month
# The spec shift that carries the office's holiday rule into a period counted from an event.
HOLIDAY_SHIFT = {"civil-code": "holiday", "rest-day": "next", "as-counted": None}
QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}

# --- single days in a year --------------------------------------------------------------------------


def iso_date(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    year, month, day = int(m["y"]), month_of(ctx, m), int(m["d"])
    check_day(ctx, m, month, day)
    found, notes = ctx.in_year(
        year, lambda y: date(y, month, day), lambda y: wording.no_such_day(m.group(0), month, day, y)
    )
    return ctx.dated(
        "absolute",
        found,
        m.group(0),
        notes=notes,
        agnostic=DeadlineSpec(kind="absolute", month=month, day=day, phrase=ctx.text),
    )


def month_day(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    month, day = month_of(ctx, m), to_int(m["d"])
    check_day(ctx, m, month, day)
    found, notes = ctx.in_year(
        explicit_year(ctx, m), lambda y: date(y, month, day), lambda y: wording.no_such_day(m.group(0), month, day, y)
    )
    return ctx.dated(
        "absolute",
        found,
        f"{month}月{day}日",
        notes=notes,
        agnostic=DeadlineSpec(kind="absolute", month=month, day=day, phrase=ctx.text),
    )


def month_end_of(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    month = month_of(ctx, m)
    found, notes = ctx.in_year(explicit_year(ctx, m), lambda y: month_end(y, month), str)
    return ctx.dated(
        "month_end",
        found,
        wording.words_month_end(month),
        notes=notes,
        agnostic=DeadlineSpec(kind="month_end", month=month, phrase=ctx.text),
    )


def xun(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    month, part = month_of(ctx, m), m["x"]
    words = wording.words_xun(month, part)
    if part == "下":
        found, notes = ctx.in_year(explicit_year(ctx, m), lambda y: month_end(y, month), str)
        return ctx.dated(
            "month_end",
            found,
            words,
            notes=notes,
            agnostic=DeadlineSpec(kind="month_end", month=month, phrase=ctx.text),
        )
    day = XUN_LAST_DAY[part]
    found, notes = ctx.in_year(explicit_year(ctx, m), lambda y: date(y, month, day), str)
    return ctx.dated(
        "absolute",
        found,
        words,
        notes=notes,
        agnostic=DeadlineSpec(kind="absolute", month=month, day=day, phrase=ctx.text),
    )


def year_end(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    found, notes = ctx.in_year(explicit_year(ctx, m), lambda y: date(y, 12, 31), str)
    return ctx.dated(
        "year_end",
        found,
        wording.words_year_end(found.year),
        notes=notes,
        agnostic=DeadlineSpec(kind="year_end", phrase=ctx.text),
    )


def numbered_quarter_end(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    quarter = QUARTERS[m["q"]]
    found, notes = ctx.in_year(explicit_year(ctx, m), lambda y: month_end(y, quarter * 3), str)
    return ctx.dated(
        "month_end",
        found,
        wording.words_quarter_end(quarter),
        notes=notes,
        agnostic=DeadlineSpec(kind="month_end", month=quarter * 3, phrase=ctx.text),
    )


# --- days counted from today ------------------------------------------------------------------------


def today_word(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    offset = TODAY_OFFSETS[m["w"]]
    return ctx.dated("absolute", ctx.today + timedelta(days=offset), wording.words_today_offset(offset))


def weekday(ctx: Context, m: re.Match[str]) -> ParsedDeadline | None:
    target, shift = WEEKDAYS[m["w"]], m["r"]
    today = ctx.today
    if shift is None:
        if m.start() > 0 and ctx.s[m.start() - 1] == "每":
            return None  # 每周五 is a weekly deadline, not this Friday
        ahead = (target - today.weekday()) % 7
        if ahead == 0:  # "周五" said on a Friday: today, or a week from today?
            return ctx.choices(
                [
                    ctx.dated("absolute", today, wording.words_weekday("本", target) + ", 即今天"),
                    ctx.dated("absolute", today + timedelta(days=7), wording.words_weekday("下", target)),
                ]
            )
        return ctx.dated(
            "absolute",
            today + timedelta(days=ahead),
            wording.words_weekday("", target),
            notes=[wording.NOTE_NEAREST_WEEKDAY],
        )
    monday = today - timedelta(days=today.weekday())
    found = monday + timedelta(weeks=WEEK_SHIFT[shift], days=target)
    notes = [wording.NOTE_PASSED] if found < today else []
    return ctx.dated("absolute", found, wording.words_weekday(shift, target), notes=notes)


def day_of_month(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    day, which = to_int(m["d"]), m["r"]
    if not 1 <= day <= 31:
        ctx.fail(wording.no_such_day_of_month(m.group(0), day))
    today = ctx.today
    if which is not None:
        shift = 1 if which.startswith(("下", "次")) else 0
        first = add_months(today.replace(day=1), shift)
        if day > month_end(first.year, first.month).day:
            ctx.fail(wording.no_such_day(m.group(0), first.month, day, first.year))
        found = first.replace(day=day)
        notes = [wording.NOTE_PASSED] if found < today else []
        return ctx.dated("absolute", found, f"{which}{day}日", notes=notes)
    for shift in range(13):  # this month if the day is still ahead, else the next month that has it
        first = add_months(today.replace(day=1), shift)
        if day <= month_end(first.year, first.month).day and first.replace(day=day) >= today:
            notes = [wording.NOTE_NEXT_MONTH] if shift else []
            return ctx.dated("absolute", first.replace(day=day), wording.words_day_of_month(day), notes=notes)
    ctx.fail(wording.no_such_day_of_month(m.group(0), day))


def month_end_near(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    shift = 1 if (m["r"] or "").startswith(("下", "次")) else 0
    first = add_months(ctx.today.replace(day=1), shift)
    words = "下月底" if shift else "本月底"
    found = month_end(first.year, first.month)
    return ctx.dated("month_end", found, words, notes=[wording.NOTE_PASSED] if found < ctx.today else [])


def quarter_end_near(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    shift = 1 if (m["r"] or "").startswith("下") else 0
    quarter_index = (ctx.today.year * 4 + (ctx.today.month - 1) // 3) + shift
    year, quarter0 = divmod(quarter_index, 4)
    words = ("下季度末" if shift else "本季度末") + f", 第{quarter0 + 1}季度"
    return ctx.dated("month_end", month_end(year, quarter0 * 3 + 3), words)


def period_from_today(ctx: Context, m: re.Match[str]) -> ParsedDeadline | None:
    n = count_of(ctx, m)
    if n is None:
        return None
    start, unit = ctx.today, m["u"]
    if "工作日" in unit:
        found = ctx.calendar.add_workdays(start, n)
        return ctx.dated("relative", found, wording.words_workdays(start, n), counted_from=start)
    if unit in ("天", "日", "自然日", "个自然日"):
        found, words = start + timedelta(days=n), wording.words_calendar_days(start, n, unit.lstrip("个"))
    elif unit == "个月":
        found, words = add_months(start, n), wording.words_calendar_days(start, n, "个月")
    else:  # weeks
        found, words = start + timedelta(weeks=n), wording.words_calendar_days(start, n, "周")
    if m.group(0).endswith("后"):
        return ctx.dated("relative", found, words)  # "三天后": a day, not the end of a period
    return ctx.period_end("relative", found, words, start)


# --- deadlines that are not one day -----------------------------------------------------------------


def after_event(ctx: Context, m: re.Match[str]) -> ParsedDeadline | None:
    event = text_before(ctx, m.start(), 20)
    if event in NOT_EVENTS:
        return None  # "之后10天内" names no event; the from-today rule reads it
    n = count_of(ctx, m)
    if n is None:
        return None
    unit = m["u"]
    if unit == "个月":
        ctx.fail(wording.unsupported_event_months(m.group(0)))
    if "工作日" in unit:
        spec = DeadlineSpec(kind="relative", event=event, workdays=n, phrase=ctx.text)
        what = wording.what_after_event(event, n, "个工作日")
    else:
        days = n if unit in ("天", "日", "自然日", "个自然日") else n * 7
        shift = ctx.shift or HOLIDAY_SHIFT[ctx.calendar.holiday_rule]
        spec = DeadlineSpec(kind="relative", event=event, days=days, phrase=ctx.text, shift=shift)
        what = wording.what_after_event(event, days, "天")
        return ctx.undated("relative", what, spec, [wording.note_event_period_end(shift)] if shift else [])
    return ctx.undated("relative", what, spec)


def duration(ctx: Context, m: re.Match[str]) -> ParsedDeadline | None:
    n = count_of(ctx, m)
    if n is None:
        return None
    days = n * 7 if m["u"] in ("周", "星期", "个星期") else n
    subject = text_before(ctx, m.start(), 12) or wording.DURATION_SUBJECT
    return ctx.undated(
        "duration", wording.what_duration(subject, days), DeadlineSpec(kind="duration", days=days, phrase=ctx.text)
    )


DAY_RULES: tuple[Rule, ...] = (
    Rule("iso_date", rx(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)[日号]?"), iso_date),
    # "9.30前", "9/30": only at the end or before 前, so decimals ("2.5平方公里") are not dates.
    Rule(
        "month_dot_day", rx(r"(?<![\d.])(?P<m>\d{1,2})[./](?P<d>\d{1,2})(?:[日号])?(?=前|之前|以前|截止|$)"), month_day
    ),
    Rule("month_day", rx(rf"<YEAR>(?P<m><NUM>)月份?(?P<d><NUM>)(?:[日号]|(?![{CN_OR_DIGIT}个天周月年]))"), month_day),
    Rule("month_end", rx(r"<YEAR>(?P<m><NUM>)月份?(?:底|末)"), month_end_of),
    Rule("xun", rx(r"<YEAR>(?P<m><NUM>)月份?(?P<x>上|中|下)旬"), xun),
    Rule(
        "year_end",
        rx(r"(?:(?<!\d)(?P<y>\d{4}|\d{2}|[〇零一二三四五六七八九]{4})|(?P<ry>今|明|去|本))?年?年(?:底|末)"),
        year_end,
    ),
    Rule("quarter_n_end", rx(r"<YEAR>第?(?P<q>[1-4一二三四])季度?(?:末|底)(?!月)"), numbered_quarter_end),
    Rule("quarter_end", rx(r"(?P<r>本|这个?|当|下个?)?季度?(?:末|底)(?!月)"), quarter_end_near),
    Rule("month_end_near", rx(r"(?P<r>本|这个?|当|下个?|次)?月(?:底|末)"), month_end_near),
    Rule("today", rx(r"(?P<w>大后天|后天|後天|明天|明日|今天|今日)"), today_word),
    Rule(
        "weekday",
        rx(r"(?P<r>下下个?|下个?|本|这个?|上个?)?(?:周|星期|礼拜)(?P<w>[1-7一二三四五六日天])(?![次个\d])"),
        weekday,
    ),
    Rule(
        "day_of_month",
        rx(rf"(?<![{CN_OR_DIGIT}月第〕\])])(?P<r>本月|这个?月|当月|下个?月|次月)?(?P<d><NUM>)[日号]"),
        day_of_month,
    ),
    Rule(
        "period_from_today",
        rx(rf"(?<![{CN_OR_DIGIT}])(?P<n><NUM>){UNIT}(?:之?内|以内|之?后|以后|$)"),
        period_from_today,
    ),
    Rule(
        "after_event", rx(rf"(?:之|以)?后[^。;!?\d]{{0,12}}?(?:于|在)?(?P<n><NUM>){UNIT}(?:之?内|以内|$)"), after_event
    ),
    Rule(
        "duration",
        rx(r"(?:(?:不得|不应|不能|不)(?:少于|低于|短于)|至少)(?P<n><NUM>)(?P<u>个?自然日|日|天|周|个?星期)"),
        duration,
    ),
)
