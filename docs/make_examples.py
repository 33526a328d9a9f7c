"""Regenerate docs/examples/: the office workbook, its charts and the import template, made from the
bundled 2022 letter with a few verified reports, as the office would have them on 10 October 2022.

    .venv/bin/python docs/make_examples.py

A throwaway SQLite database in a temporary folder; the clock is fixed, so the output changes only when the
code or the letter does.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from deadlines.clock import FakeClock  # noqa: E402
from deadlines.policy import ReminderPolicy  # noqa: E402
from deadlines.workdays import WorkdayCalendar  # noqa: E402
from reports import charts, workbook  # noqa: E402
from services import audit  # noqa: E402
from services.access import Identity  # noqa: E402
from services.letter_file import read_letter  # noqa: E402
from services.letters import load_letter  # noqa: E402
from services.review import review  # noqa: E402
from services.snapshot import take  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Report, Task  # noqa: E402
from storage.paths import BUNDLED_LETTER  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
OUT = ROOT / "docs" / "examples"
OFFICE = Identity(999, 999, "admin")
# (task, measures, note, evidence files, submitted, reviewed, approved)
REPORTS = [
    (
        "3.1",
        [("盘活存量建设用地", 900, "亩", 958, "3.1.1"), ("低效用地再开发", 800, "亩", 800, "3.1.2")],
        "盘活任务差58亩,已列入明年计划",
        2,
        date(2022, 9, 13),
        date(2022, 9, 14),
        True,
    ),
    ("26.3", [], "企业名单已确定并公开", 1, date(2022, 9, 20), date(2022, 9, 21), True),
    ("8.1", [("新增百万亩国土绿化面积", 2450, "亩", 2450, "8.1")], None, 3, date(2022, 9, 26), date(2022, 9, 28), True),
    ("14.2", [], "材料不全", 0, date(2022, 9, 22), date(2022, 9, 23), False),
    ("7.1", [], "已完成自查", 1, date(2022, 9, 30), None, None),
]


def at(clock: FakeClock, day: date, hour: int) -> None:
    clock.set(datetime.combine(day, time(hour), TZ))


def main() -> None:
    calendar, policy = WorkdayCalendar(), ReminderPolicy()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/examples.db")
        migrate.upgrade(db)
        clock = FakeClock(datetime(2022, 9, 5, 10, 0, tzinfo=TZ))
        with db.session() as s:
            load_letter(s, read_letter(BUNDLED_LETTER), clock, actor="cli")
        for code, measures, note, evidence, submitted, reviewed, approved in REPORTS:
            at(clock, submitted, 10)
            with db.session() as s:
                task = s.scalar(select(Task).where(Task.code == code))
                report = Report(
                    task_id=task.id,
                    kind="completion",
                    status="submitted",
                    note=note,
                    measures=[
                        {"name": n, "value": v, "unit": u, "target": t, "rubric": r} for n, v, u, t, r in measures
                    ],
                    evidence=[{"kind": "photo", "path": f"evidence/{code}-{i}.jpg"} for i in range(evidence)],
                    submitted_by=2001,
                    submitted_at=clock.now(),
                )
                s.add(report)
                s.flush()
                audit.record(s, clock, "tg:2001", "report.submit", "report", report.id, None, {"task": code})
                report_id = report.id
            if reviewed is not None:
                at(clock, reviewed, 15)
                review(db, clock, calendar, OFFICE, report_id, approved, None if approved else "缺少验收文件")
        at(clock, date(2022, 10, 10), 9)
        snapshot = take(db, clock.today(), calendar, policy, TZ)
        pictures = charts.render_all(snapshot)
        files = {  # while the database is there: the snapshot's audit log is read as the workbook is written
            workbook.export_name(snapshot): workbook.build_workbook(snapshot),
            workbook.template_name(2023): workbook.template_workbook(snapshot.departments),
        }
        db.dispose()
    files.update({f"chart-{c.name}.png": c.png for c in pictures})
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (OUT / name).write_bytes(data)
        print(f"docs/examples/{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
