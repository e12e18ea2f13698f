"""Wire schemas of the perpetrator dossier (reviewers only) and of the counter's measure
lookup (any signed-in user or workstation: the counter text of active measures, nothing else)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field, field_validator

from veiligbalie.core.dossier import (
    COUNTER_TEXT_MAX,
    IDENTIFIER_MAX,
    IDENTIFIERS_MAX,
    InformedHow,
    Missing,
    SignaleringMeasure,
    SignaleringState,
)
from veiligbalie.core.limits import TEXT_MAX
from veiligbalie.protocol.base import CheckedModel, WireModel, reject_nul

NAME_MAX = 200


def _identifiers(value: dict[str, str] | None) -> dict[str, str] | None:
    if value is None:
        return None
    if len(value) > IDENTIFIERS_MAX:
        raise ValueError(f"at most {IDENTIFIERS_MAX} identifiers")
    out: dict[str, str] = {}
    for key, item in value.items():
        k, v = key.strip(), item.strip()
        if not k or not v:
            raise ValueError("an identifier needs a name and a value")
        if len(k) > IDENTIFIER_MAX or len(v) > IDENTIFIER_MAX:
            raise ValueError(f"an identifier is at most {IDENTIFIER_MAX} characters")
        out[k] = v
    reject_nul(out)
    return out


class PersonIn(CheckedModel):
    """A known person: a name, a description and the identifiers the organisation keeps."""

    display_name: str = Field(min_length=1, max_length=NAME_MAX)
    description: str = Field(default="", max_length=TEXT_MAX)
    identifiers: dict[str, str] = Field(default_factory=dict)
    #: Link this report at once (optional).
    incident_id: uuid.UUID | None = None
    #: The site the person is kept for; a team lead's own site when left out.
    site_id: uuid.UUID | None = None

    @field_validator("display_name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a name is required")
        return value.strip()

    @field_validator("identifiers")
    @classmethod
    def _ids(cls, value: dict[str, str]) -> dict[str, str]:
        return _identifiers(value) or {}


class PersonUpdate(CheckedModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    description: str | None = Field(default=None, max_length=TEXT_MAX)
    identifiers: dict[str, str] | None = None

    @field_validator("identifiers")
    @classmethod
    def _ids(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return _identifiers(value)


class LinkedReport(WireModel):
    """A report linked to a person (only reports the caller may see are listed)."""

    incident_id: uuid.UUID
    reference: str | None
    occurred_at: datetime
    categories: list[str]
    linked_by: str
    linked_at: datetime


class SignaleringIn(CheckedModel):
    """A signalering as proposed or changed. Every field may stay empty while proposed."""

    measure: SignaleringMeasure
    measure_other: str = Field(default="", max_length=NAME_MAX)
    counter_text: str = Field(default="", max_length=COUNTER_TEXT_MAX)
    reason: str = Field(default="", max_length=TEXT_MAX)
    period_start: date | None = None
    period_end: date | None = None
    decided_by: str = Field(default="", max_length=NAME_MAX)
    decided_on: date | None = None
    informed_on: date | None = None
    informed_how: InformedHow | None = None


class SignaleringStateChange(WireModel):
    state: SignaleringState


class SignaleringOut(SignaleringIn):
    id: uuid.UUID
    person_id: uuid.UUID
    state: SignaleringState
    #: What is still needed before it may become active (empty: it may).
    missing: list[Missing]
    created_by: str
    created_at: datetime
    updated_at: datetime


class PersonOut(WireModel):
    id: uuid.UUID
    site_id: uuid.UUID
    display_name: str
    description: str
    identifiers: dict[str, str]
    created_by: str
    created_at: datetime
    links: list[LinkedReport]
    signaleringen: list[SignaleringOut]


class MeasureOut(WireModel):
    """What the counter may know: the measure and its counter text, until when. Never the
    person's name, description, identifiers or history."""

    measure: SignaleringMeasure
    counter_text: str
    until: date


class MeasuresOut(WireModel):
    measures: list[MeasureOut]
