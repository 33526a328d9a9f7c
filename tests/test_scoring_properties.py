"""Properties over many seeded random (valid) facts sets: bounds, sums, and the meaning of the views."""

import random

import pytest

import scoring
from scoring.generate import random_facts
from tests.test_scoring_support import RUBRIC

SEEDS = range(60)


def _results():
    for seed in SEEDS:
        rng = random.Random(seed)
        facts = random_facts(RUBRIC, rng, share=rng.choice([0.2, 0.6, 1.0]))
        scored = [s.id for s in RUBRIC.subitems if not s.adjustment]
        at_risk = frozenset(rng.sample(scored, 15))
        yield seed, facts, at_risk, scoring.evaluate(RUBRIC, facts, at_risk)


@pytest.mark.parametrize("seed,facts,at_risk,result", list(_results()), ids=[f"seed{s}" for s in SEEDS])
def test_bounds_and_sums(seed, facts, at_risk, result):
    for ind in result.indicators:
        for s in ind.subitems:
            if s.adjustment is None:
                assert 0 <= s.secured <= s.projected <= s.points, s.id
                assert s.at_risk == (round(s.projected - s.secured, 4) if s.id in at_risk else 0), s.id
            elif s.adjustment == "bonus":
                assert s.projected >= 0
            else:
                assert s.projected <= 0
        if ind.weight:
            assert 0 <= ind.secured <= ind.projected <= ind.weight
            assert ind.projected == pytest.approx(sum(s.projected for s in ind.subitems))
            assert ind.secured == pytest.approx(sum(s.secured for s in ind.subitems))
    assert 0 <= result.indicator("bonus").projected <= 20
    for sec in result.sections:
        for view in ("projected", "secured", "at_risk"):
            assert sec.score(view) == pytest.approx(sum(i.score(view) for i in sec.indicators))
        if sec.weight:
            assert 0 <= sec.score("projected") <= sec.weight
    for view in ("projected", "secured", "at_risk"):
        assert result.total[view] == pytest.approx(max(0.0, sum(s.score(view) for s in result.sections)))
    assert result.total.secured <= result.total.projected


@pytest.mark.parametrize("seed", SEEDS)
def test_knowing_more_narrows_the_views(seed):
    """Dropping facts can only raise the projected score and lower the secured one, sub-item by sub-item."""
    rng = random.Random(1000 + seed)
    full = random_facts(RUBRIC, rng)
    partial = {}
    for sid, values in full.values.items():
        if rng.random() < 0.2:
            continue  # the whole sub-item unknown
        kept = {k: v for k, v in values.items() if rng.random() < 0.5}
        try:  # an actual without its target is not valid on its own: then keep the sub-item whole
            scoring.Facts.from_mapping({sid: kept}, RUBRIC)
        except scoring.FactsError:
            kept = dict(values)
        partial[sid] = kept
    fewer = scoring.Facts.from_mapping(partial, RUBRIC)
    more, less = scoring.evaluate(RUBRIC, full), scoring.evaluate(RUBRIC, fewer)
    for sid, r in more.subitems.items():
        if r.adjustment:
            continue
        other = less.subitem(sid)
        assert other.projected >= r.projected - 1e-9, sid
        assert other.secured <= r.secured + 1e-9, sid


def test_every_lost_point_is_explained():
    rng = random.Random(7)
    result = scoring.evaluate(RUBRIC, random_facts(RUBRIC, rng))
    for s in result.subitems.values():
        if s.adjustment is None and s.projected < s.points:
            assert len(s.reasons) == 1 and s.reasons[0].startswith(f"{s.id} {s.name}: ")
            assert s.reasons[0].endswith(f"得{scoring.explain.num(s.projected)}分"), s.reasons


def test_empty_facts_project_full_marks_and_secure_nothing_but_the_exempt_part():
    result = scoring.evaluate(RUBRIC)
    assert result.total.projected == RUBRIC.attainable == 999
    assert result.total.secured == RUBRIC.subitem("9.1.2").points
    assert all(not s.reasons for s in result.subitems.values())


def test_the_package_loads_its_modules_when_first_used():
    """`import scoring` loads no engine (scoring/__init__.py); a name or a submodule asked for loads it."""
    import subprocess
    import sys

    code = (
        "import sys, scoring; assert 'scoring.engine' not in sys.modules; "
        "assert scoring.explain.__name__ == 'scoring.explain'; assert scoring.evaluate.__module__ == 'scoring.engine'; "
        "missing = not hasattr(scoring, 'no_such_name'); print(missing)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
