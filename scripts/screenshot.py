"""Refresh the README's screenshots: the main window in Dutch on a fresh local store.

    make screenshot            (offscreen; or run under xvfb-run for the platform's style)

Writes docs/screenshot-main.png (and, with --all, one PNG per area). With --admin-org:
Beheer → Organisatie (the card editor with its live preview) and Privacy, against a real
throwaway server with an administrator signed in (docs/screenshot-admin-organisation.png,
docs/screenshot-admin-privacy.png; texts still in i18n/pending/*.json included).
Writes docs/screenshot-main.png (and, with --all, one PNG per area; with --admin-people,
Beheer > Mensen against a real local server: docs/screenshot-admin-people.png).
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


def _pump(
    app: object, done: object, what: str = "the server's answer", seconds: float = 30.0
) -> None:
    """Run the event loop until ``done()`` holds (the client's calls are asynchronous)."""
    import time

    deadline = time.monotonic() + seconds
    while not done():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError(f"screenshot: gave up waiting for {what}")
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def _admin_alarm(out: Path, lang: str) -> None:
    """Beheer, Alarmering against a real server on 127.0.0.1: an administrator's escalation
    with three levels, the webhook and the answer of "Send test" from a local receiver."""
    import sys

    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from tests.e2e.drivers.sync_kit import PASSWORD, setup_site
    from tests.support.server import running_server
    from tests.support.webhook import webhook_receiver
    from veiligbalie import settings
    from veiligbalie.app import install_translations
    from veiligbalie.services.context import AppContext
    from veiligbalie.store.database import Database
    from veiligbalie.ui.admin.alarm_setup import AlarmSetupPage

    app = QApplication.instance() or QApplication([])
    translators = install_translations(app, lang)
    settings.STATION_NAME.set("beheer-1")
    answer = b'{"ontvangen": true, "melding": "MK-2291", "dienst": "Meldkamer Beveiliging"}'
    with tempfile.TemporaryDirectory() as db_dir, webhook_receiver(202, answer) as hook:
        with running_server(f"sqlite:///{db_dir}/server.sqlite3") as server:
            site = setup_site(server, 1, (("beheer", "Bea Beheer", "administrator"),))
            context = AppContext.open(Database.open())
            session = context.session
            assert session is not None
            enrolled: list[object] = []
            session.enrol_finished.connect(enrolled.append)
            session.enrol(server.base_url, site.codes[0])
            _pump(app, lambda: enrolled, "the server")
            signed: list[object] = []
            session.login_finished.connect(signed.append)
            session.login("beheer", PASSWORD)
            _pump(app, lambda: signed, "the server")
            page = AlarmSetupPage(context)
            page.setWindowTitle("VeiligBalie — Beheer")
            page.resize(1366, 728)
            page.show()
            _pump(app, lambda: page.rows, "the server")
            while len(page.rows) > 1:
                page.rows[-1].remove.click()
            page.rows[0].delay.setValue(0)
            page.rows[0].set_targets(["colleagues"])
            for delay, targets, webhook in ((30, ["security", "team_lead"], False),
                                            (120, ["security"], True)):  # fmt: skip
                row = page.add_level()
                assert row is not None
                row.delay.setValue(delay)
                row.set_targets(targets)
                row.webhook.setChecked(webhook)
            page.webhook_url.setText(hook.url)
            page.secret.setText("voorbeeld-geheim")
            page.save_button.click()
            _pump(
                app,
                lambda: "save" not in page.service.busy and page.secret.text() == "",
                "the server",
            )
            page.lan_port.setValue(47470)
            page.lan_group.setText("239.255.47.47")
            page.lan_save.click()
            _pump(app, lambda: "lan_save" not in page.service.busy, "the server")
            page.test_button.click()
            _pump(app, lambda: "test" not in page.service.busy, "the server")
            for _ in range(5):
                app.processEvents()
            page.grab().save(str(out / "screenshot-admin-escalation.png"))
            page.close()
            context.close()
    del translators


def admin_workstations(out: Path, lang: str) -> None:
    """Beheer > Werkplekken on a real server (throwaway SQLite): a few workstations, this one
    online, one linked but offline, one waiting, one revoked; with the Koppelcode dialog of
    a workstation just added on top. Writes docs/screenshot-admin-workstations.png."""
    import sys

    import httpx
    import keyring
    from PySide6.QtCore import QPoint, QRect, Qt
    from PySide6.QtGui import QColor, QPainter
    from PySide6.QtWidgets import QApplication
    from websockets.sync.client import connect

    sys.path.insert(0, str(ROOT))
    from tests.e2e.drivers.sync_kit import PASSWORD, admin, setup_site
    from tests.support.pdf import dutch_with_pending
    from tests.support.server import running_server
    from veiligbalie import settings
    from veiligbalie.app import install_translations
    from veiligbalie.secrets import MemoryKeyring
    from veiligbalie.services.context import AppContext
    from veiligbalie.store.database import Database
    from veiligbalie.ui.admin.workstations import WorkstationsPage

    app = QApplication.instance() or QApplication([])
    keyring.set_keyring(MemoryKeyring())
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(f"sqlite:///{Path(tmp) / 'server.sqlite3'}") as server,
    ):
        site = setup_site(
            server, workstations=4, users=(("beheer", "Bea Beheer", "administrator"),)
        )
        admin(server, "site", "create", "--name", "Wijkkantoor Noord")
        admin(server, "workstation", "create", "--site", "Wijkkantoor Noord", "--name",
              "loket-1", "--location", "Loket 1, entree")  # fmt: skip
        base = server.base_url
        # balie-2: linked, its last heartbeat a while ago, now offline (stream gone).
        linked = httpx.post(f"{base}/api/v1/enroll", json={"code": site.codes[1]}).json()
        bearer = {"Authorization": f"Bearer {linked['token']}"}
        httpx.post(f"{base}/api/v1/stations/heartbeat", headers=bearer,
                   json={"client_version": "0.1.0"})  # fmt: skip
        with connect(base.replace("http", "ws", 1) + "/api/v1/stream",
                     additional_headers=bearer) as stream:  # fmt: skip
            for _ in range(2):  # hello, then the site's online list: it joined, then leaves
                stream.recv()
        # balie-4: revoked.
        admin(server, "workstation", "revoke", "--workstation", "balie-4")

        settings.ALARM_LAN_INTERFACE.set("")
        settings.ALARM_SOUND.set(False)
        context = AppContext.open(Database.open())
        session = context.session
        assert session is not None
        failed: list[object] = []
        session.enrol_finished.connect(lambda e: failed.append(e))
        session.enrol(base, site.codes[0])
        _pump(app, lambda: failed, "linking")
        session.login_finished.connect(lambda e: failed.append(e))
        session.login("beheer", PASSWORD)
        _pump(app, lambda: len(failed) == 2, "sign-in")
        translators = install_translations(app, lang)  # type: ignore[arg-type]
        with dutch_with_pending(app) if lang == "nl" else tempfile.TemporaryDirectory():
            page = WorkstationsPage(context)
            page.resize(1366, 728)
            page.show()
            _pump(app, lambda: any(r.online and r.name == "balie-1" for r in page.service.rows),
                  "balie-1 online")  # fmt: skip
            noord = next(s.id for s in page.service.sites if s.name == "Wijkkantoor Noord")
            page.service.add(noord, "loket-2", "Loket 2, eerste verdieping")
            _pump(app, lambda: page.code_dialog is not None, "the link code")
            _pump(app, lambda: any(r.name == "loket-2" for r in page.service.rows), "the list")
            page.select(next(r.workstation_id for r in page.service.rows if r.name == "balie-1"))
            for _ in range(5):
                app.processEvents()
            shot = page.grab()
            dialog = page.code_dialog
            assert dialog is not None
            dialog.adjustSize()
            for _ in range(3):
                app.processEvents()
            box = dialog.grab()
            painter = QPainter(shot)
            bar = 28  # the dialog's title bar, as a window manager would draw it
            at = QPoint((shot.width() - box.width()) // 2, (shot.height() - box.height()) // 2)
            painter.fillRect(shot.rect(), QColor(0, 0, 0, 70))  # the page behind the dialog
            frame = QRect(at.x() - 1, at.y() - bar - 1, box.width() + 2, box.height() + bar + 2)
            painter.fillRect(frame, QColor("#455a64"))
            painter.setPen(QColor("white"))
            title = QRect(at.x() + 10, at.y() - bar, box.width() - 20, bar)
            painter.drawText(title, Qt.AlignmentFlag.AlignVCenter, dialog.windowTitle())
            painter.drawPixmap(at, box)
            painter.end()
            shot.save(str(out / "screenshot-admin-workstations.png"))
            dialog.close()
            page.close()
        context.close()
        del translators


def _admin_org_screens(out: Path) -> None:
    """Beheer → Organisatie and Privacy as an administrator at a linked counter sees them."""
    import sys
    from datetime import UTC, datetime

    sys.path.insert(0, str(ROOT))
    import keyring
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QApplication

    from tests.e2e.drivers.sync_kit import PASSWORD, admin, setup_site
    from tests.support.pdf import dutch_with_pending
    from tests.support.server import running_server
    from veiligbalie.core.incident import Incident
    from veiligbalie.core.vocabulary import Category
    from veiligbalie.secrets import MemoryKeyring
    from veiligbalie.services.context import AppContext
    from veiligbalie.store.database import Database
    from veiligbalie.ui.admin.organisation import OrganisationPage
    from veiligbalie.ui.admin.privacy import PrivacyPage

    keyring.set_keyring(MemoryKeyring())
    app = QApplication.instance() or QApplication([])
    with (
        tempfile.TemporaryDirectory() as folder,
        running_server(f"sqlite:///{Path(folder) / 'server.sqlite3'}") as server,
        dutch_with_pending(app),
    ):
        site = setup_site(server, workstations=1)
        admin(server, "user", "create", "--username", "beheer", "--display-name",
              "Bea Beheer", "--role", "administrator", "--password", PASSWORD)  # fmt: skip
        admin(server, "org", "closing-day", "add", "2026-05-15", "--reason", "brugdag")
        admin(server, "retention", "set", "--reports-months", "36", "--attachments-months", "12")
        context = AppContext.open(Database.open())
        session = context.session
        assert session is not None
        session.enrol(server.base_url, site.codes[0])
        _pump(app, lambda: session.enrolled)
        session.login("beheer", PASSWORD)
        _pump(app, lambda: session.logged_in and session.role is not None)
        context.incidents.save(
            Incident(
                description="Beller schold een medewerker uit.",
                categories=frozenset({Category.VERBAL_AGGRESSION}),
                occurred_at=datetime(2022, 3, 8, 10, 0, tzinfo=UTC),
                location="Balie 1",
                reporter="Bea Beheer",
            )
        )
        engine = context.sync
        assert engine is not None
        _pump(app, lambda: engine.pending == 0)

        page = OrganisationPage(context)
        page.resize(1366, 768)
        page.show()
        cards = page.cards
        page.tabs.setCurrentWidget(cards)
        _pump(app, lambda: cards.card.count() > 0)
        cards.select("huisregels")
        cards.editor.setPlainText(
            cards.editor.toPlainText().rstrip()
            + "\n\n**Wie scheldt of dreigt, krijgt een toegangsverbod van drie maanden.**\n"
        )
        for _ in range(5):
            app.processEvents()
        page.grab().save(str(out / "screenshot-admin-organisation.png"))
        page.close()

        privacy = PrivacyPage(context)
        privacy.resize(1366, 768)
        privacy.show()
        _pump(app, lambda: privacy.preview.table.rowCount() > 0)
        audit = privacy.audit
        audit.use_period.setChecked(True)
        audit.since.setDate(QDate.currentDate().addDays(-7))
        audit.run()
        _pump(app, lambda: audit.search.isEnabled() and audit.model.rowCount() > 0)
        for _ in range(5):
            app.processEvents()
        privacy.grab().save(str(out / "screenshot-admin-privacy.png"))
        privacy.close()
        context.close()


def _admin_people(app: object, out: Path) -> None:
    """Beheer > Mensen as a municipality's administrator sees it: a real server on a
    throwaway SQLite file, people and teams made through the admin CLI and REST."""
    import httpx

    from tests.e2e.drivers.sync_kit import PASSWORD, admin, setup_site
    from tests.support.server import running_server
    from veiligbalie.services.context import AppContext
    from veiligbalie.store.database import Database
    from veiligbalie.ui.admin import AdminView
    from veiligbalie.ui.main_window import MainWindow

    people = (
        ("bheer", "Bea Heer", "administrator"),
        ("mdewit", "Marieke de Wit", "employee"),
        ("jjansen", "Jan Jansen", "employee"),
        ("sbakker", "Sanne Bakker", "employee"),
        ("pvisser", "Peter Visser", "employee"),
        ("lleider", "Lotte de Leeuw", "team_lead"),
        ("kbos", "Karim Bos", "team_lead"),
        ("aziz", "Aziz El Amrani", "security"),
    )
    with tempfile.TemporaryDirectory() as folder:
        with running_server(f"sqlite:///{folder}/server.sqlite3") as server:
            site = setup_site(server, workstations=1, users=people)
            coordinator = ("--username", "ycoord", "--display-name", "Yvonne Coördinator")
            admin(server, "user", "create", *coordinator, "--role", "coordinator",
                  "--password", PASSWORD)  # fmt: skip
            for team, lead, members in (
                ("Burgerzaken", "lleider", ("mdewit", "jjansen")),
                ("Vergunningen", "kbos", ("sbakker",)),
            ):
                admin(server, "team", "create", "--site", "Stadhuis", "--name", team)
                admin(server, "team", "lead", "--team", team, "--user", lead)
                for member in members:
                    admin(server, "user", "set-team", "--user", member, "--team", team)
            admin(server, "user", "deactivate", "--user", "pvisser")
            for _ in range(12):  # a forgotten password: the account locks
                httpx.post(
                    f"{server.base_url}/api/v1/auth/login",
                    json={"username": "sbakker", "password": "niet het wachtwoord"},
                )
            context = AppContext.open(Database.open())
            window = MainWindow(context)
            window.resize(1366, 728)
            window.show()
            session = context.session
            assert session is not None
            session.enrol(server.base_url, site.codes[0])
            _pump(app, lambda: session.enrolled and not session.busy)
            session.login("bheer", PASSWORD)
            _pump(app, lambda: session.logged_in)
            window.show_area("admin")
            view = window.findChild(AdminView, "adminView")
            assert view is not None
            view.show_section("people")
            page = view.pages["people"]
            page.refresh()  # type: ignore[attr-defined]
            _pump(app, lambda: page.service.busy == 0 and page.model.rowCount() > 8)  # type: ignore[attr-defined]
            page.select_user("jjansen")  # type: ignore[attr-defined]
            page.service.reset_password(page.selected_user().id)  # type: ignore[attr-defined]
            _pump(app, lambda: page.one_time.isVisible() and page.service.busy == 0)  # type: ignore[attr-defined]
            page.select_team("Burgerzaken")  # type: ignore[attr-defined]
            for _ in range(5):
                app.processEvents()  # type: ignore[attr-defined]
            window.grab().save(str(out / "screenshot-admin-people.png"))
            window.quit()
            context.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--all", action="store_true", help="one PNG per area as well")
    parser.add_argument("--lang", default="nl", choices=("nl", "en"))
    parser.add_argument(
        "--admin-alarm",
        action="store_true",
        help="only Beheer > Alarmering (starts a server on 127.0.0.1)",
    )
    parser.add_argument(
        "--workstations",
        action="store_true",
        help="only Beheer > Werkplekken, on a throwaway real server",
    )
    parser.add_argument(
        "--admin-org", action="store_true", help="only Beheer → Organisatie and Privacy"
    )
    parser.add_argument(
        "--admin-people", action="store_true", help="Beheer > Mensen against a local server"
    )
    parser.add_argument(
        "--supervision",
        action="store_true",
        help="only Toezicht: the station board and alarm log, from a real server",
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.admin_alarm:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["VEILIGBALIE_DATA_DIR"] = tmp
            os.environ["VEILIGBALIE_SERVER_DATA_DIR"] = tmp
            _admin_alarm(out, args.lang)
        print(f"screenshot written to {out}")
        return 0
    if args.workstations:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["VEILIGBALIE_DATA_DIR"] = tmp
            admin_workstations(out, args.lang)
        print(f"screenshot written to {out / 'screenshot-admin-workstations.png'}")
        return 0
    if args.admin_org:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["VEILIGBALIE_DATA_DIR"] = tmp
            _admin_org_screens(out)
        print(f"screenshots written to {out}")
        return 0

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
            for key in window.visible_areas():
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
        if args.admin_people:
            if args.lang == "nl":  # texts not yet in the .ts file: the branch's pending ones
                from tests.support.pdf import PendingTranslator

                translators.append(PendingTranslator())
                app.installTranslator(translators[-1])
            _admin_people(app, out)
        del translators
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
