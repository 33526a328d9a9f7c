"""The scoring engine: the appendix's 1000-point rubric as data, and where the county stands.

    rubric = scoring.load_rubric()                 # the bundled Shengzhou 2022 appendix
    facts = scoring.load_facts("facts.yaml")       # or scoring.Facts.from_mapping({...})
    result = scoring.evaluate(rubric, facts, at_risk={"3.1"})
    result.total.projected, result.total.secured, result.excellent.projected
    scoring.what_if(rubric, facts, {"3.1.1": {"actual": 958}}).total().diff

Pure Python: no Telegram, no database, no clock. Facts format: docs/facts-format.md.
"""

from scoring.engine import evaluate, what_if
from scoring.facts import Facts, FactsError, Problem, load_facts, merge
from scoring.loader import RubricError, load_rubric
from scoring.model import Indicator, Item, Rubric, Section, SubItem, UnknownIdError
from scoring.results import (
    Change,
    Delta,
    ExcellenceResult,
    IndicatorResult,
    ScoreResult,
    SectionResult,
    SubItemResult,
    Totals,
    WhatIf,
)

__all__ = [
    "Change",
    "Delta",
    "ExcellenceResult",
    "Facts",
    "FactsError",
    "Indicator",
    "IndicatorResult",
    "Item",
    "Problem",
    "Rubric",
    "RubricError",
    "ScoreResult",
    "Section",
    "SectionResult",
    "SubItem",
    "SubItemResult",
    "Totals",
    "UnknownIdError",
    "WhatIf",
    "evaluate",
    "load_facts",
    "load_rubric",
    "merge",
    "what_if",
]
