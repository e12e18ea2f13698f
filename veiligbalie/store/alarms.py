"""The workstation's own record of alarms (raised here or received from colleagues) and
what happened to them; kept small, the alarm feature extends it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, and_, exists, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from veiligbalie.core.alarm_types import AlarmFacts
from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType
from veiligbalie.store.database import Database
from veiligbalie.store.schema import alarm_events, alarms

_OPEN_STATES = tuple(s.value for s in AlarmState if s.is_open)
#: The local log's lines of what the server did with our own alarm: it stored the raise,
#: the close, or it refused one of them for good (then it is not sent again).
STORED = "stored"
CLOSE_STORED = "close_stored"
REFUSED = "refused"


@dataclass(frozen=True)
class AlarmRecord(AlarmFacts):
    state: AlarmState
    test: bool
    updated_at: datetime


@dataclass(frozen=True)
class AlarmEventRecord:
    id: uuid.UUID
    alarm_id: uuid.UUID
    kind: str
    actor: str
    path: str  # how it reached us: "local", "server" or "lan"
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


def _alarm(row: Row[*tuple[Any, ...]]) -> AlarmRecord:
    return AlarmRecord(
        id=row.id,
        kind=AlarmKind(row.kind),
        type=AlarmType(row.type),
        station=row.station,
        location=row.location,
        raised_at=row.raised_at,
        state=AlarmState(row.state),
        test=bool(row.test),
        updated_at=row.updated_at,
    )


def _alarm_event(row: Row[*tuple[Any, ...]]) -> AlarmEventRecord:
    return AlarmEventRecord(
        id=row.id,
        alarm_id=row.alarm_id,
        kind=row.kind,
        actor=row.actor,
        path=row.path,
        at=row.at,
        data=row.data,
    )


class AlarmRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record_alarm(
        self,
        id: uuid.UUID,
        kind: AlarmKind,
        type: AlarmType,
        station: str,
        location: str,
        raised_at: datetime,
        state: AlarmState,
        test: bool,
    ) -> bool:
        """Store an alarm once: the same alarm arrives by server and by LAN, and only the
        first copy is kept. Returns True when it was new."""
        stmt = (
            sqlite_insert(alarms)
            .values(
                id=id,
                kind=AlarmKind(kind).value,
                type=AlarmType(type).value,
                station=station,
                location=location,
                raised_at=raised_at,
                state=AlarmState(state).value,
                test=test,
                updated_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing(index_elements=[alarms.c.id])
        )
        with self._db.write() as session:
            return bool(session.connection().execute(stmt).rowcount)

    def set_state(self, alarm_id: uuid.UUID, state: AlarmState) -> None:
        """Record the alarm's new state (the rules live in core.alarm; this only stores)."""
        self._update(alarm_id, state=AlarmState(state).value)

    def set_type(self, alarm_id: uuid.UUID, type: AlarmType) -> None:
        """Record a changed alarm type (the sender may correct it after the press)."""
        self._update(alarm_id, type=AlarmType(type).value)

    def _update(self, alarm_id: uuid.UUID, **values: Any) -> None:
        with self._db.write() as session:
            result = session.connection().execute(
                update(alarms)
                .where(alarms.c.id == alarm_id)
                .values(**values, updated_at=datetime.now(UTC))
            )
            if result.rowcount == 0:
                raise LookupError(f"No alarm {alarm_id} in the local store.")

    def add_event(
        self,
        alarm_id: uuid.UUID,
        kind: str,
        actor: str,
        path: str,
        at: datetime,
        data: dict[str, Any] | None = None,
    ) -> AlarmEventRecord:
        event = AlarmEventRecord(uuid7(), alarm_id, kind, actor, path, at, dict(data or {}))
        with self._db.write() as session:
            conn = session.connection()
            if conn.execute(select(alarms.c.id).where(alarms.c.id == alarm_id)).first() is None:
                raise LookupError(f"No alarm {alarm_id} in the local store.")
            conn.execute(
                insert(alarm_events).values(
                    id=event.id,
                    alarm_id=alarm_id,
                    kind=kind,
                    actor=actor,
                    path=path,
                    at=at,
                    data=event.data,
                )
            )
        return event

    def get(self, alarm_id: uuid.UUID) -> AlarmRecord | None:
        with self._db.engine.connect() as conn:
            row = conn.execute(select(alarms).where(alarms.c.id == alarm_id)).first()
        return _alarm(row) if row is not None else None

    def open_alarms(self) -> list[AlarmRecord]:
        """Alarms not yet resolved or cancelled, oldest first."""
        query = (
            select(alarms)
            .where(alarms.c.state.in_(_OPEN_STATES))
            .order_by(alarms.c.raised_at, alarms.c.id)
        )
        return self._db.fetch_all(query, _alarm)

    def own_closed_unsettled(
        self, since: datetime, limit: int
    ) -> list[tuple[AlarmRecord, list[AlarmEventRecord]]]:
        """Our own alarms (pressed here) raised since ``since`` and closed, whose close the
        server has neither stored nor refused, oldest first, each with its log: what the
        server has yet to hear of when it can be reached again."""

        def has(*kinds: str, path: str | None = None) -> Any:
            found = and_(alarm_events.c.alarm_id == alarms.c.id, alarm_events.c.kind.in_(kinds))
            if path is not None:
                found = and_(found, alarm_events.c.path == path)
            return exists().where(found)

        query = (
            select(alarms)
            .where(
                alarms.c.raised_at >= since,
                alarms.c.state.not_in(_OPEN_STATES),
                has("raised", path="local"),
                ~has(CLOSE_STORED, REFUSED),
            )
            .order_by(alarms.c.raised_at, alarms.c.id)
            .limit(limit)
        )
        return [(record, self.events(record.id)) for record in self._db.fetch_all(query, _alarm)]

    def events(self, alarm_id: uuid.UUID) -> list[AlarmEventRecord]:
        """What happened to the alarm, in order."""
        return self._db.children(
            alarm_events, alarm_events.c.alarm_id, alarm_id, alarm_events.c.at, _alarm_event
        )
