"""The shared poll helper: returns what the predicate found, or fails naming what it
waited for."""

from __future__ import annotations

import time

import pytest

from tests.support.waiting import wait_until, wait_until_matches


def test_returns_the_first_truthy_result() -> None:
    answers = iter([None, [], ["event"]])
    assert wait_until(lambda: next(answers), timeout=5, interval=0.001) == ["event"]


def test_times_out_naming_what_it_waited_for_with_detail() -> None:
    started = time.monotonic()
    with pytest.raises(AssertionError) as failure:
        wait_until(
            lambda: False, timeout=0.2, interval=0.01, what="the alarm", detail=lambda: "log"
        )
    assert time.monotonic() - started >= 0.2
    assert "waiting for the alarm" in str(failure.value)
    assert str(failure.value).endswith("\nlog")


def test_checks_once_more_at_the_deadline() -> None:
    calls: list[float] = []

    def slow() -> bool:
        calls.append(time.monotonic())
        return len(calls) == 2  # true only on the second call

    # The interval is longer than the timeout: the second call is the one at the deadline.
    assert wait_until(slow, timeout=0.05, interval=10) is True
    assert len(calls) == 2


def test_a_raising_predicate_ends_the_wait_at_once() -> None:
    def gone() -> bool:
        raise RuntimeError("driver exited")

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="driver exited"):
        wait_until(gone, timeout=10)
    assert time.monotonic() - started < 1


def test_matches_returns_the_accepted_value_and_reports_the_last_one() -> None:
    states = iter([{"pending": 3}, {"pending": 1}, {"pending": 0}])
    assert wait_until_matches(lambda: next(states), lambda s: s["pending"] == 0, 5) == {
        "pending": 0
    }
    with pytest.raises(AssertionError) as failure:
        wait_until_matches(lambda: {"pending": 2}, lambda s: s["pending"] == 0, 0.1, what="sync")
    assert "waiting for sync" in str(failure.value)
    assert "last: {'pending': 2}" in str(failure.value)
