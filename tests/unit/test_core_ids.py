"""UUIDv7 identifiers: RFC 9562 layout, strict ordering and the embedded time."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from veiligbalie.core import ids
from veiligbalie.core.ids import uuid7, uuid7_time_ms


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def test_version_and_variant_bits() -> None:
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert (value.int >> 76) & 0xF == 0x7
    assert (value.int >> 62) & 0b11 == 0b10


def test_ten_thousand_ids_in_a_row_strictly_increase() -> None:
    values = [uuid7() for _ in range(10_000)]
    assert all(a < b for a, b in zip(values, values[1:], strict=False))
    # Ordering holds for the text form too (what SQLite indexes store).
    texts = [str(v) for v in values]
    assert texts == sorted(texts)
    assert len(set(values)) == 10_000


def test_embedded_time_is_the_time_of_creation() -> None:
    before = now_ms()
    value = uuid7()
    after = now_ms()
    # The counter may borrow a following millisecond after a burst of ids; never more
    # than a few.
    assert before <= uuid7_time_ms(value) <= after + 5


def test_ids_of_a_burst_carry_times_in_order() -> None:
    values = [uuid7() for _ in range(1000)]
    times = [uuid7_time_ms(v) for v in values]
    assert times == sorted(times)


def test_a_clock_going_backwards_does_not_break_the_order() -> None:
    first = uuid7()
    second = uuid7(now_ms=uuid7_time_ms(first) - 60_000)  # one minute back
    assert second > first
    assert uuid7_time_ms(second) >= uuid7_time_ms(first)


def test_explicit_time_is_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    # Module state is restored afterwards, so later ids do not carry a future time.
    monkeypatch.setattr(ids, "_last_ms", 0)
    assert uuid7_time_ms(uuid7(now_ms=1_700_000_000_000)) == 1_700_000_000_000


def test_counter_exhaustion_borrows_the_next_millisecond(monkeypatch: pytest.MonkeyPatch) -> None:
    ms = 1_700_000_000_000
    monkeypatch.setattr(ids, "_last_ms", ms)
    monkeypatch.setattr(ids, "_counter", 0xFFE)
    last_in_ms = uuid7(now_ms=ms)
    borrowed = uuid7(now_ms=ms)
    assert uuid7_time_ms(last_in_ms) == ms
    assert (last_in_ms.int >> 64) & 0xFFF == 0xFFF
    assert uuid7_time_ms(borrowed) == ms + 1
    assert borrowed > last_in_ms


def test_ids_from_several_threads_are_unique() -> None:
    results: list[list[uuid.UUID]] = [[] for _ in range(4)]

    def work(slot: list[uuid.UUID]) -> None:
        slot.extend(uuid7() for _ in range(2500))

    threads = [threading.Thread(target=work, args=(r,)) for r in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [v for r in results for v in r]
    assert len(set(everything)) == 10_000
    for r in results:
        assert r == sorted(r)
