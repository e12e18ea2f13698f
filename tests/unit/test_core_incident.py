"""Incident validation (every field and problem) and the dict form that travels in sync."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veiligbalie.core.incident import (
    DAMAGE_AMOUNT_MAX_CENTS,
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    FUTURE_TOLERANCE,
    PAST_LIMIT,
    SHORT_TEXT_MAX,
    WITNESSES_MAX,
    Field,
    Incident,
    Problem,
    ValidationError,
    format_reference,
    incident_from_dict,
    incident_to_dict,
    validate,
)
from veiligbalie.core.vocabulary import Category, Channel, IncidentStatus, Severity

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def good(**changes: object) -> Incident:
    base = Incident(
        description="Bezoeker schreeuwde en sloeg op de balie",
        categories=frozenset({Category.VERBAL_AGGRESSION}),
        occurred_at=NOW - timedelta(minutes=10),
        location="Balie 3",
        reporter="m.jansen",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def problems(inc: Incident) -> list[tuple[Field, Problem, int | None]]:
    return [(e.field, e.problem, e.limit) for e in validate(inc, now=NOW)]


def test_a_good_report_has_no_problems() -> None:
    assert validate(good(), now=NOW) == []


# Every problem validate() can report, with the smallest change that causes it.
CASES: list[tuple[str, dict[str, object], Field, Problem, int | None]] = [
    ("naive time", {"occurred_at": datetime(2026, 11, 27, 14, 0)}, Field.OCCURRED_AT,
     Problem.NOT_AWARE, None),
    ("future", {"occurred_at": NOW + FUTURE_TOLERANCE + timedelta(seconds=1)},
     Field.OCCURRED_AT, Problem.IN_FUTURE, None),
    ("too old", {"occurred_at": NOW - PAST_LIMIT - timedelta(seconds=1)}, Field.OCCURRED_AT,
     Problem.TOO_OLD, None),
    ("no location", {"location": "   "}, Field.LOCATION, Problem.REQUIRED, None),
    ("long location", {"location": "x" * (SHORT_TEXT_MAX + 1)}, Field.LOCATION,
     Problem.TOO_LONG, SHORT_TEXT_MAX),
    ("bad channel", {"channel": "carrier_pigeon"}, Field.CHANNEL, Problem.REQUIRED, None),
    ("no channel", {"channel": None}, Field.CHANNEL, Problem.REQUIRED, None),
    ("no category", {"categories": frozenset()}, Field.CATEGORIES, Problem.REQUIRED, None),
    ("bad severity", {"severity": "apocalyptic"}, Field.SEVERITY, Problem.REQUIRED, None),
    ("no description", {"description": " \n "}, Field.DESCRIPTION, Problem.REQUIRED, None),
    ("short description", {"description": "  " + "x" * (DESCRIPTION_MIN - 1) + "  "},
     Field.DESCRIPTION, Problem.TOO_SHORT, DESCRIPTION_MIN),
    ("long description", {"description": "x" * (DESCRIPTION_MAX + 1)}, Field.DESCRIPTION,
     Problem.TOO_LONG, DESCRIPTION_MAX),
    ("no reporter", {"reporter": ""}, Field.REPORTER, Problem.REQUIRED, None),
    ("blank on behalf", {"on_behalf_of": " "}, Field.ON_BEHALF_OF, Problem.REQUIRED, None),
    ("long on behalf", {"on_behalf_of": "x" * (SHORT_TEXT_MAX + 1)}, Field.ON_BEHALF_OF,
     Problem.TOO_LONG, SHORT_TEXT_MAX),
    ("known, no detail", {"perpetrator_known": True}, Field.PERPETRATOR, Problem.NEEDS_DETAIL,
     None),
    ("known, blank detail", {"perpetrator_known": True, "perpetrator_description": "  ",
                             "perpetrator_reference": " "}, Field.PERPETRATOR,
     Problem.NEEDS_DETAIL, None),
    ("long perpetrator", {"perpetrator_description": "x" * (DESCRIPTION_MAX + 1)},
     Field.PERPETRATOR, Problem.TOO_LONG, DESCRIPTION_MAX),
    ("long reference", {"perpetrator_reference": "x" * (SHORT_TEXT_MAX + 1)},
     Field.PERPETRATOR_REFERENCE, Problem.TOO_LONG, SHORT_TEXT_MAX),
    ("many witnesses", {"witnesses": ("w",) * (WITNESSES_MAX + 1)}, Field.WITNESSES,
     Problem.TOO_MANY, WITNESSES_MAX),
    ("long witness", {"witnesses": ("ok", "x" * (SHORT_TEXT_MAX + 1))}, Field.WITNESSES,
     Problem.TOO_LONG, SHORT_TEXT_MAX),
    ("negative damage", {"damage_amount_cents": -1}, Field.DAMAGE_AMOUNT, Problem.NEGATIVE,
     None),
    ("huge damage", {"damage_amount_cents": DAMAGE_AMOUNT_MAX_CENTS + 1}, Field.DAMAGE_AMOUNT,
     Problem.TOO_LARGE, DAMAGE_AMOUNT_MAX_CENTS),
]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field", "problem", "limit"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_each_problem_alone(
    changes: dict[str, object], field: Field, problem: Problem, limit: int | None
) -> None:
    assert problems(good(**changes)) == [(field, problem, limit)]


def test_cases_cover_every_field_and_every_problem() -> None:
    assert {c[2] for c in CASES} == set(Field)
    assert {c[3] for c in CASES} == set(Problem)


@pytest.mark.parametrize(
    "changes",
    [
        {"occurred_at": NOW + FUTURE_TOLERANCE},  # clock drift of a workstation
        {"occurred_at": NOW + timedelta(minutes=4, seconds=59)},
        {"occurred_at": NOW - PAST_LIMIT},
        {"occurred_at": datetime(2026, 11, 27, 16, 4, tzinfo=timezone(timedelta(hours=1)))},
        {"location": "x" * SHORT_TEXT_MAX},
        {"description": "x" * DESCRIPTION_MIN},
        {"description": "x" * DESCRIPTION_MAX},
        {"on_behalf_of": None},
        {"on_behalf_of": "p.de.vries"},
        {"channel": "phone"},  # a raw value of the vocabulary is fine
        {"perpetrator_known": True, "perpetrator_description": "Man, ca. 40, rode jas"},
        {"perpetrator_known": True, "perpetrator_reference": "K-2026-17"},
        {"perpetrator_description": "x" * DESCRIPTION_MAX},
        {"witnesses": ("w",) * WITNESSES_MAX},
        {"witnesses": ("x" * SHORT_TEXT_MAX,)},
        {"damage_amount_cents": 0},
        {"damage_amount_cents": DAMAGE_AMOUNT_MAX_CENTS},
        {"categories": frozenset(Category)},
    ],
)
def test_values_at_the_limits_are_accepted(changes: dict[str, object]) -> None:
    assert problems(good(**changes)) == []


def test_five_minute_future_tolerance_is_exact() -> None:
    edge = NOW + timedelta(minutes=5)
    assert problems(good(occurred_at=edge)) == []
    assert problems(good(occurred_at=edge + timedelta(microseconds=1))) == [
        (Field.OCCURRED_AT, Problem.IN_FUTURE, None)
    ]


def test_problems_come_in_form_order() -> None:
    bad = good(
        occurred_at=NOW + timedelta(hours=1),
        location="",
        channel=None,
        categories=frozenset(),
        severity=None,
        description="",
        reporter="",
        damage_amount_cents=-5,
    )
    fields = [e.field for e in validate(bad, now=NOW)]
    assert fields == [
        Field.OCCURRED_AT,
        Field.LOCATION,
        Field.CHANNEL,
        Field.CATEGORIES,
        Field.SEVERITY,
        Field.DESCRIPTION,
        Field.REPORTER,
        Field.DAMAGE_AMOUNT,
    ]
    assert [f for f in Field if f in fields] == fields


def test_validate_uses_the_current_time_by_default() -> None:
    assert validate(good(occurred_at=datetime.now(UTC))) == []
    assert validate(good(occurred_at=datetime.now(UTC) + timedelta(hours=1)))[0] == (
        ValidationError(Field.OCCURRED_AT, Problem.IN_FUTURE)
    )


def test_restricted_only_with_perpetrator_data() -> None:
    assert not good().restricted
    assert not good(perpetrator_known=True).restricted
    assert good(perpetrator_description="rode jas").restricted
    assert good(perpetrator_reference="K-1").restricted


def test_format_reference() -> None:
    assert format_reference(2026, 123) == "VB-2026-000123"
    assert format_reference(2026, 1, prefix="GEM") == "GEM-2026-000001"


# --- Dict round trip ----------------------------------------------------------------------

short_text = st.text(max_size=40)
aware_times = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=2))]),
)

incidents = st.builds(
    Incident,
    description=st.text(max_size=200),
    categories=st.frozensets(st.sampled_from(Category)),
    occurred_at=aware_times,
    location=short_text,
    reporter=short_text,
    channel=st.sampled_from(Channel),
    severity=st.sampled_from(Severity),
    id=st.uuids(),
    reference=st.none() | st.text(min_size=1, max_size=20),
    on_behalf_of=st.none() | short_text,
    perpetrator_known=st.booleans(),
    perpetrator_description=short_text,
    perpetrator_reference=short_text,
    witnesses=st.lists(short_text, max_size=5).map(tuple),
    injury=st.booleans(),
    damage=st.booleans(),
    damage_amount_cents=st.none() | st.integers(min_value=-(10**12), max_value=10**12),
    absence=st.booleans(),
    police_called=st.booleans(),
    arrest=st.booleans(),
    police_report_intended=st.booleans(),
    aftercare_wanted=st.booleans(),
    team_lead_only=st.booleans(),
    alarm_id=st.none() | st.uuids(),
    status=st.sampled_from(IncidentStatus),
    created_at=aware_times,
)


@given(incidents)
def test_dict_round_trip_through_json(inc: Incident) -> None:
    data = json.loads(json.dumps(incident_to_dict(inc)))
    back = incident_from_dict(data)
    assert back == inc
    assert back.occurred_at.utcoffset() == inc.occurred_at.utcoffset()
    assert incident_to_dict(back) == incident_to_dict(inc)


def test_dict_holds_plain_json_values() -> None:
    inc = good(alarm_id=uuid.uuid4(), categories=frozenset({Category.THREAT, Category.DOXING}))
    data = incident_to_dict(inc)
    assert data["categories"] == ["doxing", "threat"]
    assert data["id"] == str(inc.id)
    assert data["alarm_id"] == str(inc.alarm_id)
    assert data["occurred_at"] == inc.occurred_at.isoformat()
    assert data["status"] == "saved_locally"


def test_missing_optional_keys_take_defaults() -> None:
    data = incident_to_dict(good())
    for key in ("channel", "severity", "status", "witnesses", "created_at", "injury"):
        del data[key]
    back = incident_from_dict(data)
    assert back.channel is Channel.COUNTER
    assert back.severity is Severity.MEDIUM
    assert back.status is IncidentStatus.SAVED_LOCALLY
    assert back.witnesses == ()
    assert back.injury is False
    assert back.created_at.tzinfo is not None


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [
        ("id", "not-a-uuid", ValueError),
        ("occurred_at", "yesterday", ValueError),
        ("channel", "carrier_pigeon", ValueError),
        ("categories", ["nonsense"], ValueError),
        ("categories", "threat", ValueError),
        ("witnesses", "Jan, Piet", ValueError),
        ("status", "lost", ValueError),
        ("damage_amount_cents", "twelve", ValueError),
        ("alarm_id", "xyz", ValueError),
    ],
)
def test_bad_data_is_refused(key: str, value: object, error: type[Exception]) -> None:
    data = incident_to_dict(good())
    data[key] = value
    with pytest.raises(error):
        incident_from_dict(data)
