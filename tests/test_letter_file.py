"""A malformed letter file is refused with file, line and what is wrong, and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.cli import main
from services.letter_file import DEFAULT_OFFICE, LetterFileError, read_letter
from storage.db import Database
from storage.models import AuditEntry, Letter
from tests.conftest import FIXTURES

MINI = (FIXTURES / "mini-letter.yaml").read_text(encoding="utf-8")


def write(tmp_path, text: str):
    path = tmp_path / "letter.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_the_letter_names_its_office_and_county_or_gets_a_plain_default(tmp_path):
    named = read_letter(write(tmp_path, MINI.replace("  office: 美丽办\n", "  office: 美丽办\n  county: 测试县\n")))
    assert (named.office, named.county) == ("美丽办", "测试县")
    unnamed = read_letter(write(tmp_path, MINI.replace("  office: 美丽办\n", "")))
    assert (unnamed.office, unnamed.county) == (DEFAULT_OFFICE, None) and DEFAULT_OFFICE == "牵头办公室"


def test_unknown_department_names_the_line_and_the_closest_names(tmp_path):
    bad = MINI.replace("departments: [自然资源局]", "departments: [自然资源]")
    path = write(tmp_path, bad)
    with pytest.raises(LetterFileError) as err:
        read_letter(path)
    ((line, message),) = err.value.problems
    assert line == line_of(bad, "departments: [自然资源]")
    assert "unknown department '自然资源'" in message and "自然资源局" in message
    assert f"{path}:{line}:" in str(err.value)


def test_yaml_syntax_error_names_the_line(tmp_path):
    bad = MINI.replace("    title: 强化资源节约", "    title: [强化资源节约")
    path = write(tmp_path, bad)
    with pytest.raises(LetterFileError) as err:
        read_letter(path)
    assert err.value.problems[0][1].startswith("YAML 语法错误")
    assert err.value.problems[0][0] is not None


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("value: 958", "value: 九百五十八", "'value' should be int/float"),
        ("{kind: month_end, month: 3,", "{kind: month_end, month: 13,", "month: 13 is not 1..12"),
        (
            "{kind: recurring, every: quarter",
            "{kind: recurring, every: fortnight",
            "every: one of week, month, quarter, half_year, year",
        ),
        ('- id: "26.4"', '- id: "3.9"', "id should start with '26.'"),
        (
            "    section: 1\n    title: 强化资源节约",
            "    section: 4\n    title: 强化资源节约",
            "section 4 is not in sections",
        ),
        ("  code: mini-2022\n", "", "missing 'code'"),
    ],
)
def test_each_problem_is_reported(tmp_path, old, new, expected):
    assert old in MINI
    with pytest.raises(LetterFileError) as err:
        read_letter(write(tmp_path, MINI.replace(old, new, 1)))
    assert any(expected in message for _, message in err.value.problems), err.value.problems


def test_cli_refuses_and_writes_nothing(tmp_path, cli_env, capsys):
    path = write(tmp_path, MINI.replace("departments: [自然资源局]", "departments: [自然资原局]"))
    assert main(["db", "upgrade"]) == 0
    assert main(["letter", "load", str(path), "--year", "2022"]) == 2
    err = capsys.readouterr().err
    assert "nothing was loaded" in err and "自然资源局" in err and "Traceback" not in err
    with Database(cli_env).session() as session:
        assert session.scalar(select(func.count(Letter.id))) == 0
        assert session.scalar(select(func.count(AuditEntry.id))) == 0


def test_cli_refuses_a_year_that_is_not_the_files(tmp_path, cli_env, capsys):
    assert main(["letter", "load", str(FIXTURES / "mini-letter.yaml"), "--year", "2023"]) == 2
    assert "the 2022 letter" in capsys.readouterr().err


def test_missing_file(tmp_path, cli_env, capsys):
    assert main(["letter", "load", str(tmp_path / "nope.yaml")]) == 2
    assert "文件不存在" in capsys.readouterr().err
