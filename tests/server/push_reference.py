"""The server's push as it was before the per-batch driver-form rewrite (main at 4ccb678,
veiligbalie/server/sync.py's push section, verbatim but for the clock, which it reads through
``sync._now`` so a test can hold both still, and the follow-up plan, copied from
veiligbalie/core/followup.py as it was). Only tests/server/test_push_equality.py uses it: the
same pushes through this and through ``sync.push`` must leave the same database and answers.
"""

# ruff: noqa
# mypy: ignore-errors
from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

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
from veiligbalie.server import sync
from veiligbalie.server.sync import (
    ALL,
    KIND_AUDIENCE,
    OWNER,
    SUMMARY,
    SYSTEM_AUTHOR,
    AFTERCARE_KINDS,
    ATTACHMENTS_MAX,
    REFERENCE_ZONE,
    EpochMismatchError,
    PushOutcome,
    Visibility,
    is_owner,
    may_see,
    reviews,
    _compact,
)
from veiligbalie.server.store import JSONText, PreparedInsert, ServerStore, bulk_insert

log = logging.getLogger(__name__)
#: Compact JSON text of a change's payload (one encoder: json.dumps with arguments builds a

log = logging.getLogger(__name__)

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

    def vis(self, audience: str = SUMMARY) -> Visibility:
        return Visibility(
            self.site_id,
            self.reporter_user_id,
            self.workstation_id,
            self.team_lead_only,
            audience,
            team_id=self.team_id,
        )


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
        self.change_rows: list[dict[str, Any]] = []
        self.event_rows: list[dict[str, Any]] = []
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
        self._event(inc, event_id, entry.kind.value, author, text, data, audience, restricted)
        self.event_rows[-1]["created_at"] = created_at
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
    ) -> None:
        self.known_events.add(event_id)
        self.event_rows.append(
            {
                "id": event_id,
                "incident_id": inc.id,
                "kind": kind,
                "author": author[: p.NAME_MAX],
                "text": text,
                "data": data,
                "audience": audience,
                "restricted": restricted,
                "user_id": self.pr.user_id,
                "device_id": self.device,
                "created_at": self.now,
            }
        )

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
            plan = _default_plan(incident, self.closed_days())
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
            kind = TimelineKind.FOLLOWUP.value
            self._event(inc, event_id, kind, SYSTEM_AUTHOR, "", data, OWNER, False)
            self.event_rows[-1]["user_id"] = None
            self._log(p.INCIDENT_FOLLOWUP, inc, payload, OWNER, False)

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
            if self._changes is not None:
                # (PreparedInsert.set, which only this reference used: one value of a row.)
                row = list(self._changes.params[index])
                row[self._changes.keys.index("payload")] = _compact(payload)
                self._changes.params[index] = tuple(row)
            else:
                self.change_rows[index]["payload"] = _compact(payload)
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
        """Append a change (``payload``: a dict, or its compact JSON text already)."""
        self.change_rows.append(
            {
                "entity_id": inc.id,
                "kind": kind,
                # None: filled in when the report gets its number (:meth:`number`).
                "payload": payload
                if payload is None or isinstance(payload, str)
                else _compact(payload),
                "site_id": inc.site_id,
                "reporter_user_id": inc.reporter_user_id,
                "workstation_id": inc.workstation_id,
                "team_lead_only": inc.team_lead_only,
                "restricted": restricted,
                "audience": audience,
                "origin_device": self.device,
                "created_at": self.now,
                "assignee_user_id": assignee,
                "team_id": inc.team_id,
            }
        )
        vis = inc.vis(audience)
        if assignee is not None:
            vis = Visibility(
                vis.site_id,
                vis.reporter_user_id,
                vis.workstation_id,
                vis.team_lead_only,
                audience,
                assignee,
                inc.team_id,
            )
        self.visibilities.append(vis)

    def prepare(self) -> None:
        """Make the bulk rows ready for the driver ahead of :meth:`flush` (outside the
        change-log lock when the numbers are given late)."""
        dialect = self.conn.dialect
        self._events = PreparedInsert(dialect, t.incident_events, self.event_rows)
        self._changes = PreparedInsert(dialect, t.changes, self.change_rows)
        self._prepare_tasks()

    def flush(self) -> None:
        """Write the push (with the change-log lock held): numbers first, then every row."""
        conn = self.conn
        self.number()
        new = [i for i in self.incidents.values() if i.new]
        if new:
            bulk_insert(
                conn,
                t.incidents,
                [
                    {
                        "id": i.id,
                        "site_id": i.site_id,
                        "reference": i.reference,
                        "reporter": i.reporter,
                        "reporter_user_id": i.reporter_user_id,
                        "workstation_id": i.workstation_id,
                        "origin_device": i.origin_device,
                        "team_lead_only": i.team_lead_only,
                        "restricted": i.restricted,
                        "status": i.status,
                        "revision": i.revision,
                        "field_revisions": i.field_revisions,
                        "data": i.data,
                        "occurred_at": i.occurred_at,
                        "created_at": i.created_at,
                        "received_at": self.now,
                        "provisional_reference": i.provisional_reference,
                        "assignee_user_id": i.assignee_user_id,
                        "assignee_name": i.assignee_name,
                        "alarm_id": i.alarm_id,
                        "team_id": i.team_id,
                    }
                    for i in new
                ],
            )
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

    def _prepare_tasks(self) -> None:
        new: list[dict[str, Any]] = []
        self._task_updates = []
        for task_id in sorted(self.tasks_dirty):
            s = self.tasks[task_id]
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
            if task_id in self.tasks_stored:
                self._task_updates.append((task_id, values))
            else:
                new.append({"id": task_id, **values})
                self.tasks_stored.add(task_id)
        self._tasks = PreparedInsert(self.conn.dialect, t.followup_tasks, new)

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


def push(store: ServerStore, pr: Principal, req: p.PushRequest) -> PushOutcome:
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


def _push(store: ServerStore, pr: Principal, req: p.PushRequest, late: bool) -> PushOutcome:
    now = sync._now()
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
        recorded: list[dict[str, Any]] = []
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
                    {
                        "device_id": req.device_id,
                        "device_seq": c.device_seq,
                        "change_id": c.change_id,
                        "outcome": outcome[0],
                        "detail": outcome[1],
                        "applied_at": now,
                    }
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
        PreparedInsert(conn.dialect, t.applied_pushes, recorded).run(conn)
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


def _default_plan(incident, extra_closed=(), rules=None):
    """veiligbalie.core.followup.default_plan as it was (every rule scheduled per report)."""
    from veiligbalie.core.followup import (
        DEFAULT_RULES,
        FollowUpTask,
        _require_aware,
        applicable_steps,
    )

    _require_aware(incident.occurred_at, "occurred_at")
    table = {**DEFAULT_RULES, **(rules or {})}
    closed = frozenset(extra_closed)
    tasks = []
    for kind, reason in applicable_steps(incident).items():
        rule = table[kind]
        if rule.kind is not kind:
            raise ValueError(f"rule for {kind} is declared for {rule.kind}")
        due_from, due = _schedule(rule, incident.occurred_at, closed)
        tasks.append(FollowUpTask(kind, due, reason, due_from, incident.id))
    order = list(FollowUpKind)
    tasks.sort(key=lambda t: (t.due, order.index(t.kind)))
    return tasks


def _schedule(rule, occurred_at, extra_closed=()):
    from datetime import timedelta

    from veiligbalie.core.followup import _require_aware
    from veiligbalie.core.workdays import (
        AMSTERDAM,
        add_working_days,
        end_of_day,
        local_date,
        next_working_day,
        start_of_day,
    )

    _require_aware(occurred_at, "occurred_at")
    due_from = None
    if rule.window_from_days is not None:
        due_from = start_of_day(local_date(occurred_at) + timedelta(days=rule.window_from_days))
    if rule.within is not None:
        due = (occurred_at.astimezone(UTC) + rule.within).astimezone(AMSTERDAM)
    elif rule.working_days is not None:
        due = add_working_days(occurred_at, rule.working_days, extra_closed)
    else:
        last = local_date(occurred_at) + timedelta(days=rule.calendar_days or 0)
        due = end_of_day(next_working_day(last, extra_closed))
    return due_from, due
