"""An incident report as the domain sees it, and the rules a report must meet to be saved.

The report is owned by its reporter; what happens afterwards (notes, follow-up steps,
status changes) is an append-only timeline of events, never an edit of the report.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import Category, Channel, IncidentStatus, Severity

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 4000
SHORT_TEXT_MAX = 200
WITNESSES_MAX = 20
DAMAGE_AMOUNT_MAX_CENTS = 100_000_000  # EUR 1,000,000: beyond this is a typing error
#: Clocks of workstations drift; a few minutes "in the future" is not a mistake of the user.
FUTURE_TOLERANCE = timedelta(minutes=5)
#: Older than this is almost certainly a wrong year typed; the form asks for a real date.
PAST_LIMIT = timedelta(days=366 * 5)


class Field(StrEnum):
    """Names of the fields of a report, shared by validation messages and the form."""

    OCCURRED_AT = "occurred_at"
    LOCATION = "location"
    CHANNEL = "channel"
    CATEGORIES = "categories"
    SEVERITY = "severity"
    DESCRIPTION = "description"
    REPORTER = "reporter"
    ON_BEHALF_OF = "on_behalf_of"
    PERPETRATOR = "perpetrator_description"
    PERPETRATOR_REFERENCE = "perpetrator_reference"
    WITNESSES = "witnesses"
    DAMAGE_AMOUNT = "damage_amount_cents"


class Problem(StrEnum):
    """Why a field is refused. The UI turns each into a plain Dutch sentence."""

    REQUIRED = "required"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    IN_FUTURE = "in_future"
    TOO_OLD = "too_old"
    NOT_AWARE = "not_aware"
    NEGATIVE = "negative"
    TOO_LARGE = "too_large"
    TOO_MANY = "too_many"
    NEEDS_DETAIL = "needs_detail"


@dataclass(frozen=True)
class ValidationError:
    field: Field
    problem: Problem
    limit: int | None = None


@dataclass
class Incident:
    """One report. Perpetrator fields are restricted data: team leads only (AVG)."""

    description: str
    categories: frozenset[Category]
    occurred_at: datetime
    location: str
    reporter: str
    channel: Channel = Channel.COUNTER
    severity: Severity = Severity.MEDIUM
    id: uuid.UUID = field(default_factory=uuid7)
    reference: str | None = None
    on_behalf_of: str | None = None
    perpetrator_known: bool = False
    perpetrator_description: str = ""
    perpetrator_reference: str = ""
    witnesses: tuple[str, ...] = ()
    injury: bool = False
    damage: bool = False
    damage_amount_cents: int | None = None
    absence: bool = False
    police_called: bool = False
    arrest: bool = False
    police_report_intended: bool = False
    aftercare_wanted: bool = False
    team_lead_only: bool = False
    alarm_id: uuid.UUID | None = None
    status: IncidentStatus = IncidentStatus.SAVED_LOCALLY
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def restricted(self) -> bool:
        """Whether the report holds data only a team lead may read."""
        return bool(self.perpetrator_description or self.perpetrator_reference)


def _is_member(enum: type[StrEnum], value: object) -> bool:
    if not isinstance(value, str):
        return False  # every member's value is a string
    try:
        enum(value)
    except (ValueError, TypeError):
        return False
    return True


def validate(incident: Incident, now: datetime | None = None) -> list[ValidationError]:
    """Every reason the report cannot be saved, in form order (empty: it can be saved)."""
    now = now or datetime.now(UTC)
    errors: list[ValidationError] = []

    def add(f: Field, p: Problem, limit: int | None = None) -> None:
        errors.append(ValidationError(f, p, limit))

    when = incident.occurred_at
    if when.tzinfo is None:
        add(Field.OCCURRED_AT, Problem.NOT_AWARE)
    elif when > now + FUTURE_TOLERANCE:
        add(Field.OCCURRED_AT, Problem.IN_FUTURE)
    elif when < now - PAST_LIMIT:
        add(Field.OCCURRED_AT, Problem.TOO_OLD)

    if not incident.location.strip():
        add(Field.LOCATION, Problem.REQUIRED)
    elif len(incident.location) > SHORT_TEXT_MAX:
        add(Field.LOCATION, Problem.TOO_LONG, SHORT_TEXT_MAX)

    # Channel and severity have defaults; a value outside the vocabulary (raw data from an
    # older client or a hand-written import) is refused rather than stored.
    if not _is_member(Channel, incident.channel):
        add(Field.CHANNEL, Problem.REQUIRED)

    if not incident.categories:
        add(Field.CATEGORIES, Problem.REQUIRED)

    if not _is_member(Severity, incident.severity):
        add(Field.SEVERITY, Problem.REQUIRED)

    text = incident.description.strip()
    if not text:
        add(Field.DESCRIPTION, Problem.REQUIRED)
    elif len(text) < DESCRIPTION_MIN:
        add(Field.DESCRIPTION, Problem.TOO_SHORT, DESCRIPTION_MIN)
    elif len(incident.description) > DESCRIPTION_MAX:
        add(Field.DESCRIPTION, Problem.TOO_LONG, DESCRIPTION_MAX)

    if not incident.reporter.strip():
        add(Field.REPORTER, Problem.REQUIRED)
    if incident.on_behalf_of is not None:
        if not incident.on_behalf_of.strip():
            add(Field.ON_BEHALF_OF, Problem.REQUIRED)
        elif len(incident.on_behalf_of) > SHORT_TEXT_MAX:
            add(Field.ON_BEHALF_OF, Problem.TOO_LONG, SHORT_TEXT_MAX)

    if incident.perpetrator_known and not (
        incident.perpetrator_description.strip() or incident.perpetrator_reference.strip()
    ):
        add(Field.PERPETRATOR, Problem.NEEDS_DETAIL)
    if len(incident.perpetrator_description) > DESCRIPTION_MAX:
        add(Field.PERPETRATOR, Problem.TOO_LONG, DESCRIPTION_MAX)
    if len(incident.perpetrator_reference) > SHORT_TEXT_MAX:
        add(Field.PERPETRATOR_REFERENCE, Problem.TOO_LONG, SHORT_TEXT_MAX)

    if len(incident.witnesses) > WITNESSES_MAX:
        add(Field.WITNESSES, Problem.TOO_MANY, WITNESSES_MAX)
    elif any(len(w) > SHORT_TEXT_MAX for w in incident.witnesses):
        add(Field.WITNESSES, Problem.TOO_LONG, SHORT_TEXT_MAX)

    amount = incident.damage_amount_cents
    if amount is not None:
        if amount < 0:
            add(Field.DAMAGE_AMOUNT, Problem.NEGATIVE)
        elif amount > DAMAGE_AMOUNT_MAX_CENTS:
            add(Field.DAMAGE_AMOUNT, Problem.TOO_LARGE, DAMAGE_AMOUNT_MAX_CENTS)
    return errors


def format_reference(year: int, number: int, prefix: str = "VB") -> str:
    """The human reference of a report, e.g. ``VB-2026-000123``."""
    return f"{prefix}-{year:04d}-{number:06d}"


def incident_to_dict(incident: Incident) -> dict[str, object]:
    """A JSON-ready dict of the report: the payload of an ``incident.created`` change."""
    return {
        "id": str(incident.id),
        "reference": incident.reference,
        "occurred_at": incident.occurred_at.isoformat(),
        "location": incident.location,
        "channel": incident.channel.value,
        "categories": sorted(c.value for c in incident.categories),
        "severity": incident.severity.value,
        "description": incident.description,
        "reporter": incident.reporter,
        "on_behalf_of": incident.on_behalf_of,
        "perpetrator_known": incident.perpetrator_known,
        "perpetrator_description": incident.perpetrator_description,
        "perpetrator_reference": incident.perpetrator_reference,
        "witnesses": list(incident.witnesses),
        "injury": incident.injury,
        "damage": incident.damage,
        "damage_amount_cents": incident.damage_amount_cents,
        "absence": incident.absence,
        "police_called": incident.police_called,
        "arrest": incident.arrest,
        "police_report_intended": incident.police_report_intended,
        "aftercare_wanted": incident.aftercare_wanted,
        "team_lead_only": incident.team_lead_only,
        "alarm_id": str(incident.alarm_id) if incident.alarm_id else None,
        "status": incident.status.value,
        "created_at": incident.created_at.isoformat(),
    }


def incident_from_dict(data: dict[str, object]) -> Incident:
    """The inverse of :func:`incident_to_dict`; raises KeyError/ValueError on bad data."""

    def text(key: str, default: str = "") -> str:
        value = data.get(key, default)
        return "" if value is None else str(value)

    def flag(key: str) -> bool:
        return bool(data.get(key, False))

    amount = data.get("damage_amount_cents")
    alarm = data.get("alarm_id")
    on_behalf = data.get("on_behalf_of")
    witnesses = data.get("witnesses") or []
    categories = data.get("categories") or []
    if not isinstance(witnesses, list | tuple) or not isinstance(categories, list | tuple):
        raise ValueError("witnesses and categories must be lists")
    return Incident(
        id=uuid.UUID(text("id")),
        reference=text("reference") if data.get("reference") else None,
        occurred_at=datetime.fromisoformat(text("occurred_at")),
        location=text("location"),
        channel=Channel(text("channel", Channel.COUNTER.value)),
        categories=frozenset(Category(str(c)) for c in categories),
        severity=Severity(text("severity", Severity.MEDIUM.value)),
        description=text("description"),
        reporter=text("reporter"),
        on_behalf_of=None if on_behalf is None else str(on_behalf),
        perpetrator_known=flag("perpetrator_known"),
        perpetrator_description=text("perpetrator_description"),
        perpetrator_reference=text("perpetrator_reference"),
        witnesses=tuple(str(w) for w in witnesses),
        injury=flag("injury"),
        damage=flag("damage"),
        damage_amount_cents=None if amount is None else int(str(amount)),
        absence=flag("absence"),
        police_called=flag("police_called"),
        arrest=flag("arrest"),
        police_report_intended=flag("police_report_intended"),
        aftercare_wanted=flag("aftercare_wanted"),
        team_lead_only=flag("team_lead_only"),
        alarm_id=uuid.UUID(str(alarm)) if alarm else None,
        status=IncidentStatus(text("status", IncidentStatus.SAVED_LOCALLY.value)),
        created_at=datetime.fromisoformat(text("created_at"))
        if data.get("created_at")
        else datetime.now(UTC),
    )
