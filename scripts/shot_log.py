"""Screenshots of the Logboek and the Overzicht with realistic Dutch data (1366x768):
``python scripts/shot_log.py /tmp/shot-log.png /tmp/shot-overview.png``."""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(log_png: str, overview_png: str) -> None:
    folder = tempfile.mkdtemp(prefix="vb-shot-")
    os.environ["VEILIGBALIE_DATA_DIR"] = folder
    from PySide6.QtWidgets import QApplication

    from tests.support.log_data import fill
    from veiligbalie.app import install_translations
    from veiligbalie.services.log import LogService
    from veiligbalie.services.overview import OverviewService, PeriodKind
    from veiligbalie.store.database import Database
    from veiligbalie.store.schema import alarm_followups
    from veiligbalie.ui.log_view import LogView
    from veiligbalie.ui.overview import OverviewView

    app = QApplication.instance() or QApplication([])
    install_translations(app, "nl")
    db = Database.open(Path(folder) / "shot.sqlite3")
    now = datetime(2026, 12, 2, 11, 30, tzinfo=UTC)
    fill(db, 40, now, seed=3, span_days=75)
    fill(db, 400, now - timedelta(days=80), seed=5, span_days=300)
    with db.write() as session:
        for n, state in enumerate(("resolved", "resolved", "cancelled")):
            session.execute(
                alarm_followups.insert().values(
                    id=__import__("uuid").uuid4(),
                    station="balie-2",
                    location="Publiekshal, balie 2",
                    raised_by="balie-2",
                    raised_at=now - timedelta(days=n + 1),
                    state=state,
                    updated_at=now,
                )
            )
    service = LogService(db, clock=lambda: now)
    view = LogView(service)
    view.resize(1366 - 240, 768 - 60)
    view.show()
    app.processEvents()
    view.table.selectRow(0)
    app.processEvents()
    view.grab().save(log_png)
    overview = OverviewView(OverviewService(db, service))
    overview.choose(PeriodKind.YEAR)
    # In the window the area scrolls: shown here at 1366x768, in a scroll area as there.
    from PySide6.QtWidgets import QScrollArea

    holder = QScrollArea()
    holder.setWidgetResizable(True)
    holder.setWidget(overview)
    holder.resize(1366 - 240, 768 - 60)
    holder.show()
    app.processEvents()
    holder.grab().save(overview_png)
    holder.verticalScrollBar().setValue(holder.verticalScrollBar().maximum())
    app.processEvents()
    holder.grab().save(overview_png.replace(".png", "-bottom.png"))
    db.close()


if __name__ == "__main__":
    main(*(sys.argv[1:] or ["/tmp/shot-log.png", "/tmp/shot-overview.png"]))
