"""The three views, at-risk points, the excellence verdict, what-if and the explanations."""

import dataclasses

import pytest

import scoring
from tests.test_scoring_support import RUBRIC, facts, sub


def test_projected_secured_and_at_risk_for_one_subitem():
    result = scoring.evaluate(RUBRIC, facts({"3.1.1": {"actual": 940}}), at_risk={"3.1"})
    done, open_ = result.subitem("3.1.1"), result.subitem("3.1.2")
    assert (done.projected, done.secured, done.at_risk) == (4, 4, 0)  # 98.12%: one point
    assert (open_.projected, open_.secured, open_.at_risk) == (5, 0, 5)  # nothing known, overdue
    ind = result.indicator(3)
    assert (ind.projected, ind.secured, ind.at_risk) == (14, 4, 5)
    assert result.total.at_risk == 5
    assert open_.secured_reasons == ("3.1.2 低效用地再开发: 无已核实事实, 记0分",)


def test_partial_facts_best_case_projected_worst_case_secured():
    r = sub("14.5", rate=100)  # exposures not reported
    assert (r.projected, r.secured) == (10, 0)
    assert r.reasons == ()
    assert "未核实: 媒体曝光、投诉举报被查实医疗机构废物失管失控事件" in r.secured_reasons[0]
    r = sub("14.5", rate=90)
    assert r.projected == 8 and "尚未报告" in r.reasons[0]


def test_at_risk_accepts_indicator_ids_and_refuses_unknown_ones():
    result = scoring.evaluate(RUBRIC, at_risk={"31"})
    assert result.total.at_risk == 40
    with pytest.raises(scoring.UnknownIdError):
        scoring.evaluate(RUBRIC, at_risk={"99.1"})


def test_exempt_part_is_full_in_every_view():
    r = scoring.evaluate(RUBRIC, at_risk={"9.1.2"}).subitem("9.1.2")
    assert (r.projected, r.secured, r.at_risk) == (5, 5, 0)
    assert "嵊州市自愿开展, 按满分5分计" in r.secured_reasons[0]


def _all_full() -> dict:
    """Hand-written facts proving full marks for every sub-item (used for the secured verdict)."""
    ok = {}
    for s in RUBRIC.subitems:
        if s.exempt or s.adjustment:
            continue
        values = {}
        for name, spec in s.fields.items():
            values[name] = {
                "bool": True,
                "count": 0,
                "integer": 0,
                "rank": 1,
                "percent": 100,
                "ratio": 1,
                "amount": 1000,
                "target": 1000,
                "score": 100,
                "points": 0,
                "choice": None,
            }[spec.type]
            if spec.type == "choice":
                values[name] = spec.choices[0]
            if name == "full":
                values[name] = 100
        ok[s.id] = values
    # the yes/no facts whose good answer is "no", and counts that earn points
    for sid, name in (
        ("2.1", "notified"),
        ("7.2", "over_limit"),
        ("7.2", "below_average"),
        ("8.3", "unauthorized_change"),
        ("8.3", "exempt"),
        ("21.2", "duplicate"),
        ("26.1.3", "last_in_province"),
        ("22.2.4", "pilot"),
        ("26.1.1", "halved"),
    ):
        ok[sid][name] = False
    ok["8.3"].update(rate=50, rate_target=50)
    ok["24.2"].update(growth=20, growth_target=17)
    ok["17.1"].update(areas=2, named=1)
    ok["17.2"].update(projects=4)
    ok["23.2"]["cases"] = 1
    ok["23.4.1"].update(cases=5, resource_cases=1)
    del ok["23.4.1"]["cases_target"]  # the letter's 5
    for sid in ("8.2.1", "19.2", "27.4"):
        ok[sid]["target"] = 1000
    ok["27.2.4"]["satisfaction"] = 90
    ok["22.1.4"]["ministry_praise"] = 2
    ok["26.2.1"]["increase"] = 0
    ok["13.3"]["improved"] = True
    return ok


def test_hand_written_full_facts_secure_999_and_excellence():
    """Everything done scores 999, not 1000: 9.3② gives 其他区、县(市) 2 of its 3 points."""
    data = _all_full()
    result = scoring.evaluate(RUBRIC, facts(data))
    short = {s.id: s.secured for s in result.subitems.values() if s.adjustment is None and s.secured < s.points}
    assert short == {}
    assert result.total.secured == result.total.projected == result.attainable == 999
    assert result.full_marks == 1000 and result.subitem("9.3.2").points == 2
    assert result.excellent.projected and not result.excellent.secured  # major issues not yet verified
    data.update({m: False for m in RUBRIC.major_ids})
    result = scoring.evaluate(RUBRIC, facts(data))
    assert result.excellent.secured and result.excellent.reasons == ("总分999分, 达到950分",)


def test_excellence_threshold_and_major_issues():
    """九: "考核分数达到950分以上,且无重大问题发生。" 950 itself is enough; any major issue is not."""
    # 50 points lost would leave 950 of a round 1000; Shengzhou's full marks are 999 (9.3②), so it is 949
    lost_50 = scoring.evaluate(RUBRIC, facts({"11.1": {"score": 100 - 50 / 0.9}}))
    assert lost_50.total.projected == pytest.approx(949, abs=1e-3) and not lost_50.excellent.projected
    assert lost_50.excellent.reasons == ("总分949分, 未达到950分",)
    exactly = scoring.evaluate(RUBRIC, facts({"1.1": {"score": 38.75}}))  # 80 x 0.3875 = 31: 999 - 49 = 950
    assert exactly.total.projected == 950 and exactly.excellent.projected
    below = scoring.evaluate(RUBRIC, facts({"1.1": {"score": 38.125}}))  # 30.5: 949.5
    assert below.total.projected == 949.5 and not below.excellent.projected
    issue = scoring.evaluate(RUBRIC, facts({"major.3": True}))
    assert issue.total.projected == 999 and not issue.excellent.projected
    assert any("③未完成主要污染物年度减排目标任务" in r for r in issue.excellent.reasons)


def test_penalties_count_in_every_view_and_unknown_events_are_none():
    result = scoring.evaluate(RUBRIC, facts({"penalty.1": {"events": 1}, "penalty.4": {"deduction": 1.5}}))
    assert result.section(8).projected == result.section(8).secured == -11.5
    assert result.total.projected == 987.5  # 999 - 10 - 1.5
    assert result.subitem("penalty.1").reasons[0].endswith("计-10分")


def test_what_if_reports_every_move():
    base = facts({"3.1.1": {"actual": 900, "target": 958}, "2.1": {"late": 0, "notified": False}})
    change = scoring.what_if(RUBRIC, base, {"3.1.1": {"actual": 958}, "2.1": {"late": 3}})
    assert change.total().before == 994 and change.total().after == 996 and change.total().diff == 2
    moved = {c.id: (c.projected.before, c.projected.after) for c in change.changes}
    assert moved == {"3.1.1": (0, 5), "2.1": (10, 7)}
    assert change.before.subitem("3.1.1").projected == 0  # the current result is untouched
    secured = {c.id: c.secured.diff for c in change.changes}
    assert secured == {"3.1.1": 5, "2.1": -3}


def test_what_if_refuses_invalid_hypotheses():
    with pytest.raises(scoring.FactsError):
        scoring.what_if(RUBRIC, scoring.Facts(), {"3.1.1": {"actual": -5}})


def test_results_are_immutable():
    result = scoring.evaluate(RUBRIC)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = None
    with pytest.raises(AttributeError):
        result.subitem("3.1.1").projected = 0
