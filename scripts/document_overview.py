"""Render the first page of a year's management overview to docs/document-overview.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/document_overview.py

2,000 realistic reports (tests/support/log_data.py) and a few answered alarms, in Dutch
(texts still in i18n/pending/*.json included); needs pdftoppm (poppler-utils).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vb-doc-overview-") as folder:
        os.environ["VEILIGBALIE_DATA_DIR"] = folder
        from PySide6.QtWidgets import QApplication

        from tests.support.log_data import fill
        from tests.support.pdf import dutch_with_pending
        from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType
        from veiligbalie.reports.overview_report import build_overview
        from veiligbalie.services.overview import OverviewService, Period, PeriodKind
        from veiligbalie.store.alarms import AlarmRepository
        from veiligbalie.store.database import Database
        from veiligbalie.ui.documents import overview_document

        app = QApplication(sys.argv[:1])
        db = Database.open(Path(folder) / "doc.sqlite3")
        fill(db, 2000, NOW, span_days=700)
        alarms = AlarmRepository(db)
        for n, answer in enumerate((35, 48, 62, 75, 90, 140, None)):
            alarm = uuid.uuid4()
            raised = NOW - timedelta(days=20 * n + 3)
            alarms.record_alarm(
                alarm,
                AlarmKind.SILENT,
                AlarmType.AGGRESSION,
                "balie-3",
                "Publiekshal",
                raised,
                AlarmState.RESOLVED,
                False,
            )
            if answer is not None:
                alarms.add_event(
                    alarm, "acknowledged", "-", "server", raised + timedelta(seconds=answer)
                )
        with dutch_with_pending(app):
            service = OverviewService(db, clock=lambda: NOW)
            overview = service.overview(Period.containing(PeriodKind.YEAR, date(2026, 1, 1)))
            pdf = Path(folder) / "overview.pdf"
            build_overview(pdf, overview_document(overview, NOW))
        db.close()
        stem = Path(folder) / "page"
        tool = shutil.which("pdftoppm") or sys.exit("pdftoppm is needed (poppler-utils)")
        subprocess.run(
            [tool, "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(stem)], check=True
        )
        page = next(Path(folder).glob("page-*.png"))
        shutil.copy(page, ROOT / "docs" / "document-overview.png")
        print(ROOT / "docs" / "document-overview.png")


if __name__ == "__main__":
    main()
