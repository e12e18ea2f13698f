"""The management overview PDF for a year over 100,000 reports: the SQL aggregates
(services.overview over store.log_query) plus reportlab laying out the charts and tables.

Floor from the same run: reportlab building a document of the same page count and charts
from fixed figures (no data queries). Target: <= 5 s.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

INCIDENTS = int(os.environ.get("VB_BENCH_INCIDENTS", "100000"))
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
RUNS = 3


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vb-bench-overview-") as folder:
        os.environ["VEILIGBALIE_DATA_DIR"] = folder
        from pypdf import PdfReader
        from PySide6.QtWidgets import QApplication

        from tests.support.log_data import fill
        from veiligbalie.reports.overview_report import build_overview
        from veiligbalie.services.overview import OverviewService, Period, PeriodKind
        from veiligbalie.store.database import Database
        from veiligbalie.ui.documents import overview_document

        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert app is not None
        path = Path(folder) / "bench.sqlite3"
        db = Database.open(path)
        started = time.perf_counter()
        fill(db, INCIDENTS, NOW)
        fill_s = time.perf_counter() - started
        db.close()
        db = Database.open(path)
        service = OverviewService(db, clock=lambda: NOW)
        period = Period.containing(PeriodKind.YEAR, date(2026, 6, 1))

        runs, builds, pages = [], [], 0
        out = Path(folder) / "overview.pdf"
        for _ in range(RUNS):
            start = time.perf_counter()
            overview = service.overview(period)
            document = overview_document(overview, NOW)
            build_overview(out, document)
            runs.append(time.perf_counter() - start)
        pages = len(PdfReader(out).pages)
        # Floor: the same document (same charts, same page count) from fixed figures.
        for _ in range(RUNS):
            start = time.perf_counter()
            build_overview(out, document)
            builds.append(time.perf_counter() - start)
        assert len(PdfReader(out).pages) == pages
        db.close()

    seconds = statistics.median(runs)
    floor = statistics.median(builds)
    print(
        json.dumps(
            {
                "bench": "overview_pdf",
                "incidents": INCIDENTS,
                "seconds": round(seconds, 3),
                "first_seconds": round(runs[0], 3),
                "pages": pages,
                "reports_in_year": overview.total,
                "floor_reportlab_seconds": round(floor, 3),
                "ratio": round(seconds / floor, 2) if floor else None,
                "fill_s": round(fill_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
