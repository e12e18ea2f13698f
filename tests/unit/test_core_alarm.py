"""Alarm state machine, cancel window and escalation ladder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from veiligbalie.core.alarm import (
    CANCEL_WINDOW,
    COLLEAGUES,
    TRANSITIONS,
    EscalationLevel,
    InvalidTransition,
    can_cancel,
    can_transition,
    cancel,
    default_escalation,
    due_levels,
    next_escalation_at,
    transition,
)
from veiligbalie.core.vocabulary import AlarmState, Role
from veiligbalie.core.workdays import AMSTERDAM

S = AlarmState
RAISED_AT = datetime(2026, 11, 27, 10, 0, 0, tzinfo=UTC)

#: Every allowed change, written out independently of the module's table.
ALLOWED = {
    (S.RAISED, S.ACKNOWLEDGED),
    (S.RAISED, S.ESCALATED),
    (S.RAISED, S.RESOLVED),
    (S.RAISED, S.CANCELLED),
    (S.ACKNOWLEDGED, S.ESCALATED),
    (S.ACKNOWLEDGED, S.RESOLVED),
    (S.ESCALATED, S.ACKNOWLEDGED),
    (S.ESCALATED, S.RESOLVED),
}


def at(seconds: float) -> datetime:
    return RAISED_AT + timedelta(seconds=seconds)


# --- Transitions --------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "to"), list(product(AlarmState, repeat=2)))
def test_transition_table_is_exhaustive(state: AlarmState, to: AlarmState) -> None:
    allowed = (state, to) in ALLOWED
    assert can_transition(state, to) is allowed
    if allowed:
        assert transition(state, to) is to
    else:
        with pytest.raises(InvalidTransition) as caught:
            transition(state, to)
        assert caught.value.state is state and caught.value.to is to
        assert isinstance(caught.value, ValueError)


def test_table_covers_every_state() -> None:
    assert set(TRANSITIONS) == set(AlarmState)


@pytest.mark.parametrize("final", [S.RESOLVED, S.CANCELLED])
def test_resolved_and_cancelled_are_final(final: AlarmState) -> None:
    assert not final.is_open
    for to in AlarmState:
        assert not can_transition(final, to)
    with pytest.raises(InvalidTransition, match="closed"):
        transition(final, S.ACKNOWLEDGED)


def test_same_state_is_not_a_transition() -> None:
    with pytest.raises(InvalidTransition, match="already"):
        transition(S.ESCALATED, S.ESCALATED)


def test_string_values_are_accepted() -> None:
    assert transition("raised", "acknowledged") is S.ACKNOWLEDGED  # type: ignore[arg-type]
    assert can_transition("escalated", "resolved")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        can_transition("raised", "exploded")  # type: ignore[arg-type]


def test_a_typical_life() -> None:
    state = S.RAISED
    for to in (S.ESCALATED, S.ACKNOWLEDGED, S.ESCALATED, S.RESOLVED):
        state = transition(state, to)
    assert state is S.RESOLVED


# --- Cancel window ------------------------------------------------------------------------


def test_cancel_window_is_ten_seconds() -> None:
    assert CANCEL_WINDOW == timedelta(seconds=10)
    assert can_cancel(RAISED_AT, at(0))
    assert can_cancel(RAISED_AT, at(9.999))
    assert can_cancel(RAISED_AT, at(10))
    assert not can_cancel(RAISED_AT, at(10.001))
    assert not can_cancel(RAISED_AT, at(3600))


def test_small_clock_disagreement_is_tolerated_a_large_one_not() -> None:
    assert can_cancel(RAISED_AT, at(-2))
    assert not can_cancel(RAISED_AT, at(-11))


def test_cancel_compares_instants_across_time_zones() -> None:
    assert can_cancel(RAISED_AT, at(5).astimezone(AMSTERDAM))


def test_cancel_within_the_window() -> None:
    assert cancel(S.RAISED, RAISED_AT, at(4)) is S.CANCELLED


def test_cancel_after_the_window_is_refused() -> None:
    with pytest.raises(InvalidTransition, match="cancel window"):
        cancel(S.RAISED, RAISED_AT, at(11))


@pytest.mark.parametrize("state", [S.ACKNOWLEDGED, S.ESCALATED, S.RESOLVED, S.CANCELLED])
def test_cancel_only_from_raised(state: AlarmState) -> None:
    # Even inside the window: once someone is coming, the alarm is resolved, not cancelled.
    with pytest.raises(InvalidTransition):
        cancel(state, RAISED_AT, at(1))


def test_naive_times_are_refused() -> None:
    naive = datetime(2026, 11, 27, 10, 0, 5)
    with pytest.raises(ValueError, match="time zone"):
        can_cancel(RAISED_AT, naive)
    with pytest.raises(ValueError, match="time zone"):
        due_levels(naive, RAISED_AT, False, default_escalation())
    with pytest.raises(ValueError, match="time zone"):
        next_escalation_at(RAISED_AT, naive, False, default_escalation())


# --- Escalation ---------------------------------------------------------------------------


def test_default_escalation_ladder() -> None:
    first, second, third = default_escalation()
    assert first == EscalationLevel(timedelta(0), COLLEAGUES, webhook=False)
    assert second.delay == timedelta(seconds=20)
    assert second.targets == frozenset({Role.SECURITY, Role.TEAM_LEAD})
    assert not second.webhook
    assert third.delay == timedelta(seconds=60)
    assert third.webhook


def test_default_escalation_is_a_fresh_list() -> None:
    mine = default_escalation()
    mine.clear()
    assert len(default_escalation()) == 3


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, 1), (19.9, 1), (20, 2), (59, 2), (60, 3), (600, 3)],
)
def test_due_levels_while_nobody_acknowledges(seconds: float, expected: int) -> None:
    levels = default_escalation()
    due = due_levels(RAISED_AT, at(seconds), acknowledged=False, levels=levels)
    assert due == levels[:expected]


def test_acknowledged_alarm_escalates_no_further() -> None:
    levels = default_escalation()
    assert due_levels(RAISED_AT, at(120), acknowledged=True, levels=levels) == levels[:1]


def test_due_levels_are_sorted_by_delay() -> None:
    levels = list(reversed(default_escalation()))
    due = due_levels(RAISED_AT, at(61), False, levels)
    assert [lvl.delay for lvl in due] == sorted(lvl.delay for lvl in due)
    assert len(due) == 3


def test_next_escalation_at() -> None:
    levels = default_escalation()
    assert next_escalation_at(RAISED_AT, at(0), False, levels) == at(20)
    assert next_escalation_at(RAISED_AT, at(20), False, levels) == at(60)
    assert next_escalation_at(RAISED_AT, at(60), False, levels) is None
    assert next_escalation_at(RAISED_AT, at(5), True, levels) is None


def test_escalation_targets_are_normalised_to_roles() -> None:
    level = EscalationLevel(timedelta(seconds=5), frozenset({"security"}))  # type: ignore[arg-type]
    assert level.targets == frozenset({Role.SECURITY})
    assert all(isinstance(r, Role) for r in level.targets)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("delay", "targets", "webhook", "match"),
    [
        (timedelta(seconds=-1), COLLEAGUES, False, "negative"),
        (timedelta(0), "everyone", False, "colleagues"),
        (timedelta(0), frozenset(), False, "alert someone"),
        (timedelta(0), frozenset({"janitor"}), False, "janitor"),
    ],
)
def test_bad_escalation_levels_are_refused(
    delay: timedelta, targets: object, webhook: bool, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        EscalationLevel(delay, targets, webhook)  # type: ignore[arg-type]
