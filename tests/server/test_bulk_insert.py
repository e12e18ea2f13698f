"""The push's bulk insert binds values through its own fast paths (UTC datetimes on SQLite,
JSON written once as text): they must store exactly what SQLAlchemy's own processors store,
and read back as the values given."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from veiligbalie.server import schema as t
from veiligbalie.server.store import JSONText, PreparedInsert, _processor

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MOMENTS = [
    datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 3, 29, 3, 0, tzinfo=AMSTERDAM),  # just after the clocks go forward
    datetime(2026, 10, 25, 2, 30, tzinfo=AMSTERDAM, fold=1),  # the hour that comes twice
    datetime(2026, 12, 31, 23, 59, 59, 0, tzinfo=AMSTERDAM),
    datetime(1999, 1, 1, tzinfo=UTC) + timedelta(microseconds=1),
]


def test_utc_datetimes_bind_on_sqlite_as_sqlalchemy_binds_them() -> None:
    dialect = sa.create_engine("sqlite://").dialect
    column = t.followup_tasks.c.due
    own = column.type.dialect_impl(dialect).bind_processor(dialect)
    fast = _processor(column, dialect)
    assert own is not None and fast is not None
    for moment in MOMENTS:
        assert fast(moment) == own(moment)
    assert fast(None) is None
    with pytest.raises(ValueError, match="naive"):
        fast(datetime(2026, 1, 1))


def test_json_text_is_stored_as_given_and_reads_back(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'bulk.sqlite3'}")  # no FK checks
    t.metadata.create_all(engine, tables=[t.incident_events])
    ids = [uuid.uuid4(), uuid.uuid4()]
    base = {
        "incident_id": uuid.uuid4(),
        "kind": "followup",
        "author": "VeiligBalie",
        "text": "",
        "audience": "owner",
        "restricted": False,
        "user_id": None,
        "device_id": uuid.uuid4(),
        "created_at": MOMENTS[1],
    }
    rows = [
        {**base, "id": ids[0], "data": JSONText('{"kind":"evaluation","details":{}}')},
        {**base, "id": ids[1], "data": {"kind": "evaluation", "details": {}}},
    ]
    with engine.begin() as conn:
        PreparedInsert(conn.dialect, t.incident_events, rows).run(conn)
    with engine.connect() as conn:
        found = dict(
            conn.execute(sa.select(t.incident_events.c.id, t.incident_events.c.data)).all()
        )
        raw = conn.exec_driver_sql(
            "SELECT data FROM incident_events WHERE id = ?", (ids[0].hex,)
        ).scalar()
        when = conn.execute(sa.select(t.incident_events.c.created_at)).scalars().first()
    engine.dispose()
    assert found[ids[0]] == found[ids[1]] == {"kind": "evaluation", "details": {}}
    assert raw == '{"kind":"evaluation","details":{}}'  # as given, not encoded twice
    assert when == MOMENTS[1].astimezone(UTC)
