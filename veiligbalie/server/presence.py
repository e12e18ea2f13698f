"""Which workstations are online: their presence rows (seen on the stream, by heartbeat, or
when they raise or answer an alarm), the alarm-path station id each one told us, and the
administrator's station list. Synchronous database code, like the alarm store."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veiligbalie.core.limits import LOCATION_MAX, NAME_MAX
from veiligbalie.protocol import alarm_server as ps
from veiligbalie.protocol import alarms as wire
from veiligbalie.server import schema as t
from veiligbalie.server.auth import Principal
from veiligbalie.server.errors import AlarmError
from veiligbalie.server.store import ServerStore

#: A station counts as online when seen (stream or heartbeat) this recently.
PRESENCE_TIMEOUT = timedelta(seconds=45)


def _now() -> datetime:
    return datetime.now(UTC)


def _dialect_insert(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def upsert_presence(
    conn: Connection,
    sites: Mapping[uuid.UUID, uuid.UUID],
    *,
    online: bool = True,
    via: str = "stream",
    station_id: uuid.UUID | None = None,
    at: datetime | None = None,
    client_version: str | None = None,
) -> None:
    """The one way presence is written: every workstation of ``sites`` (workstation -> its
    site) seen ``at`` (now) through ``via``; ``station_id``, when given, is remembered too.
    One statement for any number of workstations; another server process writing the same
    row meanwhile is no conflict (the later write wins, both are fresh)."""
    if not sites:
        return
    at = at or _now()
    table = t.station_presence
    insert = _dialect_insert(conn)(table)
    values: dict[str, Any] = {"online": online, "via": via, "last_seen_at": at}
    if station_id is not None:
        values["station_id"] = station_id
    if client_version:
        values["client_version"] = client_version
    upsert = insert.on_conflict_do_update(
        index_elements=[table.c.workstation_id],
        set_={name: insert.excluded[name] for name in values},
    )
    rows = [{"workstation_id": ws, "site_id": site, **values} for ws, site in sites.items()]
    conn.execute(upsert, rows)


def learn_station(conn: Connection, principal: Principal, station_id: uuid.UUID | None) -> None:
    """Remember the station id a workstation uses on the alarm paths (for stations.online)."""
    if principal.workstation_id is None or station_id is None or principal.site_id is None:
        return
    upsert_presence(conn, {principal.workstation_id: principal.site_id}, station_id=station_id)


def set_presence(
    store: ServerStore,
    seen: Mapping[uuid.UUID, uuid.UUID],
    gone: Mapping[uuid.UUID, uuid.UUID] | None = None,
) -> None:
    """Mark workstations connected to our stream (workstation -> site) as seen now, and
    those that left it as gone."""
    if not seen and not gone:
        return
    now = _now()
    with store.write() as conn:
        upsert_presence(conn, seen, online=True, at=now)
        upsert_presence(conn, gone or {}, online=False, at=now)


def heartbeat(
    store: ServerStore, principal: Principal, body: ps.HeartbeatRequest
) -> ps.StationStatus:
    ws, site = principal.workstation_id, principal.site_id
    if ws is None or site is None:
        raise AlarmError("heartbeats come from workstations", 403)
    with store.write() as conn:
        upsert_presence(
            conn,
            {ws: site},
            via="heartbeat",
            station_id=body.station_id,
            client_version=body.client_version.strip() or None,
        )
        (status,) = statuses(conn, t.workstations.c.id == ws)
    return status


def station_ids(conn: Connection, workstation_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """The alarm-path station id each workstation told us (missing: never told)."""
    if not workstation_ids:
        return {}
    rows = conn.execute(
        sa.select(t.station_presence.c.workstation_id, t.station_presence.c.station_id).where(
            t.station_presence.c.workstation_id.in_(workstation_ids)
        )
    ).all()
    return {r.workstation_id: r.station_id for r in rows if r.station_id is not None}


def list_stations(store: ServerStore) -> list[ps.StationStatus]:
    """Every workstation with whether it is online now (seen within PRESENCE_TIMEOUT)."""
    with store.read() as conn:
        return statuses(conn)


def presence_rows(conn: Connection, *where: Any, limit: int | None = None) -> Sequence[Any]:
    """Workstations (those ``where`` admits, at most ``limit``) with their presence row (its
    columns None where there is none), ordered by site and name: the one presence query,
    read by the station list, the supervision board and the drop-out sweep alike (with
    :func:`counts_online` for whether each is online)."""
    presence = t.station_presence.c
    return conn.execute(
        sa.select(
            t.workstations.c.id,
            t.workstations.c.site_id,
            t.workstations.c.name,
            t.workstations.c.location,
            presence.station_id,
            presence.online,
            presence.via,
            presence.last_seen_at,
            presence.client_version,
            # Whether, not when: a boolean costs less to read than a timestamp per row.
            t.workstations.c.enrolled_at.is_not(None).label("enrolled"),
            t.workstations.c.revoked_at.is_not(None).label("revoked"),
        )
        .select_from(
            t.workstations.outerjoin(
                t.station_presence, presence.workstation_id == t.workstations.c.id
            )
        )
        .where(*where)
        .order_by(t.workstations.c.site_id, t.workstations.c.name)
        .limit(limit)
    ).all()


def counts_online(row: Any, fresh: datetime) -> bool:
    """A :func:`presence_rows` row is online: marked so, not revoked, seen since ``fresh``
    (now minus PRESENCE_TIMEOUT)."""
    return (
        bool(row.online)
        and not row.revoked
        and row.last_seen_at is not None
        and row.last_seen_at >= fresh
    )


def statuses(conn: Connection, *where: Any, limit: int | None = None) -> list[ps.StationStatus]:
    """Workstations (those ``where`` admits, at most ``limit``) with their presence."""
    fresh = _now() - PRESENCE_TIMEOUT
    return [
        ps.StationStatus(
            workstation_id=r.id,
            site_id=r.site_id,
            name=r.name,
            location=r.location,
            station_id=r.station_id,
            online=counts_online(r, fresh),
            via=r.via or "",
            last_seen_at=r.last_seen_at,
            client_version=r.client_version or "",
            enrolled=bool(r.enrolled),
            revoked=bool(r.revoked),
        )
        for r in presence_rows(conn, *where, limit=limit)
    ]


def station_body(station_id: uuid.UUID, name: str, location: str) -> wire.StationBody:
    """One entry of the stations.online list (names cut to what the schema allows)."""
    return wire.StationBody(
        station_id=station_id, station_name=name[:NAME_MAX], location=location[:LOCATION_MAX]
    )


def online_elsewhere(
    conn: Connection, site_id: uuid.UUID, limit: int
) -> dict[uuid.UUID, wire.StationBody]:
    """Stations of the site online on the stream of any server process (the presence rows
    they keep fresh), at most ``limit``: workstation -> its entry of stations.online."""
    presence = t.station_presence.c
    found = statuses(
        conn,
        presence.site_id == site_id,
        presence.online.is_(True),
        presence.via == "stream",
        presence.last_seen_at >= _now() - PRESENCE_TIMEOUT,
        limit=limit,
    )
    return {
        s.workstation_id: station_body(s.station_id or s.workstation_id, s.name, s.location)
        for s in found
    }
