"""The station's offline copy of the perpetrator dossier (team leads only): per report, the
known persons linked to it as the server last answered. Only what the signed-in reviewer
read is kept, and it goes when the identity changes (IncidentRepository.forget_pulled),
when the server purges the report's personal or perpetrator data (store.pulled), and
:data:`KEEP_DAYS` after it was last read from the server: the server's retention may remove
a person while the report stays, and tells no station so."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from veiligbalie.store.database import Database
from veiligbalie.store.schema import dossier_cache

#: How long a copy read from the server is kept for offline reading.
KEEP_DAYS = 30


class DossierCache:
    def __init__(self, db: Database) -> None:
        self._db = db

    def put(self, incident_id: uuid.UUID, persons: list[dict[str, Any]]) -> None:
        """Keep the persons linked to ``incident_id`` (JSON-ready dicts), replacing the last."""
        stmt = sqlite_insert(dossier_cache).values(
            incident_id=incident_id, persons=persons, fetched_at=datetime.now(UTC)
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[dossier_cache.c.incident_id],
            set_={"persons": stmt.excluded.persons, "fetched_at": stmt.excluded.fetched_at},
        )
        with self._db.write() as session:
            session.connection().execute(stmt)

    def get(self, incident_id: uuid.UUID) -> tuple[list[dict[str, Any]], datetime] | None:
        """The copy of ``incident_id``'s persons and when it was read (None when there is
        none or it is older than :data:`KEEP_DAYS`)."""
        with self._db.engine.connect() as conn:
            row = conn.execute(
                select(dossier_cache.c.persons, dossier_cache.c.fetched_at).where(
                    dossier_cache.c.incident_id == incident_id,
                    dossier_cache.c.fetched_at >= _oldest_kept(datetime.now(UTC)),
                )
            ).first()
        if row is None:
            return None
        return list(row.persons), row.fetched_at

    def forget(self) -> None:
        with self._db.write() as session:
            forget_dossier(session.connection())


def forget_dossier(conn: Connection) -> int:
    """Remove the whole cached dossier (in the caller's transaction)."""
    return int(conn.execute(delete(dossier_cache)).rowcount or 0)


def _oldest_kept(now: datetime) -> datetime:
    return now - timedelta(days=KEEP_DAYS)


def forget_reports(conn: Connection, incident_ids: Collection[uuid.UUID]) -> int:
    """Remove the copies of these reports' persons (their data was purged on the server)."""
    if not incident_ids:
        return 0
    gone = delete(dossier_cache).where(dossier_cache.c.incident_id.in_(sorted(incident_ids)))
    return int(conn.execute(gone).rowcount or 0)


def forget_expired(conn: Connection, now: datetime) -> int:
    """Remove the copies read from the server more than :data:`KEEP_DAYS` ago."""
    gone = delete(dossier_cache).where(dossier_cache.c.fetched_at < _oldest_kept(now))
    return int(conn.execute(gone).rowcount or 0)
