"""Settings from the environment and a `.env` file.

Every setting is listed, with a comment, in `.env.example`. A missing or invalid value raises
`SettingsError`, whose message names the variable and gives an example value.

The variables are read as text (the environment wins over `.env`, which python-dotenv parses); the readers
below turn each field's text into its value (a field of plain text has none); each field names its variable and
holds its only default. No settings library: pydantic took a tenth of `duban score`'s time to import and to
build its schema, only to call these readers.
`Settings` is a frozen dataclass: the console copies it with dataclasses.replace.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deadlines.policy import ReminderPolicy
from deadlines.workdays import HOLIDAY_RULES, WorkdayCalendar


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is meant for the operator."""


DEFAULT_DATABASE_URL = "sqlite:///duban.db"
_OFF = ("off", "no", "false", "0")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token
_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        (
            ("mon", "monday", "周一", "星期一"),
            ("tue", "tuesday", "周二", "星期二"),
            ("wed", "wednesday", "周三", "星期三"),
            ("thu", "thursday", "周四", "星期四"),
            ("fri", "friday", "周五", "星期五"),
            ("sat", "saturday", "周六", "星期六"),
            ("sun", "sunday", "周日", "星期日", "周天", "星期天"),
        )
    )
    for name in names
}


def _env(variable: str, default: Any, **rules: Any) -> Any:
    """A field read from `variable`; `rules` (example, between, can_be_off) are read by its validator."""
    return field(default=default, metadata={"env": variable, **rules})


@dataclass(frozen=True)
class Settings:
    token: str | None = _env("TELEGRAM_BOT_TOKEN", None)
    api_base_url: str | None = _env("TELEGRAM_API_BASE_URL", None, example="http://127.0.0.1:8081/bot")
    file_base_url: str | None = _env("TELEGRAM_FILE_BASE_URL", None, example="http://127.0.0.1:8081/file/bot")
    # DingTalk (钉钉): an enterprise internal app's robot in Stream mode; all three or none (README "DingTalk").
    dingtalk_client_id: str | None = _env("DINGTALK_CLIENT_ID", None)
    dingtalk_client_secret: str | None = _env("DINGTALK_CLIENT_SECRET", None)
    dingtalk_robot_code: str | None = _env("DINGTALK_ROBOT_CODE", None)
    dingtalk_card_template_id: str | None = _env("DINGTALK_CARD_TEMPLATE_ID", None)  # None: typed choices
    dingtalk_api_base_url: str = _env(
        "DINGTALK_API_BASE_URL", "https://api.dingtalk.com", example="http://127.0.0.1:8090"
    )
    dingtalk_oapi_base_url: str = _env(
        "DINGTALK_OAPI_BASE_URL", "https://oapi.dingtalk.com", example="http://127.0.0.1:8090"
    )
    dingtalk_read_poll_seconds: int = _env("DINGTALK_READ_POLL_SECONDS", 300, between=(1, 3600))
    database_url: str = _env("DATABASE_URL", DEFAULT_DATABASE_URL)
    timezone: ZoneInfo = _env("DUBAN_TIMEZONE", ZoneInfo("Asia/Shanghai"))
    admins: frozenset[int] = _env("DUBAN_ADMINS", frozenset())  # the Telegram user ids in DUBAN_ADMINS
    admin_accounts: tuple[str, ...] = _env("DUBAN_ADMINS", ())  # its "dingtalk:USERID" entries
    log_level: str = _env("DUBAN_LOG_LEVEL", "INFO")
    remind_lead_days: tuple[int, ...] = _env("DUBAN_REMIND_LEAD_DAYS", (30, 7, 3, 1))
    remind_at: time = _env("DUBAN_REMIND_AT", time(9, 0))
    escalate_after: int = _env("DUBAN_ESCALATE_AFTER", 3, between=(1, 60))
    # A period counted in calendar days whose last day is a day off: civil-code | rest-day | as-counted.
    holiday_rule: str = _env("DUBAN_HOLIDAY_RULE", "civil-code")
    digest_at: time | None = _env("DUBAN_DIGEST_AT", time(9, 0), can_be_off=True)
    reminders_enabled: bool = _env("DUBAN_REMINDERS", True)
    evidence_dir: Path = _env("DUBAN_EVIDENCE_DIR", Path("evidence"))
    # The office's rule for reports: False lets a report be confirmed without a photo or file.
    evidence_required: bool = _env("DUBAN_EVIDENCE_REQUIRED", False)
    # Deployment (README "Deployment"): webhook mode, the scheduler lease, the testing clock.
    webhook_listen: str = _env("DUBAN_WEBHOOK_LISTEN", "127.0.0.1")
    webhook_port: int = _env("DUBAN_WEBHOOK_PORT", 8443, between=(1, 65535))
    webhook_secret: str | None = _env("DUBAN_WEBHOOK_SECRET", None)  # None: derived, effective_webhook_secret()
    scheduler_lease_seconds: int = _env("DUBAN_SCHEDULER_LEASE_SECONDS", 30, between=(3, 600))
    scheduler_tick_seconds: int = _env("DUBAN_SCHEDULER_TICK_SECONDS", 60, between=(1, 3600))
    clock_file: Path | None = _env("DUBAN_CLOCK_FILE", None)  # testing aid only: the time is read from this file
    # The office's weekly report (reports/weekly.py): (weekday 0=Monday, local time), or None when off.
    weekly_at: tuple[int, time] | None = _env("DUBAN_WEEKLY_AT", (0, time(9, 0)))
    # The office's own .docx templates (circular.docx, notice.docx) in place of data/templates/'s.
    template_dir: Path | None = _env("DUBAN_TEMPLATE_DIR", None, example="/srv/duban/templates")

    @property
    def timezone_name(self) -> str:
        return self.timezone.key

    @property
    def dingtalk_configured(self) -> bool:
        return bool(self.dingtalk_client_id and self.dingtalk_client_secret and self.dingtalk_robot_code)

    def dingtalk_missing(self) -> list[str]:
        """The DingTalk variables still empty when some are set: all three are needed."""
        given = {
            "DINGTALK_CLIENT_ID": self.dingtalk_client_id,
            "DINGTALK_CLIENT_SECRET": self.dingtalk_client_secret,
            "DINGTALK_ROBOT_CODE": self.dingtalk_robot_code,
        }
        return [name for name, value in given.items() if not value] if any(given.values()) else []

    def effective_webhook_secret(self) -> str:
        """The X-Telegram-Bot-Api-Secret-Token Telegram must send: the setting, else one derived from the
        token, so every replica with the same token agrees without another secret to distribute."""
        if self.webhook_secret:
            return self.webhook_secret
        if not self.token:
            raise SettingsError("DUBAN_WEBHOOK_SECRET: no secret and no TELEGRAM_BOT_TOKEN to derive one from")
        return hmac.new(self.token.encode(), b"duban webhook secret", hashlib.sha256).hexdigest()

    def calendar(self) -> WorkdayCalendar:
        """China's working-day calendar (data/holidays/), reading periods by the office's DUBAN_HOLIDAY_RULE."""
        return WorkdayCalendar(holiday_rule=self.holiday_rule)

    def reminder_policy(self) -> ReminderPolicy:
        return ReminderPolicy(
            lead_workdays=self.remind_lead_days,
            send_at=self.remind_at,
            escalate_after_workdays=self.escalate_after,
            digest_at=self.digest_at or time(9, 0),
            digest_enabled=self.digest_at is not None,
        )


_ACCOUNT_PREFIXES = ("dingtalk:", "DingTalk:", "DINGTALK:")

# What turns a field's text (stripped, never empty) into its value, raising SettingsError worded for the operator;
# given the field itself for its variable, default and rules. A field without a reader is plain text.
Reader = Callable[[str, Field[Any]], Any]
_READERS: dict[str, Reader] = {}


def _reads(*names: str) -> Callable[[Reader], Reader]:
    def register(reader: Reader) -> Reader:
        _READERS.update(dict.fromkeys(names, reader))
        return reader

    return register


@_reads("token")
def _token(raw: str, spec: Field[Any]) -> str:
    if ":" not in raw:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN: does not look like a BotFather token; "
            "example: TELEGRAM_BOT_TOKEN=123456789:AAE-your-token-from-BotFather"
        )
    return raw


@_reads("api_base_url", "file_base_url", "dingtalk_api_base_url", "dingtalk_oapi_base_url")
def _url(raw: str, spec: Field[Any]) -> str:
    if not raw.startswith(("http://", "https://")):
        name, example = spec.metadata["env"], spec.metadata["example"]
        raise SettingsError(f"{name}: {raw!r} is not an http(s) URL; example: {name}={example}")
    return raw


@_reads("database_url")
def _database_url(raw: str, spec: Field[Any]) -> str:
    if "://" not in raw:
        raise SettingsError(
            f"DATABASE_URL: {raw!r} is not a database URL; examples: DATABASE_URL=sqlite:///duban.db "
            "or DATABASE_URL=postgresql+psycopg://duban:secret@127.0.0.1/duban"
        )
    return raw


@_reads("timezone")
def _timezone(raw: str, spec: Field[Any]) -> ZoneInfo:
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"DUBAN_TIMEZONE: unknown time zone {raw!r}; example: DUBAN_TIMEZONE=Asia/Shanghai"
        ) from None


@_reads("admins")
def _admins(raw: str, spec: Field[Any]) -> frozenset[int]:
    ids = set()
    for part in _admin_entries(raw):
        if part.startswith(_ACCOUNT_PREFIXES):
            continue  # read by admin_accounts
        try:
            ids.add(int(part))
        except ValueError:
            raise SettingsError(
                f"DUBAN_ADMINS: {part!r} is neither a Telegram user id nor dingtalk:USERID; "
                "expected comma-separated entries, e.g. DUBAN_ADMINS=123456789,dingtalk:manager4711"
            ) from None
    return frozenset(ids)


@_reads("admin_accounts")
def _admin_accounts(raw: str, spec: Field[Any]) -> tuple[str, ...]:
    found = []
    for part in _admin_entries(raw):
        channel, colon, external_id = part.partition(":")
        if not colon:
            continue  # a Telegram id, read by admins
        if not part.startswith(_ACCOUNT_PREFIXES) or not external_id.strip():
            raise SettingsError(
                f"DUBAN_ADMINS: {part!r} is not dingtalk:USERID (the person's userId in DingTalk's "
                "address book); example: DUBAN_ADMINS=dingtalk:manager4711"
            )
        found.append(f"{channel.lower()}:{external_id.strip()}")
    return tuple(sorted(set(found)))


@_reads("log_level")
def _log_level(raw: str, spec: Field[Any]) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError(f"DUBAN_LOG_LEVEL: {level!r} is not a level; example: DUBAN_LOG_LEVEL=INFO")
    return level


@_reads("holiday_rule")
def _holiday_rule(raw: str, spec: Field[Any]) -> str:
    if raw.lower() not in HOLIDAY_RULES:
        raise SettingsError(
            f"DUBAN_HOLIDAY_RULE: {raw!r} is not one of {', '.join(HOLIDAY_RULES)}; "
            "example: DUBAN_HOLIDAY_RULE=civil-code"
        )
    return raw.lower()


@_reads("remind_lead_days")
def _lead_days(raw: str, spec: Field[Any]) -> tuple[int, ...]:
    try:
        days = tuple(sorted({int(part) for part in raw.split(",") if part.strip()}, reverse=True))
    except ValueError:
        days = ()
    if not days or min(days) < 1:
        raise SettingsError(
            f"DUBAN_REMIND_LEAD_DAYS: {raw!r} is not a list of working days; example: DUBAN_REMIND_LEAD_DAYS=30,7,3,1"
        )
    return days


@_reads("remind_at", "digest_at")
def _time_of_day(raw: str, spec: Field[Any]) -> time | None:
    can_be_off = spec.metadata.get("can_be_off", False)
    if can_be_off and raw.lower() in _OFF:
        return None
    try:
        return _clock_time(raw)
    except ValueError:
        name, extra = spec.metadata["env"], " or off" if can_be_off else ""
        raise SettingsError(f"{name}: {raw!r} is not a time of day; example: {name}=09:00{extra}") from None


@_reads(
    "escalate_after",
    "webhook_port",
    "scheduler_lease_seconds",
    "scheduler_tick_seconds",
    "dingtalk_read_poll_seconds",
)
def _whole_number(raw: str, spec: Field[Any]) -> int:
    (low, high), name = spec.metadata["between"], spec.metadata["env"]
    if not raw.isdecimal() or not low <= int(raw) <= high:
        raise SettingsError(f"{name}: {raw!r} is not a whole number {low}..{high}; example: {name}={spec.default}")
    return int(raw)


@_reads("reminders_enabled")
def _on_off(raw: str, spec: Field[Any]) -> bool:
    return raw.lower() not in _OFF  # only an explicit off stops them: reminders are the point of the bot


@_reads("evidence_required")
def _yes_no(raw: str, spec: Field[Any]) -> bool:
    if raw.lower() in ("on", "yes", "true", "1"):
        return True
    if raw.lower() in _OFF:
        return False
    name = spec.metadata["env"]
    raise SettingsError(f"{name}: {raw!r} is neither yes nor no; example: {name}=no")


@_reads("webhook_secret")
def _webhook_secret(raw: str, spec: Field[Any]) -> str:
    if not _WEBHOOK_SECRET.match(raw):
        raise SettingsError(
            "DUBAN_WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and - only; "
            "example: DUBAN_WEBHOOK_SECRET=Xk3_long-random-string (or leave it empty)"
        )
    return raw


@_reads("evidence_dir", "clock_file")
def _path(raw: str, spec: Field[Any]) -> Path:
    return Path(raw)


@_reads("template_dir")
def _folder(raw: str, spec: Field[Any]) -> Path:
    if not Path(raw).is_dir():
        name, example = spec.metadata["env"], spec.metadata["example"]
        raise SettingsError(f"{name}: {raw!r} is not a folder; example: {name}={example}")
    return Path(raw)


@_reads("weekly_at")
def _weekly(raw: str, spec: Field[Any]) -> tuple[int, time] | None:
    raw = raw.lower()
    if raw in _OFF:
        return None
    parts = raw.split()
    if len(parts) == 2 and parts[0] in _WEEKDAYS:
        try:
            return (_WEEKDAYS[parts[0]], _clock_time(parts[1]))
        except ValueError:
            pass
    raise SettingsError(
        f"DUBAN_WEEKLY_AT: {raw!r} is not a weekday and a time; example: DUBAN_WEEKLY_AT=mon 09:00 (or off)"
    )


def _admin_entries(raw: str) -> list[str]:
    return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]


def _clock_time(text: str) -> time:
    """A time of day such as 09:00; ValueError for anything else."""
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


_FIELDS: dict[str, Field[Any]] = {f.name: f for f in fields(Settings)}
VARIABLES: dict[str, str] = {name: f.metadata["env"] for name, f in _FIELDS.items()}  # field -> variable


def _variables(dotenv_path: str | Path | None) -> dict[str, str]:
    """The text of each of our variables that is set: the environment's, else the `.env` file's. Names match
    case and all; other `.env` lines are not ours to reject; a name without `=` in `.env` is not set.

    This is what pydantic-settings read (tests/test_config.py compares the two), without importing it on
    every start: it pulls in asyncio and its settings sources, a tenth of `duban score`'s time."""
    found: dict[str, str | None] = {}
    if dotenv_path is not None:
        path = Path(dotenv_path).expanduser()
        if path.is_file() or path.is_fifo():
            from dotenv import dotenv_values  # the parser loads only when there is a file to parse

            found.update(dotenv_values(path, encoding="utf-8"))
    found.update(os.environ)
    return {variable: value for variable in VARIABLES.values() if (value := found.get(variable)) is not None}


def load_settings(env: Mapping[str, str] | None = None, dotenv_path: str | Path | None = ".env") -> Settings:
    """Read settings. With `env` given, only that mapping is read (tests); else os.environ over `.env`."""
    if env is None:
        env = _variables(dotenv_path)
    # An empty value means the default, like the empty lines of .env.example.
    text = {name: env[var].strip() for name, var in VARIABLES.items() if env.get(var, "").strip()}
    # Field by field in their order: the first bad one is the one named.
    return Settings(**{name: _value(name, raw) for name, raw in text.items()})


def _value(name: str, raw: str) -> Any:
    reader = _READERS.get(name)
    return raw if reader is None else reader(raw, _FIELDS[name])
