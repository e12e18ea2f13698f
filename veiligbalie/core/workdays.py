"""Dutch working days: the public holidays of the Algemene termijnenwet and deadline
arithmetic "n working days after the incident" in Europe/Amsterdam local time.

Counting rule (used by every working-day deadline in the product): the day of the incident
itself never counts; the deadline is the *end* (23:59:59.999999 local time) of the n-th
working day after it. A police report "within 2 working days" of an incident on Friday
afternoon is due at the end of Tuesday: Monday is working day 1, Tuesday working day 2.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

#: The time zone every Dutch deadline is counted in.
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

#: King's Day replaced Queen's Day (30 April) from 2014 on.
_KINGS_DAY_FROM = 2014
#: Queen's Day on 30 April was set in 1949 (Juliana's birthday, kept under Beatrix).
_QUEENS_DAY_FROM = 1949


class Holiday(StrEnum):
    """The generally recognised holidays (art. 3 Algemene termijnenwet), as stable keys the
    UI maps to a translated name."""

    NEW_YEARS_DAY = "new_years_day"
    GOOD_FRIDAY = "good_friday"
    EASTER_SUNDAY = "easter_sunday"
    EASTER_MONDAY = "easter_monday"
    KINGS_DAY = "kings_day"
    QUEENS_DAY = "queens_day"  # the same holiday before 2014
    LIBERATION_DAY = "liberation_day"
    ASCENSION_DAY = "ascension_day"
    WHIT_SUNDAY = "whit_sunday"
    WHIT_MONDAY = "whit_monday"
    CHRISTMAS_DAY = "christmas_day"
    BOXING_DAY = "boxing_day"


def easter_sunday(year: int) -> date:
    """Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm,
    also known as Meeus/Jones/Butcher)."""
    if not 1583 <= year <= 9999:
        raise ValueError(f"year {year} is outside the Gregorian calendar range 1583-9999")
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def _holidays(year: int) -> Mapping[date, Holiday]:
    easter = easter_sunday(year)
    found: dict[date, Holiday] = {}

    def add(day: date, name: Holiday) -> None:
        # Two holidays can share a date (Ascension Day fell on 5 May in 2005); the first
        # added keeps the name, the day is closed either way.
        found.setdefault(day, name)

    add(date(year, 1, 1), Holiday.NEW_YEARS_DAY)
    add(easter - timedelta(days=2), Holiday.GOOD_FRIDAY)
    add(easter, Holiday.EASTER_SUNDAY)
    add(easter + timedelta(days=1), Holiday.EASTER_MONDAY)
    if year >= _KINGS_DAY_FROM:
        kings = date(year, 4, 27)
        # Never on a Sunday: moved one day earlier, to Saturday the 26th.
        add(kings - timedelta(days=1) if kings.weekday() == 6 else kings, Holiday.KINGS_DAY)
    elif year >= _QUEENS_DAY_FROM:
        queens = date(year, 4, 30)
        add(queens - timedelta(days=1) if queens.weekday() == 6 else queens, Holiday.QUEENS_DAY)
    add(date(year, 5, 5), Holiday.LIBERATION_DAY)
    add(easter + timedelta(days=39), Holiday.ASCENSION_DAY)
    add(easter + timedelta(days=49), Holiday.WHIT_SUNDAY)
    add(easter + timedelta(days=50), Holiday.WHIT_MONDAY)
    add(date(year, 12, 25), Holiday.CHRISTMAS_DAY)
    add(date(year, 12, 26), Holiday.BOXING_DAY)
    return MappingProxyType(dict(sorted(found.items())))


def holidays(year: int) -> dict[date, str]:
    """The Dutch public holidays of ``year``, date to :class:`Holiday` key, in date order.

    5 May is listed every year, as the Algemene termijnenwet does. Easter Sunday and Whit
    Sunday are included for completeness; they are Sundays anyway.
    """
    return dict(_holidays(year))


def is_holiday(day: date) -> bool:
    """Whether ``day`` is a generally recognised Dutch holiday."""
    return day in _holidays(day.year)


def is_working_day(day: date, extra_closed: Collection[date] = ()) -> bool:
    """Whether ``day`` is a working day: not a Saturday or Sunday, not a public holiday and
    not one of ``extra_closed`` (the organisation's bridge days and own closing days)."""
    if isinstance(day, datetime):
        raise TypeError("is_working_day takes a date; use local_date() for a datetime")
    return day.weekday() < 5 and not is_holiday(day) and day not in extra_closed


def local_date(moment: datetime | date) -> date:
    """The Amsterdam calendar day of an aware datetime (a plain date is returned as is)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("a naive datetime is ambiguous: give a time zone")
        return moment.astimezone(AMSTERDAM).date()
    return moment


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Amsterdam local time, as an aware datetime."""
    return datetime.combine(day, time.max, tzinfo=AMSTERDAM)


def start_of_day(day: date) -> datetime:
    """The first instant of ``day`` in Amsterdam local time, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM)


def next_working_day(day: date, extra_closed: Collection[date] = ()) -> date:
    """``day`` itself when it is a working day, otherwise the first working day after it."""
    closed = frozenset(extra_closed)
    while not is_working_day(day, closed):
        day += timedelta(days=1)
    return day


def add_working_days(
    start: datetime | date, n: int, extra_closed: Collection[date] = ()
) -> datetime:
    """The deadline of "within ``n`` working days" from ``start``.

    The end (Amsterdam local time) of the n-th working day after the local day of
    ``start``; that day itself never counts, whether or not it is a working day. ``n == 0``
    gives the end of the day of ``start``. ``start`` is an aware datetime or a date.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("n must be an int")
    if n < 0:
        raise ValueError("n must not be negative")
    day = local_date(start)
    closed = frozenset(extra_closed)
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            counted += 1
    return end_of_day(day)
