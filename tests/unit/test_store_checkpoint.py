"""WAL checkpoints run on a thread of the store's own (store.checkpoint), not inside the
commit of a writer such as a report saved on the GUI thread."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.waiting import wait_until
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category
from veiligbalie.store import checkpoint
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository


def make_incident(description: str = "Bezoeker schreeuwde tegen de baliemedewerker.") -> Incident:
    return Incident(
        description=description,
        categories=frozenset({Category.VERBAL_AGGRESSION}),
        occurred_at=datetime.now(UTC) - timedelta(minutes=5),
        location="Publiekshal",
        reporter="anna",
    )


def descriptions_in_file_alone(db: Database, folder: Path) -> list[str]:
    """What the database file holds without its WAL: only what a checkpoint copied."""
    copy = folder / "alone.sqlite3"
    shutil.copyfile(db.path, copy)
    conn = sqlite3.connect(copy)
    try:
        return [d for (d,) in conn.execute("SELECT description FROM incidents")]
    except sqlite3.OperationalError as exc:  # not even the schema copied yet
        assert "no such table" in str(exc)
        return []
    except sqlite3.DatabaseError as exc:
        # Copied while the thread was writing pages into the file: a torn copy, asked again.
        assert "malformed" in str(exc)
        return []
    finally:
        conn.close()


def test_writers_leave_checkpoints_to_the_thread(db: Database) -> None:
    with db.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    assert pages == checkpoint.FALLBACK_PAGES > 1000  # SQLite's own default: 1,000
    assert sync == 2  # FULL: a commit is durable in the WAL before any checkpoint


def test_a_save_reaches_the_database_file_without_the_writer_checkpointing(
    db: Database, tmp_path: Path
) -> None:
    repo = IncidentRepository(db)
    repo.save_new(make_incident("Eerste melding: schreeuwen aan de balie."))
    wait_until(
        lambda: (
            "Eerste melding: schreeuwen aan de balie." in descriptions_in_file_alone(db, tmp_path)
        ),
        what="the checkpoint thread to copy the save into the database file",
    )
    # (The count goes up just after the copy: a moment later than the file shows it.)
    wait_until(lambda: db.checkpointer.runs >= 1, what="the checkpoint to be counted")
    assert db.checkpointer.running


def test_close_stops_the_thread(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "close.sqlite3")
    IncidentRepository(db).save_new(make_incident())
    wait_until(lambda: db.checkpointer.runs >= 1, what="a checkpoint")
    assert db.checkpointer.running
    db.close()
    assert not db.checkpointer.running
    # Nothing starts it again once closed.
    db.checkpointer.nudge()
    assert not db.checkpointer.running


def test_an_idle_thread_ends_and_the_next_commit_starts_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoint, "IDLE", 0.1)
    db = Database.open(tmp_path / "idle.sqlite3")
    try:
        repo = IncidentRepository(db)
        repo.save_new(make_incident())
        wait_until(lambda: db.checkpointer.runs >= 1, what="a checkpoint")
        wait_until(lambda: not db.checkpointer.running, what="the idle thread to end")
        before = db.checkpointer.runs
        repo.save_new(make_incident("Tweede melding na een stille periode."))
        wait_until(lambda: db.checkpointer.runs > before, what="a checkpoint by a new thread")
        wait_until(
            lambda: (
                "Tweede melding na een stille periode." in descriptions_in_file_alone(db, tmp_path)
            ),
            what="the second save in the database file",
        )
    finally:
        db.close()


def test_deferred_work_that_fails_is_logged_and_checkpoints_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(checkpoint, "QUIET", 0.02)
    path = tmp_path / "failing.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x)")
    calls: list[bool] = []

    def failing(conn: sqlite3.Connection, keep_going: object) -> None:
        calls.append(True)
        conn.execute("BEGIN IMMEDIATE")
        raise sqlite3.OperationalError("disk I/O error")

    worker = checkpoint.Checkpointer(path, 1000, failing)
    try:
        worker.nudge()
        wait_until(lambda: calls, what="the deferred work to run")
        wait_until(lambda: "Deferred work" in caplog.text, what="the failure to be logged")
        runs = worker.runs
        worker.nudge()  # the thread (or a new one) still checkpoints and tries again
        wait_until(lambda: worker.runs > runs and len(calls) >= 2, what="a checkpoint after it")
        # It rolled back: another writer can take the lock.
        with sqlite3.connect(path, timeout=2) as conn:
            conn.execute("INSERT INTO t VALUES (1)")
    finally:
        worker.close()
