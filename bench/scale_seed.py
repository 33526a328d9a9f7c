"""A year of use, seeded through the project's own services, for bench/scale.py.

The bundled 2022 letter, contacts in every county department, and from 4 January to the day before `TODAY`:
completion reports written as the chat writes them (services.report_drafts.begin_draft and fill_measures),
progress reports, the office's reviews (services.review's own session-level step: verifying writes the
facts and opens follow-up deadlines), withdrawals, facts the office enters (services.scoring_facts), and
the reminder ledger as the planner plans it (deadlines.planner.plan, services.reminder_ledger.record_planned),
marked sent and mostly acknowledged. One session per day: seeding 10x takes minutes, not hours.

Submitting is the seeder's own (what report_drafts._submit writes: the status, the occurrence answered,
the audit row), with the occurrence answered tracked here: on the code before issue 14 the service's
`next_open_occurrence` reads every report of the letter for each submission, and seeding 10x that way
would take hours. Everything is drawn from one seeded random generator at a fake clock, so the same scale
gives the same database on any version of the code.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

import scoring
from deadlines.clock import FakeClock
from deadlines.planner import Recipient, plan
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from scoring.generate import random_facts
from services import audit, review
from services.access import Identity
from services.letter_file import read_letter
from services.letters import load_letter
from services.occurrences import letter_occurrences
from services.quantities import Quantity
from services.reminder_ledger import record_planned
from services.report_drafts import begin_draft, fill_measures
from services.reports import measure_value, snapshot
from services.scoring_facts import set_office_fact
from storage import migrate
from storage.db import Database
from storage.models import AuditEntry, Contact, Department, Fact, Letter, Reminder, Report, Task, task_departments

TZ = ZoneInfo("Asia/Shanghai")
LETTER = Path(__file__).resolve().parents[1] / "data" / "shengzhou-2022.yaml"
TODAY = date(2022, 12, 20)  # a Tuesday near the end of the year: a year of use behind it
FIRST = date(2022, 1, 4)
ADMIN = 999
REPORTS_PER_UNIT = 10_000  # reports in a year at 1x
CONTACTS_PER_UNIT = 2  # contacts per county department at 1x: about 100,000 ledger rows
OFFICE_FACTS_PER_UNIT = 930
VERIFY, REJECT, WITHDRAW = 0.5, 0.22, 0.05  # the rest waits for review


@dataclass
class Seeded:
    reports: int = 0
    facts: int = 0
    audit: int = 0
    ledger: int = 0
    pending: int = 0
    contacts: int = 0

    def line(self) -> str:
        return (
            f"{self.reports:,} reports ({self.pending:,} awaiting review), {self.facts:,} active facts, "
            f"{self.audit:,} audit rows, {self.ledger:,} reminder-ledger rows, {self.contacts:,} contacts"
        )


@dataclass
class Tracker:
    """What the seeder must remember between days: who may report what, and which occurrence is open."""

    dues: dict[int, list[date]]  # task id -> its occurrences
    targets: dict[int, list[dict]]
    codes: dict[int, str]
    tasks_of: dict[int, list[int]]  # department id -> its tasks
    people: list[Identity]
    answering: dict[int, dict[int, date | None]] = field(default_factory=lambda: defaultdict(dict))
    waiting: list[tuple[date, int]] = field(default_factory=list)  # (submitted on, report id)

    def occurrence_for(self, task_id: int) -> date | None:
        """As report_drafts does it: none for a task due once, else the earliest unanswered occurrence."""
        dues = self.dues.get(task_id, [])
        if len(dues) <= 1:
            return None
        answered = set(self.answering[task_id].values())
        return next((d for d in dues if d not in answered), dues[-1])


def _world(db: Database, clock: FakeClock, units: int) -> Tracker:
    with db.session() as s:
        load_letter(s, read_letter(LETTER), clock)
        letter = s.scalar(select(Letter))
        dues: dict[int, list[date]] = defaultdict(list)
        for f in letter_occurrences(s, letter):
            dues[f.task.id].append(f.occurrence.due)
        tasks = {t.id: t for t in s.scalars(select(Task).where(Task.letter_id == letter.id))}
        tasks_of: dict[int, list[int]] = defaultdict(list)
        for task_id, dep_id in s.execute(
            select(task_departments.c.task_id, task_departments.c.department_id).where(
                task_departments.c.role == "responsible"
            )
        ):
            tasks_of[dep_id].append(task_id)
        people = []
        serial = 200_000
        for dep in s.scalars(select(Department).where(Department.level == "county").order_by(Department.id)):
            for i in range(max(1, CONTACTS_PER_UNIT * units)):
                serial += 1
                contact = Contact(
                    department_id=dep.id,
                    chat_id=serial,
                    user_id=serial,
                    kind="user",
                    role="contact",
                    display_name=f"{dep.name}联络员{i + 1}",
                    created_at=clock.now(),
                )
                s.add(contact)
                s.flush()
                if tasks_of.get(dep.id):
                    people.append(Identity(serial, serial, "contact", dep.id, dep.name, contact.id))
        return Tracker(
            {k: sorted(v) for k, v in dues.items()},
            {t.id: list(t.targets or []) for t in tasks.values()},
            {t.id: t.code for t in tasks.values()},
            tasks_of,
            people,
        )


def _measures(rng: random.Random, targets: list[dict]) -> list[Quantity]:
    return [Quantity(round(t["value"] * rng.uniform(0.3, 1.0), 1), t["unit"]) for t in targets]


def _completion(s: Session, clock: FakeClock, rng: random.Random, who: Identity, task_id: int, t: Tracker) -> Report:
    draft = begin_draft(s, clock, who, s.get_one(Task, task_id))
    if t.targets[task_id]:
        draft = fill_measures(clock, draft, _measures(rng, t.targets[task_id]))
    report = draft.report
    report.occurrence_due = t.occurrence_for(task_id)
    report.status, report.submitted_at = "submitted", clock.now()
    s.delete(draft.conversation)
    s.flush()
    audit.record(s, clock, who.actor, "report.submit", "report", report.id, None, snapshot(report))
    t.answering[task_id][report.id] = report.occurrence_due
    return report


def _progress(s: Session, clock: FakeClock, rng: random.Random, who: Identity, task_id: int, t: Tracker) -> Report:
    target = rng.choice(t.targets[task_id])
    value = measure_value(target, _measures(rng, [target])[0])
    measure = {"name": target["name"], "value": value, "unit": target["unit"], "target": target["value"]}
    report = Report(
        task_id=task_id,
        department_id=who.department_id,
        contact_id=who.contact_id,
        kind="progress",
        status="submitted",
        submitted_by=who.user_id,
        submitted_at=clock.now(),
        evidence=[],
        measures=[measure | {"rubric": target.get("rubric")}],
    )
    s.add(report)
    s.flush()
    audit.record(s, clock, who.actor, "report.progress", "report", report.id, None, snapshot(report))
    return report


def _report(s: Session, clock: FakeClock, rng: random.Random, t: Tracker) -> None:
    who = rng.choice(t.people)
    measured = [x for x in t.tasks_of[who.department_id] if t.targets[x]]
    if measured and rng.random() < 0.5:
        report = _progress(s, clock, rng, who, rng.choice(measured), t)
    else:
        report = _completion(s, clock, rng, who, rng.choice(t.tasks_of[who.department_id]), t)
    t.waiting.append((clock.today(), report.id))


def _review_due(s: Session, clock: FakeClock, cal: WorkdayCalendar, rng: random.Random, t: Tracker) -> None:
    """Reports submitted two working days ago are verified, rejected, withdrawn or left waiting."""
    office = Identity(ADMIN, ADMIN, "admin")
    cutoff = cal.add_workdays(clock.today(), -2)
    due = [rid for day, rid in t.waiting if day <= cutoff]
    t.waiting = [(day, rid) for day, rid in t.waiting if day > cutoff]
    for i, rid in enumerate(due):
        _lighten(s, i)
        roll = rng.random()
        if roll < VERIFY + REJECT:
            done = review._review(
                s, clock, cal, office, rid, approve=roll < VERIFY, reason=None if roll < VERIFY else "佐证不足"
            )
            if roll >= VERIFY:
                _reopen(s, rid, t)
            assert done.report_id == rid
        elif roll < VERIFY + REJECT + WITHDRAW:
            report = s.get_one(Report, rid)
            before = snapshot(report)
            report.status = "withdrawn"
            audit.record(
                s, clock, f"tg:{report.submitted_by}", "report.withdraw", "report", rid, before, snapshot(report)
            )
            _reopen(s, rid, t)


def _lighten(s: Session, done: int, every: int = 25) -> None:
    """Every few rows, write them and forget them: a day at 10x is 400 reports, and a session that holds
    them all checks every one on each autoflush (what made seeding 10x take hours)."""
    if done and done % every == 0:
        s.flush()
        s.expunge_all()


def _reopen(s: Session, report_id: int, t: Tracker) -> None:
    report = s.get_one(Report, report_id)
    t.answering[report.task_id].pop(report_id, None)


def _office_facts(s: Session, clock: FakeClock, rng: random.Random, rubric: scoring.Rubric, n: int) -> None:
    office = Identity(ADMIN, ADMIN, "admin")
    facts = random_facts(rubric, rng, share=1.0)
    ids = sorted(facts.values)
    for i, sid in enumerate(rng.sample(ids, min(n, len(ids)))):
        _lighten(s, i)
        set_office_fact(s, clock, office, sid, dict(facts.values[sid]), note="季度核查", rubric=rubric)


def _days(first: date, last: date, cal: WorkdayCalendar):
    day = first
    while day <= last:
        if cal.is_workday(day):
            yield day
        day += timedelta(days=1)


def _ledger(db: Database, cal: WorkdayCalendar, policy: ReminderPolicy, units: int, now: datetime) -> None:
    """The year's reminders as the planner plans them (reports aside), sent and mostly acknowledged."""
    with db.session() as s:
        letter = s.scalar(select(Letter))
        facts = letter_occurrences(s, letter)
        chats: dict[int, list[Recipient]] = defaultdict(list)
        for c in s.scalars(select(Contact).where(Contact.role == "contact").order_by(Contact.id)):
            chats[c.department_id].append(Recipient(c.chat_id, c.id))
        deps = {f.task.id: f.task.department_ids for f in facts}

        def recipients(occ):
            return [r for d in deps.get(occ.task_id, ()) for r in chats.get(d, ())]

        last = cal.add_workdays(TODAY, -1)
        rows = plan([f.occurrence for f in facts], recipients, [Recipient(ADMIN)], policy, cal, FIRST, last)
        record_planned(s, rows, now)
        s.execute(update(Reminder).values(status="sent"))
        _stamp(s)


def _stamp(s: Session) -> None:
    """sent_at and acknowledged_at for every row, two statements a day: at nine on the day sent,
    acknowledged an hour later except every fifth row."""
    for (day,) in s.execute(select(Reminder.send_on).distinct()).all():
        moment = datetime.combine(day, time(9, 0), TZ)
        on_day = (Reminder.status == "sent", Reminder.send_on == day)  # ix_reminders_status_send_on
        s.execute(update(Reminder).where(*on_day).values(sent_at=moment))
        s.execute(
            update(Reminder)
            .where(*on_day, Reminder.id % 5 != 0)
            .values(acknowledged_at=moment + timedelta(hours=1), acknowledged_by=ADMIN)
        )


def seed(url: str, units: int, progress=print) -> Seeded:
    """Create the schema and a year of use at `units` times 1x (0: the letter and its contacts only)."""
    db = Database(url)
    migrate.upgrade(db)
    clock = FakeClock(datetime.combine(FIRST, time(8, 0), TZ) - timedelta(days=3))
    cal, policy = WorkdayCalendar(), ReminderPolicy()
    rng = random.Random(2022 + units)
    tracker = _world(db, clock, units)
    rubric = scoring.load_rubric()
    days = list(_days(FIRST, cal.add_workdays(TODAY, -1), cal))
    per_day = REPORTS_PER_UNIT * units / len(days)
    owed = 0.0
    for n, day in enumerate(days):
        with db.session() as s:
            clock.set(datetime.combine(day, time(10, 0), TZ))
            owed += per_day
            written = 0
            while owed >= 1:
                owed -= 1
                clock.advance(seconds=7)
                _lighten(s, written)
                _report(s, clock, rng, tracker)
                written += 1
            clock.set(datetime.combine(day, time(16, 0), TZ))
            _review_due(s, clock, cal, rng, tracker)
            if units and n % 20 == 19:
                _office_facts(s, clock, rng, rubric, OFFICE_FACTS_PER_UNIT * units // 12)
        if n % 50 == 49:
            progress(f"  seeded {day}")
    if units:
        _ledger(db, cal, policy, units, clock.now())
    counts = count(db)
    db.dispose()
    return counts


def count(db: Database) -> Seeded:
    with db.session() as s:

        def n(query) -> int:
            return int(s.scalar(query) or 0)

        return Seeded(
            reports=n(select(func.count(Report.id)).where(Report.status.not_in(("draft", "discarded")))),
            facts=n(select(func.count(Fact.id)).where(Fact.active.is_(True))),
            audit=n(select(func.count(AuditEntry.id))),
            ledger=n(select(func.count(Reminder.id))),
            pending=n(select(func.count(Report.id)).where(Report.status == "submitted")),
            contacts=n(select(func.count(Contact.id))),
        )
