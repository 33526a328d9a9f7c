"""The one place the bot is assembled: settings, database and clock in; a PTB Application out."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.clock import Clock
from bot.config import Settings
from bot.storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class Context:
    """What handlers and jobs need, kept in `application.bot_data["duban"]`."""

    settings: Settings
    db: Database
    clock: Clock


def context_of(application: Application) -> Context:
    return application.bot_data["duban"]


def build_application(ctx: Context) -> Application:
    from handlers import register_all  # handlers import bot.app; import late to avoid a cycle

    builder = (
        ApplicationBuilder()
        .token(ctx.settings.token)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=ctx.settings.timezone))
    )
    if ctx.settings.api_base_url:
        builder = builder.base_url(ctx.settings.api_base_url)
    if ctx.settings.file_base_url:
        builder = builder.base_file_url(ctx.settings.file_base_url)
    application = builder.build()
    application.bot_data["duban"] = ctx
    register_all(application)
    return application
