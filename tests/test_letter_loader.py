"""Loading a letter: idempotent, updating in place, and never losing reports or history."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select, text

from services.letter_file import read_letter
from services.letters import load_letter
from services.tasks import current_letter, list_tasks
from storage.models import AuditEntry, Deadline, Report, Task
from tests.conftest import FIXTURES

TABLES = ["letters", "items", "departments", "tasks", "task_departments", "deadlines", "reports", "audit_log"]


def dump(db) -> dict[str, list]:
    with db.engine.connect() as conn:
        return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1, 2"))] for t in TABLES}


def load(db, clock, path: Path):
    with db.session() as session:
        return load_letter(session, read_letter(path), clock)


def test_first_load_creates_everything(db, clock):
    summary = load(db, clock, FIXTURES / "mini-letter.yaml")
    assert summary.counts["tasks created"] == 3
    assert summary.counts["items created"] == 2
    with db.session() as session:
        views = {v.id: v for v in list_tasks(session, current_letter(session))}
    assert [d.isoformat() for d in views["26.3"].due_dates] == ["2022-03-31"]
    assert [d.isoformat() for d in views["26.4"].due_dates] == ["2022-03-25", "2022-06-25", "2022-09-25", "2022-12-25"]
    # A line that states no date is due at year end, and says the date was implied.
    assert [d.isoformat() for d in views["3.1"].due_dates] == ["2022-12-31"]
    assert views["3.1"].deadlines[0].implicit is True
    assert views["26.4"].departments == ("生态环境分局", "交通运输局(邮管局)")


def test_loading_twice_changes_nothing(db, clock):
    load(db, clock, FIXTURES / "mini-letter.yaml")
    before = dump(db)
    clock.advance(days=3)
    summary = load(db, clock, FIXTURES / "mini-letter.yaml")
    assert summary.unchanged
    assert dump(db) == before


def test_edited_file_updates_and_keeps_reports(db, clock, tmp_path):
    load(db, clock, FIXTURES / "mini-letter.yaml")
    with db.session() as session:
        task = session.scalar(select(Task).where(Task.code == "3.1"))
        session.add(
            Report(
                task_id=task.id,
                kind="progress",
                status="verified",
                submitted_at=clock.now(),
                measures=[{"name": "盘活存量建设用地", "value": 600, "unit": "亩"}],
                evidence=[{"file_id": "abc"}],
            )
        )
    edited = tmp_path / "edited.yaml"
    source = (FIXTURES / "mini-letter.yaml").read_text(encoding="utf-8")
    source = source.replace("完成盘活存量建设用地958亩。", "完成盘活存量建设用地960亩。")
    source = source.replace(
        "{kind: month_end, month: 3, phrase: 3月底前, source: 正文 26.3}",
        "{kind: month_end, month: 4, phrase: 4月底前, source: 正文 26.3}",
    )
    # Drop line 26.4 altogether.
    source = source[: source.index('      - id: "26.4"')]
    edited.write_text(source, encoding="utf-8")
    clock.advance(days=1)

    summary = load(db, clock, edited)
    assert summary.counts == {
        "letters updated": 1,
        "tasks updated": 1,
        "deadlines created": 1,
        "deadlines retired": 1,
        "tasks retired": 1,
    }
    with db.session() as session:
        views = {v.id: v for v in list_tasks(session, current_letter(session))}
        assert "26.4" not in views  # retired, not deleted:
        retired = session.scalar(select(Task).where(Task.code == "26.4"))
        assert retired is not None and retired.active is False
        assert "960亩" in views["3.1"].text
        assert [d.isoformat() for d in views["26.3"].due_dates] == ["2022-04-30"]
        assert session.scalar(select(Report)).evidence == [{"file_id": "abc"}]
        old = session.scalar(select(Deadline).where(Deadline.key == "month_end;month=3;source=正文 26.3"))
        assert old.active is False
        actions = [a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.at == clock.now()))]
    assert sorted(set(actions)) == ["deadline.create", "deadline.retire", "letter.update", "task.retire", "task.update"]

    # Loading the original again brings everything back, still without duplicates.
    shutil.copy(FIXTURES / "mini-letter.yaml", tmp_path / "again.yaml")
    load(db, clock, tmp_path / "again.yaml")
    with db.session() as session:
        views = {v.id: v for v in list_tasks(session, current_letter(session))}
        assert set(views) == {"3.1", "26.3", "26.4"}
        assert [d.isoformat() for d in views["26.3"].due_dates] == ["2022-03-31"]
        assert session.query(Deadline).count() == 6  # five stated or implied, one retired month_end 4
