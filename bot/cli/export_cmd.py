"""`duban export FILE.xlsx`: the office workbook (tasks, score sheet, audit log, charts) of the current letter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.cli.common import CliError, clock, open_database, settings


def register(sub) -> None:
    export = sub.add_parser(
        "export",
        help="write the office workbook (.xlsx): tasks, score sheet, audit log, charts",
        description=(
            "One workbook: every task (colour, latest report, evidence), the score sheet laid out like the "
            "letter's appendix, the audit log for a date range (default: the letter year), the charts, the "
            "departments and the letter. `duban letter import` reads its task sheet back."
        ),
    )
    export.add_argument("file", type=Path, help="where to write, e.g. duban-2022.xlsx")
    export.add_argument(
        "--from",
        dest="start",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="first day of the audit log (default: 1 January of the letter year)",
    )
    export.add_argument(
        "--to",
        dest="end",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="last day of the audit log (default: 31 December of the letter year)",
    )
    export.add_argument("--no-charts", action="store_true", help="leave the chart sheet out")
    export.set_defaults(func=_export)


def _export(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from deadlines.policy import ReminderPolicy
    from reports import workbook
    from services.snapshot import take
    from services.tasks import NoLetter

    if args.start and args.end and args.end < args.start:
        raise CliError(f"--to {args.end} is before --from {args.start}")
    if args.file.suffix.lower() != ".xlsx":
        raise CliError(f"{args.file}: the file name should end in .xlsx")
    cfg = settings()
    db = open_database(cfg)
    today = clock(cfg).today()
    policy = cfg.reminder_policy() or ReminderPolicy()
    try:
        snapshot = take(db, today, cfg.calendar(), policy, cfg.timezone, args.start, args.end)
    except NoLetter as exc:
        raise CliError(f"{exc}; load one with: duban letter load data/shengzhou-2022.yaml --year 2022") from None
    data = workbook.build_workbook(snapshot, charts=not args.no_charts)
    args.file.parent.mkdir(parents=True, exist_ok=True)
    args.file.write_bytes(data)
    red = sum(1 for r in snapshot.tasks if r.status is not None and r.status.colour == "red")
    print(
        f"{args.file}: {len(data)} bytes; {snapshot.letter.code}: {len(snapshot.tasks)} tasks ({red} red), "
        f"score {snapshot.standing.result.total.projected:g} projected / {snapshot.standing.result.total.secured:g} "
        f"secured, audit log {snapshot.audit_from} .. {snapshot.audit_to}: {len(snapshot.audit)} entries, "
        f"{'no chart sheet' if args.no_charts else 'chart sheet with 3 native charts'}"
    )
    return 0
