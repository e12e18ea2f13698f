"""The alarm's life: which state changes are allowed, the sender's no-blame cancel window,
and the escalation ladder when nobody acknowledges in time.

Transitions (a state never "transitions" to itself; escalation *levels* are tracked apart
from the state, see :func:`due_levels`)::

    raised       -> acknowledged | escalated | resolved | cancelled (sender, within 10 s)
    acknowledged -> escalated (a responder on site calls for more help) | resolved
    escalated    -> acknowledged | resolved
    resolved, cancelled: final
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Literal

from veiligbalie.core.vocabulary import AlarmState, Role

#: The sender may cancel ("vergissing") this long after raising; later, responders resolve.
CANCEL_WINDOW = timedelta(seconds=10)

COLLEAGUES: Literal["colleagues"] = "colleagues"

_S = AlarmState
TRANSITIONS: Mapping[AlarmState, frozenset[AlarmState]] = MappingProxyType(
    {
        _S.RAISED: frozenset({_S.ACKNOWLEDGED, _S.ESCALATED, _S.RESOLVED, _S.CANCELLED}),
        _S.ACKNOWLEDGED: frozenset({_S.ESCALATED, _S.RESOLVED}),
        _S.ESCALATED: frozenset({_S.ACKNOWLEDGED, _S.RESOLVED}),
        _S.RESOLVED: frozenset(),
        _S.CANCELLED: frozenset(),
    }
)


class InvalidTransition(ValueError):
    """A state change the alarm's rules do not allow."""

    def __init__(self, state: AlarmState, to: AlarmState, why: str = "not allowed") -> None:
        super().__init__(f"alarm cannot go from {state.value} to {to.value}: {why}")
        self.state = state
        self.to = to


def can_transition(state: AlarmState, to: AlarmState) -> bool:
    """Whether the rules allow ``state -> to`` (the cancel window is checked apart)."""
    return AlarmState(to) in TRANSITIONS[AlarmState(state)]


def transition(state: AlarmState, to: AlarmState) -> AlarmState:
    """The new state, or :class:`InvalidTransition` when the change is not allowed."""
    if not can_transition(state, to):
        if not AlarmState(state).is_open:
            why = "the alarm is closed"
        elif AlarmState(state) == AlarmState(to):
            why = "it is already in that state"
        else:
            why = "not allowed"
        raise InvalidTransition(AlarmState(state), AlarmState(to), why)
    return AlarmState(to)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must carry a time zone")


def can_cancel(raised_at: datetime, now: datetime) -> bool:
    """Whether the cancel window is still open.

    A ``now`` slightly before ``raised_at`` means two clocks disagree (the sender's and
    the server's); up to the window's own length that is tolerated.
    """
    _require_aware(raised_at, "raised_at")
    _require_aware(now, "now")
    return abs(now - raised_at) <= CANCEL_WINDOW


def cancel(state: AlarmState, raised_at: datetime, now: datetime) -> AlarmState:
    """The sender's cancel: ``cancelled``, or :class:`InvalidTransition` when the state
    does not allow it or the window has passed. Checking that the caller *is* the sender
    is the service's job."""
    if not can_transition(state, AlarmState.CANCELLED):
        return transition(state, AlarmState.CANCELLED)  # raises with the reason
    if not can_cancel(raised_at, now):
        raise InvalidTransition(
            AlarmState(state), AlarmState.CANCELLED, "the cancel window has passed"
        )
    return AlarmState.CANCELLED


@dataclass(frozen=True)
class EscalationLevel:
    """One rung of the escalation ladder: who is alerted ``delay`` after the raise when
    nobody has acknowledged. ``targets`` is ``"colleagues"`` (the stations of the site)
    or a set of roles; ``webhook`` sends the alarm to the configured outgoing webhook
    (an alarm receiving centre)."""

    delay: timedelta
    targets: frozenset[Role] | Literal["colleagues"]
    webhook: bool = False

    def __post_init__(self) -> None:
        if self.delay < timedelta(0):
            raise ValueError("an escalation delay must not be negative")
        if isinstance(self.targets, str):
            if self.targets != COLLEAGUES:
                raise ValueError(f"targets must be a set of roles or {COLLEAGUES!r}")
        else:
            # Normalise any iterable of role values into a frozenset of Role.
            object.__setattr__(self, "targets", frozenset(Role(r) for r in self.targets))
        if not self.targets and not self.webhook:
            raise ValueError("an escalation level must alert someone or call the webhook")


def default_escalation() -> list[EscalationLevel]:
    """Colleagues at once; security and team leads after 20 s; the webhook after 60 s."""
    return [
        EscalationLevel(timedelta(0), COLLEAGUES),
        EscalationLevel(timedelta(seconds=20), frozenset({Role.SECURITY, Role.TEAM_LEAD})),
        EscalationLevel(timedelta(seconds=60), frozenset(), webhook=True),
    ]


def due_levels(
    raised_at: datetime,
    now: datetime,
    acknowledged: bool,
    levels: Sequence[EscalationLevel],
) -> list[EscalationLevel]:
    """The levels due at ``now``, shortest delay first.

    Immediate levels (delay 0) are always due; delayed levels only while nobody has
    acknowledged. Callers remember which levels they already fired.
    """
    _require_aware(raised_at, "raised_at")
    _require_aware(now, "now")
    elapsed = now - raised_at
    due = [
        level
        for level in levels
        if level.delay == timedelta(0) or (not acknowledged and elapsed >= level.delay)
    ]
    return sorted(due, key=lambda level: level.delay)


def next_escalation_at(
    raised_at: datetime,
    now: datetime,
    acknowledged: bool,
    levels: Sequence[EscalationLevel],
) -> datetime | None:
    """When the next level falls due (for a timer), or None when none will."""
    _require_aware(raised_at, "raised_at")
    _require_aware(now, "now")
    if acknowledged:
        return None
    elapsed = now - raised_at
    later = [level.delay for level in levels if level.delay > elapsed]
    return raised_at + min(later) if later else None
