"""Dutch working days: holidays of the Algemene termijnenwet and working-day deadlines."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veiligbalie.core.workdays import (
    AMSTERDAM,
    Holiday,
    add_working_days,
    easter_sunday,
    end_of_day,
    holidays,
    is_holiday,
    is_working_day,
    local_date,
    next_working_day,
    start_of_day,
)


def local(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=AMSTERDAM)


def deadline_day(start: datetime | date, n: int, extra: tuple[date, ...] = ()) -> date:
    due = add_working_days(start, n, extra)
    assert due.tzinfo is AMSTERDAM
    assert due.time() == time.max
    return due.date()


# --- Easter -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (1818, date(1818, 3, 22)),  # earliest possible
        (1943, date(1943, 4, 25)),  # latest possible
        (2000, date(2000, 4, 23)),
        (2008, date(2008, 3, 23)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_sunday_known_dates(year: int, expected: date) -> None:
    assert easter_sunday(year) == expected


def test_easter_is_always_a_sunday_between_22_march_and_25_april() -> None:
    for year in range(1583, 4100):
        easter = easter_sunday(year)
        assert easter.weekday() == 6, year
        assert date(year, 3, 22) <= easter <= date(year, 4, 25), year


@pytest.mark.parametrize("year", [1582, 10000, -1])
def test_easter_outside_gregorian_range_is_refused(year: int) -> None:
    with pytest.raises(ValueError, match="Gregorian"):
        easter_sunday(year)


# --- The holiday list ---------------------------------------------------------------------


def test_holidays_2026_complete_and_in_order() -> None:
    assert holidays(2026) == {
        date(2026, 1, 1): Holiday.NEW_YEARS_DAY,
        date(2026, 4, 3): Holiday.GOOD_FRIDAY,
        date(2026, 4, 5): Holiday.EASTER_SUNDAY,
        date(2026, 4, 6): Holiday.EASTER_MONDAY,
        date(2026, 4, 27): Holiday.KINGS_DAY,
        date(2026, 5, 5): Holiday.LIBERATION_DAY,
        date(2026, 5, 14): Holiday.ASCENSION_DAY,
        date(2026, 5, 24): Holiday.WHIT_SUNDAY,
        date(2026, 5, 25): Holiday.WHIT_MONDAY,
        date(2026, 12, 25): Holiday.CHRISTMAS_DAY,
        date(2026, 12, 26): Holiday.BOXING_DAY,
    }
    assert list(holidays(2026)) == sorted(holidays(2026))


def test_holiday_values_are_plain_string_keys() -> None:
    assert holidays(2026)[date(2026, 4, 27)] == "kings_day"


def test_holidays_returns_a_copy_the_caller_may_change() -> None:
    mine = holidays(2026)
    mine.clear()
    assert len(holidays(2026)) == 11
    assert is_holiday(date(2026, 1, 1))


def test_kings_day_on_the_27th() -> None:
    assert holidays(2026)[date(2026, 4, 27)] == Holiday.KINGS_DAY
    assert not is_working_day(date(2026, 4, 27))  # a Monday


@pytest.mark.parametrize("year", [2014, 2025])
def test_kings_day_moves_to_the_26th_when_the_27th_is_a_sunday(year: int) -> None:
    assert date(year, 4, 27).weekday() == 6
    found = holidays(year)
    assert found[date(year, 4, 26)] == Holiday.KINGS_DAY
    assert date(year, 4, 27) not in found


def test_queens_day_before_2014() -> None:
    assert holidays(2013)[date(2013, 4, 30)] == Holiday.QUEENS_DAY
    assert Holiday.KINGS_DAY not in holidays(2013).values()
    # 30 April 2006 was a Sunday: Queen's Day moved to Saturday the 29th.
    assert holidays(2006)[date(2006, 4, 29)] == Holiday.QUEENS_DAY


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027, 2030])
def test_liberation_day_every_year(year: int) -> None:
    assert holidays(year)[date(year, 5, 5)] == Holiday.LIBERATION_DAY


def test_two_holidays_on_one_date_keep_the_day_closed() -> None:
    # In 2005 Ascension Day fell on 5 May.
    assert easter_sunday(2005) + timedelta(days=39) == date(2005, 5, 5)
    assert not is_working_day(date(2005, 5, 5))
    assert len(holidays(2005)) == 10


def test_moveable_feasts_follow_easter() -> None:
    for year in (2024, 2025, 2026, 2027):
        easter = easter_sunday(year)
        found = holidays(year)
        assert found[easter - timedelta(days=2)] == Holiday.GOOD_FRIDAY
        assert found[easter + timedelta(days=1)] == Holiday.EASTER_MONDAY
        assert found[easter + timedelta(days=39)] == Holiday.ASCENSION_DAY
        assert found[easter + timedelta(days=50)] == Holiday.WHIT_MONDAY
        assert (easter + timedelta(days=39)).weekday() == 3  # Thursday
        assert (easter + timedelta(days=50)).weekday() == 0  # Monday


# --- Working days -------------------------------------------------------------------------


def test_ordinary_weekdays_are_working_days_weekends_not() -> None:
    week = [date(2026, 11, 23) + timedelta(days=i) for i in range(7)]  # Mon..Sun
    assert [is_working_day(d) for d in week] == [True] * 5 + [False, False]


def test_extra_closed_days_are_not_working_days() -> None:
    bridge = date(2026, 5, 15)  # Friday after Ascension Day
    assert is_working_day(bridge)
    assert not is_working_day(bridge, extra_closed={bridge})
    assert not is_working_day(bridge, extra_closed=[bridge])


def test_is_working_day_refuses_a_datetime() -> None:
    with pytest.raises(TypeError, match="local_date"):
        is_working_day(datetime(2026, 11, 23, tzinfo=UTC))


def test_next_working_day() -> None:
    assert next_working_day(date(2026, 11, 25)) == date(2026, 11, 25)
    assert next_working_day(date(2026, 11, 28)) == date(2026, 11, 30)
    assert next_working_day(date(2026, 4, 3)) == date(2026, 4, 7)  # Good Friday -> Tuesday
    assert next_working_day(date(2026, 11, 30), {date(2026, 11, 30)}) == date(2026, 12, 1)


def test_local_date_uses_amsterdam_time() -> None:
    # 23:30 UTC on Thursday is already Friday in Amsterdam (winter time, UTC+1).
    assert local_date(datetime(2026, 11, 26, 23, 30, tzinfo=UTC)) == date(2026, 11, 27)
    assert local_date(date(2026, 11, 26)) == date(2026, 11, 26)
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime(2026, 11, 26, 12, 0))


def test_start_and_end_of_day_follow_summer_and_winter_time() -> None:
    assert end_of_day(date(2026, 7, 1)).utcoffset() == timedelta(hours=2)
    assert end_of_day(date(2026, 12, 1)).utcoffset() == timedelta(hours=1)
    assert start_of_day(date(2026, 7, 1)) == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)


# --- Working-day deadlines ----------------------------------------------------------------


def test_friday_afternoon_plus_two_working_days_is_tuesday_end_of_day() -> None:
    due = add_working_days(local(2026, 11, 27, 15, 30), 2)  # Friday
    assert due == datetime(2026, 12, 1, 23, 59, 59, 999999, tzinfo=AMSTERDAM)
    assert due.weekday() == 1


def test_deadline_is_counted_from_the_amsterdam_day_of_the_incident() -> None:
    # Thursday 23:30 UTC is Friday 00:30 in Amsterdam: the deadline is Tuesday, not Monday.
    assert deadline_day(datetime(2026, 11, 26, 23, 30, tzinfo=UTC), 2) == date(2026, 12, 1)
    assert deadline_day(datetime(2026, 11, 26, 22, 30, tzinfo=UTC), 2) == date(2026, 11, 30)


def test_thursday_before_good_friday_skips_good_friday_weekend_and_easter_monday() -> None:
    # 2 April 2026: Good Friday 3, weekend 4-5, Easter Monday 6 -> Tue 7 (1), Wed 8 (2).
    assert deadline_day(local(2026, 4, 2, 16), 2) == date(2026, 4, 8)
    assert deadline_day(local(2025, 4, 17, 16), 2) == date(2025, 4, 23)


def test_kings_day_on_monday_is_skipped() -> None:
    # Friday 24 April 2026; Monday 27 is King's Day.
    assert deadline_day(local(2026, 4, 24), 2) == date(2026, 4, 29)


def test_kings_day_on_saturday_changes_no_deadline() -> None:
    # 2025: King's Day is Saturday 26 April; Thursday 24 -> Fri 25 (1), Mon 28 (2).
    assert deadline_day(local(2025, 4, 24), 2) == date(2025, 4, 28)


def test_liberation_day_is_skipped() -> None:
    # Monday 4 May 2026; Tuesday 5 May is closed.
    assert deadline_day(local(2026, 5, 4), 2) == date(2026, 5, 7)


def test_ascension_day_is_skipped() -> None:
    # Wednesday 13 May 2026; Thursday 14 is Ascension Day.
    assert deadline_day(local(2026, 5, 13), 2) == date(2026, 5, 18)


def test_ascension_with_the_bridge_day_closed_by_the_organisation() -> None:
    bridge = (date(2026, 5, 15),)
    assert deadline_day(local(2026, 5, 13), 2, bridge) == date(2026, 5, 19)


def test_whit_monday_is_skipped() -> None:
    # Friday 22 May 2026; Monday 25 is Whit Monday.
    assert deadline_day(local(2026, 5, 22), 2) == date(2026, 5, 27)


def test_christmas_is_skipped() -> None:
    # Wednesday 24 Dec 2025; Christmas Thu 25, Boxing Day Fri 26, weekend.
    assert deadline_day(local(2025, 12, 24), 2) == date(2025, 12, 30)
    # Thursday 24 Dec 2026; Christmas Friday, Boxing Day Saturday.
    assert deadline_day(local(2026, 12, 24), 2) == date(2026, 12, 29)


def test_new_years_day_is_skipped_across_the_year_end() -> None:
    # Thursday 31 Dec 2026; Friday 1 Jan 2027 is New Year's Day.
    assert deadline_day(local(2026, 12, 31), 2) == date(2027, 1, 5)


def test_organisation_closing_days() -> None:
    closed = (date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30))
    assert deadline_day(local(2026, 12, 24), 2, closed) == date(2027, 1, 4)


def test_incident_on_a_non_working_day_counts_from_the_next_working_day() -> None:
    assert deadline_day(local(2026, 11, 28), 1) == date(2026, 11, 30)  # Saturday -> Monday
    assert deadline_day(local(2026, 4, 6), 1) == date(2026, 4, 7)  # Easter Monday


def test_zero_working_days_is_the_end_of_the_same_day() -> None:
    assert add_working_days(local(2026, 11, 28, 9), 0) == end_of_day(date(2026, 11, 28))


def test_a_date_is_accepted_as_start() -> None:
    assert deadline_day(date(2026, 11, 27), 2) == date(2026, 12, 1)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(local(2026, 11, 27), -1)
    with pytest.raises(TypeError):
        add_working_days(local(2026, 11, 27), True)
    with pytest.raises(TypeError):
        add_working_days(local(2026, 11, 27), 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="naive"):
        add_working_days(datetime(2026, 11, 27, 12), 2)


@given(
    start=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2090, 12, 31),
        timezones=st.just(UTC),
    ),
    n=st.integers(min_value=0, max_value=40),
    extra=st.sets(st.dates(min_value=date(2000, 1, 1), max_value=date(2091, 12, 31)), max_size=5),
)
def test_deadline_is_the_nth_working_day_after_the_incident_day(
    start: datetime, n: int, extra: set[date]
) -> None:
    due = add_working_days(start, n, extra)
    first = local_date(start)
    assert due.tzinfo is AMSTERDAM and due.time() == time.max
    days = [first + timedelta(days=i) for i in range(1, (due.date() - first).days + 1)]
    assert sum(is_working_day(d, extra) for d in days) == n
    if n:
        assert is_working_day(due.date(), extra)
