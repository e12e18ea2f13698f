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
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.engine import Connection

from veiligbalie.core.ids import uuid7
from veiligbalie.core.incident import incident_from_dict, incident_to_dict, validate
from veiligbalie.core.vocabulary import IncidentStatus, Role
from veiligbalie.protocol import sync as p
from veiligbalie.protocol.incidents import (
    IncidentDetail,
    IncidentList,
    IncidentSummaryOut,
    TimelineEventOut,
)
from veiligbalie.server import devices
from veiligbalie.server import schema as t
from veiligbalie.server.auth import Principal
from veiligbalie.server.store import ServerStore

log = logging.getLogger(__name__)

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
}
ATTACHMENTS_MAX = 20
STRIPPED = "restricted_stripped"


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


def is_owner(pr: Principal, vis: Visibility) -> bool:
    if pr.is_workstation:
        return vis.workstation_id is not None and vis.workstation_id == pr.workstation_id
    return vis.reporter_user_id is not None and vis.reporter_user_id == pr.user_id


def may_see(pr: Principal, vis: Visibility) -> bool:
    """The role table of the contract, for one change or event (mirrors visibility_clause)."""
    if pr.is_workstation:
        return is_owner(pr, vis)
    if pr.role is Role.TEAM_LEAD:
        return vis.site_id == pr.site_id
    if pr.role is Role.SECURITY:
        return vis.site_id == pr.site_id and not vis.team_lead_only and vis.audience == SUMMARY
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


def may_read_restricted(pr: Principal, vis: Visibility) -> bool:
    if pr.role is Role.TEAM_LEAD and vis.site_id == pr.site_id:
        return True
    return is_owner(pr, vis)


def visibility_clause(pr: Principal, table: sa.Table) -> sa.ColumnElement[bool]:
    """SQL form of :func:`may_see` over ``changes`` (or ``incidents``: summary level)."""
    c = table.c
    audience = c.audience if "audience" in c else sa.literal(SUMMARY)
    if pr.is_workstation:
        return c.workstation_id == pr.workstation_id
    if pr.role is Role.TEAM_LEAD:
        return c.site_id == pr.site_id
    if pr.role is Role.SECURITY:
        return sa.and_(c.site_id == pr.site_id, c.team_lead_only.is_(False), audience == SUMMARY)
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
        )


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
    return incident_to_dict(incident)


class _Batch:
    """The state of one push while it is applied (all inside one transaction)."""

    def __init__(self, conn: Connection, pr: Principal, req: p.PushRequest, now: datetime):
        self.conn = conn
        self.pr = pr
        self.device = req.device_id
        self.now = now
        self.incidents: dict[uuid.UUID, _Incident] = {}
        self.known_events: set[uuid.UUID] = set()
        self.change_rows: list[dict[str, Any]] = []
        self.event_rows: list[dict[str, Any]] = []
        self.workstation_id = pr.workstation_id
        self.visibilities: list[Visibility] = []

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
        if c.kind == p.INCIDENT_CREATED:
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
        lead = pr.role is Role.TEAM_LEAD and inc.site_id == pr.site_id
        owner = is_owner(pr, inc.vis())
        if c.kind in p.TEAM_LEAD_KINDS and not lead:
            raise _Reject(f"{p.REASON_FORBIDDEN}: only a team lead of the site may do this")
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
            body.update(status=payload.status.value, author=author)
        elif isinstance(payload, p.FollowUpPayload):
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
        self.known_events.add(event_id)
        self.event_rows.append(
            {
                "id": event_id,
                "incident_id": inc.id,
                "kind": entry.kind.value,
                "author": author[: p.NAME_MAX],
                "text": text,
                "data": data,
                "audience": audience,
                "restricted": restricted,
                "user_id": pr.user_id,
                "device_id": self.device,
                "created_at": created_at,
            }
        )
        self._log(c.kind, inc, body, audience, restricted)
        return None

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
        data = _parse_incident(payload, max(self.now, _aware(c.created_at)))
        data["status"] = IncidentStatus.SENT.value
        data["revision"] = 1
        data["attachments"] = attachments
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
            created_at=datetime.fromisoformat(str(data["created_at"])),
            reference=data["reference"],
            reporter=str(data["reporter"]),
            new=True,
        )
        self.incidents[inc.id] = inc
        self._log(p.INCIDENT_CREATED, inc, data, SUMMARY, inc.restricted)

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
        self, kind: str, inc: _Incident, payload: dict[str, Any], audience: str, restricted: bool
    ) -> None:
        self.change_rows.append(
            {
                "entity_id": inc.id,
                "kind": kind,
                "payload": json.dumps(payload, separators=(",", ":"), ensure_ascii=False),
                "site_id": inc.site_id,
                "reporter_user_id": inc.reporter_user_id,
                "workstation_id": inc.workstation_id,
                "team_lead_only": inc.team_lead_only,
                "restricted": restricted,
                "audience": audience,
                "origin_device": self.device,
                "created_at": self.now,
            }
        )
        self.visibilities.append(inc.vis(audience))

    def flush(self) -> None:
        conn = self.conn
        new = [i for i in self.incidents.values() if i.new]
        if new:
            conn.execute(
                sa.insert(t.incidents),
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
                    )
                )
        if self.event_rows:
            conn.execute(sa.insert(t.incident_events), self.event_rows)
        # executemany keeps list order, so seq follows the order changes were applied.
        if self.change_rows:
            conn.execute(sa.insert(t.changes), self.change_rows)
        for i in self.incidents.values():
            if i.team_lead_only_changed:
                conn.execute(
                    sa.update(t.changes)
                    .where(t.changes.c.entity_id == i.id)
                    .values(team_lead_only=i.team_lead_only)
                )


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def push(store: ServerStore, pr: Principal, req: p.PushRequest) -> PushOutcome:
    """Apply a pushed batch in one transaction; see the module docstring for the policy."""
    now = datetime.now(UTC)
    accepted: dict[int, None] = {}
    rejected: dict[int, p.Rejection] = {}
    conflicts: dict[int, p.Conflict] = {}
    collisions: dict[int, p.Collision] = {}
    with store.write(log=True) as conn:
        if req.epoch is not None and req.epoch != store.epoch:
            raise EpochMismatchError(store.epoch)
        binding = devices.admit_push(conn, pr, req.device_id, now, req.previous_device_id)
        if isinstance(binding, str):
            response = p.PushResponse(
                epoch=store.epoch, status=p.PushStatus.DEVICE_BOUND_ELSEWHERE, detail=binding
            )
            return PushOutcome(response, store.max_seq(conn), pr.site_id)
        batch = _Batch(conn, pr, req, now)
        if pr.is_workstation:
            conn.execute(
                sa.update(t.workstations)
                .where(t.workstations.c.id == pr.workstation_id)
                .values(device_id=req.device_id, last_seen_at=now)
            )
        else:
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
        batch.flush()
        if recorded:
            conn.execute(sa.insert(t.applied_pushes), recorded)
        cursor = store.max_seq(conn)
    if collisions:
        log.warning(
            "push: device %s numbers changes %s like another copy of it; nothing stored for "
            "them, the device is told to take a new id",
            req.device_id,
            sorted(collisions),
        )
    response = p.PushResponse(
        epoch=store.epoch,
        accepted=list(accepted),
        rejected=list(rejected.values()),
        conflicts=list(conflicts.values()),
        collisions=list(collisions.values()),
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


def _audit(
    store: ServerStore, pr: Principal, incident_ids: Iterable[uuid.UUID], action: str
) -> None:
    ids = sorted(set(incident_ids))
    if not ids or pr.user_id is None:
        return
    now = datetime.now(UTC)
    with store.write() as conn:
        conn.execute(
            sa.insert(t.audit_log),
            [
                {
                    "id": uuid7(),
                    "at": now,
                    "user_id": pr.user_id,
                    "action": action,
                    "incident_id": i,
                    "detail": f"restricted fields read by {pr.username}",
                }
                for i in ids
            ],
        )


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
    """
    c = t.changes.c
    with store.read() as conn:
        # Read the newest seq first: every seq up to it is committed (see store.py), so the
        # page below is complete up to that bound even on PostgreSQL's per-statement snapshots.
        newest = store.max_seq(conn)
        rows = conn.execute(
            sa.select(
                c.seq,
                c.kind,
                c.entity_id,
                c.payload,
                c.created_at,
                c.origin_device,
                c.restricted,
                c.site_id,
                c.reporter_user_id,
                c.workstation_id,
                c.team_lead_only,
                c.audience,
            )
            .where(c.seq > cursor, c.seq <= newest, visibility_clause(pr, t.changes))
            .order_by(c.seq)
            .limit(limit + 1)
        ).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    parts: list[str] = []
    audited: list[uuid.UUID] = []
    for r in rows:
        payload_text = r.payload
        if r.restricted:
            vis = Visibility(r.site_id, r.reporter_user_id, r.workstation_id, r.team_lead_only)
            if not may_read_restricted(pr, vis):
                payload_text = json.dumps(_strip(r.kind, json.loads(payload_text)))
            elif pr.role is Role.TEAM_LEAD and not is_owner(pr, vis):
                audited.append(r.entity_id)
        origin = f'"{device_id}"' if device_id and r.origin_device == device_id else "null"
        parts.append(
            f'{{"seq":{r.seq},"kind":{json.dumps(r.kind)},"entity_id":"{r.entity_id}",'
            f'"payload":{payload_text},"created_at":"{r.created_at.isoformat()}",'
            f'"origin_device":{origin}}}'
        )
    next_cursor = rows[-1].seq if has_more else max(cursor, newest)
    _audit(store, pr, audited, "restricted_read.pull")
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
    )


def list_incidents(store: ServerStore, pr: Principal, limit: int, offset: int) -> IncidentList:
    clause = visibility_clause(pr, t.incidents)
    with store.read() as conn:
        total = conn.execute(sa.select(sa.func.count()).where(clause)).scalar() or 0
        rows = conn.execute(
            sa.select(t.incidents)
            .where(clause)
            .order_by(t.incidents.c.occurred_at.desc(), t.incidents.c.id)
            .limit(limit)
            .offset(offset)
        ).all()
    return IncidentList(total=int(total), items=[_summary(r) for r in rows])


def incident_detail(store: ServerStore, pr: Principal, incident_id: uuid.UUID) -> IncidentDetail:
    """One incident with the timeline the caller may see; KeyError when not visible."""
    with store.read() as conn:
        r = conn.execute(sa.select(t.incidents).where(t.incidents.c.id == incident_id)).first()
        if r is None:
            raise KeyError(incident_id)
        vis = Visibility(r.site_id, r.reporter_user_id, r.workstation_id, r.team_lead_only)
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
            r.site_id, r.reporter_user_id, r.workstation_id, r.team_lead_only, e.audience
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
    if full and pr.role is Role.TEAM_LEAD and r.restricted and not is_owner(pr, vis):
        _audit(store, pr, [r.id], "restricted_read.detail")
    return IncidentDetail(
        incident=data,
        status=IncidentStatus(r.status),
        revision=r.revision,
        restricted_stripped=stripped,
        timeline=timeline,
    )
