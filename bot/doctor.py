"""`duban doctor`: is this installation ready to run, and is it running well? Each check answers OK, WARN
or FAIL, with what it found and, when not OK, what to do. Nothing here changes anything."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import inspect, text

from bot.clock import make_clock
from bot.config import Settings, SettingsError, load_settings
from channels.dingtalk.api import CredentialsRefused, DingTalkApi
from channels.dingtalk.probe import probe as dingtalk_probe
from channels.telegram.probe import DEFAULT_API, TokenRefused, probe
from deadlines.workdays import WEEKENDS_ONLY
from services.lease import read_lease, recent_processes
from storage import migrate
from storage.db import Database

OK, WARN, FAIL = "OK", "WARN", "FAIL"
LOW_DISK, VERY_LOW_DISK = 2 * 1024**3, 200 * 1024**2


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    fix: str | None = None


def run_checks(env: dict[str, str] | None = None) -> list[Check]:
    try:
        cfg = load_settings(env)
    except SettingsError as exc:
        return [Check("settings", FAIL, str(exc), "correct that variable in .env or the environment")]
    checks = [check_settings(cfg)]
    db = Database(cfg.database_url)
    try:
        reachable = check_database(db)
        checks.append(reachable)
        if reachable.status != FAIL:
            checks.append(check_schema(db))
        if cfg.token is not None or not (cfg.dingtalk_configured or cfg.dingtalk_missing()):
            checks.append(check_telegram(cfg))
        if cfg.dingtalk_configured or cfg.dingtalk_missing():
            checks.append(check_dingtalk(cfg))
        checks.append(check_calendar(cfg))
        checks.append(check_evidence(cfg.evidence_dir))
        if reachable.status != FAIL:
            checks.append(check_scheduler(cfg, db, datetime.now(UTC)))
    finally:
        db.dispose()
    return checks


def check_settings(cfg: Settings) -> Check:
    found = [
        f"DATABASE_URL={_safe_url(cfg.database_url)}",
        f"time zone {cfg.timezone_name}",
        f"{len(cfg.admins) + len(cfg.admin_accounts)} admin(s)",
        "channels: "
        + (", ".join(n for n, on in (("telegram", cfg.token), ("dingtalk", cfg.dingtalk_configured)) if on) or "none"),
        f"reminders {'on' if cfg.reminders_enabled else 'off'}",
    ]
    if cfg.dingtalk_missing():
        return Check(
            "settings",
            FAIL,
            f"DingTalk is half set up: {', '.join(cfg.dingtalk_missing())} missing; " + ", ".join(found),
            'set DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET and DINGTALK_ROBOT_CODE (README "DingTalk")',
        )
    if cfg.token is None and not cfg.dingtalk_configured:
        return Check(
            "settings",
            FAIL,
            "no TELEGRAM_BOT_TOKEN and no DingTalk robot (DINGTALK_CLIENT_ID...); " + ", ".join(found),
            'set up DingTalk (README "DingTalk") or get a token from @BotFather (/newbot) and set '
            "TELEGRAM_BOT_TOKEN in .env",
        )
    if cfg.clock_file is not None:
        return Check(
            "settings",
            WARN,
            f"DUBAN_CLOCK_FILE={cfg.clock_file}: time comes from a file",
            "DUBAN_CLOCK_FILE is a testing aid: remove it in production",
        )
    if not cfg.admins and not cfg.admin_accounts:
        return Check(
            "settings",
            WARN,
            "DUBAN_ADMINS is empty: nobody gets escalations and the daily digest; " + ", ".join(found),
            "set DUBAN_ADMINS to the coordinating office's Telegram user ids or dingtalk:USERID entries",
        )
    return Check("settings", OK, ", ".join(found))


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown by the database check
        return url


def check_database(db: Database) -> Check:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return Check(
            "database",
            FAIL,
            f"cannot reach {_safe_url(db.url)}: {type(exc).__name__}: {exc}".splitlines()[0],
            "check DATABASE_URL, that the server runs and accepts this user; for SQLite, that the "
            "folder exists and is writable",
        )
    return Check("database", OK, f"{db.engine.dialect.name} reachable")


def check_schema(db: Database) -> Check:
    current, head = migrate.current_revision(db), migrate.head_revision()
    if current == head:
        return Check("schema", OK, f"at head ({head})")
    if current is None:
        return Check(
            "schema",
            WARN,
            "the database is empty (no schema)",
            "`duban db upgrade` creates it (`duban run` does too, on first start)",
        )
    if current not in migrate.revision_history():
        return Check(
            "schema",
            FAIL,
            f"the database ({current}) is newer than this duban ({head})",
            "upgrade duban to the version that wrote this database",
        )
    return Check(
        "schema",
        WARN,
        f"at {current}, this duban's head is {head}",
        "run `duban db upgrade` (or `duban run`, which upgrades on start)",
    )


def check_telegram(cfg: Settings) -> Check:
    if cfg.token is None:
        return Check("telegram", FAIL, "no token to check", "set TELEGRAM_BOT_TOKEN")
    api = cfg.api_base_url or DEFAULT_API
    try:
        found = asyncio.run(probe(cfg.token, cfg.api_base_url))
    except TokenRefused:
        return Check(
            "telegram",
            FAIL,
            f"Telegram refused the token (401 Unauthorized) at {api}",
            "copy the token again from @BotFather (/mybots > API Token) into TELEGRAM_BOT_TOKEN; "
            "a revoked token must be replaced",
        )
    except Exception as exc:  # whatever went wrong reaching Telegram is the finding
        return Check(
            "telegram",
            FAIL,
            f"cannot reach {api}: {type(exc).__name__}: {exc}",
            "check the network or proxy, and TELEGRAM_API_BASE_URL if you use a Local Bot API Server",
        )
    said = f"@{found.username} (id {found.bot_id})"
    if not found.webhook_url:
        return Check("telegram", OK, said + "; no webhook (long polling)")
    said += f"; webhook set to {found.webhook_url}, {found.pending_updates} update(s) pending"
    if found.last_error:
        return Check(
            "telegram",
            WARN,
            f"{said}; Telegram's last delivery error: {found.last_error}",
            "check that the webhook URL reaches `duban run --webhook` through your proxy",
        )
    return Check("telegram", OK, said)


def check_dingtalk(cfg: Settings) -> Check:
    """The credentials (an access token) and the stream connection (opened and closed again)."""
    if not cfg.dingtalk_configured:
        return Check("dingtalk", FAIL, "not every DingTalk setting is set", "see the settings check")
    api = DingTalkApi(
        cfg.dingtalk_client_id or "",
        cfg.dingtalk_client_secret or "",
        cfg.dingtalk_robot_code or "",
        cfg.dingtalk_api_base_url,
        cfg.dingtalk_oapi_base_url,
    )
    where = cfg.dingtalk_api_base_url
    try:
        found = asyncio.run(dingtalk_probe(api))
    except CredentialsRefused as exc:
        return Check(
            "dingtalk",
            FAIL,
            f"DingTalk refused DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET at {where}: {exc.status} {exc.code}: "
            f"{exc.message}",
            "copy the Client ID and Client Secret again from the app's 凭证与基础信息 page in DingTalk's developer "
            "console; check that the robot's message receiving mode is Stream",
        )
    except Exception as exc:  # whatever went wrong reaching DingTalk is the finding
        return Check(
            "dingtalk",
            FAIL,
            f"cannot reach DingTalk at {where}: {type(exc).__name__}: {exc}",
            "check the network or proxy (outbound HTTPS and websockets to DingTalk), and DINGTALK_API_BASE_URL",
        )
    cards = f"cards from template {cfg.dingtalk_card_template_id}" if cfg.dingtalk_card_template_id else "typed choices"
    return Check(
        "dingtalk",
        OK,
        f"robot {cfg.dingtalk_robot_code}: credentials accepted, stream connection opened ({found.endpoint}); "
        f"buttons as {cards}",
    )


def check_calendar(cfg: Settings) -> Check:
    today = make_clock(cfg.timezone, cfg.clock_file).today()
    calendar = cfg.calendar()
    this, following = calendar.describe_year(today.year), calendar.describe_year(today.year + 1)
    found = f"{this.year}: {this.coverage}; {following.year}: {following.coverage}"
    fix = "get the State Council's holiday schedule and `duban holidays import FILE` (format: data/holidays/README.md)"
    if this.coverage == WEEKENDS_ONLY:
        return Check(
            "calendar",
            WARN,
            f"{found}: deadlines this year are counted on weekends only"
            + (f" ({this.problem})" if this.problem else ""),
            fix,
        )
    if following.coverage == WEEKENDS_ONLY and today.month >= 11:
        return Check("calendar", WARN, f"{found}: next year's holidays are not known yet", fix)
    return Check("calendar", OK, found)


def check_evidence(folder: Path) -> Check:
    existing = folder if folder.exists() else next((p for p in folder.absolute().parents if p.exists()), Path("/"))
    if folder.exists() and not folder.is_dir():
        return Check("evidence", FAIL, f"{folder} is not a folder", "point DUBAN_EVIDENCE_DIR at a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".duban-doctor-"):
            pass
    except OSError as exc:
        return Check(
            "evidence",
            FAIL,
            f"cannot write in {existing}: {exc.strerror}",
            f"let the user running duban ({_user()}) write there, or change DUBAN_EVIDENCE_DIR",
        )
    free = shutil.disk_usage(existing).free
    where = f"{folder}" + ("" if folder.exists() else f" (will be created in {existing})")
    found = f"{where} writable, {free / 1024**3:.1f} GiB free"
    if free < VERY_LOW_DISK:
        return Check("evidence", FAIL, found, "free disk space: evidence files up to 20 MB each are refused now")
    if free < LOW_DISK:
        return Check("evidence", WARN, found, "free disk space or move DUBAN_EVIDENCE_DIR to a larger disk")
    return Check("evidence", OK, found)


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return "this user"


def check_scheduler(cfg: Settings, db: Database, now: datetime) -> Check:
    if not inspect(db.engine).has_table("scheduler_leases"):
        return Check("scheduler", WARN, "no lease table yet (schema not at head)", "run `duban db upgrade`")
    ttl = timedelta(seconds=cfg.scheduler_lease_seconds)
    lease, processes = read_lease(db), recent_processes(db, now - 3 * ttl)
    standby = [p for p in processes if p.role == "standby"]
    parts = []
    if lease is not None and lease.live(now):
        since = (now - lease.renewed_at).total_seconds()
        parts.append(
            f"held by {lease.holder} since {lease.acquired_at:%Y-%m-%d %H:%M:%S} UTC, renewed {since:.0f}s "
            f"ago, expires in {(lease.expires_at - now).total_seconds():.0f}s"
        )
    parts += [f"standing by: {p.id} ({p.mode}): {p.note or 'waiting'}" for p in standby]
    found = "; ".join(parts)
    if db.engine.dialect.name == "sqlite" and len(processes) > 1:
        return Check(
            "scheduler",
            WARN,
            f"{len(processes)} bot processes share this SQLite database; {found}",
            "SQLite is meant for one bot process: stop the others (they only answer chats), "
            "or move to PostgreSQL for several",
        )
    pollers = [p for p in processes if p.mode == "polling"]
    if len(pollers) > 1:
        return Check(
            "scheduler",
            WARN,
            f"{len(pollers)} processes poll Telegram with one token; {found}",
            "Telegram answers all but one poller with 409 Conflict: run several processes with --webhook",
        )
    if lease is None or not lease.live(now):
        off = "" if cfg.reminders_enabled else " (DUBAN_REMINDERS=off here)"
        last = f"; last holder {lease.holder}, expired {lease.expires_at:%Y-%m-%d %H:%M:%S} UTC" if lease else ""
        return Check(
            "scheduler",
            WARN,
            f"no bot process holds the scheduler lease: reminders are not being sent{off}{last}"
            + (f"; {found}" if found else ""),
            "start `duban run` with DUBAN_REMINDERS=on on at least one process",
        )
    return Check("scheduler", OK, found)


def render(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = []
    for c in checks:
        lines.append(f"{c.status:<5} {c.name:<{width}}  {c.detail}")
        if c.fix and c.status != OK:
            lines.append(f"{'':<5} {'':<{width}}  fix: {c.fix}")
    return "\n".join(lines)
