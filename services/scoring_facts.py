"""Scoring facts in the database: made from verified reports or entered by the office, and the score
they give. Every fact remembers its source, so every lost point can name the report behind it. Facts
belong to a letter: a report's to its task's, the office's to this year's; the score is of this year's
letter unless a year is given, and once a year is over its final standing counts as at risk what was
never reported rather than what is overdue today."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

import scoring
from deadlines.clock import Clock
from deadlines.policy import RED, ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services import audit
from services.access import Denied, Identity, require_admin
from services.letter_file import DEFAULT_OFFICE
from services.letter_year import YearState, letter_and_year, letter_for
from services.occurrences import letter_occurrences
from services.stamped import Stamped
from services.status_board import task_statuses
from services.tasks import current_letter
from services.year_end import MISSING, YearEnd, year_end
from storage.db import Database
from storage.models import Fact, Letter, Report, Task


def _measure_fact(m: dict, fields: set[str]) -> dict | None:
    """The fact one measure proves for a sub-item reading `fields`, or None when its rule reads none."""
    if "actual" in fields:
        return {"actual": m["value"]} | ({"target": m["target"]} if "target" in fields else {})
    if "rate" in fields:
        return {"rate": m["value"]}
    if "ratio" in fields and m.get("target"):
        return {"ratio": min(1.0, m["value"] / m["target"])}
    return None


def facts_from_report(rubric: scoring.Rubric, task: Task, report: Report) -> tuple[dict[str, dict], list[str]]:
    """What a verified report proves, by sub-item; and the sub-items it cannot settle on its own.

    A measure against a target feeds the target's sub-item (actual / rate / ratio, whichever its rule reads);
    a completion report settles the task's all-or-nothing sub-items (done) and completion shares (ratio 1).
    Everything else (incidents, assessments, discretion) is the office's to enter.
    """
    facts: dict[str, dict] = {}
    unsettled: list[str] = []
    for m in report.measures or []:
        sid = m.get("rubric")
        sub = _subitem(rubric, sid) if sid else None
        if sub is None:
            continue
        proved = _measure_fact(m, _fields(rubric, sid, sub))
        if proved is None:
            unsettled.append(sid)
        else:
            facts[sid] = proved
    if report.kind == "completion":
        for sid in sorted(rubric.expand(task.rubric_ids or [])):
            if sid in facts or any(k.startswith(sid + ".") for k in facts):
                continue
            fields = set(rubric.subitem(sid).fields)
            if fields == {"done"}:
                facts[sid] = {"done": True}
            elif fields == {"ratio"}:
                facts[sid] = {"ratio": 1.0}
            elif not rubric.subitem(sid).exempt:
                unsettled.append(sid)
    return facts, unsettled


def _subitem(rubric: scoring.Rubric, sid: str):
    if sid in rubric:
        return rubric.subitem(sid)
    pooled = rubric.pooled_part(sid)
    return pooled[0] if pooled else None


def _fields(rubric: scoring.Rubric, sid: str, sub) -> set[str]:
    pooled = rubric.pooled_part(sid) if sid not in rubric else None
    return set(pooled[1]) if pooled else set(sub.fields)


def record_report_facts(
    session: Session, clock: Clock, identity: Identity, report: Report, rubric: scoring.Rubric | None = None
) -> dict[str, dict]:
    rubric = rubric or scoring.load_rubric()
    facts, _ = facts_from_report(rubric, report.task, report)
    scoring.Facts.from_mapping(facts, rubric)  # refuse anything the engine would refuse, before writing
    for sid, values in facts.items():
        session.add(
            Fact(
                letter_id=report.task.letter_id,  # the report's own year, whichever letter is current
                subitem_id=sid,
                values=values,
                source="report",
                report_id=report.id,
                set_by=identity.actor,
                set_at=clock.now(),
                active=True,
            )
        )
    if facts:
        audit.record(session, clock, identity.actor, "facts.from_report", "report", report.id, None, facts)
    return facts


def set_office_fact(
    session: Session,
    clock: Clock,
    identity: Identity,
    sid: str,
    values: dict,
    note: str | None = None,
    rubric: scoring.Rubric | None = None,
) -> None:
    """`/fact 7.1.2 cases=1`: the office records what only it knows (incidents, assessments, deductions)."""
    require_admin(identity)
    rubric = rubric or scoring.load_rubric()
    scoring.Facts.from_mapping({sid: values}, rubric)  # raises FactsError with the id, value and what is allowed
    letter = letter_for(session, clock.today())
    session.add(
        Fact(
            letter_id=letter.id,
            subitem_id=sid,
            values=values,
            source="office",
            report_id=None,
            set_by=identity.actor,
            set_at=clock.now(),
            note=note,
            active=True,
        )
    )
    audit.record(session, clock, identity.actor, "facts.set", "fact", sid, None, values)


@dataclass(frozen=True)
class FactRow:
    """One active fact as /score needs it: its values, and what to say of where it came from."""

    subitem_id: str
    values: dict
    report_id: int | None
    task_code: str | None  # the code of the report's task
    set_at: datetime
    note: str | None


@dataclass(frozen=True)
class LetterFacts:
    """The active facts of one letter, read in one query: merged for the engine, and their sources."""

    merged: dict[str, dict]
    rows: dict[str, tuple[FactRow, ...]]  # by sub-item, oldest first

    def facts(self, rubric: scoring.Rubric) -> scoring.Facts:
        """For the engine: a copy, so nothing done with it reaches what is kept."""
        return scoring.Facts.from_mapping({sid: dict(values) for sid, values in self.merged.items()}, rubric)

    def sources(self, office: str, tz=None, ids: Iterable[str] | None = None) -> dict[str, list[str]]:
        """Per sub-item (all, or those of `ids`), where its facts came from, in Chinese:
        "第12号上报(3.1,9月28日审核通过)"."""
        wanted = self.rows.keys() if ids is None else [sid for sid in ids if sid in self.rows]
        return {sid: [_source(row, office, tz) for row in self.rows[sid]] for sid in wanted}


def _source(row: FactRow, office: str, tz) -> str:
    local = row.set_at.astimezone(tz)
    day = f"{local.month}月{local.day}日"
    if row.report_id:
        return f"第{row.report_id}号上报({row.task_code or '?'},{day}审核通过)"
    return f"{office}录入({day}{',' + row.note if row.note else ''})"


def _read_facts(session: Session, letter_id: int) -> LetterFacts:
    merged: dict[str, dict] = {}
    rows: dict[str, list[FactRow]] = {}
    for row in session.execute(
        select(Fact.subitem_id, Fact.values, Fact.report_id, Task.code, Fact.set_at, Fact.note)
        .outerjoin(Report, Report.id == Fact.report_id)
        .outerjoin(Task, Task.id == Report.task_id)
        .where(Fact.letter_id == letter_id, Fact.active.is_(True))
        .order_by(Fact.set_at, Fact.id)
    ):
        fact = FactRow(*row)
        merged.setdefault(fact.subitem_id, {}).update(fact.values)  # later facts override earlier ones
        rows.setdefault(fact.subitem_id, []).append(fact)
    return LetterFacts(merged, {sid: tuple(found) for sid, found in rows.items()})


def letter_facts(session: Session, letter_id: int, stamped: Stamped | None = None) -> LetterFacts:
    """The active facts of a letter, kept until the letter's data changes (a year of them is 20,000 rows);
    `stamped`: the stamp as the question asking already read it."""
    return (stamped or Stamped(session)).kept(("facts", letter_id), lambda: _read_facts(session, letter_id))


def database_facts(session: Session, rubric: scoring.Rubric, letter: Letter | None = None) -> scoring.Facts:
    """The active facts of `letter` (default: the latest), later ones overriding earlier ones field by field."""
    return letter_facts(session, (letter or current_letter(session)).id).facts(rubric)


def at_risk_ids(
    session: Session,
    rubric: scoring.Rubric,
    today: date,
    calendar,
    policy: ReminderPolicy,
    letter: Letter | None = None,
    ended: YearEnd | None = None,
) -> frozenset[str]:
    """Sub-items whose tasks are overdue and unreported today (red); once the letter's year is over, whose
    tasks were never reported in it. `letter`: default the latest."""
    letter = letter or current_letter(session)
    if ended is None and today > date(letter.year, 12, 31):
        ended = year_end(session, letter, calendar, None)
    if ended is not None:
        codes = {t.code for t in ended.of(MISSING)}
    else:
        facts = letter_occurrences(session, letter)
        codes = {s.code for s in task_statuses(facts, today, calendar, policy) if s.colour == RED}
    ids = [
        rid
        for code, ids in session.execute(select(Task.code, Task.rubric_ids).where(Task.letter_id == letter.id))
        if code in codes
        for rid in (ids or [])
    ]
    return rubric.expand(ids) if ids else frozenset()


@dataclass(frozen=True)
class Standing:
    rubric: scoring.Rubric
    facts: scoring.Facts
    at_risk: frozenset[str]
    result: scoring.ScoreResult
    read: LetterFacts
    office: str
    tz: tzinfo | None = None
    year: YearState | None = None
    ended: YearEnd | None = None  # how the letter's year ended: the score is its final standing

    @cached_property
    def sources(self) -> dict[str, list[str]]:
        """Per sub-item, where its facts came from: worded only when asked (a year holds 20,000 facts)."""
        return self.read.sources(self.office, self.tz)

    def sources_of(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """Only these sub-items' sources (/score N)."""
        return self.read.sources(self.office, self.tz, ids)

    def sources_under(self, sid: str) -> list[str]:
        """Every source of one sub-item and of its parts, as 3.1.1 of a pooled 3.1 (/score N.N 来源)."""
        parts = [part for part in self.read.rows if part.startswith(sid + ".")]
        return [x for found in self.sources_of([sid, *parts]).values() for x in found]


def standing(
    session: Session,
    today: date,
    calendar,
    policy: ReminderPolicy,
    overlay: dict | None = None,
    tz=None,
    year: int | None = None,
) -> Standing:
    """Where the county stands today (this year's letter, or `year`'s): database facts (plus an optional
    file overlay), at-risk tasks, score; once the year is over, its final standing."""
    rubric = scoring.load_rubric()
    # The stamp read once, first: which letter, its facts and the score made from them are kept beside it.
    stamped = Stamped(session)
    letter_id, office, state = stamped.kept(("letter", today, year), lambda: _chosen(session, today, year))

    def letter() -> Letter:  # only to work something out anew
        return session.get_one(Letter, letter_id)

    ended = year_end(session, letter(), calendar, tz) if state.ended else None
    read = letter_facts(session, letter_id, stamped)

    def scored(extra: dict | None) -> tuple[scoring.Facts, frozenset[str], scoring.ScoreResult]:
        facts = read.facts(rubric)
        if extra:
            facts = scoring.merge(facts, scoring.Facts.from_mapping(extra, rubric))
        risk = at_risk_ids(session, rubric, today, calendar, policy, letter(), ended)
        return facts, risk, scoring.evaluate(rubric, facts, risk)

    if overlay or ended is not None:
        facts, risk, result = scored(overlay)
    else:  # /score asked again over the same data on the same day: the same answer, kept
        # The calendar and the policy themselves, not their id(): an id is reused once its object is gone, and
        # a later calendar or policy must never be served another's answer. The rubric is the bundled one,
        # loaded once per process (its id is stable; it is not hashable).
        key = ("score", letter_id, today, id(rubric), calendar, policy)
        facts, risk, result = stamped.kept(key, lambda: scored(None))
    return Standing(rubric, facts, risk, result, read, office, tz, state, ended)


def _chosen(session: Session, today: date, year: int | None) -> tuple[int, str, YearState]:
    """The letter /score is about (`letter_for`), its office's name and where its year stands."""
    letter, state = letter_and_year(session, today, year)
    return letter.id, letter.office or DEFAULT_OFFICE, state


def score_standing(
    db: Database,
    identity: Identity,
    today: date,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    tz: tzinfo | None = None,
    year: int | None = None,
) -> Standing:
    """/score and /whatif: for the office and viewers."""
    if not identity.reads_everything:
        raise Denied("admin_only") if identity.bound else Denied("unbound")
    with db.session() as session:
        return standing(session, today, calendar, policy, tz=tz, year=year)


def record_office_fact(
    db: Database,
    clock: Clock,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    identity: Identity,
    sid: str,
    values: dict,
) -> Standing:
    """/fact: the fact written (with its audit row), and the standing it leads to."""
    require_admin(identity)
    rubric = scoring.load_rubric()
    with db.session() as session:
        set_office_fact(session, clock, identity, sid, values, rubric=rubric)
        session.flush()
        return standing(session, clock.today(), calendar, policy, tz=clock.tz)
