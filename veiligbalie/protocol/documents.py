"""Wire schemas of what documents carry: the organisation's letterhead profile and its own
letter templates."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from veiligbalie.core.letters import TEMPLATE_MAX
from veiligbalie.protocol.base import CheckedModel, WireModel

#: The largest logo the server accepts, in bytes (PNG or JPEG).
LOGO_MAX = 512 * 1024


class OrganisationProfileOut(WireModel):
    name: str
    address: str
    contact_name: str = ""
    contact_function: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    #: Base64 of the PNG or JPEG, or empty when there is no logo.
    logo_base64: str = ""
    logo_mime: str = ""
    changed_at: datetime | None = None
    #: The organisation's extra non-working days (bridge days, its own closing days):
    #: working-day deadlines skip them on the server and on every workstation.
    closing_days: list[date] = Field(default_factory=list)


class OrganisationProfileIn(CheckedModel):
    """Only the fields given are changed; ``logo_base64`` "" removes the logo."""

    name: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=1000)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_function: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=50)
    contact_email: str | None = Field(default=None, max_length=200)
    logo_base64: str | None = Field(default=None, max_length=LOGO_MAX * 2)


class LetterTemplateOut(WireModel):
    kind: str
    language: str
    version: int
    text: str
    changed_by: str
    changed_at: datetime


class LetterTemplateList(WireModel):
    templates: list[LetterTemplateOut]


class LetterTemplateIn(CheckedModel):
    text: str = Field(min_length=1, max_length=TEMPLATE_MAX)


class ClosingDayOut(WireModel):
    day: date
    reason: str = ""
    changed_by: str = ""
    changed_at: datetime | None = None


class ClosingDayList(WireModel):
    days: list[ClosingDayOut]


class ClosingDayIn(CheckedModel):
    day: date
    reason: str = Field(default="", max_length=200)
