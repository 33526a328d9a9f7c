"""Deadlines that an event opens: "企业名单确定后于10个工作日内报送" becomes a dated deadline once the
report that the list was fixed is verified, counted (as the Civil Code counts) from the day it was reported."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from deadlines.specs import DeadlineSpec, due_after_event
from deadlines.workdays import WorkdayCalendar
from services import audit
from services.access import Identity
from storage.models import Deadline, Report


def open_follow_ups(
    session: Session, clock: Clock, calendar: WorkdayCalendar, identity: Identity, report: Report
) -> list[Deadline]:
    opened = []
    for parent in list(report.task.deadlines):
        if not parent.active or parent.kind != "relative":
            continue
        spec = DeadlineSpec.from_dict(parent.spec)
        event_day = report.submitted_at.astimezone(clock.tz).date()
        due = due_after_event(spec, event_day, calendar).date  # a holiday shift applies, as read
        count = f"{spec.workdays}个工作日" if spec.workdays else f"{spec.days}日"
        phrase = f"{spec.event}(第{report.id}号上报,{event_day.month}月{event_day.day}日)后{count}内"
        child = DeadlineSpec(kind="absolute", date=due, phrase=phrase, source=f"上报 {report.id}")
        if session.scalar(select(Deadline.id).where(Deadline.task_id == report.task_id, Deadline.key == child.key)):
            continue
        row = Deadline(
            task_id=report.task_id,
            key=child.key,
            position=parent.position,
            kind="absolute",
            spec=child.to_dict(),
            phrase=phrase,
            source=child.source,
            origin="event",
            parent_id=parent.id,
            triggered_by_report_id=report.id,
            active=True,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            clock,
            identity.actor,
            "deadline.follow_up",
            "deadline",
            row.id,
            None,
            {"task": report.task.code, "date": due.isoformat(), "phrase": phrase},
        )
        opened.append(row)
    return opened
