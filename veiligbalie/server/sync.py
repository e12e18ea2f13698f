"""Server side of sync: apply a pushed batch (idempotent, one transaction), serve the change
log by cursor, and the role rules deciding who sees which change and which fields.

Push policy: every change is checked on its own, in order, inside the batch's single
transaction. A change that can never succeed (bad payload, forbidden for the role, field not
editable) is *rejected permanently* and that outcome is recorded in ``applied_pushes`` so a
retry gets the same answer and it is never applied later; a stale field edit is recorded as a
*conflict* the same way. A change that may succeed later (its incident has not arrived yet)
is rejected with ``permanent=False`` and not recorded. All other changes of the batch are
applied; a database error rolls the whole batch back and nothing is recorded.

Trust: the device id must be bound to the caller (see :mod:`server.devices`), else the whole
push is refused (``device_bound_elsewhere``) before any record is read. A recorded
``(device_id, device_seq)`` answers a repeat only when the ``change_id`` is the recorded one;
another ``change_id`` is a *collision* (two copies of one device numbering alike): it is
answered as such, nothing is stored for it, and the client re-keys and pushes it again.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import sqlalchemy as sa
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.engine import Connection

from veiligbalie.core.followup import (
    FollowUpTask,
    TaskState,
    apply_task_event,
    default_plan,
    plan_event_id,
    task_id_for,
)
from veiligbalie.core.incident import (
    Incident,
    format_reference,
    incident_from_dict,
    incident_to_dict,
    validate,
)
from veiligbalie.core.limits import LOCATION_MAX
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import FollowUpKind, IncidentStatus, Role, TaskAction
from veiligbalie.protocol import sync as p
from veiligbalie.protocol.incidents import (
    IncidentDetail,
    IncidentList,
    IncidentSummaryOut,
    TimelineEventOut,
)
from veiligbalie.server import audit as audit_log
from veiligbalie.server import devices
from veiligbalie.server import schema as t
from veiligbalie.server.auth import Principal
from veiligbalie.server.store import JSONText, PreparedInsert, ServerStore, bulk_insert

log = logging.getLogger(__name__)
#: Compact JSON text of a change's payload (one encoder: json.dumps with arguments builds a
#: new JSONEncoder per call, a fifth of a push's time once).
_compact = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

# Who may see a change or timeline event of an incident they can see at all:
SUMMARY = "summary"  # the report and its status: everyone who sees the incident (also security)
ALL = "all"  # notes: not security
OWNER = "owner"  # team lead's messages and follow-up: the reporter and team leads only

KIND_AUDIENCE = {
    p.INCIDENT_CREATED: SUMMARY,
    p.INCIDENT_NOTE_ADDED: ALL,
    p.INCIDENT_STATUS_CHANGED: SUMMARY,
    p.INCIDENT_MESSAGE: OWNER,
    p.INCIDENT_FOLLOWUP: OWNER,
    p.INCIDENT_FIELD_EDITED: SUMMARY,
    p.INCIDENT_ASSIGNED: OWNER,
}
ATTACHMENTS_MAX = 20
STRIPPED = "restricted_stripped"
#: The author of what the server itself adds to a timeline (the planned follow-up tasks).
SYSTEM_AUTHOR = "VeiligBalie"
#: The tasks a peer-support member (collegiaal opvangteam) may be given.
AFTERCARE_KINDS = frozenset(
    {
        FollowUpKind.AFTERCARE_TALK,
        FollowUpKind.AFTERCARE_FOLLOW_UP_2W,
        FollowUpKind.AFTERCARE_FOLLOW_UP_6W,
    }
)
#: Report numbers count per calendar year in the organisation's time zone.
REFERENCE_ZONE = ZoneInfo("Europe/Amsterdam")


class EpochMismatchError(Exception):
    def __init__(self, epoch: str) -> None:
        super().__init__("the server database was replaced or restored: re-upload and re-pull")
        self.epoch = epoch


@dataclass(frozen=True)
class Visibility:
    site_id: uuid.UUID
    reporter_user_id: uuid.UUID | None
    workstation_id: uuid.UUID | None
    team_lead_only: bool
    audience: str = SUMMARY
    #: A peer-support member a follow-up change is logged for (``changes.assignee_user_id``).
    assignee_user_id: uuid.UUID | None = None
    #: The reporter's team when the report arrived (``incidents.team_id``): a report only
    #: team leads see goes to that team's leads when it has any (:func:`lead_may_see`).
    team_id: uuid.UUID | None = None


def visibility_of(row: Any) -> Visibility:
    """The visibility of an ``incidents`` row (summary level)."""
    return Visibility(
        row.site_id,
        row.reporter_user_id,
        row.workstation_id,
        row.team_lead_only,
        team_id=row.team_id,
    )


def is_owner(pr: Principal, vis: Visibility) -> bool:
    if pr.is_workstation:
        return vis.workstation_id is not None and vis.workstation_id == pr.workstation_id
    return vis.reporter_user_id is not None and vis.reporter_user_id == pr.user_id


def may_see(pr: Principal, vis: Visibility) -> bool:
    """The role table of the contract, for one change or event (mirrors visibility_clause)."""
    if pr.is_workstation:
        return is_owner(pr, vis)
    if pr.role is Role.COORDINATOR:
        return True
    if pr.role is Role.TEAM_LEAD:
        return vis.site_id == pr.site_id and lead_may_see(pr, vis)
    if pr.role is Role.PEER_SUPPORT:
        return vis.assignee_user_id is not None and vis.assignee_user_id == pr.user_id
    if pr.role is Role.SECURITY:
        # Their own reports; the site's log (summaries) where the site shares its log.
        if is_owner(pr, vis):
            return True
        return (
            pr.share_log_with_employees
            and vis.site_id == pr.site_id
            and not vis.team_lead_only
            and vis.audience == SUMMARY
        )
    if pr.role is Role.EMPLOYEE:
        if is_owner(pr, vis):
            return True
        return (
            pr.share_log_with_employees
            and vis.site_id == pr.site_id
            and not vis.team_lead_only
            and vis.audience in (SUMMARY, ALL)
        )
    return False  # administrators manage, they do not read incidents


def lead_may_see(pr: Principal, vis: Visibility) -> bool:
    """A team lead of the site sees every report of it, except one marked "only my team
    lead" by a member of a team that has other team leads (not this one): that is for the
    team's own leads (and coordinators). No team, or a team without a lead: every team lead
    of the site, as before teams existed. Mirrors :func:`_lead_clause`."""
    if not vis.team_lead_only or vis.team_id is None or is_owner(pr, vis):
        return True
    return vis.team_id not in pr.foreign_led_teams


def _lead_clause(pr: Principal, c: Any) -> sa.ColumnElement[bool]:
    """SQL form of :func:`lead_may_see` (the teams come with the principal: one query)."""
    if not pr.foreign_led_teams:
        return sa.true()
    return sa.or_(
        c.team_lead_only.is_(False),
        c.team_id.is_(None),
        c.team_id.not_in(sorted(pr.foreign_led_teams)),
        c.reporter_user_id == pr.user_id,
    )


def reviews(pr: Principal, site_id: uuid.UUID) -> bool:
    """Whether the caller acts on the reports of ``site_id`` (its team lead, a coordinator)."""
    if pr.role is Role.COORDINATOR:
        return True
    return pr.role is Role.TEAM_LEAD and site_id == pr.site_id


def may_read_restricted(pr: Principal, vis: Visibility) -> bool:
    if reviews(pr, vis.site_id):
        return True
    return is_owner(pr, vis)


def audited_read(pr: Principal, vis: Visibility) -> bool:
    """A reviewer reading someone else's restricted fields: written to the audit log."""
    return reviews(pr, vis.site_id) and not is_owner(pr, vis)


def visibility_clause(pr: Principal, table: sa.Table) -> sa.ColumnElement[bool]:
    """SQL form of :func:`may_see` over ``changes`` (or ``incidents``: summary level)."""
    c = table.c
    audience = c.audience if "audience" in c else sa.literal(SUMMARY)
    if pr.is_workstation:
        return c.workstation_id == pr.workstation_id
    if pr.role is Role.COORDINATOR:
        return sa.true()
    if pr.role is Role.TEAM_LEAD:
        return sa.and_(c.site_id == pr.site_id, _lead_clause(pr, c))
    if pr.role is Role.PEER_SUPPORT:
        # Only the change log names them; never a report itself.
        if table is t.changes and pr.user_id is not None:
            return c.assignee_user_id == pr.user_id
        return sa.false()
    if pr.role is Role.SECURITY:
        own = c.reporter_user_id == pr.user_id
        if not pr.share_log_with_employees:
            return own
        summaries = sa.and_(
            c.site_id == pr.site_id, c.team_lead_only.is_(False), audience == SUMMARY
        )
        return sa.or_(own, summaries)
    if pr.role is Role.EMPLOYEE:
        own = c.reporter_user_id == pr.user_id
        if not pr.share_log_with_employees:
            return own
        shared = sa.and_(
            c.site_id == pr.site_id,
            c.team_lead_only.is_(False),
            audience.in_([SUMMARY, ALL]),
        )
        return sa.or_(own, shared)
    return sa.false()


# --- push -------------------------------------------------------------------------------


@dataclass
class _Incident:
    id: uuid.UUID
    site_id: uuid.UUID
    reporter_user_id: uuid.UUID | None
    workstation_id: uuid.UUID | None
    origin_device: uuid.UUID
    team_lead_only: bool
    restricted: bool
    status: str
    revision: int
    field_revisions: dict[str, int]
    data: dict[str, Any]
    occurred_at: datetime
    created_at: datetime
    reference: str | None
    reporter: str
    provisional_reference: str | None = None
    assignee_user_id: uuid.UUID | None = None
    assignee_name: str = ""
    alarm_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    new: bool = False
    dirty: bool = False
    team_lead_only_changed: bool = False
    #: Driver form of (id, site_id, reporter_user_id, workstation_id, team_id), made once
    #: (:meth:`_Batch._keys`): a new report is on ~16 rows of its push.
    db: tuple[Any, ...] | None = None
    _visibilities: dict[tuple[Any, ...], Visibility] = field(default_factory=dict)

    def vis(self, audience: str = SUMMARY, assignee: uuid.UUID | None = None) -> Visibility:
        """The visibility of a change or event of this report (one object per distinct
        answer: a push logs ~5 changes per new report, each with its visibility)."""
        key = (audience, assignee, self.team_lead_only)
        found = self._visibilities.get(key)
        if found is None:
            found = self._visibilities[key] = Visibility(
                self.site_id,
                self.reporter_user_id,
                self.workstation_id,
                self.team_lead_only,
                audience,
                assignee,
                self.team_id,
            )
        return found


@dataclass
class PushOutcome:
    response: p.PushResponse
    cursor: int
    site_id: uuid.UUID | None  # the caller's; None for an account without a site
    visibilities: list[Visibility] = field(default_factory=list)


class _Reject(Exception):
    def __init__(self, reason: str, permanent: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _first_error(exc: PydanticValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(x) for x in err.get("loc", ())) or "payload"
    return f"{where}: {err.get('msg', 'invalid')}"


def _parse_incident(data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The canonical incident dict of ``data``; raises _Reject when it is not a valid report."""
    return incident_to_dict(_checked_incident(data, now))


def _checked_incident(data: dict[str, Any], now: datetime) -> Incident:
    """The report ``data`` describes; raises _Reject when it is not a valid report."""
    try:
        incident = incident_from_dict(data)
    except (KeyError, ValueError, TypeError) as exc:
        raise _Reject(f"{p.REASON_INVALID}: {exc}") from None
    errors = validate(incident, now=now)
    if errors:
        text = ", ".join(f"{e.field.value} {e.problem.value}" for e in errors)
        raise _Reject(f"{p.REASON_INVALID}: {text}")
    if len(incident.reporter) > p.NAME_MAX or len(incident.reference or "") > 64:
        raise _Reject(f"{p.REASON_INVALID}: reporter or reference too long")
    return incident


#: The timeline kind of a follow-up event (as text).
_FOLLOWUP_EVENT = TimelineKind.FOLLOWUP.value
#: The JSON text of SYSTEM_AUTHOR (the planned tasks' author), for :func:`_planned_texts`.
_SYSTEM_AUTHOR_JSON = json.dumps(SYSTEM_AUTHOR, ensure_ascii=False)


def _planned_texts(
    incident_text: str,
    event_id: uuid.UUID,
    task_id: uuid.UUID,
    task: FollowUpTask,
    revision: int,
    now_text: str,
) -> tuple[JSONText, str]:
    """The timeline data and the change-log payload of the event planning ``task``, as the
    compact JSON text that ``_compact`` makes of the dicts ``p.timeline_entry`` would give
    (same keys, same order; tests/server/test_sync_planned_text.py holds them equal): a push of
    500 new reports plans a few thousand of these, and the text is built once for both
    tables. Every value is a UUID, an ISO moment, an enum value or a constant: nothing to
    escape."""
    due_from = f'"{task.due_from.isoformat()}"' if task.due_from is not None else "null"
    fields = (
        f'"kind":"{task.kind.value}","task_id":"{task_id}","action":"planned",'
        f'"due":"{task.due.isoformat()}","due_from":{due_from},"reason":"{task.reason.value}",'
        '"done":false,"done_at":null,"assignee_user_id":null,"assignee_name":"",'
        '"details":{},"context":null'
    )
    payload = (
        f'{{"incident_id":"{incident_text}","event_id":"{event_id}",{fields},"note":"",'
        f'"author":{_SYSTEM_AUTHOR_JSON},"revision":{revision},"created_at":"{now_text}"}}'
    )
    return JSONText(f"{{{fields}}}"), payload


#: The columns a push writes, each tuple in its table's column order: the push builds its rows
#: as tuples of driver values in this order (:class:`_Batch`), one ``executemany`` per table
#: and push; tests/server/test_push_equality.py holds the stored rows equal to what
#: SQLAlchemy's own processing of the same values stored.
_CHANGE_KEYS = (
    "entity_id",
    "kind",
    "payload",
    "site_id",
    "reporter_user_id",
    "workstation_id",
    "team_lead_only",
    "restricted",
    "audience",
    "origin_device",
    "created_at",
    "assignee_user_id",
    "team_id",
)
_EVENT_KEYS = (
    "id",
    "incident_id",
    "kind",
    "author",
    "text",
    "data",
    "audience",
    "restricted",
    "user_id",
    "device_id",
    "created_at",
)
_TASK_KEYS = (
    "id",
    "incident_id",
    "kind",
    "reason",
    "due",
    "due_from",
    "done_at",
    "note",
    "assignee_user_id",
    "assignee_name",
    "details",
    "context",
    "updated_at",
)
_INCIDENT_KEYS = (
    "id",
    "site_id",
    "reference",
    "reporter",
    "reporter_user_id",
    "workstation_id",
    "origin_device",
    "team_lead_only",
    "restricted",
    "status",
    "revision",
    "field_revisions",
    "data",
    "occurred_at",
    "created_at",
    "received_at",
    "provisional_reference",
    "assignee_user_id",
    "assignee_name",
    "alarm_id",
    "team_id",
)
_PUSH_KEYS = ("device_id", "device_seq", "change_id", "outcome", "detail", "applied_at")
_uuid_order = attrgetter("int")  # sorts UUIDs as UUID.__lt__ does, without its Python call


def _json_text(value: Any) -> str:
    """The text a JSON column stores for ``value`` by default (``json.dumps``, its default
    separators and ASCII escapes); :class:`JSONText` is that text already."""
    if value.__class__ is JSONText:
        return str.__str__(value)
    return json.dumps(value)


class _DriverForm:
    """Python values in the form the driver takes them for the push's columns: what each
    column's bind processor makes of them (ids as 32 hex digits on SQLite, as they are on
    PostgreSQL; flags as 0/1 on SQLite; UTC moments and JSON through the columns' own
    processors), so that rows are built as tuples once instead of processed per value."""

    def __init__(self, dialect: sa.Dialect) -> None:
        self.sqlite = dialect.name == "sqlite"
        procs = PreparedInsert.processors(dialect, t.followup_tasks, _TASK_KEYS)
        moment, json_value = procs["due"], procs["details"]
        assert moment is not None and json_value is not None
        self.moment = moment
        # JSON as its text on both backends when the engine keeps the default encoder: what
        # SQLite stores, and what psycopg's Json wrapper would encode the value to at every
        # row (a PostgreSQL json column keeps the text as given, cast from ``%s::JSON``).
        default = getattr(dialect, "_json_serializer", None) is None
        self.json = _json_text if default else json_value

    def uid(self, value: uuid.UUID | None) -> Any:
        """An id as SQLite stores it (32 hex digits), or its text for PostgreSQL's uuid."""
        if value is None:
            return value
        return value.hex if self.sqlite else str(value)

    def flag(self, value: bool) -> Any:
        return int(value) if self.sqlite else bool(value)


class _Batch:
    """The state of one push while it is applied (all inside one transaction)."""

    def __init__(
        self,
        conn: Connection,
        pr: Principal,
        req: p.PushRequest,
        now: datetime,
        late_numbers: bool = False,
    ):
        self.conn = conn
        self.pr = pr
        self.device = req.device_id
        self.now = now
        self.now_text = now.isoformat()
        self.incidents: dict[uuid.UUID, _Incident] = {}
        self.known_events: set[uuid.UUID] = set()
        # Rows in driver form (tuples of _CHANGE_KEYS and _EVENT_KEYS), see _DriverForm.
        self.db = _DriverForm(conn.dialect)
        self._now_db = self.db.moment(now)
        self._device_db = self.db.uid(self.device)
        self._user_db = self.db.uid(pr.user_id)
        self._no_details = self.db.json({})
        self._no_context = self.db.json(None)
        self._moments: dict[datetime, Any] = {}
        self.change_rows: list[tuple[Any, ...]] = []
        self.event_rows: list[tuple[Any, ...]] = []
        self.workstation_id = pr.workstation_id
        self.visibilities: list[Visibility] = []
        # Follow-up tasks of the incidents touched (loaded on first use), and those changed.
        self.tasks: dict[uuid.UUID, TaskState] = {}
        self.task_kinds: dict[uuid.UUID, set[FollowUpKind]] = {}  # per incident
        self.tasks_loaded: set[uuid.UUID] = set()
        self.tasks_stored: set[uuid.UUID] = set()
        self.tasks_dirty: set[uuid.UUID] = set()
        self.aliases: list[dict[str, Any]] = []
        self._users: dict[uuid.UUID, Any] = {}
        self._site_names: dict[uuid.UUID, str] = {}
        # {year: (last number given, whether its counter row exists)}
        self.counters: dict[int, tuple[int, bool]] = {}
        self._closed: frozenset[date] | None = None
        # Numbers given under the change-log lock (:meth:`number`), not while applying: the
        # new reports in the order they came, each with the payload of its created change
        # (the row of ``change_rows`` at that index), which carries the number.
        self.late_numbers = late_numbers
        self.unnumbered: list[tuple[_Incident, dict[str, Any], int]] = []
        self._changes: PreparedInsert | None = None
        self._events: PreparedInsert | None = None
        self._tasks: PreparedInsert | None = None
        self._task_updates: list[tuple[uuid.UUID, dict[str, Any]]] = []

    def closed_days(self) -> frozenset[date]:
        """The organisation's closing days (read once per push): deadlines skip them."""
        if self._closed is None:
            self._closed = frozenset(self.conn.execute(sa.select(t.closing_days.c.day)).scalars())
        return self._closed

    def load(self, changes: list[p.Change]) -> None:
        ids = list({c.entity_id for c in changes})
        for chunk in _chunks(ids, 500):
            for r in self.conn.execute(sa.select(t.incidents).where(t.incidents.c.id.in_(chunk))):
                self.incidents[r.id] = _Incident(
                    id=r.id,
                    site_id=r.site_id,
                    reporter_user_id=r.reporter_user_id,
                    workstation_id=r.workstation_id,
                    origin_device=r.origin_device,
                    team_lead_only=r.team_lead_only,
                    restricted=r.restricted,
                    status=r.status,
                    revision=r.revision,
                    field_revisions=dict(r.field_revisions or {}),
                    data=dict(r.data),
                    occurred_at=r.occurred_at,
                    created_at=r.created_at,
                    reference=r.reference,
                    reporter=r.reporter,
                    provisional_reference=r.provisional_reference,
                    assignee_user_id=r.assignee_user_id,
                    assignee_name=r.assignee_name or "",
                    alarm_id=r.alarm_id,
                    team_id=r.team_id,
                )
        event_ids: list[uuid.UUID] = []
        for c in changes:
            if c.kind != p.INCIDENT_CREATED:
                try:
                    event_ids.append(uuid.UUID(str(c.payload.get("event_id"))))
                except ValueError:
                    continue
        for chunk in _chunks(event_ids, 500):
            self.known_events.update(
                self.conn.execute(
                    sa.select(t.incident_events.c.id).where(t.incident_events.c.id.in_(chunk))
                ).scalars()
            )

    def apply(self, c: p.Change) -> p.Conflict | None:
        """Apply one change; returns a Conflict, raises _Reject, or returns None (accepted)."""
        if c.kind not in p.CHANGE_KINDS:
            raise _Reject(f"{p.REASON_UNKNOWN_KIND}: {c.kind}")
        if c.kind in p.SERVER_ONLY_KINDS:
            raise _Reject(f"{p.REASON_FORBIDDEN}: only the server writes {c.kind}")
        if c.kind == p.INCIDENT_CREATED:
            if self.pr.role is Role.PEER_SUPPORT:
                raise _Reject(f"{p.REASON_FORBIDDEN}: the peer-support team does not report")
            self._create(c)
            return None
        model = p.PAYLOAD_MODELS[c.kind]
        try:
            payload = model.model_validate(c.payload)
        except PydanticValidationError as exc:
            raise _Reject(f"{p.REASON_INVALID}: {_first_error(exc)}") from None
        inc = self.incidents.get(c.entity_id)
        if inc is None:
            raise _Reject(f"{p.REASON_UNKNOWN_INCIDENT}: {c.entity_id}", permanent=False)
        pr = self.pr
        lead = reviews(pr, inc.site_id)
        owner = is_owner(pr, inc.vis())
        if self._same_plan(inc, payload, owner or lead):
            return None  # the reporter's station planned what the server planned: once
        if pr.role is Role.PEER_SUPPORT:
            self._check_peer(inc, payload)
        else:
            if c.kind in p.TEAM_LEAD_KINDS and not lead:
                raise _Reject(
                    f"{p.REASON_FORBIDDEN}: only a team lead of the site or a coordinator may "
                    "do this"
                )
            if c.kind == p.INCIDENT_FIELD_EDITED and not (lead or owner):
                raise _Reject(f"{p.REASON_FORBIDDEN}: only the reporter or a team lead may edit")
            if not may_see(pr, inc.vis(KIND_AUDIENCE[c.kind])):
                raise _Reject(f"{p.REASON_FORBIDDEN}: you cannot see this incident")
        # Every payload model but incident.created's (handled above) has an event_id.
        event_id: uuid.UUID = payload.event_id  # type: ignore[attr-defined]  # see above
        if event_id in self.known_events:
            return None  # already applied through another change: accept, apply once
        created_at = _aware(c.created_at)
        author = pr.display_name
        peer: uuid.UUID | None = None
        task: TaskState | None = None
        if isinstance(payload, p.FollowUpPayload):
            task, peer = self._prepare_followup(inc, payload)
        elif isinstance(payload, p.AssignedPayload):
            payload.assignee_name = self._check_reviewer_assignee(inc, payload)
        entry = p.timeline_entry(c.kind, payload)
        text, data = entry.text, entry.data
        restricted = False
        body: dict[str, Any] = {"incident_id": str(inc.id), "event_id": str(event_id)}
        if isinstance(payload, p.NoteAddedPayload):
            author = payload.author
            created_at = _aware(payload.created_at) if payload.created_at else created_at
            body.update(author=author, text=text)
        elif isinstance(payload, p.MessagePayload):
            author = payload.author
            body.update(author=author, text=text)
        elif isinstance(payload, p.StatusChangedPayload):
            if payload.status.rank > IncidentStatus(inc.status).rank:
                inc.status = payload.status.value
                inc.data["status"] = inc.status
                inc.revision += 1
                inc.dirty = True
            body.update(status=payload.status.value, author=author, conclusion=text)
        elif isinstance(payload, p.AssignedPayload):
            inc.assignee_user_id = payload.assignee_user_id
            inc.assignee_name = payload.assignee_name
            inc.dirty = True
            body.update(data, author=author)
        elif isinstance(payload, p.FollowUpPayload):
            self._fold(inc.id, task, data, text)
            body.update(data, note=text, author=author)
        else:
            assert isinstance(payload, p.FieldEditedPayload)
            if c.base_revision is None:
                raise _Reject(f"{p.REASON_INVALID}: a field edit needs base_revision")
            last = inc.field_revisions.get(payload.field, 0)
            if last > c.base_revision:
                return p.Conflict(
                    device_seq=c.device_seq,
                    entity_id=inc.id,
                    field=payload.field,
                    server_value=inc.data.get(payload.field),
                    your_value=payload.value,
                    server_revision=inc.revision,
                )
            edited = dict(inc.data)
            edited[payload.field] = payload.value
            canonical = _parse_incident(edited, max(self.now, inc.created_at))
            value = canonical[payload.field]
            # The numbers stay the server's: the edit never carries them.
            canonical["reference"] = inc.reference
            inc.data.update(canonical, status=inc.status)
            inc.revision += 1
            inc.field_revisions[payload.field] = inc.revision
            inc.restricted = bool(
                canonical["perpetrator_description"] or canonical["perpetrator_reference"]
            )
            if canonical["team_lead_only"] != inc.team_lead_only:
                inc.team_lead_only = bool(canonical["team_lead_only"])
                inc.team_lead_only_changed = True
            inc.dirty = True
            restricted = payload.field in p.RESTRICTED_FIELDS
            data = {**data, "value": value, "revision": inc.revision}
            body.update(field=payload.field, value=value, author=author)
        inc.data["revision"] = inc.revision
        body["revision"] = inc.revision
        body["created_at"] = created_at.isoformat()
        audience = KIND_AUDIENCE[c.kind]
        kind_text = entry.kind.value
        self._event(inc, event_id, kind_text, author, text, data, audience, restricted, created_at)
        self._log(c.kind, inc, body, audience, restricted, peer)
        if isinstance(payload, p.FollowUpPayload) and payload.action is TaskAction.ASSIGNED:
            before = task.assignee_user_id if task is not None else None
            if before is not None and before != peer and self._is_peer(before):
                # The peer-support member who had the task learns it went to someone else
                # (the same event: stored once wherever it arrives twice).
                self._log(c.kind, inc, body, audience, restricted, before)
        if isinstance(payload, p.FieldEditedPayload):
            self._plan(inc)
        return None

    def _same_plan(self, inc: _Incident, payload: Any, may: bool) -> bool:
        """Whether ``payload`` is the very "planned" event the server made for the report
        (same deterministic id): a station that planned while offline pushes it too, also
        for a reporter who may not change tasks. Accepted and applied once."""
        if not may or not isinstance(payload, p.FollowUpPayload):
            return False
        if payload.action is not TaskAction.PLANNED:
            return False
        if payload.event_id != plan_event_id(inc.id, payload.kind):
            return False
        if payload.event_id not in self.known_events:
            self._plan(inc)
        return payload.event_id in self.known_events

    def _event(
        self,
        inc: _Incident,
        event_id: uuid.UUID,
        kind: str,
        author: str,
        text: str,
        data: dict[str, Any] | JSONText,
        audience: str,
        restricted: bool,
        created_at: datetime | None = None,
    ) -> None:
        """A timeline event by the caller (the server's planned ones: :meth:`_plan`)."""
        self.known_events.add(event_id)
        db = self.db
        self.event_rows.append(
            (
                db.uid(event_id),
                self._keys(inc)[0],
                kind,
                author[: p.NAME_MAX],
                text,
                db.json(data),
                audience,
                db.flag(restricted),
                self._user_db,
                self._device_db,
                self._now_db if created_at is None else self._moment(created_at),
            )
        )

    def _keys(self, inc: _Incident) -> tuple[Any, ...]:
        """Driver form of the report's id, site, reporter, workstation and team."""
        found = inc.db
        if found is None:
            uid = self.db.uid
            found = inc.db = (
                uid(inc.id),
                uid(inc.site_id),
                uid(inc.reporter_user_id),
                uid(inc.workstation_id),
                uid(inc.team_id),
            )
        return found

    def _moment(self, value: datetime | None) -> Any:
        """Driver form of a UTC moment (remembered for the push: deadlines repeat)."""
        if value is None:
            return None
        found = self._moments.get(value)
        if found is None:
            found = self._moments[value] = self.db.moment(value)
        return found

    # -- people ----------------------------------------------------------------------------

    def _user(self, user_id: uuid.UUID) -> Any:
        if user_id not in self._users:
            self._users[user_id] = self.conn.execute(
                sa.select(
                    t.users.c.id,
                    t.users.c.role,
                    t.users.c.site_id,
                    t.users.c.display_name,
                    t.users.c.team_id,
                ).where(t.users.c.id == user_id)
            ).first()
        return self._users[user_id]

    def _team_of(self, user_id: uuid.UUID | None) -> uuid.UUID | None:
        """The reporter's team as the report arrives (kept on the report and its changes)."""
        row = self._user(user_id) if user_id is not None else None
        return row.team_id if row is not None else None

    def _lead_sees(self, inc: _Incident, user_id: uuid.UUID) -> bool:
        """Whether the team lead ``user_id`` may see ``inc`` (a report only team leads see,
        of a team with team leads, is for those leads only)."""
        if not inc.team_lead_only or inc.team_id is None or inc.reporter_user_id == user_id:
            return True
        tl = t.team_leads.c
        leads = set(
            self.conn.execute(sa.select(tl.user_id).where(tl.team_id == inc.team_id)).scalars()
        )
        return not leads or user_id in leads

    def _is_peer(self, user_id: uuid.UUID | None) -> bool:
        if user_id is None:
            return False
        row = self._user(user_id)
        return row is not None and row.role == Role.PEER_SUPPORT.value

    def _check_reviewer_assignee(self, inc: _Incident, payload: p.AssignedPayload) -> str:
        """The assignee's display name; raises _Reject unless they review the report's site."""
        if payload.assignee_user_id is None:
            return ""
        row = self._user(payload.assignee_user_id)
        if row is None:
            raise _Reject(f"{p.REASON_INVALID}: the assignee is not a user of this server")
        role = Role(row.role)
        if role is Role.TEAM_LEAD and not self._lead_sees(inc, row.id):
            raise _Reject(
                f"{p.REASON_INVALID}: this report is for the team leads of the reporter's team"
            )
        if role is Role.COORDINATOR or (role is Role.TEAM_LEAD and row.site_id == inc.site_id):
            return payload.assignee_name or str(row.display_name)
        raise _Reject(
            f"{p.REASON_INVALID}: a report is assigned to a team lead of its site or a coordinator"
        )

    def _check_task_assignee(self, inc: _Incident, payload: p.FollowUpPayload) -> None:
        if payload.assignee_user_id is None:
            payload.assignee_name = ""
            return
        row = self._user(payload.assignee_user_id)
        if row is None:
            raise _Reject(f"{p.REASON_INVALID}: the assignee is not a user of this server")
        role = Role(row.role)
        if role is Role.TEAM_LEAD and not self._lead_sees(inc, row.id):
            raise _Reject(
                f"{p.REASON_INVALID}: this report is for the team leads of the reporter's team"
            )
        if role is Role.PEER_SUPPORT:
            if payload.kind not in AFTERCARE_KINDS:
                raise _Reject(
                    f"{p.REASON_INVALID}: only aftercare talks go to the peer-support team"
                )
        elif not (
            role is Role.COORDINATOR or (role is Role.TEAM_LEAD and row.site_id == inc.site_id)
        ):
            raise _Reject(
                f"{p.REASON_INVALID}: a task is assigned to a team lead of the site, a "
                "coordinator or (aftercare) a member of the peer-support team"
            )
        payload.assignee_name = payload.assignee_name or str(row.display_name)

    def _check_peer(self, inc: _Incident, payload: Any) -> None:
        """A peer-support member ticks off or updates a task assigned to them; nothing else."""
        if not isinstance(payload, p.FollowUpPayload) or payload.action not in (
            TaskAction.DONE,
            TaskAction.UPDATED,
        ):
            raise _Reject(
                f"{p.REASON_FORBIDDEN}: the peer-support team only ticks off or updates its "
                "own tasks"
            )
        state = self._task(inc.id, payload)
        if state is None or state.assignee_user_id != self.pr.user_id:
            raise _Reject(f"{p.REASON_FORBIDDEN}: this task is not assigned to you")

    # -- follow-up tasks -------------------------------------------------------------------

    def _load_tasks(self, incident_id: uuid.UUID) -> None:
        if incident_id in self.tasks_loaded:
            return
        self.tasks_loaded.add(incident_id)
        rows = self.conn.execute(
            sa.select(t.followup_tasks).where(t.followup_tasks.c.incident_id == incident_id)
        )
        for r in rows:
            self.tasks_stored.add(r.id)
            self.task_kinds.setdefault(r.incident_id, set()).add(FollowUpKind(r.kind))
            self.tasks[r.id] = TaskState(
                id=r.id,
                incident_id=r.incident_id,
                kind=FollowUpKind(r.kind),
                reason=r.reason,
                due=r.due,
                due_from=r.due_from,
                done_at=r.done_at,
                note=r.note,
                assignee_user_id=r.assignee_user_id,
                assignee_name=r.assignee_name,
                details=dict(r.details or {}),
                context=dict(r.context) if r.context else None,
            )

    def _task(self, incident_id: uuid.UUID, payload: p.FollowUpPayload) -> TaskState | None:
        self._load_tasks(incident_id)
        return self.tasks.get(payload.task_id or task_id_for(incident_id, payload.kind))

    def _prepare_followup(
        self, inc: _Incident, payload: p.FollowUpPayload
    ) -> tuple[TaskState | None, uuid.UUID | None]:
        """Check an assignment, fill what a peer-support assignee needs; returns the task
        as it is and the peer-support member the change is logged for (if any)."""
        state = self._task(inc.id, payload)
        if payload.task_id is None:
            payload.task_id = state.id if state else task_id_for(inc.id, payload.kind)
        peer = state.assignee_user_id if state and self._is_peer(state.assignee_user_id) else None
        if payload.action is TaskAction.ASSIGNED:
            self._check_task_assignee(inc, payload)
            if self._is_peer(payload.assignee_user_id):
                peer = payload.assignee_user_id
                payload.context = p.TaskContext(
                    reference=(inc.reference or "")[: p.CODE_MAX],
                    occurred_at=inc.occurred_at,
                    location=str(inc.data.get("location", ""))[:LOCATION_MAX],
                    reporter=inc.reporter[: p.NAME_MAX],
                )
        if peer is not None and state is not None and payload.due is None:
            # The peer-support member never saw the plan: each change carries the task.
            payload.due = state.due
            payload.due_from = state.due_from
            payload.reason = payload.reason or state.reason
        return state, peer

    def _fold(
        self, incident_id: uuid.UUID, state: TaskState | None, data: dict[str, Any], note: str
    ) -> None:
        try:
            after = apply_task_event(state, incident_id, data, note)
        except (KeyError, ValueError) as exc:
            raise _Reject(f"{p.REASON_INVALID}: {exc}") from None
        if after is not None and after != state:
            self.tasks[after.id] = after
            self.tasks_dirty.add(after.id)
            self.task_kinds.setdefault(incident_id, set()).add(after.kind)

    def _plan(self, inc: _Incident, incident: Incident | None = None) -> None:
        """Plan every applicable follow-up task the report does not have yet (a task once
        planned is never removed or moved by this). ``incident``: the report as just parsed
        from ``inc.data`` (a new one), else it is parsed here."""
        self._load_tasks(inc.id)
        have = self.task_kinds.get(inc.id, set())
        try:
            if incident is None:
                incident = incident_from_dict(inc.data)
            plan = default_plan(incident, self.closed_days())
        except (KeyError, ValueError, TypeError):
            return
        todo = [task for task in plan if task.kind not in have]
        if not todo:
            return
        incident_text = str(inc.id)
        ids = [plan_event_id(incident_text, task.kind) for task in todo]
        stored: set[uuid.UUID] = set()
        if not inc.new:  # a report created by this push has no stored events yet
            stored.update(
                self.conn.execute(
                    sa.select(t.incident_events.c.id).where(t.incident_events.c.id.in_(ids))
                ).scalars()
            )
        kinds = self.task_kinds.setdefault(inc.id, set())
        # The rows of :meth:`_event` and :meth:`_log` for a planned task, built here at once
        # (a push of 500 new reports plans a few thousand).
        db = self.db
        key, site, reporter, workstation, team = self._keys(inc)
        unrestricted = db.flag(False)
        lead_only = db.flag(inc.team_lead_only)
        vis = inc.vis(OWNER)
        for task, event_id in zip(todo, ids, strict=True):
            if event_id in self.known_events or event_id in stored:
                continue
            # What p.timeline_entry makes of the planned FollowUpPayload, built directly.
            task_id = task_id_for(incident_text, task.kind)
            data, payload = _planned_texts(
                incident_text, event_id, task_id, task, inc.revision, self.now_text
            )
            self.tasks[task_id] = TaskState(
                id=task_id,
                incident_id=inc.id,
                kind=task.kind,
                reason=task.reason.value,
                due=task.due,
                due_from=task.due_from,
            )
            self.tasks_dirty.add(task_id)
            kinds.add(task.kind)
            self.known_events.add(event_id)
            self.event_rows.append(
                (
                    db.uid(event_id),
                    key,
                    _FOLLOWUP_EVENT,
                    SYSTEM_AUTHOR,
                    "",
                    str.__str__(data),
                    OWNER,
                    unrestricted,
                    None,
                    self._device_db,
                    self._now_db,
                )
            )
            self.change_rows.append(
                (
                    key,
                    p.INCIDENT_FOLLOWUP,
                    payload,
                    site,
                    reporter,
                    workstation,
                    lead_only,
                    unrestricted,
                    OWNER,
                    self._device_db,
                    self._now_db,
                    None,
                    team,
                )
            )
            self.visibilities.append(vis)

    # -- numbers ---------------------------------------------------------------------------

    def _site_name(self, site_id: uuid.UUID) -> str:
        if site_id not in self._site_names:
            name = self.conn.execute(
                sa.select(t.sites.c.name).where(t.sites.c.id == site_id)
            ).scalar()
            self._site_names[site_id] = str(name or "")
        return self._site_names[site_id]

    def _next_reference(self, created_at: datetime) -> str:
        """The organisation's next report number for the year of ``created_at``.

        The year's counter row is read once per push with SELECT ... FOR UPDATE and written
        back in the same transaction (:meth:`flush`), which also holds the change-log lock:
        two pushes, in one server process or several, never give the same number."""
        year = created_at.astimezone(REFERENCE_ZONE).year
        if year not in self.counters:
            rc = t.reference_counters.c
            last = self.conn.execute(
                sa.select(rc.last).where(rc.year == year).with_for_update()
            ).scalar()
            self.counters[year] = (int(last or 0), last is not None)
        number, existed = self.counters[year]
        self.counters[year] = (number + 1, existed)
        return format_reference(year, number + 1)

    def _create(self, c: p.Change) -> None:
        payload = dict(c.payload)
        attachments = payload.pop("attachments", None) or []
        if not isinstance(attachments, list) or len(attachments) > ATTACHMENTS_MAX:
            raise _Reject(f"{p.REASON_INVALID}: attachments must be a list of at most 20")
        if not all(isinstance(a, dict) for a in attachments):
            raise _Reject(f"{p.REASON_INVALID}: each attachment must be an object")
        if str(payload.get("id")) != str(c.entity_id):
            raise _Reject(f"{p.REASON_INVALID}: payload id differs from entity_id")
        existing = self.incidents.get(c.entity_id)
        if existing is not None:
            if devices.same_owner(self.conn, existing.origin_device, self.device):
                # A re-upload (new epoch, new device_seq, or a device that took a new id
                # since): apply once.
                return
            if self._applied_by(existing.origin_device, c.change_id):
                # The very change that created it, sent again by a copy of the device that
                # made it (a data folder copied while the report was waiting): stored once.
                return
            raise _Reject(f"{p.REASON_DUPLICATE_ENTITY}: {c.entity_id}")
        pr = self.pr
        if pr.site_id is None:
            raise _Reject(f"{p.REASON_FORBIDDEN}: your account has no site")
        incident = _checked_incident(payload, max(self.now, _aware(c.created_at)))
        data: dict[str, Any] = incident_to_dict(incident)
        data["status"] = IncidentStatus.SENT.value
        data["revision"] = 1
        data["attachments"] = attachments
        # The organisation-wide number, given once on first receipt; the station's own
        # number stays findable as the provisional one.
        provisional = data.get("reference") or None
        created_at = datetime.fromisoformat(str(data["created_at"]))
        if not self.late_numbers:
            data["reference"] = self._next_reference(created_at)
        data["provisional_reference"] = provisional
        data["site_name"] = self._site_name(pr.site_id)
        alarm = data.get("alarm_id")
        inc = _Incident(
            id=c.entity_id,
            site_id=pr.site_id,
            reporter_user_id=pr.user_id,
            workstation_id=self.workstation_id,
            origin_device=self.device,
            team_lead_only=bool(data["team_lead_only"]),
            restricted=bool(data["perpetrator_description"] or data["perpetrator_reference"]),
            status=IncidentStatus.SENT.value,
            revision=1,
            field_revisions={},
            data=data,
            occurred_at=datetime.fromisoformat(str(data["occurred_at"])),
            created_at=created_at,
            reference=None if self.late_numbers else data["reference"],
            reporter=str(data["reporter"]),
            provisional_reference=provisional,
            alarm_id=uuid.UUID(str(alarm)) if alarm else None,
            team_id=self._team_of(pr.user_id),
            new=True,
        )
        self.incidents[inc.id] = inc
        if self.late_numbers:
            self.unnumbered.append((inc, dict(data), len(self.change_rows)))
            self._log(p.INCIDENT_CREATED, inc, None, SUMMARY, inc.restricted)
        else:
            self._aliases(inc)
            self._log(p.INCIDENT_CREATED, inc, data, SUMMARY, inc.restricted)
        self.tasks_loaded.add(inc.id)  # a new report has no tasks yet
        self._plan(inc, incident)

    def _aliases(self, inc: _Incident) -> None:
        for number in (inc.reference, inc.provisional_reference):
            if number:
                self.aliases.append({"reference": number, "incident_id": inc.id})

    def number(self) -> None:
        """Give the new reports of a push their numbers (``late_numbers``; under the
        change-log lock), in the order they came, and write them into what carries them."""
        for inc, payload, index in self.unnumbered:
            number = self._next_reference(inc.created_at)
            inc.reference = number
            inc.data["reference"] = payload["reference"] = number
            self._aliases(inc)
            # _changes (once prepared) holds this very list of rows.
            row = self.change_rows[index]
            self.change_rows[index] = (*row[:2], _compact(payload), *row[3:])
        self.unnumbered.clear()

    def _applied_by(self, device_id: uuid.UUID, change_id: uuid.UUID) -> bool:
        """Whether ``device_id`` pushed ``change_id`` and it was accepted (reads that device's
        own records through the primary key)."""
        ap = t.applied_pushes.c
        found = self.conn.execute(
            sa.select(ap.device_seq)
            .where(ap.device_id == device_id, ap.change_id == change_id, ap.outcome == "accepted")
            .limit(1)
        ).first()
        return found is not None

    def _log(
        self,
        kind: str,
        inc: _Incident,
        payload: dict[str, Any] | str | None,
        audience: str,
        restricted: bool,
        assignee: uuid.UUID | None = None,
    ) -> None:
        """Append a change (``payload``: a dict, or its compact JSON text already; None: filled
        in when the report gets its number, :meth:`number`)."""
        key, site, reporter, workstation, team = self._keys(inc)
        db = self.db
        self.change_rows.append(
            (
                key,
                kind,
                payload if payload is None or isinstance(payload, str) else _compact(payload),
                site,
                reporter,
                workstation,
                db.flag(inc.team_lead_only),
                db.flag(restricted),
                audience,
                self._device_db,
                self._now_db,
                db.uid(assignee),
                team,
            )
        )
        self.visibilities.append(inc.vis(audience, assignee))

    def prepare(self) -> None:
        """Make the bulk rows ready for the driver ahead of :meth:`flush` (outside the
        change-log lock when the numbers are given late)."""
        dialect = self.conn.dialect
        self._events = PreparedInsert.ready(
            dialect, t.incident_events, _EVENT_KEYS, self.event_rows
        )
        self._changes = PreparedInsert.ready(dialect, t.changes, _CHANGE_KEYS, self.change_rows)
        self._prepare_tasks()

    def flush(self) -> None:
        """Write the push (with the change-log lock held): numbers first, then every row."""
        conn = self.conn
        self.number()
        new = [self._new_row(i) for i in self.incidents.values() if i.new]
        PreparedInsert.ready(conn.dialect, t.incidents, _INCIDENT_KEYS, new).run(conn)
        for i in self.incidents.values():
            if i.dirty and not i.new:
                conn.execute(
                    sa.update(t.incidents)
                    .where(t.incidents.c.id == i.id)
                    .values(
                        team_lead_only=i.team_lead_only,
                        restricted=i.restricted,
                        status=i.status,
                        revision=i.revision,
                        field_revisions=i.field_revisions,
                        data=i.data,
                        occurred_at=datetime.fromisoformat(str(i.data["occurred_at"])),
                        assignee_user_id=i.assignee_user_id,
                        assignee_name=i.assignee_name,
                    )
                )
        self._flush_counters()
        self._flush_aliases()
        if self._events is None:
            self.prepare()
        assert self._events is not None and self._changes is not None
        self._events.run(conn)
        self._flush_tasks()
        # executemany keeps list order, so seq follows the order changes were applied.
        self._changes.run(conn)
        for i in self.incidents.values():
            if i.team_lead_only_changed:
                conn.execute(
                    sa.update(t.changes)
                    .where(t.changes.c.entity_id == i.id)
                    .values(team_lead_only=i.team_lead_only)
                )

    def _flush_aliases(self) -> None:
        """Each number finds its report; a provisional number two stations both gave keeps
        the report that brought it first (a final number is found on the report itself)."""
        if not self.aliases:
            return
        wanted = {a["reference"] for a in self.aliases}
        taken = set(
            self.conn.execute(
                sa.select(t.reference_aliases.c.reference).where(
                    t.reference_aliases.c.reference.in_(wanted)
                )
            ).scalars()
        )
        rows = []
        for alias in self.aliases:
            if alias["reference"] not in taken:
                taken.add(alias["reference"])
                rows.append(alias)
        if rows:
            bulk_insert(self.conn, t.reference_aliases, rows)

    def _flush_tasks(self) -> None:
        if self._tasks is None:
            self._prepare_tasks()
        for task_id, values in self._task_updates:
            self.conn.execute(
                sa.update(t.followup_tasks).where(t.followup_tasks.c.id == task_id).values(**values)
            )
        assert self._tasks is not None
        self._tasks.run(self.conn)

    def _new_row(self, i: _Incident) -> tuple[Any, ...]:
        """A new report's row of ``incidents``, in driver form (_INCIDENT_KEYS)."""
        db = self.db
        key, site, reporter, workstation, team = self._keys(i)
        return (
            key,
            site,
            i.reference,
            i.reporter,
            reporter,
            workstation,
            db.uid(i.origin_device),
            db.flag(i.team_lead_only),
            db.flag(i.restricted),
            i.status,
            i.revision,
            db.json(i.field_revisions),
            db.json(i.data),
            db.moment(i.occurred_at),
            db.moment(i.created_at),
            self._now_db,
            i.provisional_reference,
            db.uid(i.assignee_user_id),
            i.assignee_name,
            db.uid(i.alarm_id),
            team,
        )

    def _prepare_tasks(self) -> None:
        new: list[tuple[Any, ...]] = []
        self._task_updates = []
        db = self.db
        for task_id in sorted(self.tasks_dirty, key=_uuid_order):
            s = self.tasks[task_id]
            if task_id not in self.tasks_stored:
                new.append(
                    (
                        db.uid(task_id),
                        db.uid(s.incident_id),
                        s.kind.value,
                        s.reason[:32],
                        self._moment(s.due),
                        self._moment(s.due_from),
                        self._moment(s.done_at),
                        s.note,
                        db.uid(s.assignee_user_id),
                        s.assignee_name[: p.NAME_MAX],
                        db.json(dict(s.details)) if s.details else self._no_details,
                        db.json(dict(s.context)) if s.context else self._no_context,
                        self._now_db,
                    )
                )
                self.tasks_stored.add(task_id)
                continue
            values = {
                "incident_id": s.incident_id,
                "kind": s.kind.value,
                "reason": s.reason[:32],
                "due": s.due,
                "due_from": s.due_from,
                "done_at": s.done_at,
                "note": s.note,
                "assignee_user_id": s.assignee_user_id,
                "assignee_name": s.assignee_name[: p.NAME_MAX],
                "details": dict(s.details),
                "context": dict(s.context) if s.context else None,
                "updated_at": self.now,
            }
            self._task_updates.append((task_id, values))
        self._tasks = PreparedInsert.ready(self.conn.dialect, t.followup_tasks, _TASK_KEYS, new)

    def _flush_counters(self) -> None:
        rc = t.reference_counters.c
        for year, (last, existed) in self.counters.items():
            if existed:
                self.conn.execute(
                    sa.update(t.reference_counters).where(rc.year == year).values(last=last)
                )
            else:
                self.conn.execute(sa.insert(t.reference_counters).values(year=year, last=last))


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


#: PostgreSQL's SQLSTATE for a transaction it ended to break a deadlock.
DEADLOCK_DETECTED = "40P01"


#: Pushes applied at once in one server process. Applying is Python work under one GIL: with
#: every station pushing at once (after the server was away) forty threads took turns on it
#: and the event loop got it so rarely that an alarm raised then reached the stations a
#: second late. Two keep the database busy (one writes while the next is made ready) and
#: leave the loop its share.
PUSHES_AT_ONCE = 2
#: The worker threads of this process's pushes (routes.push): a push waits for one on the
#: event loop, holding no thread of the shared pool, no connection, and no time of the loop
#: for reading its body. A test that holds many pushes at once widens it.
push_turns = anyio.CapacityLimiter(PUSHES_AT_ONCE)


def push(store: ServerStore, pr: Principal, req: p.PushRequest) -> PushOutcome:
    """Apply a pushed batch on this thread; the route runs it on one of :data:`push_turns`."""
    return _apply(store, pr, req)


def _apply(store: ServerStore, pr: Principal, req: p.PushRequest) -> PushOutcome:
    """Apply a pushed batch in one transaction; see the module docstring for the policy.

    A batch of new reports only (what a station sends most, and in bulk) is read, checked
    and made into rows before the change-log lock is taken; under the lock it only gets its
    report numbers and is written, so pushes of different stations overlap on PostgreSQL.
    Such a batch changes no stored row, so what it read stays true while it waits for the
    lock, except that another push may store the same rows meanwhile (one device pushing
    twice at once, one report from two devices): the insert then fails on its key, nothing
    is kept, and the push runs again under the lock from the start, where it sees them.
    A batch that changes stored reports runs under the lock from the start.

    Such a batch writes its device binding and its push record before the lock; a push of
    the same device under the lock may wait for those rows while the first waits for the
    lock (a copied data folder): PostgreSQL ends one of the two as a deadlock, and that one
    runs again (nothing of it was kept)."""
    if req.changes and all(c.kind == p.INCIDENT_CREATED for c in req.changes):
        try:
            return _push(store, pr, req, late=True)
        except sa.exc.IntegrityError:
            log.info("push of device %s met a concurrent push: applied again", req.device_id)
        except sa.exc.OperationalError as exc:
            if not _deadlock(exc):
                raise
            log.info("push of device %s met a concurrent push: applied again", req.device_id)
    for attempt in range(DEADLOCK_ATTEMPTS):
        try:
            return _push(store, pr, req, late=False)
        except sa.exc.OperationalError as exc:
            if not _deadlock(exc) or attempt == DEADLOCK_ATTEMPTS - 1:
                raise
            log.info("push of device %s met a concurrent push: applied again", req.device_id)
    raise AssertionError("unreachable")


#: How often a push under the lock runs again after PostgreSQL ended it as a deadlock.
DEADLOCK_ATTEMPTS = 3


def _deadlock(exc: sa.exc.OperationalError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == DEADLOCK_DETECTED


def _now() -> datetime:
    """The moment a push is applied at (one reading per push; a test holds it still)."""
    return datetime.now(UTC)


def _push(store: ServerStore, pr: Principal, req: p.PushRequest, late: bool) -> PushOutcome:
    now = _now()
    accepted: dict[int, None] = {}
    rejected: dict[int, p.Rejection] = {}
    conflicts: dict[int, p.Conflict] = {}
    collisions: dict[int, p.Collision] = {}
    with store.write(log=not late) as conn:
        if req.epoch is not None and req.epoch != store.epoch:
            raise EpochMismatchError(store.epoch)
        binding = devices.admit_push(conn, pr, req.device_id, now, req.previous_device_id)
        if isinstance(binding, str):
            response = p.PushResponse(
                epoch=store.epoch, status=p.PushStatus.DEVICE_BOUND_ELSEWHERE, detail=binding
            )
            return PushOutcome(response, store.max_seq(conn), pr.site_id)
        batch = _Batch(conn, pr, req, now, late_numbers=late)
        seen = (
            sa.update(t.workstations)
            .where(t.workstations.c.id == pr.workstation_id)
            .values(device_id=req.device_id, last_seen_at=now)
        )
        if pr.is_workstation and not late:
            conn.execute(seen)
        elif not pr.is_workstation:
            # A user signed in at a workstation: its reports are that workstation's too.
            batch.workstation_id = binding.workstation_id
        seqs = list({c.device_seq for c in req.changes})
        done: dict[int, tuple[str, Any]] = {}
        done_ids: dict[int, uuid.UUID] = {}
        for chunk in _chunks(seqs, 500):
            rows = conn.execute(
                sa.select(
                    t.applied_pushes.c.device_seq,
                    t.applied_pushes.c.change_id,
                    t.applied_pushes.c.outcome,
                    t.applied_pushes.c.detail,
                ).where(
                    t.applied_pushes.c.device_id == req.device_id,
                    t.applied_pushes.c.device_seq.in_(chunk),
                )
            )
            for r in rows:
                done[r.device_seq] = (r.outcome, r.detail)
                done_ids[r.device_seq] = r.change_id
        batch.load(req.changes)
        recorded: list[tuple[Any, ...]] = []
        device_db = batch.db.uid(req.device_id)
        for c in req.changes:
            known = done_ids.get(c.device_seq)
            if known is not None and known != c.change_id:
                collisions[c.device_seq] = p.Collision(
                    device_seq=c.device_seq, change_id=c.change_id
                )
                continue
            if c.device_seq not in done:
                try:
                    conflict = batch.apply(c)
                except _Reject as rej:
                    if not rej.permanent:
                        rejected.setdefault(
                            c.device_seq,
                            p.Rejection(
                                device_seq=c.device_seq, reason=rej.reason, permanent=False
                            ),
                        )
                        continue
                    outcome: tuple[str, Any] = ("rejected", {"reason": rej.reason})
                else:
                    outcome = (
                        ("conflict", conflict.model_dump(mode="json"))
                        if conflict
                        else ("accepted", None)
                    )
                done[c.device_seq] = outcome
                done_ids[c.device_seq] = c.change_id
                recorded.append(
                    (
                        device_db,
                        c.device_seq,
                        batch.db.uid(c.change_id),
                        outcome[0],
                        batch.db.json(outcome[1]),
                        batch._now_db,
                    )
                )
            kind, detail = done[c.device_seq]
            if kind == "accepted":
                accepted[c.device_seq] = None
            elif kind == "conflict":
                conflicts[c.device_seq] = p.Conflict.model_validate(detail)
            else:
                rejected[c.device_seq] = p.Rejection(
                    device_seq=c.device_seq, reason=str(detail["reason"]), permanent=True
                )
        batch.prepare()
        # The push record draws no seq and refers to nothing: written before the change-log
        # lock (a concurrent push of the same device meets it on its key, see push()).
        PreparedInsert.ready(conn.dialect, t.applied_pushes, _PUSH_KEYS, recorded).run(conn)
        if late:
            store.lock_change_log(conn)
            if pr.is_workstation:
                conn.execute(seen)  # under the lock: see above
        batch.flush()
        cursor = store.max_seq(conn)
    if collisions:
        log.warning(
            "push: device %s numbers changes %s like another copy of it; nothing stored for "
            "them, the device is told to take a new id",
            req.device_id,
            sorted(collisions),
        )
    references: dict[uuid.UUID, p.AssignedReference] = {}
    for c in req.changes:
        if c.kind != p.INCIDENT_CREATED or c.device_seq not in accepted:
            continue
        inc = batch.incidents.get(c.entity_id)
        if inc is not None and inc.reference and inc.id not in references:
            references[inc.id] = p.AssignedReference(entity_id=inc.id, reference=inc.reference)
    response = p.PushResponse(
        epoch=store.epoch,
        accepted=list(accepted),
        rejected=list(rejected.values()),
        conflicts=list(conflicts.values()),
        collisions=list(collisions.values()),
        references=list(references.values()),
    )
    return PushOutcome(response, cursor, pr.site_id, batch.visibilities)


# --- pull -------------------------------------------------------------------------------


def _strip(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    if kind == p.INCIDENT_FIELD_EDITED:
        payload["value"] = None
    else:
        for name in p.RESTRICTED_FIELDS:
            if name in payload:
                payload[name] = ""
    payload[STRIPPED] = True
    return payload


def audit(
    store: ServerStore,
    pr: Principal,
    incident_ids: Iterable[uuid.UUID],
    action: str,
    device_id: uuid.UUID | None = None,
    subject: str = audit_log.SUBJECT_INCIDENT,
) -> None:
    """One audit row per incident whose restricted fields ``pr`` read (own transaction)."""
    ids = sorted(set(incident_ids))
    if not ids or pr.user_id is None:
        return
    now = datetime.now(UTC)
    with store.write() as conn:
        audit_log.record_many(
            conn,
            actor=pr,
            action=action,
            subject=subject,
            incident_ids=ids,
            detail=f"restricted fields read by {pr.username}",
            station=audit_log.station_of(conn, pr, device_id),
            at=now,
        )


#: How the payload of a task the server planned for a new report starts and goes on
#: (:meth:`_Batch._plan`, compact JSON in that key order): ``revision`` 1 is the report as
#: created; a plan after an edit (a later revision) is not made by the station itself.
_PLANNED_MARK = '"action":"planned",'
_FIRST_REVISION_MARK = f'"author":{json.dumps(SYSTEM_AUTHOR)},"revision":1,'


def _planned_on_save(kind: str, payload_text: str) -> bool:
    """Whether a change is a follow-up task the server planned on receipt of a new report:
    the station that pushed the report planned the very same task (deterministic ids, see
    core.followup) when it saved it, so it is not sent back to that device."""
    return (
        kind == p.INCIDENT_FOLLOWUP
        and _PLANNED_MARK in payload_text
        and _FIRST_REVISION_MARK in payload_text
    )


def _pull_columns(dialect: str) -> list[sa.ColumnElement[Any]]:
    """The columns a pull reads, as the driver hands them over (no per-row type processing):
    ids as text (PostgreSQL casts them; SQLite stores 32 hex digits), flags as they are."""
    c = t.changes.c

    def text(col: Any) -> sa.ColumnElement[Any]:
        if dialect == "postgresql":
            return sa.cast(col, sa.Text).label(col.name)
        return sa.type_coerce(col, sa.Text).label(col.name)

    return [
        c.seq,
        sa.type_coerce(c.kind, sa.Text).label("kind"),
        text(c.entity_id),
        sa.type_coerce(c.payload, sa.Text).label("payload"),
        sa.type_coerce(c.created_at, sa.DateTime(timezone=True)).label("created_at")
        if dialect == "postgresql"
        else sa.type_coerce(c.created_at, sa.Text).label("created_at"),
        sa.type_coerce(c.restricted, sa.Integer).label("restricted"),
        sa.type_coerce(c.team_lead_only, sa.Integer).label("team_lead_only"),
        text(c.site_id),
        text(c.reporter_user_id),
        text(c.workstation_id),
        text(c.team_id),
    ]


def _dashed(value: str) -> str:
    """The text form of a stored id as ``str(uuid.UUID)`` writes it."""
    if len(value) == 32:  # SQLite: 32 hex digits
        v = value.lower()
        return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"
    if len(value) == 36 and value[8] == "-":  # PostgreSQL's text of a uuid: already so
        return value.lower()
    return str(uuid.UUID(value))


def _iso_utc(value: str | datetime) -> str:
    """``created_at`` as the UTCDateTime column reads it, in ISO form."""
    if isinstance(value, str):  # SQLite stores it naive, in UTC
        if len(value) == 26 and value[10] == " " and not value.endswith(".000000"):
            return f"{value[:10]}T{value[11:]}+00:00"  # what isoformat() writes for it
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC).isoformat()
    return value.astimezone(UTC).isoformat()


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(value)


def pull(
    store: ServerStore,
    pr: Principal,
    cursor: int,
    limit: int,
    device_id: uuid.UUID | None = None,
) -> str:
    """The JSON text of a PullResponse: the caller's visible changes after ``cursor``.

    Payloads are stored as JSON text and copied into the answer without parsing, except
    those with restricted fields the caller may not read. ``origin_device`` is given only
    for the pulling device's own changes (``device_id``, its X-VB-Device); it is null for
    every other change, so no station learns another station's device id.

    Rows come from the driver without per-row type processing: the ids are written as
    text, and only a row with restricted fields or one only team leads see is checked in
    Python (once per distinct site, reporter, station and team in the page).
    """
    c = t.changes.c
    own = (c.origin_device == device_id) if device_id is not None else sa.false()
    with store.read() as conn:
        # Read the newest seq first: every seq up to it is committed (see store.py), so the
        # page below is complete up to that bound even on PostgreSQL's per-statement snapshots.
        newest = store.max_seq(conn)
        rows = conn.execute(
            sa.select(
                *_pull_columns(store.backend),
                sa.type_coerce(own, sa.Integer).label("own"),
            )
            .where(c.seq > cursor, c.seq <= newest, visibility_clause(pr, t.changes))
            .order_by(c.seq)
            .limit(limit + 1)
        ).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    parts: list[str] = []
    audited: list[uuid.UUID] = []
    kinds: dict[str, str] = {}
    # (site, reporter, workstation, team, team_lead_only) -> (may read restricted, audited)
    decided: dict[tuple[Any, ...], tuple[bool, bool]] = {}
    own_origin = f'"{device_id}"'
    for seq, kind, entity, payload_text, created, restricted, lead_only, *who, mine in rows:
        if mine and _planned_on_save(kind, payload_text):
            continue  # the station planned it itself when it saved the report
        if restricted or lead_only:
            key = (*who, bool(lead_only))
            rule = decided.get(key)
            if rule is None:
                site, reporter, workstation, team = (_uuid_or_none(v) for v in who)
                assert site is not None  # changes.site_id is NOT NULL
                vis = Visibility(site, reporter, workstation, bool(lead_only), team_id=team)
                rule = decided[key] = (may_read_restricted(pr, vis), audited_read(pr, vis))
            may_read, audited_by = rule
            if restricted and not may_read:
                payload_text = json.dumps(_strip(kind, json.loads(payload_text)))
            elif audited_by:
                # A report only team leads see is restricted as a whole: its reads are audited.
                audited.append(uuid.UUID(entity))
        kind_text = kinds.get(kind)
        if kind_text is None:
            kind_text = kinds[kind] = json.dumps(kind)
        parts.append(
            f'{{"seq":{seq},"kind":{kind_text},"entity_id":"{_dashed(entity)}",'
            f'"payload":{payload_text},"created_at":"{_iso_utc(created)}",'
            f'"origin_device":{own_origin if mine else "null"}}}'
        )
    next_cursor = rows[-1].seq if has_more else max(cursor, newest)
    audit(store, pr, audited, "restricted_read.pull", device_id)
    return (
        f'{{"epoch":{json.dumps(store.epoch)},"cursor":{next_cursor},'
        f'"has_more":{"true" if has_more else "false"},"changes":[{",".join(parts)}]}}'
    )


# --- incident reads ---------------------------------------------------------------------


def _summary(r: Any) -> IncidentSummaryOut:
    data = r.data
    description = str(data.get("description", ""))
    return IncidentSummaryOut(
        id=r.id,
        reference=r.reference,
        site_id=r.site_id,
        occurred_at=r.occurred_at,
        categories=list(data.get("categories", [])),
        severity=str(data.get("severity", "")),
        location=str(data.get("location", "")),
        status=IncidentStatus(r.status),
        team_lead_only=r.team_lead_only,
        restricted=r.restricted,
        description_excerpt=description[:120],
        revision=r.revision,
        created_at=r.created_at,
        provisional_reference=r.provisional_reference,
        assignee_user_id=r.assignee_user_id,
        assignee_name=r.assignee_name or "",
        alarm_id=r.alarm_id,
    )


def reference_clause(reference: str) -> sa.ColumnElement[bool]:
    """The reports known by ``reference``: as their final number, or as the provisional
    number their station gave them first (two stations offline may have given the same)."""
    c = t.incidents.c
    aliased = sa.select(t.reference_aliases.c.incident_id).where(
        t.reference_aliases.c.reference == reference
    )
    return sa.or_(c.reference == reference, c.provisional_reference == reference, c.id.in_(aliased))


def list_incidents(
    store: ServerStore, pr: Principal, limit: int, offset: int, reference: str | None = None
) -> IncidentList:
    clause = visibility_clause(pr, t.incidents)
    order: list[sa.ColumnElement[Any]] = []
    if reference is not None:
        reference = reference.strip()
        clause = sa.and_(clause, reference_clause(reference))
        # The report that has it as its final number first.
        order.append(sa.case((t.incidents.c.reference == reference, 0), else_=1))
    with store.read() as conn:
        total = conn.execute(sa.select(sa.func.count()).where(clause)).scalar() or 0
        rows = conn.execute(
            sa.select(t.incidents)
            .where(clause)
            .order_by(*order, t.incidents.c.occurred_at.desc(), t.incidents.c.id)
            .limit(limit)
            .offset(offset)
        ).all()
    return IncidentList(total=int(total), items=[_summary(r) for r in rows])


def incident_detail(
    store: ServerStore,
    pr: Principal,
    incident_id: uuid.UUID,
    device_id: uuid.UUID | None = None,
) -> IncidentDetail:
    """One incident with the timeline the caller may see; KeyError when not visible."""
    with store.read() as conn:
        r = conn.execute(sa.select(t.incidents).where(t.incidents.c.id == incident_id)).first()
        if r is None:
            raise KeyError(incident_id)
        vis = Visibility(
            r.site_id, r.reporter_user_id, r.workstation_id, r.team_lead_only, team_id=r.team_id
        )
        if not may_see(pr, vis):
            raise KeyError(incident_id)
        events = conn.execute(
            sa.select(t.incident_events)
            .where(t.incident_events.c.incident_id == incident_id)
            .order_by(t.incident_events.c.created_at, t.incident_events.c.id)
        ).all()
    full = may_read_restricted(pr, vis)
    data = dict(r.data)
    stripped = False
    if not full and r.restricted:
        data = _strip(p.INCIDENT_CREATED, data)
        stripped = True
    timeline: list[TimelineEventOut] = []
    for e in events:
        evis = Visibility(
            r.site_id,
            r.reporter_user_id,
            r.workstation_id,
            r.team_lead_only,
            e.audience,
            team_id=r.team_id,
        )
        if not may_see(pr, evis):
            continue
        edata = dict(e.data)
        if e.restricted and not full:
            edata = _strip(p.INCIDENT_FIELD_EDITED, edata)
            stripped = True
        timeline.append(
            TimelineEventOut(
                id=e.id,
                kind=e.kind,
                author=e.author,
                text=e.text,
                data=edata,
                created_at=e.created_at,
            )
        )
    if (r.restricted or r.team_lead_only) and audited_read(pr, vis):
        audit(store, pr, [r.id], "restricted_read.detail", device_id)
    return IncidentDetail(
        incident=data,
        status=IncidentStatus(r.status),
        revision=r.revision,
        restricted_stripped=stripped,
        timeline=timeline,
    )
