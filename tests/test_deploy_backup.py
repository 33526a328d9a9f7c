"""Backup -> wipe -> restore gives identical data (every table, evidence files), on both backends and
across them; a backup from a newer duban, a non-empty target and a running bot are refused."""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import JSON, MetaData, select
from telegram import Bot

from bot.cli import main
from fake_bot_api import FakeBotAPI
from services.backup import RUNTIME_TABLES, BackupError, backup, read_manifest, restore
from storage import migrate
from storage.db import Database
from storage.models import (
    AuditEntry,
    Base,
    BotProcess,
    ChannelAccount,
    Contact,
    Conversation,
    Deadline,
    Department,
    Fact,
    Invite,
    Notice,
    NoticeRecipient,
    Report,
    SchedulerLease,
    Task,
    TypedChoices,
)
from tests import backends
from tests.conftest import FIXTURES, SHANGHAI
from tests.reminder_world import World

MINI = FIXTURES / "mini-letter.yaml"
LOADED = datetime(2022, 3, 18, 8, 0, tzinfo=SHANGHAI)
NOW = datetime(2022, 3, 25, 9, 30, tzinfo=SHANGHAI)


async def busy_world(database_url: str, evidence: Path) -> World:
    """A database with a row in (nearly) every table, the awkward values included, and evidence files."""
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        world.add_contacts(fake)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            runner = world.runner(bot)
            for day in (date(2022, 3, 22), date(2022, 3, 24), date(2022, 3, 25), date(2022, 3, 28)):  # 28th: overdue
                world.at(day)
                await runner.run_once()
    evidence.mkdir(parents=True)
    (evidence / "letter-mini-2022" / "3.1").mkdir(parents=True)
    (evidence / "letter-mini-2022" / "3.1" / "现场照片.jpg").write_bytes(bytes(range(256)) * 40)
    (evidence / "readme.txt").write_text("台账", encoding="utf-8")
    now = world.clock.now()
    with world.db.session() as s:
        task = s.scalar(select(Task).where(Task.code == "3.1"))
        dep = s.scalar(select(Department).where(Department.name == "自然资源局"))
        contact = s.scalar(select(Contact).where(Contact.department_id == dep.id))
        report = Report(
            task_id=task.id,
            department_id=dep.id,
            contact_id=contact.id,
            kind="progress",
            note="已盘活 600 亩 & <完成>",
            status="verified",
            occurrence_due=date(2022, 12, 31),
            submitted_by=contact.user_id,
            submitted_at=now,
            reviewed_at=now,
            measures=[{"name": "盘活存量建设用地", "value": 600.5, "unit": "亩"}],
            evidence=[{"kind": "photo", "path": "letter-mini-2022/3.1/现场照片.jpg"}],
        )
        s.add(report)
        s.flush()
        # A follow-up that points at a deadline with a higher id: loading in id order cannot satisfy it.
        deadlines = s.scalars(select(Deadline).order_by(Deadline.id)).all()
        first, last = deadlines[0], deadlines[-1]
        first.parent_id, first.triggered_by_report_id = last.id, report.id
        s.add(
            AuditEntry(
                at=now,
                actor="tg:1",
                action="report.verify",
                entity="report",
                entity_id=str(report.id),
                after={"status": "verified", "flags": [True, None, 1.5]},
            )
        )
        s.add(
            AuditEntry(
                at=now,
                actor="cli",
                action="x",
                entity="task",
                entity_id="1",
                before=JSON.NULL,
                after={"$json": "a dict that looks like our marker"},
            )
        )
        s.add(
            Invite(
                code="INV-1",
                department_id=dep.id,
                role="contact",
                created_by=999,
                created_at=now,
                expires_at=now + timedelta(days=7),
            )
        )
        s.add(
            Fact(
                letter_id=task.letter_id,
                subitem_id="3.1.1",
                values={"done": 600.5},
                source="report",
                report_id=report.id,
                set_by="tg:1",
                set_at=now,
            )
        )
        s.add(
            Conversation(
                chat_id=contact.chat_id,
                user_id=contact.user_id,
                kind="report",
                step="quantity",
                payload={"task": "3.1", "text": '第二行\n引号"', "n": None},
                updated_at=now,
            )
        )
        s.add(
            TypedChoices(
                channel="console",
                chat_id=contact.chat_id,
                choices=[["确认上报", "r:a:1"], ["取消", "x"]],
                numbered=True,
                updated_at=now,
            )
        )
        s.add(ChannelAccount(channel="dingtalk", external_id="manager4220", kind="user", name="张三", created_at=now))
        notice = Notice(
            letter_id=task.letter_id,
            task_id=task.id,
            year=2022,
            serial=1,
            departments=[dep.name],
            due=date(2022, 3, 31),
            overdue_workdays=1,
            reply_by=date(2022, 3, 30),
            requirement="同步报送“整改方案”\n& <附件>",
            issued_at=now,
            issued_by="tg:999",
        )
        s.add(notice)
        s.flush()
        s.add(
            NoticeRecipient(
                notice_id=notice.id,
                department_id=dep.id,
                contact_id=contact.id,
                chat_id=contact.chat_id,
                status="sent",
                sent_at=now,
                acknowledged_at=now,
                acknowledged_by=contact.user_id,
            )
        )
        s.add(SchedulerLease(name="reminders", holder="old:1:x", acquired_at=now, renewed_at=now, expires_at=now))
        s.add(
            BotProcess(id="old:1:x", host="old", pid=1, mode="polling", role="scheduler", started_at=now, seen_at=now)
        )
    return world


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every data table read through the models' types (not the backup's code): rows in key order, with
    datetimes in UTC and, for JSON columns, whether the value is SQL NULL."""
    result = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in RUNTIME_TABLES:
                continue
            json_cols = [c for c in table.columns if isinstance(c.type, JSON)]
            query = select(*table.columns, *(c.is_(None) for c in json_cols)).order_by(*table.primary_key.columns)
            result[table.name] = [tuple(_plain(v) for v in row) for row in conn.execute(query)]
    return result


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def wipe(db: Database, evidence: Path) -> None:
    metadata = MetaData()
    metadata.reflect(db.engine)
    metadata.drop_all(db.engine)
    shutil.rmtree(evidence)


async def test_backup_wipe_restore_gives_identical_data_and_files(database_url, tmp_path):
    evidence = tmp_path / "evidence"
    world = await busy_world(database_url, evidence)
    before, before_files = snapshot(world.db), files(evidence)
    assert [name for name, rows in before.items() if not rows] == []  # every table holds something
    archive = tmp_path / "duban.tar.gz"

    made = backup(world.db, evidence, archive, NOW)
    assert made.revision == migrate.head_revision() and made.files == 2
    assert not set(made.tables) & RUNTIME_TABLES
    wipe(world.db, evidence)
    restored = restore(world.db, evidence, archive)

    assert snapshot(world.db) == before
    assert files(evidence) == before_files
    assert restored.rows == made.rows and restored.replaced == []
    assert migrate.current_revision(world.db) == migrate.head_revision()
    with world.db.session() as s:  # who was running is not data
        assert s.scalar(select(SchedulerLease)) is None and s.scalar(select(BotProcess)) is None
        s.add(AuditEntry(at=NOW, actor="cli", action="after", entity="x", entity_id="1"))  # ids go on
    world.db.dispose()


async def test_a_backup_of_one_backend_restores_into_the_other(database_url, tmp_path):
    reason = backends.postgres_unavailable()
    if reason:
        pytest.skip(reason)
    evidence = tmp_path / "evidence"
    world = await busy_world(database_url, evidence)
    before = snapshot(world.db)
    archive = tmp_path / "portable.tar.gz"
    backup(world.db, evidence, archive, NOW)
    if database_url.startswith("sqlite"):
        other_url = backends.create_postgres_database()
    else:
        other_url = f"sqlite:///{tmp_path / 'other.db'}"
    other = Database(other_url)
    try:
        restore(other, tmp_path / "other-evidence", archive)
        assert snapshot(other) == before
        assert files(tmp_path / "other-evidence") == files(evidence)
    finally:
        other.dispose()
        world.db.dispose()
        if other_url.startswith("postgresql"):
            backends.drop_postgres_database(other_url)


async def test_restore_refuses_a_newer_schema_and_a_non_empty_target_unless_forced(database_url, tmp_path):
    evidence = tmp_path / "evidence"
    world = await busy_world(database_url, evidence)
    archive = tmp_path / "b.tar.gz"
    backup(world.db, evidence, archive, NOW)
    before = snapshot(world.db)

    future = tmp_path / "future.tar.gz"
    _rewrite_manifest(archive, future, schema_revision="9999")
    with pytest.raises(BackupError, match=r"newer than this duban.*upgrade duban"):
        restore(world.db, evidence, future, force=True)

    with pytest.raises(BackupError, match=r"not empty: .*reports \(1 rows\).*2 evidence files.*--force"):
        restore(world.db, evidence, archive)
    assert snapshot(world.db) == before  # refused: nothing touched

    (evidence / "newer.txt").write_text("added after the backup")
    replaced = restore(world.db, evidence, archive, force=True, now=NOW)
    assert snapshot(world.db) == before
    aside = tmp_path / "evidence.before-restore-20220325T013000Z"
    assert (aside / "newer.txt").exists() and not (evidence / "newer.txt").exists()
    assert any("moved to" in r for r in replaced.replaced)
    world.db.dispose()


def _rewrite_manifest(source: Path, target: Path, **changes) -> None:
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), **changes}).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))


async def test_cli_backup_and_restore_say_what_they_did(cli_env, tmp_path, monkeypatch, capsys):
    evidence = tmp_path / "evidence"
    monkeypatch.setenv("DUBAN_EVIDENCE_DIR", str(evidence))
    world = await busy_world(cli_env, evidence)
    with world.db.session() as s:
        s.query(BotProcess).delete()
    archive = tmp_path / "cli.tar.gz"
    assert main(["backup", str(archive)]) == 0
    out = capsys.readouterr().out
    assert f"backup written to {archive}" in out and "2 evidence files" in out
    assert read_manifest(archive)["schema_revision"] == migrate.head_revision()
    assert main(["backup", str(archive)]) == 2 and "exists already" in capsys.readouterr().err

    assert main(["restore", str(archive)]) == 2
    assert "--force" in capsys.readouterr().err
    with world.db.session() as s:  # a bot that said it is alive a moment ago
        s.add(
            BotProcess(
                id="live:2:y",
                host="live",
                pid=2,
                mode="webhook",
                role="scheduler",
                started_at=datetime.now(UTC),
                seen_at=datetime.now(UTC),
            )
        )
    assert main(["restore", "--force", str(archive)]) == 2
    assert "stop it before restoring" in capsys.readouterr().err
    with world.db.session() as s:
        s.query(BotProcess).delete()
    assert main(["restore", "--force", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "rows in" in out and "replaced: reports (1 rows)" in out
    world.db.dispose()


def test_backup_of_an_empty_database_is_refused(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(BackupError, match="no schema"):
        backup(db, tmp_path / "evidence", tmp_path / "x.tar.gz", NOW)
    assert not os.path.exists(tmp_path / "x.tar.gz")
    db.dispose()
