"""yaml_reader, the one reader of every YAML file: YAML 1.2 values, the same answer from libyaml and the
pure-Python parser, and bad letter and holiday files refused through their commands (exit 2, no traceback)."""

from __future__ import annotations

from datetime import date

import pytest

import yaml_reader
import yaml_reader.parsing
from bot.cli import main
from deadlines import holiday_files
from storage.paths import DATA_DIR
from tests.test_yaml_files_cli import BOUND, alias_bomb


@pytest.mark.parametrize(
    "text,value",
    [
        ("a: 1:30", "1:30"),  # YAML 1.1 read this as 90 (sexagesimal)
        ("a: yes", "yes"),
        ("a: No", "No"),
        ("a: on", "on"),
        ("a: true", True),
        ("a: FALSE", False),
        ("a: 1_000", "1_000"),
        ("a: 0b101", "0b101"),
        ("a: 0o17", 15),
        ("a: 0x1F", 31),
        ("a: 013", 13),
        ("a: -7", -7),
        ("a: 958.5", 958.5),
        ("a: 1e3", 1000.0),
        ("a: ~", None),
        ("a:", None),
        ("a: '12'", "12"),
        ("a: 2022-09-05", date(2022, 9, 5)),
        ("13.1: x", None),  # keys: the number 13.1
    ],
)
def test_yaml_1_2_values(text, value):
    data = yaml_reader.parse_yaml(text)
    if text.startswith("13.1"):
        assert data == {13.1: "x"}
    else:
        assert data == {"a": value}


def test_dates_stay_text_where_asked():
    assert yaml_reader.parse_yaml("a: 2022-09-05", dates=False) == {"a": "2022-09-05"}


def test_lines_are_kept():
    data = yaml_reader.parse_yaml("top:\n  a: 1\n  b:\n    - x\n")
    assert yaml_reader.line_of(data["top"]) == 2 and yaml_reader.line_of(data["top"], "b") == 4
    assert yaml_reader.line_of(data["top"]["b"]) == 4


@pytest.mark.parametrize("name", ["shengzhou-2022-rubric.yaml", "shengzhou-2022.yaml"])
def test_the_pure_parser_reads_as_libyaml(monkeypatch, name):
    fast = yaml_reader.read_yaml(DATA_DIR / name)
    pure = {
        dates: yaml_reader.parsing._composer(
            yaml_reader.parsing._Resolver12Dates if dates else yaml_reader.parsing._Resolver12, False
        )
        for dates in (False, True)
    }
    monkeypatch.setattr(yaml_reader.parsing, "_COMPOSERS", pure)
    assert yaml_reader.read_yaml(DATA_DIR / name) == fast


@pytest.mark.parametrize(
    "text,words",
    [
        ("[" * 5000 + "]" * 5000, "嵌套超过"),
        (alias_bomb(), "锚点和别名"),
        ("a: 1\na: 2\n", "重复的键"),
    ],
)
def test_the_pure_parser_refuses_the_same(monkeypatch, text, words):
    pure = {
        dates: yaml_reader.parsing._composer(
            yaml_reader.parsing._Resolver12Dates if dates else yaml_reader.parsing._Resolver12, False
        )
        for dates in (False, True)
    }
    monkeypatch.setattr(yaml_reader.parsing, "_COMPOSERS", pure)
    with pytest.raises(yaml_reader.YamlFileError, match=words):
        yaml_reader.parse_yaml(text)


def test_a_quoted_value_is_cut():
    assert len(yaml_reader.shown("九" * 10_000)) <= yaml_reader.SHOWN_CHARS
    nested: list = []
    for _ in range(10_000):
        nested = [nested, nested]
    assert len(yaml_reader.shown(nested)) <= yaml_reader.SHOWN_CHARS  # bounded work, not 2^10000 leaves


@pytest.mark.parametrize(
    "content,words",
    [
        (alias_bomb().encode(), "锚点和别名"),
        ("letter: {code: x}\n".encode("gbk") + "标题: 美丽\n".encode("gbk"), "不是 UTF-8"),
        (b"", "expected a mapping"),
        (b"letter: {code: a}\nletter: {code: b}\n", "重复的键"),
    ],
)
def test_a_bad_letter_file_is_refused_by_letter_load(tmp_path, cli_env, capsys, content, words):
    path = tmp_path / "letter.yaml"
    path.write_bytes(content)
    assert main(["letter", "load", str(path), "--year", "2022"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err) < BOUND


@pytest.mark.parametrize(
    "content,words",
    [
        (alias_bomb().encode(), "锚点和别名"),
        ("year: 2027\nholidays: [2027-01-01]  # 元旦\n".encode("gbk"), "不是 UTF-8"),
        (("- " * 5000 + "x\n").encode(), "嵌套超过"),
    ],
)
def test_a_bad_holiday_file_is_refused_by_holidays_import(tmp_path, capsys, content, words):
    path = tmp_path / "2027.yaml"
    path.write_bytes(content)
    with pytest.raises(holiday_files.HolidayFileError, match=words):
        holiday_files.load_file(path)
    assert main(["holidays", "import", str(path), "--holiday-dir", str(tmp_path / "store")]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err) < BOUND
    assert not (tmp_path / "store").exists()
