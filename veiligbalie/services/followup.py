"""FollowUpService: the team lead's worklist of follow-up tasks and alarms to follow up.

Every step on a task (ticked off, details recorded, assigned, reopened) is an
``incident.followup`` change recorded through :meth:`IncidentService.record_followup`, the
one write path: the timeline event, its outbox row and the task's new state are written in
one transaction. The clock is injected (``now``), so tests move time by hand.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QObject, QTimer, Signal

from veiligbalie.core.followup import TaskState
from veiligbalie.core.vocabulary import FollowUpKind, TaskAction
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.protocol import sync as p
from veiligbalie.services.dossier import DossierService
from veiligbalie.services.incidents import IncidentService
from veiligbalie.store.alarm_followups import AlarmFollowUp, AlarmFollowUpRepository, ServerItem
from veiligbalie.store.database import Database
from veiligbalie.store.tasks import (
    ALL,
    DONE,
    OPEN,
    OVERDUE,
    EarlierIncident,
    TaskRepository,
    WorkItem,
)

log = logging.getLogger(__name__)

__all__ = [
    "ALL",
    "DONE",
    "OPEN",
    "OVERDUE",
    "AlarmFollowUp",
    "EarlierIncident",
    "FollowUpError",
    "FollowUpService",
    "Person",
    "WorkItem",
]

#: How often the worklist looks at the clock (due soon, overdue).
CHECK_INTERVAL_MS = 60_000
#: How often the server's list of alarms to follow up is asked for (besides on demand).
ALARMS_EVERY_S = 60
#: Pulled reports older than this are history, not news, when they arrive (a first pull).
NEWS_WINDOW = timedelta(days=7)


class FollowUpError(ValueError):
    """A follow-up step that cannot be recorded; ``str()`` is a sentence for the user."""


@dataclass(frozen=True)
class Person:
    """Someone a task can be assigned to (a team lead, coördinator or peer-support member)."""

    id: uuid.UUID | None
    name: str
    role: str = ""


def _real_now() -> datetime:
    return datetime.now(UTC)


class FollowUpService(QObject):
    tasks_changed = Signal()
    #: A task turned due soon (once per task, also across restarts): the WorkItem.
    due_soon = Signal(object)
    #: A report arrived from the server (for a reviewer: something new to look at).
    new_report = Signal(uuid.UUID)
    alarms_changed = Signal()
    #: The people tasks can be assigned to were (re)loaded: list[Person].
    people_changed = Signal(list)

    def __init__(
        self,
        db: Database,
        incidents: IncidentService,
        parent: QObject | None = None,
        *,
        api: ServerApi | None = None,
        linked: Callable[[], bool] = lambda: False,
        now: Callable[[], datetime] = _real_now,
        user_name: Callable[[], str] | None = None,
        user_id: Callable[[], uuid.UUID | None] = lambda: None,
        reviews: Callable[[], bool] = lambda: True,
        check_interval_ms: int = CHECK_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._incidents = incidents
        self._tasks = TaskRepository(db)
        self._alarms = AlarmFollowUpRepository(db)
        self._api = api
        self._linked = linked
        self.now = now
        self._user_name = user_name or incidents.reporter_name
        self._user_id = user_id
        self._reviews = reviews
        self._people: list[Person] = []
        #: The perpetrator dossier (set by the application context): its linked reports are
        #: earlier incidents with the person too.
        self.dossier: DossierService | None = None
        self._alarms_asked = -float(ALARMS_EVERY_S)
        self._timer = QTimer(self)
        self._timer.setInterval(check_interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()
        # Reports change (a pull, a link to an alarm): look again once the burst is over.
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self._after_change)
        incidents.changed.connect(self._soon.start)
        incidents.saved.connect(self._soon.start)
        self._tasks.arrived_reports(self.now() - NEWS_WINDOW)  # sets the mark on first use
        if not self._is_linked():
            self._alarms.refresh_local(self.now())

    # -- Reading --------------------------------------------------------------------------------
    def worklist(
        self,
        state: str = OPEN,
        *,
        mine: bool = False,
        kinds: Iterable[FollowUpKind] = (),
        limit: int = 2000,
    ) -> list[WorkItem]:
        """Tasks across reports, earliest due first, with their status now. ``state``:
        ``open``, ``overdue``, ``done`` or ``all``; ``mine``: assigned to the current user."""
        if mine:
            return self._tasks.worklist(
                self.now(),
                state=state,
                kinds=kinds,
                assignee_user_id=self._user_id(),
                assignee_name=self._user_name() or "\0",
                limit=limit,
            )
        return self._tasks.worklist(self.now(), state=state, kinds=kinds, limit=limit)

    def tasks_of(self, incident_id: uuid.UUID) -> list[TaskState]:
        return self._tasks.tasks_of(incident_id)

    def task(self, task_id: uuid.UUID) -> TaskState | None:
        return self._tasks.get(task_id)

    def report_label(self, incident_id: uuid.UUID) -> tuple[str, str]:
        """``(reference, location)`` of a report here (empty strings when it is not)."""
        incident = self._incidents.get(incident_id)
        if incident is None:
            return "", ""
        return incident.reference or "", incident.location

    def report_damage_cents(self, incident_id: uuid.UUID) -> int | None:
        """The damage the reporter estimated (a start for the damage recovery), if known."""
        incident = self._incidents.get(incident_id)
        return incident.damage_amount_cents if incident is not None else None

    def earlier_incidents(self, incident_id: uuid.UUID) -> list[EarlierIncident]:
        """Other reports about the same person (a response to the perpetrator weighs them):
        those with the same client number here, and those the dossier links to the person
        (this station's copy, read when the report was opened), newest first."""
        found = {e.id: e for e in self._tasks.earlier_incidents(incident_id)}
        if self.dossier is not None:
            for link in self.dossier.earlier_reports(incident_id):
                found.setdefault(
                    link.incident_id,
                    EarlierIncident(
                        link.incident_id,
                        link.reference or "",
                        link.occurred_at,
                        tuple(link.categories),
                    ),
                )
        return sorted(found.values(), key=lambda e: e.occurred_at, reverse=True)

    def user_name(self) -> str:
        return self._user_name()

    # -- Steps on a task -----------------------------------------------------------------------
    def complete(
        self,
        task_id: uuid.UUID,
        done_at: datetime,
        note: str = "",
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """Tick the task off with the date it was done, a short note and its details."""
        self._record(
            task_id,
            TaskAction.DONE,
            {"done": True, "done_at": done_at, "note": note, "details": dict(details or {})},
        )

    def update(
        self, task_id: uuid.UUID, note: str = "", details: Mapping[str, Any] | None = None
    ) -> None:
        """Record details (damage figures, evaluation measures) without ticking it off."""
        self._record(task_id, TaskAction.UPDATED, {"note": note, "details": dict(details or {})})

    def assign(self, task_id: uuid.UUID, user_id: uuid.UUID | None, name: str) -> None:
        """Give the task to a team lead or a peer-support member (None, "": nobody)."""
        self._record(
            task_id,
            TaskAction.ASSIGNED,
            {"assignee_user_id": user_id, "assignee_name": name},
        )

    def reopen(self, task_id: uuid.UUID, note: str = "") -> None:
        """Open a task that was ticked off by mistake."""
        self._record(task_id, TaskAction.REOPENED, {"note": note})

    def _record(self, task_id: uuid.UUID, action: TaskAction, fields: dict[str, Any]) -> None:
        task = self._tasks.get(task_id)
        if task is None:
            raise FollowUpError(self.tr("This task is no longer on this workstation."))
        payload = {
            "kind": task.kind.value,
            "task_id": str(task.id),
            "action": action.value,
            **fields,
        }
        self._check(task.kind, action, payload)
        try:
            self._incidents.record_followup(
                task.incident_id, p.INCIDENT_FOLLOWUP, payload, self._user_name(), at=self.now()
            )
        except ValidationError as exc:
            errors = exc.errors()
            why = str(errors[0]["msg"]) if errors else str(exc)
            raise FollowUpError(
                self.tr("This step cannot be recorded: ") + why.removeprefix("Value error, ")
            ) from exc
        except LookupError as exc:
            raise FollowUpError(self.tr("This task is no longer on this workstation.")) from exc
        self._changed()

    def _check(self, kind: FollowUpKind, action: TaskAction, payload: Mapping[str, Any]) -> None:
        """The rules of :class:`FollowUpPayload`, as sentences for the person ticking off."""
        if action is not TaskAction.DONE:
            return
        details = payload.get("details") or {}
        if payload.get("done_at") is None:
            raise FollowUpError(self.tr("Fill in when it was done."))
        if payload["done_at"] > self.now() + timedelta(minutes=5):
            raise FollowUpError(self.tr("The date it was done lies in the future."))
        if kind is FollowUpKind.POLICE_REPORT and not (
            str(details.get("report_number") or "").strip()
            or str(details.get("not_reported_reason") or "").strip()
        ):
            raise FollowUpError(
                self.tr("Fill in the police report number, or why no report was made.")
            )
        if kind is FollowUpKind.PERPETRATOR_RESPONSE and not details.get("measure"):
            raise FollowUpError(self.tr("Choose the measure taken towards the perpetrator."))

    # -- The clock -------------------------------------------------------------------------------
    def stop(self) -> None:
        """No more looking at the clock (the database is about to close)."""
        self._timer.stop()
        self._soon.stop()
        self._incidents.changed.disconnect(self._soon.start)
        self._incidents.saved.disconnect(self._soon.start)

    def check(self) -> None:
        """Look at the clock: announce tasks that turned due soon (once each), refresh the
        alarms without a report. Runs every minute and after each change."""
        now = self.now()
        soon = self._tasks.due_soon(now)
        fresh = self._tasks.unannounced(task.id for task in soon)
        if fresh:
            for item in self._tasks.worklist(now, state=OPEN, limit=len(soon) + 2000):
                if item.task.id in fresh and item.status == "due_soon":
                    self.due_soon.emit(item)
        self.tasks_changed.emit()
        self.refresh_alarms(force=False)

    def _changed(self) -> None:
        self.check()

    def _after_change(self) -> None:
        arrived = self._tasks.arrived_reports(self.now() - NEWS_WINDOW)
        if self._reviews():
            for report in arrived:
                self.new_report.emit(report.id)
        self.check()

    # -- Alarms without a report -----------------------------------------------------------------
    def alarm_items(self) -> list[AlarmFollowUp]:
        return self._alarms.open_items()

    def refresh_alarms(self, force: bool = True) -> None:
        """The server's list when linked (kept for offline use; asked at most once a
        minute unless ``force``), else the station's own closed alarms no report links."""
        fetch = getattr(self._api, "alarm_followups", None) if self._is_linked() else None
        if fetch is None:
            self._alarms.refresh_local(self.now())
            self.alarms_changed.emit()
            return
        if not force and time.monotonic() - self._alarms_asked < ALARMS_EVERY_S:
            self.alarms_changed.emit()  # a report linked here leaves the list at once
            return
        self._alarms_asked = time.monotonic()
        self._send_pending()
        fetch(self._on_alarm_list)

    def _on_alarm_list(self, answer: Any, error: ApiError | None) -> None:
        if error is not None:
            log.info("alarm follow-up list not fetched: %s", error)
            return
        items = []
        for raw in getattr(answer, "root", answer) or []:
            try:
                items.append(
                    ServerItem(
                        id=uuid.UUID(str(raw.id)),
                        station=str(getattr(raw, "station_name", "") or ""),
                        location=str(raw.location or ""),
                        raised_by=str(raw.raised_by or ""),
                        raised_at=raw.raised_at,
                        state=str(getattr(raw.state, "value", raw.state)),
                        closed_at=raw.closed_at,
                        late=bool(getattr(raw, "late", False)),
                    )
                )
            except (AttributeError, TypeError, ValueError):
                log.warning("alarm follow-up item cannot be read; left out")
        pending = self._alarms.pending()
        self._alarms.replace_from_server([i for i in items if str(i.id) not in pending], self.now())
        self.alarms_changed.emit()

    def close_alarm(self, alarm_id: uuid.UUID, reason: str) -> None:
        """Close an alarm follow-up with a reason: here at once, on the server when linked
        (kept and sent again until it arrives)."""
        if not reason.strip():
            raise FollowUpError(self.tr("Write briefly why no report is needed."))
        self._alarms.close(alarm_id, self._user_name(), reason.strip(), self.now())
        if self._is_linked() and getattr(self._api, "close_alarm_followup", None) is not None:
            pending = self._alarms.pending()
            pending[str(alarm_id)] = reason.strip()
            self._alarms.set_pending(pending)
            self._send_pending()
        self.alarms_changed.emit()

    def _send_pending(self) -> None:
        send = getattr(self._api, "close_alarm_followup", None)
        if send is None:
            return
        for alarm_id, reason in self._alarms.pending().items():
            send(uuid.UUID(alarm_id), reason, self._sent_callback(alarm_id))

    def _sent_callback(self, alarm_id: str) -> Callable[[Any, ApiError | None], None]:
        def sent(_answer: Any, error: ApiError | None) -> None:
            if error is not None and error.transient:
                return  # sent again with the next refresh
            if error is not None:
                log.warning("closing alarm follow-up %s refused: %s", alarm_id, error)
            pending = self._alarms.pending()
            pending.pop(alarm_id, None)
            self._alarms.set_pending(pending)

        return sent

    # -- People to assign to ---------------------------------------------------------------------
    def people(self) -> list[Person]:
        """Who tasks can be assigned to, as last loaded; at least the current user."""
        me = Person(self._user_id(), self._user_name())
        if not any(p.name == me.name for p in self._people) and me.name:
            return [me, *self._people]
        return list(self._people)

    def load_people(self) -> None:
        """Ask the server for the reviewers and peer-support members (``people_changed``)."""
        fetch = getattr(self._api, "people", None) if self._is_linked() else None
        if fetch is None:
            self.people_changed.emit(self.people())
            return
        fetch(self._on_people)

    def _on_people(self, answer: Any, error: ApiError | None) -> None:
        if error is None:
            people = []
            for raw in getattr(answer, "root", answer) or []:
                try:
                    role = getattr(raw, "role", "")
                    people.append(
                        Person(
                            uuid.UUID(str(raw.id)),
                            str(raw.display_name),
                            str(getattr(role, "value", role)),
                        )
                    )
                except (AttributeError, TypeError, ValueError):
                    continue
            self._people = people
        self.people_changed.emit(self.people())

    def _is_linked(self) -> bool:
        try:
            return bool(self._linked()) and self._api is not None
        except Exception:  # a session being torn down
            return False
