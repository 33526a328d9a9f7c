"""Each rule kind at its boundaries: exactly on target, just short, far short (the cap bites), zero floor."""

import math

import pytest

from scoring import kinds
from scoring.kinds import RuleError
from tests.test_scoring_support import projected, sub


def clause(**data):
    return kinds.build({"quote": "q", **data}, "test", 5, {})


def delta(c, points=5, **values):
    o = c.evaluate(values, points)
    assert o.best == o.worst, "all facts were given"
    return o.best


# ---- all_or_nothing -----------------------------------------------------------------------------


def test_all_or_nothing():
    c = clause(kind="all_or_nothing")
    assert delta(c, done=True) == 0
    assert delta(c, done=False) == -5  # no amount: the whole sub-item
    assert delta(clause(kind="all_or_nothing", field="x", amount=2), x=False) == -2
    assert delta(clause(kind="all_or_nothing", field="bad", expect=False, veto=True), bad=True) == -math.inf
    unknown = c.evaluate({}, 5)
    assert (unknown.best, unknown.worst, unknown.missing) == (0, -5, ("done",))


def test_veto_voids_even_with_bonus():
    # 23.4.1: 资源破坏类损害赔偿案件数为0件的,该项不得分 -- a 100万 bonus does not bring points back
    assert projected("23.4.1", cases=5, resource_cases=0, cases_100w=2) == 0


# ---- per_incident -------------------------------------------------------------------------------


def test_per_incident_fixed_and_floor():
    assert projected("5.3", cases=0) == 2
    assert projected("5.3", cases=3) == 0.5  # 发现一起扣0.5分
    assert projected("5.3", cases=4) == 0
    assert projected("5.3", cases=40) == 0  # 扣完为止: never below zero


def test_per_incident_escalating_steps_and_cumulative():
    c = clause(kind="per_incident", field="n", steps=[2, 3, 5])
    assert [delta(c, points=100, n=k) for k in range(5)] == [0, -2, -5, -10, -15]  # the 4th repeats 5
    c = clause(kind="per_incident", field="n", cumulative=[3, 7, 10])
    assert [delta(c, points=100, n=k) for k in range(5)] == [0, -3, -7, -10, -13]


def test_per_incident_clause_cap():
    # 10.3②: 每起扣1分,最多扣2分
    assert projected("10.3", removal_rate=100, timber_cases=1, notified=0, interviewed=0) == 9
    assert projected("10.3", removal_rate=100, timber_cases=2, notified=0, interviewed=0) == 8
    assert projected("10.3", removal_rate=100, timber_cases=9, notified=0, interviewed=0) == 8


def test_per_incident_unknown_count_is_unbounded_in_the_worst_case():
    c = clause(kind="per_incident", field="n", each=1)
    o = c.evaluate({}, 5)
    assert o.best == 0 and o.worst == -math.inf
    capped = clause(kind="per_incident", field="n", each=1, max=2).evaluate({}, 5)
    assert capped.worst == -2


# ---- shortfall ----------------------------------------------------------------------------------


def test_shortfall_completion_boundaries():
    assert projected("3.1.1", actual=958) == 5  # exactly on target
    assert projected("3.1.1", actual=1200) == 5  # above target
    assert projected("3.1.1", actual=957) == 5  # 0.1 point short: less than one whole point
    assert projected("3.1.1", actual=948.42) == 4  # 99.0% exactly: one point
    assert projected("3.1.1", actual=900) == 0  # 6.05 points short, the 5 are gone
    assert projected("3.1.1", actual=0) == 0


def test_shortfall_rate_with_steps():
    # 14.5: 每少5%扣1分
    assert projected("14.5", rate=100, exposures=0) == 10
    assert projected("14.5", rate=95.01, exposures=0) == 10
    assert projected("14.5", rate=95, exposures=0) == 9
    assert projected("14.5", rate=10, exposures=0) == 0


def test_shortfall_rounding_kinds():
    floor = clause(kind="shortfall", basis="rate", each=2, target=93, field="rate")
    ceil = clause(kind="shortfall", basis="rate", each=2, target=93, field="rate", rounding="ceil")
    exact = clause(kind="shortfall", basis="rate", each=2, target=93, field="rate", rounding="exact")
    assert delta(floor, points=100, rate=92.5) == 0
    assert delta(ceil, points=100, rate=92.5) == -2
    assert delta(exact, points=100, rate=92.5) == -1
    assert delta(ceil, points=100, rate=93) == 0


def test_shortfall_count_and_its_own_cap():
    # 19.1: three parts of 5, each stops at its 5
    assert projected("19.1", standard=44, featured=3, coverage=100) == 15
    assert projected("19.1", standard=43, featured=3, coverage=100) == 14
    assert projected("19.1", standard=0, featured=3, coverage=100) == 10
    assert projected("19.1", standard=0, featured=0, coverage=0) == 2  # 特色精品村: 3 short of 3, -3
    assert projected("19.1", standard=0, featured=0, coverage=97.5) == 5  # 2.5 points short: -2


# ---- proportional -------------------------------------------------------------------------------


def test_proportional():
    assert projected("14.2.1", ratio=1) == 4
    assert projected("14.2.1", ratio=0.75) == 3
    assert projected("14.2.1", ratio=0) == 0
    assert projected("18.2", coverage=85) == 5  # on target
    assert projected("18.2", coverage=95) == 5  # above: no more than full marks
    assert projected("18.2", coverage=68) == 4  # 68/85 = 80%


# ---- tiers --------------------------------------------------------------------------------------


def test_tiers_bands_and_edges():
    # 18.4.2: 1-30名不扣分, 31-60名扣0.5分, 60名以后扣1分
    assert [projected("18.4.2", rank=r) for r in (1, 30, 31, 60, 61, 90)] == [4, 4, 3.5, 3.5, 3, 3]
    # 18.4.3: an edge value goes to the better band
    assert [projected("18.4.3", rate=r) for r in (79.9, 80, 84.9, 85, 89.99, 90, 100)] == [0, 0.5, 0.5, 1, 1, 2, 2]


def test_tiers_choice_and_unknown_interval():
    c = clause(
        kind="tiers",
        field="grade",
        value="choice",
        choices=["优秀", "良好", "合格"],
        bands=[{"equals": "优秀", "delta": 5}, {"equals": "良好", "delta": 3}],
    )
    assert delta(c, grade="良好") == 3 and delta(c, grade="合格") == 0
    o = c.evaluate({}, 5)
    assert (o.best, o.worst) == (5, 0)


# ---- formula ------------------------------------------------------------------------------------


def test_formula_connectivity():
    # 21.3.2: 连通率100%满分,低于99.0%不得分,得分=(连通率-99%)*200
    assert projected("21.3.2", rate=100) == 2
    assert projected("21.3.2", rate=99.5) == 1
    assert projected("21.3.2", rate=99) == 0
    assert projected("21.3.2", rate=50) == 0


def test_formula_in_whole_steps_with_full_marks_threshold():
    # 22.2.4, not a pilot: 1 + 0.1 per full 10% of 领码率, full at 95%
    assert projected("22.2.4", pilot=False, started=True, code_rate=0) == 1
    assert projected("22.2.4", pilot=False, started=True, code_rate=59.9) == 1.5
    assert projected("22.2.4", pilot=False, started=True, code_rate=94.9) == 1.9
    assert projected("22.2.4", pilot=False, started=True, code_rate=95) == 2
    assert projected("22.2.4", pilot=False, started=False, code_rate=95) == 0
    # pilot: 每少5%,扣0.1分
    assert projected("22.2.4", pilot=True, code_rate=95, recognition=0) == 2
    assert projected("22.2.4", pilot=True, code_rate=85, recognition=0) == 1.8
    assert projected("22.2.4", pilot=True, code_rate=85, recognition=0.1) == 1.9  # 酌情加分, within 2
    assert projected("22.2.4", pilot=True, code_rate=85) == 2  # the award not yet known: best case


# ---- external -----------------------------------------------------------------------------------


def test_external_conversion():
    assert projected("1.1", score=100) == 80
    assert projected("1.1", score=85) == 68
    assert projected("1.1", score=42.5, full=50) == 68
    assert projected("1.1", score=0) == 0
    assert projected("12.1", water=100, coastal=100) == 90
    assert projected("12.1", water=90, coastal=80) == pytest.approx(77.4)


# ---- discretion ---------------------------------------------------------------------------------


def test_discretion_steps_and_ceiling():
    assert projected("6.1.1", deduction=0) == 5
    assert projected("6.1.1", deduction=0.5) == 4.5
    assert projected("6.1.1", deduction=5) == 0
    assert projected("32.3", deduction=2) == 3  # 1分起扣: whole points
    assert projected("26.1.4", deduction=0.2) == 1.8  # 酌情扣0.2至2分


# ---- bonus --------------------------------------------------------------------------------------


def test_bonus_up_to_its_ceiling():
    # 17.2: 每个加2分,最高8分 + 规划1分 + 投资1分, starting from 0
    assert projected("17.2", projects=0, plan=False, investment=False) == 0
    assert projected("17.2", projects=3, plan=True, investment=False) == 7
    assert projected("17.2", projects=4, plan=True, investment=True) == 10
    assert projected("17.2", projects=9, plan=True, investment=True) == 10


def test_bonus_does_not_lift_a_subitem_above_its_points():
    # 13.3: 8 + 2 bonus, no more than 10
    assert projected("13.3", improved=True, added_v=0) == 10
    assert projected("13.3", improved=False, added_v=0) == 8
    # 22.1.4: base 1, praise up to 2 (加满为止)
    assert projected("22.1.4", late_reports=0, ministry_praise=5, province_praise=0) == 3


def test_bad_rule_data_is_refused():
    with pytest.raises(RuleError):
        kinds.build({"kind": "shortfall", "basis": "vibes", "each": 1, "quote": "q"}, "x", 5, {})
    with pytest.raises(RuleError):
        kinds.build({"kind": "all_or_nothing", "field": "done"}, "x", 5, {})  # no quote
    with pytest.raises(RuleError):
        kinds.build(
            {
                "kind": "external",
                "quote": "q",
                "components": [
                    {"field": "a", "weight": 0.6, "label": "a"},
                    {"field": "b", "weight": 0.6, "label": "b"},
                ],
            },
            "x",
            5,
            {},
        )


def test_zero_floor_for_every_kind_at_subitem_level():
    assert sub("2.1", late=99, notified=False).projected == 0
    assert sub("8.2.1", actual=0, target=100).projected == 0
    assert sub("26.1.3", inspections=1, rate=0, last_in_province=True, missing_reports=9, hazards=50).projected == 0
