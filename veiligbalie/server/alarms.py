"""The server's alarm store: raise (idempotent by id), acknowledge, resolve and cancel under
the rules of :mod:`veiligbalie.core.alarm`, the alarm log, station presence and the per-site
escalation ladder. Synchronous database code; routes call it from the thread pool and
:mod:`veiligbalie.server.alarm_runtime` publishes what it returns.

The webhook signing secret is stored in the server database as is (the server must use it to
sign), is never part of any answer (only ``webhook_secret_set``), and never logged.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from veiligbalie.core import alarm as rules
from veiligbalie.core.ids import uuid7
from veiligbalie.core.limits import LOCATION_MAX, NAME_MAX
from veiligbalie.core.vocabulary import AlarmState, Role
from veiligbalie.protocol import alarm_server as ps
from veiligbalie.protocol import alarms as wire
from veiligbalie.server import schema as t
from veiligbalie.server.admin import AdminError, find_site
from veiligbalie.server.auth import Principal
from veiligbalie.server.store import ServerStore

log = logging.getLogger(__name__)

OPEN_STATES = tuple(s.value for s in AlarmState if s.is_open)
#: States in which nobody has acknowledged yet: escalation continues only in these.
UNANSWERED_STATES = (AlarmState.RAISED.value, AlarmState.ESCALATED.value)
#: A station counts as online when seen (stream or heartbeat) this recently.
PRESENCE_TIMEOUT = timedelta(seconds=45)
_RESPONDERS_MAX = 500


class AlarmError(Exception):
    """A request the alarm rules refuse; ``status`` is the HTTP answer (404, 403, 409)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Outcome:
    """What a change did: the alarm now, and the event to publish (None when nothing
    changed, e.g. a repeated request)."""

    alarm: wire.AlarmBody
    site_id: uuid.UUID
    event: dict[str, Any] | None = None
    kind: str = ""  # raised | acknowledged | resolved | cancelled
    workstation_id: uuid.UUID | None = None  # the raiser's workstation
    created_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _now() -> datetime:
    return datetime.now(UTC)


def _clean(text: str, limit: int) -> str:
    return text.replace("\x00", "").strip()[:limit]


# --- reading ----------------------------------------------------------------------------


def _responders(conn: Connection, alarm_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list]:
    found: dict[uuid.UUID, list[wire.AckBody]] = {a: [] for a in alarm_ids}
    if not alarm_ids:
        return found
    rows = conn.execute(
        sa.select(t.alarm_events)
        .where(t.alarm_events.c.alarm_id.in_(alarm_ids), t.alarm_events.c.kind == "acknowledged")
        .order_by(t.alarm_events.c.recorded_at, t.alarm_events.c.id)
    ).all()
    for row in rows:
        acks = found[row.alarm_id]
        if len(acks) < _RESPONDERS_MAX:
            acks.append(
                wire.AckBody(
                    alarm_id=row.alarm_id,
                    responder=row.actor,
                    station_id=row.station_id,
                    station_name=str(row.data.get("station_name") or "")[:NAME_MAX],
                    at=row.at,
                )
            )
    return found


def _body(row: Row, responders: list[wire.AckBody]) -> wire.AlarmBody:
    return wire.AlarmBody(
        id=row.id,
        kind=row.kind,
        type=row.type,
        station_id=row.station_id,
        station_name=row.station_name,
        location=row.location,
        site_id=str(row.site_id),
        raised_by=row.raised_by,
        raised_at=row.raised_at,
        test=row.test,
        state=row.state,
        responders=responders,
    )


def _row(conn: Connection, alarm_id: uuid.UUID, *, lock: bool = False) -> Row | None:
    query = sa.select(t.alarms).where(t.alarms.c.id == alarm_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).first()


def alarm_body(conn: Connection, alarm_id: uuid.UUID) -> wire.AlarmBody | None:
    row = _row(conn, alarm_id)
    if row is None:
        return None
    return _body(row, _responders(conn, [row.id])[row.id])


def open_alarms(conn: Connection, site_id: uuid.UUID) -> list[wire.AlarmBody]:
    """The site's open alarms, oldest first."""
    rows = conn.execute(
        sa.select(t.alarms)
        .where(t.alarms.c.site_id == site_id, t.alarms.c.state.in_(OPEN_STATES))
        .order_by(t.alarms.c.raised_at)
    ).all()
    responders = _responders(conn, [r.id for r in rows])
    return [_body(r, responders[r.id]) for r in rows]


def _visible(principal: Principal, site_id: uuid.UUID) -> bool:
    return principal.role == Role.ADMINISTRATOR or principal.site_id == site_id


def _site_of(principal: Principal) -> uuid.UUID:
    if principal.site_id is None:
        raise AlarmError("this token belongs to no site", 403)
    return principal.site_id


def list_alarms(
    store: ServerStore, principal: Principal, open_only: bool, limit: int
) -> ps.AlarmList:
    site_id = _site_of(principal)
    with store.read() as conn:
        if open_only:
            return ps.AlarmList(alarms=open_alarms(conn, site_id))
        rows = conn.execute(
            sa.select(t.alarms)
            .where(t.alarms.c.site_id == site_id)
            .order_by(t.alarms.c.raised_at.desc())
            .limit(limit)
        ).all()
        responders = _responders(conn, [r.id for r in rows])
        return ps.AlarmList(alarms=[_body(r, responders[r.id]) for r in rows])


def alarm_detail(store: ServerStore, principal: Principal, alarm_id: uuid.UUID) -> ps.AlarmDetail:
    with store.read() as conn:
        row = _row(conn, alarm_id)
        if row is None or not _visible(principal, row.site_id):
            raise AlarmError("no such alarm", 404)
        events = conn.execute(
            sa.select(t.alarm_events)
            .where(t.alarm_events.c.alarm_id == alarm_id)
            .order_by(t.alarm_events.c.recorded_at, t.alarm_events.c.id)
        ).all()
        body = _body(row, _responders(conn, [row.id])[row.id])
    entries = [
        ps.AlarmLogEntry(
            kind=e.kind,
            actor=e.actor,
            workstation_id=e.workstation_id,
            station_id=e.station_id,
            path=e.path,
            data=dict(e.data or {}),
            at=e.at,
            recorded_at=e.recorded_at,
        )
        for e in events
    ]
    return ps.AlarmDetail(alarm=body, escalation_level=row.escalation_level, log=entries)


# --- the log ----------------------------------------------------------------------------


def log_event(
    conn: Connection,
    alarm_id: uuid.UUID,
    kind: str,
    *,
    actor: str = "",
    workstation_id: uuid.UUID | None = None,
    station_id: uuid.UUID | None = None,
    path: str = "server",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    now = _now()
    conn.execute(
        sa.insert(t.alarm_events).values(
            id=uuid7(),
            alarm_id=alarm_id,
            kind=kind,
            actor=_clean(actor, NAME_MAX),
            workstation_id=workstation_id,
            station_id=station_id,
            path=path,
            data=data or {},
            at=at or now,
            recorded_at=now,
        )
    )


#: One send to a station: (alarm, workstation, station id, station name, unix time). A plain
#: tuple because the stream makes one per station per alarm on the event loop.
Delivery = tuple[uuid.UUID, uuid.UUID, uuid.UUID | None, str, float]


def record_deliveries(store: ServerStore, deliveries: Iterable[Delivery]) -> int:
    """Log "delivered via server" for many sends: one log entry per alarm per batch, listing
    each station with its own time (a fan-out to hundreds of stations stays one insert)."""
    by_alarm: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for alarm_id, workstation_id, station_id, name, at in deliveries:
        by_alarm.setdefault(alarm_id, []).append(
            {
                "workstation_id": str(workstation_id),
                "station_id": str(station_id) if station_id else None,
                "name": _clean(name, NAME_MAX),
                "at": datetime.fromtimestamp(at, UTC).isoformat(),
            }
        )
    if not by_alarm:
        return 0
    now = _now()
    rows = [
        {
            "id": uuid7(),
            "alarm_id": alarm_id,
            "kind": "delivered",
            "actor": "",
            "workstation_id": None,
            "station_id": None,
            "path": "server",
            "data": {"stations": stations},
            "at": datetime.fromisoformat(stations[0]["at"]),
            "recorded_at": now,
        }
        for alarm_id, stations in by_alarm.items()
    ]
    with store.write() as conn:
        conn.execute(sa.insert(t.alarm_events), rows)
    return sum(len(stations) for stations in by_alarm.values())


# --- changing ---------------------------------------------------------------------------


def _learn_station(conn: Connection, principal: Principal, station_id: uuid.UUID | None) -> None:
    """Remember the station id a workstation uses on the alarm paths (for stations.online)."""
    if principal.workstation_id is None or station_id is None or principal.site_id is None:
        return
    touch_presence(conn, principal.workstation_id, principal.site_id, station_id=station_id)


def raise_alarm(store: ServerStore, principal: Principal, body: ps.ServerRaiseRequest) -> Outcome:
    """Store a new alarm, or answer the stored one when its id is known (idempotent)."""
    site_id = _site_of(principal)
    alarm_id = body.id or uuid7()
    now = _now()
    with store.write() as conn:
        existing = _row(conn, alarm_id)
        if existing is not None:
            if existing.site_id != site_id:
                raise AlarmError("this alarm id belongs to another site", 409)
            return Outcome(
                alarm=_body(existing, _responders(conn, [alarm_id])[alarm_id]),
                site_id=site_id,
                workstation_id=existing.workstation_id,
                created_at=existing.created_at,
            )
        station_name = _clean(body.station_name, NAME_MAX)
        location = _clean(body.location, LOCATION_MAX)
        if principal.workstation_id is not None:
            ws = conn.execute(
                sa.select(t.workstations.c.name, t.workstations.c.location).where(
                    t.workstations.c.id == principal.workstation_id
                )
            ).one()
            station_name = station_name or _clean(ws.name, NAME_MAX)
            location = location or _clean(ws.location, LOCATION_MAX)
        raised_by = _clean(body.raised_by, NAME_MAX) or _clean(principal.display_name, NAME_MAX)
        station_id = body.station_id or principal.workstation_id
        values = {
            "id": alarm_id,
            "site_id": site_id,
            "workstation_id": principal.workstation_id,
            "raised_by_user_id": principal.user_id,
            "station_id": station_id,
            "station_name": station_name,
            "kind": body.kind.value,
            "type": body.type.value,
            "location": location or station_name,
            "raised_by": raised_by,
            "raised_at": body.raised_at or now,
            "state": AlarmState.RAISED.value,
            "test": body.test,
            "escalation_level": -1,
            "created_at": now,
            "updated_at": now,
        }
        conn.execute(sa.insert(t.alarms).values(**values))
        log_event(
            conn,
            alarm_id,
            "raised",
            actor=raised_by or station_name,
            workstation_id=principal.workstation_id,
            station_id=station_id,
            data={"station_name": station_name, "test": body.test},
            at=values["raised_at"],
        )
        _learn_station(conn, principal, body.station_id)
        _fire_with_raise(conn, alarm_id, site_id)
        row = _row(conn, alarm_id)
        assert row is not None
        escalation_level = row.escalation_level
        alarm = _body(row, [])
    return Outcome(
        alarm=alarm,
        site_id=site_id,
        event=wire.AlarmRaisedEvent(alarm=alarm).model_dump(mode="json"),
        kind="raised",
        workstation_id=principal.workstation_id,
        created_at=now,
        extra={"escalation_level": escalation_level},
    )


def _fire_with_raise(conn: Connection, alarm_id: uuid.UUID, site_id: uuid.UUID) -> None:
    """The leading "colleagues at once" levels are the raise's own fan-out: logged as fired
    in the raise's transaction, so the escalator starts at the first level that waits."""
    fired = -1
    for number, level in enumerate(site_escalation(conn, site_id).levels):
        if level.delay_seconds > 0 or level.webhook or level.targets != [ps.COLLEAGUES]:
            break
        fired = number
        log_event(
            conn,
            alarm_id,
            "escalated",
            actor="server",
            data={
                "level": number,
                "delay_seconds": 0.0,
                "targets": [ps.COLLEAGUES],
                "webhook": False,
                "alerts": False,
                "with_raise": True,
            },
        )
    if fired >= 0:
        conn.execute(
            sa.update(t.alarms).where(t.alarms.c.id == alarm_id).values(escalation_level=fired)
        )


def _load_for_change(conn: Connection, principal: Principal, alarm_id: uuid.UUID) -> Row:
    row = _row(conn, alarm_id, lock=True)
    if row is None or principal.site_id != row.site_id:
        raise AlarmError("no such alarm", 404)
    return row


def acknowledge(
    store: ServerStore, principal: Principal, alarm_id: uuid.UUID, body: wire.AckBody
) -> Outcome:
    """A responder's "Ik kom eraan"; the same station acknowledging again changes nothing."""
    if body.alarm_id != alarm_id:
        raise AlarmError("alarm_id in the body differs from the path", 400)
    with store.write() as conn:
        row = _load_for_change(conn, principal, alarm_id)
        state = AlarmState(row.state)
        responders = _responders(conn, [alarm_id])[alarm_id]
        station_id = body.station_id or principal.workstation_id
        actor = _clean(body.responder, NAME_MAX) or _clean(principal.display_name, NAME_MAX)
        if any(
            (a.station_id is not None and a.station_id == station_id)
            or (a.station_id is None and station_id is None and a.responder == actor)
            for a in responders
        ):
            return Outcome(alarm=_body(row, responders), site_id=row.site_id)
        if not state.is_open:
            raise AlarmError(f"the alarm is already {state.value}; nobody needs to come", 409)
        if principal.workstation_id is not None and principal.workstation_id == row.workstation_id:
            raise AlarmError("the station that raised the alarm cannot acknowledge it", 409)
        new_state = state
        if rules.can_transition(state, AlarmState.ACKNOWLEDGED):
            new_state = rules.transition(state, AlarmState.ACKNOWLEDGED)
        now = _now()
        conn.execute(
            sa.update(t.alarms)
            .where(t.alarms.c.id == alarm_id)
            .values(state=new_state.value, updated_at=now)
        )
        station_name = _clean(body.station_name, NAME_MAX)
        log_event(
            conn,
            alarm_id,
            "acknowledged",
            actor=actor,
            workstation_id=principal.workstation_id,
            station_id=station_id,
            data={"station_name": station_name},
            at=body.at,
        )
        _learn_station(conn, principal, body.station_id)
        alarm = alarm_body(conn, alarm_id)
        assert alarm is not None
    ack = next(a for a in reversed(alarm.responders) if a.station_id == station_id)
    event = wire.AlarmAcknowledgedEvent(alarm=alarm, ack=ack).model_dump(mode="json")
    return Outcome(
        alarm=alarm,
        site_id=row.site_id,
        event=event,
        kind="acknowledged",
        workstation_id=row.workstation_id,
    )


def close(
    store: ServerStore,
    principal: Principal,
    alarm_id: uuid.UUID,
    body: wire.CloseBody,
    to: AlarmState,
) -> Outcome:
    """Resolve ("Afgehandeld") or cancel ("Vergissing", the sender within the window)."""
    if body.alarm_id != alarm_id:
        raise AlarmError("alarm_id in the body differs from the path", 400)
    with store.write() as conn:
        row = _load_for_change(conn, principal, alarm_id)
        state = AlarmState(row.state)
        if state == to:  # a repeat after a reconnect: nothing to do
            return Outcome(
                alarm=_body(row, _responders(conn, [alarm_id])[alarm_id]), site_id=row.site_id
            )
        now = _now()
        try:
            if to == AlarmState.CANCELLED:
                sender = (
                    principal.workstation_id is not None
                    and principal.workstation_id == row.workstation_id
                ) or (principal.user_id is not None and principal.user_id == row.raised_by_user_id)
                if not sender:
                    raise AlarmError("only the station that raised the alarm may cancel it", 409)
                # The sender's own clock for both moments (a cancel may reach us late after
                # a reconnect); never a moment after our own now.
                moment = min(body.at, now)
                new_state = rules.cancel(state, row.raised_at, moment)
            else:
                new_state = rules.transition(state, to)
        except rules.InvalidTransition as exc:
            raise AlarmError(str(exc), 409) from None
        conn.execute(
            sa.update(t.alarms)
            .where(t.alarms.c.id == alarm_id)
            .values(state=new_state.value, updated_at=now)
        )
        by = _clean(body.by, NAME_MAX) or _clean(principal.display_name, NAME_MAX)
        log_event(
            conn,
            alarm_id,
            new_state.value,
            actor=by,
            workstation_id=principal.workstation_id,
            station_id=body.station_id or principal.workstation_id,
            data={"station_name": _clean(body.station_name, NAME_MAX)},
            at=body.at,
        )
        _learn_station(conn, principal, body.station_id)
        alarm = alarm_body(conn, alarm_id)
        assert alarm is not None
    closing = body.model_copy(update={"by": by})
    model = (
        wire.AlarmResolvedEvent if new_state == AlarmState.RESOLVED else wire.AlarmCancelledEvent
    )
    return Outcome(
        alarm=alarm,
        site_id=row.site_id,
        event=model(alarm=alarm, by=closing).model_dump(mode="json"),
        kind=new_state.value,
        workstation_id=row.workstation_id,
    )


# --- presence ---------------------------------------------------------------------------


def touch_presence(
    conn: Connection,
    workstation_id: uuid.UUID,
    site_id: uuid.UUID,
    *,
    online: bool = True,
    via: str = "stream",
    station_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> None:
    """Insert or update the presence row of a workstation."""
    at = at or _now()
    table = t.station_presence
    values: dict[str, Any] = {"online": online, "via": via, "last_seen_at": at}
    if station_id is not None:
        values["station_id"] = station_id
    updated = conn.execute(
        sa.update(table).where(table.c.workstation_id == workstation_id).values(**values)
    ).rowcount
    if not updated:
        insert = _upsert_insert(conn)(table).values(
            workstation_id=workstation_id, site_id=site_id, **values
        )
        conn.execute(insert.on_conflict_do_update(index_elements=["workstation_id"], set_=values))


def _upsert_insert(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def heartbeat(
    store: ServerStore, principal: Principal, body: ps.HeartbeatRequest
) -> ps.StationStatus:
    if principal.workstation_id is None or principal.site_id is None:
        raise AlarmError("heartbeats come from workstations", 403)
    with store.write() as conn:
        touch_presence(
            conn,
            principal.workstation_id,
            principal.site_id,
            via="heartbeat",
            station_id=body.station_id,
        )
    return next(s for s in list_stations(store) if s.workstation_id == principal.workstation_id)


def set_presence(
    store: ServerStore,
    seen: Iterable[tuple[uuid.UUID, uuid.UUID]],
    gone: Iterable[tuple[uuid.UUID, uuid.UUID]] = (),
) -> None:
    """Mark (workstation, site) pairs connected to our stream as seen now, others gone.
    A few statements whatever the number of stations (a big site refreshes them all)."""
    now = _now()
    table = t.station_presence
    groups = [(True, dict(seen)), (False, dict(gone))]
    if not any(pairs for _, pairs in groups):
        return
    with store.write() as conn:
        for online, pairs in groups:
            ids = list(pairs)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                known = set(
                    conn.execute(
                        sa.select(table.c.workstation_id).where(table.c.workstation_id.in_(chunk))
                    ).scalars()
                )
                if known:
                    conn.execute(
                        sa.update(table)
                        .where(table.c.workstation_id.in_(known))
                        .values(online=online, via="stream", last_seen_at=now)
                    )
                new = [
                    {
                        "workstation_id": ws,
                        "site_id": pairs[ws],
                        "online": online,
                        "via": "stream",
                        "last_seen_at": now,
                    }
                    for ws in chunk
                    if ws not in known
                ]
                if new:  # another process may insert the same row meanwhile: its row is fresh
                    insert = _upsert_insert(conn)(table).on_conflict_do_nothing()
                    conn.execute(insert, new)


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
    limit = _now() - PRESENCE_TIMEOUT
    with store.read() as conn:
        rows = conn.execute(
            sa.select(
                t.workstations.c.id,
                t.workstations.c.site_id,
                t.workstations.c.name,
                t.workstations.c.location,
                t.station_presence.c.station_id,
                t.station_presence.c.online,
                t.station_presence.c.via,
                t.station_presence.c.last_seen_at,
            )
            .select_from(
                t.workstations.outerjoin(
                    t.station_presence,
                    t.station_presence.c.workstation_id == t.workstations.c.id,
                )
            )
            .order_by(t.workstations.c.site_id, t.workstations.c.name)
        ).all()
    return [
        ps.StationStatus(
            workstation_id=r.id,
            site_id=r.site_id,
            name=r.name,
            location=r.location,
            station_id=r.station_id,
            online=bool(r.online) and r.last_seen_at is not None and r.last_seen_at >= limit,
            via=r.via or "",
            last_seen_at=r.last_seen_at,
        )
        for r in rows
    ]


# --- escalation -------------------------------------------------------------------------

_ROLE_TARGETS = {r.value for r in Role}


def _validate_levels(levels: Sequence[ps.EscalationLevelModel]) -> list[ps.EscalationLevelModel]:
    previous = -1.0
    for number, level in enumerate(levels):
        for target in level.targets:
            if target != ps.COLLEAGUES and target not in _ROLE_TARGETS:
                choices = ", ".join(sorted(_ROLE_TARGETS | {ps.COLLEAGUES}))
                raise AdminError(f"level {number}: unknown target {target!r}; use {choices}")
        if not level.targets and not level.webhook:
            raise AdminError(f"level {number} alerts nobody: give targets or the webhook")
        if ps.COLLEAGUES in level.targets and len(level.targets) > 1:
            raise AdminError(f"level {number}: 'colleagues' already includes every role")
        if level.delay_seconds < previous:
            raise AdminError("levels must be in order of their delay")
        previous = level.delay_seconds
    return list(levels)


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AdminError("the webhook URL must be http(s)://host/...")
    if parts.username or parts.password:
        raise AdminError("put no credentials in the webhook URL; use the signing secret")
    return url


def levels_from_core(levels: Sequence[rules.EscalationLevel]) -> list[ps.EscalationLevelModel]:
    return [
        ps.EscalationLevelModel(
            delay_seconds=level.delay.total_seconds(),
            targets=[ps.COLLEAGUES]
            if level.targets == rules.COLLEAGUES
            else sorted(r.value for r in level.targets),  # type: ignore[union-attr]
            webhook=level.webhook,
        )
        for level in levels
    ]


@dataclass(frozen=True)
class SiteEscalation:
    """The ladder of one site as the escalator uses it (secret included: server-side only)."""

    site_id: uuid.UUID
    site_name: str
    levels: list[ps.EscalationLevelModel]
    webhook_url: str | None
    webhook_secret: str | None = field(repr=False)


def site_escalation(conn: Connection, site_id: uuid.UUID) -> SiteEscalation:
    site_name = conn.execute(sa.select(t.sites.c.name).where(t.sites.c.id == site_id)).scalar()
    row = conn.execute(
        sa.select(t.site_escalation).where(t.site_escalation.c.site_id == site_id)
    ).first()
    if row is None:
        return SiteEscalation(
            site_id, site_name or "", levels_from_core(rules.default_escalation()), None, None
        )
    levels = [ps.EscalationLevelModel.model_validate(x) for x in row.levels]
    return SiteEscalation(site_id, site_name or "", levels, row.webhook_url, row.webhook_secret)


def get_escalation(store: ServerStore, site_ref: str | uuid.UUID) -> ps.EscalationOut:
    with store.read() as conn:
        site = find_site(conn, site_ref)
        stored = conn.execute(
            sa.select(t.site_escalation.c.site_id).where(t.site_escalation.c.site_id == site.id)
        ).first()
        config = site_escalation(conn, site.id)
    return ps.EscalationOut(
        site_id=site.id,
        levels=config.levels,
        webhook_url=config.webhook_url,
        webhook_secret_set=bool(config.webhook_secret),
        default=stored is None,
    )


def set_escalation(
    store: ServerStore, site_ref: str | uuid.UUID, body: ps.EscalationIn
) -> ps.EscalationOut:
    levels = _validate_levels(body.levels)
    url = _check_url(body.webhook_url) if body.webhook_url else None
    if body.webhook_secret is not None and "\x00" in body.webhook_secret:
        raise AdminError("the webhook secret contains a NUL character")
    with store.write() as conn:
        site = find_site(conn, site_ref)
        current = site_escalation(conn, site.id)
        secret = current.webhook_secret if body.webhook_secret is None else body.webhook_secret
        secret = secret or None
        if any(level.webhook for level in levels):
            if url is None:
                raise AdminError("a webhook level needs --webhook-url")
            if secret is None:
                raise AdminError("a webhook level needs a signing secret (--webhook-secret-stdin)")
        values = {
            "levels": [level.model_dump() for level in levels],
            "webhook_url": url,
            "webhook_secret": secret,
            "updated_at": _now(),
        }
        updated = conn.execute(
            sa.update(t.site_escalation)
            .where(t.site_escalation.c.site_id == site.id)
            .values(**values)
        ).rowcount
        if not updated:
            conn.execute(sa.insert(t.site_escalation).values(site_id=site.id, **values))
    log.info("escalation of site %s set: %d level(s)", site.name, len(levels))
    return get_escalation(store, site.id)


def reset_escalation(store: ServerStore, site_ref: str | uuid.UUID) -> ps.EscalationOut:
    with store.write() as conn:
        site = find_site(conn, site_ref)
        conn.execute(sa.delete(t.site_escalation).where(t.site_escalation.c.site_id == site.id))
    return get_escalation(store, site.id)


@dataclass(frozen=True)
class Pending:
    """An open, unanswered alarm the escalator watches."""

    alarm_id: uuid.UUID
    site_id: uuid.UUID
    created_at: datetime
    escalation_level: int


def pending_alarms(conn: Connection) -> list[Pending]:
    rows = conn.execute(
        sa.select(
            t.alarms.c.id, t.alarms.c.site_id, t.alarms.c.created_at, t.alarms.c.escalation_level
        ).where(t.alarms.c.state.in_(UNANSWERED_STATES))
    ).all()
    return [Pending(r.id, r.site_id, r.created_at, r.escalation_level) for r in rows]


def pending_alarm(conn: Connection, alarm_id: uuid.UUID) -> Pending | None:
    row = conn.execute(
        sa.select(
            t.alarms.c.id, t.alarms.c.site_id, t.alarms.c.created_at, t.alarms.c.escalation_level
        ).where(t.alarms.c.id == alarm_id, t.alarms.c.state.in_(UNANSWERED_STATES))
    ).first()
    return Pending(row.id, row.site_id, row.created_at, row.escalation_level) if row else None


def claim_level(store: ServerStore, alarm_id: uuid.UUID, level: int, detail: dict) -> bool:
    """Fire ``level`` of the alarm: True only for the one caller (of any server process)
    whose conditional update hit the row while nobody had acknowledged. Logs the step."""
    now = _now()
    with store.write() as conn:
        row = _row(conn, alarm_id)
        if row is None:
            return False
        state = AlarmState(row.state)
        new_state = state
        if detail.get("alerts") and rules.can_transition(state, AlarmState.ESCALATED):
            new_state = AlarmState.ESCALATED
        hit = conn.execute(
            sa.update(t.alarms)
            .where(
                t.alarms.c.id == alarm_id,
                t.alarms.c.escalation_level < level,
                t.alarms.c.state.in_(UNANSWERED_STATES),
            )
            .values(escalation_level=level, state=new_state.value, updated_at=now)
        ).rowcount
        if hit:
            log_event(conn, alarm_id, "escalated", actor="server", data={"level": level, **detail})
    return bool(hit)
