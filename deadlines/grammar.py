"""What the rules of the phrase grammar share: the `Rule` record, the regex shorthand and the helpers
that read a year, a month or a count out of a match.

`rx` expands ``<NUM>`` (a number, Arabic or Chinese) and ``<YEAR>`` (an optional written year: 2022年,
22年, 二〇二二年, 今年/明年/去年/本年) in a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from deadlines import wording
from deadlines.cn_text import NUM, to_int
from deadlines.phrase_context import Context, month_end
from deadlines.readings import ParsedDeadline

MAX_PERIOD_DAYS = 3660
MAX_PERIOD_MONTHS = 120

# A written year: 2022年, 22年, 二〇二二年, or 今年/明年/去年/本年.
YEAR = r"(?:(?<!\d)(?P<y>\d{4}|\d{2}|[〇零一二三四五六七八九]{4})年|(?P<ry>今|明|去|本)年)?"
UNIT = r"(?P<u>个?工作日|个?自然日|天|日|周|个?星期|个?礼拜|个月)"
CN_OR_DIGIT = "0-9〇零一二两三四五六七八九十百千"

# Words that end an event's description when looking back from "后".
_EVENT_STOP = re.compile(r"[,.。;:!?、()\[\]【】“”\"'《》]")
_EVENT_LEAD = re.compile(r"^(?:于|在|自|从|待|当|须|应|并|要|请|经|由)+")
NOT_EVENTS = {"", "之", "以", "然", "最", "此", "今", "随", "前", "其"}


@dataclass(frozen=True)
class Rule:
    name: str
    regex: re.Pattern[str]
    handler: Callable[[Context, re.Match[str]], ParsedDeadline | None]
    weak: bool = False


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("<NUM>", NUM).replace("<YEAR>", YEAR))


# --- helpers ------------------------------------------------------------------------------------------


def explicit_year(ctx: Context, m: re.Match[str]) -> int | None:
    groups = m.groupdict()
    if groups.get("y"):
        value = to_int(groups["y"])
        return 2000 + value if len(groups["y"]) == 2 else value
    if groups.get("ry"):
        base = ctx.year if ctx.year is not None else ctx.today.year
        return base + {"今": 0, "本": 0, "明": 1, "去": -1}[groups["ry"]]
    return None


def month_of(ctx: Context, m: re.Match[str]) -> int:
    month = to_int(m["m"])
    if not 1 <= month <= 12:
        ctx.fail(wording.no_such_month(m.group(0), month))
    return month


def check_day(ctx: Context, m: re.Match[str], month: int, day: int) -> None:
    # 2000 is a leap year: 2月29日 passes here and is checked against the year it lands in.
    if not 1 <= day <= month_end(2000, month).day:
        ctx.fail(wording.no_such_day(m.group(0), month, day))


def text_before(ctx: Context, end: int, limit: int) -> str:
    head = _EVENT_STOP.split(ctx.s[:end])[-1]
    return _EVENT_LEAD.sub("", head)[-limit:]


def count_of(ctx: Context, m: re.Match[str]) -> int | None:
    n = to_int(m["n"])
    if n < 1:
        return None
    limit = MAX_PERIOD_MONTHS if m["u"] == "个月" else MAX_PERIOD_DAYS
    if n > limit:
        ctx.fail(wording.too_many_days(m.group(0), n))
    return n
