"""`duban rubric` and `duban score` through bot.cli.main, checking their JSON and text output."""

import json

import pytest

import scoring
from bot.cli import main, score_cmd


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_rubric_json_lists_33_indicators_adding_to_1000(capsys):
    code, out, _ = run(capsys, "rubric", "--json")
    data = json.loads(out)
    assert code == 0 and len(data) == 33
    assert sum(i["weight"] for i in data) == 1000
    by_section = {}
    for ind in data:
        by_section[ind["section"]] = by_section.get(ind["section"], 0) + ind["weight"]
        assert sum(s["points"] for s in ind["subitems"]) == ind["weight"]
    assert by_section == {1: 150, 2: 120, 3: 330, 4: 90, 5: 165, 6: 65, 7: 80}
    first = data[2]["subitems"][0]
    assert first["id"] == "3.1.1" and first["points"] == 5 and first["kind"] == "shortfall"
    assert first["text"].startswith("①完成盘活存量建设用地年度目标任务(5分)")
    assert {"id", "points", "kind", "text"} <= set(data[0]["subitems"][0])


def test_rubric_text_is_a_chinese_table(capsys):
    code, out, _ = run(capsys, "rubric")
    assert code == 0
    assert "共33项指标, 合计1000分" in out
    assert "3.1.1 盘活存量建设用地 (5分, 按差距扣分)" in out
    assert "八、加扣分" in out and "九、评优基本标准" in out


def test_score_without_facts_projects_999_of_1000(capsys, cli_env):
    """Shengzhou's full marks under this letter are 999: 9.3② gives 其他区、县(市) 2 of its 3 points."""
    code, out, _ = run(capsys, "score", "--json")
    data = json.loads(out)
    assert code == 0 and data["total"] == 999 and data["view"] == "projected"
    assert (data["full_marks"], data["attainable"]) == (1000, 999)
    assert data["attainable_reasons"] == [
        "9.3.2 外来入侵物种监测调查(上虞区为本底调查试点): 细则分值3分, 本县(市)最多得2分, "
        "依据“其他区、县(市)按要求开展森林草原湿地生态系统重点外来入侵物种监测调查的,得2分”"
    ]
    assert data["excellent"] is True
    assert [s["weight"] for s in data["sections"]] == [150, 120, 330, 90, 165, 65, 80, 0]
    assert [s["attainable"] for s in data["sections"]] == [150, 119, 330, 90, 165, 65, 80, 0]
    assert all(s["score"] == s["attainable"] for s in data["sections"][:7])
    assert all(i["lost"] == [] for s in data["sections"][:7] for i in s["indicators"])


def test_score_900_of_958_loses_3_1_1_with_the_explanation(capsys, tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text('facts:\n  "3.1.1": {actual: 900, target: 958}\n', encoding="utf-8")
    code, out, _ = run(capsys, "score", "--facts", str(path), "--json")
    data = json.loads(out)
    assert code == 0 and data["total"] == 994
    ind = data["sections"][0]["indicators"][2]
    assert (ind["no"], ind["weight"], ind["score"]) == (3, 15, 10)
    assert ind["lost"] == [
        {
            "id": "3.1.1",
            "name": "盘活存量建设用地",
            "points": 5,
            "score": 0,
            "lost": 5,
            "reasons": [
                "3.1.1 盘活存量建设用地: 完成900亩/目标958亩=93.95%, 少6.05个百分点, "
                "按'每少1个百分点,扣1分'扣6分, 扣完5分为止, 得0分"
            ],
        }
    ]
    code, out, _ = run(capsys, "score", "--facts", str(path))
    assert "预计得分: 994分 (满分1000分, 本县(市)可得满分999分(9.3.2最多得2分))" in out
    assert "扣完5分为止, 得0分" in out and "二、加强生态修复和生物多样性保护: 119/120分(本县(市)可得119分)" in out


def test_score_secured_view_and_at_risk(capsys, tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"3.1.1": {"actual": 958}}), encoding="utf-8")
    code, out, _ = run(capsys, "score", "--facts", str(path), "--view", "secured", "--at-risk", "3.1,5", "--json")
    data = json.loads(out)
    assert code == 0 and data["view"] == "secured"
    assert data["total"] == data["secured"] == 10  # 3.1.1 proven, plus the voluntary 9.1.2
    assert data["at_risk"] == 15  # 3.1.2 (5) and indicator 5 (10)
    assert {i["id"]: i["at_risk"] for i in data["at_risk_items"]} == {"3.1.2": 5, "5.1": 3, "5.2": 5, "5.3": 2}
    assert data["excellent"] is False
    code, out, _ = run(capsys, "score", "--facts", str(path), "--view", "secured")
    assert "已确认得分: 10分" in out and "无已核实事实" in out
    code, out, _ = run(capsys, "score", "--at-risk", "3.1")
    assert "3.1.2 低效用地再开发: 任务逾期或未报, 5分待定" in out


def test_score_what_if(capsys, tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text('"3.1.1": {actual: 900}\n', encoding="utf-8")
    hypo = tmp_path / "what-if.yaml"
    hypo.write_text('"3.1.1": {actual: 958}\n"penalty.2": {events: 1}\n', encoding="utf-8")
    code, out, _ = run(capsys, "score", "--facts", str(facts), "--what-if", str(hypo), "--json")
    data = json.loads(out)
    assert data["what_if"]["before"] == 994 and data["what_if"]["after"] == 994
    assert {(s["id"], s["difference"]) for s in data["what_if"]["subitems"]} == {("3.1.1", 5), ("penalty.2", -5)}
    assert data["total"] == 994  # the hypothetical state
    code, out, _ = run(capsys, "score", "--facts", str(facts), "--what-if", str(hypo))
    assert "假设情形: 总分 994 → 994 (+0分)" in out and "3.1.1 盘活存量建设用地: 0 → 5 (+5分)" in out


def test_bad_facts_are_refused_with_exit_2(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text('"14.2.1": {ratio: 1.7}\n"7.1.1": {new_points: -1}\n"3.9": {done: true}\n', encoding="utf-8")
    code, out, err = run(capsys, "score", "--facts", str(path), "--json")
    assert code == 2 and out == ""
    assert "事实数据有3处问题" in err
    assert "14.2.1.ratio=1.7" in err and "7.1.1.new_points=-1" in err and "3.9" in err
    assert "Traceback" not in err


def test_missing_facts_file_and_unknown_at_risk_id(capsys, tmp_path):
    code, _, err = run(capsys, "score", "--facts", str(tmp_path / "nope.yaml"))
    assert code == 2 and "nope.yaml" in err
    code, _, err = run(capsys, "score", "--at-risk", "77")
    assert code == 2 and "77" in err


def test_facts_source_can_be_swapped(capsys, monkeypatch):
    def from_storage(args, rubric):
        return scoring.Facts.from_mapping({"2.1": {"late": 3, "notified": False}}, rubric), None

    monkeypatch.setattr(score_cmd, "facts_source", from_storage)
    code, out, _ = run(capsys, "score", "--json")
    assert code == 0 and json.loads(out)["total"] == 996


@pytest.mark.parametrize("argv", [["score", "--view", "bogus"], ["rubric", "--nope"]])
def test_bad_options(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
