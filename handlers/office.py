"""The coordinating office's questions: /score, /whatif, /fact, /remind, /contacts."""

from __future__ import annotations

from collections.abc import Callable

import scoring
from handlers import hint_texts as ht
from handlers import office_texts as ot
from handlers import year_texts as yt
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.markup import esc
from handlers.notify import notify_department
from handlers.replies import Message, Replies
from handlers.task_texts import clip
from handlers.tasks import split_year
from services.access import require_admin
from services.contacts import contact_lines, unreachable_contacts
from services.nudges import nudge
from services.quantities import parse_quantity
from services.scoring_facts import Standing, record_office_fact, score_standing

TRUE_WORDS, FALSE_WORDS = {"true", "yes", "是", "有", "完成", "1"}, {"false", "no", "否", "无", "未完成", "0"}
CONTACTS_WINDOW_WORKDAYS = 5


async def score(turn: Turn) -> Replies:
    """/score [YEAR] [N]: this year's letter (or YEAR's); once its year is over, its final standing.
    /score N.N 来源: where a sub-item's facts came from."""
    ctx = turn.ctx
    year, args = split_year(turn.args)
    state = score_standing(ctx.db, turn.who, ctx.clock.today(), ctx.calendar, ctx.policy, ctx.clock.tz, year)
    if len(args) > 1 and args[1] in ot.SOURCE_WORDS:
        return [Message(_sources(state, args[0]))]
    if args:
        try:
            indicator = state.result.indicator(args[0])
        except scoring.UnknownIdError:
            return [Message(ot.SCORE_UNKNOWN.format(no=esc(args[0])))]
        return [Message(ot.indicator_detail(indicator, state.sources_of(s.id for s in indicator.subitems)))]
    assert state.year is not None
    if state.ended is not None:
        text = ot.final_standing(state.result, state.year, state.ended)
    else:
        text = ot.score_overview(state.result, ctx.clock.today(), state.year.year)
    extra = [yt.other_years(state.year, "score"), yt.next_year_hint(state.year) if turn.who.is_admin else ""]
    return [Message("\n\n".join([text, *[x for x in extra if x]]))]


def _sources(state: Standing, sid: str) -> str:
    """/score 14.1 来源: every source of a sub-item (and of its parts, as 3.1.1 of a pooled 3.1)."""
    sub = state.result.subitems.get(sid)
    if sub is None:
        return ot.SOURCES_UNKNOWN.format(sid=esc(sid))
    return ot.subitem_sources(sid, sub.name, state.sources_under(sid))


def _value(raw: str) -> object:
    low = raw.strip().lower()
    if low in TRUE_WORDS or low in FALSE_WORDS:
        return low in TRUE_WORDS
    q = parse_quantity(raw)
    if q is None:
        return raw.strip()
    return int(q.value) if q.value.is_integer() else q.value


def parse_values(args: tuple[str, ...], sub: scoring.SubItem) -> dict:
    """`actual=958 target=958`, `done=是`, or a bare amount read as the one numeric field the rule takes."""
    values: dict[str, object] = {}
    for arg in args:
        if "=" in arg:
            key, raw = arg.split("=", 1)
            values[key.strip()] = _value(raw)
            continue
        q = parse_quantity(arg)
        field = next((f for f in ("actual", "rate", "ratio", "score") if f in sub.fields), None)
        if q is None or field is None:
            raise ValueError(arg)
        values[field] = q.value
    if not values:
        raise ValueError("")
    return values


def _subitem(rubric: scoring.Rubric, sid: str) -> scoring.SubItem:
    if sid in rubric:
        return rubric.subitem(sid)
    pooled = rubric.pooled_part(sid)
    if pooled is None:
        raise scoring.UnknownIdError(sid)
    return pooled[0]


def _facts_answer(turn: Turn, usage: str, work: Callable[[str], str]) -> Replies:
    """/whatif and /fact: bad ids, values and facts are answered with the right form, never a traceback."""
    if len(turn.args) < 2:
        return [Message(usage)]
    try:
        return [Message(work(turn.args[0]))]
    except scoring.FactsError as exc:  # before ValueError: it is one, and says more
        return [Message(ot.FACTS_REFUSED.format(problems=esc(exc)))]
    except (ValueError, scoring.UnknownIdError):
        return [Message(usage)]


async def whatif(turn: Turn) -> Replies:
    ctx = turn.ctx

    def work(sid: str) -> str:
        state = score_standing(ctx.db, turn.who, ctx.clock.today(), ctx.calendar, ctx.policy, tz=ctx.clock.tz)
        sub = _subitem(state.rubric, sid)
        values = parse_values(turn.args[1:], sub)
        change = scoring.what_if(state.rubric, state.facts, {sid: values}, state.at_risk)
        return ot.what_if(change, sub.id, values)

    return _facts_answer(turn, ot.WHATIF_USAGE, work)


async def fact(turn: Turn) -> Replies:
    ctx = turn.ctx

    def work(sid: str) -> str:
        require_admin(turn.who)
        sub = _subitem(scoring.load_rubric(), sid)
        values = parse_values(turn.args[1:], sub)
        state = record_office_fact(ctx.db, ctx.clock, ctx.calendar, ctx.policy, turn.who, sid, values)
        result = state.result.subitem(sub.id)
        return ot.FACT_SAVED.format(
            sid=esc(sid), name=esc(sub.name), values=esc(values), score=ot.n(result.projected), points=ot.n(sub.points)
        )

    return _facts_answer(turn, ot.FACT_USAGE, work)


async def remind(turn: Turn) -> Replies:
    if not turn.args:
        return [Message(ot.REMIND_USAGE)]
    ctx = turn.ctx
    plan = nudge(ctx.db, ctx.clock, ctx.calendar, ctx.policy, turn.who, " ".join(turn.args))
    department = esc(plan.department)
    if not plan.tasks:
        return [Message(ot.NUDGE_NOTHING.format(department=department))]
    marks = {"red": "🔴", "yellow": "🟡"}
    items = "\n".join(
        f"{marks[s.colour]} <b>{esc(s.code)}</b> {esc(clip(s.text, 40))}({esc(s.reason)})" for s in plan.tasks
    )
    sent = await notify_department(ctx, plan.department_id, Message(ot.NUDGE.format(office=turn.office, items=items)))
    if sent == 0:
        return [Message(_nobody_reached(turn, plan.department_id, department))]
    return [Message(ot.NUDGE_SENT.format(department=department, n=sent, items=len(plan.tasks)))]


def _nobody_reached(turn: Turn, department_id: int, department: str) -> str:
    """Who the department has that cannot be reached, and why; or that it has nobody yet."""
    gone = unreachable_contacts(turn.ctx.db, department_id)
    if not gone:
        return ot.NUDGE_NOBODY.format(department=department)
    who = "、".join(f"{esc(name)}({esc(ht.why(reason))})" for name, reason in gone)
    return ot.NUDGE_UNREACHABLE.format(department=department, who=who)


async def contacts(turn: Turn) -> Replies:
    require_admin(turn.who)
    ctx = turn.ctx
    since = ctx.calendar.add_workdays(ctx.clock.today(), -CONTACTS_WINDOW_WORKDAYS)
    return [Message(ot.contacts(contact_lines(ctx.db, since, turn.office)))]


def routes(r: Routes) -> None:
    for name, handler in (
        ("score", score),
        ("whatif", whatif),
        ("fact", fact),
        ("remind", remind),
        ("contacts", contacts),
    ):
        r.command(name, handler)
