"""Does anyone wait behind another person's request? Prints figures; asserts nothing.

The bot runs in a process of its own (bench/scale_bot.py, the flood limiter off) against the fake Bot API on
the 1x database of bench/scale_seed.py. A contact's /help is timed when the bot is idle, then while the
office's /export is being built; the goal is the second within 100 ms of the first.

    .venv/bin/python bench/concurrency.py [--db sqlite:///…/scale-1x.db] [--root /tmp/duban-before]

`--root` measures another checkout (it needs bench/scale_bot.py copied into it); without `--db` the 1x
database is seeded into $TMPDIR/duban-bench (kept for the next run).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from bench.bot_process import BotProcess, ask, quiet  # noqa: E402 (after the path insert)
from fake_bot_api import FakeBotAPI  # noqa: E402

ADMIN, HELPER = 999, 200_001  # bench/scale_seed.py's office and its first contact


def one_db(folder: Path) -> str:
    from bench.scale_seed import seed
    from storage import migrate

    path = folder / f"scale-1x-{migrate.head_revision()}.db"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"seeding 1x into {path} ...", flush=True)
        work = path.with_suffix(".seeding.db")
        seed(f"sqlite:///{work}", 1, progress=lambda line: None)
        work.rename(path)
    return f"sqlite:///{path}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a database seeded by bench/scale_seed.py (default: 1x, seeded once)")
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout to measure (default: this one)")
    parser.add_argument("--runs", type=int, default=3, help="exports to send a /help during")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "duban-bench")
    args = parser.parse_args()
    url = args.db or one_db(args.folder)
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        fake.add_user(HELPER, first_name="联络员")
        bot = BotProcess(args.root.resolve(), fake, "--db", url)
        try:
            quiet(fake)
            ask(fake, HELPER, "/help")  # warm up
            idle = [ask(fake, HELPER, "/help") for _ in range(10)]
            busy, exports = [], []
            for _ in range(args.runs):
                before = len(fake.messages_to(ADMIN))
                sent = time.time()
                fake.inject_message(ADMIN, "/export")
                time.sleep(0.5)  # the export is under way
                busy.append(ask(fake, HELPER, "/help"))
                fake.wait_until(lambda b=before: len(fake.messages_to(ADMIN)) > b, what="/export", timeout=600)
                exports.append(fake.messages_to(ADMIN)[before].time - sent)
                quiet(fake, 0.5)
        finally:
            bot.stop()
    mid_idle, mid_busy = statistics.median(idle), statistics.median(busy)
    print(f"code measured: {args.root.resolve()}, database {url}")
    print(f"/help idle:                 {ms(mid_idle)} median of {len(idle)} (min {ms(min(idle))})")
    print(f"/help while /export runs:   {ms(mid_busy)} median of {len(busy)}: {', '.join(ms(x) for x in busy)}")
    print(f"difference:                 +{ms(mid_busy - mid_idle)} (goal: at most +100 ms)")
    print(f"/export answered in:        {', '.join(ms(x) for x in exports)}")


if __name__ == "__main__":
    main()
