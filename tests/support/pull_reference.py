"""The client's apply of a pulled page as it was before it was made bulk (issue #17): kept
only as the reference the equality test (tests/server/test_pull_apply_equal.py) compares
the engine's path with. It parses every change into per-change objects, re-reads the
follow-up events it just stored to fold their tasks, and parses each event's JSON again.
Do not use it anywhere else."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, update

from veiligbalie.core.timeline import NEWS_KINDS, TimelineKind, is_news
from veiligbalie.core.vocabulary import IncidentStatus
from veiligbalie.protocol import sync as p
from veiligbalie.services.attachments import forget_cached
from veiligbalie.services.sync_logic import PullResult, SyncLogic
from veiligbalie.store import pulled as store_pulled
from veiligbalie.store.pulled import (
    _ASSIGNED,
    _INCIDENT_ID,
    _INSERT_EVENTS,
    SERVER,
    AppliedPage,
    AttachmentRow,
    EventRow,
    FieldEdit,
    IncidentRow,
    PulledData,
    PulledEvent,
    PulledPurge,
    _existing,
    _existing_events,
    _queue_news,
    apply_field,
    attachment_rows,
    incident_row,
    refresh_assignees,
    stored_time,
    stored_uuid,
)
from veiligbalie.store.tasks import FoldEvent, fold, fold_orphans
from veiligbalie.store.types import dumps, utc_text

log = logging.getLogger(__name__)


def _is_task(event: PulledEvent) -> bool:
    return event.row["kind"] == TimelineKind.FOLLOWUP.value


def _fold_event(event: PulledEvent) -> FoldEvent:
    row = event.row
    return FoldEvent(
        row["id"],
        uuid.UUID(row["incident_id"]),
        store_pulled._instant(row["created_at"], datetime.now(UTC)),
        row["text"],
        json.loads(row["data"]),
    )


class ReferencePulledData(PulledData):
    @staticmethod
    def _apply_events(
        conn: Connection, events: Sequence[PulledEvent], result: AppliedPage, now: datetime
    ) -> None:
        known = _existing(conn, sorted({e.row["incident_id"] for e in events}))
        kept = [e for e in events if e.row["incident_id"] in known]
        result.skipped_events = len(events) - len(kept)
        orphans = [
            _fold_event(e) for e in events if e.row["incident_id"] not in known and _is_task(e)
        ]
        if orphans:
            result.tasks |= fold_orphans(conn, orphans, now)
        if not kept:
            return
        present = _existing_events(conn, [e.row["id"] for e in kept])
        _INSERT_EVENTS.run(conn, [e.row for e in kept])
        new_tasks = [_fold_event(e) for e in kept if e.row["id"] not in present and _is_task(e)]
        if new_tasks:
            result.tasks |= fold(conn, new_tasks, now)
        best: dict[str, tuple[IncidentStatus, int]] = {}
        for event in kept:
            incident_id = event.row["incident_id"]
            status, revision = best.get(incident_id, (IncidentStatus.SAVED_LOCALLY, 0))
            if event.status is not None and event.status.rank > status.rank:
                status = event.status
            best[incident_id] = (status, max(revision, event.revision))
        PulledData._advance(conn, known, [(i, s, r) for i, (s, r) in best.items()], now)
        for event in kept:
            if event.edit is not None:
                apply_field(conn, event.row["incident_id"], event.edit, now)
        assigned = {e.row["incident_id"] for e in kept if e.row["kind"] == _ASSIGNED}
        if assigned:
            refresh_assignees(conn, assigned)
        unread: set[str] = set()
        for event in kept:
            if event.row["id"] in present:
                continue
            result.changed.add(uuid.UUID(event.row["incident_id"]))
            if event.own or event.row["kind"] not in NEWS_KINDS:
                continue
            if is_news(event.row["kind"], json.loads(event.row["data"])):
                unread.add(event.row["incident_id"])
        if unread:
            conn.execute(
                update(store_pulled.incidents)
                .where(_INCIDENT_ID.in_(sorted(unread)))
                .values(unread=True, updated_at=now)
            )
            _queue_news(conn, unread)
            result.news.update(uuid.UUID(incident_id) for incident_id in unread)


def _pulled_event(change: p.ServerChange, own: bool) -> PulledEvent:
    d = change.payload
    entry = p.timeline_entry(change.kind, d)
    row = EventRow(
        id=stored_uuid(d["event_id"]),
        incident_id=str(change.entity_id),
        kind=entry.kind.value,
        author=str(d.get("author") or ""),
        text=entry.text,
        data=dumps(entry.data),
        created_at=stored_time(d.get("created_at"), change.created_at),
        origin=SERVER,
    )
    status = IncidentStatus(entry.data["status"]) if entry.kind is TimelineKind.STATUS else None
    edit = None
    if entry.kind is TimelineKind.FIELD_EDITED:
        name = entry.data["field"]
        if name in p.EDITABLE_FIELDS and not d.get("restricted_stripped"):
            revision = d.get("revision")
            edit = FieldEdit(name, entry.data["value"], int(revision) if revision else None)
    return PulledEvent(row, int(d.get("revision") or 0), own, status, edit)


def reference_apply_pull(logic: SyncLogic, response: p.PullResponse) -> PullResult:
    """SyncLogic.apply_pull as it was (one page, one transaction)."""
    result = PullResult(has_more=response.has_more, cursor=response.cursor)
    if logic.adopt_epoch(response.epoch):
        result.epoch_changed = True
        result.has_more = True
        result.cursor = 0
        return result
    now_text = utc_text(datetime.now(UTC))
    reports: list[IncidentRow] = []
    events: list[PulledEvent] = []
    files: list[AttachmentRow] = []
    purges: list[PulledPurge] = []
    mine = logic.device_id
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
        except (KeyError, ValueError, TypeError):
            result.skipped += 1
    pulled = ReferencePulledData(logic.db)
    pulled.closed_days = logic.pulled.closed_days
    applied = pulled.apply(
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
