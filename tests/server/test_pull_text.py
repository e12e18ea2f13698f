"""The pull writes ids and times from the stored text without SQLAlchemy's per-row
conversion: the text must be what the column types (and so the wire before) give."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from veiligbalie.server import sync
from veiligbalie.server.schema import UTCDateTime


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 3, 29, 1, 59, 59, 123456, tzinfo=UTC),
        datetime(2026, 3, 29, 2, 0, 0, tzinfo=UTC),  # no microseconds: isoformat leaves them out
        datetime(2026, 12, 31, 23, 59, 59, 1, tzinfo=timezone(timedelta(hours=2))),
    ],
)
def test_created_at_text_is_what_the_column_type_reads(moment: datetime) -> None:
    table = sa.Table("t", sa.MetaData(), sa.Column("at", UTCDateTime, nullable=False))
    engine = sa.create_engine("sqlite://")
    table.create(engine)
    with engine.begin() as conn:
        conn.execute(table.insert().values(at=moment))
        stored = conn.execute(sa.select(sa.type_coerce(table.c.at, sa.Text))).scalar_one()
        read = conn.execute(sa.select(table.c.at)).scalar_one()
    assert isinstance(stored, str)
    assert sync._iso_utc(stored) == read.isoformat()
    # PostgreSQL hands over an aware datetime in the session's zone.
    assert sync._iso_utc(moment) == moment.astimezone(UTC).isoformat()


def test_ids_as_text_are_the_canonical_form() -> None:
    value = uuid.uuid4()
    assert sync._dashed(value.hex) == str(value)  # SQLite stores 32 hex digits
    assert sync._dashed(value.hex.upper()) == str(value)
    assert sync._dashed(str(value)) == str(value)  # PostgreSQL's text of a uuid
    assert sync._dashed(str(value).upper()) == str(value)
    assert sync._dashed("{" + str(value) + "}") == str(value)
