"""``admin backup`` / ``admin restore`` / ``admin migrate-database`` on both backends: what
they refuse (a used folder, a damaged backup, a database with data, a running server, a
non-empty target) and that a restore always ends on a new epoch with the same rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.server import ROOT
from veiligbalie.server import admin, audit, backup, schema
from veiligbalie.server.review import stored_path
from veiligbalie.server.store import PID_NAME, ServerStore

pytestmark = pytest.mark.timeout(180)

CONTENT = b"\xff\xd8\xff evidence " * 1000


def populate(store: ServerStore, files: Path) -> str:
    """An organisation, a site, a user with a logo-less letterhead, and one stored file."""
    admin.create_organisation(store, "Gemeente Test", "Postbus 1, Test")
    admin.create_site(store, "Stadhuis", True)
    admin.create_user(store, "mdewit", "Marieke de Wit", "employee", "Stadhuis",
                      "correct horse battery")  # fmt: skip
    import hashlib

    sha = hashlib.sha256(CONTENT).hexdigest()
    path = stored_path(files, sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(CONTENT)
    return sha


def database_lines(store: ServerStore) -> list[tuple[str, str, str]]:
    """The audit log's rows about the database as a whole: (action, actor, detail)."""
    log = schema.audit_log.c
    with store.read() as conn:
        rows = conn.execute(
            sa.select(log.action, log.actor, log.detail)
            .where(log.subject == audit.SUBJECT_DATABASE)
            .order_by(log.at)
        ).all()
    return [(r.action, r.actor, r.detail) for r in rows]


def test_backup_and_restore_on_each_backend(
    store: ServerStore, tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    files = tmp_path / "files"
    sha = populate(store, files)
    made = backup.backup(store, files, tmp_path / "bk", say=lambda _line: None)
    manifest = backup.read_manifest(made.folder)
    assert manifest["backend"] == backend and manifest["epoch"] == store.epoch
    assert manifest["counts"]["users"] == 1 and manifest["counts"]["sites"] == 1
    assert manifest["files"] == [{"sha256": sha, "size": len(CONTENT)}]
    # The backup is in the log (after the copy: the backup itself does not hold the row).
    with store.read() as conn:
        assert backup.table_counts(conn)["audit_log"] == manifest["counts"]["audit_log"] + 1
    [made_line] = database_lines(store)
    assert made_line[0] == "database.backup_made" and made_line[1] == audit.CLI_ACTOR
    assert str(made.folder) in made_line[2] and "1 attachment(s)" in made_line[2]
    with pytest.raises(backup.BackupError, match="not an empty folder"):
        backup.backup(store, files, tmp_path / "bk")

    if backend == "sqlite":
        target = f"sqlite:///{tmp_path / 'new' / 'server.sqlite3'}"
    else:
        from tests.support.postgres import create_database

        target = create_database(request.getfixturevalue("pg_url"))
    new_files = tmp_path / "new-files"
    data_dir = str(tmp_path / "data")
    done = backup.restore(made.folder, target, new_files, force=False, data_dir=data_dir)
    assert done.old_epoch == store.epoch and done.new_epoch != store.epoch
    assert stored_path(new_files, sha).read_bytes() == CONTENT
    restored = ServerStore(target)
    try:
        assert restored.epoch == done.new_epoch
        with restored.read() as conn:
            counts = backup.table_counts(conn)
        # The same rows, and one audit row that says where they came from.
        assert counts == {**manifest["counts"], "audit_log": manifest["counts"]["audit_log"] + 1}
        [restored_line] = database_lines(restored)
        assert restored_line[0] == "database.restored" and restored_line[1] == audit.CLI_ACTOR
        assert str(made.folder) in restored_line[2] and manifest["created_at"] in restored_line[2]
        assert restored_line[2].endswith(f"new epoch {done.new_epoch}")
    finally:
        restored.close()
    # Over a database that now holds data: only with force (and a new epoch again).
    with pytest.raises(backup.BackupError, match="--force"):
        backup.restore(made.folder, target, new_files, force=False, data_dir=data_dir)
    again = backup.restore(made.folder, target, new_files, force=True, data_dir=data_dir)
    assert again.new_epoch not in (done.new_epoch, store.epoch)


def test_a_damaged_backup_is_refused(store: ServerStore, tmp_path: Path, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the checks are the same on both backends")
    files = tmp_path / "files"
    sha = populate(store, files)
    made = backup.backup(store, files, tmp_path / "bk")
    stored_path(made.folder / "files", sha).write_bytes(b"short")
    target = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    with pytest.raises(backup.BackupError, match="another size"):
        backup.restore(made.folder, target, tmp_path / "f", force=False, data_dir=None)
    with open(made.folder / "database.sqlite3", "r+b") as db:
        db.seek(5000)
        db.write(b"garbage")
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore(made.folder, target, tmp_path / "f", force=False, data_dir=None)
    manifest = json.loads((made.folder / "manifest.json").read_text())
    manifest["format"] = 99
    (made.folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(backup.BackupError, match="not a backup this server can read"):
        backup.restore(made.folder, target, tmp_path / "f", force=False, data_dir=None)


def test_restore_and_move_refuse_a_running_server(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    store = ServerStore(url)
    files = tmp_path / "files"
    populate(store, files)
    made = backup.backup(store, files, tmp_path / "bk")
    store.close()
    # Another process stands in for the running server: its pid in serve.pid.
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / PID_NAME).write_text(json.dumps({"pid": sleeper.pid}))
        env = dict(os.environ, PYTHONPATH=str(ROOT), VEILIGBALIE_SERVER_DATA_DIR=str(tmp_path))
        for args in (
            ["restore", "--force", "--from", str(made.folder)],
            ["migrate-database", "--to", f"sqlite:///{tmp_path / 'other.sqlite3'}"],
        ):
            result = subprocess.run(
                [sys.executable, "-m", "veiligbalie.server.cli", "admin", "--database", url] + args,
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
                timeout=60,
            )
            assert result.returncode == 2, result.stderr
            assert f"a server (pid {sleeper.pid}) is running" in result.stderr
            assert "Traceback" not in result.stderr
    finally:
        sleeper.kill()
        sleeper.wait()
    # The process is gone: the stale pid file no longer stops anything.
    done = backup.restore(made.folder, url, files, force=True, data_dir=str(tmp_path))
    assert done.new_epoch


def test_move_refuses_a_target_with_data_and_copies_every_row(tmp_path: Path) -> None:
    source = ServerStore(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    populate(source, tmp_path / "files")
    occupied = ServerStore(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    populate(occupied, tmp_path / "files-b")
    occupied.close()
    try:
        with pytest.raises(backup.BackupError, match="not empty"):
            backup.move_database(source, f"sqlite:///{tmp_path / 'b.sqlite3'}")
        with pytest.raises(backup.BackupError, match="already uses"):
            backup.move_database(source, source.url)
        moved = backup.move_database(source, f"sqlite:///{tmp_path / 'c.sqlite3'}", batch=1)
        assert moved.source == moved.target and moved.rows == sum(moved.source.values())
        target = ServerStore(f"sqlite:///{tmp_path / 'c.sqlite3'}")
        try:
            assert target.epoch == source.epoch  # a move, not a restore
            [moved_line] = database_lines(target)
            assert moved_line[0] == "database.moved" and "a.sqlite3" in moved_line[2]
            assert database_lines(source) == []  # the old database stays as it was
            with target.read() as conn:
                names = conn.execute(sa.select(schema.users.c.username)).scalars().all()
            assert names == ["mdewit"]
        finally:
            target.close()
    finally:
        source.close()
