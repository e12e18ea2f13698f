"""Alarm wire schemas for the server path: the REST bodies of ``/api/v1/alarms`` and the
``alarm.*`` stream events. The client's ServerAlarmPath and the server share them.

Routes (all idempotent by alarm id, so a client may repeat them after a reconnect)::

    POST /api/v1/alarms                      RaiseAlarmRequest -> AlarmBody
    POST /api/v1/alarms/{id}/acknowledge     AckBody           -> AlarmBody
    POST /api/v1/alarms/{id}/resolve         CloseBody         -> AlarmBody
    POST /api/v1/alarms/{id}/cancel          CloseBody         -> AlarmBody
    POST /api/v1/alarms/{id}/late            LateAlarmReport   -> AlarmBody

Every request may carry ``sent_at``, the sender's clock when the request left it. Without
it a claimed time (``raised_at``, ``at``) must lie within 5 minutes of the server's clock.
With it the server measures the sender's clock against its own on ``sent_at`` (within
5 minutes) and takes the claimed time as a moment that long before the sending: an alarm
raised, answered or closed while the server could not be reached is logged at the moment
it happened, up to LATE_MAX ago, and marked as reported late.

Stream events (server -> client), one JSON object each::

    {"type": "alarm.raised",       "alarm": AlarmBody}
    {"type": "alarm.acknowledged", "alarm": AlarmBody, "ack": AckBody}
    {"type": "alarm.resolved",     "alarm": AlarmBody, "by": CloseBody}
    {"type": "alarm.cancelled",    "alarm": AlarmBody, "by": CloseBody}
    {"type": "alarm.delivered",    "alarm_id", "station_id", "station_name", "at"}
    {"type": "stations.online",    "site_id": ..., "stations": [StationBody, ...]}
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, Field, StrictBool

from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType
from veiligbalie.protocol.base import FrozenWireModel, Location, Name, SiteId

ALARMS_PATH = "/alarms"
#: How long ago an alarm may have happened and still be reported to the server.
LATE_MAX = timedelta(days=30)


def sent_now() -> datetime:
    """The ``sent_at`` of a request leaving now."""
    return datetime.now(UTC)


class AckBody(FrozenWireModel):
    """A responder's "Ik kom eraan"."""

    alarm_id: uuid.UUID
    responder: Name = ""
    station_id: uuid.UUID | None = None
    station_name: Name = ""
    at: AwareDatetime
    sent_at: AwareDatetime | None = None  # see the module's text


class CloseBody(FrozenWireModel):
    """Who resolved ("Afgehandeld") or cancelled ("Vergissing") an alarm, and when."""

    alarm_id: uuid.UUID
    by: Name = ""
    station_id: uuid.UUID | None = None
    station_name: Name = ""
    at: AwareDatetime
    sent_at: AwareDatetime | None = None  # see the module's text


class _AlarmHead(FrozenWireModel):
    """The fields a raise request and the alarm as the server knows it both start with
    (same names, same order on the wire)."""

    id: uuid.UUID
    kind: AlarmKind = AlarmKind.SILENT
    type: AlarmType = AlarmType.AGGRESSION
    station_id: uuid.UUID | None = None
    station_name: Name = ""
    location: Location = ""
    site_id: SiteId = ""
    raised_by: Name = ""


class RaiseAlarmRequest(_AlarmHead):
    """Body of ``POST /api/v1/alarms``. ``id`` is made by the client (UUIDv7), so a repeated
    request after a lost answer or a server restart raises nothing twice. A hardware-button
    gateway may leave out everything but what it knows; the server fills the station from
    the workstation token."""

    # The press by the sender's clock: kept as its claim (the server logs its own receipt
    # time) and refused when more than 5 minutes from the server's clock, unless the
    # request says when it was sent (``sent_at``, see the module's text).
    raised_at: AwareDatetime | None = None
    test: StrictBool = False
    sent_at: AwareDatetime | None = None


class LateAlarmReport(FrozenWireModel):
    """Body of ``POST /api/v1/alarms/{id}/late``: an alarm the station raised and that was
    closed before the server could be told (the server was away; colleagues may have come
    over the LAN). The server stores it with its answers and its close as they happened,
    tells no station (it is over) and starts no escalation. Idempotent by the alarm's id: an
    alarm the server knows open is closed by it; one it knows closed is answered as it is."""

    alarm: RaiseAlarmRequest
    state: Literal[AlarmState.RESOLVED, AlarmState.CANCELLED]
    closed: CloseBody
    responders: list[AckBody] = Field(default_factory=list, max_length=500)
    sent_at: AwareDatetime


class AlarmBody(_AlarmHead):
    """An alarm as the server knows it now (answer of every route, payload of events)."""

    raised_at: AwareDatetime
    test: bool = False
    state: AlarmState = AlarmState.RAISED
    responders: list[AckBody] = Field(default_factory=list, max_length=500)
    #: Raised while the server could not be reached and reported when it could again
    #: (``raised_at`` is then the moment of the press, before the server heard of it).
    late: bool = False


class StationBody(FrozenWireModel):
    station_id: uuid.UUID
    station_name: Name = ""
    location: Location = ""


class AlarmRaisedEvent(FrozenWireModel):
    type: Literal["alarm.raised"] = "alarm.raised"
    alarm: AlarmBody


class AlarmAcknowledgedEvent(FrozenWireModel):
    type: Literal["alarm.acknowledged"] = "alarm.acknowledged"
    alarm: AlarmBody
    ack: AckBody


class AlarmResolvedEvent(FrozenWireModel):
    type: Literal["alarm.resolved"] = "alarm.resolved"
    alarm: AlarmBody
    by: CloseBody


class AlarmCancelledEvent(FrozenWireModel):
    type: Literal["alarm.cancelled"] = "alarm.cancelled"
    alarm: AlarmBody
    by: CloseBody


class AlarmDeliveredEvent(FrozenWireModel):
    """Sent to the alarm's sender when the server handed the alarm to another station."""

    type: Literal["alarm.delivered"] = "alarm.delivered"
    alarm_id: uuid.UUID
    station_id: uuid.UUID | None = None
    station_name: Name = ""
    at: datetime


class StationsOnlineEvent(FrozenWireModel):
    """The stations of the receiver's site the server can reach now (on hello and on change)."""

    type: Literal["stations.online"] = "stations.online"
    site_id: SiteId = ""
    stations: list[StationBody] = Field(default_factory=list, max_length=10_000)


ALARM_EVENT_MODELS: dict[str, type[FrozenWireModel]] = {
    "alarm.raised": AlarmRaisedEvent,
    "alarm.acknowledged": AlarmAcknowledgedEvent,
    "alarm.resolved": AlarmResolvedEvent,
    "alarm.cancelled": AlarmCancelledEvent,
    "alarm.delivered": AlarmDeliveredEvent,
    "stations.online": StationsOnlineEvent,
}


def acknowledge_path(alarm_id: uuid.UUID) -> str:
    return f"{ALARMS_PATH}/{alarm_id}/acknowledge"


def resolve_path(alarm_id: uuid.UUID) -> str:
    return f"{ALARMS_PATH}/{alarm_id}/resolve"


def cancel_path(alarm_id: uuid.UUID) -> str:
    return f"{ALARMS_PATH}/{alarm_id}/cancel"


def late_path(alarm_id: uuid.UUID) -> str:
    return f"{ALARMS_PATH}/{alarm_id}/late"
