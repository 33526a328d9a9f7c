"""`duban deadline`, `duban workdays`, `duban holidays`: the deadline reader and the working-day calendar.

The calendar's weekends-only fallback is always said on stderr (and as `warning` in JSON output).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.common import CliError, clock, print_json, settings
from deadlines import holiday_files, wording
from storage.paths import DATA_DIR

if TYPE_CHECKING:  # for annotations only: the command's modules load when it runs
    from deadlines.phrases import ParsedDeadline
    from deadlines.workdays import WorkdayCalendar

HOLIDAY_DIR = DATA_DIR / "holidays"


def register(sub) -> None:
    dl = sub.add_parser(
        "deadline",
        help="read a Chinese deadline phrase (9月底前, 下周五, 10个工作日内, 国庆节前, 每周四前, ...)",
        description="Read a deadline phrase as duban does and show the date and how it was read. A phrase "
        "with a usual reading and another one shows the usual date and then the other readings; a period "
        "ending on a public holiday is read by DUBAN_HOLIDAY_RULE.",
    )
    dl.add_argument("phrase", nargs="+", help="the phrase; several words are joined with spaces")
    dl.add_argument("--today", metavar="YYYY-MM-DD", help="the day the phrase is said (default: today)")
    dl.add_argument("--year", metavar="YYYY", help="the letter year, for the letter's own phrases")
    dl.add_argument("--json", action="store_true", help="machine-readable output")
    _holiday_dir_option(dl)
    dl.set_defaults(func=_quiet_calendar_log(_deadline))

    wd = sub.add_parser(
        "workdays",
        help="the date N working days after FROM (FROM itself not counted)",
        description="Count working days as the Civil Code counts periods (art. 201): the "
        "starting day is not counted. Negative N counts back.",
    )
    wd.add_argument("start", metavar="FROM", help="YYYY-MM-DD")
    wd.add_argument("count", metavar="N", help="number of working days")
    _holiday_dir_option(wd)
    wd.set_defaults(func=_quiet_calendar_log(_workdays))

    hol = sub.add_parser(
        "holidays",
        help="holiday schedules for years chinesecalendar does not cover",
        description="Holiday files: data/holidays/README.md.",
    )
    hsub = hol.add_subparsers(dest="holidays_command", metavar="ACTION", required=True)
    imp = hsub.add_parser("import", help="validate FILE and store it as <year>.yaml in the holidays folder")
    imp.add_argument("file", type=Path)
    imp.add_argument("--replace", action="store_true", help="replace an existing file for that year")
    _holiday_dir_option(imp)
    imp.set_defaults(func=_import)
    status = hsub.add_parser("status", help="where each year's holidays come from")
    status.add_argument("--today", metavar="YYYY-MM-DD", help="show the years around this day (default: today)")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    _holiday_dir_option(status)
    status.set_defaults(func=_quiet_calendar_log(_status))


def _holiday_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--holiday-dir",
        type=Path,
        default=HOLIDAY_DIR,
        metavar="DIR",
        help=f"holiday files folder (default: {HOLIDAY_DIR})",
    )


def _calendar(args) -> WorkdayCalendar:
    """The calendar over --holiday-dir, reading periods by the office's DUBAN_HOLIDAY_RULE."""
    from deadlines.workdays import WorkdayCalendar

    return WorkdayCalendar(args.holiday_dir, settings().holiday_rule)


def _quiet_calendar_log(command):
    """Run `command` without the calendar's fallback log line: the CLI prints the Chinese warning itself."""

    def run(args) -> int:
        logger = logging.getLogger("deadlines.workdays")
        level = logger.level
        logger.setLevel(logging.ERROR)
        try:
            return command(args)
        finally:
            logger.setLevel(level)

    return run


def _date(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CliError(wording.cli_bad_date(option, value)) from None


def _today(value: str | None) -> date:
    return _date("--today", value) if value else clock(settings()).today()


def _warn(text: str | None) -> None:
    if text:
        print(f"duban: {text}", file=sys.stderr)


# --- deadline ---------------------------------------------------------------------------------------


def _deadline(args) -> int:
    from deadlines.phrases import DeadlineParseError, parse_deadline

    today = _today(args.today)
    year = None
    if args.year is not None:
        if not args.year.strip().isdigit() or not 1900 <= int(args.year) <= 9998:
            raise CliError(wording.cli_bad_year(args.year))
        year = int(args.year)
    try:
        result = parse_deadline(" ".join(args.phrase), today, year=year, calendar=_calendar(args))
    except DeadlineParseError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json(result.to_dict())
    else:
        _print_reading(result)
    _warn(result.warning)
    return 0


def _print_reading(result: ParsedDeadline) -> None:
    if result.choices and result.date is not None:  # the usual reading first, then the others offered
        print(result.date.isoformat())
        print(result.reading)
    if result.choices:
        print(wording.cli_choice_header(len(result.choices)))
        for i, choice in enumerate(result.choices, 1):
            shown = choice.date.isoformat() if choice.date else wording.cli_no_date()
            print(f"  {i}. {shown}  {choice.reading}")
        return
    print(result.date.isoformat() if result.date else wording.cli_no_date())
    print(result.reading)


# --- workdays ---------------------------------------------------------------------------------------


def _workdays(args) -> int:
    start = _date("FROM", args.start)
    try:
        count = int(args.count)
    except ValueError:
        raise CliError(wording.cli_bad_count(args.count)) from None
    try:
        result = _calendar(args).add_workdays_checked(start, count)
    except (OverflowError, ValueError):
        raise CliError(wording.out_of_range(f"{args.start} {args.count}")) from None
    print(result.date.isoformat())
    _warn(result.warning)
    return 0


# --- holidays ---------------------------------------------------------------------------------------


def _import(args) -> int:
    from deadlines.workdays import OFFICIAL_FIRST, OFFICIAL_LAST

    if not args.file.is_file():
        raise CliError(wording.cli_file_missing(str(args.file)))
    try:
        schedule = holiday_files.read_file(args.file)  # UTF-8, size and shape checked by the one YAML reader
    except holiday_files.HolidayFileError as exc:
        raise CliError(f"{args.file}: {exc}") from None
    text = args.file.read_text(encoding="utf-8")
    if OFFICIAL_FIRST <= schedule.year <= OFFICIAL_LAST:
        raise CliError(wording.cli_year_official(schedule.year, OFFICIAL_FIRST, OFFICIAL_LAST))
    target = holiday_files.year_file(args.holiday_dir, schedule.year)
    if target.exists() and not args.replace:
        raise CliError(wording.cli_file_exists(str(target)))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".yaml.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)  # never leave a half-written year file for the calendar to read
    print(wording.cli_imported(schedule.year, str(target), len(schedule.holidays), len(schedule.workdays)))
    return 0


def _status(args) -> int:
    from importlib import metadata  # imported when used (bot/cli/__init__.py says why)

    from deadlines.workdays import OFFICIAL_FIRST, OFFICIAL_LAST

    today = _today(args.today)
    cal = _calendar(args)
    file_years = set()
    if args.holiday_dir.is_dir():
        file_years = {int(p.stem) for p in args.holiday_dir.glob("*.yaml") if p.stem.isdigit()}
    years = sorted(file_years | set(range(today.year - 1, today.year + 2)))
    rows: list[dict[str, Any]] = []
    for year in years:
        info = cal.describe_year(year)
        path = holiday_files.year_file(args.holiday_dir, year)
        ignored = info.coverage == "official" and path.exists()
        rows.append(
            {
                "year": year,
                "coverage": info.coverage,
                "source": info.source,
                "file": str(info.path or (path if path.exists() else "")) or None,
                "problem": info.problem or (wording.cli_status_file_ignored(path.name) if ignored else None),
            }
        )
    version = metadata.version("chinesecalendar")
    if args.json:
        print_json(
            {
                "official": {
                    "package": "chinesecalendar",
                    "version": version,
                    "first": OFFICIAL_FIRST,
                    "last": OFFICIAL_LAST,
                },
                "years": rows,
            }
        )
    else:
        print(wording.cli_status_official_range(OFFICIAL_FIRST, OFFICIAL_LAST, version))
        print(wording.cli_status_header())
        for row in rows:
            detail = row["problem"] or (row["source"] if row["coverage"] != "weekends-only" else None)
            print(wording.cli_status_line(row["year"], row["coverage"], detail))
    _warn(cal.warning_for_years([today.year, today.year + 1]))  # the years reminders are planned in
    return 0
