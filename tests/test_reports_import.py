"""Importing the office's task spreadsheet: a filled template loads; merged cells count for every row they
cover; malformed sheets are refused with sheet, row and column in every problem and nothing is written."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from reports import labels as L
from reports.importer import WorkbookError, read_workbook
from reports.workbook import template_workbook
from services.letter_file import read_letter
from storage.db import Database
from storage.models import Letter
from storage.paths import BUNDLED_LETTER

BUNDLED = read_letter(BUNDLED_LETTER)
DEPARTMENTS = [(d.name, "county", d.aliases) for d in BUNDLED.departments] + [
    (d.name, "city", d.aliases) for d in BUNDLED.recognizing_departments
]
ROWS = [
    [
        "一、推动绿色低碳高质量发展",
        3,
        "强化资源节约",
        "3.1",
        "完成盘活存量建设用地958亩。",
        "自然资源局",
        "市自然资源和规划局",
        "盘活存量建设用地:≥958亩 〔3.1.1〕",
        "3月底前",
        "3.1",
        None,
    ],
    [
        None,
        3,
        "强化资源节约",
        "3.2",
        "推进节水型社会建设。",
        "水利局、发展改革局",
        "市水利局",
        None,
        "每季度末月25日 「每季度报送」\n企业名单确定后10个工作日内",
        "3.2",
        "备注",
    ],
    [
        "三、深入打好污染防治攻坚战",
        11,
        "打好蓝天保卫战",
        "11.1",
        "完成低VOCs原辅材料替代14家。",
        "生态环境分局",
        "市生态环境局",
        None,
        datetime(2023, 6, 30),
        None,
        None,
    ],
]


def workbook_file(tmp_path, rows=ROWS, code="shengzhou-2023", edit=None, name="tasks.xlsx"):
    wb = load_workbook(io.BytesIO(template_workbook(DEPARTMENTS)))
    ws = wb[L.TASK_SHEET]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    meta = wb[L.LETTER_SHEET]
    meta["B2"], meta["B3"], meta["B4"] = code, 2023, "2023年度嵊州市美丽绍兴建设工作责任书"
    if edit:
        edit(wb)
    path = tmp_path / name
    wb.save(path)
    return path


def problems(path, year=2023) -> list[str]:
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, year)
    assert "nothing was loaded" in str(info.value)
    return [str(p) for p in info.value.problems]


def test_a_filled_template_reads_as_a_letter(tmp_path):
    def merge(wb):  # the office's habit: 部分 and 序号 merged down the rows of an item
        ws = wb[L.TASK_SHEET]
        ws["B3"] = None
        ws.merge_cells("A2:A3")
        ws.merge_cells("B2:B3")

    data = read_workbook(workbook_file(tmp_path, edit=merge), 2023)
    assert (data.code, data.year) == ("shengzhou-2023", 2023)
    assert data.sections == {1: ("推动绿色低碳高质量发展", None), 3: ("深入打好污染防治攻坚战", None)}
    item3 = data.items[0]
    assert [line.id for line in item3.lines] == ["3.1", "3.2"] and item3.section == 1
    line = item3.lines[1]
    assert line.departments == ("水利局", "发改局")  # an alias read as the department's name
    assert [(d.kind, d.every, d.day, d.phrase) for d in line.deadlines][0] == ("recurring", "quarter", 25, "每季度报送")
    assert (line.deadlines[1].kind, line.deadlines[1].event, line.deadlines[1].workdays) == (
        "relative",
        "企业名单确定",
        10,
    )
    assert item3.lines[0].targets[0].value == 958.0 and item3.lines[0].deadlines[0].month == 3
    assert data.items[1].lines[0].deadlines[0].date.isoformat() == "2023-06-30"  # a date cell


def test_missing_column_is_named(tmp_path):
    def drop(wb):
        wb[L.TASK_SHEET].delete_cols(6)  # 责任部门

    found = problems(workbook_file(tmp_path, edit=drop))
    assert found == ["任务清单!1 (row 1): header row: missing column '责任部门'"]


def test_bad_dates_name_row_and_column(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][8] = "2月30日前"
    rows[2][8] = datetime(2022, 6, 30)

    def issued(wb):
        wb[L.LETTER_SHEET]["B6"] = "2023-02-30"

    found = problems(workbook_file(tmp_path, rows, edit=issued))
    assert "任务清单!I2 (row 2, column I 截止要求): '2月30日前': day: 30 is not a day of month 2" in found
    assert "任务清单!I4 (row 4, column I 截止要求): '2022-06-30': 2022-06-30 is not in the letter year 2023" in found
    assert any(p.startswith("责任书!B6 (row 6, column B 印发日期): '2023-02-30' is not a date") for p in found)
    assert len(found) == 3


def test_unknown_department_comes_with_the_closest_names(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][5] = "水利局、自然资源规化局"
    rows[2][6] = "市生态环境厅"
    found = problems(workbook_file(tmp_path, rows))
    assert found[0].startswith(
        "任务清单!F3 (row 3, column F 责任部门): unknown department '自然资源规化局'; closest known: 自然资源局"
    )
    assert found[1].startswith(
        "任务清单!G4 (row 4, column G 认定部门): unknown department '市生态环境厅'; closest known: "
    )
    assert "市生态环境局" in found[1]


def test_other_problems_each_with_their_cell(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][3] = "4.2"  # wrong item prefix
    rows[2][1] = "十一"  # not a number
    rows[0][7] = "盘活存量建设用地 958"  # no colon, no unit
    rows.append(list(ROWS[0]))  # 3.1 twice
    found = problems(workbook_file(tmp_path, rows))
    assert "任务清单!D3 (row 3, column D 编号): '4.2' should start with '3.' (its 序号)" in found
    assert "任务清单!B4 (row 4, column B 序号): '十一' is not an item number" in found
    assert any(
        p.startswith("任务清单!H2 (row 2, column H 量化目标): '盘活存量建设用地 958' is not a target") for p in found
    )
    assert "任务清单!D5 (row 5, column D 编号): '3.1' is used twice (also row 2)" in found


def test_cli_import_writes_nothing_on_error_and_loads_when_clean(cli_env, tmp_path, capsys):
    rows = [list(r) for r in ROWS]
    rows[1][5] = "水厉局"
    bad = workbook_file(tmp_path, rows, name="bad.xlsx")
    assert main(["letter", "import", str(bad), "--year", "2023"]) == 2
    err = capsys.readouterr().err
    assert "bad.xlsx:任务清单!F3 (row 3, column F 责任部门): unknown department '水厉局'; closest known: 水利局" in err
    db = Database(cli_env)
    with db.session() as s:
        assert s.scalar(select(Letter.id)) is None
    good = workbook_file(tmp_path, name="good.xlsx")
    assert main(["letter", "import", str(good), "--year", "2023"]) == 0
    assert "shengzhou-2023 (2023) imported" in capsys.readouterr().out
    assert main(["letter", "import", str(good), "--year", "2023"]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert main(["letter", "template", str(tmp_path / "t.xlsx")]) == 0
    template = load_workbook(tmp_path / "t.xlsx")
    assert template[L.TASK_SHEET]["D2"].number_format == "@"  # ids stay text: 3.10 is not 3.1
    assert template[L.DEPARTMENT_SHEET].max_row == 1 + len(DEPARTMENTS)  # the imported letter's departments
    with db.session() as s:
        assert s.scalar(select(Letter.code)) == "shengzhou-2023"
    db.dispose()
