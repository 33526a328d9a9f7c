"""`duban run [--webhook URL]`: start the bot (long polling by default)."""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING

from bot.cli.common import CliError, open_database, settings
from bot.clock import make_clock
from bot.logs import setup_logging

if TYPE_CHECKING:  # for annotations only: the command's modules load when it runs
    from bot.config import Settings

NO_TOKEN = """\
duban: no channel is set up: neither a Telegram bot token (TELEGRAM_BOT_TOKEN) nor a DingTalk robot
(DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET, DINGTALK_ROBOT_CODE). Set up one or both, in a file named
.env in this folder (copy .env.example), then run `duban run` again.

DingTalk (钉钉, where the departments work; README "DingTalk" has every step):
  1. In DingTalk's developer console (open-dev.dingtalk.com), create an enterprise internal app
     (企业内部应用) and add the robot capability (机器人), message receiving mode Stream (Stream 模式).
  2. Grant it the permission to send robot messages (企业内机器人发送消息权限), then publish it.
  3. Copy the Client ID (AppKey), the Client Secret (AppSecret) and the robot's RobotCode into .env:
       DINGTALK_CLIENT_ID=dingxxxxxxxxxxxxxxxx
       DINGTALK_CLIENT_SECRET=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
       DINGTALK_ROBOT_CODE=dingxxxxxxxxxxxxxxxx
     and add the office's DingTalk userIds to DUBAN_ADMINS as dingtalk:USERID.

Telegram:
  1. In Telegram, open a chat with @BotFather and send /newbot.
  2. Choose a name and a username ending in "bot"; BotFather answers with a token like
     123456789:AAE-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
  3. Put it in .env:
       TELEGRAM_BOT_TOKEN=123456789:AAE-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
     and add your own Telegram user id to DUBAN_ADMINS.

尚未设置任何渠道。钉钉:在钉钉开发者后台创建企业内部应用,添加机器人能力(Stream 模式),
把 Client ID、Client Secret 和 RobotCode 写入本目录的 .env 文件 (DINGTALK_CLIENT_ID、DINGTALK_CLIENT_SECRET、
DINGTALK_ROBOT_CODE,可复制 .env.example);Telegram:向 @BotFather 发送 /newbot 获取令牌,写入
TELEGRAM_BOT_TOKEN。然后重新运行 duban run。
"""

LOCAL = """\
Meanwhile, everything but the chat channels works locally. The database ({db}) holds:
  {o.title} ({o.document_no}): {o.items} work items, {o.tasks} work lines, {o.departments} departments.
Try:
  duban tasks --dept 发改局       # one department's work lines and deadlines
  duban tasks --json              # everything, machine-readable
  duban departments
"""


# Any fixed number: PostgreSQL advisory lock taken while a process upgrades the schema or loads the
# bundled letter, so replicas starting together do not both do it.
STARTUP_LOCK_KEY = 4_711_2022


def register(sub) -> None:
    p = sub.add_parser(
        "run",
        help="start the bot on every configured channel: Telegram (long polling, or --webhook URL), DingTalk",
        description="Start the bot in one process on every configured channel: Telegram when "
        "TELEGRAM_BOT_TOKEN is set (long polling, or --webhook URL), DingTalk when DINGTALK_CLIENT_ID, "
        "DINGTALK_CLIENT_SECRET and DINGTALK_ROBOT_CODE are set (a Stream-mode robot: no public address "
        "needed). Also reads DATABASE_URL, DUBAN_TIMEZONE, DUBAN_ADMINS and the rest of .env.example. On "
        "first start with an empty database it loads the bundled 2022 letter. Stops cleanly on SIGTERM or "
        "SIGINT.",
    )
    p.add_argument(
        "--webhook",
        metavar="URL",
        help="receive Telegram's updates by webhook at this public https URL instead of long polling; "
        "listens on DUBAN_WEBHOOK_LISTEN:DUBAN_WEBHOOK_PORT (TLS is terminated in front of duban) and "
        "checks DUBAN_WEBHOOK_SECRET; needed to run more than one process with Telegram (DingTalk's "
        "stream needs no address and no webhook)",
    )
    p.set_defaults(func=_run)


@contextmanager
def startup_lock(url: str):
    """On PostgreSQL, one starting process at a time (held on its own connection); elsewhere nothing."""
    # imported when the command runs (bot/cli/__init__.py says why)
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(url)
    try:
        if engine.dialect.name != "postgresql":
            yield
            return
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK_KEY})
    finally:
        engine.dispose()


def _check_channels(cfg: Settings, webhook: str | None) -> None:
    missing = cfg.dingtalk_missing()
    if missing:
        raise CliError(
            f"DingTalk is half set up: {', '.join(missing)} missing (DingTalk needs DINGTALK_CLIENT_ID, "
            'DINGTALK_CLIENT_SECRET and DINGTALK_ROBOT_CODE); see README "DingTalk"'
        )
    if webhook and not cfg.token:
        raise CliError("--webhook receives Telegram's updates, and TELEGRAM_BOT_TOKEN is not set")


def _say_starting(log: logging.Logger, cfg: Settings, channels: list[str], webhook: bool) -> None:
    where = {"telegram": cfg.api_base_url or "https://api.telegram.org/bot", "dingtalk": cfg.dingtalk_api_base_url}
    mode = {"telegram": "webhook" if webhook else "polling", "dingtalk": "stream"}
    for name in channels:
        log.info("bot starting", extra={"channel": name, "api": where[name], "mode": mode[name]})


def _run(args) -> int:
    import asyncio  # imported when used (bot/cli/__init__.py says why)

    # imported when the command runs (bot/cli/__init__.py says why)
    from sqlalchemy.exc import OperationalError

    from bot.app import assemble
    from bot.serving import serve
    from handlers.ports import ChannelError
    from services.letters import load_bundled_letter_if_empty

    cfg = settings()
    setup_logging(cfg.log_level)
    _check_channels(cfg, args.webhook)
    log = logging.getLogger("duban")
    webhook = None
    if args.webhook:
        from channels.telegram.webhook import webhook_config  # aiohttp's server loads only for a webhook

        try:
            webhook = webhook_config(
                args.webhook, cfg.webhook_listen, cfg.webhook_port, cfg.effective_webhook_secret() if cfg.token else ""
            )
        except ValueError as exc:
            raise CliError(f"--webhook: {exc}") from None
    clk = make_clock(cfg.timezone, cfg.clock_file)
    if cfg.clock_file:
        log.warning("DUBAN_CLOCK_FILE is set: the time is read from %s (a testing aid)", cfg.clock_file)
    try:
        with startup_lock(cfg.database_url):
            db = open_database(cfg)
            with db.session() as session:
                loaded = load_bundled_letter_if_empty(session, clk)
    except OperationalError as exc:
        raise CliError(
            f"cannot reach the database ({cfg.database_url}): {exc.orig}; check DATABASE_URL, then run `duban doctor`"
        ) from None
    if loaded is not None:
        log.info("first start: loaded the bundled letter %s", loaded.letter_code)
    if cfg.token is None and not cfg.dingtalk_configured:
        from services.overview import letter_overview  # what the database holds: only said with no channel

        print(NO_TOKEN, file=sys.stderr)
        print(LOCAL.format(o=letter_overview(db), db=cfg.database_url), file=sys.stderr)
        return 1
    bot = assemble(cfg, db, clk)
    _say_starting(log, cfg, [c.name for c in bot.channels], webhook is not None)
    try:
        asyncio.run(serve(bot, webhook))
    except ChannelError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:  # e.g. the webhook port is taken
        hint = "; check DUBAN_WEBHOOK_LISTEN and DUBAN_WEBHOOK_PORT" if webhook else ""
        raise CliError(f"cannot start: {exc}{hint}") from None
    return 0
