"""Wire schemas of the team lead's review routes: the people a report or task can be given
to, a report's attachments on the server, and alarms that still need follow-up."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field, field_validator

from veiligbalie.core.limits import TEXT_MAX
from veiligbalie.core.vocabulary import AlarmState, Role
from veiligbalie.protocol.base import WireModel, reject_nul

#: The header of an attachment upload that carries its original name, percent-encoded.
FILENAME_HEADER = "X-VB-Filename"
#: The header of an attachment download that carries the file's SHA-256 (hex).
SHA256_HEADER = "X-VB-SHA256"


class PersonOut(WireModel):
    """Someone a report or task can be assigned to: a team lead of the caller's site (a
    coordinator gets every site's), a coordinator, or a member of the peer-support team."""

    id: uuid.UUID
    display_name: str
    role: Role
    site_id: uuid.UUID | None = None
    #: A team lead of the team of the report asked about (``GET /people?incident=``): listed
    #: first, and for a report only team leads see, the only team leads listed.
    leads_reporters_team: bool = False


class AttachmentOut(WireModel):
    """One file of a report's attachment list and whether its bytes reached the server."""

    sha256: str
    name: str
    size: int
    mime_type: str
    uploaded: bool


class AlarmFollowUpOut(WireModel):
    """An alarm that ended without a report (or was cancelled) and that no reviewer closed."""

    id: uuid.UUID
    site_id: uuid.UUID
    station_name: str
    location: str
    raised_by: str
    raised_at: datetime
    state: AlarmState
    #: When the alarm was resolved or cancelled.
    closed_at: datetime
    #: The station reported it after the fact (the server could not be reached then): its
    #: times are the station's own.
    late: bool = False


class AlarmFollowUpClose(WireModel):
    """Take an alarm off the follow-up list, with the reason (stored and audited)."""

    reason: str = Field(min_length=1, max_length=TEXT_MAX)

    @field_validator("reason")
    @classmethod
    def _text(cls, value: str) -> str:
        reject_nul(value)
        if not value.strip():
            raise ValueError("give a reason")
        return value.strip()


class AlarmFollowUpClosed(WireModel):
    alarm_id: uuid.UUID
    closed_by: str
    closed_at: datetime
    reason: str
