"""The server's alarm store: raise (idempotent by id), acknowledge, resolve and cancel under
the rules of :mod:`veiligbalie.core.alarm`, the alarm log, and the escalation level an alarm
has reached. Synchronous database code; routes call it from the thread pool and
:mod:`veiligbalie.server.alarm_runtime` publishes what it returns. Presence lives in
:mod:`~veiligbalie.server.presence`, the per-site ladder in
:mod:`~veiligbalie.server.escalation_config`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from veiligbalie.core import alarm as rules
from veiligbalie.core.ids import uuid7
from veiligbalie.core.limits import LOCATION_MAX, NAME_MAX
from veiligbalie.core.vocabulary import AlarmState, Role
from veiligbalie.protocol import alarm_server as ps
from veiligbalie.protocol import alarms as wire
from veiligbalie.server import schema as t
from veiligbalie.server.auth import Principal
from veiligbalie.server.errors import AlarmError
from veiligbalie.server.escalation_config import site_escalation
from veiligbalie.server.presence import learn_station
from veiligbalie.server.store import ServerStore

log = logging.getLogger(__name__)

OPEN_STATES = tuple(s.value for s in AlarmState if s.is_open)
#: States in which nobody has acknowledged yet: escalation continues only in these.
UNANSWERED_STATES = (AlarmState.RAISED.value, AlarmState.ESCALATED.value)
_RESPONDERS_MAX = 500


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


#: How far a client's clock may be from the server's before its claimed time is refused.
CLAIM_TOLERANCE = timedelta(minutes=5)


def check_claim(claimed: datetime | None, now: datetime, what: str) -> None:
    """Refuse (422) a client's time further than CLAIM_TOLERANCE from the server's clock:
    the log keeps the server's receipt times, the claim only next to them."""
    if claimed is not None and abs(claimed - now) > CLAIM_TOLERANCE:
        minutes = int(CLAIM_TOLERANCE.total_seconds() // 60)
        raise AlarmError(
            f"{what} ({claimed.isoformat()}) is more than {minutes} minutes from the server's "
            f"clock ({now.isoformat(timespec='seconds')}); set the station's clock right",
            422,
        )


@dataclass(frozen=True)
class Moment:
    """When a client's change happened, on the server's clock."""

    at: datetime
    late: bool  # it happened while the server could not be told (more than the tolerance ago)


def claimed_moment(
    claimed: datetime | None,
    sent_at: datetime | None,
    now: datetime,
    what: str,
    *,
    exact: bool = False,
) -> Moment:
    """The server's moment for a change the client claims at ``claimed``.

    Without ``sent_at`` the claim must be within CLAIM_TOLERANCE of ``now`` and the moment is
    the receipt (``now``). With it, ``sent_at`` is held to that tolerance instead (the
    station's clock is right) and the claim to being no later than the sending and no more
    than LATE_MAX before it: a change that old is logged at ``now`` minus its age by the
    client's own clock, as reported late (``exact``: a change of any age is, as for an alarm
    reported only after it was over). Refusals are 422 with the reason."""
    if sent_at is None or claimed is None:
        check_claim(claimed, now, what)
        return Moment(now, False)
    check_claim(sent_at, now, "sent_at")
    age = sent_at - claimed
    if age < -CLAIM_TOLERANCE:
        raise AlarmError(f"{what} ({claimed.isoformat()}) is after sent_at", 422)
    if age > wire.LATE_MAX:
        raise AlarmError(
            f"{what} ({claimed.isoformat()}) is more than {wire.LATE_MAX.days} days before it "
            "was sent; too old to report as an alarm (register it as an incident)",
            422,
        )
    if age <= CLAIM_TOLERANCE and not exact:
        return Moment(now, False)
    return Moment(min(now, now - age), age > CLAIM_TOLERANCE)


def _responders(
    conn: Connection, alarm_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[wire.AckBody]]:
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


def reported_late(row: Row[*tuple[Any, ...]]) -> bool:
    """An ``alarms`` row the server heard of only after the fact: stored more than the
    tolerance after the press (a station reported it once the server could be reached)."""
    return bool(row.created_at - row.raised_at > CLAIM_TOLERANCE)


def _body(row: Row[*tuple[Any, ...]], responders: list[wire.AckBody]) -> wire.AlarmBody:
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
        late=reported_late(row),
    )


#: One alarm by id, built once: a raise asks it before its frame goes out, and building
#: the statement per call cost several times running it.
_BY_ID = sa.select(t.alarms).where(t.alarms.c.id == sa.bindparam("alarm_id"))
_BY_ID_LOCKED = _BY_ID.with_for_update()


def _row(
    conn: Connection, alarm_id: uuid.UUID, *, lock: bool = False
) -> Row[*tuple[Any, ...]] | None:
    query = _BY_ID_LOCKED if lock and conn.dialect.name == "postgresql" else _BY_ID
    return conn.execute(query, {"alarm_id": alarm_id}).first()


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


def raisers(conn: Connection, alarm_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID | None]:
    """The workstation that raised each alarm (None: raised by a user without one)."""
    if not alarm_ids:
        return {}
    rows = conn.execute(
        sa.select(t.alarms.c.id, t.alarms.c.workstation_id).where(t.alarms.c.id.in_(alarm_ids))
    ).all()
    return {r.id: r.workstation_id for r in rows}


@dataclass(frozen=True)
class StoredEvent:
    """The stream event of a change another server process made, rebuilt from the rows."""

    site_id: uuid.UUID
    event: dict[str, Any]
    raiser: uuid.UUID | None
    created_at: datetime


def stored_event(conn: Connection, alarm_id: uuid.UUID, kind: str) -> StoredEvent | None:
    """The ``alarm.<kind>`` event of the alarm as it is stored now (None when the row or the
    step it should show is missing)."""
    row = _row(conn, alarm_id)
    if row is None:
        return None
    alarm = _body(row, _responders(conn, [row.id])[row.id])
    if kind == "raised":
        event: dict[str, Any] = wire.AlarmRaisedEvent(alarm=alarm).model_dump(mode="json")
    elif kind == "acknowledged":
        if not alarm.responders:
            return None
        event = wire.AlarmAcknowledgedEvent(alarm=alarm, ack=alarm.responders[-1]).model_dump(
            mode="json"
        )
    else:
        last = conn.execute(
            sa.select(t.alarm_events)
            .where(t.alarm_events.c.alarm_id == alarm_id, t.alarm_events.c.kind == kind)
            .order_by(t.alarm_events.c.recorded_at.desc())
        ).first()
        if last is None:
            return None
        by = wire.CloseBody(
            alarm_id=alarm_id,
            by=last.actor,
            station_id=last.station_id,
            station_name=str(last.data.get("station_name") or "")[:NAME_MAX],
            at=last.at,
        )
        model = wire.AlarmResolvedEvent if kind == "resolved" else wire.AlarmCancelledEvent
        event = model(alarm=alarm, by=by).model_dump(mode="json")
    return StoredEvent(row.site_id, event, row.workstation_id, row.created_at)


def changed_since(
    conn: Connection, site_ids: Sequence[uuid.UUID], since: datetime
) -> list[tuple[str, StoredEvent]]:
    """Every alarm of these sites changed at or after ``since``, oldest first, as the events
    that bring a station up to it: an open one's ``raised`` (with its answers so far) and,
    once answered, its last ``acknowledged``; a closed one's ``resolved`` or ``cancelled``.
    Each with its kind (what a process sends after notes were lost, see AlarmRuntime)."""
    if not site_ids:
        return []
    a = t.alarms.c
    rows = conn.execute(
        sa.select(a.id, a.state)
        .where(a.site_id.in_(list(site_ids)), a.updated_at >= since)
        .order_by(a.created_at, a.id)
    ).all()
    out: list[tuple[str, StoredEvent]] = []
    for row in rows:
        state = AlarmState(row.state)
        kinds = ["raised", "acknowledged"] if state.is_open else [state.value]
        for kind in kinds:
            found = stored_event(conn, row.id, kind)
            if found is not None:
                out.append((kind, found))
    return out


def _visible(principal: Principal, site_id: uuid.UUID) -> bool:
    if principal.role in (Role.ADMINISTRATOR, Role.COORDINATOR):
        return True  # the coördinator agressie en geweld follows every site's alarms
    return principal.site_id == site_id


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
            claimed_at=e.claimed_at,
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
    claimed_at: datetime | None = None,
) -> None:
    """One line of an alarm's log. ``at`` is the server's time (of receipt, for a client's
    request); ``claimed_at`` the client's own clock as it said, kept only as its claim."""
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
            claimed_at=claimed_at,
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
    with store.write(urgent=True) as conn:
        conn.execute(sa.insert(t.alarm_events), rows)
    return sum(len(stations) for stations in by_alarm.values())


# --- changing ---------------------------------------------------------------------------


@dataclass
class PreparedRaise:
    """A new alarm checked and built but not stored yet: what the raise route fans out
    before the commit (see :mod:`~veiligbalie.server.alarm_routes`), then stores."""

    principal: Principal
    body: ps.ServerRaiseRequest
    site_id: uuid.UUID
    values: dict[str, Any]
    alarm: wire.AlarmBody
    event: dict[str, Any]

    @property
    def alarm_id(self) -> uuid.UUID:
        return self.alarm.id


def raise_alarm(
    store: ServerStore,
    principal: Principal,
    body: ps.ServerRaiseRequest,
    now: datetime | None = None,
) -> Outcome:
    """Store a new alarm, or answer the stored one when its id is known (idempotent).

    ``raised_at`` is when the server received it (``now``); the client's ``raised_at`` is
    kept as its claim and refused when far from the server's clock."""
    prepared = prepare_raise(store, principal, body, now)
    if isinstance(prepared, Outcome):
        return prepared
    return store_raise(store, prepared)


def _stored_outcome(
    conn: Connection, existing: Row[*tuple[Any, ...]], site_id: uuid.UUID
) -> Outcome:
    if existing.site_id != site_id:
        raise AlarmError("this alarm id belongs to another site", 409)
    return Outcome(
        alarm=_body(existing, _responders(conn, [existing.id])[existing.id]),
        site_id=site_id,
        workstation_id=existing.workstation_id,
        created_at=existing.created_at,
    )


def prepare_raise(
    store: ServerStore,
    principal: Principal,
    body: ps.ServerRaiseRequest,
    now: datetime | None = None,
) -> Outcome | PreparedRaise:
    """The read-only half of a raise: the stored alarm's Outcome (no event) when the id is
    known, else the new alarm and its ``alarm.raised`` event, built without writing."""
    with store.read(urgent=True) as conn:
        return prepare_raise_on(conn, principal, body, now)


def prepare_raise_on(
    conn: Connection,
    principal: Principal,
    body: ps.ServerRaiseRequest,
    now: datetime | None = None,
) -> Outcome | PreparedRaise:
    """:func:`prepare_raise` on an open read transaction (the route's, which authenticated
    the caller on it too)."""
    site_id = _site_of(principal)
    alarm_id = body.id or uuid7()
    now = now or _now()
    existing = _row(conn, alarm_id)
    if existing is not None:
        return _stored_outcome(conn, existing, site_id)
    moment = claimed_moment(body.raised_at, body.sent_at, now, "raised_at")
    station_name = _clean(body.station_name, NAME_MAX)
    location = _clean(body.location, LOCATION_MAX)
    if principal.workstation_id is not None:
        # The workstation's name and location as enrolled, read with its token.
        station_name = station_name or _clean(principal.display_name, NAME_MAX)
        location = location or _clean(principal.location, LOCATION_MAX)
    raised_by = _clean(body.raised_by, NAME_MAX) or _clean(principal.display_name, NAME_MAX)
    station_id = body.station_id or principal.workstation_id
    location = location or station_name
    values: dict[str, Any] = {
        "id": alarm_id,
        "site_id": site_id,
        "workstation_id": principal.workstation_id,
        "raised_by_user_id": principal.user_id,
        "station_id": station_id,
        "station_name": station_name,
        "kind": body.kind.value,
        "type": body.type.value,
        "location": location,
        "raised_by": raised_by,
        "raised_at": moment.at,
        "raised_at_claimed": body.raised_at,
        "state": AlarmState.RAISED.value,
        "test": body.test,
        "escalation_level": -1,
        "created_at": now,
        "updated_at": now,
    }
    alarm = wire.AlarmBody(
        id=alarm_id,
        kind=body.kind,
        type=body.type,
        station_id=station_id,
        station_name=station_name,
        location=location,
        site_id=str(site_id),
        raised_by=raised_by,
        raised_at=moment.at,
        test=body.test,
        state=AlarmState.RAISED,
        responders=[],
        late=moment.late,
    )
    event = wire.AlarmRaisedEvent(alarm=alarm).model_dump(mode="json")
    return PreparedRaise(principal, body, site_id, values, alarm, event)


def store_raise(store: ServerStore, prepared: PreparedRaise) -> Outcome:
    """The writing half: the alarm, its "raised" log line and the levels that fire with it,
    in one transaction. When the id was stored meanwhile (the same raise over two paths at
    once) the stored alarm is answered and nothing is written."""
    principal, body, values = prepared.principal, prepared.body, prepared.values
    alarm_id, site_id, now = prepared.alarm_id, prepared.site_id, values["created_at"]
    with store.write(urgent=True) as conn:
        existing = _row(conn, alarm_id)
        if existing is not None:
            return _stored_outcome(conn, existing, site_id)
        conn.execute(sa.insert(t.alarms).values(**values))
        _log_raised(conn, prepared, prepared.alarm.late)
        learn_station(conn, principal, body.station_id)
        escalation_level = _fire_with_raise(conn, alarm_id, site_id)
    return Outcome(
        alarm=prepared.alarm,
        site_id=site_id,
        event=prepared.event,
        kind="raised",
        workstation_id=principal.workstation_id,
        created_at=now,
        extra={"escalation_level": escalation_level},
    )


def _late(data: dict[str, Any], late: bool) -> dict[str, Any]:
    """A log line's data, marked when the change is reported late (a line of a live change
    stays as it was)."""
    return {**data, "late": True} if late else data


def _log_raised(conn: Connection, prepared: PreparedRaise, late: bool) -> None:
    """The "raised" line of the log, at the alarm's moment."""
    values, body = prepared.values, prepared.body
    data = _late({"station_name": values["station_name"], "test": body.test}, late)
    log_event(
        conn,
        prepared.alarm_id,
        "raised",
        actor=values["raised_by"] or values["station_name"],
        workstation_id=prepared.principal.workstation_id,
        station_id=values["station_id"],
        data=data,
        at=values["raised_at"],
        claimed_at=body.raised_at,
    )


def _fire_with_raise(conn: Connection, alarm_id: uuid.UUID, site_id: uuid.UUID) -> int:
    """The leading "colleagues at once" levels are the raise's own fan-out: logged as fired
    in the raise's transaction, so the escalator starts at the first level that waits.
    Returns the level the alarm is at now (-1: none fired)."""
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
    return fired


def _load_for_change(
    conn: Connection, principal: Principal, alarm_id: uuid.UUID
) -> Row[*tuple[Any, ...]]:
    row = _row(conn, alarm_id, lock=True)
    if row is None or principal.site_id != row.site_id:
        raise AlarmError("no such alarm", 404)
    return row


@contextmanager
def _changing(
    store: ServerStore, principal: Principal, alarm_id: uuid.UUID, body_alarm_id: uuid.UUID
) -> Iterator[tuple[Connection, Row[Any]]]:
    """The checks both acknowledge and close start with: the body names the path's alarm,
    and the alarm (locked in an open write) belongs to the caller's site."""
    if body_alarm_id != alarm_id:
        raise AlarmError("alarm_id in the body differs from the path", 400)
    with store.write(urgent=True) as conn:
        yield conn, _load_for_change(conn, principal, alarm_id)


def acknowledge(
    store: ServerStore,
    principal: Principal,
    alarm_id: uuid.UUID,
    body: wire.AckBody,
    now: datetime | None = None,
) -> Outcome:
    """A responder's "Ik kom eraan"; the same station acknowledging again changes nothing.
    Logged at the server's receipt time; the client's ``at`` is its claim."""
    now = now or _now()
    with _changing(store, principal, alarm_id, body.alarm_id) as (conn, row):
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
        moment = claimed_moment(body.at, body.sent_at, now, "at")
        new_state = state
        if rules.can_transition(state, AlarmState.ACKNOWLEDGED):
            new_state = rules.transition(state, AlarmState.ACKNOWLEDGED)
        conn.execute(
            sa.update(t.alarms)
            .where(t.alarms.c.id == alarm_id)
            .values(state=new_state.value, updated_at=now)
        )
        # Who is coming, by name: a workstation that sent none is named as the server knows it.
        station_name = _clean(body.station_name, NAME_MAX) or (
            _clean(principal.display_name, NAME_MAX) if principal.is_workstation else ""
        )
        log_event(
            conn,
            alarm_id,
            "acknowledged",
            actor=actor,
            workstation_id=principal.workstation_id,
            station_id=station_id,
            data=_late({"station_name": station_name}, moment.late),
            at=moment.at,
            claimed_at=body.at,
        )
        learn_station(conn, principal, body.station_id)
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
    now: datetime | None = None,
) -> Outcome:
    """Resolve ("Afgehandeld") or cancel ("Vergissing", the sender within the window).

    The window is measured on the server's receipt times (the raise's and this request's):
    a client that says it cancelled earlier cannot stretch it; its ``at`` is its claim."""
    now = now or _now()
    with _changing(store, principal, alarm_id, body.alarm_id) as (conn, row):
        state = AlarmState(row.state)
        if state == to:  # a repeat after a reconnect: nothing to do
            return Outcome(
                alarm=_body(row, _responders(conn, [alarm_id])[alarm_id]), site_id=row.site_id
            )
        moment = claimed_moment(body.at, body.sent_at, now, "at")
        try:
            if to == AlarmState.CANCELLED:
                sender = (
                    principal.workstation_id is not None
                    and principal.workstation_id == row.workstation_id
                ) or (principal.user_id is not None and principal.user_id == row.raised_by_user_id)
                if not sender:
                    raise AlarmError("only the station that raised the alarm may cancel it", 409)
                new_state = rules.cancel(state, row.raised_at, moment.at)
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
            data=_late({"station_name": _clean(body.station_name, NAME_MAX)}, moment.late),
            at=moment.at,
            claimed_at=body.at,
        )
        learn_station(conn, principal, body.station_id)
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


def report_late(
    store: ServerStore,
    principal: Principal,
    alarm_id: uuid.UUID,
    body: ps.ServerLateAlarmReport,
    now: datetime | None = None,
) -> Outcome:
    """An alarm raised and closed while the server was away (see LateAlarmReport): stored
    with its answers and its close at the moments they happened, told to nobody, never
    escalated. An alarm stored open meanwhile is closed as :func:`close` does; one stored
    closed is answered as it is."""
    if (
        body.alarm.id != alarm_id
        or body.closed.alarm_id != alarm_id
        or any(r.alarm_id != alarm_id for r in body.responders)
    ):
        raise AlarmError("alarm_id in the body differs from the path", 400)
    now = now or _now()
    closing = body.closed.model_copy(update={"sent_at": body.sent_at})
    outcome = _store_late(store, principal, alarm_id, body, closing, now)
    if outcome is None:  # the server has it open: the report closes it
        return close(store, principal, alarm_id, closing, AlarmState(body.state), now)
    return outcome


def _store_late(
    store: ServerStore,
    principal: Principal,
    alarm_id: uuid.UUID,
    body: ps.ServerLateAlarmReport,
    closing: wire.CloseBody,
    now: datetime,
) -> Outcome | None:
    """:func:`report_late`'s one transaction; None when the alarm is stored and open."""
    with store.write(urgent=True) as conn:
        existing = _row(conn, alarm_id, lock=True)
        if existing is not None:
            site_id = _site_of(principal)
            if existing.site_id == site_id and AlarmState(existing.state).is_open:
                return None
            return _stored_outcome(conn, existing, site_id)  # 409: another site's id
        prepared = prepare_raise_on(
            conn, principal, body.alarm.model_copy(update={"sent_at": body.sent_at}), now
        )
        assert isinstance(prepared, PreparedRaise)  # not stored: read under the same lock
        values = prepared.values

        def moment(claimed: datetime | None, what: str) -> datetime:
            return claimed_moment(claimed, body.sent_at, now, what, exact=True).at

        raised_at = values["raised_at"] = moment(body.alarm.raised_at, "alarm.raised_at")
        answers = [(r, max(raised_at, moment(r.at, "responders.at"))) for r in body.responders]
        closed_at = max(raised_at, moment(closing.at, "closed.at"))
        try:
            if body.state == AlarmState.CANCELLED:
                before = AlarmState.ACKNOWLEDGED if answers else AlarmState.RAISED
                state = rules.cancel(before, raised_at, closed_at)
            else:
                state = AlarmState.RESOLVED
        except rules.InvalidTransition as exc:
            raise AlarmError(str(exc), 409) from None
        # Its last change is its close (what the follow-up list shows as "closed at").
        conn.execute(
            sa.insert(t.alarms).values(**{**values, "state": state.value, "updated_at": closed_at})
        )
        # Late as a live raise would be: heard of more than the tolerance after the press
        # (one the LAN carried through a short outage reads as on time, everywhere).
        late = now - raised_at > CLAIM_TOLERANCE
        _log_raised(conn, prepared, late)
        for answer, at in answers:
            log_event(
                conn,
                alarm_id,
                "acknowledged",
                actor=_clean(answer.responder, NAME_MAX),
                station_id=answer.station_id,
                path="lan",  # heard by the sender's station while the server was away
                data=_late({"station_name": _clean(answer.station_name, NAME_MAX)}, late),
                at=at,
                claimed_at=answer.at,
            )
        log_event(
            conn,
            alarm_id,
            state.value,
            actor=_clean(closing.by, NAME_MAX) or _clean(principal.display_name, NAME_MAX),
            workstation_id=principal.workstation_id,
            station_id=closing.station_id or principal.workstation_id,
            data=_late({"station_name": _clean(closing.station_name, NAME_MAX)}, late),
            at=closed_at,
            claimed_at=closing.at,
        )
        learn_station(conn, principal, body.alarm.station_id)
        alarm = alarm_body(conn, alarm_id)
        assert alarm is not None
    log.info("Alarm %s reported late (%s, raised %s)", alarm_id, state.value, raised_at)
    # No event: the alarm is over, no station needs to be told or to show it.
    return Outcome(alarm=alarm, site_id=prepared.site_id, workstation_id=principal.workstation_id)


# --- escalation progress -------------------------------------------------------------------


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


def claim_level(
    store: ServerStore, alarm_id: uuid.UUID, level: int, detail: dict[str, Any]
) -> bool:
    """Fire ``level`` of the alarm: True only for the one caller (of any server process)
    whose conditional update hit the row while nobody had acknowledged. Logs the step."""
    now = _now()
    with store.write(urgent=True) as conn:
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
