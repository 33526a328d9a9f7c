"""`duban letter import | template | copy`: the letter to and from the office's spreadsheet, and carried
into a new year. Added to the `letter` command by bot/cli/letter_cmd.py (no register() of its own)."""

from __future__ import annotations

from pathlib import Path

from bot.cli.common import CliError, clock, open_database, print_load_summary, settings


def add_subcommands(lsub) -> None:
    imp = lsub.add_parser(
        "import",
        help="load a letter from the office's task spreadsheet (.xlsx)",
        description=(
            "Read the task sheet (columns as in `duban export`'s 任务清单; `duban letter template` makes an "
            "empty one) and load it like a letter file: every problem is listed with its sheet, row and "
            "column, and nothing is written while any remains."
        ),
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--year", type=int, required=True, help="the letter year")
    imp.add_argument("--code", help="the letter code when the workbook has no 责任书 sheet, e.g. shengzhou-2023")
    imp.add_argument("--title", help="the letter title when the workbook has no 责任书 sheet")
    imp.set_defaults(func=_import)

    tpl = lsub.add_parser(
        "template",
        help="write an empty task spreadsheet to fill in and import",
        description="The task sheet's columns, how to fill each, the known departments.",
    )
    tpl.add_argument("file", type=Path)
    tpl.set_defaults(func=_template)

    cp = lsub.add_parser(
        "copy",
        help="carry a letter into a new year as a letter file to edit",
        description=(
            "Write the --to year's letter file from the --from year's letter in the database: dates move "
            "with the year, relative deadlines stay relative, reports stay with the old letter. "
            "The file is written (--out, default <code>.yaml); --load also loads it."
        ),
    )
    cp.add_argument("--from", dest="old", type=int, required=True, metavar="YEAR")
    cp.add_argument("--to", dest="new", type=int, required=True, metavar="YEAR")
    cp.add_argument("--out", type=Path, help="the letter file to write (default: <new code>.yaml)")
    cp.add_argument("--load", action="store_true", help="load the new letter into the database as well")
    cp.set_defaults(func=_copy)


def _known_departments(session):
    from sqlalchemy import select

    from services.letter_file import Department, read_letter
    from storage.models import Department as Row
    from storage.paths import BUNDLED_LETTER

    rows = list(session.scalars(select(Row).order_by(Row.id)))
    if not rows:
        data = read_letter(BUNDLED_LETTER)
        return data.departments, data.recognizing_departments

    def pick(level: str) -> tuple:
        return tuple(Department(r.name, tuple(r.aliases or ())) for r in rows if r.level == level)

    return pick("county"), pick("city")


def _import(args) -> int:
    from reports.importer import WorkbookError, read_workbook
    from services.letters import load_letter

    cfg = settings()
    db = open_database(cfg)
    with db.session() as session:
        known = _known_departments(session)
    try:
        data = read_workbook(args.file, args.year, known, code=args.code, title=args.title)
    except WorkbookError as exc:
        raise CliError(str(exc)) from None
    with db.session() as session:
        summary = load_letter(session, data, clock(cfg), actor="cli")
    print_load_summary(summary, f"imported from {args.file}")
    return 0


def _template(args) -> int:
    from reports.workbook import template_workbook

    db = open_database(settings())
    with db.session() as session:
        county, city = _known_departments(session)
    departments = [(d.name, "county", d.aliases) for d in county] + [(d.name, "city", d.aliases) for d in city]
    data = template_workbook(departments)
    args.file.write_bytes(data)
    print(
        f"{args.file}: the task sheet template ({len(county)} responsible and {len(city)} recognizing "
        f"departments listed); fill it in, then: duban letter import {args.file} --year YEAR"
    )
    return 0


def _copy(args) -> int:
    from reports.letter_copy import CopyError, check_years, copy_letter
    from services.letter_copy import letter_source
    from services.letter_file import read_letter
    from services.letters import load_letter
    from services.tasks import NoLetter

    cfg = settings()
    db = open_database(cfg)
    with db.session() as session:
        try:
            check_years(args.old, args.new)
            result = copy_letter(letter_source(session, args.old), args.new, args.out)
        except (CopyError, NoLetter) as exc:
            raise CliError(str(exc)) from None
    print(
        f"{result.path}: the {args.new} letter {result.code}, {result.lines} work lines, {result.deadlines} "
        f"deadlines; reports, facts and follow-ups stay with the {args.old} letter"
    )
    for moved in result.moved_dates:
        print(f"  date moved: {moved}")
    if result.texts_naming_old_year:
        print(
            f"  review: {len(result.texts_naming_old_year)} work line(s) mention {args.old}年: "
            f"{', '.join(result.texts_naming_old_year)}"
        )
    if args.load:
        with db.session() as session:
            summary = load_letter(session, read_letter(result.path), clock(cfg), actor="cli")
        counts = ", ".join(f"{n} {what}" for what, n in sorted(summary.counts.items()))
        print(f"{result.code} ({args.new}) loaded: {counts}")
    else:
        print(f"  edit it, then: duban letter load {result.path} --year {args.new}")
    return 0
