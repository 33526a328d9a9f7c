"""How long one full evaluation of the rubric takes, with a fact for every sub-item.

Run from the repository root:  python bench/score.py [--runs N] [--seed S]
Prints the time per evaluation (the scores in all three views), and separately the time to also write
every explanation, which the engine does only when a caller asks for reasons.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scoring
from scoring.generate import random_facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args(argv)

    rubric = scoring.load_rubric()
    facts = random_facts(rubric, random.Random(args.seed), share=1.0)
    scored = [s for s in rubric.subitems if not s.exempt]
    missing = [s.id for s in scored if s.id not in facts]
    if missing:
        print(f"facts missing for {missing}", file=sys.stderr)
        return 1
    at_risk = frozenset(s.id for s in scored[::7])

    scoring.evaluate(rubric, facts, at_risk)  # warm up
    start = time.perf_counter()
    for _ in range(args.runs):
        result = scoring.evaluate(rubric, facts, at_risk)
    per_eval = (time.perf_counter() - start) / args.runs

    runs = max(1, args.runs // 10)
    start = time.perf_counter()
    for _ in range(runs):
        explained = scoring.evaluate(rubric, facts, at_risk)
        lines = sum(len(s.reasons) + len(s.secured_reasons) for s in explained.subitems.values())
    per_explained = (time.perf_counter() - start) / runs

    print(
        f"rubric: {len(rubric.scored_indicators)} indicators, {len(rubric.subitems)} sub-items; "
        f"facts for {len(facts)} ids ({sum(len(v) for v in facts.values.values())} values)"
    )
    print(f"total: projected {result.total.projected}, secured {result.total.secured}, at risk {result.total.at_risk}")
    print(f"evaluate: {per_eval * 1000:.3f} ms per full evaluation ({args.runs} runs)")
    print(f"evaluate + every explanation ({lines} lines): {per_explained * 1000:.3f} ms ({runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
