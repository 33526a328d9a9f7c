"""The grammar of festivals: "端午节前", "清明节后第一个工作日", "五一前", "国庆节后3个工作日内", "春节当天".

Before a festival is the last working day before its holiday begins; after it, the first (or N-th)
working day after the holiday ends, make-up working days counted (deadlines/festivals.py). "劳动节前" can
also mean the day before the festival's own day (30 April, inside the holiday): where the two differ, the
holiday reading is the answer and the other is offered as a choice. "节前" / "节后" with no name is the
nearest holiday that has not ended, and the reading says which. A year whose holiday schedule is not
known (no official calendar, no holiday file) is refused by name, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from deadlines import wording
from deadlines.cn_text import to_int
from deadlines.festivals import FESTIVALS, NAME_PATTERN, Break, canonical, festival_break
from deadlines.grammar import Rule, rx
from deadlines.phrase_context import Context
from deadlines.readings import ParsedDeadline
from deadlines.specs import DeadlineSpec

SIDES = {"前": "before", "之前": "before", "以前": "before", "后": "after", "之后": "after", "以后": "after"}
SIDES |= {"收假后": "after", "当天": "on", "当日": "on"}


def _due(brk: Break, side: str, n: int) -> date | None:
    if side == "on":
        return brk.own
    return brk.before if side == "before" and n == 1 else brk.after if n == 1 else None


def _nth(ctx: Context, brk: Break, side: str, n: int) -> date | None:
    found = _due(brk, side, n)
    if found is None and side != "on":
        found = ctx.calendar.add_workdays(brk.first, -n) if side == "before" else ctx.calendar.add_workdays(brk.last, n)
    return found


def _named(ctx: Context, festival: str, due_of: Callable[[Break], date | None]) -> tuple[Break, list[str]]:
    """The festival's break by the year rule: the letter year's, else this year's unless passed."""
    if ctx.year is not None:
        brk = festival_break(ctx.calendar, festival, ctx.year)
        if brk is None or due_of(brk) is None:
            ctx.fail(wording.festival_unknown(ctx.text, festival, ctx.year))
        return brk, [wording.note_letter_year(ctx.year)]
    for year, note in ((ctx.today.year, wording.NOTE_THIS_YEAR), (ctx.today.year + 1, wording.NOTE_NEXT_YEAR)):
        brk = festival_break(ctx.calendar, festival, year)
        if brk is None:
            ctx.fail(wording.festival_unknown(ctx.text, festival, year))
        due = due_of(brk)
        if due is None:
            ctx.fail(wording.festival_unknown(ctx.text, festival, year))
        if due >= ctx.today:
            return brk, [note]
    ctx.fail(wording.festival_unknown(ctx.text, festival, ctx.today.year + 1))


def _nearest(ctx: Context, due_of: Callable[[Break], date | None]) -> tuple[Break, list[str]]:
    """The first holiday whose day (by `due_of`) is still ahead, for "节前" / "节后" with no name."""
    found: list[Break] = []
    for year in (ctx.today.year, ctx.today.year + 1):
        for festival in FESTIVALS:
            brk = festival_break(ctx.calendar, festival, year)
            due = due_of(brk) if brk is not None else None
            if brk is not None and due is not None and due >= ctx.today:
                found.append(brk)
    if not found:
        ctx.fail(wording.festival_unknown(ctx.text, "节假日", ctx.today.year + 1))
    brk = min(found, key=lambda b: (b.first, b.own or b.first))
    return brk, [wording.note_nearest_festival(brk.festival)]


def festival(ctx: Context, m: re.Match[str]) -> ParsedDeadline:
    side = SIDES[m["side"]]
    n = to_int(m["n"] or m["n2"]) if (m["n"] or m["n2"]) else 1
    if n < 1 or (side == "on" and (m["n"] or m["n2"])):
        ctx.fail(wording.unreadable(ctx.text))

    def due_of(brk: Break) -> date | None:
        return _nth(ctx, brk, side, n)

    brk, notes = _named(ctx, canonical(m["f"]), due_of) if m["f"] else _nearest(ctx, due_of)
    due = due_of(brk)
    assert due is not None  # _named and _nearest only return a break that has the day
    spec = DeadlineSpec(
        kind="festival", festival=brk.festival, side=side, workdays=n if n > 1 else None, phrase=ctx.text
    )
    notes.append(wording.note_festival_break(brk.festival, brk.year, brk.first, brk.last))
    words = wording.words_festival(brk.festival, side, n)
    usual = ctx.dated("festival", due, words, agnostic=spec, notes=notes)
    if side != "before" or n != 1 or brk.own is None or brk.own - timedelta(days=1) == due:
        return usual
    own = ctx.dated(
        "festival",
        brk.own - timedelta(days=1),
        wording.words_festival_own_day(brk.festival, brk.own),
        agnostic=replace(spec, own_day=True),
        notes=notes[:-1],
    )
    return ctx.usual(usual, [own])


_NAME = rf"(?P<f>{NAME_PATTERN})(?:放假|假期|小?长假)?"
_BARE = r"(?:(?<![\u4e00-\u9fff])|(?<=[双长过在于]))(?:节假日|节日|节)(?:放假|假期)?"
_SIDE = r"(?P<side>收假后|当天|当日|之前|以前|之后|以后|前|后)"
_TAIL = r"(?:上班)?(?:第?(?P<n><NUM>)个工作日(?:上班)?(?:之?内|以内)?|第(?P<n2><NUM>)天(?:上班)?|上班(?:第一天|首日)?)?"

FESTIVAL_RULES: tuple[Rule, ...] = (Rule("festival", rx(f"(?:{_NAME}|{_BARE}){_SIDE}{_TAIL}"), festival),)
