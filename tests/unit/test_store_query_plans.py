"""The plans of the local store's reads, schema against schema: every query shape the
Logboek (filters, search, sort, paging, counts, choices), Mijn meldingen and the follow-up
worklist send is captured from the real code and explained on a store at the head revision
and on one at the revision before the indexes were cut (0005, migration 0006). Whatever
read an index before still reads one; the only plans that read the table itself are the
sorts no index holds (as before); the counts the merged index serves use it."""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event

from tests.support.log_data import fill
from veiligbalie.core.vocabulary import Category, IncidentStatus, Severity
from veiligbalie.store import log_query
from veiligbalie.store.database import Database, alembic_config, head_revision
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.store.log_query import LogFilter, LogQueries, LogQuery, SortKey
from veiligbalie.store.tasks import TaskRepository

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
BEFORE = "0005_dossier"
MERGED = "ix_incidents_status_severity_team_lead_only"
#: A table read row by row, not through an index ("t" is followup_tasks in subqueries).
BARE_SCAN = re.compile(r"\bSCAN (incidents|followup_tasks|t)\b(?! USING)")
#: Sorts that no index holds (a JSON list, a rank, a coalesce, a subquery): their pages read
#: the reports in table order and sort them, before 0006 as after.
UNINDEXED_SORT = re.compile(
    r"ORDER BY (categories|CASE |coalesce\()",
)

FILTERS = [
    LogFilter(),
    LogFilter(since=NOW - timedelta(days=30)),
    LogFilter(since=NOW - timedelta(days=30), until=NOW - timedelta(days=2)),
    LogFilter(site="Stadhuis"),
    LogFilter(location="Telefoonteam"),
    LogFilter(categories=frozenset({Category.THREAT})),
    LogFilter(categories=frozenset({Category.THREAT, Category.DOXING})),
    LogFilter(severities=frozenset({Severity.CRITICAL})),
    LogFilter(statuses=frozenset({IncidentStatus.IN_PROGRESS})),
    LogFilter(
        severities=frozenset({Severity.CRITICAL, Severity.HIGH}),
        statuses=frozenset({IncidentStatus.IN_PROGRESS}),
    ),
    LogFilter(overdue=True),
    LogFilter(alarm=True),
    LogFilter(alarm=False),
    LogFilter(assignee_user_id=uuid.UUID(int=7)),
    LogFilter(text="bezoeker"),
    LogFilter(text="ab bezoeker"),
    LogFilter(text="VB-2026-000012"),
    LogFilter(text="bezoeker", site="Stadhuis"),
    LogFilter(site="Stadhuis", categories=frozenset({Category.THREAT})),
    LogFilter(since=NOW - timedelta(days=30), severities=frozenset({Severity.CRITICAL})),
]


def _run_reads(db: Database) -> None:
    queries = LogQueries(db)
    for f in FILTERS:
        for team_lead in (True, False):
            for sort in SortKey:
                for descending in (True, False):
                    q = LogQuery(f, sort, descending, team_lead)
                    queries.first_page(q, NOW, 50)
                    queries.count(q, NOW)
                    queries.page(q, NOW, 50, 100)
            queries.total(team_lead)
    queries.locations()
    queries.sites()
    incidents = IncidentRepository(db)
    incidents.list_by_reporter("anna")
    incidents.list_all()
    incidents.list_all(include_team_lead_only=False)
    incidents.find_by_reference("VB-2026-000001")
    tasks = TaskRepository(db)
    for state in ("all", "open", "overdue", "done"):
        tasks.worklist(NOW, state=state)
    tasks.due_soon(NOW)
    tasks.tasks_of(uuid.UUID(int=1))


@pytest.fixture(scope="module")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[object, ...]]:
    """Every SELECT the reads send (with its parameters), from a store with reports."""
    folder = tmp_path_factory.mktemp("shapes")
    seen: dict[str, tuple[object, ...]] = {}
    with Database.open(folder / "vb.sqlite3") as db:
        fill(db, 300, NOW)

        @event.listens_for(db.engine, "before_cursor_execute")
        def grab(_c: object, _cur: object, sql: str, params: object, *_a: object) -> None:
            # (The search's catch-up reads a table of 0007, which the schema before 0006
            # does not have: tests/unit/test_store_search_index.py covers it.)
            skip = "sqlite_master" in sql or "search_pending" in sql
            if sql.lstrip().upper().startswith("SELECT") and not skip:
                seen.setdefault(sql, tuple(params) if params else ())  # type: ignore[arg-type]

        _run_reads(db)
        limit = log_query.DRIVE_LIMIT
        log_query.DRIVE_LIMIT = 10  # the plans for searches and "overdue" that match many
        try:
            _run_reads(db)
        finally:
            log_query.DRIVE_LIMIT = limit
    assert len(seen) > 300
    return seen


def _schema(path: Path, revision: str) -> Path:
    """An empty store at ``revision``, made by the migrations."""
    from alembic import command

    engine_db = Database.open(path) if revision == head_revision() else None
    if engine_db is not None:
        engine_db.close()
        return path
    cfg = alembic_config()
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    command.upgrade(cfg, revision)
    return path


def _plans(path: Path, shapes: dict[str, tuple[object, ...]]) -> Iterator[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TEMP TABLE {log_query.MATCHES} (id INTEGER PRIMARY KEY)")
        for sql, params in shapes.items():
            rows = conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            yield sql, " | ".join(str(r[3]) for r in rows)


@pytest.fixture(scope="module")
def plans(
    tmp_path_factory: pytest.TempPathFactory, shapes: dict[str, tuple[object, ...]]
) -> tuple[dict[str, str], dict[str, str]]:
    folder = tmp_path_factory.mktemp("plans")
    before = dict(_plans(_schema(folder / "before.sqlite3", BEFORE), shapes))
    after = dict(_plans(_schema(folder / "head.sqlite3", head_revision()), shapes))
    return before, after


def test_what_read_an_index_still_does(plans: tuple[dict[str, str], dict[str, str]]) -> None:
    before, after = plans
    lost = [
        sql for sql in after if BARE_SCAN.search(after[sql]) and not BARE_SCAN.search(before[sql])
    ]
    assert lost == []


def test_only_unindexed_sorts_read_the_table(plans: tuple[dict[str, str], dict[str, str]]) -> None:
    _, after = plans
    bare = [sql for sql, plan in after.items() if BARE_SCAN.search(plan)]
    assert bare, "the capture holds the sorts by category, severity, ..."
    assert [sql for sql in bare if not UNINDEXED_SORT.search(sql)] == []


DROPPED = (
    "ix_followup_tasks_incident_id",
    "ix_followup_tasks_due",
    "ix_incidents_severity_status",
    "ix_incidents_status_team_lead_only",
)


def _uses(plan: str, index: str) -> bool:
    return re.search(rf"\b{index}\b", plan) is not None


def test_no_plan_uses_a_dropped_index(plans: tuple[dict[str, str], dict[str, str]]) -> None:
    before, after = plans
    for index in DROPPED:
        assert any(_uses(plan, index) for plan in before.values()), index
        assert not any(_uses(plan, index) for plan in after.values()), index


def test_only_severity_counts_stop_seeking(plans: tuple[dict[str, str], dict[str, str]]) -> None:
    """A count that sought an index still does, but for a severity filter without a status
    one: it reads the narrow status-severity index through (as a category filter reads its
    own)."""
    before, after = plans
    changed = [
        sql
        for sql in after
        if "SEARCH incidents" in before[sql] and "SEARCH incidents" not in after[sql]
    ]
    assert changed
    for sql in changed:
        assert re.search(r"\bseverity IN", sql) and not re.search(r"\bstatus IN", sql), sql
        assert f"SCAN incidents USING COVERING INDEX {MERGED}" in after[sql]


def test_status_counts_seek_the_merged_index(
    plans: tuple[dict[str, str], dict[str, str]],
) -> None:
    _, after = plans
    counts = {s: p for s, p in after.items() if s.startswith("SELECT count(*) FROM incidents")}
    status = [p for s, p in counts.items() if re.search(r"(?<!\+)\bstatus IN", s)]
    assert status
    assert all(f"SEARCH incidents USING COVERING INDEX {MERGED} (status=?" in p for p in status)


def test_a_reports_tasks_are_sought_by_report(plans: tuple[dict[str, str], dict[str, str]]) -> None:
    _, after = plans
    per_report = [p for s, p in after.items() if "FROM followup_tasks WHERE incident_id IN" in s]
    assert per_report
    assert all("ix_followup_tasks_incident_id_kind (incident_id=?)" in p for p in per_report)


def test_every_task_in_date_order_merges_two_partial_indexes(
    plans: tuple[dict[str, str], dict[str, str]],
) -> None:
    _, after = plans
    merged = [p for s, p in after.items() if "UNION ALL" in s and "followup_tasks" in s]
    assert merged
    for plan in merged:
        assert "ix_followup_tasks_open_due" in plan and "ix_followup_tasks_done_due" in plan
        assert "MERGE (UNION ALL)" in plan
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan
