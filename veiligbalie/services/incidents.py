"""IncidentService: registering incidents, their drafts and attachments, and the reporter's
own list (*Mijn meldingen*), on the local store. Widgets call it; it never touches a widget.

Every call is one short local SQLite transaction (or a file copy for an attachment); the
sync engine reports remote changes back through :meth:`notify_changed`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from veiligbalie import settings
from veiligbalie.core.followup import FollowUpTask, default_plan
from veiligbalie.core.ids import uuid7
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import IncidentStatus
from veiligbalie.protocol import sync as p
from veiligbalie.store import attachments as attachment_store
from veiligbalie.store.attachments import (
    ALLOWED_SUFFIXES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    AttachmentError,
    AttachmentInfo,
)
from veiligbalie.store.database import Database
from veiligbalie.store.drafts import OWNER_KEY, Draft, DraftRepository
from veiligbalie.store.incidents import (
    Assignee,
    IncidentRepository,
    IncidentSummary,
    ReferenceInfo,
    TimelineEvent,
)
from veiligbalie.store.pulled import take_news

log = logging.getLogger(__name__)

# The store's types the UI works with, re-exported so widgets depend on the service only.
__all__ = [
    "ALLOWED_SUFFIXES",
    "Assignee",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "AttachmentError",
    "AttachmentInfo",
    "Draft",
    "FollowUpTask",
    "IncidentService",
    "IncidentSummary",
    "Link",
    "ReferenceInfo",
    "TimelineEvent",
]


def _planned(event: TimelineEvent) -> bool:
    return event.kind == "followup" and event.data.get("action") == "planned"


class Link(StrEnum):
    """Whether reports saved here reach a server: what a confirmation may promise."""

    LOCAL = "local"  # no server set up: reports stay on this workstation
    CONNECTED = "connected"  # linked, and the server answered
    OFFLINE = "offline"  # linked, but the server cannot be reached now


class IncidentService(QObject):
    """Registration and the reporter's view of their reports, local first."""

    # Qt carries these Python classes as PyObject: the declared class documents what is sent.
    saved = Signal(Incident)  # with its reference
    # An incident whose status or timeline changed; None: many or new ones (after a pull).
    changed = Signal(uuid.UUID)
    drafts_changed = Signal()
    #: The server link or the queue of unsent changes moved: a shown report's delivery may
    #: have changed (read it again with :meth:`get` and :meth:`link`).
    delivery_changed = Signal()
    #: The signed-in person or the workstation's location changed (sign-in, linking).
    identity_changed = Signal()
    #: Drafts of the previous user holding perpetrator details were removed (how many).
    private_drafts_removed = Signal(int)
    #: News from the server for some of the current reporter's reports (a status change, a
    #: message, a follow-up step or an assignment by someone else), told once: ids (UUID).
    news = Signal(list)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._incidents = IncidentRepository(db)
        self._drafts = DraftRepository(db)
        # Drafts being edited in this process: not "recoverable" while their form is open.
        self._live_drafts: set[uuid.UUID] = set()
        self._user: str | None = None
        self._link = Link.LOCAL
        #: The organisation's closing days (from the cached organisation profile): the
        #: follow-up deadlines of a new report skip them, as the server's do.
        self.closed_days: Callable[[], Collection[date]] = tuple

    # -- Who and where ---------------------------------------------------------------------
    def set_user(self, name: str | None) -> None:
        """The signed-in user: the reporter of new reports while signed in.

        When someone else takes over the workstation (sign-out, another user), drafts the
        previous user wrote that hold perpetrator details are removed, so the next person
        cannot read them; ``private_drafts_removed`` tells how many."""
        user = name.strip() if name and name.strip() else None
        if user != self._user:
            removed = self._drafts.forget_private(user or "")
            if removed:
                log.info("Removed %d drafts with perpetrator details of the previous user", removed)
                self.drafts_changed.emit()
                self.private_drafts_removed.emit(removed)
        self._user = user
        # Called on every change of the session: linking also set the station's location.
        self.identity_changed.emit()

    def reporter_name(self) -> str:
        """The signed-in user, else the REPORTER_NAME setting, else the workstation's name.

        A signed-in user is who the server knows; the setting is for a personal
        workstation without a server."""
        return self._user or settings.REPORTER_NAME.get().strip() or settings.STATION_NAME.get()

    def default_reporter(self) -> str:
        """Who a new report names as reporter: a person (signed in, or the name set in
        Instellingen), never the computer's name; empty when nobody is known."""
        return self._user or settings.REPORTER_NAME.get().strip()

    def default_location(self) -> str:
        """Where a new report happened: the location the administrator or the user set for
        this workstation; empty (never the computer's name) when none is set."""
        return settings.STATION_LOCATION.get().strip()

    # -- Delivery to the server -------------------------------------------------------------
    def link(self) -> Link:
        return self._link

    def set_link(self, state: str) -> None:
        """The sync engine's state ("local", "connected", "offline")."""
        link = Link(state)
        if link is not self._link:
            self._link = link
            self.delivery_changed.emit()

    def notify_delivery(self, *_args: object) -> None:
        """Changes left the queue (or joined it): reports may have reached the server."""
        self.delivery_changed.emit()

    # -- Drafts ----------------------------------------------------------------------------
    def new_draft_id(self) -> uuid.UUID:
        return uuid7()

    def save_draft(self, draft_id: uuid.UUID, state: dict[str, Any]) -> None:
        """Store the form's state; durable when this returns. A draft written while a user
        is signed in names them (removed when another person takes over and it holds
        perpetrator details)."""
        if self._user:
            state = {**state, OWNER_KEY: self._user}
        self._drafts.save(draft_id, state)
        if draft_id not in self._live_drafts:
            self._live_drafts.add(draft_id)
            self.drafts_changed.emit()

    def release_draft(self, draft_id: uuid.UUID) -> None:
        """The form let go of this draft without saving: it becomes recoverable."""
        if draft_id in self._live_drafts:
            self._live_drafts.discard(draft_id)
            self.drafts_changed.emit()

    def claim_draft(self, draft_id: uuid.UUID) -> None:
        """A form took this draft up again; it is no longer offered for recovery."""
        if draft_id not in self._live_drafts:
            self._live_drafts.add(draft_id)
            self.drafts_changed.emit()

    def discard_draft(self, draft_id: uuid.UUID) -> None:
        self._drafts.discard(draft_id)
        self._live_drafts.discard(draft_id)
        self.drafts_changed.emit()

    def recoverable_drafts(self) -> list[Draft]:
        """Drafts left by a crash, a restart or a form that moved on; newest first."""
        return [d for d in self._drafts.list() if d.id not in self._live_drafts]

    # -- Reports ---------------------------------------------------------------------------
    def save(self, incident: Incident, attachments: Sequence[AttachmentInfo] = ()) -> Incident:
        """Commit the report, its attachments and its outbox entry in one transaction.

        Raises ValueError when the report does not pass core validation.
        """
        # Its follow-up plan is stored with it (the server makes the same plan on receipt).
        stored = self._incidents.save_new(
            incident, attachments, plan=True, extra_closed=self.closed_days()
        )
        log.info("incident %s saved as %s", stored.id, stored.reference)
        self.saved.emit(stored)
        return stored

    def import_attachment(self, path: Path | str) -> AttachmentInfo:
        """Copy a file into the data folder; raises AttachmentError with a reason."""
        return attachment_store.import_attachment(Path(path))

    def follow_up_plan(self, incident: Incident) -> list[FollowUpTask]:
        """The follow-up steps the norm sets for this report, earliest deadline first."""
        return default_plan(incident, self.closed_days())

    def get(self, incident_id: uuid.UUID) -> Incident | None:
        return self._incidents.get(incident_id)

    def find_by_reference(self, number: str) -> Incident | None:
        """The report known by ``number``: its final number or the provisional one."""
        return self._incidents.find_by_reference(number)

    def reference_info(self, incident_id: uuid.UUID) -> ReferenceInfo | None:
        return self._incidents.reference_info(incident_id)

    def shows_provisional(self, numbers: ReferenceInfo | IncidentSummary) -> bool:
        """Whether the report's number is to be shown as provisional: it is still this
        workstation's own number while a server will give the final one. Without a server
        it is the only number there is, shown plain."""
        return numbers.provisional and self._link is not Link.LOCAL

    def attachments(self, incident_id: uuid.UUID) -> list[AttachmentInfo]:
        return self._incidents.attachments(incident_id)

    def my_reports(
        self, reporter: str | None = None, limit: int = 200, offset: int = 0
    ) -> list[IncidentSummary]:
        """The reporter's own reports, newest first (default: the current reporter)."""
        return self._incidents.list_by_reporter(
            reporter or self.reporter_name(), limit=limit, offset=offset
        )

    def count(self) -> int:
        """How many reports the local store holds."""
        return self._incidents.count()

    def shared_log(
        self, limit: int = 200, offset: int = 0, include_team_lead_only: bool = True
    ) -> list[IncidentSummary]:
        """Every report on this workstation, newest first (the team lead's log).

        Colleagues' views pass ``include_team_lead_only=False``: reports marked "only
        visible to my team lead" are then left out.
        """
        return self._incidents.list_all(
            limit=limit, offset=offset, include_team_lead_only=include_team_lead_only
        )

    def timeline(self, incident_id: uuid.UUID, *, plan: bool = False) -> list[TimelineEvent]:
        """The report's timeline, oldest first. The follow-up plan (the "planned" events
        made with the report, here and by the server) is left out unless ``plan``: it is the
        worklist's (FollowUpService), not a step anyone took."""
        events = self._incidents.timeline(incident_id)
        if plan:
            return events
        return [e for e in events if not _planned(e)]

    def add_note(self, incident_id: uuid.UUID, author: str, text: str) -> TimelineEvent:
        """Append information to a report; the original report is never changed."""
        if not text.strip():
            raise ValueError("a note needs text")
        event = self._incidents.add_note(incident_id, author, text)
        self.changed.emit(incident_id)
        return event

    def assignee(self, incident_id: uuid.UUID) -> Assignee | None:
        """Who handles the report now (the latest assignment), or None."""
        return self._incidents.assignee(incident_id)

    def is_pulled(self, incident_id: uuid.UUID) -> bool:
        """The report came from the server (written on another workstation)."""
        return self._incidents.origin(incident_id) == "server"

    def announce_news(self) -> list[uuid.UUID]:
        """Tell (signal :attr:`news`) about news that pulls brought for the current
        reporter's reports since the last call; each piece of news is told once, also
        across restarts. Returns the ids told about."""
        pending = take_news(self._db)
        if not pending:
            return []
        me = self.reporter_name()
        mine = [
            incident_id
            for incident_id in pending
            if (incident := self._incidents.get(incident_id)) is not None
            and incident.reporter == me
        ]
        if mine:
            self.news.emit(mine)
        return mine

    def mark_read(self, incident_id: uuid.UUID) -> None:
        """The reporter opened the report: its news is no longer unread."""
        self._incidents.mark_read(incident_id)

    # -- From the sync engine ---------------------------------------------------------------
    def set_status(self, incident_id: uuid.UUID, status: IncidentStatus) -> None:
        self._incidents.set_status(incident_id, status)
        self.changed.emit(incident_id)

    def record_followup(
        self,
        incident_id: uuid.UUID,
        change_kind: str,
        payload: dict[str, Any],
        author: str,
        base_revision: int | None = None,
        at: datetime | None = None,
    ) -> uuid.UUID:
        """Record a follow-up change made here (a team lead's status change, message or
        follow-up step; a field edit, which needs the ``base_revision`` it was made on) on
        the report's timeline and in the outbox, in one transaction; returns the event id.

        ``payload`` is the change payload without ``event_id``; ``at`` the event's time
        (default now). A follow-up step also updates its task in the same transaction, even
        for a task given to this person without its report. Raises ValueError when it does
        not meet the change's schema, LookupError for a report (or task) that is not here.
        """
        if change_kind not in p.TIMELINE_KINDS or change_kind == p.INCIDENT_NOTE_ADDED:
            raise ValueError(f"not a follow-up change kind: {change_kind!r}")
        if change_kind == p.INCIDENT_FIELD_EDITED and base_revision is None:
            raise ValueError("a field edit needs the revision it was based on")
        event_id = uuid7()
        model = p.PAYLOAD_MODELS[change_kind]
        checked = model.model_validate({**payload, "event_id": event_id}).model_dump(mode="json")
        entry = p.timeline_entry(change_kind, checked)
        event = TimelineEvent(
            id=event_id,
            incident_id=incident_id,
            kind=entry.kind.value,
            author=author,
            text=entry.text,
            data=entry.data,
            created_at=at or datetime.now(UTC),
        )
        self._incidents.add_event(event, change_kind, checked, base_revision)
        self.changed.emit(incident_id)
        return event_id

    def record_field_edit(
        self,
        incident_id: uuid.UUID,
        field: str,
        value: Any,
        author: str,
        base_revision: int,
    ) -> uuid.UUID:
        """Change one field of a report, made on ``base_revision`` of the server's copy
        (an edit conflict settled in our favour: made again on the server's revision)."""
        return self.record_followup(
            incident_id,
            p.INCIDENT_FIELD_EDITED,
            {"field": field, "value": value},
            author,
            base_revision=base_revision,
        )

    def adopt_server_value(
        self, incident_id: uuid.UUID, field: str, value: Any, revision: int | None
    ) -> None:
        """An edit conflict settled in the server's favour: its value replaces ours here
        (nothing is queued; the server has it). Raises LookupError for an unknown report."""
        self._incidents.adopt_server_value(incident_id, field, value, revision)
        self.changed.emit(incident_id)

    def notify_changed(self, incident_id: uuid.UUID | None) -> None:
        """Tell the views that a report changed in the store behind this service's back
        (None: many or new ones)."""
        self.changed.emit(incident_id)
