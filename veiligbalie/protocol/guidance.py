"""Wire schemas of the guidance routes: the organisation's cards, prevention self-checks and
the refresher date per user."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field, StrictBool, field_validator

from veiligbalie.core.limits import LOCATION_MAX, TEXT_MAX
from veiligbalie.protocol.base import WireModel, reject_nul

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


class GuidanceCardIn(WireModel):
    """A card's full Markdown text (front-matter included) in one language."""

    markdown: str = Field(min_length=1, max_length=40_000)

    _nul = field_validator("markdown")(reject_nul)


class GuidanceCardOut(WireModel):
    id: str
    language: str
    version: int
    title: str
    markdown: str
    changed_by: str
    changed_at: datetime


class GuidanceCardList(WireModel):
    cards: list[GuidanceCardOut]


class GuidanceCardVersion(WireModel):
    version: int
    changed_by: str
    changed_at: datetime
    markdown: str


class GuidanceCardHistory(WireModel):
    id: str
    language: str
    versions: list[GuidanceCardVersion]


class PreventionCheckBody(WireModel):
    id: uuid.UUID
    place: str = Field(min_length=1, max_length=LOCATION_MAX)
    checked_on: date
    items: dict[str, StrictBool]
    notes: str = Field(default="", max_length=TEXT_MAX)

    _nul = field_validator("place", "notes")(reject_nul)

    @field_validator("items")
    @classmethod
    def _known_items(cls, value: dict[str, bool]) -> dict[str, bool]:
        unknown = set(value) - PREVENTION_KEYS
        if unknown:
            raise ValueError(f"unknown checklist items: {', '.join(sorted(unknown))}")
        return value


class PreventionCheckOut(PreventionCheckBody):
    site_id: uuid.UUID | None
    checked_by: str
    open_points: list[str]


class PreventionCheckList(WireModel):
    checks: list[PreventionCheckOut]


class RefresherBody(WireModel):
    done_at: datetime | None = None
