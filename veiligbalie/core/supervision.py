"""Supervision rules: a site's opening hours (a station that goes offline inside them has
dropped out; outside them it is simply switched off) and its test-alarm schedule (when a
station counts as not tested in time). Pure Python on local time of the site."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The time zone a site's hours are read in unless it says otherwise.
DEFAULT_TIMEZONE = "Europe/Amsterdam"
#: Monday = 0 … Sunday = 6, as datetime.weekday().
WEEKDAYS = range(7)
#: How many days apart scheduled tests may be set at most.
EVERY_DAYS_MAX = 366


class RuleError(ValueError):
    """Opening hours or a schedule that cannot be used; the message says why."""


@dataclass(frozen=True)
class OpeningPeriod:
    """Open on ``weekday`` from ``opens`` until ``closes`` (``closes`` 24:00 = midnight)."""

    weekday: int
    opens: time
    closes: time | None  # None: until midnight (24:00)

    def covers(self, moment: time) -> bool:
        return self.opens <= moment and (self.closes is None or moment < self.closes)


def parse_clock(text: str, what: str) -> time | None:
    """``HH:MM`` as a time; ``24:00`` gives None (the end of the day)."""
    raw = text.strip()
    parts = raw.split(":")
    if len(parts) != 2 or not all(p.isdigit() and 1 <= len(p) <= 2 for p in parts):
        raise RuleError(f"{what} {text!r} is not a time like 08:30")
    hours, minutes = int(parts[0]), int(parts[1])
    if hours == 24 and minutes == 0:
        return None
    if hours > 23 or minutes > 59:
        raise RuleError(f"{what} {text!r} is not a time of day")
    return time(hours, minutes)


def clock_text(value: time | None) -> str:
    return "24:00" if value is None else value.strftime("%H:%M")


def period(weekday: int, opens: str, closes: str) -> OpeningPeriod:
    """One checked period: a weekday 0–6 and opens before closes."""
    if weekday not in WEEKDAYS:
        raise RuleError(f"weekday {weekday} is not 0 (Monday) to 6 (Sunday)")
    start = parse_clock(opens, "opening time")
    if start is None:
        raise RuleError("a day cannot open at 24:00")
    end = parse_clock(closes, "closing time")
    if end is not None and end <= start:
        raise RuleError(f"closing time {closes} is not after opening time {opens}")
    return OpeningPeriod(weekday, start, end)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuleError(f"unknown time zone {name!r}") from exc


def is_open(periods: Sequence[OpeningPeriod], at: datetime, tz: ZoneInfo) -> bool:
    """Whether ``at`` (aware) falls within one of the periods, in the site's time zone."""
    local = at.astimezone(tz)
    moment = local.time().replace(tzinfo=None)
    return any(p.weekday == local.weekday() and p.covers(moment) for p in periods)


@dataclass(frozen=True)
class TestSchedule:
    """Test every ``every_days`` days, or weekly on ``weekday``; neither: no schedule."""

    every_days: int | None = None
    weekday: int | None = None

    def __post_init__(self) -> None:
        if self.every_days is not None and self.weekday is not None:
            raise RuleError("give either a number of days or a weekday, not both")
        if self.every_days is not None and not 1 <= self.every_days <= EVERY_DAYS_MAX:
            raise RuleError(f"test every 1 to {EVERY_DAYS_MAX} days, not {self.every_days}")
        if self.weekday is not None and self.weekday not in WEEKDAYS:
            raise RuleError(f"weekday {self.weekday} is not 0 (Monday) to 6 (Sunday)")

    @property
    def active(self) -> bool:
        return self.every_days is not None or self.weekday is not None

    def due_since(self, last_test: datetime | None, now: datetime, tz: ZoneInfo) -> date | None:
        """The local date from which a station tested last at ``last_test`` (None: never)
        counts as not tested within the schedule; None while it is in time.

        Every N days: late once more than N days passed since the last test (never tested:
        late from today). Weekly on a weekday: late when the most recent such day before
        today passed without a test on or after it."""
        today = now.astimezone(tz).date()
        if self.every_days is not None:
            if last_test is None:
                return today
            deadline = last_test + timedelta(days=self.every_days)
            return deadline.astimezone(tz).date() if now > deadline else None
        if self.weekday is not None:
            back = (today.weekday() - self.weekday) % 7 or 7
            scheduled = today - timedelta(days=back)
            if last_test is None or last_test.astimezone(tz).date() < scheduled:
                return scheduled + timedelta(days=1)
        return None
