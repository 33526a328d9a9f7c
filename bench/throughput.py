"""How many /score answers a second, beside a bare echo bot on the same fake Bot API. Prints figures; asserts
nothing.

Both bots run in processes of their own (bench/scale_bot.py: duban as `duban run` assembles it, or an echo
bot through duban's own sender and limiter). `--chats` admins each send `--each` messages at once (/score to
duban, a word to the echo bot); the rate is the answers that arrived over the time from the first message to
the last answer, the median of `--rounds` bursts. Both take updates as duban does: chats at once, one chat's in
order. Once with the flood limiter on (Telegram's limits: 30 messages a second overall, one a second per chat),
once with it off. Goals: duban's rate at least 0.9 of the echo bot's with the limiter on, at least 0.5 with it
off. Beside the rates, each bot process's CPU time an answer over all its bursts: on a shared machine the rates
swing with whatever else runs, the CPU an answer takes much less.

    .venv/bin/python bench/throughput.py [--db sqlite:///…] [--root /tmp/duban-before]

Without `--db` a database holding the bundled letter only is made in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from bench.bot_process import BotProcess, quiet  # noqa: E402 (after the path insert)
from fake_bot_api import FakeBotAPI  # noqa: E402

FIRST_ADMIN = 999


def letter_db(folder: Path) -> str:
    from bench.scale_seed import seed

    url = f"sqlite:///{folder / 'letter.db'}"
    seed(url, 0, progress=lambda line: None)
    return url


def rate(
    root: Path, url: str, echo: bool, limiter: str, chats: int, each: int, rounds: int
) -> tuple[list[float], int, int, float]:
    """(answers a second of each burst, messages per answer, "typing…" actions sent, CPU milliseconds per
    answer) of one bot: `rounds` bursts in one process, so one moment of a busy machine does not decide the
    figure."""
    admins = [FIRST_ADMIN + i for i in range(chats)]
    text = "你好" if echo else "/score"
    rates: list[float] = []
    with FakeBotAPI() as fake:
        for user in admins:
            fake.add_user(user, first_name="美丽办")
        extra = ["--echo"] if echo else ["--db", url, "--admins", ",".join(map(str, admins))]
        bot = BotProcess(root, fake, *extra, "--limiter", limiter)
        try:
            quiet(fake)
            fake.inject_message(admins[0], text)  # warm up, and how many messages one answer is
            fake.wait_until(lambda: fake.messages_to(admins[0]), what="the first answer", timeout=120)
            quiet(fake, 1.5)
            size = len(fake.messages_to(admins[0]))
            cpu = bot.cpu_seconds()
            for _ in range(rounds):
                before = len(fake.sent)
                want = before + size * chats * each
                started = time.time()
                for _ in range(each):
                    for user in admins:
                        fake.inject_message(user, text)
                fake.wait_until(lambda: len(fake.sent) >= want, what="every answer", timeout=600)  # noqa: B023
                last = max(m.time for m in fake.sent[before:])
                rates.append(size * chats * each / (last - started))
                quiet(fake, 0.5)
            actions = len(fake.chat_actions)
            cpu = (bot.cpu_seconds() - cpu) * 1000 / (chats * each * rounds)
        finally:
            bot.stop()
    return rates, size, actions, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="the database duban runs on (default: the bundled letter only)")
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout to measure (default: this one)")
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--each", type=int, default=5, help="messages each chat sends")
    parser.add_argument("--rounds", type=int, default=5, help="bursts per bot; the median rate is compared")
    args = parser.parse_args()
    root = args.root.resolve()
    with tempfile.TemporaryDirectory(prefix="duban-throughput-") as tmp:
        url = args.db or letter_db(Path(tmp))
        print(f"code measured: {root}, database {url}  (load average now {os.getloadavg()[0]:.1f})")
        for limiter, goal in (("on", 0.9), ("off", 0.5)):
            echoes, _, _, echo_cpu = rate(root, url, True, limiter, args.chats, args.each, args.rounds)
            scores, size, actions, cpu = rate(root, url, False, limiter, args.chats, args.each, args.rounds)
            echo, duban = statistics.median(echoes), statistics.median(scores)
            print(
                f"limiter {limiter:>3}: echo {echo:6.1f} answers/s ({min(echoes):.0f}–{max(echoes):.0f}), "
                f"/score {duban:6.1f} answers/s ({min(scores):.0f}–{max(scores):.0f}; {size} message(s) each, "
                f"{actions} sendChatAction): {duban / echo:.2f} of the echo bot's rate (goal: at least {goal}; "
                f"medians of {args.rounds} bursts); bot CPU an answer: echo {echo_cpu:.2f} ms, /score {cpu:.2f} ms"
            )


if __name__ == "__main__":
    main()
