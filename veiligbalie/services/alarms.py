"""Raising and following alarms.

Local first: an alarm is written to the local store before anything is sent, so the
alarm log is complete even when nothing could be delivered. Delivery paths (the server
stream and the signed LAN beacon) register themselves as :class:`AlarmPath`; with none
connected the service says so (``connected`` is False) and the UI shows
"Alarm niet verbonden" in plain sight instead of pretending.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from veiligbalie import settings
from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType
from veiligbalie.store.alarms import AlarmRepository
from veiligbalie.store.database import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Alarm:
    id: uuid.UUID
    kind: AlarmKind
    type: AlarmType
    station: str
    location: str
    raised_at: datetime
    state: AlarmState = AlarmState.RAISED
    test: bool = False


class AlarmPath(Protocol):
    """A way to reach responders (server stream, LAN beacon)."""

    name: str

    def is_connected(self) -> bool: ...

    def reachable_responders(self) -> int: ...

    def send_raise(self, alarm: Alarm) -> bool: ...


class AlarmService(QObject):
    raised = Signal(object)  # an Alarm of ours or of a colleague, once per alarm id
    delivery_failed = Signal(object)  # our Alarm reached no path at all
    connectivity_changed = Signal(bool)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._repo = AlarmRepository(db)
        self._paths: list[AlarmPath] = []

    # -- Paths -----------------------------------------------------------------------------
    def add_path(self, path: AlarmPath) -> None:
        self._paths.append(path)
        self.connectivity_changed.emit(self.connected)

    @property
    def connected(self) -> bool:
        return any(path.is_connected() for path in self._paths)

    def reachable_responders(self) -> int:
        return sum(path.reachable_responders() for path in self._paths if path.is_connected())

    # -- Raising ---------------------------------------------------------------------------
    def raise_alarm(
        self,
        kind: AlarmKind = AlarmKind.SILENT,
        alarm_type: AlarmType = AlarmType.AGGRESSION,
        test: bool = False,
    ) -> Alarm:
        """Store the alarm, then hand it to every connected path at once."""
        alarm = Alarm(
            id=uuid7(),
            kind=kind,
            type=alarm_type,
            station=settings.STATION_NAME.get(),
            location=settings.STATION_LOCATION.get() or settings.STATION_NAME.get(),
            raised_at=datetime.now(UTC),
            test=test,
        )
        self._repo.record_alarm(
            alarm.id,
            alarm.kind,
            alarm.type,
            alarm.station,
            alarm.location,
            alarm.raised_at,
            alarm.state,
            alarm.test,
        )
        self._repo.add_event(alarm.id, "raised", alarm.station, "local", alarm.raised_at, {})
        delivered = False
        for path in self._paths:
            if path.is_connected() and path.send_raise(alarm):
                delivered = True
                self._repo.add_event(
                    alarm.id, "sent", alarm.station, path.name, datetime.now(UTC), {}
                )
        log.warning(
            "Alarm %s raised (%s, %s%s), delivered: %s",
            alarm.id,
            alarm.kind.value,
            alarm.type.value,
            ", test" if test else "",
            delivered,
        )
        self.raised.emit(alarm)
        if not delivered:
            self._repo.add_event(
                alarm.id, "undelivered", alarm.station, "local", datetime.now(UTC), {}
            )
            self.delivery_failed.emit(alarm)
        return alarm
