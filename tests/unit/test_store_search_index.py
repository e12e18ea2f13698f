"""A new report's search entry is made after its save (migration 0007, store/search_index.py):
the save notes the report as pending; the store's own thread makes the entry once the store
is quiet, and a search makes whatever is still pending first. A search finds every saved
report, also one saved a moment ago, with its notes; nothing pending is lost or left."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command

from tests.support.waiting import wait_until
from veiligbalie.core.ids import uuid7
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category
from veiligbalie.store import checkpoint, search_index
from veiligbalie.store.database import Database, _make_engine, alembic_config
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.store.log_query import LogFilter, LogQueries, LogQuery

NOW = datetime.now(UTC) - timedelta(minutes=1)


def report(description: str, hours_ago: int = 0) -> Incident:
    return Incident(
        description=description,
        categories=frozenset({Category.VERBAL_AGGRESSION}),
        occurred_at=NOW - timedelta(hours=hours_ago),
        location="Publiekshal",
        reporter="anna",
    )


def raw(path: Path, sql: str) -> list[tuple[object, ...]]:
    """What is committed in the file, through a connection of its own."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def entries(path: Path) -> dict[int, str]:
    return {int(r): str(b) for r, b in raw(path, "SELECT rowid, body FROM incident_search")}


def pending(path: Path) -> list[int]:
    return [int(r) for (r,) in raw(path, "SELECT report_rowid FROM search_pending")]


def found(db: Database, text: str) -> list[str]:
    rows, count = LogQueries(db).first_page(LogQuery(LogFilter(text=text)), NOW, 500)
    assert count == len(rows)
    return sorted(r.excerpt for r in rows)


@pytest.fixture
def quiet_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A store whose idle work starts after 50 ms without a commit (not a second)."""
    monkeypatch.setattr(checkpoint, "QUIET", 0.05)
    with Database.open(tmp_path / "quiet.sqlite3") as db:
        yield db


@pytest.fixture
def held_store(tmp_path: Path) -> Iterator[Database]:
    """A store whose thread never runs: only a search makes entries."""
    db = Database.open(tmp_path / "held.sqlite3")
    db.checkpointer.close()
    yield db
    db.close()


def test_the_save_notes_the_report_and_a_search_finds_it_at_once(held_store: Database) -> None:
    repo = IncidentRepository(held_store)
    saved = repo.save_new(report("Bezoeker gooide een stoel door de wachtruimte."))
    (rowid,) = raw(held_store.path, f"SELECT rowid FROM incidents WHERE id = '{saved.id}'")[0]
    # Committed with the report: its rowid pending, no entry yet.
    assert pending(held_store.path) == [rowid]
    assert entries(held_store.path) == {}
    # A search makes it first, then finds it; nothing stays pending.
    assert found(held_store, "stoel door") == [saved.description]
    assert entries(held_store.path) == {rowid: saved.description}
    assert pending(held_store.path) == []
    # A search for something else still makes nothing twice.
    assert found(held_store, "camera") == []


def test_the_thread_makes_the_entries_once_the_store_is_quiet(quiet_store: Database) -> None:
    repo = IncidentRepository(quiet_store)
    saved = [repo.save_new(report(f"Melding {i}: geschreeuw aan de balie.", i)) for i in range(3)]
    wait_until(
        lambda: not pending(quiet_store.path) and len(entries(quiet_store.path)) == 3,
        what="the idle work to make the three entries",
        detail=lambda: (pending(quiet_store.path), entries(quiet_store.path)),
    )
    assert sorted(entries(quiet_store.path).values()) == sorted(s.description for s in saved)


def test_index_while_stops_between_chunks(held_store: Database) -> None:
    repo = IncidentRepository(held_store)
    for i in range(search_index.CHUNK + 5):
        repo.save_new(report(f"Melding nummer {i} over een boze klant.", i % 48))
    conn = sqlite3.connect(held_store.path, isolation_level=None)
    try:
        asked = []

        def once() -> bool:
            asked.append(True)
            return len(asked) == 1  # a commit came after the first chunk

        assert search_index.index_while(conn, once) == 1
        assert len(entries(held_store.path)) == search_index.CHUNK
        assert len(pending(held_store.path)) == 5
        assert not conn.in_transaction
        # Left alone, it does the rest.
        assert search_index.index_while(conn, lambda: True) == 1
    finally:
        conn.close()
    assert len(entries(held_store.path)) == search_index.CHUNK + 5
    assert pending(held_store.path) == []


def test_notes_deletes_and_a_reused_rowid_come_out_right(held_store: Database) -> None:
    repo = IncidentRepository(held_store)
    first = repo.save_new(report("Klant dreigde de medewerker op te wachten."))
    # A note on a report whose entry is not made yet: the entry gets it too.
    repo.add_note(first.id, "anna", "Politie is gebeld.")
    last = repo.save_new(report("Tweede klant vloekte en liep weg."))
    # The last report goes before its entry is made; a new one takes its rowid.
    with held_store.write_connection() as conn:
        conn.exec_driver_sql("DELETE FROM incidents WHERE id = ?", (str(last.id),))
    replacement = repo.save_new(report("Derde melding: spugen naar de beveiliger."))
    assert found(held_store, "politie is gebeld") == [first.description]
    assert found(held_store, "vloekte") == []
    assert found(held_store, "spugen") == [replacement.description]
    assert sorted(entries(held_store.path).values()) == sorted(
        [f"{first.description}\nPolitie is gebeld.", replacement.description]
    )
    assert pending(held_store.path) == []
    # A note on a report with its entry made lands in it through the trigger, as before.
    repo.add_note(replacement.id, "anna", "Beelden bewaard.")
    assert found(held_store, "beelden bewaard") == [replacement.description]


def test_0007_up_and_down_keeps_every_entry(tmp_path: Path) -> None:
    path = tmp_path / "vb.sqlite3"
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    command.upgrade(cfg, "0006_save_pages")
    old = Database(path, _make_engine(path), uuid7())
    before = IncidentRepository(old).save_new(report("Voor de migratie: een klap op de balie."))
    old.close()
    indexed_before = entries(path)
    assert list(indexed_before.values()) == [before.description]

    command.upgrade(cfg, "0007_search_later")
    assert entries(path) == indexed_before  # the entries made before stay
    with Database.open(path) as db:
        db.checkpointer.close()
        after = IncidentRepository(db).save_new(report("Na de migratie: geduwd bij de ingang."))
    assert len(pending(path)) == 1

    # Down again: what was pending gets its entry, and a save indexes at once as before.
    command.downgrade(cfg, "0006_save_pages")
    assert sorted(entries(path).values()) == sorted([before.description, after.description])
    assert "search_pending" not in {n for (n,) in raw(path, "SELECT name FROM sqlite_master")}
    old = Database(path, _make_engine(path), uuid7())
    third = IncidentRepository(old).save_new(report("Weer terug: een dreigende e-mail."))
    old.close()
    assert third.description in entries(path).values()


def test_a_pulled_page_gets_its_entries_on_the_pullers_thread(held_store: Database) -> None:
    from tests.support.log_data import pull

    pulled = pull(held_store, report("Gepulde melding: klant sloeg op het raam."), notes=["Glas"])
    # Made by the pull itself (not left for a search): nothing pending, notes included.
    assert pending(held_store.path) == []
    assert list(entries(held_store.path).values()) == [
        "Gepulde melding: klant sloeg op het raam.\nGlas"
    ]
    assert [
        r.id
        for r in LogQueries(held_store).first_page(LogQuery(LogFilter(text="glas")), NOW, 10)[0]
    ] == [pulled]
