"""The one write path for data pulled from the server: a page of reports and timeline events
applied in one transaction, sync cursor included, with bulk statements.

Rows arrive typed and already in their stored form (:class:`IncidentRow`, :class:`EventRow`),
so a page of thousands of reports is one ``executemany`` without per-value conversions.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, TypedDict

from sqlalchemy import (
    Boolean,
    Connection,
    String,
    Table,
    bindparam,
    delete,
    func,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from veiligbalie import paths
from veiligbalie.core.timeline import NEWS_KINDS, TimelineKind, is_news
from veiligbalie.core.vocabulary import IncidentStatus
from veiligbalie.store import search_index
from veiligbalie.store.database import Database
from veiligbalie.store.dossier import forget_expired, forget_reports
from veiligbalie.store.outbox import META_SYNC_CURSOR
from veiligbalie.store.schema import attachments as attachments_table
from veiligbalie.store.schema import followup_tasks, incident_events, incidents, meta
from veiligbalie.store.tasks import FoldEvent, fold, fold_orphans, plan_missing
from veiligbalie.store.types import JSONText, dumps, utc_text

#: ``origin`` of a report or event pulled from the server.
SERVER = "server"
#: SQLite's bound-parameter limit is generous, but keep IN lists modest.
_CHUNK = 500


class IncidentRow(TypedDict):
    """An ``incidents`` row in its stored form (UUIDs and instants as text, JSON as text)."""

    id: str
    reference: str
    occurred_at: str
    location: str
    channel: str
    categories: str
    severity: str
    description: str
    reporter: str
    on_behalf_of: str | None
    perpetrator_known: bool
    perpetrator_description: str
    perpetrator_reference: str
    witnesses: str
    injury: bool
    damage: bool
    damage_amount_cents: int | None
    absence: bool
    police_called: bool
    arrest: bool
    police_report_intended: bool
    aftercare_wanted: bool
    team_lead_only: bool
    alarm_id: str | None
    status: str
    revision: int
    unread: bool
    origin: str
    created_at: str
    updated_at: str
    provisional_reference: str | None
    assignee_user_id: str | None
    assignee_name: str | None
    site_name: str | None


class EventRow(TypedDict):
    """An ``incident_events`` row in its stored form."""

    id: str
    incident_id: str
    kind: str
    author: str
    text: str
    data: str
    created_at: str
    origin: str


class AttachmentRow(TypedDict):
    """An ``attachments`` row of a pulled report: the file is on the server, not here
    (``stored_path`` empty) until someone opens it."""

    id: str
    incident_id: str
    sha256: str
    original_name: str
    size: int
    mime_type: str
    stored_path: str
    created_at: str
    uploaded_at: str | None


@dataclass(frozen=True, slots=True)
class FieldEdit:
    """A correction of one field of a report (``field`` is a column of ``incidents``)."""

    field: str
    value: Any
    revision: int | None = None


@dataclass(frozen=True, slots=True)
class PulledEvent:
    row: EventRow
    #: The report's server revision after this event (0: not told).
    revision: int = 0
    #: Made on this device (it comes back through the pull): never news for the reporter.
    own: bool = False
    #: A status change: the report's status moves forward to it.
    status: IncidentStatus | None = None
    #: A field edit to apply to the report itself.
    edit: FieldEdit | None = None
    #: ``row["data"]`` as parsed (what ``json.loads`` of it gives), when the caller has it:
    #: the fold and the news check then need not parse the stored text again.
    data: Mapping[str, Any] | None = None


@dataclass
class AppliedPage:
    new_incidents: int = 0
    #: Events of reports that are not here (not visible to this identity): left out.
    skipped_events: int = 0
    #: Follow-up tasks folded from this page (their report may not be here).
    tasks: set[uuid.UUID] = field(default_factory=set)
    #: Reports new to this workstation.
    new_ids: set[uuid.UUID] = field(default_factory=set)
    #: Reports whose status, content or timeline changed.
    changed: set[uuid.UUID] = field(default_factory=set)
    #: Reports that got news for their reporter in this page (a status, message, follow-up
    #: step or assignment by someone else, not seen here before): queued for one notice.
    news: set[uuid.UUID] = field(default_factory=set)
    #: Reports whose personal data the server purged (``incident.purged``) in this page.
    purged: set[uuid.UUID] = field(default_factory=set)
    #: The sha256 of every file a purge removed here (cached copies go too).
    removed_files: set[str] = field(default_factory=set)


#: Purge scopes (protocol.sync.PURGE_*; the store does not import protocol).
PURGE_REPORT = "report"
PURGE_PERPETRATOR = "perpetrator"
PURGE_ATTACHMENTS = "attachments"
_RESTRICTED = ("perpetrator_description", "perpetrator_reference")


@dataclass(frozen=True)
class PulledPurge:
    """An ``incident.purged`` change: the report's personal data the server removed.

    ``fields`` are the report columns to empty with their empty values; ``scope`` says
    what else goes: "report" the timeline, files and follow-up notes; "perpetrator" the
    timeline's edits of the restricted fields; "attachments" the files."""

    incident_id: str
    scope: str
    fields: Mapping[str, Any]


_BOOL_COLUMNS = frozenset(c.name for c in incidents.c if isinstance(c.type, Boolean))
_JSON_COLUMNS = frozenset(c.name for c in incidents.c if isinstance(c.type, JSONText))


@dataclass(frozen=True)
class _BulkInsert:
    """A table's INSERT … ON CONFLICT (id) DO NOTHING, compiled once by SQLAlchemy and run
    through the driver's ``executemany``: a page needs no per-value conversion. Rows are
    handed over in the statement's own parameter order (``values``), which sqlite3 binds
    markedly faster than named parameters (~2.5x on a page of reports)."""

    sql: str
    values: Callable[[Mapping[str, Any]], tuple[Any, ...]]

    @classmethod
    def of(cls, table: Table, or_ignore: bool = False) -> _BulkInsert:
        """``or_ignore``: a row breaking any unique constraint is left out (else only one
        with an id already there)."""
        params: dict[str, Any] = {c.name: bindparam(c.name) for c in table.c}
        stmt = (
            sqlite_insert(table).prefix_with("OR IGNORE").values(params)
            if or_ignore
            else sqlite_insert(table).values(params).on_conflict_do_nothing(index_elements=["id"])
        )
        compiled = stmt.compile(dialect=sqlite.dialect())
        order = compiled.positiontup or []
        assert sorted(order) == sorted(c.name for c in table.c)
        return cls(str(compiled), itemgetter(*order))

    def run(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        conn.exec_driver_sql(self.sql, list(map(self.values, rows)))


_INSERT_INCIDENTS = _BulkInsert.of(incidents)
_INSERT_EVENTS = _BulkInsert.of(incident_events)
_INSERT_ATTACHMENTS = _BulkInsert.of(attachments_table, or_ignore=True)
_UPSERT_META = sqlite_insert(meta).values(key=bindparam("key"), value=bindparam("value"))
_UPSERT_META = _UPSERT_META.on_conflict_do_update(
    index_elements=["key"], set_={"value": _UPSERT_META.excluded.value}
)
# Ids compared as the stored text: no UUID parsing for thousands of ids a page.
_INCIDENT_ID = type_coerce(incidents.c.id, String)
_EVENT_ID = type_coerce(incident_events.c.id, String)
_ADVANCE = (
    update(incidents)
    .where(_INCIDENT_ID == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        revision=bindparam("b_revision"),
        updated_at=bindparam("b_now"),
    )
)

_RENUMBER = (
    update(incidents)
    .where(_INCIDENT_ID == bindparam("b_id"))
    .where(incidents.c.reference != bindparam("b_reference"))
    .values(
        reference=bindparam("b_reference"),
        provisional_reference=func.coalesce(
            incidents.c.provisional_reference, incidents.c.reference
        ),
    )
)


def _instant(value: Any, fallback: datetime) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif value:
        moment = datetime.fromisoformat(str(value))
    else:
        moment = fallback
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def stored_time(value: Any, fallback: datetime) -> str:
    """An instant from the wire (ISO text or datetime; naive means UTC) in its stored form;
    ``fallback`` when absent."""
    return utc_text(_instant(value, fallback))


#: A UUID already in its canonical text (what ``str(uuid.UUID(text))`` gives back unchanged).
_CANONICAL_UUID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
).fullmatch


def stored_uuid(value: Any) -> str:
    if type(value) is str and _CANONICAL_UUID(value):
        return value  # the wire's usual form: no parsing (one per pulled event)
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def status_or(value: Any, default: IncidentStatus) -> IncidentStatus:
    try:
        return IncidentStatus(str(value))
    except ValueError:
        return default


def incident_row(
    report: Mapping[str, Any],
    received_at: datetime,
    now_text: str,
    entity_id: uuid.UUID | None = None,
) -> IncidentRow:
    """The stored row of a report pulled from the server. ``report`` is the wire shape of
    :func:`veiligbalie.core.incident.incident_to_dict` with ``status`` and ``revision``;
    instants it lacks are ``received_at``, ``now_text`` (stored form) is its ``updated_at``.
    Raises KeyError, ValueError or TypeError for a report this version cannot read, and
    ValueError when its id is not ``entity_id`` (the id of the change that carried it)."""
    d = report
    incident_id = stored_uuid(d.get("id") or entity_id)
    if entity_id is not None and incident_id != str(entity_id):
        raise ValueError("the report's id differs from the id of its change")
    alarm = d.get("alarm_id")
    amount = d.get("damage_amount_cents")
    row = IncidentRow(
        id=incident_id,
        reference=str(d.get("reference") or ""),
        occurred_at=stored_time(d["occurred_at"], received_at),
        location=str(d.get("location") or ""),
        channel=str(d.get("channel") or "counter"),
        categories=dumps(sorted(str(c) for c in d.get("categories") or [])),
        severity=str(d.get("severity") or "medium"),
        description=str(d.get("description") or ""),
        reporter=str(d.get("reporter") or ""),
        on_behalf_of=d.get("on_behalf_of"),
        perpetrator_known=bool(d.get("perpetrator_known")),
        perpetrator_description=str(d.get("perpetrator_description") or ""),
        perpetrator_reference=str(d.get("perpetrator_reference") or ""),
        witnesses=dumps([str(w) for w in d.get("witnesses") or []]),
        injury=bool(d.get("injury")),
        damage=bool(d.get("damage")),
        damage_amount_cents=None if amount is None else int(amount),
        absence=bool(d.get("absence")),
        police_called=bool(d.get("police_called")),
        arrest=bool(d.get("arrest")),
        police_report_intended=bool(d.get("police_report_intended")),
        aftercare_wanted=bool(d.get("aftercare_wanted")),
        team_lead_only=bool(d.get("team_lead_only")),
        alarm_id=stored_uuid(alarm) if alarm else None,
        status=status_or(d.get("status"), IncidentStatus.SENT).value,
        revision=int(d.get("revision") or 1),
        unread=False,
        origin=SERVER,
        created_at=stored_time(d.get("created_at"), received_at),
        updated_at=now_text,
        provisional_reference=str(d.get("provisional_reference") or "") or None,
        assignee_user_id=None,
        assignee_name=None,
        site_name=str(d.get("site_name") or "") or None,
    )
    return row


def attachment_rows(
    report: Mapping[str, Any], incident_id: uuid.UUID, received_at: datetime
) -> list[AttachmentRow]:
    """The evidence list an ``incident.created`` change carries (``attachments``: sha256,
    original_name, size, mime_type), as rows of files kept on the server. Entries this
    version cannot read are left out."""
    rows: list[AttachmentRow] = []
    listed = report.get("attachments")
    if not isinstance(listed, list):
        return rows
    when = utc_text(received_at if received_at.tzinfo else received_at.replace(tzinfo=UTC))
    for entry in listed:
        if not isinstance(entry, Mapping):
            continue
        sha256 = str(entry.get("sha256") or "").lower()
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            continue
        try:
            size = int(entry.get("size") or 0)
        except (TypeError, ValueError):
            continue
        rows.append(
            AttachmentRow(
                id=str(uuid.uuid5(incident_id, sha256)),
                incident_id=str(incident_id),
                sha256=sha256,
                original_name=str(entry.get("original_name") or entry.get("name") or sha256),
                size=size,
                mime_type=str(entry.get("mime_type") or "application/octet-stream"),
                stored_path="",
                created_at=when,
                uploaded_at=when,
            )
        )
    return rows


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _existing(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[IncidentStatus, int]]:
    """Status and revision of those of ``ids`` that are here."""
    found: dict[str, tuple[IncidentStatus, int]] = {}
    query = select(_INCIDENT_ID, incidents.c.status, incidents.c.revision)
    for chunk in _chunks(ids):
        for incident_id, status, revision in conn.execute(query.where(_INCIDENT_ID.in_(chunk))):
            found[incident_id] = (status_or(status, IncidentStatus.SAVED_LOCALLY), revision)
    return found


def _existing_events(conn: Connection, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(conn.execute(select(_EVENT_ID).where(_EVENT_ID.in_(chunk))).scalars())
    return found


def _is_task(event: PulledEvent) -> bool:
    return event.row["kind"] == TimelineKind.FOLLOWUP.value


def _fold_event(event: PulledEvent, reports: dict[str, uuid.UUID]) -> FoldEvent:
    """``reports``: the page's report ids parsed so far (one UUID per report, not per event)."""
    row = event.row
    incident_id = reports.get(row["incident_id"])
    if incident_id is None:
        incident_id = reports[row["incident_id"]] = uuid.UUID(row["incident_id"])
    return FoldEvent(
        row["id"],
        incident_id,
        _instant(row["created_at"], datetime.now(UTC)),
        row["text"],
        _data(event),
    )


def _data(event: PulledEvent) -> Mapping[str, Any]:
    return event.data if event.data is not None else json.loads(event.row["data"])


def apply_field(
    conn: Connection, incident_id: uuid.UUID | str, edit: FieldEdit, now: datetime
) -> None:
    """Set one field of a report (a pulled or a local edit); the revision only goes up.
    A field that is not a column of the report is ignored (a newer peer's field)."""
    column = incidents.c.get(edit.field)
    if column is None:
        return
    value = edit.value
    if edit.field in _JSON_COLUMNS:
        value = list(value or [])
    elif edit.field in _BOOL_COLUMNS:
        value = bool(value)
    elif edit.field == "occurred_at":
        value = _instant(value, now)
    conn.execute(
        update(incidents)
        .where(_INCIDENT_ID == str(incident_id))
        .values(
            {
                column: value,
                incidents.c.updated_at: now,
                incidents.c.revision: func.max(incidents.c.revision, edit.revision or 0),
            }
        )
    )


#: Reports with news for their reporter that nobody was told about yet (a JSON list of ids,
#: written in the pull's transaction; taken, once, by :func:`take_news`).
META_NEWS_PENDING = "reporter.news_pending"
_ASSIGNED = TimelineKind.ASSIGNED.value


def refresh_assignees(conn: Connection, incident_ids: Iterable[uuid.UUID | str]) -> None:
    """Set each report's ``assignee_user_id`` and ``assignee_name`` from its latest ASSIGNED
    event (by ``created_at``, then id): the last assignment wins however late or often the
    events arrive, so applying them again changes nothing."""
    for incident_id in sorted({str(i) for i in incident_ids}):
        latest = conn.execute(
            select(incident_events.c.data)
            .where(type_coerce(incident_events.c.incident_id, String) == incident_id)
            .where(incident_events.c.kind == _ASSIGNED)
            .order_by(incident_events.c.created_at.desc(), incident_events.c.id.desc())
            .limit(1)
        ).scalar()
        if latest is None:
            continue
        data = latest if isinstance(latest, dict) else {}
        user_id = data.get("assignee_user_id")
        name = str(data.get("assignee_name") or "")
        conn.execute(
            update(incidents)
            .where(_INCIDENT_ID == incident_id)
            .values(
                assignee_user_id=uuid.UUID(str(user_id)) if user_id else None,
                assignee_name=name or None,
            )
        )


def _queue_news(conn: Connection, incident_ids: Iterable[str]) -> None:
    raw = conn.execute(select(meta.c.value).where(meta.c.key == META_NEWS_PENDING)).scalar()
    pending = set(json.loads(raw)) if raw else set()
    pending.update(incident_ids)
    conn.execute(_UPSERT_META, {"key": META_NEWS_PENDING, "value": dumps(sorted(pending))})


def take_news(db: Database) -> list[uuid.UUID]:
    """The reports with news nobody was told about yet; the queue is empty afterwards, so a
    restart or a pull of the same page again never tells it twice."""
    with db.write() as session:
        conn = session.connection()
        raw = conn.execute(select(meta.c.value).where(meta.c.key == META_NEWS_PENDING)).scalar()
        if not raw:
            return []
        conn.execute(meta.delete().where(meta.c.key == META_NEWS_PENDING))
    try:
        return [uuid.UUID(str(value)) for value in json.loads(raw)]
    except (ValueError, TypeError):
        return []


class PulledData:
    """Applies pulled pages to the local store (the sync engine's, and the tests')."""

    def __init__(self, db: Database) -> None:
        self._db = db
        #: The organisation's closing days, for reports that arrive without a plan.
        self.closed_days: Callable[[], Collection[date]] = tuple

    def apply(
        self,
        reports: Sequence[IncidentRow] = (),
        events: Sequence[PulledEvent] = (),
        cursor: int | None = None,
        attachments: Sequence[AttachmentRow] = (),
        purges: Sequence[PulledPurge] = (),
    ) -> AppliedPage:
        """Apply one page in one transaction, ``cursor`` (the page's end) included.

        Idempotent: a report already here keeps its content, only its status moves forward
        and its revision goes up; an event already here is not added twice. Events of
        reports that are not here are left out of the timeline; follow-up events among them
        still make or update the task they belong to when it was given to this identity
        (they carry ``context``). Field edits are applied in the given order. Follow-up
        events are folded into their tasks, and a new report that came without any task
        (from a server that does not plan) gets its plan here.
        """
        result = AppliedPage()
        now = datetime.now(UTC)
        with self._db.write() as session:
            conn = session.connection()
            if reports:
                self._apply_reports(conn, reports, result, now)
            if attachments:
                # Files of pulled reports: listed here, fetched from the server when opened.
                here = _existing(conn, sorted({a["incident_id"] for a in attachments}))
                kept = [a for a in attachments if a["incident_id"] in here]
                if kept:
                    _INSERT_ATTACHMENTS.run(conn, kept)
            if events:
                self._apply_events(conn, events, result, now)
            if reports:  # after the page's events: a plan that came with it counts
                # New reports, and our own coming back: the server does not send a station
                # the plan it made of a report that station pushed (the station plans when
                # it saves), so one saved without its plan gets it here.
                plan_missing(conn, reports, now, self.closed_days())
            stored: list[str] = []
            if purges:
                stored = apply_purges(conn, purges, result, now)
            forget_expired(conn, now)  # the dossier's offline copy, KEEP_DAYS after its read
            if result.new_incidents:
                # Their search entries in this transaction, after the page's notes: not
                # left for a search on the GUI thread (search_index).
                search_index.index_chunk(conn.exec_driver_sql, limit=-1)
            if cursor is not None:
                conn.execute(_UPSERT_META, {"key": META_SYNC_CURSOR, "value": str(cursor)})
        remove_stored_files(stored)
        return result

    @staticmethod
    def _apply_reports(
        conn: Connection, reports: Sequence[IncidentRow], result: AppliedPage, now: datetime
    ) -> None:
        existing = _existing(conn, [row["id"] for row in reports])
        fresh = [row for row in reports if row["id"] not in existing]
        if fresh:
            _INSERT_INCIDENTS.run(conn, fresh)
        result.new_ids = {uuid.UUID(row["id"]) for row in fresh}
        result.new_incidents = len(result.new_ids)
        latest = {row["id"]: row for row in reports if row["id"] in existing}
        moves = [
            (incident_id, IncidentStatus(row["status"]), row["revision"])
            for incident_id, row in latest.items()
        ]
        PulledData._advance(conn, existing, moves, now)
        # A report already here keeps its content, but not its number: the server's
        # organisation-wide one replaces a provisional one (ours, pulled back); the old one
        # stays in provisional_reference so it keeps resolving.
        renumbered = [
            {"b_id": incident_id, "b_reference": row["reference"]}
            for incident_id, row in latest.items()
            if row["reference"]
        ]
        if renumbered:
            conn.execute(_RENUMBER, renumbered)
        result.changed.update(uuid.UUID(incident_id) for incident_id in latest)

    @staticmethod
    def _apply_events(
        conn: Connection, events: Sequence[PulledEvent], result: AppliedPage, now: datetime
    ) -> None:
        known = _existing(conn, sorted({e.row["incident_id"] for e in events}))
        kept = [e for e in events if e.row["incident_id"] in known]
        result.skipped_events = len(events) - len(kept)
        reports: dict[str, uuid.UUID] = {}
        orphans = [
            _fold_event(e, reports)
            for e in events
            if e.row["incident_id"] not in known and _is_task(e)
        ]
        if orphans:
            result.tasks |= fold_orphans(conn, orphans, now)
        if not kept:
            return
        present = _existing_events(conn, [e.row["id"] for e in kept])
        _INSERT_EVENTS.run(conn, [e.row for e in kept])
        # Tasks follow their events in this transaction; new events only (idempotent).
        fresh = [e for e in kept if e.row["id"] not in present]
        new_tasks: list[FoldEvent] = []
        # The stored follow-up events of each report new in this page are exactly those of
        # this page the insert stored (a report that was not here had no events; an id
        # already stored, or met before in the page, was not stored again): the fold takes
        # them from here instead of reading back what was just written.
        complete: dict[uuid.UUID, list[FoldEvent]] = {i: [] for i in result.new_ids}
        new_reports = {str(i) for i in result.new_ids}
        seen: set[str] = set()
        for event in fresh:
            first = event.row["id"] not in seen
            seen.add(event.row["id"])
            if not _is_task(event):
                continue
            folded = _fold_event(event, reports)
            new_tasks.append(folded)
            if first and event.row["incident_id"] in new_reports:
                complete[folded.incident_id].append(folded)
        if new_tasks:
            result.tasks |= fold(conn, new_tasks, now, complete)
        # Status only moves forward, revision only up: news may come late or twice.
        best: dict[str, tuple[IncidentStatus, int]] = {}
        for event in kept:
            incident_id = event.row["incident_id"]
            status, revision = best.get(incident_id, (IncidentStatus.SAVED_LOCALLY, 0))
            if event.status is not None and event.status.rank > status.rank:
                status = event.status
            best[incident_id] = (status, max(revision, event.revision))
        PulledData._advance(conn, known, [(i, s, r) for i, (s, r) in best.items()], now)
        # Field edits in order; applying one again (a re-pull) is harmless.
        for event in kept:
            if event.edit is not None:
                apply_field(conn, event.row["incident_id"], event.edit, now)
        assigned = {e.row["incident_id"] for e in kept if e.row["kind"] == _ASSIGNED}
        if assigned:
            refresh_assignees(conn, assigned)
        unread: set[str] = set()
        for event in fresh:
            incident_id = event.row["incident_id"]
            result.changed.add(reports.get(incident_id) or uuid.UUID(incident_id))
            if event.own or event.row["kind"] not in NEWS_KINDS:
                continue
            if is_news(event.row["kind"], _data(event)):
                unread.add(event.row["incident_id"])
        if unread:
            conn.execute(
                update(incidents)
                .where(_INCIDENT_ID.in_(sorted(unread)))
                .values(unread=True, updated_at=now)
            )
            _queue_news(conn, unread)
            result.news.update(uuid.UUID(incident_id) for incident_id in unread)

    @staticmethod
    def _advance(
        conn: Connection,
        current: Mapping[str, tuple[IncidentStatus, int]],
        moves: Iterable[tuple[str, IncidentStatus, int]],
        now: datetime,
    ) -> None:
        rows = []
        for incident_id, status, revision in moves:
            old_status, old_revision = current[incident_id]
            new_status = status if status.rank > old_status.rank else old_status
            new_revision = max(old_revision, revision)
            if (new_status, new_revision) != (old_status, old_revision):
                rows.append(
                    {
                        "b_id": incident_id,
                        "b_status": new_status.value,
                        "b_revision": new_revision,
                        "b_now": now,
                    }
                )
        if rows:
            conn.execute(_ADVANCE, rows)


def apply_purges(
    conn: Connection, purges: Sequence[PulledPurge], result: AppliedPage, now: datetime
) -> list[str]:
    """Forget what the server purged, in ``conn``'s transaction; answers the stored paths of
    files no report here references any more (remove them after the commit)."""
    here = _existing(conn, sorted({p.incident_id for p in purges}))
    # The dossier's copy of the persons linked to a report goes with its personal or
    # perpetrator data, whether or not the report itself is here.
    forget_reports(
        conn,
        {uuid.UUID(p.incident_id) for p in purges if p.scope in (PURGE_REPORT, PURGE_PERPETRATOR)},
    )
    gone_files: list[tuple[str, str]] = []
    for purge in purges:
        incident_id = purge.incident_id
        if incident_id not in here:
            continue  # never here, or forgotten already: nothing to do
        values = {name: value for name, value in purge.fields.items() if name in incidents.c}
        if purge.scope == PURGE_REPORT:
            values.update(assignee_user_id=None, assignee_name=None)
            conn.execute(
                delete(incident_events).where(incident_events.c.incident_id == incident_id)
            )
            conn.execute(
                update(followup_tasks)
                .where(followup_tasks.c.incident_id == incident_id)
                .values(note="", assignee_name=None, context=None, updated_at=now)
            )
        elif purge.scope == PURGE_PERPETRATOR:
            edits = conn.execute(
                select(incident_events.c.id, incident_events.c.data).where(
                    incident_events.c.incident_id == incident_id,
                    incident_events.c.kind == TimelineKind.FIELD_EDITED.value,
                )
            ).all()
            restricted = [
                row.id
                for row in edits
                if isinstance(row.data, Mapping) and row.data.get("field") in _RESTRICTED
            ]
            if restricted:
                conn.execute(delete(incident_events).where(incident_events.c.id.in_(restricted)))
        if purge.scope in (PURGE_REPORT, PURGE_ATTACHMENTS):
            a = attachments_table.c
            gone_files += [
                (row.sha256, row.stored_path)
                for row in conn.execute(
                    select(a.sha256, a.stored_path).where(a.incident_id == incident_id)
                ).all()
            ]
            conn.execute(delete(attachments_table).where(a.incident_id == incident_id))
        if values:
            values["updated_at"] = now
            conn.execute(update(incidents).where(_INCIDENT_ID == incident_id).values(**values))
        result.purged.add(uuid.UUID(incident_id))
        result.changed.add(uuid.UUID(incident_id))
    if not gone_files:
        return []
    a = attachments_table.c
    still = set(
        conn.execute(
            select(a.sha256).where(a.sha256.in_(sorted({sha for sha, _ in gone_files})))
        ).scalars()
    )
    stored: list[str] = []
    for sha, path in gone_files:
        if sha in still:
            continue
        result.removed_files.add(sha)
        if path:
            stored.append(path)
    return stored


def remove_stored_files(stored: Iterable[str]) -> None:
    """Remove files of the attachments folder (never one elsewhere: a path outside it was
    only referenced)."""
    root = paths.attachments_dir().resolve()
    for text in stored:
        path = Path(text)
        path = (path if path.is_absolute() else root / path).resolve()
        if root not in path.parents:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
