"""Putting reports and timeline events into a local store as a pull from the server would,
through the store's one write path for pulled data."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from veiligbalie.core.incident import Incident, incident_to_dict
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import IncidentStatus
from veiligbalie.store.database import Database
from veiligbalie.store.pulled import (
    SERVER,
    AppliedPage,
    EventRow,
    PulledData,
    PulledEvent,
    incident_row,
)
from veiligbalie.store.types import dumps, utc_text


def pull_report(db: Database, incident: Incident, revision: int = 1) -> AppliedPage:
    """``incident`` arrives from the server (written elsewhere, or ours coming back)."""
    now = datetime.now(UTC)
    report = {**incident_to_dict(incident), "revision": revision}
    return PulledData(db).apply([incident_row(report, now, utc_text(now))])


def pulled_event(
    incident_id: uuid.UUID,
    kind: TimelineKind,
    text: str = "",
    data: dict[str, Any] | None = None,
    author: str = "teamleider Els",
    own: bool = False,
    revision: int = 0,
) -> PulledEvent:
    """A timeline event of a report as the server sends it to another device."""
    data = data or {}
    row = EventRow(
        id=str(uuid.uuid4()),
        incident_id=str(incident_id),
        kind=kind.value,
        author=author,
        text=text,
        data=dumps(data),
        created_at=utc_text(datetime.now(UTC)),
        origin=SERVER,
    )
    status = IncidentStatus(data["status"]) if kind is TimelineKind.STATUS else None
    return PulledEvent(row, revision=revision, own=own, status=status)
