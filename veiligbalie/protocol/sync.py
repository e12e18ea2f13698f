"""Wire schemas of sync: push of a device's outbox, pull of the server's change log, and the
payloads each change kind carries. Shared by the client's sync engine and the server."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from veiligbalie.core.limits import AUTHOR_MAX, TEXT_MAX
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import FollowUpKind, IncidentStatus
from veiligbalie.protocol.base import WireModel, reject_nul

#: The largest page a pull may ask for.
PULL_LIMIT_MAX = 5000
PULL_LIMIT_DEFAULT = 1000
#: The largest batch a push may carry (the client sends 500 at a time).
PUSH_BATCH_MAX = 1000
#: The longest author name of a timeline event.
NAME_MAX = AUTHOR_MAX
#: device_seq and seq are stored as 64-bit integers.
INT64_MAX = 2**63 - 1

# Change kinds (keep these strings stable: they are stored on both sides).
INCIDENT_CREATED = "incident.created"
INCIDENT_NOTE_ADDED = "incident.note_added"
INCIDENT_STATUS_CHANGED = "incident.status_changed"
INCIDENT_MESSAGE = "incident.message"
INCIDENT_FOLLOWUP = "incident.followup"
INCIDENT_FIELD_EDITED = "incident.field_edited"
CHANGE_KINDS = frozenset(
    {
        INCIDENT_CREATED,
        INCIDENT_NOTE_ADDED,
        INCIDENT_STATUS_CHANGED,
        INCIDENT_MESSAGE,
        INCIDENT_FOLLOWUP,
        INCIDENT_FIELD_EDITED,
    }
)
#: The timeline entry each change kind but the report's creation adds to the report.
TIMELINE_KINDS: dict[str, TimelineKind] = {
    INCIDENT_NOTE_ADDED: TimelineKind.NOTE,
    INCIDENT_STATUS_CHANGED: TimelineKind.STATUS,
    INCIDENT_MESSAGE: TimelineKind.MESSAGE,
    INCIDENT_FOLLOWUP: TimelineKind.FOLLOWUP,
    INCIDENT_FIELD_EDITED: TimelineKind.FIELD_EDITED,
}
#: Kinds only a team lead may push.
TEAM_LEAD_KINDS = frozenset({INCIDENT_STATUS_CHANGED, INCIDENT_MESSAGE, INCIDENT_FOLLOWUP})

#: Report fields an ``incident.field_edited`` change may set.
EDITABLE_FIELDS = frozenset(
    {
        "occurred_at",
        "location",
        "channel",
        "categories",
        "severity",
        "description",
        "on_behalf_of",
        "perpetrator_known",
        "perpetrator_description",
        "perpetrator_reference",
        "witnesses",
        "injury",
        "damage",
        "damage_amount_cents",
        "absence",
        "police_called",
        "arrest",
        "police_report_intended",
        "aftercare_wanted",
        "team_lead_only",
    }
)
#: Fields that hold restricted (perpetrator) data: team leads and the reporter only.
RESTRICTED_FIELDS = frozenset({"perpetrator_description", "perpetrator_reference"})

#: Reasons a change is rejected (``Rejection.reason`` starts with one of these).
REASON_INVALID = "invalid"  # payload does not meet the schema or the domain rules
REASON_FORBIDDEN = "forbidden"  # the caller's role may not make this change
REASON_UNKNOWN_KIND = "unknown_kind"
REASON_UNKNOWN_INCIDENT = "unknown_incident"  # not permanent: may arrive later
REASON_DUPLICATE_ENTITY = "duplicate_entity"  # incident id already used by another device
#: The push's device id is bound to another workstation or user: nothing of it was stored.
REASON_DEVICE_BOUND_ELSEWHERE = "device_bound_elsewhere"
#: (device_id, device_seq) already holds a different change: nothing was stored for it.
REASON_DEVICE_SEQ_COLLISION = "device_seq_collision"


class Change(WireModel):
    """One outbox row of a device, as pushed."""

    change_id: uuid.UUID
    device_seq: int = Field(ge=1, le=INT64_MAX)
    kind: str = Field(min_length=1, max_length=64)
    entity_id: uuid.UUID
    payload: dict[str, Any]
    base_revision: int | None = Field(default=None, ge=0, le=INT64_MAX)
    created_at: datetime

    @field_validator("payload", "kind")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return reject_nul(value)


class PushRequest(WireModel):
    device_id: uuid.UUID
    #: The id this device pushed under before it last took a new one (a copy of it used the
    #: old one): a new ``device_id`` belongs to whoever the previous one belongs to.
    previous_device_id: uuid.UUID | None = None
    epoch: str | None = Field(default=None, max_length=64)
    changes: list[Change] = Field(max_length=PUSH_BATCH_MAX)


class Rejection(WireModel):
    device_seq: int
    reason: str
    permanent: bool


class Conflict(WireModel):
    """A stale field edit: someone else changed the field after ``base_revision``."""

    device_seq: int
    entity_id: uuid.UUID
    field: str
    server_value: Any = None
    your_value: Any = None
    server_revision: int


class PushStatus(StrEnum):
    """What became of a push as a whole."""

    #: Every change is answered in ``accepted``, ``rejected``, ``conflicts`` or ``collisions``.
    OK = "ok"
    #: ``device_id`` belongs to another workstation or user (a copied data folder or a cloned
    #: disk image): nothing was stored or answered. Push again under a new device id.
    DEVICE_BOUND_ELSEWHERE = REASON_DEVICE_BOUND_ELSEWHERE


class Collision(WireModel):
    """``(device_id, device_seq)`` already holds a change with another ``change_id``: two
    copies of one device are numbering their changes alike. Nothing was stored for it; the
    device must take a new device id and push the change again."""

    device_seq: int
    change_id: uuid.UUID
    reason: str = REASON_DEVICE_SEQ_COLLISION


class PushResponse(WireModel):
    epoch: str
    #: ``ok``, or ``device_bound_elsewhere`` (then ``detail`` says why and every list is empty).
    status: PushStatus = PushStatus.OK
    detail: str = ""
    accepted: list[int] = []
    rejected: list[Rejection] = []
    conflicts: list[Conflict] = []
    collisions: list[Collision] = []


class EpochMismatch(WireModel):
    """Body of the 409 answer to a push made against another server epoch."""

    detail: str
    epoch: str


class ServerChange(WireModel):
    seq: int
    kind: str
    entity_id: uuid.UUID
    payload: dict[str, Any]
    created_at: datetime
    #: The device that pushed the change, only when it is the pulling device itself (its
    #: X-VB-Device); null for everyone else's changes, so no station learns another's id.
    origin_device: uuid.UUID | None = None


class PullResponse(WireModel):
    epoch: str
    cursor: int
    has_more: bool
    changes: list[ServerChange]


# --- payloads of each change kind -------------------------------------------------------


class NoteAddedPayload(WireModel):
    event_id: uuid.UUID
    author: str = Field(min_length=1, max_length=NAME_MAX)
    text: str = Field(min_length=1, max_length=TEXT_MAX)
    created_at: datetime | None = None


class StatusChangedPayload(WireModel):
    event_id: uuid.UUID
    status: IncidentStatus


class MessagePayload(WireModel):
    event_id: uuid.UUID
    author: str = Field(min_length=1, max_length=NAME_MAX)
    text: str = Field(min_length=1, max_length=TEXT_MAX)


class FollowUpPayload(WireModel):
    event_id: uuid.UUID
    kind: FollowUpKind
    due: datetime | None = None
    done: bool = False
    note: str = Field(default="", max_length=TEXT_MAX)


class FieldEditedPayload(WireModel):
    event_id: uuid.UUID
    field: str
    value: Any = None

    @field_validator("field")
    @classmethod
    def _editable(cls, value: str) -> str:
        if value not in EDITABLE_FIELDS:
            raise ValueError(f"field {value!r} cannot be edited")
        return value


PAYLOAD_MODELS: dict[str, type[BaseModel]] = {
    INCIDENT_NOTE_ADDED: NoteAddedPayload,
    INCIDENT_STATUS_CHANGED: StatusChangedPayload,
    INCIDENT_MESSAGE: MessagePayload,
    INCIDENT_FOLLOWUP: FollowUpPayload,
    INCIDENT_FIELD_EDITED: FieldEditedPayload,
}


class HealthResponse(WireModel):
    status: Literal["ok"] = "ok"
    epoch: str
    database: Literal["sqlite", "postgresql"]


# --- what a change adds to the report's timeline ------------------------------------------


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    kind: TimelineKind
    text: str
    data: dict[str, Any]


def timeline_entry(change_kind: str, payload: Mapping[str, Any] | BaseModel) -> TimelineEntry:
    """The timeline entry of a change: the same on the server that applies a push, on the
    client that applies a pull and on the client that records its own change.

    ``payload`` is the change payload as sent or pulled, or its validated model. Raises
    KeyError for a kind without a timeline entry or a missing field, ValueError for a status
    this version does not know.
    """
    kind = TIMELINE_KINDS[change_kind]
    fields: Mapping[str, Any] = dict(payload) if isinstance(payload, BaseModel) else payload
    if kind is TimelineKind.STATUS:
        return TimelineEntry(kind, "", {"status": IncidentStatus(str(fields["status"])).value})
    if kind is TimelineKind.FOLLOWUP:
        due = fields.get("due")
        data = {
            "kind": str(fields["kind"]),
            "due": due.isoformat() if isinstance(due, datetime) else due,
            "done": bool(fields.get("done")),
        }
        return TimelineEntry(kind, str(fields.get("note") or ""), data)
    if kind is TimelineKind.FIELD_EDITED:
        data = {"field": str(fields["field"]), "value": fields.get("value")}
        return TimelineEntry(kind, "", data)
    return TimelineEntry(kind, str(fields.get("text") or ""), {})
