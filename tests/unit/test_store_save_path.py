"""The save of a new report runs its statements compiled once on the sqlite3 connection of
one Core transaction (store.database.PreparedInsert / run): what it writes, that it writes
it exactly as Core would, and that a failure anywhere in it leaves nothing behind."""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Table, insert, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from veiligbalie.core.followup import default_plan
from veiligbalie.core.incident import Incident, incident_to_dict
from veiligbalie.core.vocabulary import Category
from veiligbalie.store import incidents as incidents_module
from veiligbalie.store import outbox as outbox_module
from veiligbalie.store import schema
from veiligbalie.store import tasks as tasks_module
from veiligbalie.store.database import Database, PreparedInsert, run
from veiligbalie.store.incidents import IncidentRepository, reference_counter_key


def make_incident(**changes: Any) -> Incident:
    values: dict[str, Any] = {
        "description": "Bezoeker schreeuwde en sloeg met de vuist op de balie.",
        "categories": frozenset({Category.VERBAL_AGGRESSION, Category.INTIMIDATION}),
        "occurred_at": datetime.now(UTC) - timedelta(minutes=10),
        "location": "Publiekshal, balie 2",
        "reporter": "anna",
        "witnesses": ("Cor",),
    }
    values.update(changes)
    return Incident(**values)


def raw_rows(db: Database, sql: str) -> list[tuple[Any, ...]]:
    """Rows as stored in the file, read through a separate sqlite3 connection (only what
    was committed is visible there)."""
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def counts(db: Database) -> dict[str, int]:
    names = ("incidents", "outbox", "incident_events", "followup_tasks", "search_pending")
    return {name: raw_rows(db, f"SELECT count(*) FROM {name}")[0][0] for name in names}


def counter(db: Database) -> str | None:
    key = reference_counter_key(datetime.now(UTC).astimezone(incidents_module.OFFICE_TZ).year)
    found = raw_rows(db, f"SELECT value FROM meta WHERE key = '{key}'")
    return found[0][0] if found else None


def test_a_save_commits_one_report_one_outbox_row_and_its_pending_search_entry(
    db: Database,
) -> None:
    repo = IncidentRepository(db)
    saved = repo.save_new(make_incident())
    # Committed: another connection sees exactly one of each.
    assert counts(db) == {
        "incidents": 1,
        "outbox": 1,
        "incident_events": 0,
        "followup_tasks": 0,
        "search_pending": 1,  # the entry itself is made after the save (search_index)
    }
    [(kind, entity, payload, state)] = raw_rows(
        db, "SELECT kind, entity_id, payload, state FROM outbox"
    )
    assert (kind, entity, state) == ("incident.created", str(saved.id), "pending")
    assert json.loads(payload) == {**incident_to_dict(saved), "attachments": []}
    [(reference, provisional, origin, revision, unread)] = raw_rows(
        db, "SELECT reference, provisional_reference, origin, revision, unread FROM incidents"
    )
    # The columns the save leaves out keep their server defaults.
    assert (reference, provisional, origin, revision, unread) == (
        saved.reference,
        saved.reference,
        "local",
        1,
        0,
    )


def test_reference_numbers_and_outbox_sequence_are_consecutive(db: Database) -> None:
    repo = IncidentRepository(db)
    saved = [repo.save_new(make_incident()) for _ in range(5)]
    numbers = [int(s.reference.rsplit("-", 1)[1]) for s in saved if s.reference]
    assert numbers == [1, 2, 3, 4, 5]
    sequence = [seq for (seq,) in raw_rows(db, "SELECT device_seq FROM outbox ORDER BY 1")]
    assert sequence == list(range(sequence[0], sequence[0] + 5))
    entities = [e for (e,) in raw_rows(db, "SELECT entity_id FROM outbox ORDER BY device_seq")]
    assert entities == [str(s.id) for s in saved]


def test_a_failure_after_the_outbox_row_leaves_nothing_and_no_gap(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = IncidentRepository(db)
    first = repo.save_new(make_incident(), plan=True)
    before = counts(db)
    number = counter(db)

    def broken_plan(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the plan could not be stored")

    # The last step of the save (its follow-up plan) fails after the report, its number
    # and its outbox row went in: none of them may stay.
    monkeypatch.setattr(incidents_module, "store_plan", broken_plan)
    with pytest.raises(RuntimeError, match="plan could not be stored"):
        repo.save_new(make_incident(), plan=True)
    assert counts(db) == before
    assert counter(db) == number
    monkeypatch.undo()
    # The number the failed save took is given again: no gap.
    second = repo.save_new(make_incident(), plan=True)
    assert first.reference and second.reference
    assert int(second.reference.rsplit("-", 1)[1]) == int(first.reference.rsplit("-", 1)[1]) + 1


def test_a_failure_inside_sqlite_is_raised_as_from_core_and_rolls_back(db: Database) -> None:
    repo = IncidentRepository(db)
    with db.write() as session:
        session.execute(
            text(
                "CREATE TRIGGER refuse_search BEFORE INSERT ON incidents "
                "WHEN new.location = 'nergens' "
                "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
            )
        )
    with pytest.raises(IntegrityError, match="refused for the test") as raised:
        repo.save_new(make_incident(location="nergens"))
    assert isinstance(raised.value.orig, sqlite3.IntegrityError)
    assert counts(db)["incidents"] == 0
    assert counts(db)["outbox"] == 0
    assert counter(db) is None
    # The connection went back to the pool clean: the next save works and is numbered 1.
    saved = repo.save_new(make_incident())
    assert saved.reference is not None and saved.reference.endswith("-000001")


def test_the_lock_is_taken_up_front(db: Database) -> None:
    """write_connection begins IMMEDIATE: while a save's transaction is open another
    writer cannot start one (it would otherwise fail later, on lock upgrade)."""
    other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    try:
        with db.write_connection() as conn:
            run(conn, "SELECT 1")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def stored_the_two_ways(
    db: Database, table: Table, columns: tuple[str, ...], row: dict[str, Any]
) -> tuple[list[Any], list[Any]]:
    """``row`` inserted through Core, then (after deleting it) through a PreparedInsert:
    every column of both as stored in the file."""
    stored = []
    for prepared in (None, PreparedInsert(table, columns)):
        with db.write_connection() as conn:
            conn.execute(text(f"DELETE FROM {table.name}"))
            if prepared is None:
                conn.execute(insert(table), row)
            else:
                prepared.execute(conn, row)
        stored.append(raw_rows(db, f"SELECT * FROM {table.name}"))
    return stored[0], stored[1]


def test_tables_written_by_prepared_inserts_have_no_python_side_defaults() -> None:
    # What a prepared insert leaves out gets its server default, as under Core; a Python
    # default (which only Core would apply) would be lost.
    for table in (schema.incidents, schema.outbox, schema.incident_events):
        assert all(c.default is None and c.onupdate is None for c in table.c), table.name


def test_a_report_is_stored_as_core_stores_it(db: Database) -> None:
    incident = replace(
        make_incident(damage=True, damage_amount_cents=1250, alarm_id=uuid.uuid4()),
        reference="VB-2026-000009",
    )
    # A timestamp with another offset: stored as UTC text either way.
    when = datetime(2026, 3, 1, 14, 5, 6, 789, tzinfo=timezone(timedelta(hours=1)))
    row = incidents_module._incident_row(incident, when, incidents_module.LOCAL)
    core, prepared = stored_the_two_ways(db, schema.incidents, incidents_module._NEW_COLUMNS, row)
    assert len(core) == 1
    assert prepared == core


@pytest.mark.parametrize("base_revision", [None, 7])
def test_an_outbox_row_is_stored_as_core_stores_it(db: Database, base_revision: int | None) -> None:
    row = {
        "id": uuid.uuid4(),
        "kind": "incident.note_added",
        "entity_id": uuid.uuid4(),
        "payload": '{"tekst":"één"}',
        "base_revision": base_revision,
        "state": "pending",
        "attempts": 0,
        "created_at": datetime.now(UTC),
    }
    core, prepared = stored_the_two_ways(db, schema.outbox, outbox_module._INSERT.columns, row)
    assert len(core) == 1
    # device_seq (AUTOINCREMENT) differs; every other column is the same.
    assert [r[1:] for r in prepared] == [r[1:] for r in core]


def test_prepared_insert_refuses_an_unknown_column() -> None:
    with pytest.raises(Exception, match="nonexistent|cannot prepare"):
        PreparedInsert(schema.outbox, ("id", "nonexistent")).params({"id": uuid.uuid4()})


def test_a_plans_events_are_stored_as_core_stores_them(db: Database) -> None:
    """The planned events of a new report go through a prepared executemany with ON
    CONFLICT (id) DO NOTHING: the same rows as Core's insert of them, and an event stored
    before stays as it was."""
    incident = IncidentRepository(db).save_new(make_incident(), plan=True)
    stored = raw_rows(db, "SELECT * FROM incident_events ORDER BY id")
    assert len(stored) >= 2
    plan = tasks_module.plan_rows(incident, default_plan(incident))
    core_insert = sqlite_insert(schema.incident_events).on_conflict_do_nothing(
        index_elements=["id"]
    )
    with db.write_connection() as conn:
        conn.execute(text("DELETE FROM incident_events"))
        conn.execute(core_insert, plan)
    assert raw_rows(db, "SELECT * FROM incident_events ORDER BY id") == stored
    # Again over a timeline that holds one of the events already (with another text): it
    # stays as it was, the others are stored as before, nothing is doubled.
    first = min(plan, key=lambda r: str(r["id"]))
    with db.write_connection() as conn:
        conn.execute(text("DELETE FROM incident_events"))
        conn.execute(insert(schema.incident_events), {**first, "text": "eerder"})
        tasks_module._INSERT_PLANNED.execute_many(conn, plan)
    again = raw_rows(db, "SELECT * FROM incident_events ORDER BY id")
    assert again[0][4] == "eerder" and again[1:] == stored[1:]
    assert again[0][:4] == stored[0][:4]


def test_a_new_reports_plan_reads_no_kept_orphan_events(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept events of tasks whose report is not here only arrive for reports the server
    holds; a report saved now cannot have any, so its plan's fold does not look (one
    statement less per save). The pull path still does."""
    calls: list[object] = []
    real = tasks_module._orphan_events
    monkeypatch.setattr(tasks_module, "_orphan_events", lambda *a: calls.append(a) or real(*a))
    saved = IncidentRepository(db).save_new(make_incident(), plan=True)
    assert calls == []
    assert len(raw_rows(db, "SELECT * FROM followup_tasks")) >= 2
    with db.write_connection() as conn:
        tasks_module.store_plan(conn, saved, datetime.now(UTC))
    assert len(calls) == 1
