"""Settings from the environment and a `.env` file.

Every setting is listed, with a comment, in `.env.example`. A missing or invalid value raises
`SettingsError`, whose message names the variable and gives an example value.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is meant for the operator."""


DEFAULT_DATABASE_URL = "sqlite:///duban.db"


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_base_url: str | None
    file_base_url: str | None
    database_url: str
    timezone: ZoneInfo
    admins: frozenset[int] = field(default_factory=frozenset)
    log_level: str = "INFO"
    remind_lead_days: tuple[int, ...] = (30, 7, 3, 1)
    remind_at: time = time(9, 0)
    escalate_after: int = 3
    digest_at: time | None = time(9, 0)
    reminders_enabled: bool = True
    evidence_dir: Path = Path("evidence")
    # Deployment (README "Deployment"): webhook mode, the scheduler lease, the testing clock.
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = None  # None: derived from the token, see effective_webhook_secret()
    scheduler_lease_seconds: int = 30
    scheduler_tick_seconds: int = 60
    clock_file: Path | None = None  # testing aid only: the time is read from this file
    # The office's weekly report (reports/weekly.py): (weekday 0=Monday, local time), or None when off.
    weekly_at: tuple[int, time] | None = (0, time(9, 0))

    @property
    def timezone_name(self) -> str:
        return self.timezone.key

    def effective_webhook_secret(self) -> str:
        """The X-Telegram-Bot-Api-Secret-Token Telegram must send: the setting, else one derived from the
        token, so every replica with the same token agrees without another secret to distribute."""
        if self.webhook_secret:
            return self.webhook_secret
        if not self.token:
            raise SettingsError("DUBAN_WEBHOOK_SECRET: no secret and no TELEGRAM_BOT_TOKEN to derive one from")
        return hmac.new(self.token.encode(), b"duban webhook secret", hashlib.sha256).hexdigest()

    def reminder_policy(self):
        from deadlines.policy import ReminderPolicy

        return ReminderPolicy(lead_workdays=self.remind_lead_days, send_at=self.remind_at,
                              escalate_after_workdays=self.escalate_after,
                              digest_at=self.digest_at or time(9, 0), digest_enabled=self.digest_at is not None)


def _admins(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise SettingsError(
                f"DUBAN_ADMINS: {part!r} is not a Telegram user id; "
                "expected comma-separated numbers, e.g. DUBAN_ADMINS=123456789,987654321"
            ) from None
    return frozenset(ids)


def _time(name: str, raw: str | None, default: time | None, allow_off: bool = False) -> time | None:
    raw = (raw or "").strip()
    if not raw:
        return default
    if allow_off and raw.lower() in ("off", "no", "false", "0"):
        return None
    try:
        hours, minutes = raw.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        extra = " or off" if allow_off else ""
        raise SettingsError(f"{name}: {raw!r} is not a time of day; example: {name}=09:00{extra}") from None


def _lead_days(raw: str | None) -> tuple[int, ...]:
    raw = (raw or "").strip()
    if not raw:
        return (30, 7, 3, 1)
    try:
        days = tuple(sorted({int(x) for x in raw.split(",") if x.strip()}, reverse=True))
    except ValueError:
        days = ()
    if not days or min(days) < 1:
        raise SettingsError(f"DUBAN_REMIND_LEAD_DAYS: {raw!r} is not a list of working days; "
                            "example: DUBAN_REMIND_LEAD_DAYS=30,7,3,1")
    return days


def _int(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    raw = (raw or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SettingsError(f"{name}: {raw!r} is not a whole number {low}..{high}; example: {name}={default}")
    return int(raw)


def _url(name: str, raw: str | None, example: str) -> str | None:
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    if not raw.startswith(("http://", "https://")):
        raise SettingsError(f"{name}: {raw!r} is not an http(s) URL; example: {name}={example}")
    return raw


_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token


def _webhook_secret(raw: str | None) -> str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not _WEBHOOK_SECRET.match(raw):
        raise SettingsError("DUBAN_WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and - only; "
                            "example: DUBAN_WEBHOOK_SECRET=Xk3_long-random-string (or leave it empty)")
    return raw


def _optional_path(raw: str | None) -> Path | None:
    raw = (raw or "").strip()
    return Path(raw) if raw else None


_WEEKDAYS = {name: i for i, names in enumerate((
    ("mon", "monday", "周一", "星期一"), ("tue", "tuesday", "周二", "星期二"), ("wed", "wednesday", "周三", "星期三"),
    ("thu", "thursday", "周四", "星期四"), ("fri", "friday", "周五", "星期五"), ("sat", "saturday", "周六", "星期六"),
    ("sun", "sunday", "周日", "星期日", "周天", "星期天"))) for name in names}


def _weekly(raw: str | None) -> tuple[int, time] | None:
    raw = (raw or "").strip().lower()
    if not raw:
        return (0, time(9, 0))
    if raw in ("off", "no", "false", "0"):
        return None
    parts = raw.split()
    if len(parts) == 2 and parts[0] in _WEEKDAYS:
        try:
            return (_WEEKDAYS[parts[0]], _time("DUBAN_WEEKLY_AT", parts[1], None))
        except SettingsError:
            pass
    raise SettingsError(f"DUBAN_WEEKLY_AT: {raw!r} is not a weekday and a time; "
                        "example: DUBAN_WEEKLY_AT=mon 09:00 (or off)")


def load_settings(env: dict[str, str] | None = None, dotenv_path: str | Path | None = ".env") -> Settings:
    """Read settings. With `env` given, only that mapping is read (tests); else os.environ after `.env`."""
    if env is None:
        if dotenv_path is not None:
            load_dotenv(dotenv_path, override=False)
        env = dict(os.environ)

    tz_name = env.get("DUBAN_TIMEZONE", "").strip() or "Asia/Shanghai"
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"DUBAN_TIMEZONE: unknown time zone {tz_name!r}; example: DUBAN_TIMEZONE=Asia/Shanghai"
        ) from None

    db_url = env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    if "://" not in db_url:
        raise SettingsError(
            f"DATABASE_URL: {db_url!r} is not a database URL; examples: DATABASE_URL=sqlite:///duban.db "
            "or DATABASE_URL=postgresql+psycopg://duban:secret@127.0.0.1/duban"
        )

    level = env.get("DUBAN_LOG_LEVEL", "").strip().upper() or "INFO"
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise SettingsError(f"DUBAN_LOG_LEVEL: {level!r} is not a level; example: DUBAN_LOG_LEVEL=INFO")

    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if token is not None and ":" not in token:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN: does not look like a BotFather token; "
            "example: TELEGRAM_BOT_TOKEN=123456789:AAE-your-token-from-BotFather"
        )

    return Settings(
        token=token,
        api_base_url=_url("TELEGRAM_API_BASE_URL", env.get("TELEGRAM_API_BASE_URL"), "http://127.0.0.1:8081/bot"),
        file_base_url=_url("TELEGRAM_FILE_BASE_URL", env.get("TELEGRAM_FILE_BASE_URL"), "http://127.0.0.1:8081/file/bot"),
        database_url=db_url,
        timezone=tz,
        admins=_admins(env.get("DUBAN_ADMINS", "")),
        log_level=level,
        remind_lead_days=_lead_days(env.get("DUBAN_REMIND_LEAD_DAYS")),
        remind_at=_time("DUBAN_REMIND_AT", env.get("DUBAN_REMIND_AT"), time(9, 0)),
        escalate_after=_int("DUBAN_ESCALATE_AFTER", env.get("DUBAN_ESCALATE_AFTER"), 3, 1, 60),
        digest_at=_time("DUBAN_DIGEST_AT", env.get("DUBAN_DIGEST_AT"), time(9, 0), allow_off=True),
        reminders_enabled=(env.get("DUBAN_REMINDERS", "on").strip().lower() not in ("off", "no", "false", "0")),
        evidence_dir=Path(env.get("DUBAN_EVIDENCE_DIR", "").strip() or "evidence"),
        webhook_listen=env.get("DUBAN_WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
        webhook_port=_int("DUBAN_WEBHOOK_PORT", env.get("DUBAN_WEBHOOK_PORT"), 8443, 1, 65535),
        webhook_secret=_webhook_secret(env.get("DUBAN_WEBHOOK_SECRET")),
        scheduler_lease_seconds=_int("DUBAN_SCHEDULER_LEASE_SECONDS", env.get("DUBAN_SCHEDULER_LEASE_SECONDS"),
                                     30, 3, 600),
        scheduler_tick_seconds=_int("DUBAN_SCHEDULER_TICK_SECONDS", env.get("DUBAN_SCHEDULER_TICK_SECONDS"),
                                    60, 1, 3600),
        clock_file=_optional_path(env.get("DUBAN_CLOCK_FILE")),
        weekly_at=_weekly(env.get("DUBAN_WEEKLY_AT")),
    )
