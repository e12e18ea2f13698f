"""The local database file: PRAGMAs, migrations at open, refusal of a newer schema, and the
BEGIN IMMEDIATE write transaction."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from veiligbalie import paths
from veiligbalie.store.database import (
    Database,
    NotADatabaseError,
    SchemaTooNewError,
    head_revision,
)
from veiligbalie.store.schema import managed_by_metadata, metadata

TABLES = {
    "alembic_version",
    "meta",
    "incidents",
    "incident_events",
    "attachments",
    "drafts",
    "outbox",
    "alarms",
    "alarm_events",
}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_open_uses_the_data_folder_and_creates_the_file(data_dir: Path) -> None:
    with Database.open() as db:
        assert db.path == paths.database_path()
        assert db.path.parent == data_dir
        assert db.path.is_file()


@pytest.mark.parametrize("writing", [False, True])
def test_pragmas_are_set_on_every_connection(tmp_path: Path, writing: bool) -> None:
    with Database.open(tmp_path / "vb.sqlite3") as db:
        context = db.write() if writing else db.session()
        with context as session:
            conn = session.connection()
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_migrations_create_every_table_and_stamp_head(tmp_path: Path) -> None:
    path = tmp_path / "vb.sqlite3"
    Database.open(path).close()
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert TABLES <= tables
    assert "incident_events_append_only" in triggers
    assert version == head_revision()


def test_migrated_schema_matches_the_tables_the_code_queries(tmp_path: Path) -> None:
    with Database.open(tmp_path / "vb.sqlite3") as db, db.engine.connect() as conn:
        # The log's FTS5 search table is not SQLAlchemy's to describe: env.py's filter.
        context = MigrationContext.configure(conn, opts={"include_name": managed_by_metadata})
        diffs = compare_metadata(context, metadata)
    assert diffs == []


def test_reopening_is_idempotent_and_keeps_the_device_id(tmp_path: Path) -> None:
    path = tmp_path / "vb.sqlite3"
    with Database.open(path) as first:
        device_id = first.device_id
    for _ in range(3):
        with Database.open(path) as again:
            assert again.device_id == device_id
            with again.session() as session:
                rows = session.execute(text("SELECT key FROM meta")).scalars().all()
                versions = session.execute(text("SELECT * FROM alembic_version")).all()
            assert rows == ["device_id", "device_id.home"]
            assert len(versions) == 1


def test_reopening_at_head_takes_no_write_lock_and_runs_no_migration(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every normal start takes the fast path: while another process holds the write lock
    (a sync writing, a second instance), the store opens at once, without alembic."""
    from alembic import command

    path = tmp_path / "vb.sqlite3"
    with Database.open(path) as first:
        device_id = first.device_id
    monkeypatch.setattr(command, "upgrade", lambda *a, **k: pytest.fail("migrated again"))
    writer = sqlite3.connect(path, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with Database.open(path) as again:
            assert again.device_id == device_id
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_separate_databases_get_separate_device_ids(tmp_path: Path) -> None:
    with Database.open(tmp_path / "a.sqlite3") as a, Database.open(tmp_path / "b.sqlite3") as b:
        assert a.device_id != b.device_id
        assert a.device_id.version == 7


def test_newer_schema_is_refused_and_left_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "vb.sqlite3"
    Database.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()
    before = sha256_of(path)
    siblings = sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(SchemaTooNewError) as caught:
        Database.open(path)

    message = str(caught.value)
    assert "newer version of VeiligBalie" in message
    assert "9999_from_the_future" in message
    assert "not been changed" in message
    assert sha256_of(path) == before
    # SQLite may leave its shared-memory side files after a read-only look; no new data.
    after = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-shm", "-wal")))
    assert after == siblings
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "vb.sqlite3"
    path.write_bytes(b"this is a shopping list, not a database\n" * 100)
    before = sha256_of(path)
    with pytest.raises(NotADatabaseError):
        Database.open(path)
    assert sha256_of(path) == before


def test_write_takes_the_write_lock_at_begin(tmp_path: Path) -> None:
    path = tmp_path / "vb.sqlite3"
    with Database.open(path) as db:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            with db.write() as session:
                session.connection()  # BEGIN IMMEDIATE, no statement yet
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            # A deferred session holds no write lock before it writes.
            with db.session() as session:
                session.connection()
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
        finally:
            other.close()


def test_write_rolls_back_on_error_and_commits_on_success(tmp_path: Path) -> None:
    with Database.open(tmp_path / "vb.sqlite3") as db:
        with pytest.raises(RuntimeError), db.write() as session:
            session.execute(text("INSERT INTO meta (key, value) VALUES ('lost', 'x')"))
            raise RuntimeError("boom")
        with db.write() as session:
            session.execute(text("INSERT INTO meta (key, value) VALUES ('kept', 'y')"))
        with db.session() as session:
            keys = set(session.execute(text("SELECT key FROM meta")).scalars())
    assert "kept" in keys
    assert "lost" not in keys


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    from sqlalchemy.exc import IntegrityError

    with Database.open(tmp_path / "vb.sqlite3") as db:
        with pytest.raises(IntegrityError), db.write() as session:
            session.execute(
                text(
                    "INSERT INTO alarm_events (id, alarm_id, kind, actor, path, at, data) "
                    "VALUES ('e', 'no-such-alarm', 'ack', 'x', 'lan', 'now', '{}')"
                )
            )


def test_every_pooled_connection_gets_the_pragmas(tmp_path: Path) -> None:
    with Database.open(tmp_path / "vb.sqlite3") as db:
        with db.engine.connect() as one, db.engine.connect() as two:
            for conn in (one, two):
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_migrations_need_no_ini_file_nor_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with Database.open(tmp_path / "vb.sqlite3") as db, db.session() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            head_revision()
        )
    assert list(elsewhere.iterdir()) == []


def test_an_empty_file_is_initialised(tmp_path: Path) -> None:
    path = tmp_path / "vb.sqlite3"
    path.touch()
    with Database.open(path) as db, db.session() as session:
        assert session.execute(text("SELECT count(*) FROM incidents")).scalar() == 0


def test_revisions_read_from_files_agree_with_alembic() -> None:
    """Start-up reads the migration files directly; Alembic must see the same graph."""
    from alembic.script import ScriptDirectory

    from veiligbalie.store.database import _script_revisions, alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    head, known = _script_revisions()
    assert [head] == list(script.get_heads())
    assert known == {rev.revision for rev in script.walk_revisions()}


def test_normal_start_does_not_import_alembic(tmp_path) -> None:
    import subprocess
    import sys

    db = tmp_path / "x.sqlite3"
    code = (
        "import sys; from veiligbalie.store.database import Database; "
        f"Database.open({str(db)!r}).close(); "
        f"Database.open({str(db)!r}).close(); "  # the second open is a normal start
        "print('alembic' in sys.modules)"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert first.stdout.strip() == "True"  # creating the database migrates
    again = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; from veiligbalie.store.database import Database; "
            f"Database.open({str(db)!r}).close(); print('alembic' in sys.modules)",
        ],
        capture_output=True,
        text=True,
    )
    assert again.stdout.strip() == "False", again.stderr
