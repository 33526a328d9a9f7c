"""The bundled 2022 Shengzhou letter loads whole and says what the letter says."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from services.letter_file import read_letter
from storage.paths import BUNDLED_LETTER

LETTER = read_letter(BUNDLED_LETTER)
LINES = {line.id: (item, line) for item, line in LETTER.lines()}


def targets(line_id: str) -> dict[str, tuple[float, str]]:
    return {t.name: (t.value, t.unit) for t in LINES[line_id][1].targets}


def test_all_33_items_in_seven_sections():
    assert [i.no for i in LETTER.items] == list(range(1, 34))
    assert {no: pts for no, (_, pts) in LETTER.sections.items()} == {
        1: 150,
        2: 120,
        3: 330,
        4: 90,
        5: 165,
        6: 65,
        7: 80,
    }
    assert len(LINES) == 93  # every paragraph of the work-line column (counted against the source)
    assert all(line.departments and line.recognized_by for _, line in LINES.values())


@pytest.mark.parametrize(
    "line_id,name,value,unit",
    [
        ("3.1", "盘活存量建设用地", 958, "亩"),
        ("3.1", "低效用地再开发", 800, "亩"),
        ("8.1", None, 2450, "亩"),
        ("10.3", None, 6.05, "万亩"),
        ("11.1", None, 14, "家"),
        ("11.1", None, 80, "辆"),
        ("11.1", None, 20, "辆"),
        ("19.1", None, 44, "个"),
        ("19.1", None, 23, "个"),
        ("19.1", None, 3, "个"),
        ("13.1", None, 93, "%"),
        ("13.2", None, 95, "%"),
    ],
)
def test_quantitative_targets(line_id, name, value, unit):
    found = targets(line_id)
    if name:
        assert found[name] == (value, unit)
    else:
        assert (value, unit) in found.values(), found


def test_shared_lines_list_every_department():
    _, line = LINES["15.5"]
    assert line.departments == (
        "发改局",
        "生态环境分局",
        "经信局",
        "农业农村局",
        "商务局",
        "文广旅游局",
        "市场监管局",
        "交通运输局(邮管局)",
    )
    assert "市邮政管理局" in line.recognized_by
    # A row whose department cell is merged with the row above shares it.
    assert LINES["2.2"][1].departments == ("发改局",)
    assert LINES["4.2"][1].departments == LINES["4.1"][1].departments


def test_cli_must_show(cli_env, capsys):
    assert main(["letter", "load", str(BUNDLED_LETTER), "--year", "2022"]) == 0
    capsys.readouterr()
    assert main(["tasks", "--json"]) == 0
    tasks = {t["id"]: t for t in json.loads(capsys.readouterr().out)}
    assert len(tasks) == 93 and {t["item"] for t in tasks.values()} == set(range(1, 34))
    assert all(t["departments"] and t["deadlines"] for t in tasks.values())
    assert tasks["26.3"]["deadlines"] == ["2022-03-31"]  # 于3月底前确定本年度企业名单
    assert "2022-09-30" in tasks["22.2"]["deadlines"]  # 9月底前完成...监控设施安装联网全覆盖
    assert "2022-10-31" in tasks["22.2"]["deadlines"]  # 10月底前完成...自主验收
    quarterly = [d for d in tasks["22.3"]["deadline_details"] if d["phrase"].startswith("每季度末月25日前")]
    assert quarterly[0]["dates"] == ["2022-03-25", "2022-06-25", "2022-09-25", "2022-12-25"]
    assert tasks["17.2"]["deadlines"][0] == "2022-08-31"
    relative = [d for d in tasks["26.3"]["deadline_details"] if d["kind"] == "relative"]
    assert relative[0]["spec"]["workdays"] == 10 and relative[0]["dates"] == []
    assert tasks["14.2"]["departments"] == ["住建局"]
    assert tasks["15.2"]["departments"] == ["交通运输局(邮管局)"]

    assert main(["letter", "load", str(BUNDLED_LETTER), "--year", "2022"]) == 0
    assert "nothing changed" in capsys.readouterr().out


def test_department_filter_accepts_aliases_and_suggests(cli_env, capsys):
    assert main(["letter", "load", str(BUNDLED_LETTER)]) == 0
    assert main(["tasks", "--dept", "邮管局", "--json"]) == 0
    out = capsys.readouterr().out
    ids = [t["id"] for t in json.loads(out[out.index("[") :])]
    assert ids == ["15.2", "15.5", "15.6"]
    assert main(["tasks", "--dept", "发展局"]) == 2
    assert "发改局" in capsys.readouterr().err
