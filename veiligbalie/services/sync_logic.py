"""The sync engine's decisions, free of any transport: which outbox items to push, what a push
answer means for each of them, how an epoch change is handled, and how a pulled page becomes
the store's typed rows (:mod:`veiligbalie.store.pulled` applies them in one transaction).

:class:`SyncLogic` takes and returns protocol models, so the Qt engine (services/sync.py), the
property test and the benchmarks drive exactly the same code.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import IncidentStatus
from veiligbalie.protocol import sync as p
from veiligbalie.services.attachments import forget_cached
from veiligbalie.store.database import Database
from veiligbalie.store.device import PREVIOUS_KEY
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.store.outbox import META_SYNC_CURSOR, META_SYNC_EPOCH, Outbox, OutboxItem
from veiligbalie.store.pulled import (
    SERVER,
    AttachmentRow,
    EventRow,
    FieldEdit,
    IncidentRow,
    PulledData,
    PulledEvent,
    PulledPurge,
    attachment_rows,
    incident_row,
    stored_time,
    stored_uuid,
)
from veiligbalie.store.types import dumps, utc_text
from veiligbalie.store.uploads import UploadQueue

log = logging.getLogger(__name__)

META_SYNC_CONFLICTS = "sync.conflicts"
PUSH_BATCH = 500
CONFLICTS_KEPT = 200
_CHUNK = 500  # SQLite's bound-parameter limit is generous, but keep IN lists modest


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
    #: Reports that took the server's organisation-wide number with this answer.
    renumbered: set[uuid.UUID] = field(default_factory=set)

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
    #: Reports whose personal data the server purged (forgotten here the same way).
    purged: set[uuid.UUID] = field(default_factory=set)


class SyncLogic:
    """Push/pull bookkeeping of one local database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.outbox = Outbox(db)
        self.incidents = IncidentRepository(db)
        self.pulled = PulledData(db)
        self.uploads = UploadQueue(db)

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

    def waiting_count(self) -> int:
        """What still has to reach the server: queued changes and evidence files."""
        return self.outbox.count_pending() + self.uploads.count()

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
        # The new database holds none of our evidence files either: they go again.
        self.uploads.forget_uploads()
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
            self.incidents.advance_status(created, IncidentStatus.SENT)
        # The final numbers of the reports the server received (now or before). Only our own
        # reports of this batch take one: an answer never renames anything else.
        ours = {item.entity_id for item in batch.items if item.kind == p.INCIDENT_CREATED}
        numbers = {r.entity_id: r.reference for r in response.references if r.entity_id in ours}
        if numbers:
            result.renumbered = self.incidents.adopt_references(numbers)
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
        now_text = utc_text(datetime.now(UTC))
        reports: list[IncidentRow] = []
        events: list[PulledEvent] = []
        files: list[AttachmentRow] = []
        purges: list[PulledPurge] = []
        mine = self.device_id
        for change in response.changes:
            try:
                if change.kind == p.INCIDENT_PURGED:
                    purged = p.IncidentPurgedPayload.model_validate(change.payload)
                    purges.append(PulledPurge(str(change.entity_id), purged.scope, purged.fields()))
                elif change.kind == p.INCIDENT_CREATED:
                    reports.append(
                        incident_row(change.payload, change.created_at, now_text, change.entity_id)
                    )
                    files += attachment_rows(change.payload, change.entity_id, change.created_at)
                elif change.kind in p.TIMELINE_KINDS:
                    events.append(_pulled_event(change, own=change.origin_device == mine))
                else:
                    result.skipped += 1
                    log.warning("pull: unknown change kind %r (seq %d)", change.kind, change.seq)
            except (KeyError, ValueError, TypeError) as exc:
                # A change this version cannot read must not stop sync for good.
                result.skipped += 1
                log.warning("pull: cannot apply change seq %d (%s)", change.seq, type(exc).__name__)
        applied = self.pulled.apply(
            reports, events, cursor=response.cursor, attachments=files, purges=purges
        )
        if applied.removed_files:
            forget_cached(applied.removed_files)
        result.purged = applied.purged
        result.new_incidents = applied.new_incidents
        result.changed = applied.changed
        result.skipped += applied.skipped_events
        result.applied = len(response.changes) - result.skipped
        return result


def _pulled_event(change: p.ServerChange, own: bool) -> PulledEvent:
    """A pulled timeline change as the store takes it."""
    d = change.payload
    entry = p.timeline_entry(change.kind, d)
    row = EventRow(
        id=stored_uuid(d["event_id"]),
        incident_id=str(change.entity_id),
        kind=entry.kind.value,
        author=str(d.get("author") or ""),
        text=entry.text,
        # The entry's data is plain JSON (parsed from the wire): the store's text of it
        # reads back equal, so the fold and the news check take the dict itself.
        data=dumps(entry.data),
        created_at=stored_time(d.get("created_at"), change.created_at),
        origin=SERVER,
    )
    status = IncidentStatus(entry.data["status"]) if entry.kind is TimelineKind.STATUS else None
    edit = None
    if entry.kind is TimelineKind.FIELD_EDITED:
        name = entry.data["field"]
        # A value the server left out for this reader is not an edit to apply.
        if name in p.EDITABLE_FIELDS and not d.get("restricted_stripped"):
            revision = d.get("revision")
            edit = FieldEdit(name, entry.data["value"], int(revision) if revision else None)
    return PulledEvent(row, int(d.get("revision") or 0), own, status, edit, entry.data)
