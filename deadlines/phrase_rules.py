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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from deadlines import wording
from deadlines.cn_text import NUM, to_int
from deadlines.phrase_context import Context, add_months, month_end
from deadlines.readings import ParsedDeadline
from deadlines.specs import DeadlineSpec

MAX_PERIOD_DAYS = 3660
MAX_PERIOD_MONTHS = 120

# A written year: 2022年, 22年, 二〇二二年, or 今年/明年/去年/本年.
YEAR = r"(?:(?<!\d)(?P<y>\d{4}|\d{2}|[〇零一二三四五六七八九]{4})年|(?P<ry>今|明|去|本)年)?"
UNIT = r"(?P<u>个?工作日|个?自然日|天|日|周|个?星期|个?礼拜|个月)"
CN_OR_DIGIT = "0-9〇零一二两三四五六七八九十百千"

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
QUARTERS = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}

# Words that end an event's description when looking back from "后".
_EVENT_STOP = re.compile(r"[,.。;:!?、()\[\]【】“”\"'《》]")
_EVENT_LEAD = re.compile(r"^(?:于|在|自|从|待|当|须|应|并|要|请|经|由)+")
_NOT_EVENTS = {"", "之", "以", "然", "最", "此", "今", "随", "前", "其"}


@dataclass(frozen=True)
class Rule:
    name: str
    regex: re.Pattern[str]
    handler: Callable[[Context, re.Match[str]], ParsedDeadline | None]
    weak: bool = False


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("<NUM>", NUM).replace("<YEAR>", YEAR))


# --- helpers ------------------------------------------------------------------------------------------


def _explicit_year(ctx: Context, m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("y"):
        value = to_int(groups["y"])
        return 2000 + value if len(groups["y"]) == 2 else value
    if groups.get("ry"):
        base = ctx.year if ctx.year is not None else ctx.today.year
        return base + {"今": 0, "本": 0, "明": 1, "去": -1}[groups["ry"]]
    return None


def _month(ctx: Context, m: re.Match[str]) -> int:
    month = to_int(m["m"])
    if not 1 <= month <= 12:
        ctx.fail(wording.no_such_month(m.group(0), month))
    return month


def _check_day(ctx: Context, m: re.Match[str], month: int, day: int) -> None:
    # 2000 is a leap year: 2月29日 passes here and is checked against the year it lands in.
    if not 1 <= day <= month_end(2000, month).day:
        ctx.fail(wording.no_such_day(m.group(0), month, day))


def _text_before(ctx: Context, end: int, limit: int) -> str:
    head = _EVENT_STOP.split(ctx.s[:end])[-1]
    return _EVENT_LEAD.sub("", head)[-limit:]


def _count(ctx: Context, m: re.Match[str]) -> int | None:
    n = to_int(m["n"])
    if n < 1:
        return None
    limit = MAX_PERIOD_MONTHS if m["u"] == "个月" else MAX_PERIOD_DAYS
    if n > limit:
        ctx.fail(wording.too_many_days(m.group(0), n))
    return n


# --- single days in a year --------------------------------------------------------------------------


def iso_date(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    year, month, day = int(m["y"]), _month(ctx, m), int(m["d"])
    _check_day(ctx, m, month, day)
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
    month, day = _month(ctx, m), to_int(m["d"])
    _check_day(ctx, m, month, day)
    found, notes = ctx.in_year(
        _explicit_year(ctx, m), lambda y: date(y, month, day), lambda y: wording.no_such_day(m.group(0), month, day, y)
    )
    return ctx.dated(
        "absolute",
        found,
        f"{month}月{day}日",
        notes=notes,
        agnostic=DeadlineSpec(kind="absolute", month=month, day=day, phrase=ctx.text),
    )


def month_end_of(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    month = _month(ctx, m)
    found, notes = ctx.in_year(_explicit_year(ctx, m), lambda y: month_end(y, month), str)
    return ctx.dated(
        "month_end",
        found,
        wording.words_month_end(month),
        notes=notes,
        agnostic=DeadlineSpec(kind="month_end", month=month, phrase=ctx.text),
    )


def xun(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    month, part = _month(ctx, m), m["x"]
    words = wording.words_xun(month, part)
    if part == "下":
        found, notes = ctx.in_year(_explicit_year(ctx, m), lambda y: month_end(y, month), str)
        return ctx.dated(
            "month_end",
            found,
            words,
            notes=notes,
            agnostic=DeadlineSpec(kind="month_end", month=month, phrase=ctx.text),
        )
    day = XUN_LAST_DAY[part]
    found, notes = ctx.in_year(_explicit_year(ctx, m), lambda y: date(y, month, day), str)
    return ctx.dated(
        "absolute",
        found,
        words,
        notes=notes,
        agnostic=DeadlineSpec(kind="absolute", month=month, day=day, phrase=ctx.text),
    )


def year_end(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    found, notes = ctx.in_year(_explicit_year(ctx, m), lambda y: date(y, 12, 31), str)
    return ctx.dated(
        "year_end",
        found,
        wording.words_year_end(found.year),
        notes=notes,
        agnostic=DeadlineSpec(kind="year_end", phrase=ctx.text),
    )


def numbered_quarter_end(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    quarter = QUARTERS[m["q"]]
    found, notes = ctx.in_year(_explicit_year(ctx, m), lambda y: month_end(y, quarter * 3), str)
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
    n = _count(ctx, m)
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
    return ctx.dated("relative", found, words)


# --- deadlines that are not one day -----------------------------------------------------------------


def after_event(ctx: Context, m: re.Match[str]) -> ParsedDeadline | None:
    event = _text_before(ctx, m.start(), 20)
    if event in _NOT_EVENTS:
        return None  # "之后10天内" names no event; the from-today rule reads it
    n = _count(ctx, m)
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
        spec = DeadlineSpec(kind="relative", event=event, days=days, phrase=ctx.text)
        what = wording.what_after_event(event, days, "天")
    return ctx.undated("relative", what, spec)


def duration(ctx: Context, m: re.Match[str]) -> ParsedDeadline | None:
    n = _count(ctx, m)
    if n is None:
        return None
    days = n * 7 if m["u"] in ("周", "星期", "个星期") else n
    subject = _text_before(ctx, m.start(), 12) or wording.DURATION_SUBJECT
    return ctx.undated(
        "duration", wording.what_duration(subject, days), DeadlineSpec(kind="duration", days=days, phrase=ctx.text)
    )


def every_month(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    day = to_int(m["d"]) if m["d"] else None
    return ctx.recurring(m.group(0), "month", wording.rule_month(day), day=day)


def every_quarter(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    day = to_int(m["d"]) if m.groupdict().get("d") else None
    if day is not None and not 1 <= day <= 31:
        ctx.fail(wording.no_such_day_of_month(m.group(0), day))
    return ctx.recurring(m.group(0), "quarter", wording.rule_quarter(day), day=day)


def every_year(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    month = _month(ctx, m) if m["m"] else None
    day = to_int(m["d"]) if m["d"] else None
    if month and day:
        _check_day(ctx, m, month, day)
    return ctx.recurring(m.group(0), "year", wording.rule_year(month, day), month=month, day=day)


def annual(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    return ctx.recurring(m.group(0), "year", wording.rule_year(None, None))


def within_year(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    year = ctx.year if ctx.year is not None else ctx.today.year
    found = date(year, 12, 31)
    notes = [wording.NOTE_PASSED] if found < ctx.today else []
    return ctx.dated(
        "year_end",
        found,
        wording.words_year_end(year),
        notes=notes,
        agnostic=DeadlineSpec(kind="year_end", phrase=ctx.text),
    )


def unsupported_period(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    ctx.fail(wording.unsupported_period(m.group(0)))


RULES: tuple[Rule, ...] = (
    Rule("iso_date", _rx(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)[日号]?"), iso_date),
    # "9.30前", "9/30": only at the end or before 前, so decimals ("2.5平方公里") are not dates.
    Rule(
        "month_dot_day", _rx(r"(?<![\d.])(?P<m>\d{1,2})[./](?P<d>\d{1,2})(?:[日号])?(?=前|之前|以前|截止|$)"), month_day
    ),
    Rule("month_day", _rx(rf"<YEAR>(?P<m><NUM>)月份?(?P<d><NUM>)(?:[日号]|(?![{CN_OR_DIGIT}个天周月年]))"), month_day),
    Rule("month_end", _rx(r"<YEAR>(?P<m><NUM>)月份?(?:底|末)"), month_end_of),
    Rule("xun", _rx(r"<YEAR>(?P<m><NUM>)月份?(?P<x>上|中|下)旬"), xun),
    Rule(
        "year_end",
        _rx(r"(?:(?<!\d)(?P<y>\d{4}|\d{2}|[〇零一二三四五六七八九]{4})|(?P<ry>今|明|去|本))?年?年(?:底|末)"),
        year_end,
    ),
    Rule("quarter_n_end", _rx(r"<YEAR>第?(?P<q>[1-4一二三四])季度?(?:末|底)(?!月)"), numbered_quarter_end),
    Rule("quarter_end", _rx(r"(?P<r>本|这个?|当|下个?)?季度?(?:末|底)(?!月)"), quarter_end_near),
    Rule("month_end_near", _rx(r"(?P<r>本|这个?|当|下个?|次)?月(?:底|末)"), month_end_near),
    Rule("today", _rx(r"(?P<w>大后天|后天|後天|明天|明日|今天|今日)"), today_word),
    Rule(
        "weekday",
        _rx(r"(?P<r>下下个?|下个?|本|这个?|上个?)?(?:周|星期|礼拜)(?P<w>[1-7一二三四五六日天])(?![次个\d])"),
        weekday,
    ),
    Rule(
        "day_of_month",
        _rx(rf"(?<![{CN_OR_DIGIT}月第〕\])])(?P<r>本月|这个?月|当月|下个?月|次月)?(?P<d><NUM>)[日号]"),
        day_of_month,
    ),
    Rule(
        "period_from_today",
        _rx(rf"(?<![{CN_OR_DIGIT}])(?P<n><NUM>){UNIT}(?:之?内|以内|之?后|以后|$)"),
        period_from_today,
    ),
    Rule(
        "after_event", _rx(rf"(?:之|以)?后[^。;!?\d]{{0,12}}?(?:于|在)?(?P<n><NUM>){UNIT}(?:之?内|以内|$)"), after_event
    ),
    Rule(
        "duration",
        _rx(r"(?:(?:不得|不应|不能|不)(?:少于|低于|短于)|至少)(?P<n><NUM>)(?P<u>个?自然日|日|天|周|个?星期)"),
        duration,
    ),
    Rule("every_quarter_day", _rx(r"(?:每个?|按)?季度?(?:末月|最后一个?月)(?P<d><NUM>)[日号]"), every_quarter),
    Rule("every_quarter", _rx(r"(?:每个?季度?|按季度?)(?:末|底)?"), every_quarter),
    Rule("every_month", _rx(r"(?:每个?月份?|按月份?|月度)(?:(?P<d><NUM>)[日号]|底|末)?"), every_month),
    Rule(
        "every_year", _rx(r"(?:每年度?|按年度?)(?:(?P<m><NUM>)月份?(?:(?P<d><NUM>)[日号]|底|末)?|底|末)?"), every_year
    ),
    Rule("within_year", _rx(r"(?:当|本|今)年度?内?|年度?内"), within_year, weak=True),
    Rule("annual", _rx(r"年度"), annual, weak=True),
    Rule("unsupported_period", _rx(r"每(?:周|星期|礼拜|天|日|半年|半个?月|两周|旬)"), unsupported_period, weak=True),
)
