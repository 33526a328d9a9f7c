"""Read a Chinese deadline phrase: `parse_deadline("9月底前", today=...)` -> `ParsedDeadline`.

Chinese forms are read by the grammar in `phrase_rules` (found anywhere in the text, so a letter's whole
sentence works too: "企业名单确定后于10个工作日内报送"). What the grammar does not know goes to
dateparser, which reads ISO-like and English dates well ("15/10/2022", "Oct 15", "tomorrow"); only a
result naming a single day is taken. Numeric dates with a year (2022-10-15, 2022/10/15) are read by the
grammar itself: dateparser answers None for "2022-02-30", and such a date must be refused by name.

Several different deadlines in one text, or a phrase that can mean two days ("周五" said on a Friday),
give `choices` instead of a guess. A phrase with a usual reading and another one ("劳动节前": before the
holiday, or before 1 May itself) answers the usual one in `date` and offers both in `choices`.
"(遇节假日顺延)" / "(遇节假日提前)" anywhere in the text moves a due day that is a day off.
`today` is always passed in: nothing here reads the clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from deadlines import wording
from deadlines.cn_text import normalize, normalize_spaced
from deadlines.phrase_context import Context
from deadlines.phrase_duties import DUTY_RULES
from deadlines.phrase_festivals import FESTIVAL_RULES
from deadlines.phrase_periods import PERIOD_RULES
from deadlines.phrase_rules import DAY_RULES
from deadlines.readings import DeadlineParseError, ParsedDeadline
from deadlines.workdays import WorkdayCalendar, default_calendar

__all__ = ["DeadlineParseError", "ParsedDeadline", "parse_deadline"]

RULES = DAY_RULES + PERIOD_RULES + FESTIVAL_RULES + DUTY_RULES

# "(遇节假日顺延)", "如遇法定节假日则提前": where a due day on a day off goes.
_SHIFT = re.compile(
    r"[(\[【]?(?:如|若)?(?:遇|逢)(?:法定)?(?:节假日|节日|假日|休息日|双休日|周末|节假日或周末)(?:则|就)?"
    r"(?P<way>顺延|后延|延后|提前)[)\]】]?"
)
_SHIFTS = {"顺延": "next", "后延": "next", "延后": "next", "提前": "previous"}

# English words, or numbers joined like a date (15/10/2022, 10-15): what dateparser is trusted with.
_DATEPARSER_WORTHY = re.compile(r"[a-z]{3}|\d{1,4}\s*[-/.]\s*\d{1,2}", re.IGNORECASE)

# Outcome of one rule match: a reading, or the error it would raise if it is the match that counts.
_Outcome = ParsedDeadline | DeadlineParseError

# What makes two readings the same deadline: kind, due day and spec key.
_Identity = tuple[str | None, date | None, str | None]


def parse_deadline(
    text: str, today: date, year: int | None = None, calendar: WorkdayCalendar | None = None
) -> ParsedDeadline:
    """Read `text` as a deadline said on `today`; `year` is the letter year for the letter's own words.

    Raises `DeadlineParseError` (Chinese message, with examples of forms that work) when nothing in the
    text reads as a deadline or when it names a day that does not exist ("2月30日").
    """
    if isinstance(today, datetime):
        today = today.date()
    original = (text or "").strip()
    if not original:
        raise DeadlineParseError(wording.empty_phrase())
    s = normalize(original)
    marker = _SHIFT.search(s)
    ctx = Context(
        text=original,
        s=_SHIFT.sub("", s),
        today=today,
        year=year,
        calendar=calendar if calendar is not None else default_calendar(),
        shift=_SHIFTS[marker["way"]] if marker else None,
    )
    try:
        readings = _scan(ctx)
        if not readings:
            found = _by_dateparser(ctx)
            readings = [found] if found else []
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, DeadlineParseError):
            raise
        raise DeadlineParseError(wording.out_of_range(original)) from None
    if not readings:
        raise DeadlineParseError(wording.unreadable(original))
    return _combine(ctx, readings)


def _matches(ctx: Context, weak: bool) -> list[tuple[int, int, _Outcome]]:
    found: list[tuple[int, int, _Outcome]] = []
    for rule in RULES:
        if rule.weak != weak:
            continue
        for m in rule.regex.finditer(ctx.s):
            if m.end() == m.start():
                continue
            outcome: _Outcome | None
            try:
                outcome = rule.handler(ctx, m)
            except DeadlineParseError as exc:
                outcome = exc
            if outcome is not None:
                found.append((m.start(), m.end(), outcome))
    return found


def _longest_first(found: list[tuple[int, int, _Outcome]]) -> list[_Outcome]:
    """Keep the longest matches that do not overlap, in text order ("每季度末月25日前" over "25日前")."""
    kept: list[tuple[int, int, _Outcome]] = []
    for start, end, outcome in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        if all(end <= s or start >= e for s, e, _ in kept):
            kept.append((start, end, outcome))
    return [outcome for _, _, outcome in sorted(kept, key=lambda k: k[0])]


def _scan(ctx: Context) -> list[ParsedDeadline]:
    outcomes = _longest_first(_matches(ctx, weak=False)) or _longest_first(_matches(ctx, weak=True))
    readings: list[ParsedDeadline] = []
    for outcome in outcomes:
        if isinstance(outcome, DeadlineParseError):
            raise outcome
        readings.append(outcome)
    return readings


def _by_dateparser(ctx: Context) -> ParsedDeadline | None:
    # Imported late: a second to load, and rarely needed.
    from dateparser.date import DateDataParser

    spaced = normalize_spaced(ctx.text)
    if not _DATEPARSER_WORTHY.search(spaced):
        return None  # dateparser reads a bare "15" or "(2分)" as a day; only words or d/m/y shapes go to it
    parser = DateDataParser(
        languages=["en", "zh"],
        settings={
            "RELATIVE_BASE": datetime.combine(ctx.today, datetime.min.time()),
            "PREFER_DATES_FROM": "future",
        },
    )
    data = parser.get_date_data(spaced)
    # Only a single day is a deadline: "May" or "next week" name a period and are refused.
    if data.date_obj is None or data.period != "day":
        return None
    return ctx.dated("absolute", data.date_obj.date(), spaced)


def _identity(reading: ParsedDeadline) -> _Identity:
    return reading.kind, reading.date, reading.spec.key if reading.spec else None


def _combine(ctx: Context, readings: list[ParsedDeadline]) -> ParsedDeadline:
    distinct = {tuple(_identity(o) for o in (r.choices or (r,))): r for r in readings}
    if len(distinct) == 1:  # one deadline (said once or more): as read, with its own choices if any
        return readings[0]
    options: dict[_Identity, ParsedDeadline] = {}
    for reading in readings:
        for option in reading.choices or (reading,):
            options.setdefault(_identity(option), option)
    if len(options) == 1:
        return next(iter(options.values()))
    return ctx.choices(list(options.values()))
