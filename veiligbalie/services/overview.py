"""OverviewService: the team lead's figures for a month, quarter or year (Overzicht).

Counts of reports per month, category, location and severity; how often the norm's
deadlines were kept (aftercare talk within 72 hours, response to the perpetrator within
24 hours, police report within 2 working days: a task done at or before its due date);
and how many alarms still wait for a report. Never a name. Every figure is one SQL
aggregate over the local replica, fast at 100,000 reports.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from veiligbalie.core.vocabulary import Category, FollowUpKind, Severity
from veiligbalie.core.workdays import AMSTERDAM as OFFICE_TZ
from veiligbalie.store.database import Database
from veiligbalie.store.log_query import LogQueries, overview_counts
from veiligbalie.store.types import utc_text

if TYPE_CHECKING:
    from veiligbalie.services.log import LogService

#: The deadlines whose keeping the overview shows, in the order shown.
COMPLIANCE_KINDS = (
    FollowUpKind.AFTERCARE_TALK,
    FollowUpKind.PERPETRATOR_RESPONSE,
    FollowUpKind.POLICE_REPORT,
)
#: Locations shown one by one; the rest are added up as "other locations".
TOP_LOCATIONS = 8


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date  # first day, office time
    end: date  # first day after

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        if kind is PeriodKind.YEAR:
            return cls(kind, date(day.year, 1, 1), date(day.year + 1, 1, 1))
        if kind is PeriodKind.QUARTER:
            first = (day.month - 1) // 3 * 3 + 1
            return cls(kind, date(day.year, first, 1), _add_months(date(day.year, first, 1), 3))
        return cls(kind, day.replace(day=1), _add_months(day.replace(day=1), 1))

    def previous(self) -> Period:
        return Period.containing(self.kind, date.fromordinal(self.start.toordinal() - 1))

    def months(self) -> list[date]:
        """The first day of every month in the period."""
        found, current = [], self.start
        while current < self.end:
            found.append(current)
            current = _add_months(current, 1)
        return found


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _instant(day: date) -> str:
    """Midnight at the office on ``day``, as stored (UTC text)."""
    return utc_text(datetime.combine(day, time(), OFFICE_TZ).astimezone(UTC))


@dataclass(frozen=True)
class Compliance:
    """How one deadline was kept for the period's reports."""

    kind: FollowUpKind
    on_time: int = 0  # done at or before the due date
    late: int = 0  # done after it, or still open past it
    pending: int = 0  # open, the due date still ahead: not counted yet

    @property
    def counted(self) -> int:
        return self.on_time + self.late

    @property
    def share(self) -> float | None:
        """The share kept on time (0..1); None when nothing could be judged yet."""
        return self.on_time / self.counted if self.counted else None


@dataclass(frozen=True)
class Overview:
    period: Period
    site: str | None
    total: int = 0
    per_month: list[tuple[date, int]] = field(default_factory=list)
    per_category: list[tuple[Category, int]] = field(default_factory=list)
    per_location: list[tuple[str, int]] = field(default_factory=list)
    other_locations: int = 0
    per_severity: list[tuple[Severity, int]] = field(default_factory=list)
    compliance: list[Compliance] = field(default_factory=list)
    alarms_without_report: int = 0  # resolved with no report linked, not yet closed
    alarms_cancelled: int = 0  # cancelled alarms not yet followed up
    alarms_raised: int = 0  # real alarms (no tests) raised in the period, this workstation's log
    alarms_answered: int = 0  # of those, answered with "Ik kom eraan"
    response_median_s: float | None = None  # press to the first "Ik kom eraan"
    response_p90_s: float | None = None
    response_max_s: float | None = None


class OverviewService(QObject):
    """The Overzicht's figures over the local replica."""

    changed = Signal()

    def __init__(
        self,
        db: Database,
        log: LogService | None = None,
        clock: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._log = log
        self._clock = clock
        if log is not None:
            log.changed.connect(self.changed)

    def now(self) -> datetime:
        if self._clock is not None:
            return self._clock()
        return self._log.now() if self._log is not None else datetime.now(UTC)

    def sites(self) -> list[str]:
        return LogQueries(self._db).sites()

    def current_period(self, kind: PeriodKind) -> Period:
        return Period.containing(kind, self.now().astimezone(OFFICE_TZ).date())

    def overview(self, period: Period, site: str | None = None) -> Overview:
        months = period.months()
        edges = [_instant(m) for m in months] + [_instant(period.end)]
        counts = overview_counts(
            self._db,
            edges,
            site,
            utc_text(self.now()),
            [k.value for k in COMPLIANCE_KINDS],
        )
        total = counts.total
        per_month = list(zip(months, counts.per_month, strict=True))
        per_category = sorted(counts.per_category.items(), key=lambda item: -item[1])
        locations = counts.per_location
        severities = counts.per_severity
        tasks = counts.tasks
        alarms = counts.alarms
        by_kind = tasks
        compliance = []
        for kind in COMPLIANCE_KINDS:
            row = by_kind.get(kind.value)
            compliance.append(Compliance(kind, *row) if row else Compliance(kind))
        return Overview(
            period=period,
            site=site,
            total=total,
            per_month=per_month,
            per_category=[(Category(c), n) for c, n in per_category],
            per_location=locations[:TOP_LOCATIONS],
            other_locations=sum(n for _name, n in locations[TOP_LOCATIONS:]),
            per_severity=[(s, severities.get(s.value, 0)) for s in Severity],
            compliance=compliance,
            alarms_without_report=alarms[0],
            alarms_cancelled=alarms[1],
            **_responses(counts.responses),
        )


def _responses(values: list[float | None]) -> dict[str, Any]:
    answered = sorted(v for v in values if v is not None)
    figures: dict[str, Any] = {"alarms_raised": len(values), "alarms_answered": len(answered)}
    if answered:
        figures["response_median_s"] = statistics.median(answered)
        figures["response_p90_s"] = answered[max(0, math.ceil(len(answered) * 0.9) - 1)]
        figures["response_max_s"] = answered[-1]
    return figures
