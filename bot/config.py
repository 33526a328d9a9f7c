"""Settings from the environment and a `.env` file.

Every setting is listed, with a comment, in `.env.example`. A missing or invalid value raises
`SettingsError`, whose message names the variable and gives an example value.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
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

    @property
    def timezone_name(self) -> str:
        return self.timezone.key


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


def _url(name: str, raw: str | None, example: str) -> str | None:
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    if not raw.startswith(("http://", "https://")):
        raise SettingsError(f"{name}: {raw!r} is not an http(s) URL; example: {name}={example}")
    return raw


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
    )
