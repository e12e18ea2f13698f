"""Wire schemas of the audit log (administrators and privacy officers read it)."""

from __future__ import annotations

import uuid
from datetime import datetime

from veiligbalie.protocol.base import WireModel

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
