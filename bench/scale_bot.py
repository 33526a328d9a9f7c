"""The bot in a process of its own, for the benchmarks: duban as `duban run` assembles it (at a fixed day,
the reminder scheduler off, Telegram's flood limiter on or off), or a bare echo bot through the same sender
and limiter (the throughput baseline). Prints "ready" once it receives updates; stops on SIGTERM.

    python bench/scale_bot.py --db URL --api BASE --file-api BASE --token T [--admins 1,2] [--limiter on]
    python bench/scale_bot.py --echo --api BASE --token T [--limiter on]

A process apart from the fake Bot API and the bench's driver, so the bot's own CPU, memory and event loop
are what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from channels.telegram.pacing import Pacer

TZ = ZoneInfo("Asia/Shanghai")
NO_LIMITS = dict(overall_per_second=10**6, private_per_second=10**6, group_per_minute=10**6)


def _pacer(limiter: str) -> Pacer:
    return Pacer() if limiter == "on" else Pacer(**NO_LIMITS)


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    await stop.wait()


async def run_duban(args: argparse.Namespace) -> None:
    from bot.app import assemble
    from bot.config import load_settings
    from deadlines.clock import FakeClock
    from storage.db import Database

    env = {
        "TELEGRAM_BOT_TOKEN": args.token,
        "TELEGRAM_API_BASE_URL": args.api,
        "TELEGRAM_FILE_BASE_URL": args.file_api,
        "DATABASE_URL": args.db,
        "DUBAN_ADMINS": args.admins,
        "DUBAN_LOG_LEVEL": "WARNING",
    }
    settings = load_settings(env)
    db = Database(args.db)
    clock = FakeClock(datetime.fromisoformat(args.at).replace(tzinfo=TZ))
    bot = assemble(settings, db, clock, with_scheduler=False, pacer=_pacer(args.limiter))
    await bot.start(poll_timeout=10)
    try:
        await _until_stopped()
    finally:
        await bot.stop()
        db.dispose()


async def run_echo(args: argparse.Namespace) -> None:
    """The baseline: every text answered with itself, through duban's sender, limiter and update order."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, TypeHandler

    from channels.chat_order import ChatOrder
    from channels.telegram.ordering import PerChatProcessor
    from channels.telegram.sender import TelegramSender
    from handlers.replies import Message

    # Chats at once, one chat's updates in order: as duban takes them, so the two rates compare the answers,
    # not two ways of scheduling them.
    app = (
        ApplicationBuilder()
        .token(args.token)
        .base_url(args.api)
        .concurrent_updates(PerChatProcessor(ChatOrder()))
        .build()
    )
    sender = TelegramSender(app.bot, _pacer(args.limiter))

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None and update.effective_chat is not None:
            await sender.send(update.effective_chat.id, Message(update.effective_message.text or "-"))

    app.add_handler(TypeHandler(Update, echo))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(timeout=10, poll_interval=0.0)
        await app.start()
        try:
            await _until_stopped()
        finally:
            await app.updater.stop()
            await app.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--echo", action="store_true")
    parser.add_argument("--db", default="")
    parser.add_argument("--api", required=True)
    parser.add_argument("--file-api", default="")
    parser.add_argument("--token", required=True)
    parser.add_argument("--admins", default="999")
    parser.add_argument("--at", default="2022-12-20T10:00:00")
    parser.add_argument("--limiter", choices=("on", "off"), default="off")
    args = parser.parse_args()
    asyncio.run(run_echo(args) if args.echo else run_duban(args))


if __name__ == "__main__":
    main()
