"""Wire schemas of the guidance routes: the organisation's cards, prevention self-checks and
the refresher date per user."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from veiligbalie.protocol.base import reject_nul

#: The prevention self-check, in the order it is shown: stable keys (the texts live in the UI).
PREVENTION_ITEMS: tuple[str, ...] = (
    "escape_route",
    "alarm_in_reach",
    "counter_visible",
    "waiting_area_calm",
    "house_rules_visible",
    "staff_trained",
)
PREVENTION_KEYS = frozenset(PREVENTION_ITEMS)


class GuidanceCardIn(BaseModel):
    """A card's full Markdown text (front-matter included) in one language."""

    model_config = ConfigDict(extra="forbid")
    markdown: str = Field(min_length=1, max_length=40_000)

    _nul = field_validator("markdown")(reject_nul)


class GuidanceCardOut(BaseModel):
    id: str
    language: str
    version: int
    title: str
    markdown: str
    changed_by: str
    changed_at: datetime


class GuidanceCardList(BaseModel):
    cards: list[GuidanceCardOut]


class GuidanceCardVersion(BaseModel):
    version: int
    changed_by: str
    changed_at: datetime
    markdown: str


class GuidanceCardHistory(BaseModel):
    id: str
    language: str
    versions: list[GuidanceCardVersion]


class PreventionCheckBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: uuid.UUID
    place: str = Field(min_length=1, max_length=120)
    checked_on: date
    items: dict[str, bool]
    notes: str = Field(default="", max_length=4000)

    _nul = field_validator("place", "notes")(reject_nul)

    @field_validator("items")
    @classmethod
    def _known_items(cls, value: dict[str, bool]) -> dict[str, bool]:
        unknown = set(value) - PREVENTION_KEYS
        if unknown:
            raise ValueError(f"unknown checklist items: {', '.join(sorted(unknown))}")
        return value


class PreventionCheckOut(PreventionCheckBody):
    model_config = ConfigDict(extra="ignore")
    site_id: uuid.UUID | None
    checked_by: str
    open_points: list[str]


class PreventionCheckList(BaseModel):
    checks: list[PreventionCheckOut]


class RefresherBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    done_at: datetime | None = None
