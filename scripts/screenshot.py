"""Refresh the README's screenshots: the main window in Dutch on a fresh local store.

    make screenshot            (offscreen; or run under xvfb-run for the platform's style)

Writes docs/screenshot-main.png (and, with --all, one PNG per area).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _example_reports(context: object) -> uuid.UUID:
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
    return first.id


def _realistic_log(context: object) -> None:
    """A team's log as a team lead's station holds it: sixty reports of the last months pulled
    from the server (with notes, follow-up and assignees), and alarms that still need
    follow-up: what the Logboek, Opvolging and Overzicht show."""
    import sys
    import uuid
    from datetime import UTC, datetime, timedelta

    sys.path.insert(0, str(ROOT))
    from tests.support.log_data import fill
    from veiligbalie.store.alarm_followups import AlarmFollowUpRepository, ServerItem

    db = context.db  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    fill(db, 60, now, seed=3, span_days=120, first_number=3)
    AlarmFollowUpRepository(db).replace_from_server(
        [
            ServerItem(
                id=uuid.uuid4(),
                station=station,
                location=location,
                raised_by=station,
                raised_at=now - timedelta(days=days, hours=2),
                state=state,
                closed_at=now - timedelta(days=days, hours=1, minutes=50),
            )
            for station, location, state, days in (
                ("balie-2", "Publiekshal, balie 2", "resolved", 0),
                ("spreekkamer-1", "Spreekkamer 1", "cancelled", 1),
            )
        ],
        now,
    )
    context.incidents.notify_changed(None)  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--all", action="store_true", help="one PNG per area as well")
    parser.add_argument("--lang", default="nl", choices=("nl", "en"))
    parser.add_argument(
        "--supervision",
        action="store_true",
        help="only Toezicht: the station board and alarm log, from a real server",
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VEILIGBALIE_DATA_DIR"] = tmp
        from PySide6.QtWidgets import QApplication

        from veiligbalie import settings
        from veiligbalie.app import install_translations
        from veiligbalie.core.vocabulary import IncidentStatus
        from veiligbalie.services.context import AppContext
        from veiligbalie.services.overview import PeriodKind
        from veiligbalie.store.database import Database
        from veiligbalie.ui.main_window import MainWindow

        app = QApplication.instance() or QApplication([])
        translators = install_translations(app, args.lang)
        if args.supervision:
            import screenshot_supervision

            if args.lang == "nl":
                translators.append(screenshot_supervision.pending_translator(app, Path(tmp)))
            screenshot_supervision.shoot(out, app, Path(tmp))
            print(f"screenshots written to {out}")
            return 0
        settings.STATION_NAME.set("balie-3")
        settings.REPORTER_NAME.set("Marieke de Wit")
        settings.STATION_LOCATION.set("Stadskantoor, begane grond, balie 3")
        context = AppContext.open(Database.open())
        window = MainWindow(context)
        window.resize(1366, 728)  # a 1366x768 counter screen less its taskbar
        window.show()
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(out / "screenshot-main.png"))
        if args.all:
            first = _example_reports(context)
            _realistic_log(context)
            window.overview.choose(PeriodKind.YEAR)
            for key in window.AREAS:
                window.show_area(key)
                for _ in range(3):
                    app.processEvents()
                window.grab().save(str(out / f"screenshot-{key}.png"))
            # A team lead opens a report from the Logboek (Enter): the detail with its steps.
            window.show_area("log")
            window.open_incident(first)
            review = window.review
            me = review.me()
            review.assign(first, me.user_id, me.name)
            review.set_status(first, IncidentStatus.IN_PROGRESS)
            review.message(
                first,
                "Ik bel je morgen om 10 uur voor een nazorggesprek. Wil je dat je collega "
                "van balie 2 er ook bij is?",
            )
            window.open_incident(first)
            for _ in range(3):
                app.processEvents()
            window.grab().save(str(out / "screenshot-detail.png"))
        window.quit()
        context.close()
        del translators
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
