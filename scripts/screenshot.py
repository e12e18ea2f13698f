"""Refresh the README's screenshots: the main window in Dutch on a fresh local store.

    make screenshot            (offscreen; or run under xvfb-run for the platform's style)

Writes docs/screenshot-main.png (and, with --all, one PNG per area).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _example_reports(context: object) -> None:
    """Two reports in the throwaway store, so My reports and the log show what users see."""
    from datetime import UTC, datetime, timedelta

    from veiligbalie.core.incident import Incident
    from veiligbalie.core.vocabulary import Category, Channel, Severity

    service = context.incidents  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    first = service.save(
        Incident(
            description="Bezoeker werd boos over een afgewezen aanvraag, schreeuwde en sloeg "
            "met de vlakke hand op de balie.",
            categories=frozenset({Category.VERBAL_AGGRESSION, Category.INTIMIDATION}),
            occurred_at=now - timedelta(days=2, hours=3),
            location="Stadskantoor, begane grond, balie 3",
            reporter=service.reporter_name(),
            severity=Severity.HIGH,
            aftercare_wanted=True,
        )
    )
    service.add_note(first.id, service.reporter_name(), "Camerabeelden zijn bewaard.")
    service.save(
        Incident(
            description="Beller dreigde me op te wachten na het werk.",
            categories=frozenset({Category.THREAT}),
            occurred_at=now - timedelta(minutes=20),
            location="Stadskantoor, begane grond, balie 3",
            channel=Channel.PHONE,
            reporter=service.reporter_name(),
            police_report_intended=True,
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--all", action="store_true", help="one PNG per area as well")
    parser.add_argument("--lang", default="nl", choices=("nl", "en"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VEILIGBALIE_DATA_DIR"] = tmp
        from PySide6.QtWidgets import QApplication

        from veiligbalie import settings
        from veiligbalie.app import install_translations
        from veiligbalie.services.context import AppContext
        from veiligbalie.store.database import Database
        from veiligbalie.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication([])
        translators = install_translations(app, args.lang)
        settings.STATION_NAME.set("balie-3")
        settings.STATION_LOCATION.set("Stadskantoor, begane grond, balie 3")
        context = AppContext.open(Database.open())
        window = MainWindow(context)
        window.resize(1366, 728)  # a 1366x768 counter screen less its taskbar
        window.show()
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(out / "screenshot-main.png"))
        if args.all:
            _example_reports(context)
            for key in window.AREAS:
                window.show_area(key)
                app.processEvents()
                window.grab().save(str(out / f"screenshot-{key}.png"))
        window.quit()
        context.close()
        del translators
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
