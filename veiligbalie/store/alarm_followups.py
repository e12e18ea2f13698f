"""Alarms that need a team lead's follow-up (``alarm_followups``): resolved without a report,
or cancelled.

Linked to a server, the list is the server's (kept here for offline use). Without one it is
made from the station's own alarm log: closed, non-test alarms that no report links
(``incidents.alarm_id``). An item leaves the list when a report links it or a team lead
closes it with a reason (``handled_*``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from veiligbalie.core.vocabulary import AlarmState
from veiligbalie.store.database import Database
from veiligbalie.store.schema import alarm_followups, alarms, incidents, meta

#: Closes made here that the server has not confirmed yet: {alarm id: reason}.
PENDING_KEY = "alarm_followups.pending"
_CLOSED = (AlarmState.RESOLVED.value, AlarmState.CANCELLED.value)


@dataclass(frozen=True)
class AlarmFollowUp:
    id: uuid.UUID
    station: str
    location: str
    raised_by: str
    raised_at: datetime
    state: AlarmState  # resolved | cancelled
    closed_at: datetime | None
    #: The station reported it to the server after the fact: the times are the station's.
    late: bool = False

    @property
    def cancelled(self) -> bool:
        return self.state is AlarmState.CANCELLED


@dataclass(frozen=True)
class ServerItem:
    """One item of the server's list (``AlarmFollowUpOut``)."""

    id: uuid.UUID
    station: str
    location: str
    raised_by: str
    raised_at: datetime
    state: str
    closed_at: datetime | None
    late: bool = False


def _item(row: Row[Any]) -> AlarmFollowUp:
    return AlarmFollowUp(
        id=row.id,
        station=row.station,
        location=row.location,
        raised_by=row.raised_by,
        raised_at=row.raised_at,
        state=AlarmState(row.state),
        closed_at=row.closed_at,
        late=row.late,
    )


def _linked_alarms() -> Any:
    return select(incidents.c.alarm_id).where(incidents.c.alarm_id.is_not(None))


class AlarmFollowUpRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def open_items(self) -> list[AlarmFollowUp]:
        """The alarms still to follow up, newest first: not handled and linked to no report."""
        t = alarm_followups
        query = (
            select(t)
            .where(t.c.handled_at.is_(None))
            .where(t.c.incident_id.is_(None))
            .where(t.c.id.not_in(_linked_alarms()))
            .order_by(t.c.raised_at.desc(), t.c.id)
        )
        return self._db.fetch_all(query, _item)

    def refresh_local(self, now: datetime) -> int:
        """Add the station's own closed alarms (not tests) that are not listed yet; mark those
        a report now links. Returns how many were added."""
        known = select(alarm_followups.c.id)
        query = (
            select(alarms)
            .where(alarms.c.state.in_(_CLOSED))
            .where(alarms.c.test.is_(False))
            .where(alarms.c.id.not_in(known))
            .where(alarms.c.id.not_in(_linked_alarms()))
        )
        with self._db.write() as session:
            conn = session.connection()
            rows = [
                {
                    "id": row.id,
                    "station": row.station,
                    "location": row.location,
                    "raised_by": row.station,
                    "raised_at": row.raised_at,
                    "state": row.state,
                    "closed_at": row.updated_at,
                    "updated_at": now,
                }
                for row in conn.execute(query)
            ]
            if rows:
                conn.execute(sqlite_insert(alarm_followups), rows)
            self._mark_linked(conn, now)
        return len(rows)

    def replace_from_server(self, items: Sequence[ServerItem], now: datetime) -> None:
        """The server's list is the truth for what is still open: items it no longer lists
        (closed by another reviewer, or linked) leave; closes made here and not yet
        confirmed stay closed."""
        t = alarm_followups
        ids = [i.id for i in items]
        with self._db.write() as session:
            conn = session.connection()
            conn.execute(delete(t).where(t.c.handled_at.is_(None)).where(t.c.id.not_in(ids)))
            for item in items:
                values = {
                    "station": item.station,
                    "location": item.location,
                    "raised_by": item.raised_by,
                    "raised_at": item.raised_at,
                    "state": item.state,
                    "closed_at": item.closed_at,
                    "late": item.late,
                    "updated_at": now,
                }
                stmt = sqlite_insert(t).values(id=item.id, **values)
                conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=values))
            self._mark_linked(conn, now)

    def close(self, alarm_id: uuid.UUID, by: str, reason: str, now: datetime) -> None:
        """A team lead closes the item with a reason (kept here; the caller sends it)."""
        if not reason.strip():
            raise ValueError("closing an alarm follow-up needs a reason")
        t = alarm_followups
        with self._db.write() as session:
            result = session.connection().execute(
                update(t)
                .where(t.c.id == alarm_id)
                .values(handled_at=now, handled_by=by, handled_reason=reason, updated_at=now)
            )
            if not result.rowcount:
                raise LookupError(f"No alarm follow-up {alarm_id} here.")

    # -- Closes still to send ---------------------------------------------------------------
    def pending(self) -> dict[str, str]:
        with self._db.engine.connect() as conn:
            raw = conn.execute(select(meta.c.value).where(meta.c.key == PENDING_KEY)).scalar()
        try:
            value = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def set_pending(self, pending: dict[str, str]) -> None:
        value = json.dumps(pending)
        stmt = sqlite_insert(meta).values(key=PENDING_KEY, value=value)
        with self._db.write() as session:
            session.connection().execute(
                stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value})
            )

    @staticmethod
    def _mark_linked(conn: Any, now: datetime) -> None:
        linked = select(incidents.c.id).where(incidents.c.alarm_id == alarm_followups.c.id)
        conn.execute(
            update(alarm_followups)
            .where(alarm_followups.c.incident_id.is_(None))
            .where(alarm_followups.c.id.in_(_linked_alarms()))
            .values(incident_id=linked.limit(1).scalar_subquery(), updated_at=now)
        )
