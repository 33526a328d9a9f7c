"""`duban letter copy --from 2022 --to 2023`: a letter file for the new year, dates moved, relative deadlines
still relative, reports and follow-ups left with the old letter, a new unique code; --load loads it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.cli import main
from reports.letter_copy import CopyError, copy_letter
from services.letter_copy import letter_source
from services.letter_file import read_letter
from services.tasks import current_letter, list_tasks
from storage.db import Database
from storage.models import Deadline, Letter, Report, Task
from storage.paths import BUNDLED_LETTER
from tests.test_reports_workbook import office_world
from yaml_reader import read_yaml


def _office_deadline(world, code: str, spec: dict) -> None:
    with world.db.session() as s:
        task = s.scalar(select(Task).where(Task.code == code))
        s.add(
            Deadline(
                task_id=task.id,
                key=f"office;{spec['date']}",
                position=9,
                kind="absolute",
                spec=spec,
                phrase=spec.get("phrase"),
                origin="office",
                active=True,
            )
        )


def test_copy_moves_dates_and_leaves_reports_behind(tmp_path):
    world = office_world(f"sqlite:///{tmp_path / 'copy.db'}")
    _office_deadline(world, "3.1", {"kind": "absolute", "date": "2022-06-30", "phrase": "2022年6月30日前完成验收"})
    out = tmp_path / "letters" / "next.yaml"
    with world.db.session() as s:
        result = copy_letter(letter_source(s, 2022), 2023, out)
    assert result.code == "shengzhou-2023" and result.lines == 93
    assert result.moved_dates == ["3.1: 2022-06-30 -> 2023-06-30"]
    assert "14.1" in result.texts_naming_old_year  # texts are the office's to edit, listed for review
    data = read_letter(out)
    assert (data.code, data.year, data.document_no, data.issued_on) == ("shengzhou-2023", 2023, None, None)
    assert data.title.startswith("2023年度")
    lines = {line.id: line for _, line in data.lines()}
    office = [d for d in lines["3.1"].deadlines if d.kind == "absolute"]
    assert office[0].date == date(2023, 6, 30) and office[0].phrase == "2023年6月30日前完成验收"
    relative = [d for d in lines["26.3"].deadlines if d.kind == "relative"]
    assert relative and relative[0].workdays == 10 and relative[0].event == "企业名单确定"
    assert not any(d.source and d.source.startswith("上报") for d in lines["26.3"].deadlines)  # follow-up left
    quarterly = [d for d in lines["22.3"].deadlines if d.kind == "recurring" and d.day == 25]
    assert quarterly and quarterly[0].every == "quarter"
    assert "2022年年底前启动环保e企管应用建设" not in out.read_text(encoding="utf-8")
    assert "2023年年底前启动环保e企管应用建设" in out.read_text(encoding="utf-8")
    raw = read_yaml(out)
    assert raw["letter"]["code"] == "shengzhou-2023" and len(raw["items"]) == 33
    with world.db.session() as s, pytest.raises(CopyError, match="exists"):
        copy_letter(letter_source(s, 2022), 2023, out)


def test_cli_copy_load_and_unique_code(cli_env, tmp_path, capsys):
    assert main(["letter", "load", str(BUNDLED_LETTER), "--year", "2022"]) == 0
    out = tmp_path / "sz-2023.yaml"
    assert main(["letter", "copy", "--from", "2022", "--to", "2023", "--out", str(out), "--load"]) == 0
    printed = capsys.readouterr().out
    assert "shengzhou-2023, 93 work lines" in printed and "shengzhou-2023 (2023) loaded" in printed
    db = Database(cli_env)
    with db.session() as s:
        assert sorted(s.scalars(select(Letter.code))) == ["shengzhou-2022", "shengzhou-2023"]
        new = current_letter(s, 2023)
        views = list_tasks(s, new)
        assert len(views) == 93 and all(d.year == 2023 for v in views for d in v.due_dates)
        assert s.scalar(select(Report.id).join(Task).where(Task.letter_id == new.id)) is None
    db.dispose()
    assert main(["letter", "copy", "--from", "2022", "--to", "2023", "--out", str(tmp_path / "again.yaml")]) == 2
    assert "already loaded" in capsys.readouterr().err
