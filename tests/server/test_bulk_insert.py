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
from veiligbalie.server.store import (
    COPY_FROM_ROWS,
    JSONText,
    PreparedInsert,
    ServerStore,
    _processor,
)

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


def test_rows_in_driver_form_that_break_a_key_raise_integrity_error(store: ServerStore) -> None:
    """The push's rows in driver form go to PostgreSQL by COPY from COPY_FROM_ROWS rows on: a
    key they break is raised as SQLAlchemy raises it for a statement (the push runs again
    under the lock on an IntegrityError), and nothing of the transaction stays."""
    device = uuid.uuid4()
    now = datetime.now(UTC)
    sqlite = store.backend == "sqlite"
    rows = [
        (
            device.hex if sqlite else str(device),
            seq,
            uuid.uuid4().hex if sqlite else str(uuid.uuid4()),
            "accepted",
            "null",
            now.replace(tzinfo=None).isoformat(" ") if sqlite else now,
        )
        for seq in range(COPY_FROM_ROWS + 5)
    ]
    keys = ("device_id", "device_seq", "change_id", "outcome", "detail", "applied_at")
    insert = PreparedInsert.ready(store.engine.dialect, t.applied_pushes, keys, rows)
    assert (insert.copy_sql is not None) == (store.backend == "postgresql")
    with pytest.raises(sa.exc.IntegrityError):
        with store.write() as conn:
            insert.run(conn)
            insert.run(conn)
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.applied_pushes)).scalar() == 0
    with store.write() as conn:
        insert.run(conn)
    with store.read() as conn:
        stored = conn.execute(
            sa.select(t.applied_pushes.c.device_seq, t.applied_pushes.c.applied_at).order_by(
                t.applied_pushes.c.device_seq
            )
        ).all()
    assert [r.device_seq for r in stored] == list(range(COPY_FROM_ROWS + 5))
    assert {r.applied_at for r in stored} == {now}
