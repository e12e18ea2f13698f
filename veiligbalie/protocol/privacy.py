"""Wire schemas of the audit log (administrators and privacy officers read it)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from veiligbalie.protocol.base import CheckedModel, WireModel

#: The largest page of audit rows one request answers.
AUDIT_LIMIT_MAX = 1000


class AuditEntryOut(WireModel):
    """One row of the audit log: who did what to which subject, when, from which station."""

    id: uuid.UUID
    at: datetime
    actor: str
    user_id: uuid.UUID | None = None
    action: str
    subject: str
    incident_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    station: str = ""
    detail: str = ""


class AuditPage(WireModel):
    total: int
    limit: int
    offset: int
    entries: list[AuditEntryOut]


class RetentionOut(WireModel):
    """The retention periods in months (None: kept, no period set)."""

    reports_months: int | None = None
    perpetrator_months: int | None = None
    attachments_months: int | None = None


class RetentionIn(CheckedModel):
    """Only the periods given change (as ``admin retention set``); the server checks them."""

    reports_months: int | None = None
    perpetrator_months: int | None = None
    attachments_months: int | None = None


class PurgeCount(WireModel):
    kind: str  # reports, perpetrator, attachments, persons, signaleringen …
    count: int
    oldest: datetime | None = None


class PurgePreview(WireModel):
    """What the next purge would remove (``admin retention preview``), and when it runs."""

    at: datetime
    next_run: datetime | None = None
    counts: list[PurgeCount] = Field(default_factory=list)
