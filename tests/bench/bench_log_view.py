"""The Logboek at 100,000 reports: the real LogView over a store filled the way a team
lead's workstation is (pulled pages of reports with notes, and their follow-up tasks).

Times opening (building the view until its first page is painted), a filter change through
the real controls (p95 over ~30 varied changes) and a search (p95 over ~30 varied terms,
the debounce left out: it is a deliberate pause, not work), each until the table is
painted. Floors from the same run: a bare QTableView over a trivial model of one page, and
the bare SQL of one page plus a count. Targets: open <= 300 ms, filter and search <= 50 ms.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

INCIDENTS = 100_000
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
# fmt: off
SEARCHES = (
    "bezoeker", "schreeuwde", "camerabeelden", "wethouder", "paspoort", "uitkering",
    "vuist op de balie", "rotte vis", "stoel", "wachtruimte", "filmde", "woonadres",
    "beveiliger", "spuugde", "sluitingstijd", "politie", "teamleider", "time-out",
    "Fatima", "glasplaat", "wijkagent", "ziek thuis", "waarschuwingsbrief", "Melding 4711",
    "naheffing", "vergunning", "identiteitsbewijs", "terugvordering", "seksueel", "ruzie",
)
# fmt: on


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(len(ordered) * 0.95) - 1)]


def timed(app: object, action: Callable[[], None]) -> float:
    """ms from ``action`` until its effect has been painted (the model's reset schedules
    the table's repaint; processing the events paints it)."""
    start = time.perf_counter()
    action()
    app.processEvents()  # type: ignore[attr-defined]
    return (time.perf_counter() - start) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vb-bench-log-") as folder:
        os.environ["VEILIGBALIE_DATA_DIR"] = folder
        from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
        from PySide6.QtWidgets import QApplication, QTableView

        from tests.support.log_data import fill
        from veiligbalie.core.vocabulary import Category, IncidentStatus, Severity
        from veiligbalie.services.log import LogService
        from veiligbalie.store.database import Database
        from veiligbalie.ui.log_view import LogView

        app = QApplication.instance() or QApplication(sys.argv[:1])
        path = Path(folder) / "bench.sqlite3"
        db = Database.open(path)
        started = time.perf_counter()
        fill(db, INCIDENTS, NOW)
        fill_s = time.perf_counter() - started
        db.close()
        db = Database.open(path)  # a fresh start, as the app opens it
        service = LogService(db, clock=lambda: NOW)

        # -- Opening: the real view, built and painted ------------------------------------
        opens = []
        view: LogView | None = None
        for _ in range(5):
            if view is not None:
                view.close()
                view.deleteLater()
                app.processEvents()
            start = time.perf_counter()
            view = LogView(service)
            view.resize(1126, 708)
            view.show()
            app.processEvents()
            opens.append((time.perf_counter() - start) * 1000)
        assert view is not None and view.model.count() == INCIDENTS

        # -- Filter changes through the controls --------------------------------------------
        changes: list[Callable[[], None]] = []
        for period in range(1, view.period.count()):
            changes += [lambda p=period: view.period.setCurrentIndex(p)]
        changes += [lambda: view.period.setCurrentIndex(0)]
        for site in range(1, view.site.count()):
            changes += [lambda s=site: view.site.setCurrentIndex(s)]
        changes += [lambda: view.site.setCurrentIndex(0)]
        for location in (1, 4, 7):
            changes += [lambda i=location: view.location.setCurrentIndex(i)]
        changes += [lambda: view.location.setCurrentIndex(0)]
        toggles = [
            (view.category, Category.THREAT, True),
            (view.category, Category.DOXING, True),
            (view.severity, Severity.CRITICAL, True),
            (view.status, IncidentStatus.IN_PROGRESS, True),
            (view.status, IncidentStatus.IN_PROGRESS, False),
            (view.severity, Severity.CRITICAL, False),
            (view.category, Category.DOXING, False),
            (view.category, Category.THREAT, False),
        ]
        for button, value, checked in toggles:
            action = button.actions_by_value[value]
            changes += [lambda a=action, c=checked: a.setChecked(c)]
        changes += [
            lambda: view.overdue.setChecked(True),
            lambda: view.overdue.setChecked(False),
            lambda: view.alarm.setCurrentIndex(1),
            lambda: view.alarm.setCurrentIndex(2),
            lambda: view.alarm.setCurrentIndex(0),
        ]
        filters = [timed(app, change) for change in changes]
        view.clear_filters()

        # -- Searches -------------------------------------------------------------------------
        searches = []
        for term in SEARCHES:
            view.search.setText(term)  # starts the debounce; the search runs at once here
            searches.append(timed(app, view.apply_filters))
        view.search.clear()
        view.apply_filters()

        # -- Floors ---------------------------------------------------------------------------
        class Trivial(QAbstractTableModel):
            def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
                return 200

            def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
                return 9

            def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
                return f"{index.row()}:{index.column()}" if role == 0 else None

        bare_opens = []
        for _ in range(5):
            start = time.perf_counter()
            table = QTableView()
            table.setModel(Trivial(table))
            table.resize(1126, 708)
            table.show()
            app.processEvents()
            bare_opens.append((time.perf_counter() - start) * 1000)
            table.close()
            table.deleteLater()
        sqls = []
        for _ in range(10):
            start = time.perf_counter()
            with db.engine.connect() as conn:
                conn.exec_driver_sql(
                    "SELECT id, reference, occurred_at, categories, severity, location, status "
                    "FROM incidents ORDER BY occurred_at DESC, id DESC LIMIT 200"
                ).all()
                conn.exec_driver_sql("SELECT count(*) FROM incidents").scalar_one()
            sqls.append((time.perf_counter() - start) * 1000)
        view.close()
        db.close()

    open_ms = statistics.median(opens)
    floor_open = statistics.median(bare_opens)
    floor_sql = statistics.median(sqls)
    filter_p95 = p95(filters)
    search_p95 = p95(searches)
    print(
        json.dumps(
            {
                "bench": "log_view",
                "incidents": INCIDENTS,
                "open_ms": round(open_ms, 1),
                "open_first_ms": round(opens[0], 1),
                "filter_p95_ms": round(filter_p95, 1),
                "filter_max_ms": round(max(filters), 1),
                "filter_runs": len(filters),
                "search_p95_ms": round(search_p95, 1),
                "search_max_ms": round(max(searches), 1),
                "search_runs": len(searches),
                "floor_table_open_ms": round(floor_open, 1),
                "floor_sql_page_ms": round(floor_sql, 2),
                "open_ratio": round(open_ms / floor_open, 1) if floor_open else None,
                "filter_ratio": round(filter_p95 / floor_sql, 1) if floor_sql else None,
                "search_ratio": round(search_p95 / floor_sql, 1) if floor_sql else None,
                "fill_s": round(fill_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
