"""Incident reports in the local store: saving a new report with its reference number and
outbox change in one transaction, listing, and the append-only timeline of follow-up events."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from veiligbalie import paths
from veiligbalie.core.ids import uuid7
from veiligbalie.core.incident import (
    DESCRIPTION_MAX,
    Incident,
    ValidationError,
    format_reference,
    incident_to_dict,
    validate,
)
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import Category, Channel, IncidentStatus, Severity
from veiligbalie.core.workdays import AMSTERDAM as OFFICE_TZ
from veiligbalie.store.attachments import AttachmentInfo, check_count
from veiligbalie.store.database import Database, PreparedInsert, run
from veiligbalie.store.dossier import forget_dossier
from veiligbalie.store.outbox import Outbox
from veiligbalie.store.pulled import SERVER, FieldEdit, apply_field, refresh_assignees
from veiligbalie.store.schema import attachments as attachments_table
from veiligbalie.store.schema import incident_events, incidents
from veiligbalie.store.tasks import FoldEvent, fold, fold_orphans, forget_orphans, store_plan

log = logging.getLogger(__name__)

#: The reference year is the calendar year at the office, not in UTC (New Year's Eve).
EXCERPT_MAX = 120
LOCAL = "local"
_CHUNK = 500  # ids per IN list


class IncidentValidationError(ValueError):
    """The report breaks a rule of :func:`veiligbalie.core.incident.validate`."""

    def __init__(self, errors: Sequence[ValidationError]) -> None:
        listed = ", ".join(f"{e.field.value}: {e.problem.value}" for e in errors)
        super().__init__(f"The report cannot be saved ({listed}).")
        self.errors = list(errors)


class IncidentExistsError(ValueError):
    """A report with this id was saved before (e.g. the save button pressed twice)."""


class IncidentNotFoundError(LookupError):
    """No report with this id in the local store."""


@dataclass(frozen=True)
class TimelineEvent:
    id: uuid.UUID
    incident_id: uuid.UUID
    kind: str
    author: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    origin: str = LOCAL


@dataclass(frozen=True)
class Assignee:
    """The person a report is given to handle."""

    user_id: uuid.UUID | None
    name: str


@dataclass(frozen=True)
class IncidentSummary:
    id: uuid.UUID
    reference: str
    occurred_at: datetime
    categories: frozenset[Category]
    severity: Severity
    location: str
    status: IncidentStatus
    description_excerpt: str
    has_unread: bool
    created_at: datetime
    #: The number this workstation gave the report (None: a report pulled from elsewhere).
    provisional_reference: str | None = None
    #: ``reference`` is still this workstation's own number: the server has not given the
    #: organisation-wide one yet (a report made here that the server did not accept yet).
    provisional: bool = False

    @property
    def earlier_reference(self) -> str | None:
        """The report's former number, once the server's number replaced it."""
        return _earlier(self.reference, self.provisional_reference, self.provisional)


@dataclass(frozen=True)
class ReferenceInfo:
    """A report's numbers: the one it goes by, and this workstation's own one."""

    reference: str
    provisional_reference: str | None
    #: ``reference`` is still only this workstation's number (see IncidentSummary).
    provisional: bool

    @property
    def earlier_reference(self) -> str | None:
        return _earlier(self.reference, self.provisional_reference, self.provisional)


def _earlier(reference: str, provisional_reference: str | None, provisional: bool) -> str | None:
    if provisional or not provisional_reference or provisional_reference == reference:
        return None
    return provisional_reference


_INSERT_ATTACHMENT = insert(attachments_table)
_INSERT_EVENT = insert(incident_events)
# One statement for the yearly counter: creates it at 1 or adds one, under the write lock
# (run straight on the sqlite3 connection: it is on the path of every save).
_NEXT_NUMBER = (
    "INSERT INTO meta (key, value) VALUES (?, '1') "
    "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 "
    "RETURNING CAST(value AS INTEGER)"
)
#: The columns a new report is saved with (the others keep their server defaults): the
#: report's own fields, plus those the store keeps itself (see :func:`_incident_row`).
_NEW_COLUMNS = tuple(
    c.name
    for c in incidents.c
    if c.name in {f.name for f in fields(Incident)}
    or c.name in ("origin", "updated_at", "provisional_reference")
)
_INSERT_INCIDENT = PreparedInsert(incidents, _NEW_COLUMNS)
_SUMMARY_COLUMNS = (
    incidents.c.id,
    incidents.c.reference,
    incidents.c.occurred_at,
    incidents.c.categories,
    incidents.c.severity,
    incidents.c.location,
    incidents.c.status,
    # Only the head of the text is read: a list of 100,000 reports stays light.
    func.substr(incidents.c.description, 1, EXCERPT_MAX * 2).label("head"),
    func.length(incidents.c.description).label("length"),
    incidents.c.unread,
    incidents.c.created_at,
    incidents.c.provisional_reference,
    incidents.c.origin,
)


def reference_counter_key(year: int) -> str:
    return f"reference.{year:04d}"


def excerpt(description: str, limit: int = EXCERPT_MAX, cut: bool = False) -> str:
    """The description on one line, at most ``limit`` characters, with an ellipsis when it
    was shortened (``cut``: the text given is already only the head of a longer one)."""
    flat = " ".join(description.split())
    if len(flat) <= limit and not cut:
        return flat
    return flat[: limit - 1].rstrip() + "…"


def _incident_row(
    incident: Incident, now: datetime, origin: str, wire: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The incidents row: the wire dict (``wire``, when the caller has it already), with
    the columns that keep their own types."""
    row: dict[str, Any] = dict(wire) if wire is not None else incident_to_dict(incident)
    row.update(
        id=incident.id,
        reference=incident.reference or "",
        occurred_at=incident.occurred_at,
        created_at=incident.created_at,
        alarm_id=incident.alarm_id,
        origin=origin,
        updated_at=now,
        provisional_reference=(incident.reference or None) if origin == LOCAL else None,
    )
    return row


def _incident(row: Row[*tuple[Any, ...]]) -> Incident:
    return Incident(
        id=row.id,
        reference=row.reference or None,
        occurred_at=row.occurred_at,
        location=row.location,
        channel=Channel(row.channel),
        categories=frozenset(Category(c) for c in row.categories),
        severity=Severity(row.severity),
        description=row.description,
        reporter=row.reporter,
        on_behalf_of=row.on_behalf_of,
        perpetrator_known=bool(row.perpetrator_known),
        perpetrator_description=row.perpetrator_description,
        perpetrator_reference=row.perpetrator_reference,
        witnesses=tuple(row.witnesses),
        injury=bool(row.injury),
        damage=bool(row.damage),
        damage_amount_cents=row.damage_amount_cents,
        absence=bool(row.absence),
        police_called=bool(row.police_called),
        arrest=bool(row.arrest),
        police_report_intended=bool(row.police_report_intended),
        aftercare_wanted=bool(row.aftercare_wanted),
        team_lead_only=bool(row.team_lead_only),
        alarm_id=row.alarm_id,
        status=IncidentStatus(row.status),
        created_at=row.created_at,
    )


def _summary(row: Row[*tuple[Any, ...]]) -> IncidentSummary:
    return IncidentSummary(
        id=row.id,
        reference=row.reference,
        occurred_at=row.occurred_at,
        categories=frozenset(Category(c) for c in row.categories),
        severity=Severity(row.severity),
        location=row.location,
        status=IncidentStatus(row.status),
        description_excerpt=excerpt(row.head, cut=row.length > len(row.head)),
        has_unread=bool(row.unread),
        created_at=row.created_at,
        provisional_reference=row.provisional_reference,
        provisional=_is_provisional(
            row.origin, row.reference, row.provisional_reference, row.status
        ),
    )


def _is_provisional(
    origin: str, reference: str, provisional_reference: str | None, status: str
) -> bool:
    """Whether a report still goes by this workstation's own number.

    A report made here keeps it until the server accepts the report (it gives the final
    number in the same answer); the final number may equal ours, so the number alone
    cannot tell. A pulled report always carries the server's number.
    """
    return (
        origin == LOCAL
        and reference == (provisional_reference or reference)
        and status == IncidentStatus.SAVED_LOCALLY.value
    )


def _event(row: Row[*tuple[Any, ...]]) -> TimelineEvent:
    return TimelineEvent(
        id=row.id,
        incident_id=row.incident_id,
        kind=row.kind,
        author=row.author,
        text=row.text,
        data=row.data,
        created_at=row.created_at,
        origin=row.origin,
    )


def _attachment_path(stored: str) -> Path:
    path = Path(stored)
    return path if path.is_absolute() else paths.attachments_dir() / path


def _stored_text(path: Path) -> str:
    try:
        return path.relative_to(paths.attachments_dir()).as_posix()
    except ValueError:
        return str(path)


class IncidentRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._outbox = Outbox(db)

    # --- writing -------------------------------------------------------------------------

    def save_new(
        self,
        incident: Incident,
        attachments: Sequence[AttachmentInfo] = (),
        *,
        plan: bool = False,
        extra_closed: Collection[date] = (),
    ) -> Incident:
        """Save a new report with its next reference number and its outbox change, all in
        one BEGIN IMMEDIATE transaction; returns the report with ``reference`` set.
        ``plan``: its follow-up plan is stored in the same transaction, as planned events
        with deterministic ids and no outbox rows (the server makes the same plan);
        ``extra_closed`` are the organisation's closing days its deadlines skip.

        Raises :class:`IncidentValidationError` (a ValueError) when the report breaks a
        rule, AttachmentError for too many files, :class:`IncidentExistsError` when the id
        was saved before. On any error nothing is written.
        """
        errors = validate(incident)
        if errors:
            raise IncidentValidationError(errors)
        if incident.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        check_count([a.stored_path for a in attachments])
        unique: dict[str, AttachmentInfo] = {}
        for info in attachments:
            unique.setdefault(info.sha256, info)  # the same file attached twice counts once

        year = incident.created_at.astimezone(OFFICE_TZ).year
        key = reference_counter_key(year)
        now = datetime.now(UTC)
        try:
            # A Core connection, not an ORM session, and the three statements of every save
            # compiled once and run on its sqlite3 connection: this runs on the GUI thread.
            with self._db.write_connection() as conn:
                (number,) = run(conn, _NEXT_NUMBER, (key,)).fetchone()
                saved = replace(
                    incident,
                    reference=format_reference(year, int(number)),
                    status=IncidentStatus.SAVED_LOCALLY,
                )
                payload = incident_to_dict(saved)
                _INSERT_INCIDENT.execute(conn, _incident_row(saved, now, LOCAL, payload))
                if unique:
                    conn.execute(
                        _INSERT_ATTACHMENT,
                        [
                            {
                                "id": uuid7(),
                                "incident_id": saved.id,
                                "sha256": info.sha256,
                                "original_name": info.original_name,
                                "size": info.size,
                                "mime_type": info.mime_type,
                                "stored_path": _stored_text(info.stored_path),
                                "created_at": now,
                            }
                            for info in unique.values()
                        ],
                    )
                payload["attachments"] = [info.to_dict() for info in unique.values()]
                self._outbox.enqueue(conn, "incident.created", saved.id, payload)
                if plan:
                    store_plan(conn, saved, now, extra_closed, new_report=True)
        except IntegrityError as exc:
            if "incidents.id" in str(exc.orig):
                raise IncidentExistsError(f"The report {incident.id} was saved before.") from exc
            raise
        return saved

    def add_note(self, incident_id: uuid.UUID, author: str, text: str) -> TimelineEvent:
        """Append the reporter's extra information to the timeline (and queue it for sync)."""
        if not author.strip():
            raise ValueError("A note needs an author.")
        if not text.strip():
            raise ValueError("A note cannot be empty.")
        if len(text) > DESCRIPTION_MAX:
            raise ValueError(f"A note can be at most {DESCRIPTION_MAX} characters.")
        event = TimelineEvent(
            id=uuid7(),
            incident_id=incident_id,
            kind=TimelineKind.NOTE.value,
            author=author,
            text=text,
            data={},
            created_at=datetime.now(UTC),
            origin=LOCAL,
        )
        payload = {
            "event_id": str(event.id),
            "author": author,
            "text": text,
            "created_at": event.created_at.isoformat(),
        }
        self.add_event(event, "incident.note_added", payload)
        return event

    def add_event(
        self,
        event: TimelineEvent,
        change_kind: str,
        payload: dict[str, Any],
        base_revision: int | None = None,
    ) -> None:
        """Append an event made here to the report's timeline and queue its change
        (``change_kind`` with ``payload``) for sync, in one transaction. A status event moves
        the report's status forward; a field edit (``data`` with ``field`` and ``value``)
        changes the report here at once. Raises IncidentNotFoundError for an unknown report.
        """
        with self._db.write() as session:
            conn = session.connection()
            folded = None
            if event.kind == TimelineKind.FOLLOWUP:
                folded = FoldEvent(
                    str(event.id), event.incident_id, event.created_at, event.text, event.data
                )
            if folded is not None and not self._here(conn, event.incident_id):
                # A task given to this person without its report (peer support): the step
                # is kept with the task and sent; there is no timeline here to add it to.
                if not fold_orphans(conn, [folded], datetime.now(UTC)):
                    raise IncidentNotFoundError(f"No report {event.incident_id} here.")
                self._outbox.enqueue(session, change_kind, event.incident_id, payload)
                return
            current = self._require(conn, event.incident_id)
            conn.execute(_INSERT_EVENT, self._event_row(event))
            if folded is not None:  # its task follows in this transaction
                fold(conn, [folded], datetime.now(UTC))
            conn.execute(
                update(incidents)
                .where(incidents.c.id == event.incident_id)
                .values(updated_at=event.created_at)
            )
            if event.kind == TimelineKind.STATUS:
                new = IncidentStatus(str(event.data["status"]))
                self._advance_status(conn, event.incident_id, new, current)
            elif event.kind == TimelineKind.FIELD_EDITED:
                edit = FieldEdit(str(event.data["field"]), event.data.get("value"))
                apply_field(conn, event.incident_id, edit, event.created_at)
            elif event.kind == TimelineKind.ASSIGNED:
                refresh_assignees(conn, [event.incident_id])
            self._outbox.enqueue(session, change_kind, event.incident_id, payload, base_revision)

    def set_status(self, incident_id: uuid.UUID, status: IncidentStatus) -> None:
        """Move the report's status forward; a status at or behind the current one is ignored
        (sync may deliver news late or twice)."""
        status = IncidentStatus(status)
        with self._db.write() as session:
            conn = session.connection()
            self._advance_status(conn, incident_id, status, self._require(conn, incident_id))

    def forget_pulled(self) -> int:
        """Delete every report that was pulled from the server (with its timeline).

        Called when the person the server sends data for changes (a team lead signs out):
        what they were allowed to read, restricted data included, must not stay on a shared
        workstation. Reports written here stay; the next pull brings back what the new
        identity may see. Returns how many reports were removed.
        """
        with self._db.write() as session:
            conn = session.connection()
            result = conn.execute(incidents.delete().where(incidents.c.origin == SERVER))
            # Their follow-up tasks go too, and those assigned to the previous person.
            forget_orphans(conn)
            # And the dossier the previous reviewer read (it is never this station's own).
            forget_dossier(conn)
        removed = int(result.rowcount or 0)
        if removed:
            log.info("Removed %d pulled reports from this workstation", removed)
        return removed

    def advance_status(self, ids: Sequence[uuid.UUID], status: IncidentStatus) -> None:
        """Move the status of these reports forward to ``status``; those already at or past
        it keep theirs (e.g. the server accepted them: "sent")."""
        behind = [s.value for s in IncidentStatus if s.rank < status.rank]
        with self._db.write() as session:
            conn = session.connection()
            for start in range(0, len(ids), _CHUNK):
                conn.execute(
                    update(incidents)
                    .where(incidents.c.id.in_(ids[start : start + _CHUNK]))
                    .where(incidents.c.status.in_(behind))
                    .values(status=status.value)
                )

    def adopt_references(self, numbers: Mapping[uuid.UUID, str]) -> set[uuid.UUID]:
        """Give reports made here the organisation-wide number the server assigned; returns
        the reports whose number changed. Our own number stays in ``provisional_reference``
        (old numbers keep resolving); an empty or unchanged number changes nothing, so an
        answer applied twice is harmless."""
        changed: set[uuid.UUID] = set()
        with self._db.write() as session:
            conn = session.connection()
            for incident_id, reference in numbers.items():
                if not reference:
                    continue
                result = conn.execute(
                    update(incidents)
                    .where(incidents.c.id == incident_id)
                    .where(incidents.c.reference != reference)
                    .values(
                        reference=reference,
                        provisional_reference=func.coalesce(
                            incidents.c.provisional_reference, incidents.c.reference
                        ),
                    )
                )
                if result.rowcount:
                    changed.add(incident_id)
        return changed

    def adopt_server_value(
        self, incident_id: uuid.UUID, field_name: str, value: Any, revision: int | None
    ) -> None:
        """Set a field to the value the server holds (a conflict settled in its favour):
        nothing is queued, the server already has it."""
        with self._db.write() as session:
            conn = session.connection()
            self._require(conn, incident_id)
            apply_field(
                conn, incident_id, FieldEdit(field_name, value, revision), datetime.now(UTC)
            )

    def mark_read(self, incident_id: uuid.UUID) -> None:
        """The reporter has seen the latest news on this report."""
        with self._db.write() as session:
            session.connection().execute(
                update(incidents)
                .where(incidents.c.id == incident_id)
                .where(incidents.c.unread.is_(True))
                .values(unread=False)
            )

    # --- reading -------------------------------------------------------------------------

    def get(self, incident_id: uuid.UUID) -> Incident | None:
        with self._db.engine.connect() as conn:
            row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).first()
        return _incident(row) if row is not None else None

    def assignee(self, incident_id: uuid.UUID) -> Assignee | None:
        """Who the report is assigned to (the latest assignment); None when nobody."""
        with self._db.engine.connect() as conn:
            row = conn.execute(
                select(incidents.c.assignee_user_id, incidents.c.assignee_name).where(
                    incidents.c.id == incident_id
                )
            ).first()
        if row is None or not (row.assignee_name or row.assignee_user_id):
            return None
        return Assignee(row.assignee_user_id, row.assignee_name or "")

    def origin(self, incident_id: uuid.UUID) -> str | None:
        """``local`` (written here) or ``server`` (pulled); None when the report is not here."""
        with self._db.engine.connect() as conn:
            return conn.execute(
                select(incidents.c.origin).where(incidents.c.id == incident_id)
            ).scalar()

    def find_by_reference(self, number: str) -> Incident | None:
        """The report known by ``number``: its organisation-wide number or the provisional
        one this workstation gave it before (the final number wins when both match)."""
        text_ = number.strip().upper()
        if not text_:
            return None
        with self._db.engine.connect() as conn:
            for column in (incidents.c.reference, incidents.c.provisional_reference):
                row = conn.execute(
                    select(incidents).where(column == text_).order_by(incidents.c.created_at)
                ).first()
                if row is not None:
                    return _incident(row)
        return None

    def reference_info(self, incident_id: uuid.UUID) -> ReferenceInfo | None:
        """The report's numbers and whether it still goes by the provisional one."""
        with self._db.engine.connect() as conn:
            row = conn.execute(
                select(
                    incidents.c.reference,
                    incidents.c.provisional_reference,
                    incidents.c.origin,
                    incidents.c.status,
                ).where(incidents.c.id == incident_id)
            ).first()
        if row is None:
            return None
        return ReferenceInfo(
            reference=row.reference,
            provisional_reference=row.provisional_reference,
            provisional=_is_provisional(
                row.origin, row.reference, row.provisional_reference, row.status
            ),
        )

    def revision(self, incident_id: uuid.UUID) -> int | None:
        """The server revision the local copy is based on (base_revision of field edits)."""
        with self._db.engine.connect() as conn:
            return conn.execute(
                select(incidents.c.revision).where(incidents.c.id == incident_id)
            ).scalar()

    def list_by_reporter(
        self, reporter: str, limit: int = 200, offset: int = 0
    ) -> list[IncidentSummary]:
        """The reporter's own reports, newest first (*Mijn meldingen*)."""
        query = (
            select(*_SUMMARY_COLUMNS)
            .where(incidents.c.reporter == reporter)
            .order_by(incidents.c.created_at.desc(), incidents.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return self._db.fetch_all(query, _summary)

    def list_all(
        self, limit: int = 200, offset: int = 0, include_team_lead_only: bool = True
    ) -> list[IncidentSummary]:
        """Every report in the local store, newest first."""
        query = select(*_SUMMARY_COLUMNS)
        if not include_team_lead_only:
            query = query.where(incidents.c.team_lead_only.is_(False))
        query = (
            query.order_by(incidents.c.created_at.desc(), incidents.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return self._db.fetch_all(query, _summary)

    def count(self) -> int:
        with self._db.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(incidents)).scalar_one())

    def timeline(self, incident_id: uuid.UUID) -> list[TimelineEvent]:
        """The report's follow-up events, oldest first."""
        return self._db.children(
            incident_events,
            incident_events.c.incident_id,
            incident_id,
            incident_events.c.created_at,
            _event,
        )

    def attachments(self, incident_id: uuid.UUID) -> list[AttachmentInfo]:
        return self._db.children(
            attachments_table,
            attachments_table.c.incident_id,
            incident_id,
            attachments_table.c.created_at,
            lambda row: AttachmentInfo(
                sha256=row.sha256,
                original_name=row.original_name,
                size=row.size,
                mime_type=row.mime_type,
                stored_path=_attachment_path(row.stored_path),
            ),
        )

    # --- helpers -------------------------------------------------------------------------

    @staticmethod
    def _here(conn: Connection, incident_id: uuid.UUID) -> bool:
        found = conn.execute(select(incidents.c.id).where(incidents.c.id == incident_id))
        return found.first() is not None

    @staticmethod
    def _require(conn: Connection, incident_id: uuid.UUID) -> IncidentStatus:
        """The report's current status; raises IncidentNotFoundError when it is not here."""
        status = conn.execute(
            select(incidents.c.status).where(incidents.c.id == incident_id)
        ).scalar()
        if status is None:
            raise IncidentNotFoundError(f"No report {incident_id} in the local store.")
        return IncidentStatus(status)

    @staticmethod
    def _advance_status(
        conn: Connection, incident_id: uuid.UUID, new: IncidentStatus, current: IncidentStatus
    ) -> None:
        if new.rank <= current.rank:
            log.debug("Status of %s stays %s (not moving back to %s)", incident_id, current, new)
            return
        conn.execute(
            update(incidents)
            .where(incidents.c.id == incident_id)
            .values(status=new.value, updated_at=datetime.now(UTC))
        )

    @staticmethod
    def _event_row(event: TimelineEvent) -> dict[str, Any]:
        return {
            "id": event.id,
            "incident_id": event.incident_id,
            "kind": event.kind,
            "author": event.author,
            "text": event.text,
            "data": dict(event.data),
            "created_at": event.created_at,
            "origin": event.origin,
        }
