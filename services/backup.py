"""Backup and restore: the database and the evidence files in one .tar.gz, portable between SQLite and
PostgreSQL (a backup of one restores into the other).

    manifest.json        format, schema revision, when, from which backend, row counts, evidence files
    tables/<name>.jsonl  one JSON object per row, by column name; datetimes ISO 8601 in UTC, dates ISO;
                         in JSON columns a stored JSON null is {"$json": null} (SQL NULL is plain null)
    evidence/<path>      the evidence folder (DUBAN_EVIDENCE_DIR), relative paths kept

Tables are read and written by reflection, so a backup holds the schema revision it was made at and a
restore builds exactly that schema, loads the rows, then runs the migrations up to this code's head.
A backup never changes the database. Who is running right now (the scheduler lease, bot processes) is
not data and is left out.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path, PurePosixPath
from typing import IO

from alembic import command
from sqlalchemy import JSON, MetaData, func, select, text
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Connection
from sqlalchemy.schema import sort_tables_and_constraints

from storage import migrate
from storage.db import Database

FORMAT, FORMAT_VERSION = "duban-backup", 1
# change_stamps: a cache key the migration creates and triggers keep; a restored database gets a fresh one.
RUNTIME_TABLES = frozenset({"alembic_version", "scheduler_leases", "bot_processes", "change_stamps"})
BATCH = 500


class BackupError(Exception):
    """Refused or impossible; the message says why and what to do."""


@dataclass
class Summary:
    revision: str
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0
    upgraded_to: str | None = None  # restore: the head it was migrated to afterwards
    replaced: list[str] = field(default_factory=list)  # restore --force: what was there before

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# -- values ------------------------------------------------------------------------------------------
def _encode(value, column_type):
    if isinstance(column_type, sqltypes.JSON):
        return value
    if isinstance(value, datetime):  # our datetime columns hold UTC; SQLite returns them naive
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return value


def _decode(value, column_type):
    if value is None:
        return None
    if isinstance(column_type, sqltypes.JSON):
        if isinstance(value, dict) and set(value) == {"$json"}:
            return JSON.NULL if value["$json"] is None else value["$json"]
        return value
    if isinstance(column_type, sqltypes.DateTime):
        return datetime.fromisoformat(value).astimezone(UTC)
    if isinstance(column_type, sqltypes.Date):
        return date.fromisoformat(value)
    if isinstance(column_type, sqltypes.Time):
        return time.fromisoformat(value)
    return value


def _reflect(conn: Connection) -> list:
    metadata = MetaData()
    metadata.reflect(conn)
    return [t for t in metadata.sorted_tables if t.name not in RUNTIME_TABLES]


def _rows(conn: Connection, table):
    """Rows in primary-key order; a JSON column's stored JSON null is told apart from SQL NULL."""
    json_cols = [c for c in table.columns if isinstance(c.type, sqltypes.JSON)]
    flags = [c.is_(None).label(f"__sql_null_{c.name}") for c in json_cols]
    query = select(*table.columns, *flags).order_by(*(table.primary_key.columns or table.columns))
    for row in conn.execute(query).mappings():
        out = {c.name: _encode(row[c.name], c.type) for c in table.columns}
        for c in json_cols:
            value = row[c.name]
            if (value is None and not row[f"__sql_null_{c.name}"]) or (
                isinstance(value, dict) and set(value) == {"$json"}
            ):
                out[c.name] = {"$json": value}
        yield out


# -- backup ------------------------------------------------------------------------------------------
def backup(db: Database, evidence_dir: Path, target: Path, now: datetime) -> Summary:
    if target.exists():
        raise BackupError(f"{target} exists already; give a new file name")
    revision = migrate.current_revision(db)
    if revision is None:
        raise BackupError("the database has no schema yet: nothing to back up")
    summary = Summary(revision)
    partial = target.with_name(target.name + ".partial")
    try:
        with tarfile.open(partial, "w:gz") as tar, tempfile.TemporaryDirectory() as scratch:
            with _snapshot(db) as conn:
                for table in _reflect(conn):
                    path = Path(scratch) / f"{table.name}.jsonl"
                    with open(path, "w", encoding="utf-8") as out:
                        count = 0
                        for row in _rows(conn, table):
                            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
                            count += 1
                    tar.add(path, arcname=f"tables/{table.name}.jsonl")
                    summary.tables[table.name] = count
            for path in _evidence_files(evidence_dir):
                tar.add(path, arcname=f"evidence/{path.relative_to(evidence_dir).as_posix()}", recursive=False)
                summary.files += 1
                summary.file_bytes += path.stat().st_size
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema_revision": revision,
                "created_at": now.isoformat(),
                "backend": db.engine.dialect.name,
                "tables": summary.tables,
                "evidence_files": summary.files,
                "evidence_bytes": summary.file_bytes,
            }
            manifest_path = Path(scratch) / "manifest.json"
            manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            tar.add(manifest_path, arcname="manifest.json")
        os.replace(partial, target)  # never a half-written archive under the real name
    finally:
        partial.unlink(missing_ok=True)
    return summary


class _snapshot:
    """One consistent view of every table while the bot keeps writing."""

    def __init__(self, db: Database):
        self.db = db

    def __enter__(self) -> Connection:
        if self.db.engine.dialect.name == "postgresql":
            self.conn = self.db.engine.connect().execution_options(isolation_level="REPEATABLE READ")
        else:
            self.conn = self.db.engine.connect()
            self.conn.exec_driver_sql("BEGIN")  # SQLite (WAL): reads inside one transaction share a snapshot
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.rollback()
        self.conn.close()


def _evidence_files(evidence_dir: Path) -> list[Path]:
    if not evidence_dir.is_dir():
        return []
    return sorted(p for p in evidence_dir.rglob("*") if p.is_file() and not p.is_symlink())


# -- restore -----------------------------------------------------------------------------------------
def _member(tar: tarfile.TarFile, member: str | tarfile.TarInfo) -> IO[bytes]:
    """A regular file's bytes; a member that is not one (a link, a folder) is refused."""
    found = tar.extractfile(member)
    if found is None:
        raise KeyError(f"{member} is not a file")
    return found


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = json.load(_member(tar, "manifest.json"))
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as exc:
        raise BackupError(f"{archive} is not a duban backup ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a duban backup (format {manifest.get('format')!r})")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(
            f"{archive} was written by a newer duban (backup format {manifest['format_version']}); "
            "upgrade duban to restore it"
        )
    return manifest


def what_is_there(db: Database, evidence_dir: Path) -> list[str]:
    """What a restore would replace: tables holding rows, evidence files."""
    found = []
    if _any_table(db):
        with db.engine.connect() as conn:
            for table in _reflect(conn):
                count = conn.execute(select(func.count()).select_from(table)).scalar_one()
                if count:
                    found.append(f"{table.name} ({count} rows)")
    files = _evidence_files(evidence_dir)
    if files:
        found.append(f"{len(files)} evidence files in {evidence_dir}")
    return found


def _any_table(db: Database) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(db.engine).get_table_names())


def restore(
    db: Database, evidence_dir: Path, archive: Path, force: bool = False, now: datetime | None = None
) -> Summary:
    manifest = read_manifest(archive)
    revision, head = manifest["schema_revision"], migrate.head_revision()
    if revision not in migrate.revision_history():
        raise BackupError(
            f"the backup's schema ({revision}) is newer than this duban's ({head}): upgrade duban, then restore"
        )
    present = what_is_there(db, evidence_dir)
    if present and not force:
        raise BackupError(
            "the target is not empty: "
            + "; ".join(present)
            + ". Restore into an empty database, or pass --force to replace it (the database "
            "is replaced, the evidence folder moved aside, nothing deleted from disk)"
        )
    summary = Summary(revision, replaced=present)
    evidence_dir.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=".restoring-", dir=evidence_dir.parent))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            summary.files, summary.file_bytes = _extract_evidence(tar, incoming)
            with db.engine.begin() as conn:  # all or nothing: schema, rows, migrations
                _drop_everything(conn)
                _migrate(conn, db.url, revision)
                summary.tables = _Loader(conn, tar).load_all()
                if conn.dialect.name == "postgresql":
                    _reset_sequences(conn)
                _migrate(conn, db.url, "head")
        summary.upgraded_to = head if head != revision else None
        if evidence_dir.exists():
            stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = evidence_dir.with_name(f"{evidence_dir.name}.before-restore-{stamp}")
            evidence_dir.rename(aside)
            summary.replaced.append(f"evidence folder moved to {aside}")
        incoming.rename(evidence_dir)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    return summary


def _extract_evidence(tar: tarfile.TarFile, into: Path) -> tuple[int, int]:
    files = size = 0
    for member in tar.getmembers():
        if not member.name.startswith("evidence/") or not member.isfile():
            continue
        relative = PurePosixPath(member.name).relative_to("evidence")
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise BackupError(f"refusing a file outside the evidence folder in the backup: {member.name}")
        target = into.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with _member(tar, member) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.utime(target, (member.mtime, member.mtime))
        files, size = files + 1, size + member.size
    return files, size


def _drop_everything(conn: Connection) -> None:
    metadata = MetaData()
    metadata.reflect(conn)
    metadata.drop_all(conn)
    if conn.dialect.name == "postgresql":  # the triggers went with their tables; their functions did not
        for function in ("duban_touch_letter_data", "duban_letter_data_written", "duban_stamp_letter_data"):
            conn.execute(text(f"DROP FUNCTION IF EXISTS {function}()"))


def _migrate(conn: Connection, url: str, revision: str) -> None:
    cfg = migrate.alembic_config(url)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


class _Loader:
    """Loads the rows of every table, parents before children. Foreign keys that no table order can
    satisfy (a table pointing at itself, or cycles) are loaded as NULL and set once every row is in."""

    def __init__(self, conn: Connection, tar: tarfile.TarFile):
        self.conn, self.tar = conn, tar
        self.deferred: list[tuple] = []  # (table, pk columns, fk column, [(pk values, value)])

    def load_all(self) -> dict[str, int]:
        order, cyclic = [], set()
        for table, fkcs in sort_tables_and_constraints(_reflect(self.conn)):
            if table is not None:
                order.append(table)
            else:
                cyclic.update(fkcs)
        for table in order:
            for fk in table.foreign_key_constraints:
                if fk.referred_table is table or fk in cyclic:
                    self.deferred += [(table, list(table.primary_key.columns), c, []) for c in fk.columns]
        counts = {table.name: self._load(table) for table in order}
        for table, pk_cols, column, later in self.deferred:
            for pk_values, value in later:
                where = [c == v for c, v in zip(pk_cols, pk_values, strict=True)]
                self.conn.execute(table.update().where(*where).values({column.name: value}))
        return counts

    def _load(self, table) -> int:
        try:
            stream = _member(self.tar, f"tables/{table.name}.jsonl")
        except KeyError:
            return 0  # a table the backup did not hold (e.g. a runtime table): stays empty
        deferred = [d for d in self.deferred if d[0] is table]
        for column in table.columns:  # None means SQL NULL; a stored JSON null comes as JSON.NULL
            if isinstance(column.type, sqltypes.JSON):
                column.type = JSON(none_as_null=True)
        count, batch = 0, []
        for line in stream:
            raw = json.loads(line)
            row = {c.name: _decode(raw.get(c.name), c.type) for c in table.columns}
            for _, pk_cols, column, later in deferred:
                if row[column.name] is not None:
                    later.append(([row[c.name] for c in pk_cols], row[column.name]))
                    row[column.name] = None
            batch.append(row)
            if len(batch) >= BATCH:
                self.conn.execute(table.insert(), batch)
                count, batch = count + len(batch), []
        if batch:
            self.conn.execute(table.insert(), batch)
            count += len(batch)
        return count


def _reset_sequences(conn: Connection) -> None:
    """Rows came with their ids: move each id sequence past the largest, or the next insert collides."""
    for table in _reflect(conn):
        for column in table.primary_key.columns:
            if not isinstance(column.type, sqltypes.Integer):
                continue
            sequence = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence:
                conn.execute(
                    text(
                        f'SELECT setval(:s, COALESCE(MAX("{column.name}"), 1), MAX("{column.name}") '
                        f'IS NOT NULL) FROM "{table.name}"'
                    ),
                    {"s": sequence},
                )
