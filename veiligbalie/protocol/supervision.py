"""Wire schemas of supervision (Toezicht): the station board, the alarm log with each
alarm's story, the test-alarm results, and a site's opening hours and test schedule.

Routes (security, team leads and coördinators; a coördinator may name any site)::

    GET /api/v1/supervision/sites                         -> SupervisionSites
    GET /api/v1/supervision/board?site_id=                -> StationBoard
    GET /api/v1/supervision/alarms?site_id=&limit=        -> AlarmLog
    GET /api/v1/supervision/tests?site_id=                -> TestOverview
    GET /api/v1/admin/sites/{id}/supervision              -> SupervisionSettingsOut
    PUT /api/v1/admin/sites/{id}/supervision  SupervisionSettingsIn -> SupervisionSettingsOut

Stream event (to security, team leads and coördinators of the site)::

    {"type": "station.dropout", "site_id": ..., "dropout": DropoutBody}

sent when a station of the site went offline during opening hours (``back_at`` null) and
again when it came back (``back_at`` set).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from veiligbalie.protocol.alarm_server import AlarmLogEntry
from veiligbalie.protocol.alarms import AlarmBody
from veiligbalie.protocol.base import CheckedModel, FrozenWireModel

SUPERVISION_PATH = "/supervision"
DROPOUT_EVENT = "station.dropout"
Clock = Annotated[str, Field(min_length=4, max_length=5, pattern=r"^\d{1,2}:\d{2}$")]


def admin_path(site_id: uuid.UUID | str) -> str:
    return f"/admin/sites/{site_id}/supervision"


class OpeningPeriodBody(CheckedModel):
    """Open on ``weekday`` (0 Monday … 6 Sunday) from ``opens`` to ``closes`` (HH:MM;
    ``24:00`` is midnight)."""

    weekday: int = Field(ge=0, le=6)
    opens: Clock
    closes: Clock


class SupervisionSettingsIn(CheckedModel):
    """What an administrator sets for a site: opening hours and the test-alarm schedule
    (every ``test_every_days`` days, or weekly on ``test_weekday``; neither: no schedule)."""

    timezone: Annotated[str, Field(max_length=64)] = "Europe/Amsterdam"
    opening_hours: list[OpeningPeriodBody] = Field(default_factory=list, max_length=28)
    test_every_days: int | None = None
    test_weekday: int | None = None


class SupervisionSettingsOut(FrozenWireModel):
    site_id: uuid.UUID
    site_name: str = ""
    timezone: str
    opening_hours: list[OpeningPeriodBody]
    test_every_days: int | None = None
    test_weekday: int | None = None
    #: Nothing stored yet: the defaults apply (weekdays 08:00–17:00, no test schedule).
    default: bool = False
    updated_at: datetime | None = None
    updated_by: str = ""


class SiteChoice(FrozenWireModel):
    site_id: uuid.UUID
    name: str


class SupervisionSites(FrozenWireModel):
    """The sites the viewer may supervise (one, except for a coördinator)."""

    sites: list[SiteChoice]
    default_site_id: uuid.UUID | None = None


class DropoutBody(FrozenWireModel):
    id: uuid.UUID
    site_id: uuid.UUID
    workstation_id: uuid.UUID
    name: str = ""
    location: str = ""
    since: datetime
    back_at: datetime | None = None


class StationDropoutEvent(FrozenWireModel):
    type: Literal["station.dropout"] = "station.dropout"
    site_id: str
    dropout: DropoutBody


class TestResult(FrozenWireModel):
    """A station's last test alarm: who got it (heard) and who answered."""

    alarm_id: uuid.UUID
    at: datetime
    heard_by: list[str] = Field(default_factory=list)
    answered_by: list[str] = Field(default_factory=list)
    #: answered (someone answered) | heard (delivered, nobody answered) | missed (nobody)
    result: Literal["answered", "heard", "missed"]


class BoardStation(FrozenWireModel):
    workstation_id: uuid.UUID
    name: str
    location: str
    station_id: uuid.UUID | None = None
    online: bool
    #: Linked with its enrolment code; False: added by the administrator, never linked yet
    #: (it cannot be online or drop out).
    enrolled: bool = True
    #: Its link ended by the administrator (it cannot come back or drop out).
    revoked: bool = False
    via: str = ""  # stream | heartbeat, how the server last saw it
    #: Online: since when it is connected without a break; offline: when it was last seen.
    since: datetime | None = None
    client_version: str | None = None
    #: The open drop-out (offline during opening hours, not back yet).
    dropout: DropoutBody | None = None
    last_test: TestResult | None = None
    #: Not tested within the schedule since this (local) date.
    test_due_since: date | None = None


class StationBoard(FrozenWireModel):
    site_id: uuid.UUID
    site_name: str
    open_now: bool
    settings: SupervisionSettingsOut
    stations: list[BoardStation]
    checked_at: datetime


class Delivery(FrozenWireModel):
    station_name: str
    path: str  # server | lan
    at: datetime


class Answer(FrozenWireModel):
    responder: str
    station_name: str = ""
    path: str = "server"
    at: datetime
    seconds: float  # after the alarm was raised


class EscalationStep(FrozenWireModel):
    level: int
    targets: list[str] = Field(default_factory=list)
    webhook: bool = False
    at: datetime


class ReportLink(FrozenWireModel):
    incident_id: uuid.UUID
    reference: str | None = None


class AlarmStory(FrozenWireModel):
    """One alarm with everything supervision reads it for."""

    alarm: AlarmBody
    escalation_level: int = -1
    deliveries: list[Delivery] = Field(default_factory=list)
    answers: list[Answer] = Field(default_factory=list)
    escalations: list[EscalationStep] = Field(default_factory=list)
    closed_at: datetime | None = None
    closed_by: str = ""
    report: ReportLink | None = None
    #: The full log (only in the answer for one alarm).
    log: list[AlarmLogEntry] = Field(default_factory=list)


class AlarmLog(FrozenWireModel):
    site_id: uuid.UUID
    alarms: list[AlarmStory]


class TestStation(FrozenWireModel):
    workstation_id: uuid.UUID
    name: str
    location: str
    last_test: TestResult | None = None
    test_due_since: date | None = None


class TestOverview(FrozenWireModel):
    site_id: uuid.UUID
    settings: SupervisionSettingsOut
    stations: list[TestStation]
