"""Wire schemas of the incident read API (role-filtered summaries and details with timeline)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from veiligbalie.core.vocabulary import IncidentStatus
from veiligbalie.protocol.base import WireModel


class IncidentSummaryOut(WireModel):
    id: uuid.UUID
    reference: str | None
    site_id: uuid.UUID
    occurred_at: datetime
    categories: list[str]
    severity: str
    location: str
    status: IncidentStatus
    team_lead_only: bool
    restricted: bool
    description_excerpt: str
    revision: int
    created_at: datetime
    #: The number the reporting station gave before the server gave ``reference``.
    provisional_reference: str | None = None
    assignee_user_id: uuid.UUID | None = None
    assignee_name: str = ""
    alarm_id: uuid.UUID | None = None


class IncidentList(WireModel):
    total: int
    items: list[IncidentSummaryOut]


class TimelineEventOut(WireModel):
    id: uuid.UUID
    kind: str  # a core.timeline.TimelineKind value; newer servers may add kinds
    author: str
    text: str
    data: dict[str, Any]
    created_at: datetime


class IncidentDetail(WireModel):
    incident: dict[str, Any]  # core.incident.incident_to_dict shape (+ status, revision)
    status: IncidentStatus
    revision: int
    restricted_stripped: bool
    timeline: list[TimelineEventOut]
