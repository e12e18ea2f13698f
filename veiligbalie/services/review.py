"""ReviewService: what a reviewer (team lead, coördinator) sees of one report and does with
it: open it (the first open by a reviewer tells the reporter "Ontvangen door teamleider"),
assign it, move it to "In behandeling", close it with a conclusion, and write to the
reporter. Every action is a follow-up change on the report's timeline, recorded locally and
queued for the server in one transaction by :class:`IncidentService`.

The linked alarm's log comes from the server when this workstation is linked and signed in
(it knows who got the alarm over which path), else from this workstation's own alarm log.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from veiligbalie import settings
from veiligbalie.core.followup import TaskState
from veiligbalie.core.incident import Incident
from veiligbalie.core.limits import TEXT_MAX
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType, IncidentStatus, Role
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.protocol import sync as p
from veiligbalie.services.incidents import (
    AttachmentInfo,
    IncidentService,
    TimelineEvent,
)
from veiligbalie.store.alarms import CLOSE_STORED, AlarmRepository
from veiligbalie.store.database import Database
from veiligbalie.store.tasks import TaskRepository

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext
    from veiligbalie.services.session import Session

log = logging.getLogger(__name__)

__all__ = [
    "AlarmLogLine",
    "AttachmentState",
    "LinkedAlarm",
    "Person",
    "ReportDetail",
    "ReviewError",
    "ReviewProblem",
    "ReviewService",
]

#: Timeline kinds a colleague (not a reviewer) sees of someone else's report in the shared
#: log: what was added and how far it got, no follow-up, no messages, no assignment.
COLLEAGUE_KINDS = frozenset({TimelineKind.NOTE.value, TimelineKind.STATUS.value})


class ReviewProblem(StrEnum):
    """Why an action was refused (the UI says it in words)."""

    NOT_ALLOWED = "not_allowed"  # the signed-in role does not review
    NOT_FOUND = "not_found"  # the report is not on this workstation
    NEEDS_CONCLUSION = "needs_conclusion"  # closing without a conclusion
    NEEDS_TEXT = "needs_text"  # an empty message
    TOO_LONG = "too_long"  # longer than TEXT_MAX
    CLOSED = "closed"  # the report is closed already
    NEEDS_PERSON = "needs_person"  # assigning to nobody chosen


class ReviewError(ValueError):
    def __init__(self, problem: ReviewProblem, detail: str = "") -> None:
        super().__init__(detail or problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Person:
    """Someone a report can be assigned to."""

    user_id: uuid.UUID | None
    name: str
    role: str = ""
    #: The signed-in reviewer (or the one local reviewer without a server): "Ikzelf".
    me: bool = False
    #: A team lead of the reporter's team (listed right after "Ikzelf").
    leads_team: bool = False


@dataclass(frozen=True)
class AlarmLogLine:
    """One line of an alarm's log: what happened (``kind``: raised, sent, delivered,
    received, acknowledged, escalated, resolved, cancelled, …), who did it, at which
    workstation, over which path, and how many seconds after the press."""

    kind: str
    actor: str
    station: str
    path: str
    at: datetime
    after_seconds: float | None
    #: An escalation's level, and whether it went out with the press itself (level 0: the
    #: colleagues alerted at once) rather than after nobody answered.
    level: int | None = None
    at_once: bool = False
    #: Whom the escalation alerted (the server's names: colleagues, security, team_lead, …).
    targets: tuple[str, ...] = ()
    #: The server heard of it afterwards (it could not be reached at the time).
    late: bool = False
    #: Why the server refused it (a "refused" line of the workstation's own log).
    reason: str = ""


@dataclass(frozen=True)
class LinkedAlarm:
    id: uuid.UUID
    raised_at: datetime
    station: str
    location: str
    kind: AlarmKind
    type: AlarmType
    state: AlarmState
    test: bool
    #: "server" (the server's log) or "local" (this workstation's own log).
    source: str
    lines: tuple[AlarmLogLine, ...] = ()


class AttachmentState(StrEnum):
    HERE = "here"  # the file is on this workstation
    ON_SERVER = "on_server"  # only on the server (a pulled report), not downloaded here
    MISSING = "missing"  # listed, but the file is gone from this workstation


@dataclass(frozen=True)
class ReportDetail:
    """Everything the detail view shows of one report."""

    incident: Incident
    timeline: tuple[TimelineEvent, ...]
    attachments: tuple[AttachmentInfo, ...]
    assignee_user_id: uuid.UUID | None
    assignee_name: str
    #: The viewer may act (assign, status, close, message) and sees follow-up.
    can_act: bool
    #: The perpetrator fields may be shown to this viewer.
    show_restricted: bool
    #: Pulled from the server (written on another workstation).
    pulled: bool
    #: The status "received" was recorded by this open (the first open by a reviewer).
    received_now: bool = False
    notes: tuple[TimelineEvent, ...] = field(default=())

    @property
    def closed(self) -> bool:
        return self.incident.status is IncidentStatus.CLOSED


PeopleCallback = Callable[[list[Person], ApiError | None], None]
AlarmCallback = Callable[[LinkedAlarm | None], None]


class ReviewService(QObject):
    """The reviewer's actions on one report; the UI calls it and never touches the store."""

    def __init__(
        self,
        incidents: IncidentService,
        db: Database,
        session: Session | None = None,
        api: Callable[[], ServerApi | None] | None = None,
        attachments: Any = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent or incidents)
        self.incidents = incidents
        self._db = db
        self._session = session
        self._api = api or (lambda: None)
        self._alarms = AlarmRepository(db)
        #: The review-sync helper's download service (``open(incident_id, sha256)``), when
        #: this build has one; without it a pulled report's files are shown as on the server.
        self._attachment_service = attachments

    @classmethod
    def from_context(cls, context: AppContext) -> ReviewService:
        engine = context.sync

        def api() -> ServerApi | None:
            return engine.api if engine is not None and engine.configured else None

        return cls(
            context.incidents,
            context.db,
            session=context.session,
            api=api,
            attachments=getattr(context, "attachments", None),
        )

    # -- Who is looking -------------------------------------------------------------------
    def local_only(self) -> bool:
        """No server set up: the person at this workstation is its one local reviewer."""
        return not settings.SERVER_URL.get()

    def role(self) -> Role | None:
        """The viewer's role: the signed-in user's; the local reviewer (team lead) without a
        server; None on a linked workstation nobody signed in on (a colleague's view)."""
        session = self._session
        if session is not None and session.logged_in:
            return session.role
        if self.local_only():
            return Role.TEAM_LEAD
        return None

    def can_act(self) -> bool:
        role = self.role()
        return role is not None and role.reviews

    def me(self) -> Person:
        session = self._session
        user_id = session.user_id if session is not None else None
        if user_id is None and self.local_only():
            user_id = uuid.uuid5(uuid.NAMESPACE_URL, f"veiligbalie:local:{self._db.device_id}")
        role = self.role()
        return Person(user_id, self.author(), role.value if role else "", me=True)

    def author(self) -> str:
        """The name the reviewer's events carry (the signed-in display name)."""
        return self.incidents.reporter_name()

    # -- Reading ---------------------------------------------------------------------------
    def open(self, incident_id: uuid.UUID) -> ReportDetail | None:
        """Everything the detail shows; None when the report is not here. The first open by
        a reviewer of a report not yet received records the status "received"."""
        incident = self.incidents.get(incident_id)
        if incident is None:
            return None
        can_act = self.can_act()
        received_now = False
        if can_act and incident.status.rank < IncidentStatus.RECEIVED.rank:
            self._record(incident_id, p.INCIDENT_STATUS_CHANGED, {"status": "received"})
            incident = replace(incident, status=IncidentStatus.RECEIVED)
            received_now = True
            log.info("report %s received by %s", incident_id, self.author())
        mine = incident.reporter == self.incidents.reporter_name()
        timeline = self.incidents.timeline(incident_id)
        if not can_act and not mine:
            timeline = [e for e in timeline if e.kind in COLLEAGUE_KINDS]
        assignee = self.incidents.assignee(incident_id)
        return ReportDetail(
            incident=incident,
            timeline=tuple(timeline),
            attachments=tuple(self.incidents.attachments(incident_id)),
            assignee_user_id=assignee.user_id if assignee else None,
            assignee_name=assignee.name if assignee else "",
            can_act=can_act,
            show_restricted=can_act or mine,
            pulled=self.incidents.is_pulled(incident_id),
            received_now=received_now,
            notes=tuple(e for e in timeline if e.kind == TimelineKind.NOTE.value),
        )

    def people(self, callback: PeopleCallback, incident_id: uuid.UUID | None = None) -> None:
        """Who the report can be assigned to: the server's reviewers and peer-support
        members when linked, else the one local reviewer. ``callback(people, error)`` runs
        once, possibly before this returns; on an error it gets the local reviewer."""
        me = self.me()
        api = self._api()
        ask = getattr(api, "people", None) if api is not None else None
        if ask is None:
            callback([me], None)
            return

        def answered(found: Sequence[Any] | None, error: ApiError | None) -> None:
            if error is not None or found is None:
                callback([me], error)
                return
            people = [
                Person(
                    person.id,
                    person.display_name,
                    str(getattr(person.role, "value", person.role)),
                    me=person.id == me.user_id,
                    leads_team=bool(getattr(person, "leads_reporters_team", False)),
                )
                for person in found
            ]
            if not any(person.me for person in people):
                people.insert(0, me)
            people.sort(
                key=lambda person: (not person.me, not person.leads_team, person.name.casefold())
            )
            callback(people, None)

        if incident_id is None:
            ask(answered)
        else:
            ask(answered, incident_id)

    def alarm(self, alarm_id: uuid.UUID, callback: AlarmCallback) -> None:
        """The linked alarm with its log: the server's when it can tell, else this
        workstation's own. ``callback`` runs once (None: the alarm is known nowhere)."""
        api = self._api()
        ask = getattr(api, "alarm_detail", None) if api is not None else None
        if ask is None:
            callback(self.local_alarm(alarm_id))
            return

        def answered(detail: Any, error: ApiError | None) -> None:
            if error is not None or detail is None:
                callback(self.local_alarm(alarm_id))
                return
            callback(_from_server(detail))

        ask(alarm_id, answered)

    def local_alarm(self, alarm_id: uuid.UUID) -> LinkedAlarm | None:
        record = self._alarms.get(alarm_id)
        if record is None:
            return None
        lines = tuple(
            _line(e.kind, e.actor, e.path, e.at, e.data, record.raised_at)
            for e in self._alarms.events(alarm_id)
            if e.kind not in _UNTOLD
        )
        return LinkedAlarm(
            id=record.id,
            raised_at=record.raised_at,
            station=record.station,
            location=record.location,
            kind=record.kind,
            type=record.type,
            state=record.state,
            test=record.test,
            source="local",
            lines=lines,
        )

    def attachment_state(self, incident_id: uuid.UUID, info: AttachmentInfo) -> AttachmentState:
        if info.stored_path.is_file():
            return AttachmentState.HERE
        if self.incidents.is_pulled(incident_id):
            return AttachmentState.ON_SERVER
        return AttachmentState.MISSING

    @property
    def attachment_service(self) -> Any:
        """The download service (signals ``ready(sha256, path)``, ``failed(sha256, text)``),
        or None in a build without one."""
        return self._attachment_service

    def can_download(self) -> bool:
        """A download service exists in this build (it explains itself when unlinked)."""
        return self._attachment_service is not None

    def download(self, incident_id: uuid.UUID, info: AttachmentInfo) -> bool:
        """Ask the download service to fetch (checksum verified) and open a file of a pulled
        report; False when there is none (the file is only on the server)."""
        service = self._attachment_service
        if service is None:
            return False
        service.open(incident_id, info.sha256, info.original_name)
        return True

    @staticmethod
    def local_file(info: AttachmentInfo) -> Path | None:
        return info.stored_path if info.stored_path.is_file() else None

    # -- Acting ----------------------------------------------------------------------------
    def tasks(self, incident_id: uuid.UUID) -> list[TaskState]:
        """The report's follow-up tasks, earliest due first (for its incident report)."""
        return TaskRepository(self._db).tasks_of(incident_id)

    def assign(self, incident_id: uuid.UUID, user_id: uuid.UUID | None, name: str) -> uuid.UUID:
        """Give the report to someone to handle; returns the event id."""
        name = name.strip()
        if not name:
            raise ReviewError(ReviewProblem.NEEDS_PERSON)
        self._check(incident_id)
        payload = {"assignee_user_id": str(user_id) if user_id else None, "assignee_name": name}
        return self._record(incident_id, p.INCIDENT_ASSIGNED, payload)

    def set_status(self, incident_id: uuid.UUID, status: IncidentStatus) -> uuid.UUID:
        """Move the report on to "received" or "in progress" (closing: :meth:`close`)."""
        status = IncidentStatus(status)
        if status is IncidentStatus.CLOSED:
            raise ReviewError(ReviewProblem.NEEDS_CONCLUSION)
        if status not in (IncidentStatus.RECEIVED, IncidentStatus.IN_PROGRESS):
            raise ValueError(f"a reviewer does not set the status {status.value!r}")
        self._check(incident_id)
        return self._record(incident_id, p.INCIDENT_STATUS_CHANGED, {"status": status.value})

    def close(self, incident_id: uuid.UUID, conclusion: str) -> uuid.UUID:
        """Close the report with a short conclusion the reporter reads (required)."""
        conclusion = conclusion.strip()
        if not conclusion:
            raise ReviewError(ReviewProblem.NEEDS_CONCLUSION)
        if len(conclusion) > TEXT_MAX:
            raise ReviewError(ReviewProblem.TOO_LONG)
        self._check(incident_id)
        payload = {"status": IncidentStatus.CLOSED.value, "conclusion": conclusion}
        return self._record(incident_id, p.INCIDENT_STATUS_CHANGED, payload)

    def message(self, incident_id: uuid.UUID, text: str) -> uuid.UUID:
        """A written message to the reporter, signed with the reviewer's name."""
        text = text.strip()
        if not text:
            raise ReviewError(ReviewProblem.NEEDS_TEXT)
        if len(text) > TEXT_MAX:
            raise ReviewError(ReviewProblem.TOO_LONG)
        self._check(incident_id, closed_ok=True)
        author = self.author()[: p.NAME_MAX]
        return self._record(incident_id, p.INCIDENT_MESSAGE, {"author": author, "text": text})

    # -- Internals -------------------------------------------------------------------------
    def _check(self, incident_id: uuid.UUID, closed_ok: bool = False) -> Incident:
        if not self.can_act():
            raise ReviewError(ReviewProblem.NOT_ALLOWED)
        incident = self.incidents.get(incident_id)
        if incident is None:
            raise ReviewError(ReviewProblem.NOT_FOUND)
        if incident.status is IncidentStatus.CLOSED and not closed_ok:
            raise ReviewError(ReviewProblem.CLOSED)
        return incident

    def _record(self, incident_id: uuid.UUID, kind: str, payload: dict[str, Any]) -> uuid.UUID:
        return self.incidents.record_followup(incident_id, kind, payload, self.author())


def _line(
    kind: str,
    actor: str,
    path: str,
    at: datetime,
    data: dict[str, Any],
    raised_at: datetime,
) -> AlarmLogLine:
    after_ms = data.get("after_ms")
    if isinstance(after_ms, int | float):
        after: float | None = after_ms / 1000
    else:
        after = (at - raised_at).total_seconds()
    if kind == "raised":
        after = None
    station = str(data.get("station_name") or "")
    level = data.get("level") if kind == "escalated" else None
    targets = data.get("targets") if kind == "escalated" else None
    return AlarmLogLine(
        kind,
        actor or "",
        station,
        path or "",
        at,
        after,
        level if isinstance(level, int) else None,
        bool(data.get("with_raise")) if kind == "escalated" else False,
        tuple(str(t) for t in targets) if isinstance(targets, list) else (),
        bool(data.get("late")),
        str(data.get("reason") or ""),
    )


#: Lines of the workstation's own log that are its bookkeeping, not part of the story.
_UNTOLD = frozenset((CLOSE_STORED,))


def _from_server(detail: Any) -> LinkedAlarm:
    """The server's ``AlarmDetail`` (alarm and log) as the detail view shows it."""
    alarm = detail.alarm
    lines = tuple(
        _line(e.kind, e.actor, e.path, e.at, dict(e.data or {}), alarm.raised_at)
        for e in sorted(detail.log, key=lambda e: e.at)
    )
    return LinkedAlarm(
        id=alarm.id,
        raised_at=alarm.raised_at,
        station=alarm.station_name,
        location=alarm.location,
        kind=AlarmKind(alarm.kind),
        type=AlarmType(alarm.type),
        state=AlarmState(alarm.state),
        test=bool(alarm.test),
        source="server",
        lines=lines,
    )
