"""LogService: the Logboek's questions to the local replica, and who is asking.

The view asks for a page of reports under a filter; this service adds what the reader may
see (reports meant for the team lead only are left out for employees and security), the
time ("overdue" is decided against :meth:`now`, a clock tests can set), where the reports
come from (this workstation, or the shared log of the site), and the saved filters of
each user.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from veiligbalie import settings
from veiligbalie.core.vocabulary import Category, IncidentStatus, Severity
from veiligbalie.services.viewer import Viewer, viewer_of
from veiligbalie.store.database import Database
from veiligbalie.store.log_query import (
    ExportRow,
    FollowUpState,
    LogFilter,
    LogQueries,
    LogQuery,
    LogRow,
    SortKey,
)

if TYPE_CHECKING:
    from veiligbalie.services.incidents import IncidentService
    from veiligbalie.services.session import Session
    from veiligbalie.services.sync import SyncEngine

log = logging.getLogger(__name__)

# The store's types the view works with, re-exported so widgets depend on the service only.
__all__ = [
    "CsvColumns",
    "ExportRow",
    "FollowUpState",
    "LogFilter",
    "LogQuery",
    "LogRow",
    "LogService",
    "SortKey",
    "Viewer",
    "filter_from_json",
    "filter_to_json",
]


#: The last columns of the export: restricted data, left out for readers who may not read it.
RESTRICTED_COLUMNS = ("perpetrator_description", "perpetrator_reference")


@dataclass(frozen=True)
class CsvColumns:
    """The export's headers and each row's values, in the UI language (the labels live in
    the UI). The last headers are those of :data:`RESTRICTED_COLUMNS`."""

    headers: Sequence[str]
    values: Callable[[ExportRow, bool], list[str]]


def filter_to_json(f: LogFilter) -> dict[str, Any]:
    data = asdict(f)
    for key in ("since", "until"):
        data[key] = data[key].isoformat() if data[key] is not None else None
    for key in ("categories", "severities", "statuses"):
        data[key] = sorted(str(v) for v in data[key])
    data["assignee_user_id"] = str(f.assignee_user_id) if f.assignee_user_id else None
    return data


def filter_from_json(data: dict[str, Any]) -> LogFilter:
    """A saved filter back; unknown or damaged values are left out, never raised."""

    def when(key: str) -> datetime | None:
        try:
            return datetime.fromisoformat(data[key]) if data.get(key) else None
        except (TypeError, ValueError):
            return None

    def values(key: str, kind: Callable[[str], Any]) -> frozenset[Any]:
        found = set()
        for raw in data.get(key) or []:
            try:
                found.add(kind(raw))
            except ValueError:
                continue
        return frozenset(found)

    alarm = data.get("alarm")
    try:
        me = uuid.UUID(str(data["assignee_user_id"])) if data.get("assignee_user_id") else None
    except ValueError:
        me = None
    return LogFilter(
        since=when("since"),
        until=when("until"),
        site=data.get("site") or None,
        location=data.get("location") or None,
        categories=values("categories", Category),
        severities=values("severities", Severity),
        statuses=values("statuses", IncidentStatus),
        overdue=bool(data.get("overdue")),
        alarm=alarm if isinstance(alarm, bool) else None,
        assignee_user_id=me,
        text=str(data.get("text") or ""),
    )


class LogService(QObject):
    """The Logboek's reads, for whoever sits behind the workstation now."""

    #: Reports were added or changed, or the reader changed: read the log again.
    changed = Signal()
    saved_filters_changed = Signal()

    def __init__(
        self,
        db: Database,
        incidents: IncidentService | None = None,
        session: Session | None = None,
        sync: SyncEngine | None = None,
        clock: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._queries = LogQueries(db)
        self.session = session
        self.sync = sync
        self._clock = clock or (lambda: datetime.now(UTC))
        # One signal for a burst of changes (a pull of many pages), not one per report.
        self._nudge = QTimer(self)
        self._nudge.setSingleShot(True)
        self._nudge.setInterval(0)
        self._nudge.timeout.connect(self.changed)
        if incidents is not None:
            incidents.saved.connect(self._nudge.start)
            incidents.changed.connect(self._nudge.start)
            incidents.identity_changed.connect(self._nudge.start)
        if session is not None:
            session.changed.connect(self._nudge.start)
        if sync is not None:  # linking, unlinking and the first pull change the count line
            sync.state_changed.connect(self._nudge.start)
            sync.synced.connect(self._nudge.start)

    # -- Who and when ----------------------------------------------------------------------
    def now(self) -> datetime:
        return self._clock()

    def set_clock(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self.changed.emit()

    def viewer(self) -> Viewer:
        return viewer_of(self.session)

    def linked(self) -> bool:
        """A server is set up: numbers made here are provisional until it gives the final one."""
        return self.sync is not None and self.sync.configured

    def source(self) -> str:
        """Where the listed reports come from: "local" (no server), "shared" (linked and
        pulled from the server) or "linked" (linked, the shared log not fetched yet)."""
        if self.sync is None or not self.sync.configured:
            return "local"
        return "shared" if self.sync.logic.cursor > 0 else "linked"

    # -- Reading ---------------------------------------------------------------------------
    def _query(self, f: LogFilter, sort: SortKey, descending: bool) -> LogQuery:
        return LogQuery(
            filter=f,
            sort=sort,
            descending=descending,
            include_team_lead_only=self.viewer().sees_team_lead_only,
        )

    def first_page(
        self,
        f: LogFilter,
        sort: SortKey = SortKey.OCCURRED_AT,
        descending: bool = True,
        limit: int = 200,
    ) -> tuple[list[LogRow], int]:
        """The first rows under ``f`` and how many there are in all."""
        return self._queries.first_page(self._query(f, sort, descending), self.now(), limit)

    def page(
        self,
        f: LogFilter,
        sort: SortKey = SortKey.OCCURRED_AT,
        descending: bool = True,
        limit: int = 200,
        offset: int = 0,
    ) -> list[LogRow]:
        return self._queries.page(self._query(f, sort, descending), self.now(), limit, offset)

    def count(self, f: LogFilter = LogFilter()) -> int:  # noqa: B008 (frozen, never changed)
        return self._queries.count(self._query(f, SortKey.OCCURRED_AT, True), self.now())

    def total(self) -> int:
        """Every report this reader may see, unfiltered."""
        return self._queries.total(self.viewer().sees_team_lead_only)

    def sites(self) -> list[str]:
        return self._queries.sites()

    def locations(self) -> list[str]:
        return self._queries.locations()

    # -- Export ------------------------------------------------------------------------------
    def export_csv(
        self,
        path: str | os.PathLike[str],
        f: LogFilter,
        sort: SortKey,
        descending: bool,
        columns: CsvColumns,
    ) -> int:
        """Write the reports under ``f`` in the view's order to ``path`` as a spreadsheet
        file: UTF-8 with a byte-order mark, semicolons (Excel in Dutch locales), dates as
        dd-mm-jjjj uu:mm in office time. Rows are streamed from the store, never all held
        at once. The perpetrator columns only for a reader who may read them. Returns the
        number of rows written."""
        viewer = self.viewer()
        restricted = viewer.reads_restricted
        headers = list(columns.headers)
        if not restricted:
            headers = headers[: -len(RESTRICTED_COLUMNS)]
        rows = self._queries.export(self._query(f, sort, descending), self.now(), restricted)
        written = 0
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(headers)
            for row in rows:
                writer.writerow(columns.values(row, restricted))
                written += 1
        return written

    # -- Saved filters (per user) ----------------------------------------------------------
    def _user_key(self) -> str:
        if self.session is not None and self.session.logged_in:
            return f"user:{settings.LOGGED_IN_USERNAME.get()}"
        return "workstation"

    def _all_saved(self) -> dict[str, dict[str, Any]]:
        raw = settings.LOG_SAVED_FILTERS.get()
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            log.warning("The saved filters of the log could not be read; starting afresh")
            return {}
        return data if isinstance(data, dict) else {}

    def saved_filters(self) -> dict[str, LogFilter]:
        """This user's saved filters by name, in name order."""
        mine = self._all_saved().get(self._user_key()) or {}
        return {
            name: filter_from_json(data)
            for name, data in sorted(mine.items(), key=lambda item: item[0].casefold())
            if isinstance(data, dict)
        }

    def saved_periods(self) -> dict[str, str]:
        """The period choice ("month", "7d", …) kept with each saved filter: a saved "this
        month" stays the current month, not the month it was saved in."""
        mine = self._all_saved().get(self._user_key()) or {}
        return {
            name: str(data.get("period") or "all")
            for name, data in mine.items()
            if isinstance(data, dict)
        }

    def save_filter(self, name: str, f: LogFilter, period: str = "all") -> None:
        name = name.strip()
        if not name:
            raise ValueError("a saved filter needs a name")
        data = self._all_saved()
        data.setdefault(self._user_key(), {})[name] = {**filter_to_json(f), "period": period}
        settings.LOG_SAVED_FILTERS.set(json.dumps(data, ensure_ascii=False))
        settings.sync()
        self.saved_filters_changed.emit()

    def delete_filter(self, name: str) -> None:
        data = self._all_saved()
        if data.get(self._user_key(), {}).pop(name, None) is not None:
            settings.LOG_SAVED_FILTERS.set(json.dumps(data, ensure_ascii=False))
            settings.sync()
            self.saved_filters_changed.emit()
