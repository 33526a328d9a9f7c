"""`duban letter load`, `duban tasks`, `duban departments`: the letter as data."""

from __future__ import annotations

from pathlib import Path

from bot.cli.common import CliError, clock, open_database, print_json, print_load_summary, settings


def register(sub) -> None:
    letter = sub.add_parser(
        "letter",
        help="load or update a responsibility letter",
        description="Letters are YAML files (format: data/README.md).",
    )
    lsub = letter.add_subparsers(dest="letter_command", metavar="ACTION", required=True)
    load = lsub.add_parser(
        "load",
        help="load FILE, or update the letter it describes",
        description="Load a letter file. Loading the same file twice changes nothing; an "
        "edited file updates tasks and deadlines and never deletes reports or history.",
    )
    load.add_argument("file", type=Path)
    load.add_argument("--year", type=int, help="the letter year; must match the file's letter.year")
    load.set_defaults(func=_load)
    # imported when the command runs (bot/cli/__init__.py says why)
    from bot.cli.letter_io_cmd import add_subcommands  # import, template, copy (reports/)

    add_subcommands(lsub)

    tasks = sub.add_parser("tasks", help="list the tasks (work lines) of the current letter")
    tasks.add_argument("--dept", metavar="NAME", help="only this department's tasks (name or alias)")
    tasks.add_argument("--year", type=int, help="letter year (default: the latest loaded)")
    tasks.add_argument("--json", action="store_true", help="machine-readable output")
    tasks.set_defaults(func=_tasks)

    deps = sub.add_parser("departments", help="list departments (responsible and recognizing)")
    deps.add_argument("--json", action="store_true", help="machine-readable output")
    deps.set_defaults(func=_departments)


def _load(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.letter_file import LetterFileError, read_letter
    from services.letters import load_letter

    try:
        data = read_letter(args.file)
    except LetterFileError as exc:
        raise CliError(str(exc)) from None
    if args.year is not None and args.year != data.year:
        raise CliError(f"{args.file}: the file is the {data.year} letter (letter.year), not {args.year}")
    cfg = settings()
    db = open_database(cfg)
    with db.session() as session:
        summary = load_letter(session, data, clock(cfg), actor="cli")
    print_load_summary(summary, "loaded")
    return 0


def _tasks(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.tasks import NoLetter, UnknownDepartment, current_letter, find_department, list_tasks

    db = open_database()
    with db.session() as session:
        try:
            letter = current_letter(session, args.year)
            dept = find_department(session, args.dept) if args.dept else None
        except NoLetter as exc:
            raise CliError(f"{exc}; load one with: duban letter load data/shengzhou-2022.yaml --year 2022") from None
        except UnknownDepartment as exc:
            raise CliError(str(exc)) from None
        views = list_tasks(session, letter, dept)
    if args.json:
        print_json([v.to_json() for v in views])
        return 0
    for v in views:
        dates = ", ".join(d.isoformat() for d in v.due_dates) or "-"
        print(f"{v.id:>6}  {'、'.join(v.departments)}  [{dates}]\n        {v.text}")
    print(f"{len(views)} tasks")
    return 0


def _departments(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.letters import CITY, COUNTY
    from services.tasks import departments

    db = open_database()
    with db.session() as session:
        rows = [{"name": d.name, "level": d.level, "aliases": d.aliases or []} for d in departments(session)]
    if args.json:
        print_json(rows)
        return 0
    for level, title in ((COUNTY, "责任部门 (responsible)"), (CITY, "认定部门 (recognizing)")):
        print(title)
        for r in (r for r in rows if r["level"] == level):
            alias = f"  ({'、'.join(r['aliases'])})" if r["aliases"] else ""
            print(f"  {r['name']}{alias}")
    return 0
