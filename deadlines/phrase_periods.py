"""The grammar of parts of the year, month and week, and of short periods.

- Halves and parts: "上半年" (30 June), "今年下半年" (31 December), "前三季度", "2022年内", "本月内",
  "下月中旬" (the 20th), "这周内" (the week's last working day), "周末前" / "下周末" (the Sunday: 周末 is
  read as Sunday, the only day the phrase names).
- Short periods: "72小时内" (whole days only: the hours count from the moment, so a day of 24 hours ends
  at the same hour; other counts depend on the time of day and are refused), "半个月内" (15 days),
  "一个半月内", "半年内" (6 months), "一年内". Periods of days, months and years are counted as the Civil
  Code counts them (the start day not counted; art. 202 for months) and end by the office's rule for a
  last day on a day off (Context.period_end).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from deadlines import wording
from deadlines.cn_text import to_int
from deadlines.grammar import CN_OR_DIGIT, MAX_PERIOD_DAYS, Rule, explicit_year, rx
from deadlines.phrase_context import Context, add_months, month_end
from deadlines.phrase_rules import WEEK_SHIFT, XUN_LAST_DAY, month_end_near
from deadlines.readings import ParsedDeadline
from deadlines.specs import DeadlineSpec

QUARTER_COUNT = {"1": 1, "2": 2, "3": 3, "一": 1, "二": 2, "两": 2, "三": 3}
HALF_MONTH_DAYS = 15


def half_of_year(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    first = m["h"] == "上"
    found, notes = ctx.in_year(explicit_year(ctx, m), lambda y: date(y, 6, 30) if first else date(y, 12, 31), str)
    words = wording.words_half_year(found.year, first)
    if first:
        return ctx.dated(
            "month_end", found, words, notes=notes, agnostic=DeadlineSpec(kind="month_end", month=6, phrase=ctx.text)
        )
    return ctx.dated("year_end", found, words, notes=notes, agnostic=DeadlineSpec(kind="year_end", phrase=ctx.text))


def first_quarters(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    month = QUARTER_COUNT[m["q"]] * 3
    found, notes = ctx.in_year(explicit_year(ctx, m), lambda y: month_end(y, month), str)
    return ctx.dated(
        "month_end",
        found,
        wording.words_first_quarters(month // 3),
        notes=notes,
        agnostic=DeadlineSpec(kind="month_end", month=month, phrase=ctx.text),
    )


def year_within(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    year = explicit_year(ctx, m)
    assert year is not None  # the pattern requires a year
    found = date(year, 12, 31)
    notes = [wording.NOTE_PASSED] if found < ctx.today else []
    return ctx.dated(
        "year_end",
        found,
        wording.words_year_end(year),
        notes=notes,
        agnostic=DeadlineSpec(kind="year_end", phrase=ctx.text),
    )


def xun_near(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    shift = 1 if m["r"].startswith(("下", "次")) else 0
    first = add_months(ctx.today.replace(day=1), shift)
    part = m["x"]
    found = month_end(first.year, first.month) if part == "下" else first.replace(day=XUN_LAST_DAY[part])
    notes = [wording.NOTE_PASSED] if found < ctx.today else []
    return ctx.dated(
        "month_end" if part == "下" else "absolute", found, wording.words_xun(first.month, part), notes=notes
    )


def _monday(ctx: Context, shift: str | None) -> date:
    return ctx.today - timedelta(days=ctx.today.weekday()) + timedelta(weeks=WEEK_SHIFT[shift] if shift else 0)


def week_end(ctx: Context, m: re.Match[str]) -> ParsedDeadline | None:
    if m.start() > 0 and ctx.s[m.start() - 1] == "每":
        return None  # 每周末 is a weekly duty
    sunday = _monday(ctx, m["r"]) + timedelta(days=6)
    notes = [wording.NOTE_PASSED] if sunday < ctx.today else []
    return ctx.dated("absolute", sunday, wording.words_week_end(m["r"] or "本"), notes=notes)


def week_within(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    monday = _monday(ctx, m["r"])
    sunday = monday + timedelta(days=6)
    last = ctx.calendar.previous_workday(sunday, inclusive=True)
    notes = [wording.note_week_without_workday()] if last < monday else []
    if last < ctx.today:
        notes.append(wording.NOTE_PASSED)
    return ctx.dated("absolute", last, wording.words_week_last_workday(m["r"]), notes=notes)


def hours(ctx: Context, m: re.Match[str]) -> ParsedDeadline | None:
    n = to_int(m["n"])
    if n < 1:
        return None
    if n % 24:
        ctx.fail(wording.hours_not_whole_days(m.group(0)))
    if n // 24 > MAX_PERIOD_DAYS:
        ctx.fail(wording.too_many_days(m.group(0), n // 24))
    found = ctx.today + timedelta(days=n // 24)
    return ctx.dated("relative", found, wording.words_hours(n), counted_from=ctx.today)


def halves(ctx: Context, m: re.Match[str]) -> ParsedDeadline | None:
    if m.start() > 0 and ctx.s[m.start() - 1] == "每":
        return None  # 每半个月 is a duty, refused by name; 每半年 is read as one
    whole = to_int(m["n"]) if m["n"] else 0
    start = ctx.today
    if m["u"] == "年":
        found = add_months(start, whole * 12 + 6)
    else:
        found = add_months(start, whole) + timedelta(days=HALF_MONTH_DAYS)
    words = wording.words_half_period(start, whole, m["u"] == "年")
    return ctx.period_end("relative", found, words, start)


def years(ctx: Context, m: re.Match[str]) -> ParsedDeadline | None:
    n = to_int(m["n"])
    if n < 1:
        return None
    found = add_months(ctx.today, 12 * n)
    return ctx.period_end("relative", found, wording.words_calendar_days(ctx.today, n, "年"), ctx.today)


_WEEK = r"(?:周|个?星期|个?礼拜)"
_NOT_NUM = rf"(?<![{CN_OR_DIGIT}])"
_WITHIN = r"(?:之?内|以内)"

PERIOD_RULES: tuple[Rule, ...] = (
    Rule("half_of_year", rx(r"<YEAR>(?P<h>上|下)半年度?(?:末|底|内|之内|以内|前)?"), half_of_year),
    Rule("first_quarters", rx(r"<YEAR>前(?P<q>[1-3一二两三])个?季度(?:末|底)?"), first_quarters),
    Rule(
        "year_within",
        rx(rf"(?:(?<!\d)(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}})|(?P<ry>今|明|本))年度?{_WITHIN}"),
        year_within,
    ),
    Rule("month_within", rx(rf"(?P<r>本|这个?|当|下个?|次)月份?{_WITHIN}"), month_end_near),
    Rule("xun_near", rx(r"(?P<r>本|这个?|当|下个?|次)月份?(?P<x>上|中|下)旬"), xun_near),
    Rule("week_end", rx(rf"(?P<r>下下个?|下个?|本|这个?|上个?)?{_WEEK}末"), week_end),
    Rule("week_within", rx(rf"(?P<r>下下个?|下个?|本|这个?){_WEEK}{_WITHIN}?"), week_within),
    Rule("hours", rx(rf"{_NOT_NUM}(?P<n><NUM>)个?(?:小时|钟头)(?:{_WITHIN}|$)"), hours),
    Rule("halves", rx(rf"{_NOT_NUM}(?:(?P<n><NUM>)个)?半(?P<u>个?月|年)(?:{_WITHIN}|$)"), halves),
    Rule("years", rx(rf"{_NOT_NUM}(?P<n>[1-9]|10|[一二两三四五六七八九十])个?年{_WITHIN}"), years),
)
