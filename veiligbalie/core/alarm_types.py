"""The alarm as a workstation knows it: the alarm, the colleagues answering it and the
station's own identity on the alarm paths. Plain values shared by the alarm service, its
transports (net) and the widgets that show them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType


@dataclass(frozen=True)
class StationIdentity:
    """Who this workstation is on the alarm paths."""

    station_id: uuid.UUID
    name: str
    location: str
    site_id: str


@dataclass(frozen=True)
class Responder:
    """A colleague who said "Ik kom eraan"."""

    name: str
    station_id: uuid.UUID | None
    station_name: str
    at: datetime
    path: str = "local"

    @property
    def key(self) -> str:
        return str(self.station_id) if self.station_id is not None else f"name:{self.name}"


@dataclass(frozen=True)
class AlarmFacts:
    """What an alarm is from the moment it is raised; the workstation's view of it
    (:class:`Alarm`) and the local store's row (``AlarmRecord``) both start with these."""

    id: uuid.UUID
    kind: AlarmKind
    type: AlarmType
    station: str
    location: str
    raised_at: datetime


@dataclass(frozen=True)
class Alarm(AlarmFacts):
    state: AlarmState = AlarmState.RAISED
    test: bool = False
    station_id: uuid.UUID | None = None
    raised_by: str = ""
    mine: bool = False  # raised on this workstation
    responders: tuple[Responder, ...] = ()
    closed_by: str = ""
    closed_at: datetime | None = None
    received_at: datetime | None = None  # when it first reached us (colleagues' alarms)
    path: str = "local"  # how it first reached us
    #: The server's escalation: the highest level fired (-1: none) and whom it alerted
    #: (role names, "colleagues"; "webhook" when an alarm centre was called).
    escalation_level: int = -1
    escalated_to: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return AlarmState(self.state).is_open

    @property
    def responding(self) -> int:
        """How many colleagues are on their way."""
        return len({responder.key for responder in self.responders})
