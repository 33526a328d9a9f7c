"""The grammar of recurring duties: "每周一上午报送", "每两周", "每月上旬", "每季度末月25日前", "每半年", "每年".

Weeks start on Monday. "每周" with no day is due on the week's last working day. "每两周" counts from the
week the phrase is read in (the reading says so) and offers the other weeks as a choice. "每天" and "每旬"
are refused by name: a daily duty is not a deadline to remind about.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from deadlines import wording
from deadlines.cn_text import to_int
from deadlines.grammar import Rule, check_day, month_of, rx
from deadlines.phrase_context import Context
from deadlines.readings import ParsedDeadline
from deadlines.specs import DeadlineSpec

WEEKDAY_OF = {"1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6, "一": 0, "二": 1, "三": 2, "四": 3}
WEEKDAY_OF |= {"五": 4, "六": 5, "日": 6, "天": 6, "末": 6}
XUN_DAY = {"上": 10, "中": 20, "下": None}  # 下旬 ends with the month


def every_week(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    weekday = WEEKDAY_OF[m["w"]] if m["w"] else None
    notes = [wording.note_weekly_day_off(ctx.shift)]
    if m["half"]:
        notes.append(wording.note_time_of_day(m["half"]))
    rule = wording.rule_week(weekday)
    if not m["two"]:
        return ctx.recurring(m.group(0), "week", rule, weekday=weekday, notes=notes)
    this_week = ctx.today - timedelta(days=ctx.today.weekday())
    readings = [
        ctx.recurring(
            m.group(0),
            "week",
            rule,
            weekday=weekday,
            anchor=anchor,
            notes=[wording.note_every_other_week(anchor), *notes],
        )
        for anchor in (this_week, this_week + timedelta(weeks=1))
    ]
    return ctx.usual(readings[0], readings[1:])


def every_month(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    day = to_int(m["d"]) if m["d"] else XUN_DAY.get(m["x"] or "下")
    rule = wording.rule_month(day) if not m["x"] else wording.rule_month_xun(m["x"], day)
    return ctx.recurring(m.group(0), "month", rule, day=day)


def every_quarter(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    day = to_int(m["d"]) if m.groupdict().get("d") else None
    if day is not None and not 1 <= day <= 31:
        ctx.fail(wording.no_such_day_of_month(m.group(0), day))
    return ctx.recurring(m.group(0), "quarter", wording.rule_quarter(day), day=day)


def every_half_year(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    return ctx.recurring(m.group(0), "half_year", wording.rule_half_year())


def every_year(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    month = month_of(ctx, m) if m["m"] else None
    day = to_int(m["d"]) if m["d"] else None
    if month and day:
        check_day(ctx, m, month, day)
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


_WEEK = r"(?:周|个?星期|个?礼拜)"

DUTY_RULES: tuple[Rule, ...] = (
    Rule(
        "every_week",
        rx(
            rf"(?:每|逢)(?P<two>两个?|隔一?个?|双)?{_WEEK}(?:{_WEEK})?(?P<w>[1-7一二三四五六日天末])?(?![1-7一二三四五六日天末])"
            r"(?P<half>上午|下午|中午)?"
        ),
        every_week,
    ),
    Rule("every_quarter_day", rx(r"(?:每个?|按)?季度?(?:末月|最后一个?月)(?P<d><NUM>)[日号]"), every_quarter),
    Rule("every_quarter", rx(r"(?:每个?季度?|按季度?)(?:末|底)?"), every_quarter),
    Rule(
        "every_month",
        rx(r"(?:每个?月份?|按月份?|月度)(?:(?P<d><NUM>)[日号]|(?P<x>上|中|下)旬|底|末)?"),
        every_month,
    ),
    Rule("every_half_year", rx(r"(?:每|按)半年度?(?:末|底)?"), every_half_year),
    Rule("every_year", rx(r"(?:每年度?|按年度?)(?:(?P<m><NUM>)月份?(?:(?P<d><NUM>)[日号]|底|末)?|底|末)?"), every_year),
    Rule("within_year", rx(r"(?:当|本|今)年度?内?|年度?内"), within_year, weak=True),
    Rule("annual", rx(r"年度"), annual, weak=True),
    Rule("unsupported_period", rx(r"每(?:天|日|旬|半个?月|个?工作日)"), unsupported_period, weak=True),
)
