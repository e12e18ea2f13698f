"""The perpetrator dossier's rules, shared by server and client: which measures a signalering
can carry, how it is told to the person, and what it needs before it may become active (the
AVG asks for a reason, a period, who decided and that the person was informed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from veiligbalie.core.vocabulary import ResponseMeasure

#: Longest identifier key or value kept on a person, and how many identifiers a person has.
IDENTIFIER_MAX = 100
IDENTIFIERS_MAX = 10
COUNTER_TEXT_MAX = 300


class SignaleringMeasure(StrEnum):
    """What a signalering asks of the counter: the measures of the organisation's escalation
    that act at the counter, or another measure described in words."""

    APPOINTMENT_ONLY = ResponseMeasure.APPOINTMENT_ONLY.value
    ACCESS_BAN = ResponseMeasure.ACCESS_BAN.value
    OTHER = "other"


class InformedHow(StrEnum):
    """How the person was told about the signalering."""

    LETTER = "letter"
    IN_PERSON = "in_person"
    PHONE = "phone"


class SignaleringState(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"


class Missing(StrEnum):
    """Something a signalering still needs before it may become active."""

    COUNTER_TEXT = "counter_text"
    REASON = "reason"
    PERIOD_START = "period_start"
    PERIOD_END = "period_end"
    PERIOD_ORDER = "period_order"  # the end lies before the start
    DECIDED_BY = "decided_by"
    DECIDED_ON = "decided_on"
    INFORMED_ON = "informed_on"
    INFORMED_HOW = "informed_how"
    OTHER_MEASURE = "other_measure"  # "other" without saying which measure


#: The words the server uses in its refusal (the client says them in Dutch).
MISSING_WORDS: dict[Missing, str] = {
    Missing.COUNTER_TEXT: "the text shown at the counter",
    Missing.REASON: "the reason",
    Missing.PERIOD_START: "the start of the period",
    Missing.PERIOD_END: "the end of the period",
    Missing.PERIOD_ORDER: "a period that ends after it starts",
    Missing.DECIDED_BY: "who decided",
    Missing.DECIDED_ON: "the date of the decision",
    Missing.INFORMED_ON: "the date the person was informed",
    Missing.INFORMED_HOW: "how the person was informed",
    Missing.OTHER_MEASURE: "which other measure",
}


@dataclass(frozen=True)
class SignaleringFacts:
    measure: SignaleringMeasure
    measure_other: str = ""
    counter_text: str = ""
    reason: str = ""
    period_start: date | None = None
    period_end: date | None = None
    decided_by: str = ""
    decided_on: date | None = None
    informed_on: date | None = None
    informed_how: InformedHow | None = None


def missing_for_activation(s: SignaleringFacts) -> list[Missing]:
    """Everything that must still be filled in before ``s`` may become active (empty: ready)."""
    out: list[Missing] = []
    if s.measure is SignaleringMeasure.OTHER and not s.measure_other.strip():
        out.append(Missing.OTHER_MEASURE)
    if not s.counter_text.strip():
        out.append(Missing.COUNTER_TEXT)
    if not s.reason.strip():
        out.append(Missing.REASON)
    if s.period_start is None:
        out.append(Missing.PERIOD_START)
    if s.period_end is None:
        out.append(Missing.PERIOD_END)
    if s.period_start and s.period_end and s.period_end < s.period_start:
        out.append(Missing.PERIOD_ORDER)
    if not s.decided_by.strip():
        out.append(Missing.DECIDED_BY)
    if s.decided_on is None:
        out.append(Missing.DECIDED_ON)
    if s.informed_on is None:
        out.append(Missing.INFORMED_ON)
    if s.informed_how is None:
        out.append(Missing.INFORMED_HOW)
    return out


def refusal(missing: list[Missing]) -> str:
    """The server's message when activation is refused, naming each missing item."""
    return "cannot make the signalering active; missing: " + ", ".join(
        MISSING_WORDS[m] for m in missing
    )


def normalise_identifier(value: str) -> str:
    """How identifiers are compared: case and spaces, dots and dashes do not matter."""
    return "".join(ch for ch in value.casefold() if ch.isalnum())


def in_force(start: date | None, end: date | None, today: date) -> bool:
    return start is not None and end is not None and start <= today <= end
