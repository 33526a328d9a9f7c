"""How fast the office's questions are answered after a year of use. Prints figures; asserts nothing.

Three databases, seeded through the project's own services (bench/scale_seed.py) into a temporary folder
and kept there for the next run: the letter only, 1x (10,000 reports of a year, about 1,900 facts, 20,000
audit rows, 100,000 reminder-ledger rows) and 10x. Against each, the real bot runs in a process of its own
(bench/scale_bot.py) against the fake Bot API with the flood limiter off, so the bot itself is measured;
an admin asks /score, /score 14, /pending, /overdue, /tasks and /export, each several times, and the time
from the message to the last message of the answer arriving at the fake is taken (p50 and p95).

Then, beside their baselines: /score at 10x against its letter-only time; a contact's /help sent while an
/export runs, against the same /help when the bot is idle; the bot's memory around /export.

Run from the repository root:  .venv/bin/python bench/scale.py [--scales 0,1,10] [--budget 20] [--fresh]
Seeding 10x takes a few minutes the first time (the folder: --folder, default $TMPDIR/duban-bench).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bot_process import BotProcess, ask, quiet
from bench.scale_seed import ADMIN, Seeded, count, seed
from fake_bot_api import FakeBotAPI
from storage import migrate
from storage.db import Database

HERE = Path(__file__).resolve().parent
COMMANDS = ("/score", "/score 14", "/pending", "/overdue", "/tasks", "/export")
HELPER = 200_001  # the first seeded contact: asks /help
NAMES = {0: "letter only", 1: "1x", 10: "10x"}


def seeded(folder: Path, units: int, fresh: bool) -> tuple[str, Seeded]:
    """The database of `units` (seeded once per schema revision and kept), and what it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"scale-{units}x-{migrate.head_revision()}.db"
    older = sorted(folder.glob(f"scale-{units}x-[0-9][0-9][0-9][0-9].db"))
    if not fresh and not path.exists() and older:  # seeded under an older schema: the same rows, migrated
        print(f"migrating {older[-1].name} to {path.name} ...", flush=True)
        work = path.with_name(path.stem + ".seeding.db")
        shutil.copy(older[-1], work)
        migrated = Database(f"sqlite:///{work}")
        migrate.upgrade(migrated)
        migrated.dispose()
        shutil.move(work, path)
    if fresh or not path.exists():
        work = path.with_name(path.stem + ".seeding.db")
        for stale in folder.glob(work.name + "*"):
            stale.unlink()
        started = time.perf_counter()
        print(f"seeding {NAMES.get(units, f'{units}x')} into {path} ...", flush=True)
        seed(f"sqlite:///{work}", units, progress=lambda line: print(line, flush=True))
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
        shutil.move(work, path)
    db = Database(f"sqlite:///{path}")
    held = count(db)
    db.dispose()
    return f"sqlite:///{path}", held


def answer_size(fake: FakeBotAPI, user: int, text: str) -> int:
    """How many messages answer `text` (asked once, unmeasured: it also warms the bot up)."""
    before = len(fake.messages_to(user))
    fake.inject_message(user, text)
    fake.wait_until(lambda: len(fake.messages_to(user)) > before, what=text, timeout=600)
    quiet(fake, 1.5)
    return len(fake.messages_to(user)) - before


@dataclass
class Figures:
    times: dict[str, list[float]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    help_idle: list[float] = field(default_factory=list)
    help_busy: list[float] = field(default_factory=list)
    memory: str = ""

    def p(self, command: str, q: float) -> float:
        values = sorted(self.times[command])
        return values[min(len(values) - 1, max(0, round(q * len(values) + 0.5) - 1))]


def measure(fake: FakeBotAPI, command: str, expect: int, budget: float) -> list[float]:
    """At least 3 and at most 20 runs, within about `budget` seconds."""
    times: list[float] = []
    started = time.monotonic()
    while len(times) < 20 and (len(times) < 3 or time.monotonic() - started < budget):
        times.append(ask(fake, ADMIN, command, expect))
    return times


def help_during_export(fake: FakeBotAPI, bot: BotProcess, figures: Figures, runs: int = 3) -> None:
    """A contact's /help while the admin's /export is being built, against the same /help when idle."""
    figures.help_idle = [ask(fake, HELPER, "/help", figures.sizes["/help"]) for _ in range(10)]
    for _ in range(runs):
        before = len(fake.messages_to(ADMIN))
        fake.inject_message(ADMIN, "/export")
        time.sleep(0.3)  # the export is under way
        figures.help_busy.append(ask(fake, HELPER, "/help", figures.sizes["/help"]))
        fake.wait_until(lambda b=before: len(fake.messages_to(ADMIN)) > b, what="/export", timeout=600)


def run_scale(url: str, contacts: int, budget: float, with_help: bool) -> Figures:
    figures = Figures()
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        for user in range(HELPER, HELPER + contacts):  # the seeded contacts (their command menus are set)
            fake.add_user(user, first_name="联络员")
        bot = BotProcess(HERE.parent, fake, "--db", url)
        try:
            quiet(fake, 1.0)  # per-person command menus at start
            figures.sizes["/help"] = answer_size(fake, HELPER, "/help")
            for command in COMMANDS:
                figures.sizes[command] = answer_size(fake, ADMIN, command)
                if command == "/export":
                    rss, _ = bot.memory()
                figures.times[command] = measure(fake, command, figures.sizes[command], budget)
            after, peak = bot.memory()
            figures.memory = f"bot RSS {rss:.0f} MB before /export, {after:.0f} MB after; peak {peak:.0f} MB"
            if with_help:
                help_during_export(fake, bot, figures)
        finally:
            bot.stop()
    return figures


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def report(results: dict[int, Figures], held: dict[int, Seeded]) -> None:
    scales = list(results)
    print()
    for units in scales:
        print(f"{NAMES.get(units, f'{units}x'):>12}: {held[units].line()}")
    print()
    head = "".join(f"{NAMES.get(u, f'{u}x'):>28}" for u in scales)
    print(f"{'request':<12}{head}")
    print(f"{'':<12}" + "".join(f"{'p50':>12}{'p95':>10}{'msgs':>6}" for _ in scales))
    for command in COMMANDS:
        cells = "".join(
            f"{ms(results[u].p(command, 0.5)):>12}{ms(results[u].p(command, 0.95)):>10}{results[u].sizes[command]:>6}"
            for u in scales
        )
        print(f"{command:<12}{cells}")
    print()
    top = scales[-1]
    first = scales[0]
    chat = [c for c in COMMANDS if c != "/export"]
    worst = max(chat, key=lambda c: results[top].p(c, 0.5))
    print(
        f"slowest chat answer at {NAMES.get(top)}: {worst} {ms(results[top].p(worst, 0.5))} p50 (goal: at most 100 ms)"
    )
    ratio = results[top].p("/score", 0.5) / results[first].p("/score", 0.5)
    print(
        f"/score at {NAMES.get(top)} {ms(results[top].p('/score', 0.5))} beside {NAMES.get(first)} "
        f"{ms(results[first].p('/score', 0.5))}: {ratio:.2f}x (goal: at most 2x)"
    )
    for units in scales:
        f = results[units]
        print(f"/export at {NAMES.get(units)}: {f.memory}")
        if f.help_busy:
            idle, busy = statistics.median(f.help_idle), statistics.median(f.help_busy)
            print(
                f"/help at {NAMES.get(units)}: {ms(idle)} idle, {ms(busy)} while an /export runs "
                f"(+{ms(busy - idle)}; goal: within 100 ms of idle); each: {', '.join(ms(x) for x in f.help_busy)}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0,1,10", help="comma-separated multiples of 1x (0: the letter only)")
    parser.add_argument("--budget", type=float, default=20.0, help="seconds to spend on each request, per scale")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "duban-bench")
    parser.add_argument("--fresh", action="store_true", help="seed again even when the folder has the databases")
    args = parser.parse_args()
    scales = [int(x) for x in args.scales.split(",")]
    urls, held, results = {}, {}, {}
    for units in scales:
        urls[units], held[units] = seeded(args.folder, units, args.fresh)
    for units in scales:
        print(f"measuring {NAMES.get(units, f'{units}x')} ...", flush=True)
        results[units] = run_scale(urls[units], held[units].contacts, args.budget, with_help=units == 1)
    report(results, held)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
