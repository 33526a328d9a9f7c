"""`duban run`: start the bot (long polling)."""
from __future__ import annotations

import logging
import sys

from bot.app import Context, build_application
from bot.cli.common import clock, open_database, settings
from bot.logs import setup_logging
from services.letters import load_bundled_letter_if_empty
from services.overview import letter_overview

NO_TOKEN = """\
duban: no Telegram bot token is set (TELEGRAM_BOT_TOKEN).

To get one:
  1. In Telegram, open a chat with @BotFather and send /newbot.
  2. Choose a name and a username ending in "bot"; BotFather answers with a token like
     123456789:AAE-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
  3. Put it in a file named .env in this folder (copy .env.example):
       TELEGRAM_BOT_TOKEN=123456789:AAE-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
     and add your own Telegram user id to DUBAN_ADMINS.
  4. Run `duban run` again.

尚未设置 Telegram 机器人令牌 (TELEGRAM_BOT_TOKEN)。请在 Telegram 中向 @BotFather 发送 /newbot 获取令牌,
写入本目录的 .env 文件 (可复制 .env.example),然后重新运行 duban run。
"""

LOCAL = """\
Meanwhile, everything but Telegram works locally. The database ({db}) holds:
  {o.title} ({o.document_no}): {o.items} work items, {o.tasks} work lines, {o.departments} departments.
Try:
  duban tasks --dept 发改局       # one department's work lines and deadlines
  duban tasks --json              # everything, machine-readable
  duban departments
"""


def register(sub) -> None:
    p = sub.add_parser(
        "run", help="start the Telegram bot (long polling)",
        description="Start the bot. Reads TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL, TELEGRAM_FILE_BASE_URL, "
                    "DATABASE_URL, DUBAN_TIMEZONE, DUBAN_ADMINS (see .env.example). On first start with an "
                    "empty database it loads the bundled 2022 letter.")
    p.set_defaults(func=_run)


def _run(args) -> int:
    cfg = settings()
    setup_logging(cfg.log_level)
    db = open_database(cfg)
    clk = clock(cfg)
    with db.session() as session:
        loaded = load_bundled_letter_if_empty(session, clk)
        overview = letter_overview(session)
    if loaded is not None:
        logging.getLogger("duban").info("first start: loaded the bundled letter %s", loaded.letter_code)
    if cfg.token is None:
        print(NO_TOKEN, file=sys.stderr)
        print(LOCAL.format(o=overview, db=cfg.database_url), file=sys.stderr)
        return 1
    application = build_application(Context(settings=cfg, db=db, clock=clk, policy=cfg.reminder_policy()))
    logging.getLogger("duban").info("bot starting (api %s)", cfg.api_base_url or "https://api.telegram.org/bot")
    application.run_polling(drop_pending_updates=False)
    return 0
