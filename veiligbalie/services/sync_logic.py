"""The sync engine's decisions, free of any transport: which outbox items to push, what a push
answer means for each of them, how an epoch change is handled, and how a pulled page is
applied to the local store (one transaction per page, bulk statements).

:class:`SyncLogic` takes and returns protocol models, so the Qt engine (services/sync.py), the
property test and the benchmarks drive exactly the same code.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from veiligbalie.core.vocabulary import IncidentStatus
from veiligbalie.protocol import sync as p
from veiligbalie.store.database import Database
from veiligbalie.store.device import PREVIOUS_KEY
from veiligbalie.store.outbox import META_SYNC_CURSOR, META_SYNC_EPOCH, Outbox, OutboxItem
from veiligbalie.store.schema import incident_events, incidents
from veiligbalie.store.types import dumps, utc_text

log = logging.getLogger(__name__)

META_SYNC_CONFLICTS = "sync.conflicts"
PUSH_BATCH = 500
CONFLICTS_KEPT = 200
_CHUNK = 500  # SQLite's bound-parameter limit is generous, but keep IN lists modest

# The local timeline kind of each pulled change kind.
EVENT_KINDS = {
    p.INCIDENT_NOTE_ADDED: "note",
    p.INCIDENT_STATUS_CHANGED: "status",
    p.INCIDENT_MESSAGE: "message",
    p.INCIDENT_FOLLOWUP: "followup",
    p.INCIDENT_FIELD_EDITED: "field_edited",
}
#: News for the reporter ("what became of my report"): marks the report unread.
_UNREAD_KINDS = frozenset({"status", "message", "followup"})
_BOOL_FIELDS = frozenset(
    {
        "perpetrator_known",
        "injury",
        "damage",
        "absence",
        "police_called",
        "arrest",
        "police_report_intended",
        "aftercare_wanted",
        "team_lead_only",
    }
)
_JSON_FIELDS = frozenset({"categories", "witnesses"})
_INCIDENT_COLUMNS = tuple(c.name for c in incidents.columns)
_EVENT_COLUMNS = tuple(c.name for c in incident_events.columns)
_INSERT_INCIDENT_SQL = (
    f"INSERT INTO incidents ({', '.join(_INCIDENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _INCIDENT_COLUMNS)}) ON CONFLICT (id) DO NOTHING"
)
_INSERT_EVENT_SQL = (
    f"INSERT INTO incident_events ({', '.join(_EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in _EVENT_COLUMNS)}) ON CONFLICT (id) DO NOTHING"
)
_UPSERT_META_SQL = (
    "INSERT INTO meta (key, value) VALUES (?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


@dataclass(frozen=True)
class PushBatch:
    request: p.PushRequest
    items: list[OutboxItem]


@dataclass
class PushResult:
    accepted: int = 0
    dead: list[tuple[int, str]] = field(default_factory=list)
    retry: list[tuple[int, str]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    epoch_changed: bool = False
    #: Why the device took a new id after this answer (None: it kept its id).
    rekeyed: str | None = None

    @property
    def progressed(self) -> bool:
        """Something left the queue: worth sending the next batch right away."""
        return bool(
            self.accepted or self.dead or self.conflicts or self.epoch_changed or self.rekeyed
        )


@dataclass
class PullResult:
    applied: int = 0
    new_incidents: int = 0
    skipped: int = 0
    changed: set[uuid.UUID] = field(default_factory=set)
    has_more: bool = False
    epoch_changed: bool = False
    cursor: int = 0


def _uuid_text(value: Any) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _time_text(value: Any, fallback: datetime) -> str:
    if isinstance(value, datetime):
        moment = value
    elif value:
        moment = datetime.fromisoformat(str(value))
    else:
        moment = fallback
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return utc_text(moment)


def _status(value: Any, default: IncidentStatus = IncidentStatus.SENT) -> IncidentStatus:
    try:
        return IncidentStatus(str(value))
    except ValueError:
        return default


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SyncLogic:
    """Push/pull bookkeeping of one local database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.outbox = Outbox(db)

    # -- Bookkeeping -----------------------------------------------------------------------
    @property
    def device_id(self) -> uuid.UUID:
        return self.db.device_id

    @property
    def epoch(self) -> str | None:
        return self.outbox.get_meta(META_SYNC_EPOCH) or None

    @property
    def cursor(self) -> int:
        value = self.outbox.get_meta(META_SYNC_CURSOR)
        try:
            return max(0, int(value)) if value else 0
        except ValueError:
            return 0

    def pending_count(self) -> int:
        return self.outbox.count_pending()

    def dead_letters(self) -> list[OutboxItem]:
        return self.outbox.dead_letters()

    def conflicts(self) -> list[dict[str, Any]]:
        raw = self.outbox.get_meta(META_SYNC_CONFLICTS)
        try:
            value = json.loads(raw) if raw else []
        except ValueError:
            return []
        return value if isinstance(value, list) else []

    def dismiss_conflict(self, device_seq: int) -> None:
        kept = [c for c in self.conflicts() if c.get("device_seq") != device_seq]
        self.outbox.set_meta(META_SYNC_CONFLICTS, dumps(kept))

    def adopt_epoch(self, server_epoch: str) -> bool:
        """Remember the server's epoch. A *different* one than we synced with means the server
        database was replaced or restored: everything we ever sent goes back into the queue
        and the pull starts over. Returns True in that case; nothing is ever dropped.

        Order matters for crash safety: requeue and cursor reset are durable before the new
        epoch is stored, so a crash in between just repeats this on the next answer.
        """
        known = self.epoch
        if known == server_epoch:
            return False
        if known is None:
            self.outbox.set_meta(META_SYNC_EPOCH, server_epoch)
            return False
        requeued = self.outbox.requeue_all_sent()
        self.outbox.set_meta(META_SYNC_CURSOR, "0")
        self.outbox.set_meta(META_SYNC_EPOCH, server_epoch)
        log.warning(
            "The server's database changed (epoch %s -> %s): re-sending %d changes",
            known,
            server_epoch,
            requeued,
        )
        return True

    # -- Push ------------------------------------------------------------------------------
    def next_push(self, limit: int = PUSH_BATCH) -> PushBatch | None:
        """The oldest pending outbox items as one request, or None when nothing waits."""
        items = self.outbox.pending(limit)
        if not items:
            return None
        changes = [
            p.Change(
                change_id=item.id,
                device_seq=item.device_seq,
                kind=item.kind,
                entity_id=item.entity_id,
                payload=item.payload,
                base_revision=item.base_revision,
                created_at=item.created_at,
            )
            for item in items
        ]
        previous = self.outbox.get_meta(PREVIOUS_KEY)
        request = p.PushRequest(
            device_id=self.device_id,
            previous_device_id=uuid.UUID(previous) if previous else None,
            epoch=self.epoch,
            changes=changes,
        )
        return PushBatch(request, items)

    def apply_push(self, batch: PushBatch, response: p.PushResponse) -> PushResult:
        """Record the server's verdict on each item of ``batch``."""
        result = PushResult()
        result.epoch_changed = self.adopt_epoch(response.epoch)
        if batch.request.device_id != self.device_id:
            # Answered for the id this device had before it re-keyed; its numbers are not
            # today's. Everything stays queued and goes again (stored once by the server).
            return result
        if response.status is not p.PushStatus.OK:
            # Another workstation or user holds this device id: nothing was stored.
            result.rekeyed = f"{response.status.value}: {response.detail}"
            self.db.rekey(result.rekeyed)
            return result
        by_seq = {item.device_seq: item for item in batch.items}
        accepted = [seq for seq in response.accepted if seq in by_seq]
        conflicted: list[int] = []
        now = datetime.now(UTC).isoformat()
        for conflict in response.conflicts:
            if conflict.device_seq not in by_seq:
                continue
            entry = conflict.model_dump(mode="json")
            entry["at"] = now
            result.conflicts.append(entry)
            conflicted.append(conflict.device_seq)
        # A conflict is settled for the queue (re-sending would conflict again); it stays
        # visible in the conflict list until someone looks at it.
        self.outbox.mark_sent(accepted + conflicted)
        result.accepted = len(accepted)
        created = [by_seq[s].entity_id for s in accepted if by_seq[s].kind == p.INCIDENT_CREATED]
        if created:
            self._advance_own_status(created, IncidentStatus.SENT)
        # A collision: another copy of this device pushed a different change as this
        # device_seq. Nothing was stored; after the re-key below it is pushed again.
        collided = sorted(c.device_seq for c in response.collisions if c.device_seq in by_seq)
        answered = set(accepted) | set(conflicted) | set(collided)
        for rejection in response.rejected:
            item = by_seq.get(rejection.device_seq)
            if item is None:
                continue
            answered.add(item.device_seq)
            # "Not now" (e.g. the report it belongs to has not been re-uploaded by its device
            # after a server restore) stays queued however long it takes: never dropped.
            if rejection.permanent:
                self.outbox.mark_dead(item.device_seq, rejection.reason)
                result.dead.append((item.device_seq, rejection.reason))
            else:
                self.outbox.mark_failed(item.device_seq, rejection.reason)
                result.retry.append((item.device_seq, rejection.reason))
        for seq in by_seq.keys() - answered:
            self.outbox.mark_failed(seq, "the server did not answer for this change")
            result.retry.append((seq, "unanswered"))
        if result.conflicts:
            kept = (self.conflicts() + result.conflicts)[-CONFLICTS_KEPT:]
            self.outbox.set_meta(META_SYNC_CONFLICTS, dumps(kept))
        if collided:
            result.rekeyed = f"{p.REASON_DEVICE_SEQ_COLLISION}: changes {collided}"
            self.db.rekey(result.rekeyed)
        return result

    def push_failed(self, batch: PushBatch, error: str) -> None:
        """A transient failure of the whole request: count one attempt, keep everything."""
        # One statement per item would be slow for 500 items; the first item carries the
        # count, which is what the retry policy and the UI look at.
        if batch.items:
            self.outbox.mark_failed(batch.items[0].device_seq, error)

    def _advance_own_status(self, ids: Sequence[uuid.UUID], status: IncidentStatus) -> None:
        lower = [s.value for s in IncidentStatus if s.rank < status.rank]
        marks = ", ".join("?" for _ in lower)
        with self.db.write() as session:
            conn = session.connection()
            for chunk in _chunks([str(i) for i in ids]):
                conn.exec_driver_sql(
                    f"UPDATE incidents SET status = ? WHERE status IN ({marks}) "
                    f"AND id IN ({', '.join('?' for _ in chunk)})",
                    (status.value, *lower, *chunk),
                )

    # -- Pull ------------------------------------------------------------------------------
    def apply_pull(self, response: p.PullResponse) -> PullResult:
        """Apply one pulled page in one transaction, cursor included (idempotent)."""
        result = PullResult(has_more=response.has_more, cursor=response.cursor)
        if self.adopt_epoch(response.epoch):
            # The page was asked for with a cursor of the old database: discard, start over.
            result.epoch_changed = True
            result.has_more = True
            result.cursor = 0
            return result
        now = datetime.now(UTC)
        now_text = utc_text(now)
        incident_rows: list[tuple[Any, ...]] = []
        created_status: dict[str, tuple[IncidentStatus, int]] = {}
        event_rows: list[tuple[Any, ...]] = []
        event_incidents: set[str] = set()
        status_news: dict[str, IncidentStatus] = {}
        unread: set[str] = set()  # event ids that are news for the reporter
        event_revision: dict[str, int] = {}
        field_edits: list[tuple[str, str, Any, int | None]] = []
        mine = self.device_id
        for change in response.changes:
            try:
                if change.kind == p.INCIDENT_CREATED:
                    row = self._incident_row(change, now_text)
                    incident_rows.append(row)
                    payload = change.payload
                    created_status[row[0]] = (
                        _status(payload.get("status")),
                        int(payload.get("revision") or 1),
                    )
                elif change.kind in EVENT_KINDS:
                    row, status, edit = self._event_row(change)
                    event_rows.append(row)
                    event_incidents.add(row[1])
                    if status is not None:
                        best = status_news.get(row[1])
                        if best is None or status.rank > best.rank:
                            status_news[row[1]] = status
                    event_revision[row[0]] = int(change.payload.get("revision") or 0)
                    if row[2] in _UNREAD_KINDS and change.origin_device != mine:
                        unread.add(row[0])
                    if edit is not None:
                        field_edits.append(edit)
                else:
                    result.skipped += 1
                    log.warning("pull: unknown change kind %r (seq %d)", change.kind, change.seq)
            except (KeyError, ValueError, TypeError) as exc:
                # A change this version cannot read must not stop sync for good.
                result.skipped += 1
                log.warning("pull: cannot apply change seq %d (%s)", change.seq, type(exc).__name__)
        with self.db.write() as session:
            conn = session.connection()
            if incident_rows:
                ids = [row[0] for row in incident_rows]
                existing = self._existing(conn, ids)
                fresh = [row for row in incident_rows if row[0] not in existing]
                if fresh:
                    conn.exec_driver_sql(_INSERT_INCIDENT_SQL, fresh)
                result.new_incidents = len({row[0] for row in fresh})
                for incident_id, current in existing.items():
                    status, revision = created_status[incident_id]
                    self._advance(conn, incident_id, current, status, revision, now_text)
                    result.changed.add(uuid.UUID(incident_id))
            if event_rows:
                known = self._existing(conn, sorted(event_incidents))
                rows = [row for row in event_rows if row[1] in known]
                result.skipped += len(event_rows) - len(rows)
                present = self._existing_events(conn, [row[0] for row in rows])
                if rows:
                    conn.exec_driver_sql(_INSERT_EVENT_SQL, rows)
                revisions: dict[str, int] = {}
                for row in rows:
                    revisions[row[1]] = max(revisions.get(row[1], 0), event_revision[row[0]])
                for incident_id, revision in revisions.items():
                    status = status_news.get(incident_id, IncidentStatus.SAVED_LOCALLY)
                    self._advance(conn, incident_id, known[incident_id], status, revision, now_text)
                # Field edits in seq order; re-applying one (a re-pull) is harmless.
                for incident_id, name, value, revision in field_edits:
                    if incident_id in known:
                        self._apply_field(conn, incident_id, name, value, revision, now_text)
                for row in rows:
                    if row[0] in present:
                        continue
                    result.changed.add(uuid.UUID(row[1]))
                    if row[0] in unread:
                        conn.exec_driver_sql(
                            "UPDATE incidents SET unread = 1, updated_at = ? WHERE id = ?",
                            (now_text, row[1]),
                        )
            conn.exec_driver_sql(_UPSERT_META_SQL, (META_SYNC_CURSOR, str(response.cursor)))
        result.applied = len(response.changes) - result.skipped
        return result

    # -- Rows ------------------------------------------------------------------------------
    @staticmethod
    def _incident_row(change: p.ServerChange, now_text: str) -> tuple[Any, ...]:
        d = change.payload
        incident_id = _uuid_text(d.get("id") or change.entity_id)
        if incident_id != str(change.entity_id):
            raise ValueError("payload id differs from entity id")
        alarm = d.get("alarm_id")
        amount = d.get("damage_amount_cents")
        values: dict[str, Any] = {
            "id": incident_id,
            "reference": str(d.get("reference") or ""),
            "occurred_at": _time_text(d["occurred_at"], change.created_at),
            "location": str(d.get("location") or ""),
            "channel": str(d.get("channel") or "counter"),
            "categories": dumps(sorted(str(c) for c in d.get("categories") or [])),
            "severity": str(d.get("severity") or "medium"),
            "description": str(d.get("description") or ""),
            "reporter": str(d.get("reporter") or ""),
            "on_behalf_of": d.get("on_behalf_of"),
            "perpetrator_description": str(d.get("perpetrator_description") or ""),
            "perpetrator_reference": str(d.get("perpetrator_reference") or ""),
            "witnesses": dumps([str(w) for w in d.get("witnesses") or []]),
            "damage_amount_cents": None if amount is None else int(amount),
            "alarm_id": _uuid_text(alarm) if alarm else None,
            "status": _status(d.get("status")).value,
            "revision": int(d.get("revision") or 1),
            "unread": 0,
            "origin": "server",
            "created_at": _time_text(d.get("created_at"), change.created_at),
            "updated_at": now_text,
        }
        for name in _BOOL_FIELDS:
            values[name] = 1 if d.get(name) else 0
        return tuple(values[name] for name in _INCIDENT_COLUMNS)

    @staticmethod
    def _event_row(
        change: p.ServerChange,
    ) -> tuple[tuple[Any, ...], IncidentStatus | None, tuple[str, str, Any, int | None] | None]:
        d = change.payload
        kind = EVENT_KINDS[change.kind]
        incident_id = str(change.entity_id)
        status: IncidentStatus | None = None
        edit: tuple[str, str, Any, int | None] | None = None
        text_value = str(d.get("text") or "")
        data: dict[str, Any] = {}
        if kind == "status":
            status = IncidentStatus(str(d["status"]))
            data = {"status": status.value}
        elif kind == "followup":
            data = {"kind": str(d["kind"]), "due": d.get("due"), "done": bool(d.get("done"))}
            text_value = str(d.get("note") or "")
        elif kind == "field_edited":
            name = str(d["field"])
            revision = d.get("revision")
            data = {"field": name, "value": d.get("value")}
            if name in p.EDITABLE_FIELDS and not d.get("restricted_stripped"):
                edit = (incident_id, name, d.get("value"), int(revision) if revision else None)
        values = {
            "id": _uuid_text(d["event_id"]),
            "incident_id": incident_id,
            "kind": kind,
            "author": str(d.get("author") or ""),
            "text": text_value,
            "data": dumps(data),
            "created_at": _time_text(d.get("created_at"), change.created_at),
            "origin": "server",
        }
        return tuple(values[name] for name in _EVENT_COLUMNS), status, edit

    @staticmethod
    def _existing(conn: Any, ids: Sequence[str]) -> dict[str, tuple[IncidentStatus, int]]:
        found: dict[str, tuple[IncidentStatus, int]] = {}
        for chunk in _chunks(list(ids)):
            rows = conn.exec_driver_sql(
                "SELECT id, status, revision FROM incidents "
                f"WHERE id IN ({', '.join('?' for _ in chunk)})",
                tuple(chunk),
            )
            for incident_id, status, revision in rows:
                found[incident_id] = (_status(status, IncidentStatus.SAVED_LOCALLY), revision)
        return found

    @staticmethod
    def _existing_events(conn: Any, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(ids)):
            rows = conn.exec_driver_sql(
                f"SELECT id FROM incident_events WHERE id IN ({', '.join('?' for _ in chunk)})",
                tuple(chunk),
            )
            found.update(row[0] for row in rows)
        return found

    @staticmethod
    def _advance(
        conn: Any,
        incident_id: str,
        current: tuple[IncidentStatus, int],
        status: IncidentStatus,
        revision: int,
        now_text: str,
    ) -> None:
        """Status only moves forward, revision only up (news may come late or twice)."""
        old_status, old_revision = current
        new_status = status if status.rank > old_status.rank else old_status
        new_revision = max(old_revision, revision)
        if (new_status, new_revision) != (old_status, old_revision):
            conn.exec_driver_sql(
                "UPDATE incidents SET status = ?, revision = ?, updated_at = ? WHERE id = ?",
                (new_status.value, new_revision, now_text, incident_id),
            )

    @staticmethod
    def _apply_field(
        conn: Any, incident_id: str, name: str, value: Any, revision: int | None, now_text: str
    ) -> None:
        if name not in _INCIDENT_COLUMNS:
            return
        if name in _JSON_FIELDS:
            stored: Any = dumps(list(value or []))
        elif name in _BOOL_FIELDS:
            stored = 1 if value else 0
        elif name == "occurred_at":
            stored = _time_text(value, datetime.now(UTC))
        else:
            stored = value
        conn.execute(
            text(
                f"UPDATE incidents SET {name} = :value, updated_at = :now, "
                "revision = MAX(revision, :revision) WHERE id = :id"
            ),
            {"value": stored, "now": now_text, "revision": revision or 0, "id": incident_id},
        )


def queue_event(
    db: Database,
    incident_id: uuid.UUID,
    change_kind: str,
    payload: dict[str, Any],
    author: str,
    base_revision: int | None = None,
) -> uuid.UUID:
    """Record a follow-up change made here (a team lead's status change, message or follow-up
    step; a field edit) in the local timeline and the outbox, in one transaction.

    ``payload`` is the change payload without ``event_id`` (added here). Returns the event id.
    """
    if change_kind not in EVENT_KINDS or change_kind == p.INCIDENT_NOTE_ADDED:
        raise ValueError(f"not a follow-up change kind: {change_kind!r}")
    model = p.PAYLOAD_MODELS[change_kind]
    event_id = uuid.uuid4()
    checked = model.model_validate({**payload, "event_id": event_id}).model_dump(mode="json")
    if change_kind == p.INCIDENT_FIELD_EDITED and base_revision is None:
        raise ValueError("a field edit needs the revision it was based on")
    now = datetime.now(UTC)
    kind = EVENT_KINDS[change_kind]
    data: dict[str, Any] = {}
    text_value = str(checked.get("text") or checked.get("note") or "")
    if kind == "status":
        data = {"status": checked["status"]}
    elif kind == "followup":
        data = {"kind": checked["kind"], "due": checked.get("due"), "done": checked["done"]}
    elif kind == "field_edited":
        data = {"field": checked["field"], "value": checked.get("value")}
    outbox = Outbox(db)
    with db.write() as session:
        conn = session.connection()
        status = conn.exec_driver_sql(
            "SELECT status FROM incidents WHERE id = ?", (str(incident_id),)
        ).scalar()
        if status is None:
            raise LookupError(f"No report {incident_id} in the local store.")
        row = {
            "id": str(event_id),
            "incident_id": str(incident_id),
            "kind": kind,
            "author": author,
            "text": text_value,
            "data": dumps(data),
            "created_at": utc_text(now),
            "origin": "local",
        }
        conn.exec_driver_sql(_INSERT_EVENT_SQL, tuple(row[name] for name in _EVENT_COLUMNS))
        if kind == "status":
            new = IncidentStatus(checked["status"])
            if new.rank > _status(status).rank:
                conn.exec_driver_sql(
                    "UPDATE incidents SET status = ?, updated_at = ? WHERE id = ?",
                    (new.value, utc_text(now), str(incident_id)),
                )
        if kind == "field_edited":
            SyncLogic._apply_field(
                conn, str(incident_id), checked["field"], checked.get("value"), None, utc_text(now)
            )
        outbox.enqueue(session, change_kind, incident_id, checked, base_revision)
    return event_id
