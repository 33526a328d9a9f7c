"""The one place the bot is assembled: settings, database, clock and calendar in; a PTB Application out."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from deadlines.clock import Clock
from bot.config import Settings
from storage.db import Database
from deadlines.policy import ReminderPolicy

log = logging.getLogger(__name__)


@dataclass
class Context:
    """What handlers and jobs need, kept in `application.bot_data["duban"]`."""

    settings: Settings
    db: Database
    clock: Clock
    calendar: object = None  # deadlines.workdays.WorkdayCalendar
    policy: ReminderPolicy = field(default_factory=ReminderPolicy)

    def __post_init__(self) -> None:
        if self.calendar is None:
            from deadlines.workdays import WorkdayCalendar

            self.calendar = WorkdayCalendar()


def context_of(application: Application) -> Context:
    return application.bot_data["duban"]


async def _set_menus(application: Application) -> None:
    """Command menus per scope, in Chinese: everyone, each admin, each bound person."""
    from sqlalchemy import select
    from telegram.error import TelegramError

    from storage.models import Contact
    from handlers.menus import set_default_menus

    ctx = context_of(application)
    with ctx.db.session() as session:
        people = [(c.chat_id, c.role) for c in session.scalars(select(Contact).where(Contact.kind == "user"))]
    try:
        await set_default_menus(application.bot, sorted(ctx.settings.admins), people)
    except TelegramError as exc:  # menus are a convenience; the bot works without them
        log.warning("could not set the command menus: %s", exc)


def build_application(ctx: Context, with_scheduler: bool | None = None) -> Application:
    from handlers import register_all  # handlers import bot.app; import late to avoid a cycle
    from scheduler.jobs import install_reminders

    builder = (
        ApplicationBuilder()
        .token(ctx.settings.token)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=ctx.settings.timezone))
        # Answers to users respect flood limits too; on a 429 they wait as told and retry.
        .rate_limiter(AIORateLimiter(max_retries=3))
    )
    if ctx.settings.api_base_url:
        builder = builder.base_url(ctx.settings.api_base_url)
    if ctx.settings.file_base_url:
        builder = builder.base_file_url(ctx.settings.file_base_url)
    application = builder.post_init(_set_menus).build()
    application.bot_data["duban"] = ctx
    register_all(application)
    if ctx.settings.reminders_enabled if with_scheduler is None else with_scheduler:
        install_reminders(application)
    return application
