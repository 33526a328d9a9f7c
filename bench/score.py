"""How long one full evaluation of the rubric takes, with a fact for every sub-item.

Run from the repository root:  python bench/score.py [--runs N] [--seed S]
Prints the time per evaluation (the scores in all three views), and separately the time to also write
every explanation, which the engine does only when a caller asks for reasons. Each figure is taken over
several rounds: the best and the median round, in CPU time (what the evaluation costs, steady on a
shared machine) and in wall time. Goal (issue 14): a full evaluation under 0.5 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scoring
from scoring.generate import random_facts


def _rounds(work: Callable[[], object], runs: int, rounds: int) -> str:
    """Milliseconds per call: best and median round, CPU and wall time."""
    per_round = max(1, runs // rounds)
    cpu, wall = [], []
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(per_round):
            work()
        cpu.append((time.process_time() - c0) / per_round * 1000)
        wall.append((time.perf_counter() - w0) / per_round * 1000)
    return (
        f"CPU {min(cpu):.3f} ms best, {statistics.median(cpu):.3f} ms median; "
        f"wall {min(wall):.3f} ms best, {statistics.median(wall):.3f} ms median"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--rounds", type=int, default=7, help="the runs are split into this many rounds")
    args = parser.parse_args(argv)

    rubric = scoring.load_rubric()
    facts = random_facts(rubric, random.Random(args.seed), share=1.0)
    scored = [s for s in rubric.subitems if not s.exempt]
    missing = [s.id for s in scored if s.id not in facts]
    if missing:
        print(f"facts missing for {missing}", file=sys.stderr)
        return 1
    at_risk = frozenset(s.id for s in scored[::7])

    def evaluate() -> scoring.ScoreResult:
        return scoring.evaluate(rubric, facts, at_risk)

    def explained() -> int:
        result = scoring.evaluate(rubric, facts, at_risk)
        return sum(len(s.reasons) + len(s.secured_reasons) for s in result.subitems.values())

    result = evaluate()  # warm up (the rubric's lookups are built on first use)
    lines = explained()
    per_eval = _rounds(evaluate, args.runs, args.rounds)
    runs = max(1, args.runs // 10)
    per_explained = _rounds(explained, runs, args.rounds)

    print(
        f"rubric: {len(rubric.scored_indicators)} indicators, {len(rubric.subitems)} sub-items; "
        f"facts for {len(facts)} ids ({sum(len(v) for v in facts.values.values())} values)"
    )
    print(f"total: projected {result.total.projected}, secured {result.total.secured}, at risk {result.total.at_risk}")
    print(f"evaluate: {per_eval} per full evaluation ({args.runs} runs)")
    print(f"evaluate + every explanation ({lines} lines): {per_explained} ({runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
