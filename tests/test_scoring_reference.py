"""The engine's fast path against a plain reference on random facts: every score of every sub-item,
indicator and section, in every view, exactly equal (issue 14: faster, results unchanged).

The reference takes the slow, obvious road: each clause through `Clause.evaluate` (with its notes), then
clamp with min/max and round with round(); the engine's shortcuts (bound judges, full marks without
rounding, whole numbers without round(), one explainer per evaluation) must not change a single float.
"""

import random

import pytest

import scoring
from scoring.generate import random_facts
from tests.test_scoring_support import RUBRIC

SEEDS = range(40)


def _r(x):
    return round(x, 4) + 0.0


def _subitem(s, values, risky):
    """(projected, secured, at_risk) of one sub-item, the long way."""
    if s.exempt:
        return s.points, s.points, 0.0
    outcomes = [c.evaluate(values or {}, s.cap, say=True) for c in s.clauses]
    if s.adjustment:
        score = _r(sum(o.worst if s.adjustment == "bonus" else o.best for o in outcomes))
        return score, score, 0.0
    best = worst = s.base
    for o in outcomes:
        best, worst = best + o.best, worst + o.worst
    projected = _r(min(max(best, 0.0), s.cap))
    secured = _r(min(max(worst, 0.0), s.cap)) if values is not None else 0.0
    return projected, secured, _r(projected - secured) if s.id in risky else 0.0


def _indicator(ind, facts, risky):
    views = [_subitem(s, facts.get(s.id), risky) for s in ind.subitems]
    sums = [0.0, 0.0, 0.0]
    for view in views:
        sums = [a + b for a, b in zip(sums, view, strict=True)]
    if ind.cap is not None:
        sums = [min(x, ind.cap) for x in sums]
    return views, [_r(x) for x in sums]


def _cases():
    for seed in SEEDS:
        rng = random.Random(seed)
        facts = random_facts(RUBRIC, rng, share=rng.choice([0.0, 0.3, 0.7, 1.0]))
        scored = [s.id for s in RUBRIC.subitems if not s.adjustment]
        yield seed, facts, frozenset(rng.sample(scored, rng.choice([0, 15, 60])))


@pytest.mark.parametrize("seed,facts,at_risk", list(_cases()), ids=[f"seed{s}" for s in SEEDS])
def test_every_score_equals_the_plain_reference(seed, facts, at_risk):
    result = scoring.evaluate(RUBRIC, facts, at_risk)
    risky = RUBRIC.expand(at_risk)
    totals = [0, 0, 0]
    for sec, sec_result in zip(RUBRIC.sections, result.sections, strict=True):
        sec_sums = [0.0, 0.0, 0.0]
        for ind, ind_result in zip(sec.indicators, sec_result.indicators, strict=True):
            views, sums = _indicator(ind, facts, risky)
            for s, view in zip(ind_result.subitems, views, strict=True):
                assert (s.projected, s.secured, s.at_risk) == view, s.id
            assert [ind_result.projected, ind_result.secured, ind_result.at_risk] == sums, ind.no
            sec_sums = [a + b for a, b in zip(sec_sums, sums, strict=True)]
        assert [sec_result.projected, sec_result.secured, sec_result.at_risk] == [_r(x) for x in sec_sums]
        totals = [a + b for a, b in zip(totals, [_r(x) for x in sec_sums], strict=True)]
    total = result.total
    assert [total.projected, total.secured, total.at_risk] == [_r(max(0.0, x)) for x in totals]


@pytest.mark.parametrize("seed,facts,at_risk", list(_cases())[:10], ids=[f"seed{s}" for s in SEEDS[:10]])
def test_reasons_do_not_depend_on_what_was_asked_first(seed, facts, at_risk):
    """Reasons are written on demand and kept per evaluation: asking for them in another order, or
    again, gives the same texts."""
    first, second = scoring.evaluate(RUBRIC, facts, at_risk), scoring.evaluate(RUBRIC, facts, at_risk)
    written = {sid: (s.reasons, s.secured_reasons) for sid, s in first.subitems.items()}
    backwards = {sid: (s.secured_reasons, s.reasons)[::-1] for sid, s in reversed(second.subitems.items())}
    assert written == backwards
    assert all(s.reasons is written[sid][0] for sid, s in first.subitems.items())  # kept, not rewritten
    secured_first = second.excellent.secured_reasons
    assert (first.excellent.reasons, first.excellent.secured_reasons) == (second.excellent.reasons, secured_first)
