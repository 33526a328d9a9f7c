"""Facts: the documented format, validation that refuses half-valid data, and merging."""

import dataclasses
import json

import pytest

import scoring
from scoring import FactsError
from tests.test_scoring_support import RUBRIC, facts


def problems(data):
    with pytest.raises(FactsError) as err:
        scoring.Facts.from_mapping(data, RUBRIC)
    return err.value


def test_accepts_the_documented_shapes():
    f = facts(
        {
            "facts": {
                "3.1.1": {"actual": 900, "target": 958},
                "14.1.1": True,
                13.1: {"rate": 92.4},
                "major.2": False,
                "bonus.1": {"items": 1},
            }
        }
    )
    assert f.get("3.1.1") == {"actual": 900, "target": 958}
    assert f.get("14.1.1") == {"done": True}  # a bare value for a one-field sub-item
    assert f.get("13.1") == {"rate": 92.4}  # an unquoted YAML id read as a number
    assert f.get("major.2") == {"occurred": False}
    assert len(f) == 5 and "3.1.2" not in f


def test_refuses_everything_wrong_at_once_with_id_value_and_what_is_allowed():
    err = problems(
        {
            "14.2.1": {"ratio": 1.7},
            "7.1.1": {"new_points": -1},
            "3.9": {"done": True},
            "3.1": {"actual": 1},
            "13.1": {"rate": "high"},
            "2.1": {"late": 1.5},
            "5.1": {"cases": True},
            "6.1.1": {"deduction": 0.3},
            "17.1": {"grade": "极好"},
            "2.2": {"policy": True, "colour": "green"},
        }
    )
    found = {(p.id, p.field): p for p in err.problems}
    text = str(err)
    assert len(err.problems) == 10
    assert found[("14.2.1", "ratio")].value == 1.7 and "0到1之间的比例" in str(found[("14.2.1", "ratio")])
    assert "不小于0的整数" in str(found[("7.1.1", "new_points")])
    assert "没有这个子项" in str(found[("3.9", None)])
    assert "3.1.1、3.1.2" in str(found[("3.1", None)])
    assert "'high'" in str(found[("13.1", "rate")])
    assert ("2.1", "late") in found and ("5.1", "cases") in found  # 1.5 events; a bool is not a count
    assert "以0.5为单位" in str(found[("6.1.1", "deduction")])
    assert "优秀、良好、合格、不合格" in str(found[("17.1", "grade")])
    assert "policy" in str(found[("2.2", "colour")])  # names the fields that exist
    assert text.startswith("事实数据有10处问题") and "14.2.1.ratio=1.7" in text


def test_cross_field_checks():
    err = problems({"19.2": {"actual": 80}, "1.1": {"score": 60, "full": 50}})
    ids = {(p.id, p.field) for p in err.problems}
    assert ids == {("19.2", "actual"), ("1.1", "score")}
    assert "target" in str(err)


def test_voluntary_part_takes_no_facts():
    err = problems({"9.1.2": {"deduction": 1}})
    assert "不适用" in str(err)


def test_top_level_must_be_a_mapping():
    assert problems([1, 2]).problems[0].id == "facts"


def test_load_facts_yaml_and_json(tmp_path):
    y = tmp_path / "f.yaml"
    y.write_text('facts:\n  "3.1.1": {actual: 900, target: 958}\n', encoding="utf-8")
    j = tmp_path / "f.json"
    j.write_text(json.dumps({"3.1.1": {"actual": 900, "target": 958}}), encoding="utf-8")
    assert scoring.load_facts(y).to_mapping() == scoring.load_facts(j).to_mapping()
    empty = tmp_path / "empty.yaml"
    for text in ("", "# exported 2022-09-05\n", "facts:\n"):  # empty or truncated: not "no deductions"
        empty.write_text(text, encoding="utf-8")
        with pytest.raises(FactsError, match="文件是空的"):
            scoring.load_facts(empty)
    for text in ("{}\n", "facts: {}\n"):  # no facts, said on purpose
        empty.write_text(text, encoding="utf-8")
        assert len(scoring.load_facts(empty)) == 0
    with pytest.raises(FactsError):
        scoring.load_facts(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("facts: {a: [", encoding="utf-8")
    with pytest.raises(FactsError):
        scoring.load_facts(broken)


def test_merge_overlays_field_by_field_and_revalidates():
    base = facts({"3.1.1": {"actual": 900, "target": 958}, "2.1": {"late": 1, "notified": False}})
    merged = scoring.merge(base, {"3.1.1": {"actual": 950}, "5.1": {"cases": 1}}, RUBRIC)
    assert merged.get("3.1.1") == {"actual": 950, "target": 958}
    assert merged.get("2.1") == base.get("2.1") and merged.get("5.1") == {"cases": 1}
    assert base.get("3.1.1") == {"actual": 900, "target": 958}  # the base is untouched
    with pytest.raises(FactsError):  # the score now exceeds the full marks it is out of
        scoring.merge(facts({"1.1": {"score": 90}}), {"1.1": {"full": 50}}, RUBRIC)


def test_facts_are_immutable():
    f = facts({"2.1": {"late": 1}})
    with pytest.raises(TypeError):
        f.values["2.1"]["late"] = 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.values = {}


def test_part_ids_of_a_pooled_subitem_feed_it():
    """31.1's circled parts carry no points: `31.1.1` etc. are aliases that add to 31.1's facts."""
    f = facts(
        {"31.1.1": {"missed_quarters": 2}, "31.1.3": {"main_held": 0, "other_held": 0}, "31.1": {"other_leaders": 0}}
    )
    assert f.get("31.1") == {"missed_quarters": 2, "main_held": 0, "other_held": 0, "other_leaders": 0}
    assert "31.1.1" not in f
    err = problems({"31.1.1": {"other_leaders": 1}, "31.3.5": {"share": 3.5}, "31.3": {"share": 2}})
    assert {(p.id, p.field) for p in err.problems} == {("31.1.1", "other_leaders"), ("31.3", "share")}
    assert RUBRIC.expand(["31.1.2", "31.3"]) == {"31.1", "31.3"}
