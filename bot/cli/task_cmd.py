"""`duban task add|move|recur|assign|close|reopen|history`: the office's task edits for bulk work.

The same service as the chat's /addtask, /deadline, ... (services/task_edits.py): each command checks the
edit, prints it before and after, writes it with its audit row (actor "cli"), re-plans the task's
reminders, and tells the departments concerned through the bot when a channel is configured (the same
message as in the chat; `--no-notify` for silent bulk corrections). A new due date already past is
refused unless `--past-ok`; `--dry-run` shows the change and writes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.cli.common import CliError, open_database, print_json, settings
from bot.clock import make_clock

if TYPE_CHECKING:  # for annotations only: the command's modules load when it runs
    from services.replan import Made
    from services.task_edits import Preview


def register(sub) -> None:
    task = sub.add_parser(
        "task",
        help="add a task, move a deadline, reassign, close: the office's edits",
        description="Change tasks as the office does in the chat (/addtask, /deadline, ...).",
    )
    tsub = task.add_subparsers(dest="task_command", metavar="ACTION", required=True)

    add = tsub.add_parser("add", help="a new task in the office item (34.1, 34.2, ...)")
    add.add_argument(
        "--dept",
        action="append",
        required=True,
        metavar="NAME",
        help="a responsible department (name or alias); repeat for several",
    )
    add.add_argument("--text", required=True, help="the work line")
    add.add_argument("--deadline", required=True, metavar="PHRASE", help="as people say it: 10月底前, 每季度末月25日前")
    add.add_argument("--target", metavar="TEXT", help="a quantitative target: '新建污水管网 12公里' or '12公里'")
    add.add_argument("--rubric", metavar="ID", help="the rubric sub-item it feeds, e.g. 7.1")
    _common(add)
    add.set_defaults(func=_add)

    for name, helptext in (
        ("move", "move a deadline: duban task move 14.2 10月15日"),
        ("recur", "make a deadline recurring: duban task recur 22.3 每季度末月25日前"),
    ):
        p = tsub.add_parser(name, help=helptext)
        p.add_argument("code")
        p.add_argument("phrase", nargs="+")
        p.add_argument(
            "--which", type=int, metavar="N", help="which deadline (1, 2, ... as listed) when the task has several"
        )
        _common(p)
        p.set_defaults(func=_move, op=name)

    assign = tsub.add_parser(
        "assign", help="replace the responsible departments: duban task assign 14.2 住建局 综合执法局"
    )
    assign.add_argument("code")
    assign.add_argument("departments", nargs="+")
    _common(assign)
    assign.set_defaults(func=_simple, op="assign")

    for name in ("close", "reopen"):
        p = tsub.add_parser(name, help=f"{name} a task (a closed task is not reminded)")
        p.add_argument("code")
        _common(p)
        p.set_defaults(func=_simple, op=name)

    hist = tsub.add_parser("history", help="who changed a task, what and when (newest first)")
    hist.add_argument("code")
    hist.add_argument("--json", action="store_true", help="machine-readable output")
    hist.set_defaults(func=_history)


def _common(parser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="show the change, write nothing")
    parser.add_argument("--past-ok", action="store_true", help="accept a new due date that has already passed")
    parser.add_argument("--no-notify", action="store_true", help="do not tell the departments through the bot")


def clock(cfg):
    """The system clock, or DUBAN_CLOCK_FILE's time (a testing aid, as for `duban run`)."""
    return make_clock(cfg.timezone, cfg.clock_file)


def _refused(exc: Exception) -> CliError:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.task_edits import EditRefused

    if isinstance(exc, EditRefused):
        details = ", ".join(f"{k}={v}" for k, v in exc.details.items())
        return CliError(f"refused: {exc.reason}" + (f" ({details})" if details else ""))
    return CliError(str(exc))


def _spec(phrase: str, session, cfg, op: str) -> dict:
    # imported when the command runs (bot/cli/__init__.py says why)
    from deadlines.phrases import DeadlineParseError, parse_deadline
    from services.task_edits import office_spec
    from services.tasks import current_letter

    letter = current_letter(session)
    try:
        parsed = parse_deadline(phrase, clock(cfg).today(), year=letter.year, calendar=cfg.calendar())
    except DeadlineParseError as exc:
        raise CliError(str(exc)) from None
    if parsed.choices and parsed.spec is None:
        options = "; ".join(f"{c.date or '-'} {c.reading}" for c in parsed.choices)
        raise CliError(f"'{phrase}' can be read several ways ({options}); say it more precisely")
    if parsed.choices:  # a usual reading, with others it could mean: the usual one, said aloud
        others = "; ".join(f"{c.date or '-'} {c.reading}" for c in parsed.choices[1:])
        print(f"duban: '{phrase}' read as {parsed.date}; it can also mean: {others}", file=sys.stderr)
    if op == "recur" and parsed.kind != "recurring":
        raise CliError(f"'{phrase}' is not a recurrence (e.g. 每季度末月25日前); use `duban task move` for one date")
    return office_spec(parsed, phrase)


def _target(text: str | None) -> dict | None:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.task_edits import read_target

    if not text:
        return None
    target = read_target(text)
    if target is None:
        raise CliError(f"--target: '{text}' is not a quantity with a unit, e.g. '新建污水管网 12公里'")
    return target


def _add(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.task_edits import Edit

    return _run(
        args,
        lambda session, cfg: Edit(
            "add",
            departments=list(args.dept),
            text=args.text,
            spec=_spec(args.deadline, session, cfg, "add"),
            target=_target(args.target),
            rubric=args.rubric,
        ),
    )


def _move(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.task_edits import Edit, movable

    def build(session, cfg):
        deadline_id = None
        if args.which is not None:
            shapes = movable(session, args.code)
            if not 1 <= args.which <= len(shapes):
                raise CliError(f"--which: {args.code} has {len(shapes)} deadline(s) that can change")
            deadline_id = shapes[args.which - 1].id
        return Edit(
            args.op, code=args.code, deadline_id=deadline_id, spec=_spec(" ".join(args.phrase), session, cfg, args.op)
        )

    return _run(args, build)


def _simple(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.task_edits import Edit

    return _run(
        args, lambda session, cfg: Edit(args.op, code=args.code, departments=list(getattr(args, "departments", [])))
    )


def _run(args, build) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.replan import make_edit
    from services.task_edits import EditRefused, movable, preview
    from services.tasks import NoLetter, UnknownDepartment

    cfg = settings()
    db = open_database(cfg)
    try:
        with db.session() as session:
            edit = build(session, cfg)
            try:
                p = preview(session, edit, clock(cfg).today())
            except EditRefused as exc:
                if exc.reason == "which_deadline":
                    listed = "; ".join(f"{i}. {_shape(s)}" for i, s in enumerate(movable(session, args.code), 1))
                    raise CliError(f"{args.code} has several deadlines, choose one with --which N: {listed}") from None
                raise
            _print_preview(p)
            if p.past and not args.past_ok:
                raise CliError(
                    f"{', '.join(d.isoformat() for d in p.past)} already passed; add --past-ok to save anyway"
                )
            if args.dry_run:
                print("dry run: nothing written")
                return 0
            made = make_edit(session, clock(cfg), cfg.calendar(), cfg.reminder_policy(), cfg.admins, "cli", edit)
            chats = _chats(session, [dep_id for dep_id, _ in made.departments])
    except (EditRefused, UnknownDepartment, NoLetter) as exc:
        raise _refused(exc) from None
    finally:
        db.dispose()
    replanned = made.replanned
    print(f"saved {made.code} ({edit.op}); reminders: {replanned.superseded} withdrawn, {replanned.planned} planned")
    if not args.no_notify:
        _notify(cfg, chats, made)
    return 0


def _shape(s) -> str:
    dates = ", ".join(d.isoformat() for d in s.dates) or f"after {s.event or 'an event'}"
    return f"{dates} ({s.phrase})" if s.phrase else dates


# How `_print_preview` shows each value of a preview.
SHOW: dict[str, Callable[[Any], str]] = {
    "departments": lambda v: "、".join(v),
    "deadline": _shape,
    "closed": str,
    "target": lambda v: f"{v['name']} {v['value']:g}{v['unit']}" if v else "-",
    "rubric": lambda v: f"{v[0]} {v[1]}" if v else "-",
}


def _print_preview(p: Preview) -> None:
    print(f"{p.code}  {p.text}")
    for key, show in SHOW.items():
        if key not in p.after:
            continue
        before = f"{show(p.before[key])} -> " if key in p.before and p.before[key] != p.after[key] else ""
        print(f"  {key}: {before}{show(p.after[key])}")


def _chats(session, department_ids) -> list[int]:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.reminder_ledger import recipients_by_department

    by_dep = recipients_by_department(session)
    return list(dict.fromkeys(r.chat_id for d in department_ids for r, c in by_dep.get(d, []) if c.reachable))


def _notify(cfg, chats: list[int], made: Made) -> None:
    import asyncio  # imported when used (bot/cli/__init__.py says why)

    # imported when the command runs (bot/cli/__init__.py says why)
    from handlers.task_admin_texts import notice

    if not chats:
        print("departments: no bound contact to tell")
        return
    if not cfg.token and not cfg.dingtalk_configured:
        print("departments not told: no channel set up (they see the change in /task and in reminders)")
        return
    # imported when the command runs (bot/cli/__init__.py says why)
    from bot.senders import standalone  # late: only when there is someone to tell
    from handlers.replies import Message

    message = Message(notice(made.preview, made.office))

    async def send() -> int:
        sent = 0
        async with standalone(cfg) as sender:
            for chat in chats:
                outcome = await sender.send(chat, message)
                if outcome.sent:
                    sent += 1
                else:
                    print(f"duban: chat {chat} not told: {outcome.error or outcome.status}", file=sys.stderr)
        return sent

    print(f"departments told: {asyncio.run(send())} of {len(chats)} chat(s)")


def _history(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from handlers.markup import to_plain
    from handlers.task_admin_texts import describe
    from services.task_edits import EditRefused
    from services.task_history import history
    from services.tasks import NoLetter

    db = open_database()
    try:
        entries = history(db, args.code)
    except (EditRefused, NoLetter) as exc:
        raise _refused(exc) from None
    finally:
        db.dispose()
    if args.json:
        print_json(
            [
                {
                    "at": e.at.isoformat(),
                    "actor": e.actor,
                    "actor_name": e.actor_name,
                    "action": e.action,
                    "before": e.before,
                    "after": e.after,
                }
                for e in entries
            ]
        )
        return 0
    tz = clock(settings()).tz
    for e in entries:
        who = e.actor_name or e.actor
        print(f"{e.at.astimezone(tz):%Y-%m-%d %H:%M}  {who}  {e.action}  {to_plain(describe(e))}")
    print(f"{len(entries)} change(s), newest first")
    return 0
