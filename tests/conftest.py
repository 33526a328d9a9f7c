"""Shared fixtures: a real SQLite file per test, a fake clock, the bundled letter."""

from __future__ import annotations

import gc
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deadlines.clock import FakeClock
from storage import migrate
from storage.db import Database
from tests import backends

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _collector_as_usual():
    """bot.cli.main() leaves what a command's start set aside from the collector (gc.freeze) so, as the
    command's process ends with it (bot/cli/common.starting); this process goes on: each test gives it back."""
    yield
    gc.unfreeze()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request, tmp_path: Path):
    """Every test that touches storage runs on both backends."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'duban-test.db'}"
        return
    reason = backends.postgres_unavailable()
    if reason:
        pytest.skip(reason)
    url = backends.create_postgres_database()
    yield url
    backends.drop_postgres_database(url)


@pytest.fixture
def db(database_url: str):
    database = Database(database_url)
    migrate.upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2022, 9, 5, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path):
    """Run `bot.cli.main` against the test database, with no .env from the developer's folder."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_FILE_BASE_URL", "DUBAN_ADMINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url
