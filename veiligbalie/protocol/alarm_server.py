"""What the central server adds to the alarm contract of :mod:`veiligbalie.protocol.alarms`:
the escalation event and configuration, the server's alarm log, heartbeats and presence.

Routes (besides those in ``protocol.alarms``)::

    GET  /api/v1/alarms?open=true                       -> AlarmList
    GET  /api/v1/alarms/{id}                            -> AlarmDetail (with the log)
    POST /api/v1/stations/heartbeat       HeartbeatRequest -> StationStatus
    GET  /api/v1/admin/stations                         -> list[StationStatus]
    GET  /api/v1/admin/sites/{site_id}/escalation       -> EscalationOut
    PUT  /api/v1/admin/sites/{site_id}/escalation  EscalationIn -> EscalationOut

Stream event (server -> security and team leads, or the whole site, per level)::

    {"type": "alarm.escalated", "alarm": AlarmBody, "level": 1, "targets": [...], "at": ...}

Outgoing webhook (a level with ``webhook``): ``POST`` of :class:`WebhookBody` as JSON with
``X-VeiligBalie-Timestamp: <unix seconds>`` and ``X-VeiligBalie-Signature: sha256=<hex>``,
the HMAC-SHA256 with the site's webhook secret of ``"<timestamp>." + body bytes``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field, StrictBool, field_validator, model_validator

from veiligbalie.protocol.alarms import AlarmBody, LateAlarmReport, RaiseAlarmRequest
from veiligbalie.protocol.base import FrozenWireModel, Location, Name, reject_nul

WEBHOOK_SIGNATURE_HEADER = "X-VeiligBalie-Signature"
WEBHOOK_TIMESTAMP_HEADER = "X-VeiligBalie-Timestamp"
WEBHOOK_EVENT_HEADER = "X-VeiligBalie-Event"
#: The escalation target that means "every station and user of the site".
COLLEAGUES = "colleagues"
TargetName = Annotated[str, Field(max_length=32)]
CLIENT_VERSION_MAX = 64


class ServerRaiseRequest(RaiseAlarmRequest):
    """``POST /api/v1/alarms`` as the server takes it: like RaiseAlarmRequest, but a hardware
    panic-button gateway may leave out even the ``id`` (the server makes a UUIDv7) and the
    location (the workstation's)."""

    id: uuid.UUID | None = None  # type: ignore[assignment]  # deliberately optional here (pydantic field override)

    @field_validator("station_name", "location", "site_id", "raised_by")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        return reject_nul(value)


class ServerLateAlarmReport(LateAlarmReport):
    """``POST /api/v1/alarms/{id}/late`` as the server takes it: the alarm's texts checked
    as a raise's are (its ``id`` must be there and name the path's alarm)."""

    alarm: ServerRaiseRequest


class AlarmList(FrozenWireModel):
    alarms: list[AlarmBody]


class AlarmLogEntry(FrozenWireModel):
    """One line of the server's alarm log."""

    kind: str  # raised|delivered|acknowledged|escalated|webhook_sent|webhook_failed|resolved|...
    actor: str = ""
    workstation_id: uuid.UUID | None = None
    station_id: uuid.UUID | None = None
    path: str = "server"
    data: dict[str, Any] = Field(default_factory=dict)
    at: datetime  # the server's time (of receipt, for a client's request)
    recorded_at: datetime
    claimed_at: datetime | None = None  # the client's own clock, as it claimed


class AlarmDetail(FrozenWireModel):
    alarm: AlarmBody
    escalation_level: int = -1
    log: list[AlarmLogEntry] = Field(default_factory=list)


class AlarmEscalatedEvent(FrozenWireModel):
    """Nobody acknowledged in time: the level's targets are alerted."""

    type: Literal["alarm.escalated"] = "alarm.escalated"
    alarm: AlarmBody
    level: int
    targets: list[TargetName] = Field(default_factory=list)
    webhook: bool = False
    at: datetime


class HeartbeatRequest(FrozenWireModel):
    """A workstation's sign of life; ``station_id`` is the id it uses on the alarm paths."""

    station_id: uuid.UUID | None = None
    station_name: Name = ""
    location: Location = ""
    #: The client's version (``veiligbalie.__version__``), shown to the administrator.
    client_version: Annotated[str, Field(max_length=CLIENT_VERSION_MAX)] = ""

    @field_validator("station_name", "location", "client_version")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        return reject_nul(value)


class StationStatus(FrozenWireModel):
    """A workstation and its presence. ``location`` is the one the administrator set: a
    station learns a move from its heartbeat answer (and its own entry of stations.online)."""

    workstation_id: uuid.UUID
    site_id: uuid.UUID
    name: str
    location: str
    station_id: uuid.UUID | None = None
    online: bool
    via: str = ""  # stream | heartbeat, how it was last seen
    last_seen_at: datetime | None = None
    client_version: str = ""  # as its last heartbeat said; "" before one
    enrolled: bool = False  # an enrolment code was used for it
    revoked: bool = False  # an administrator revoked it (tokens ended)


class EscalationLevelModel(FrozenWireModel):
    """One rung: after ``delay_seconds`` without acknowledgement, alert ``targets`` (role
    names or ``"colleagues"``) and/or call the webhook."""

    # A level must alert someone: targets, or the webhook (said in the schema too).
    model_config = ConfigDict(
        frozen=True,
        json_schema_extra={
            "anyOf": [
                {"required": ["targets"], "properties": {"targets": {"minItems": 1}}},
                {"required": ["webhook"], "properties": {"webhook": {"const": True}}},
            ]
        },
    )

    delay_seconds: float = Field(ge=0, le=24 * 3600)
    targets: list[TargetName] = Field(default_factory=list, max_length=8)
    webhook: StrictBool = False

    @model_validator(mode="after")
    def _alerts_someone(self) -> EscalationLevelModel:
        if not self.targets and not self.webhook:
            raise ValueError("a level alerts nobody: give targets or the webhook")
        return self


class EscalationIn(FrozenWireModel):
    """The administrator's escalation ladder of a site. ``webhook_secret`` is write-only:
    leave it out (or null) to keep the stored one, send ``""`` to remove it."""

    levels: list[EscalationLevelModel] = Field(min_length=1, max_length=10)
    webhook_url: Annotated[str, Field(max_length=500)] | None = None
    webhook_secret: Annotated[str, Field(max_length=200)] | None = None


class EscalationOut(FrozenWireModel):
    site_id: uuid.UUID
    levels: list[EscalationLevelModel]
    webhook_url: str | None = None
    #: Whether a signing secret is stored. The secret itself is never sent back.
    webhook_secret_set: bool = False
    default: bool = False  # no configuration stored: the built-in ladder applies


class WebhookBody(FrozenWireModel):
    """What the outgoing webhook receives."""

    type: Literal["alarm.escalated"] = "alarm.escalated"
    alarm: AlarmBody
    level: int
    site_name: str = ""
    sent_at: AwareDatetime
