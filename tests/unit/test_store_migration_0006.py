"""Migration 0006 (fewer index pages per save): a store made by the schema before it, with
reports saved from the form, their plans, notes and pulled reports, opens and migrates with
every row intact; its indexes are then those of the schema module, the search still finds
by description and note, and what the store does next works as on a new store."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command

from tests.support.log_data import fill
from veiligbalie.core.ids import uuid7
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category
from veiligbalie.store import search_index
from veiligbalie.store.database import Database, _make_engine, alembic_config, head_revision
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.store.log_query import LogFilter, LogQueries, LogQuery
from veiligbalie.store.schema import metadata

BEFORE = "0005_dossier"
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
TABLES = ("incidents", "incident_events", "followup_tasks", "outbox", "meta", "incident_search")


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            table: sorted(conn.execute(f"SELECT rowid, * FROM {table}").fetchall(), key=repr)
            for table in TABLES
        }


def indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN ('incidents', 'followup_tasks')"
            )
        }


def schema_of(path: Path, kind: str) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = ?", (kind,))
        return {name: sql for name, sql in rows}


def old_store(path: Path) -> Database:
    """A store at the revision before 0006, used by this code (the tables are the same)."""
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    command.upgrade(cfg, BEFORE)
    return Database(path, _make_engine(path), uuid7())


def test_a_store_of_the_previous_schema_migrates_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "vb.sqlite3"
    db = old_store(path)
    repo = IncidentRepository(db)
    saved = []
    for i in range(12):
        incident = Incident(
            description=f"Bezoeker {i} werd boos over de wachttijd en sloeg op de balie.",
            categories=frozenset({Category.VERBAL_AGGRESSION}),
            occurred_at=NOW - timedelta(hours=i),
            location="Publiekshal, balie 2",
            reporter="anna",
        )
        saved.append(repo.save_new(incident, plan=i % 2 == 0))
    repo.add_note(saved[3].id, "anna", "De camerabeelden zijn veiliggesteld.")
    with pytest.MonkeyPatch.context() as patch:
        # The schema before 0007 makes the search entries in its insert trigger and has no
        # list of pending ones for the pull to work off.
        patch.setattr(search_index, "index_chunk", lambda *_a, **_k: False)
        fill(db, 40, NOW)
    db.close()
    before_rows = dump(path)
    before_indexes = indexes(path)
    before_triggers = schema_of(path, "trigger")
    assert "ix_incidents_severity_status" in before_indexes
    assert "incident_search_docsize" in schema_of(path, "table")

    with Database.open(path) as migrated:
        with sqlite3.connect(path) as conn:
            (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert version == head_revision()
        after_rows = dump(path)
        # Opening gives the old store (made without Database.open) its device id: added.
        assert set(before_rows.pop("meta")) <= set(after_rows.pop("meta"))
        assert after_rows == before_rows
        declared = {
            index.name
            for table in (metadata.tables["incidents"], metadata.tables["followup_tasks"])
            for index in table.indexes
        }
        assert indexes(path) == declared
        assert indexes(path) != before_indexes
        # The search table without per-report sizes, kept by the same triggers as before
        # (but for a new report's, which 0007 defers: tests/unit/test_store_search_index.py).
        tables = schema_of(path, "table")
        assert "columnsize = 0" in tables["incident_search"]
        assert "incident_search_docsize" not in tables
        triggers = schema_of(path, "trigger")
        assert "search_pending" in triggers.pop("incident_search_insert")
        assert "incident_search" in before_triggers.pop("incident_search_insert")
        assert triggers == before_triggers

        queries = LogQueries(migrated)
        by_note = LogQuery(LogFilter(text="camerabeelden zijn veilig"))
        rows, count = queries.first_page(by_note, NOW, 50)
        assert saved[3].id in [r.id for r in rows] and count == len(rows)
        IncidentRepository(migrated).add_note(saved[5].id, "anna", "Later: een tweede gesprek.")
        later = queries.first_page(LogQuery(LogFilter(text="tweede gesprek")), NOW, 50)[0]
        assert [r.id for r in later] == [saved[5].id]
        # What a new save writes after the migration lands in the migrated indexes.
        repo_after = IncidentRepository(migrated)
        fresh = repo_after.save_new(
            Incident(
                description="Na de migratie: een klant dreigde met de vuist.",
                categories=frozenset({Category.THREAT}),
                occurred_at=NOW,
                location="Ingang",
                reporter="bob",
            ),
            plan=True,
        )
        found = queries.first_page(LogQuery(LogFilter(text="migratie")), NOW, 50)[0]
        assert [r.id for r in found] == [fresh.id]
        threats = LogQuery(LogFilter(categories=frozenset({Category.THREAT})))
        assert fresh.id in [r.id for r in queries.first_page(threats, NOW, 500)[0]]
        assert repo_after.list_by_reporter("bob")[0].id == fresh.id
