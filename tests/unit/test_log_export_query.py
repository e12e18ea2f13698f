"""The store side of the CSV export: the same filter and order as the log's pages, read a
batch at a time, the perpetrator fields only when asked for."""

from __future__ import annotations

import types
from datetime import UTC, datetime

from tests.support.log_data import fill
from veiligbalie.store.database import Database
from veiligbalie.store.log_query import LogFilter, LogQueries, LogQuery, SortKey

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_export_streams_the_pages_rows_in_order() -> None:
    db = Database.open()
    fill(db, 120, NOW, span_days=200)
    queries = LogQueries(db)
    query = LogQuery(filter=LogFilter(site="Stadhuis"), sort=SortKey.LOCATION, descending=False)
    rows = queries.export(query, NOW, restricted=False, batch=7)
    assert isinstance(rows, types.GeneratorType)  # read as it is written, never all at once
    exported = list(rows)
    page = queries.page(query, NOW, limit=1000)
    assert [r.reference for r in exported] == [r.reference for r in page]
    assert len(exported) == queries.count(query, NOW) > 7
    assert all(r.perpetrator_description == "" for r in exported)
    shared = LogQuery(filter=LogFilter(), include_team_lead_only=False)
    assert len(list(queries.export(shared, NOW, restricted=False))) == queries.count(shared, NOW)
    db.close()
