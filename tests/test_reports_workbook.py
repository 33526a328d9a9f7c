"""The office workbook: opens with openpyxl, Chinese headers, frozen header rows, real dates and numbers,
formulas that add up to the engine's score, the audit log's date range, and export -> import giving the
same tasks (the storage part on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from reports import labels as L
from reports.importer import read_workbook
from reports.workbook import build_workbook
from services import audit
from services.access import Identity
from services.letters import load_letter
from services.review import review
from services.snapshot import collect
from services.tasks import current_letter, list_tasks
from storage import migrate
from storage.db import Database
from storage.models import Report, Task
from storage.paths import BUNDLED_LETTER
from tests.conftest import SHANGHAI
from tests.reminder_world import ADMIN, World

OFFICE = Identity(ADMIN, ADMIN, "admin")


def submit(world: World, code: str, measures=(), note=None, evidence=0, day=None) -> int:
    if day is not None:
        world.at(day, 10)
    with world.db.session() as s:
        task = s.scalar(select(Task).where(Task.code == code))
        report = Report(
            task_id=task.id,
            kind="completion",
            status="submitted",
            measures=list(measures),
            note=note,
            evidence=[{"kind": "photo", "path": f"e{i}.jpg"} for i in range(evidence)],
            submitted_by=2001,
            submitted_at=world.clock.now(),
        )
        s.add(report)
        s.flush()
        audit.record(s, world.clock, "tg:2001", "report.submit", "report", report.id, None, {"task": code})
        return report.id


def decide(world: World, report_id: int, approve: bool, day=None, reason=None) -> None:
    if day is not None:
        world.at(day, 15)
    review(world.db, world.clock, world.calendar, OFFICE, report_id, approve, reason)


def office_world(database_url: str) -> World:
    """The bundled letter (loaded 5 September 2022) with two verified reports, one rejected, one waiting."""
    world = World(database_url, BUNDLED_LETTER, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))
    r1 = submit(
        world,
        "3.1",
        [
            {"name": "盘活存量建设用地", "value": 900, "unit": "亩", "target": 958, "rubric": "3.1.1"},
            {"name": "低效用地再开发", "value": 800, "unit": "亩", "target": 800, "rubric": "3.1.2"},
        ],
        note="差58亩,已列入明年计划",
        evidence=2,
        day=date(2022, 9, 13),
    )
    decide(world, r1, True, day=date(2022, 9, 14))
    r2 = submit(world, "26.3", evidence=1, day=date(2022, 9, 20))
    decide(world, r2, True, day=date(2022, 9, 21))
    r3 = submit(world, "14.2", note="材料不全", day=date(2022, 9, 22))
    decide(world, r3, False, day=date(2022, 9, 23), reason="缺少验收文件")
    submit(world, "7.1", day=date(2022, 9, 26))
    world.at(date(2022, 10, 10), 9)
    return world


def snapshot_of(world: World, start=None, end=None):
    with world.db.session() as s:
        return collect(s, world.clock.today(), world.calendar, world.policy, SHANGHAI, start, end)


def _sum_range(ws, formula: str) -> float:
    """Recompute =SUM(C3:C8), =SUM(C2,C9), =MAX(0,SUM(...)) and =C3-D3 from the sheet's own cells."""

    def value(ref):
        v = ws[ref].value
        return _eval(ws, v) if isinstance(v, str) and v.startswith("=") else (v or 0)

    body = formula[1:]
    m = re.fullmatch(r"MAX\(0,(.*)\)", body)
    if m:
        return max(0.0, _sum_range(ws, "=" + m.group(1)))
    m = re.fullmatch(r"SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)", body)
    if m:
        return sum(value(f"{m[1]}{r}") for r in range(int(m[2]), int(m[4]) + 1))
    m = re.fullmatch(r"SUM\(([A-Z0-9,]+)\)", body)
    if m:
        return sum(value(ref) for ref in m.group(1).split(","))
    m = re.fullmatch(r"([A-Z]+\d+)-([A-Z]+\d+)", body)
    if m:
        return value(m[1]) - value(m[2])
    raise AssertionError(f"unexpected formula {formula}")


def _eval(ws, formula: str) -> float:
    return _sum_range(ws, formula)


def test_workbook_types_formulas_and_layout(tmp_path):
    world = office_world(f"sqlite:///{tmp_path / 'layout.db'}")
    snap = snapshot_of(world)
    wb = load_workbook(io.BytesIO(build_workbook(snap)))
    assert wb.sheetnames[:4] == [L.TASK_SHEET, L.SCORE_SHEET, L.AUDIT_SHEET, L.CHART_SHEET]

    tasks = wb[L.TASK_SHEET]
    assert [c.value for c in tasks[1]] == [title for title, *_ in L.TASK_COLUMNS]
    assert tasks.freeze_panes == "E2" and tasks.column_dimensions["E"].width == 60
    rows = {tasks.cell(r, 4).value: [c.value for c in tasks[r]] for r in range(2, tasks.max_row + 1)}
    assert len(rows) == 93
    r31 = rows["3.1"]
    assert r31[0] == "一、推动绿色低碳高质量发展" and r31[1] == 3 and isinstance(r31[1], int)
    assert r31[7].splitlines() == ["盘活存量建设用地:≥958亩 〔3.1.1〕", "低效用地再开发:≥800亩 〔3.1.2〕"]
    assert r31[11] == "已完成" and r31[16] == "是" and r31[17] == 2 and isinstance(r31[17], int)
    assert isinstance(r31[14], datetime) and r31[14].date() == date(2022, 9, 13)  # a date cell, not text
    assert "900亩/目标958亩" in r31[15] and "已审核通过" in r31[15]
    assert rows["14.2"][16] == "否" and "已退回" in rows["14.2"][15]
    assert rows["7.1"][11] == "黄色" and "待审核" in rows["7.1"][15]
    assert "每季度末月25日 「每季度末月25日前报送行动进展」 〔附件 22.3.1〕" in rows["22.3"][8]
    due_cell = tasks.cell(next(r for r in range(2, tasks.max_row + 1) if tasks.cell(r, 4).value == "14.2"), 14)
    assert due_cell.is_date and due_cell.number_format == "yyyy-mm-dd"

    score = wb[L.SCORE_SHEET]
    assert [c.value for c in score[1]][:7] == [
        "序号",
        "考核评价指标",
        "权重",
        "预计得分",
        "已确认得分",
        "风险分",
        "失分",
    ]
    total_row = next(r for r in range(2, score.max_row + 1) if score.cell(r, 1).value == "合计")
    result = snap.standing.result
    expected = {
        "C": sum(s.weight for s in result.sections),
        "D": result.total.projected,
        "E": result.total.secured,
        "F": result.total.at_risk,
    }
    for col, want in expected.items():
        formula = score[f"{col}{total_row}"].value
        assert formula.startswith("=") and abs(_sum_range(score, formula) - want) < 1e-6, (col, formula, want)
    assert abs(_sum_range(score, score[f"G{total_row}"].value) - (expected["C"] - expected["D"])) < 1e-6
    ind3 = next(r for r in range(2, total_row) if score.cell(r, 1).value == 3)
    assert isinstance(score.cell(ind3, 3).value, (int, float)) and score.cell(ind3, 7).value == f"=C{ind3}-D{ind3}"
    assert _sum_range(score, score.cell(ind3, 7).value) > 0 and "900" in score.cell(ind3, 8).value
    assert "第1号上报" in score.cell(ind3, 9).value
    assert result.total.secured > 0 and result.total.projected < 1000

    log = wb[L.AUDIT_SHEET]
    assert log.freeze_panes == "A3" and [c.value for c in log[2]][:4] == ["时间", "操作人", "姓名", "操作"]
    stamps = [log.cell(r, 1).value for r in range(3, log.max_row + 1)]
    assert stamps and all(isinstance(t, datetime) for t in stamps) and stamps == sorted(stamps)
    actions = [log.cell(r, 4).value for r in range(3, log.max_row + 1)]
    assert {"审核通过", "退回上报", "上报完成情况", "载入责任书"} <= set(actions)


def test_audit_range_and_round_trip(database_url, tmp_path):
    world = office_world(database_url)
    week = snapshot_of(world, date(2022, 9, 20), date(2022, 9, 23))
    assert week.audit and all(date(2022, 9, 20) <= a.at.date() <= date(2022, 9, 23) for a in week.audit)
    assert {a.action for a in week.audit} >= {"report.submit", "report.verify", "report.reject"}
    assert "letter.create" not in {a.action for a in week.audit}

    path = tmp_path / "export.xlsx"
    path.write_bytes(build_workbook(snapshot_of(world)))
    data = read_workbook(path, 2022)
    other = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate.upgrade(other)
    with other.session() as s:
        load_letter(s, data, world.clock, actor="test")
    with world.db.session() as s:
        before = list_tasks(s, current_letter(s))
    with other.session() as s:
        after = list_tasks(s, current_letter(s))
        letter = current_letter(s)
        assert (letter.code, letter.title, letter.document_no, letter.issued_on) == (
            "shengzhou-2022",
            data.title,
            "美丽嵊州办〔2022〕10号",
            date(2022, 9, 5),
        )
    assert after == before and len(after) == 93
    # Importing the same content again changes nothing, whatever the file's bytes.
    path.write_bytes(build_workbook(snapshot_of(world)))
    with other.session() as s:
        assert load_letter(s, read_workbook(path, 2022), world.clock).unchanged
    other.dispose()
