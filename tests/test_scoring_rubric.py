"""The rubric data: 33 indicators in seven sections adding to 1000, verbatim texts, stable ids."""

import copy
import hashlib
import json
import re

import pytest

import scoring
from scoring import loader
from scoring.loader import DEFAULT_PATH, PARSED_PATH, RubricError, rubric_from_mapping
from tests.test_scoring_support import RUBRIC
from yaml_reader import read_yaml

# 权重 column of the appendix, indicators 1-33
WEIGHTS = [
    80,
    15,
    15,
    30,
    10,
    15,
    20,
    25,
    30,
    30,
    90,
    90,
    30,
    60,
    40,
    20,
    25,
    35,
    20,
    10,
    30,
    30,
    30,
    25,
    25,
    25,
    30,
    10,
    15,
    10,
    40,
    25,
    15,
]
SECTIONS = {1: 150, 2: 120, 3: 330, 4: 90, 5: 165, 6: 65, 7: 80}


def test_33_indicators_with_the_letters_weights():
    inds = RUBRIC.scored_indicators
    assert [i.no for i in inds] == list(range(1, 34))
    assert [i.weight for i in inds] == WEIGHTS
    assert sum(i.weight for i in inds) == 1000


def test_each_section_adds_to_its_stated_points():
    for sec in RUBRIC.sections:
        if sec.no in SECTIONS:
            assert sec.points == SECTIONS[sec.no]
            assert sum(i.weight for i in sec.indicators) == SECTIONS[sec.no]
    assert RUBRIC.total == 1000


def test_parts_add_to_items_and_items_to_indicators():
    for ind in RUBRIC.scored_indicators:
        assert sum(item.points for item in ind.items) == ind.weight, ind.no
        for item in ind.items:
            assert sum(s.points for s in item.subitems) == item.points, (ind.no, item.no)


def test_ids_follow_indicator_item_part():
    for ind in RUBRIC.scored_indicators:
        for item in ind.items:
            for s in item.subitems:
                assert re.fullmatch(rf"{ind.no}\.{item.no}(\.\d)?", s.id), s.id
    named = {s.id: s.name for s in RUBRIC.subitems}
    assert named["3.1.1"] == "盘活存量建设用地"
    assert named["3.1.2"] == "低效用地再开发"
    assert named["3.2"] == "强制性清洁生产"
    for sid in ("1.1", "11.1", "12.1", "30.1.1", "30.1.2"):
        assert sid in RUBRIC


def test_texts_and_quotes_are_the_letters_words():
    """Every sub-item text and every quoted phrase stands, character for character, in its item text."""
    for ind in RUBRIC.scored_indicators:
        for item in ind.items:
            for s in item.subitems:
                assert s.text in item.text
                for clause in s.clauses:
                    assert clause.quote in item.text
                    for count in getattr(clause, "counts", ()):
                        assert count.quote is None or count.quote in item.text
    assert "(此项由市自然资源和规划局认定)" in RUBRIC.indicator(3).items[0].text


def test_every_indicator_names_its_recognizing_departments():
    for ind in RUBRIC.scored_indicators:
        assert ind.recognized_by and all(d.startswith(("市", "人行", "团市委")) for d in ind.recognized_by)
    assert RUBRIC.indicator(4).recognized_by == ("市整改工作协调小组", "市生态环境局", "市长江办")
    assert RUBRIC.subitem("3.1.1").recognized_by == ("市自然资源和规划局",)


def test_only_the_nine_rule_kinds_are_used_and_all_are():
    used = {c.kind for s in RUBRIC.subitems for c in s.clauses}
    assert used == {
        "all_or_nothing",
        "per_incident",
        "shortfall",
        "proportional",
        "tiers",
        "formula",
        "external",
        "discretion",
        "bonus",
    }


def test_ambiguities_carry_a_decision_and_keep_the_source_numbers():
    for sid in (
        "3.1.1",
        "9.1.2",
        "9.3.2",
        "13.1",
        "13.2",
        "15.4",
        "15.5.2",
        "18.4.3",
        "20.3",
        "24.2",
        "26.2.1",
        "31.3",
        "22.2.4",
        "19.1",
        "8.3",
    ):
        assert RUBRIC.subitem(sid).decision, sid
    assert {s.id for s in RUBRIC.subitems if s.derived} == {"15.5.2", "26.2.1"}
    assert {s.id for s in RUBRIC.subitems if s.exempt} == {"9.1.2"}
    assert "诸暨市" in RUBRIC.subitem("9.1.2").text
    part = RUBRIC.subitem("9.3.2")
    assert (part.points, part.cap, part.base, part.attainable) == (3, 2, 2, 2)
    assert part.cap_quote == "其他区、县(市)按要求开展森林草原湿地生态系统重点外来入侵物种监测调查的,得2分"
    assert part.cap_quote in part.text


def test_sections_eight_and_nine():
    bonus, penalty = RUBRIC.indicator("bonus"), RUBRIC.indicator("penalty")
    assert bonus.cap == 20 and bonus.section == penalty.section == 8
    assert [s.id for s in bonus.subitems] == ["bonus.1", "bonus.2", "bonus.3"]
    assert [s.id for s in penalty.subitems] == ["penalty.1", "penalty.2", "penalty.3", "penalty.4"]
    assert RUBRIC.excellence.threshold == 950
    assert RUBRIC.major_ids == ("major.1", "major.2", "major.3", "major.4")


def test_expand_turns_items_and_indicators_into_subitems():
    assert RUBRIC.expand(["3.1"]) == {"3.1.1", "3.1.2"}
    assert RUBRIC.expand(["3"]) == {"3.1.1", "3.1.2", "3.2"}
    with pytest.raises(scoring.UnknownIdError):
        RUBRIC.expand(["3.9"])


def _data():
    return read_yaml(DEFAULT_PATH)


def test_a_weight_that_does_not_add_up_is_refused():
    data = copy.deepcopy(_data())
    data["indicators"][2]["weight"] = 16
    with pytest.raises(RubricError) as err:
        rubric_from_mapping(data)
    assert "indicator 3" in str(err.value) and "section 1" in str(err.value)


def test_a_misquoted_rule_and_an_unknown_kind_are_refused():
    data = copy.deepcopy(_data())
    rule = data["indicators"][2]["items"][0]["subitems"][0]["rule"]
    rule[0]["quote"] = "每少1个百分点,扣2分"
    rule.append({"kind": "lottery", "quote": "扣完5分为止"})
    with pytest.raises(RubricError) as err:
        rubric_from_mapping(data)
    assert "not the letter's words" in str(err.value) and "lottery" in str(err.value)


def _subitem_data(data, sid):
    return next(s for ind in data["indicators"] for item in ind["items"] for s in item["subitems"] if s["id"] == sid)


def test_a_cap_below_the_points_needs_the_letters_words():
    """9.3.2 is capped at 2 of its 3 points only because the letter says so; without its words it is refused."""
    data = copy.deepcopy(_data())
    del _subitem_data(data, "9.3.2")["cap_quote"]
    with pytest.raises(RubricError) as err:
        rubric_from_mapping(data)
    assert "9.3.2: cap 2 below its 3 points needs cap_quote" in str(err.value)
    data = copy.deepcopy(_data())
    _subitem_data(data, "9.3.2")["cap_quote"] = "其他区、县(市)得3分"
    with pytest.raises(RubricError):
        rubric_from_mapping(data)
    data = copy.deepcopy(_data())
    for key in ("cap", "cap_quote"):
        del _subitem_data(data, "9.3.2")[key]
    assert rubric_from_mapping(data).attainable == 1000  # the round total only when the letter's award is dropped


def test_the_bundled_rubric_is_parsed_once():
    assert scoring.load_rubric() is scoring.load_rubric()
    assert scoring.load_rubric(DEFAULT_PATH) is not scoring.load_rubric()


def test_the_parsed_copy_is_the_bundled_yaml_parsed():
    """data/shengzhou-2022-rubric.json is what `duban score` reads: the YAML's data, and the YAML's digest."""
    parsed = json.loads(PARSED_PATH.read_text(encoding="utf-8"))
    assert parsed["sha256"] == hashlib.sha256(DEFAULT_PATH.read_bytes()).hexdigest(), "run: python -m scoring.loader"
    assert parsed["data"] == read_yaml(DEFAULT_PATH, dates=False), "run: python -m scoring.loader"


@pytest.fixture
def bundled_copy(tmp_path, monkeypatch):
    """The bundled rubric's YAML and parsed copy in a folder of the test's own, loaded afresh."""
    yaml_path, parsed_path = tmp_path / "rubric.yaml", tmp_path / "rubric.json"
    yaml_path.write_bytes(DEFAULT_PATH.read_bytes())
    loader.write_parsed(yaml_path, parsed_path)
    monkeypatch.setattr(loader, "DEFAULT_PATH", yaml_path)
    monkeypatch.setattr(loader, "PARSED_PATH", parsed_path)
    loader._bundled.cache_clear()
    yield yaml_path, parsed_path
    loader._bundled.cache_clear()


def _retitled(parsed_path, title):
    parsed = json.loads(parsed_path.read_text(encoding="utf-8"))
    parsed["data"]["rubric"]["title"] = title
    parsed_path.write_text(json.dumps(parsed, ensure_ascii=False), encoding="utf-8")


def test_the_parsed_copy_is_read_while_it_is_the_yamls(bundled_copy):
    _, parsed_path = bundled_copy
    _retitled(parsed_path, "from the parsed copy")
    assert scoring.load_rubric().title == "from the parsed copy"


def test_an_edited_yaml_is_read_itself_until_parsed_again(bundled_copy):
    yaml_path, parsed_path = bundled_copy
    _retitled(parsed_path, "from the parsed copy")
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert scoring.load_rubric().title == RUBRIC.title
    loader._bundled.cache_clear()
    parsed_path.unlink()
    assert scoring.load_rubric().title == RUBRIC.title  # no parsed copy at all: the YAML


def test_every_rubric_id_in_the_letter_file_names_the_rubric():
    """data/shengzhou-2022.yaml links letter lines to rubric ids; each must name a sub-item, item,
    indicator or pooled part here."""
    letter = DEFAULT_PATH.parent / "shengzhou-2022.yaml"
    data = read_yaml(letter)
    ids = {str(rid) for item in data["items"] for line in item["lines"] for rid in line.get("rubric") or []}
    ids |= {
        str(t["rubric"])
        for item in data["items"]
        for line in item["lines"]
        for t in line.get("targets") or []
        if t.get("rubric")
    }
    assert ids
    RUBRIC.expand(ids)  # raises UnknownIdError naming the first id it does not know
