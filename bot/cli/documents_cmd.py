"""`duban circular` and `duban notice`: the office's official documents in Word, as /circular and /notice
make them in the chat (the same services, the same templates, DUBAN_TEMPLATE_DIR included).

`duban notice` issues the notice for real: it takes the year's next number, records it (actor "cli") with
its audit row, and, when a bot token is set, sends the file to the departments' contacts with the 收到
button, as the chat's 确认 does (`--no-notify` not to; `--dry-run` writes a preview and records nothing).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import CliError, clock, open_database, settings

if TYPE_CHECKING:  # for annotations only: the command's modules load when it runs
    from services.circular import Circular
    from services.notices import Issued, NoticeDoc

NO_LETTER = "; load one with: duban letter load data/shengzhou-2022.yaml --year 2022"


def register(sub) -> None:
    circular = sub.add_parser(
        "circular",
        help="write the monthly circular (通报, .docx): progress, department ranking, overdue tasks, score",
        description=(
            "The month's deadlines (on time, late, awaiting review, overdue), the responsible departments ranked by "
            "on-time completion, every overdue task, the score's standing and next month's deadlines, as of today "
            "(the same figures as /score, /overdue and the workbook), in the layout of GB/T 9704."
        ),
    )
    circular.add_argument("--month", metavar="YYYY-MM", help="the month (default: the month before today)")
    circular.add_argument("--out", type=Path, metavar="FILE.docx", help="where to write (default: in this folder)")
    circular.set_defaults(func=_circular)

    notice = sub.add_parser(
        "notice",
        help="issue a supervision notice (督办单, .docx) on a task and send it to its departments",
        description=(
            "A one-page notice to the task's responsible departments: the task, its deadline and how overdue it "
            "is, what is required and by when, numbered 督办〔year〕第N号. It is recorded (the task's history, the "
            "workbook's log) and, with TELEGRAM_BOT_TOKEN set, sent to the departments' contacts with a 收到 button."
        ),
    )
    notice.add_argument("task", help="the task's code, e.g. 22.3")
    notice.add_argument(
        "--by",
        metavar="PHRASE",
        help="the reply deadline as people say it: 10月20日前, 5个工作日内 (default: 3 working days)",
    )
    notice.add_argument("--require", metavar="TEXT", help="the office's own requirement, added to the standard one")
    notice.add_argument("--out", type=Path, metavar="FILE.docx", help="where to write (default: in this folder)")
    notice.add_argument("--dry-run", action="store_true", help="write a preview; number and record nothing")
    notice.add_argument("--no-notify", action="store_true", help="do not send it to the departments through the bot")
    notice.set_defaults(func=_notice)


def _docx(path: Path) -> Path:
    if path.suffix.lower() != ".docx":
        raise CliError(f"{path}: the file name should end in .docx")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _circular(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from reports.documents import circular as document  # python-docx loads only for the document commands
    from reports.documents.wording import circular_name
    from services.circular import CircularRefused, build, default_month, parse_month
    from services.tasks import NoLetter

    if args.out is not None:
        _docx(args.out)  # a wrong name is refused before any work
    cfg = settings()
    db = open_database(cfg)
    now = clock(cfg)
    today = now.today()
    default = default_month(today)
    try:
        year, month = parse_month(args.month, default[0]) if args.month else default
    except ValueError:
        raise CliError(f"--month {args.month!r}: write the month as 2022-09") from None
    try:
        c = build(db, today, cfg.calendar(), cfg.reminder_policy(), now.tz, year, month)
    except CircularRefused as exc:
        raise CliError(f"no circular for {year}-{month:02d}: {exc.reason} {exc.details}") from None
    except NoLetter as exc:
        raise CliError(f"{exc}{NO_LETTER}") from None
    finally:
        db.dispose()
    out = _docx(args.out or Path(circular_name(year, month)))
    data = document.render(c, cfg.template_dir)
    out.write_bytes(data)
    _print_circular(c, out, len(data))
    return 0


def _print_circular(c: Circular, out: Path, size: int) -> None:
    t, s = c.tally, c.score
    print(f"{out}: {size} bytes; circular for {c.year}-{c.month:02d} as of {c.today}")
    print(
        f"deadlines due in the month: {t.due} ({t.on_time} on time, {t.late} late, {t.pending} awaiting review, "
        f"{t.overdue} overdue, {t.upcoming} not yet due)"
    )
    print("colours today: " + ", ".join(f"{k} {v}" for k, v in c.colours.items()))
    print(f"ranking ({len(c.ranking)} departments; {len(c.idle)} with nothing due):")
    for r in c.ranking:
        rate = "-" if r.tally.rate is None else f"{r.tally.rate * 100:.1f}%"
        print(
            f"  {r.rank:>2}. {r.department}: {r.tally.due_so_far} due, {r.tally.on_time} on time, {r.tally.late} late, "
            f"{r.tally.pending} awaiting review, {r.tally.overdue} overdue, {rate}, {r.tally.overdue_workdays} "
            "working days overdue"
        )
    print(f"overdue tasks: {len(c.overdue)} ({', '.join(o.code for o in c.overdue)})")
    if s is not None:
        print(f"score: {s.projected:g} projected, {s.secured:g} secured, {s.at_risk:g} at risk")
    year, month = c.next_month_of
    print(f"due in {year}-{month:02d}: {len(c.next_month)}")


def _notice(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from reports.documents import notice as document  # python-docx loads only for the document commands
    from reports.documents.wording import notice_name
    from services.notices import NoticeRefused, issue, preview
    from services.tasks import NoLetter

    if args.out is not None:
        _docx(args.out)
    cfg = settings()
    db = open_database(cfg)
    now = clock(cfg)
    deliver = (bool(cfg.token) or cfg.dingtalk_configured) and not args.no_notify and not args.dry_run
    try:
        if args.dry_run:
            issued = None
            doc = preview(db, now, cfg.calendar(), cfg.reminder_policy(), args.task, args.by, args.require)
        else:
            issued = issue(
                db, now, cfg.calendar(), cfg.reminder_policy(), "cli", args.task, args.by, args.require, deliver
            )
            doc = issued.doc
    except NoticeRefused as exc:
        raise CliError(f"no notice on {args.task}: {exc.reason} {exc.details}") from None
    except NoLetter as exc:
        raise CliError(f"{exc}{NO_LETTER}") from None
    out = _docx(args.out or Path(notice_name(doc.year, doc.serial, doc.code, doc.final)))
    data = document.render(doc, cfg.template_dir)
    out.write_bytes(data)
    _print_notice(doc, out, len(data))
    try:
        if issued is not None:
            _send(cfg, db, now, issued, data, args)
    finally:
        db.dispose()
    return 0


def _print_notice(doc: NoticeDoc, out: Path, size: int) -> None:
    print(f"{out}: {size} bytes")
    state = f"{doc.colour or 'no dated deadline'}"
    if doc.due is not None:
        state += f", due {doc.due} ({doc.phrase or '-'}), {doc.overdue_workdays} working days overdue"
    print(
        f"{doc.number}{'' if doc.final else ' (preview: nothing recorded)'} on {doc.code} to {'、'.join(doc.departments)}"
    )
    print(f"  {state}; missed: {', '.join(d.isoformat() for d in doc.missed) or '-'}")
    print(f"  reply by {doc.reply_by}; issued {doc.issued_on} by {doc.names.issuer}")


def _send(cfg, db, now, issued: Issued, data: bytes, args) -> None:
    import asyncio  # imported when used (bot/cli/__init__.py says why)

    if args.no_notify:
        print("departments not told (--no-notify): send them the file")
        return
    if not cfg.token and not cfg.dingtalk_configured:
        print("departments not told: no channel configured (TELEGRAM_BOT_TOKEN, DINGTALK_*); send them the file")
        return
    if not issued.recipients:
        print(f"departments not told: no bound contact ({'、'.join(issued.unreached)})")
        return
    # imported when the command runs (bot/cli/__init__.py says why)
    from bot.senders import standalone  # late: the channels load only when there is someone to tell
    from handlers.notice_delivery import deliver

    async def send():
        async with standalone(cfg) as sender:
            return await deliver(db, now, sender, issued, data, issued.doc.names.office)

    delivered = asyncio.run(send())
    print(f"sent to: {'、'.join(delivered.reached) or '-'}; not reached: {'、'.join(delivered.missing) or '-'}")
