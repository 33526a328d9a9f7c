"""Test databases on both backends: a real SQLite file, and a fresh database on a real PostgreSQL server.

PostgreSQL runs when DUBAN_TEST_POSTGRES_URL names a server account that may create databases, e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/postgres (CI sets it); otherwise those tests are skipped
with the reason shown.
"""

from __future__ import annotations

import functools
import os
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ENV = "DUBAN_TEST_POSTGRES_URL"


@functools.lru_cache(maxsize=1)
def postgres_unavailable() -> str | None:
    url = os.environ.get(ENV, "").strip()
    if not url:
        return f"PostgreSQL tests skipped: set {ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)"
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to reach the server is a reason to skip, shown as such
        return f"PostgreSQL tests skipped: {ENV} is set but the server is not reachable ({type(exc).__name__}: {exc})"
    return None


def create_postgres_database() -> str:
    admin = make_url(os.environ[ENV])
    name = f"duban_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    admin = make_url(os.environ[ENV])
    name = make_url(url).database
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
