"""`duban rubric` and `duban score`: the appendix's 1000-point rubric, and where the county stands.

Facts come from a file (`--facts FILE`) or, without one, from the database: verified reports and what the
office entered (services/scoring_facts.py), with today's overdue tasks as the at-risk set.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from bot.cli.common import CliError

if TYPE_CHECKING:  # for annotations only: the command's modules load when it runs
    import scoring


def facts_source(args: argparse.Namespace, rubric: scoring.Rubric) -> tuple[scoring.Facts, list[str] | None]:
    """The facts of `--facts FILE`; else the database's facts and at-risk sub-items (none without a letter)."""
    import scoring

    if args.facts:
        return scoring.load_facts(args.facts, rubric), None
    from bot.cli.common import clock, open_database, settings
    from services.scoring_facts import at_risk_ids, database_facts
    from services.tasks import NoLetter

    cfg = settings()
    db = open_database(cfg, quiet=True)
    try:
        with db.session() as session:
            facts = database_facts(session, rubric)
            risk = at_risk_ids(session, rubric, clock(cfg).today(), cfg.calendar(), cfg.reminder_policy())
            return facts, sorted(risk)
    except NoLetter:
        return scoring.Facts(), None
    finally:
        db.dispose()


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _rubric(args: argparse.Namespace) -> scoring.Rubric:
    import scoring

    try:
        return scoring.load_rubric(args.rubric)
    except scoring.RubricError as exc:
        raise CliError(str(exc)[:2000]) from None


def cmd_rubric(args: argparse.Namespace) -> int:
    from scoring import report  # imported when the command runs (bot/cli/__init__.py says why)

    rubric = _rubric(args)
    if args.json:
        _print_json(report.rubric_list(rubric))
    else:
        print(report.rubric_text(rubric))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    import scoring  # imported when the command runs (bot/cli/__init__.py says why)
    from scoring import report

    rubric = _rubric(args)
    at_risk = [x.strip() for x in (args.at_risk or "").split(",") if x.strip()]
    try:
        facts, found_risk = facts_source(args, rubric)
        if args.at_risk is None and found_risk:
            at_risk = found_risk
        if args.what_if:
            change = scoring.what_if(rubric, facts, scoring.load_facts(args.what_if, rubric), at_risk)
            result = change.after
        else:
            change, result = None, scoring.evaluate(rubric, facts, at_risk)
    except scoring.FactsError as exc:
        raise CliError(str(exc)) from None
    except scoring.UnknownIdError as exc:
        raise CliError(f"--at-risk: {exc}") from None
    if args.json:
        data = report.score_dict(result, args.view)
        if change is not None:
            data["what_if"] = report.what_if_dict(change, args.view)
        _print_json(data)
    else:
        if change is not None:
            print(report.what_if_text(change, args.view))
            print()
        print(report.score_text(result, args.view))
    return 0


def _rubric_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rubric", metavar="FILE", help="rubric data file (default: the bundled 2022 appendix)")


def register(subparsers) -> None:
    p = subparsers.add_parser("rubric", help="list the appendix's indicators, sub-items and rule kinds")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _rubric_option(p)
    p.set_defaults(func=cmd_rubric)

    p = subparsers.add_parser("score", help="score the rubric from facts: projected, secured, at risk")
    p.add_argument(
        "--facts",
        metavar="FILE",
        help="facts file (YAML or JSON, see docs/facts-format.md); default: the database's facts "
        "(verified reports and office entries) with today's overdue tasks at risk",
    )
    p.add_argument(
        "--what-if", metavar="FILE", dest="what_if", help="hypothetical facts laid over --facts; shows what changes"
    )
    p.add_argument(
        "--view",
        choices=("projected", "secured"),
        default="projected",
        help="projected: full marks less known deductions; secured: only what facts prove",
    )
    p.add_argument(
        "--at-risk",
        metavar="IDS",
        dest="at_risk",
        help="comma-separated ids whose tasks are overdue or unreported (e.g. 3.1,14.5); "
        "default: from the database when facts come from it",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a summary")
    _rubric_option(p)
    p.set_defaults(func=cmd_score)
