"""`duban deadline`, `duban workdays`, `duban holidays import|status`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]

HOLIDAYS_2027 = """\
# a test schedule, not the State Council's
year: 2027
holidays:
  - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
workdays:
  - {name: 春节, date: 2027-02-13}
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


# --- the three commands the issue asks to see ----------------------------------------------------------


def test_must_show_through_the_real_entry_point():
    def duban(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
        )

    first = duban("deadline", "9月底前", "--today", "2022-09-05", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["date"] == "2022-09-30"
    second = duban("deadline", "10个工作日内", "--today", "2022-09-28", "--json")
    assert json.loads(second.stdout)["date"] == "2022-10-17"
    third = duban("workdays", "2022-09-28", "10")
    assert third.returncode == 0 and third.stdout.strip() == "2022-10-17"
    bad = duban("deadline", "随便", "--today", "2022-09-05")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "9月底前" in bad.stderr


# --- duban deadline -----------------------------------------------------------------------------------


def test_deadline_json(capsys, tmp_path):
    data = run_json(capsys, "deadline", "9月底前", "--today", "2022-09-05", "--holiday-dir", str(tmp_path))
    assert data["date"] == "2022-09-30"
    assert data["kind"] == "month_end"
    assert data["reading"].startswith("读作: 2022年9月30日(9月底), 月末")
    assert "choices" not in data and "warning" not in data


def test_deadline_with_letter_year(capsys, tmp_path):
    data = run_json(
        capsys, "deadline", "3月底前", "--today", "2022-09-05", "--year", "2022", "--holiday-dir", str(tmp_path)
    )
    assert data["date"] == "2022-03-31"
    assert data["spec"] == {"kind": "month_end", "month": 3, "phrase": "3月底前"}


def test_deadline_words_may_come_unquoted(capsys, tmp_path):
    code, out, _ = run(
        capsys, "deadline", "9", "月", "30", "号", "--today", "2022-09-05", "--holiday-dir", str(tmp_path)
    )
    assert code == 0 and out.splitlines()[0] == "2022-09-30"


def test_deadline_text_output(capsys, tmp_path):
    code, out, err = run(capsys, "deadline", "10个工作日内", "--today", "2022-09-28", "--holiday-dir", str(tmp_path))
    assert code == 0 and err == ""
    first, second = out.splitlines()
    assert first == "2022-10-17"
    assert second.startswith("读作: 2022年10月17日")


def test_deadline_ambiguous_gives_choices(capsys, tmp_path):
    data = run_json(capsys, "deadline", "周五", "--today", "2022-09-09", "--holiday-dir", str(tmp_path))
    assert data["date"] is None
    assert [c["date"] for c in data["choices"]] == ["2022-09-09", "2022-09-16"]
    code, out, _ = run(capsys, "deadline", "周五", "--today", "2022-09-09", "--holiday-dir", str(tmp_path))
    assert code == 0 and "1. 2022-09-09" in out and "2. 2022-09-16" in out


def test_deadline_usual_reading_with_another_keeps_the_json_shape(capsys, tmp_path):
    data = run_json(capsys, "deadline", "劳动节前", "--today", "2022-01-04", "--holiday-dir", str(tmp_path))
    assert set(data) >= {"date", "kind", "reading", "choices"}
    assert data["date"] == "2022-04-29" and data["kind"] == "festival"
    assert [c["date"] for c in data["choices"]] == ["2022-04-29", "2022-04-30"]
    assert "劳动节按国务院放假安排连休4月30日至5月4日" in data["reading"]
    code, out, _ = run(capsys, "deadline", "劳动节前", "--today", "2022-01-04", "--holiday-dir", str(tmp_path))
    assert code == 0 and out.splitlines()[0] == "2022-04-29" and "2. 2022-04-30" in out


def test_deadline_reads_periods_by_the_offices_holiday_rule(capsys, tmp_path, monkeypatch):
    args = ("deadline", "10天之内", "--today", "2022-09-21", "--holiday-dir", str(tmp_path))
    assert run_json(capsys, *args)["date"] == "2022-10-08"  # civil-code: out of National Day
    monkeypatch.setenv("DUBAN_HOLIDAY_RULE", "as-counted")
    data = run_json(capsys, *args)
    assert data["date"] == "2022-10-01" and [c["date"] for c in data["choices"]] == ["2022-10-01", "2022-10-08"]
    monkeypatch.setenv("DUBAN_HOLIDAY_RULE", "sometimes")
    code, _, err = run(capsys, *args)
    assert code == 2 and "DUBAN_HOLIDAY_RULE" in err and "civil-code" in err


def test_deadline_without_a_date(capsys, tmp_path):
    data = run_json(capsys, "deadline", "公示期不得少于10日", "--today", "2022-09-05", "--holiday-dir", str(tmp_path))
    assert data["date"] is None and data["kind"] == "duration"


def test_deadline_fallback_warning(capsys, tmp_path):
    code, out, err = run(
        capsys, "deadline", "10个工作日内", "--today", "2026-12-24", "--json", "--holiday-dir", str(tmp_path)
    )
    data = json.loads(out)
    assert code == 0 and data["date"] == "2027-01-07"
    assert "2027年" in data["warning"]
    assert "2027年" in err  # said on stderr too


@pytest.mark.parametrize(
    "argv, message",
    [
        (["deadline", "随便写写", "--today", "2022-09-05"], "没有读懂"),
        (["deadline", "2月30日", "--today", "2022-09-05"], "2月没有30日"),
        (["deadline", "9月底前", "--today", "2022-13-01"], "--today"),
        (["deadline", "9月底前", "--today", "2022-09-05", "--year", "二〇二二"], "--year"),
        (["workdays", "2022-02-30", "10"], "FROM"),
        (["workdays", "2022-09-28", "ten"], "不是整数"),
    ],
)
def test_errors_exit_2_with_a_message(capsys, tmp_path, argv, message):
    code, out, err = run(capsys, *argv, "--holiday-dir", str(tmp_path))
    assert code == 2
    assert out == ""
    assert err.startswith("duban: ") and message in err


# --- duban workdays -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, n, expected",
    [
        ("2022-09-28", "10", "2022-10-17"),
        ("2022-01-28", "3", "2022-02-07"),
        ("2022-10-08", "-1", "2022-09-30"),
    ],
)
def test_workdays(capsys, tmp_path, start, n, expected):
    code, out, err = run(capsys, "workdays", start, n, "--holiday-dir", str(tmp_path))
    assert code == 0 and out.strip() == expected and err == ""


def test_workdays_fallback_then_file(capsys, tmp_path):
    code, out, err = run(capsys, "workdays", "2026-12-30", "2", "--holiday-dir", str(tmp_path))
    assert out.strip() == "2027-01-01"
    assert "2027年" in err and "duban holidays import" in err
    source = tmp_path / "schedule.yaml"
    source.write_text(HOLIDAYS_2027, encoding="utf-8")
    assert run(capsys, "holidays", "import", str(source), "--holiday-dir", str(tmp_path))[0] == 0
    code, out, err = run(capsys, "workdays", "2026-12-30", "2", "--holiday-dir", str(tmp_path))
    assert out.strip() == "2027-01-04" and err == ""


# --- duban holidays -----------------------------------------------------------------------------------


def test_holidays_import_writes_the_year_file(capsys, tmp_path):
    folder, source = tmp_path / "holidays", tmp_path / "from-the-notice.yaml"
    source.write_text(HOLIDAYS_2027, encoding="utf-8")
    code, out, _ = run(capsys, "holidays", "import", str(source), "--holiday-dir", str(folder))
    assert code == 0 and "2027" in out and "3 个放假日" in out and "1 个调休上班日" in out
    assert (folder / "2027.yaml").read_text(encoding="utf-8") == HOLIDAYS_2027
    code, _, err = run(capsys, "holidays", "import", str(source), "--holiday-dir", str(folder))
    assert code == 2 and "--replace" in err
    code, _, _ = run(capsys, "holidays", "import", str(source), "--replace", "--holiday-dir", str(folder))
    assert code == 0


@pytest.mark.parametrize(
    "text, message",
    [
        ("year: 2027\nholidays: [2027-01-01]\nworkdays: [2027-01-04]\n", "周六或周日"),
        ("year: 2027\nholidays: []\n", "至少要有一项"),
        ("year: 2022\nholidays: [2022-10-01]\n", "chinesecalendar"),
    ],
)
def test_holidays_import_refuses_bad_files(capsys, tmp_path, text, message):
    source = tmp_path / "bad.yaml"
    source.write_text(text, encoding="utf-8")
    folder = tmp_path / "holidays"
    code, _, err = run(capsys, "holidays", "import", str(source), "--holiday-dir", str(folder))
    assert code == 2 and message in err
    assert not folder.exists() or not list(folder.iterdir())


def test_holidays_import_missing_file(capsys, tmp_path):
    code, _, err = run(capsys, "holidays", "import", str(tmp_path / "nope.yaml"), "--holiday-dir", str(tmp_path))
    assert code == 2 and "找不到文件" in err


def test_holidays_status(capsys, tmp_path):
    data = run_json(capsys, "holidays", "status", "--today", "2026-11-29", "--holiday-dir", str(tmp_path))
    by_year = {row["year"]: row["coverage"] for row in data["years"]}
    assert by_year == {2025: "official", 2026: "official", 2027: "weekends-only"}
    assert data["official"]["first"] <= 2004 and data["official"]["last"] >= 2026
    (tmp_path / "2027.yaml").write_text(HOLIDAYS_2027, encoding="utf-8")
    (tmp_path / "2029.yaml").write_text("year: 2029\nholidays: [2028-01-01]\n", encoding="utf-8")
    code, out, err = run(capsys, "holidays", "status", "--today", "2026-11-29", "--holiday-dir", str(tmp_path))
    lines = out.splitlines()
    assert code == 0
    assert any(line.startswith("2027  已导入文件") for line in lines)
    assert any(line.startswith("2029  仅周末") and "不在 2029 年" in line for line in lines)
    assert err == ""  # 2027 is covered now; 2029 is listed but not around today
