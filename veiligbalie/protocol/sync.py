"""Wire schemas of sync: push of a device's outbox, pull of the server's change log, and the
payloads each change kind carries. Shared by the client's sync engine and the server."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from veiligbalie.core.limits import AUTHOR_MAX, LOCATION_MAX, TEXT_MAX
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import (
    FollowUpKind,
    IncidentStatus,
    RecoveryRoute,
    RecoveryStatus,
    ResponseMeasure,
    TaskAction,
)
from veiligbalie.protocol.base import WireModel, reject_nul_unless_free

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
INCIDENT_ASSIGNED = "incident.assigned"
#: Retention or a deletion request removed personal data of a report on the server: the
#: replica forgets the same (never a timeline entry; pushed by nobody, written by the server).
INCIDENT_PURGED = "incident.purged"
CHANGE_KINDS = frozenset(
    {
        INCIDENT_CREATED,
        INCIDENT_NOTE_ADDED,
        INCIDENT_STATUS_CHANGED,
        INCIDENT_MESSAGE,
        INCIDENT_FOLLOWUP,
        INCIDENT_FIELD_EDITED,
        INCIDENT_ASSIGNED,
        INCIDENT_PURGED,
    }
)
#: Kinds only the server writes into its change log; a push of one is refused.
SERVER_ONLY_KINDS = frozenset({INCIDENT_PURGED})
#: The timeline entry each change kind but the report's creation and a purge adds to the report.
TIMELINE_KINDS: dict[str, TimelineKind] = {
    INCIDENT_NOTE_ADDED: TimelineKind.NOTE,
    INCIDENT_STATUS_CHANGED: TimelineKind.STATUS,
    INCIDENT_MESSAGE: TimelineKind.MESSAGE,
    INCIDENT_FOLLOWUP: TimelineKind.FOLLOWUP,
    INCIDENT_FIELD_EDITED: TimelineKind.FIELD_EDITED,
    INCIDENT_ASSIGNED: TimelineKind.ASSIGNED,
}
#: Kinds only a reviewer (team lead of the site, coördinator) may push. A peer-support member
#: may push ``incident.followup`` for a task assigned to them, nothing else.
TEAM_LEAD_KINDS = frozenset(
    {INCIDENT_STATUS_CHANGED, INCIDENT_MESSAGE, INCIDENT_FOLLOWUP, INCIDENT_ASSIGNED}
)
#: The longest police report number, letter reference or other short code.
CODE_MAX = 64

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

#: What an ``incident.purged`` change removed. ``report``: the report became an anonymous
#: count (``ANONYMISED_FIELDS`` emptied, timeline and files gone; date, site, location,
#: categories, severity, status and follow-up deadlines kept). ``perpetrator``: only the
#: restricted fields were emptied (retention of perpetrator data, or a deletion request).
#: ``attachments``: the report's files are gone.
PURGE_REPORT = "report"
PURGE_PERPETRATOR = "perpetrator"
PURGE_ATTACHMENTS = "attachments"
PURGE_SCOPES = (PURGE_REPORT, PURGE_PERPETRATOR, PURGE_ATTACHMENTS)
#: The personal fields of a report and the value each has once purged.
ANONYMISED_FIELDS: dict[str, Any] = {
    "description": "",
    "reporter": "",
    "on_behalf_of": None,
    "perpetrator_description": "",
    "perpetrator_reference": "",
    "witnesses": [],
}
#: The restricted fields and their purged value.
PERPETRATOR_PURGED: dict[str, Any] = {name: "" for name in sorted(RESTRICTED_FIELDS)}

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
    def _no_nul(cls, value: Any, info: ValidationInfo) -> Any:
        return reject_nul_unless_free(value, info)


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


class AssignedReference(WireModel):
    """The organisation-wide number the server gave a report on its first receipt."""

    entity_id: uuid.UUID
    reference: str


class PushResponse(WireModel):
    epoch: str
    #: ``ok``, or ``device_bound_elsewhere`` (then ``detail`` says why and every list is empty).
    status: PushStatus = PushStatus.OK
    detail: str = ""
    accepted: list[int] = []
    rejected: list[Rejection] = []
    conflicts: list[Conflict] = []
    collisions: list[Collision] = []
    #: Final numbers of reports created by this push (and of earlier ones pushed again).
    references: list[AssignedReference] = []


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
    #: Closing (``closed``) asks for a short conclusion; the reporter reads it.
    conclusion: str = Field(default="", max_length=TEXT_MAX)

    @model_validator(mode="after")
    def _closing_has_conclusion(self) -> StatusChangedPayload:
        if self.status is IncidentStatus.CLOSED and not self.conclusion.strip():
            raise ValueError("closing a report needs a short conclusion")
        return self


class AssignedPayload(WireModel):
    """The report given to a reviewer to handle (``assignee_user_id`` None: nobody)."""

    event_id: uuid.UUID
    assignee_user_id: uuid.UUID | None = None
    assignee_name: str = Field(default="", max_length=NAME_MAX)


class MessagePayload(WireModel):
    event_id: uuid.UUID
    author: str = Field(min_length=1, max_length=NAME_MAX)
    text: str = Field(min_length=1, max_length=TEXT_MAX)


# --- follow-up tasks: the details each kind records -----------------------------------


class PoliceReportDetails(WireModel):
    """Aangifte: the police report number, or why no report was made."""

    report_number: str = Field(default="", max_length=CODE_MAX)
    not_reported_reason: str = Field(default="", max_length=TEXT_MAX)


class ResponseDetails(WireModel):
    """The response to the perpetrator on behalf of the organisation."""

    measure: ResponseMeasure | None = None
    #: The letter made for this response (core.letters.LetterKind value), when and by whom.
    letter_kind: str | None = Field(default=None, max_length=32)
    letter_made_at: datetime | None = None
    letter_made_by: str = Field(default="", max_length=NAME_MAX)


class DamageDetails(WireModel):
    """Damage recovery: the amount, how it is recovered, and how far it got."""

    amount_cents: int | None = Field(default=None, ge=0, le=10**12)
    route: RecoveryRoute | None = None
    status: RecoveryStatus | None = None
    recovered_cents: int | None = Field(default=None, ge=0, le=10**12)


class Measure(WireModel):
    """One improvement measure of an evaluation, tracked to done with an owner."""

    id: uuid.UUID
    text: str = Field(min_length=1, max_length=500)
    owner: str = Field(default="", max_length=NAME_MAX)
    done_at: datetime | None = None


class EvaluationDetails(WireModel):
    """The evaluation in four steps: risk, cause, trend, improvement measures."""

    risk: str = Field(default="", max_length=TEXT_MAX)
    cause: str = Field(default="", max_length=TEXT_MAX)
    trend: str = Field(default="", max_length=TEXT_MAX)
    improvement: str = Field(default="", max_length=TEXT_MAX)
    measures: list[Measure] = Field(default=[], max_length=50)


class AftercareDetails(WireModel):
    """An aftercare talk: with whom it was held (the reporter, witnesses)."""

    with_whom: str = Field(default="", max_length=500)


#: The details model of each task kind (``FollowUpPayload.details`` is validated by it).
TASK_DETAILS: dict[FollowUpKind, type[WireModel]] = {
    FollowUpKind.PERPETRATOR_RESPONSE: ResponseDetails,
    FollowUpKind.POLICE_REPORT: PoliceReportDetails,
    FollowUpKind.AFTERCARE_TALK: AftercareDetails,
    FollowUpKind.AFTERCARE_FOLLOW_UP_2W: AftercareDetails,
    FollowUpKind.AFTERCARE_FOLLOW_UP_6W: AftercareDetails,
    FollowUpKind.DAMAGE_RECOVERY: DamageDetails,
    FollowUpKind.EVALUATION: EvaluationDetails,
}


class TaskContext(WireModel):
    """What a peer-support member sees of the report behind a task assigned to them."""

    reference: str = Field(default="", max_length=CODE_MAX)
    occurred_at: datetime | None = None
    location: str = Field(default="", max_length=LOCATION_MAX)
    reporter: str = Field(default="", max_length=NAME_MAX)


class FollowUpPayload(WireModel):
    """One step in the life of a follow-up task (``action``): planned with its due date,
    assigned, details recorded, ticked off with a date and a note, or reopened.

    Older clients sent only ``kind``, ``due``, ``done`` and ``note``: ``action`` then follows
    from ``done`` and ``task_id`` is the report's task of that kind.
    """

    event_id: uuid.UUID
    kind: FollowUpKind
    task_id: uuid.UUID | None = None
    action: TaskAction | None = None
    due: datetime | None = None
    due_from: datetime | None = None
    reason: str = Field(default="", max_length=32)
    done: bool = False
    done_at: datetime | None = None
    note: str = Field(default="", max_length=TEXT_MAX)
    assignee_user_id: uuid.UUID | None = None
    assignee_name: str = Field(default="", max_length=NAME_MAX)
    details: dict[str, Any] = {}
    #: Set by the server for a peer-support assignee, who does not receive the report.
    context: TaskContext | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FollowUpPayload:
        if self.action is None:
            self.action = TaskAction.DONE if self.done else TaskAction.PLANNED
        self.done = self.action is TaskAction.DONE
        if self.action is TaskAction.PLANNED and self.due is None:
            raise ValueError("a planned task needs its due date")
        model = TASK_DETAILS[self.kind]
        details = model.model_validate(self.details)
        self.details = details.model_dump(mode="json", exclude_defaults=True)
        if self.action is TaskAction.DONE:
            if self.done_at is None:
                raise ValueError("a task is ticked off with the date it was done")
            if (
                isinstance(details, PoliceReportDetails)
                and not details.report_number.strip()
                and not details.not_reported_reason.strip()
            ):
                raise ValueError("a police report is ticked off with its number or why not")
            if isinstance(details, ResponseDetails) and details.measure is None:
                raise ValueError("the response to the perpetrator is ticked off with a measure")
        return self


class IncidentPurgedPayload(WireModel):
    """Payload of ``incident.purged``: which personal data the server removed, and when."""

    scope: Literal["report", "perpetrator", "attachments"]
    purged_at: datetime

    def fields(self) -> dict[str, Any]:
        """The report fields to empty, with their empty values (none for attachments)."""
        if self.scope == PURGE_REPORT:
            return dict(ANONYMISED_FIELDS)
        if self.scope == PURGE_PERPETRATOR:
            return dict(PERPETRATOR_PURGED)
        return {}


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
    INCIDENT_ASSIGNED: AssignedPayload,
    INCIDENT_NOTE_ADDED: NoteAddedPayload,
    INCIDENT_STATUS_CHANGED: StatusChangedPayload,
    INCIDENT_MESSAGE: MessagePayload,
    INCIDENT_FOLLOWUP: FollowUpPayload,
    INCIDENT_FIELD_EDITED: FieldEditedPayload,
}


#: The REST API's compatibility number. The server sends it on every HTTP answer (header
#: API_VERSION_HEADER, with its program version in SERVER_VERSION_HEADER); a client whose
#: number differs makes no further use of the answer and says whether the server is newer or
#: older than it. Raise it only for a change one side cannot work with (a route or field
#: removed or changed in meaning); an added optional field or route keeps it.
API_VERSION = 1
API_VERSION_HEADER = "X-VeiligBalie-Api"
SERVER_VERSION_HEADER = "X-VeiligBalie-Server"


class HealthResponse(WireModel):
    status: Literal["ok"] = "ok"
    epoch: str
    database: Literal["sqlite", "postgresql"]
    #: The server program's version and API_VERSION ("" and 0 from servers before these).
    version: str = ""
    api: int = 0


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
    fields: Mapping[str, Any] = (
        payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    )
    if kind is TimelineKind.STATUS:
        data: dict[str, Any] = {"status": IncidentStatus(str(fields["status"])).value}
        return TimelineEntry(kind, str(fields.get("conclusion") or ""), data)
    if kind is TimelineKind.ASSIGNED:
        assignee = fields.get("assignee_user_id")
        data = {
            "assignee_user_id": str(assignee) if assignee else None,
            "assignee_name": str(fields.get("assignee_name") or ""),
        }
        return TimelineEntry(kind, "", data)
    if kind is TimelineKind.FOLLOWUP:
        done = bool(fields.get("done"))
        action = fields.get("action") or (TaskAction.DONE if done else TaskAction.PLANNED)
        assignee = fields.get("assignee_user_id")
        task_id = fields.get("task_id")
        data = {
            "kind": str(fields["kind"]),
            "task_id": str(task_id) if task_id else None,
            "action": TaskAction(str(action)).value,
            "due": _iso(fields.get("due")),
            "due_from": _iso(fields.get("due_from")),
            "reason": str(fields.get("reason") or ""),
            "done": done,
            "done_at": _iso(fields.get("done_at")),
            "assignee_user_id": str(assignee) if assignee else None,
            "assignee_name": str(fields.get("assignee_name") or ""),
            "details": dict(fields.get("details") or {}),
            "context": fields.get("context"),
        }
        return TimelineEntry(kind, str(fields.get("note") or ""), data)
    if kind is TimelineKind.FIELD_EDITED:
        data = {"field": str(fields["field"]), "value": fields.get("value")}
        return TimelineEntry(kind, "", data)
    return TimelineEntry(kind, str(fields.get("text") or ""), {})


def _iso(value: Any) -> str | None:
    """An instant as the one ISO text both sides write ("+00:00", never "Z")."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.isoformat()
