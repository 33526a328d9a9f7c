"""The scoring engine: the appendix's 1000-point rubric as data, and where the county stands.

    rubric = scoring.load_rubric()                 # the bundled Shengzhou 2022 appendix
    facts = scoring.load_facts("facts.yaml")       # or scoring.Facts.from_mapping({...})
    result = scoring.evaluate(rubric, facts, at_risk={"3.1"})
    result.total.projected, result.total.secured, result.excellent.projected
    scoring.what_if(rubric, facts, {"3.1.1": {"actual": 958}}).total().diff

Pure Python: no Telegram, no database, no clock. Facts format: docs/facts-format.md.
"""

import importlib
import importlib.util
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

# Each name's module, loaded on first use (PEP 562): `import scoring` is free, so the bot and the CLI import
# it at the top and pay for the engine and the rubric's YAML reader only when something is scored.
_MODULES = {
    **dict.fromkeys(("evaluate", "what_if"), "scoring.engine"),
    **dict.fromkeys(("Facts", "FactsError", "Problem", "load_facts", "merge"), "scoring.facts"),
    **dict.fromkeys(("RubricError", "load_rubric"), "scoring.loader"),
    **dict.fromkeys(("Indicator", "Item", "Rubric", "Section", "SubItem", "UnknownIdError"), "scoring.model"),
    **dict.fromkeys(
        (
            "Change",
            "Delta",
            "ExcellenceResult",
            "IndicatorResult",
            "ScoreResult",
            "SectionResult",
            "SubItemResult",
            "Totals",
            "WhatIf",
        ),
        "scoring.results",
    ),
}

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


if not TYPE_CHECKING:  # mypy reads the imports above; a misspelt name stays an error for it

    def __getattr__(name: str) -> object:
        module = _MODULES.get(name)
        if module is None:
            # `scoring.explain` after a bare `import scoring`: the submodule, as when the package loaded it
            if not name.startswith("_") and importlib.util.find_spec(f"scoring.{name}") is not None:
                return importlib.import_module(f"scoring.{name}")
            raise AttributeError(f"module 'scoring' has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
