"""Wiring the reminder run into the bot: PTB's JobQueue (APScheduler 3) wakes it every minute.

The database decides what is sent, not the scheduler: a wake-up that finds nothing due does nothing, one
that comes late (after downtime) sends what came due meanwhile, and misfires cannot skip anything.
"""
from __future__ import annotations

import logging

from telegram.ext import Application, ContextTypes

from scheduler.delivery import Deliverer
from scheduler.runner import ReminderRunner

log = logging.getLogger("duban.jobs")
TICK_SECONDS = 60


def make_runner(application: Application) -> ReminderRunner:
    from bot.app import context_of

    ctx = context_of(application)
    return ReminderRunner(ctx.db, ctx.clock, ctx.calendar, Deliverer(application.bot), ctx.settings.admins,
                          ctx.policy)


async def _tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    runner: ReminderRunner = context.application.bot_data["reminder_runner"]
    try:
        await runner.run_once()
    except Exception:  # the next tick tries again; the ledger keeps what was done
        log.exception("reminder run failed")


def install_reminders(application: Application) -> None:
    runner = make_runner(application)
    application.bot_data["reminder_runner"] = runner
    runner.recover()
    application.job_queue.run_repeating(
        _tick, interval=TICK_SECONDS, first=1, name="reminders",
        # One run at a time; a late wake-up still runs (the ledger makes catching up safe).
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
