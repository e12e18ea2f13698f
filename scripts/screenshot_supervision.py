"""Toezicht's Dutch screenshots from a REAL server: docs/screenshot-station-board.png and
docs/screenshot-alarm-log.png (run by ``scripts/screenshot.py --supervision``).

A throwaway server with one site of six workstations: this station (balie-1, security
signed in), balie-2 as a client process on the server and the loopback LAN, three counters
on the server's stream, one of which drops out during opening hours, and the reception
never started; alarms answered by colleagues, one escalated, one with a report, one reported
afterwards (the server was away), tests.
"""

from __future__ import annotations

import json
import re
import sys
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FAST = {
    "VEILIGBALIE_DROPOUT_GRACE_SECONDS": "1",
    "VEILIGBALIE_SUPERVISION_INTERVAL_SECONDS": "0.3",
}
USERS = (
    ("bveilig", "Bea Veilig", "security"),
    ("tleider", "Tom Leider", "team_lead"),
    ("beheer", "Ben Beheer", "administrator"),
)


def pending_translator(app: Any, folder: Path) -> Any:
    """The Dutch of i18n/pending/*.json (not yet folded into the .qm): merged into a copy of
    the .ts, compiled with lrelease into ``folder`` and installed on top."""
    import importlib.util
    import shutil
    import subprocess
    import xml.etree.ElementTree as ET

    from PySide6.QtCore import QTranslator

    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    i18n = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(i18n)
    ts = folder / "pending.ts"
    shutil.copy(ROOT / "i18n" / "veiligbalie_nl.ts", ts)
    i18n.run_lupdate(ts)
    tree = ET.parse(ts)
    table = i18n.messages(tree)
    for path in sorted((ROOT / "i18n" / "pending").glob("*.json")):
        for context, entries in json.loads(path.read_text(encoding="utf-8")).items():
            for source, text in entries.items():
                message = table.get((context, source))
                if message is None:
                    continue
                element = message.find("translation")
                if element is None:
                    element = ET.SubElement(message, "translation")
                element.attrib.pop("type", None)
                if message.get("numerus") == "yes":
                    for child in list(element):
                        element.remove(child)
                    element.text = None
                    for form in text if isinstance(text, list) else [text, text]:
                        ET.SubElement(element, "numerusform").text = form
                else:
                    element.text = text
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    qm = folder / "pending.qm"
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True)
    translator = QTranslator(app)
    assert translator.load(str(qm)), qm
    app.installTranslator(translator)
    return translator


def shoot(out: Path, app: Any, folder: Path) -> None:
    import httpx
    from websockets.sync.client import connect

    from tests.e2e.drivers.sync_kit import PASSWORD, admin, login, setup_site
    from tests.e2e.test_alarm_server_clients import AppStation
    from tests.support.net import LOOPBACK, free_udp_port, random_group
    from tests.support.server import running_server
    from veiligbalie import settings
    from veiligbalie.core.ids import uuid7
    from veiligbalie.core.incident import Incident, incident_to_dict
    from veiligbalie.core.supervision import is_open, period, zone
    from veiligbalie.core.vocabulary import Category
    from veiligbalie.services.context import AppContext
    from veiligbalie.store.database import Database
    from veiligbalie.ui.main_window import MainWindow
    from veiligbalie.ui.supervision import SupervisionView

    def pump(seconds: float, until: Any = None) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            if until is not None and until():
                return
            time.sleep(0.02)

    with (
        ExitStack() as stack,
        running_server(f"sqlite:///{folder / 'server.sqlite3'}", env=FAST) as server,
    ):
        base = f"{server.base_url}/api/v1"
        site = setup_site(server, workstations=4, users=USERS)
        codes = list(site.codes)
        for name, where in (("spreekkamer-1", "Spreekkamer 1"), ("receptie", "Receptie")):
            made = admin(
                server,
                "workstation",
                "create",
                "--site",
                "Stadhuis",
                "--name",
                name,
                "--location",
                where,
            )
            codes.append(re.search(r"enrolment code: (\S+)", made).group(1))  # type: ignore[union-attr]
        boss = {"Authorization": f"Bearer {login(server, 'beheer')}"}
        site_id = next(s["id"] for s in httpx.get(f"{base}/admin/sites", headers=boss).json())
        hours = [{"weekday": d, "opens": "08:00", "closes": "17:30"} for d in range(5)]
        hours.append({"weekday": 5, "opens": "09:00", "closes": "12:00"})
        now = datetime.now(UTC)
        periods = [period(h["weekday"], h["opens"], h["closes"]) for h in hours]
        if not is_open(periods, now, zone("Europe/Amsterdam")):  # open today, whatever the hour
            today = now.astimezone(zone("Europe/Amsterdam")).weekday()
            hours = [h for h in hours if h["weekday"] != today]
            hours.append({"weekday": today, "opens": "00:00", "closes": "24:00"})
        httpx.put(
            f"{base}/admin/sites/{site_id}/supervision",
            headers=boss,
            json={"opening_hours": hours, "test_weekday": 0},
        ).raise_for_status()
        ladder = {
            "levels": [
                {"delay_seconds": 0, "targets": ["colleagues"]},
                {"delay_seconds": 2, "targets": ["security", "team_lead"]},
            ]
        }
        httpx.put(f"{base}/admin/sites/{site_id}/escalation", headers=boss, json=ladder)

        # This station: balie-1, on the loopback LAN, security signed in.
        network = (free_udp_port(), random_group())
        settings.STATION_NAME.set("balie-1")
        settings.STATION_LOCATION.set("Publiekshal, balie 1")
        settings.ALARM_SOUND.set(False)
        settings.ALARM_LAN_INTERFACE.set(LOOPBACK)
        settings.ALARM_LAN_PORT.set(network[0])
        settings.ALARM_LAN_GROUP.set(network[1])
        context = AppContext.open(Database.open())
        window = MainWindow(context)
        window.resize(1366, 728)
        session = context.session
        assert session is not None
        done: list[Any] = []
        session.enrol_finished.connect(done.append)
        session.enrol(server.base_url, codes[0])
        pump(30, lambda: done)
        done.clear()
        session.login_finished.connect(done.append)
        session.login("bveilig", PASSWORD)
        pump(30, lambda: done)

        # balie-2: a client process on the server and the LAN.
        second = AppStation("balie-2", folder / "balie-2", network)
        stack.callback(second.stop)
        second.wait("ready", 60)
        assert second.ask(f"enrol {server.base_url} {codes[1]}", "enrolled", 30)["ok"]

        # balie-3, balie-4 and the interview room on the stream; the reception never starts.
        tokens: dict[str, str] = {}
        devices: dict[str, str] = {}
        for name, code in (
            ("balie-3", codes[2]),
            ("balie-4", codes[3]),
            ("spreekkamer-1", codes[4]),
        ):
            devices[name] = str(uuid.uuid4())
            answer = httpx.post(
                f"{base}/enroll",
                json={"code": code, "device_name": name, "device_id": devices[name]},
            )
            answer.raise_for_status()
            tokens[name] = answer.json()["token"]
        streams = {
            name: stack.enter_context(
                connect(
                    f"{server.ws_url}/api/v1/stream",
                    open_timeout=10,
                    additional_headers={"Authorization": f"Bearer {token}"},
                )
            )
            for name, token in tokens.items()
        }

        window.show()
        pump(10, lambda: "supervision" in window.visible_areas())
        window.show_area("supervision")
        view = window.findChild(SupervisionView, "supervisionView")
        assert view is not None
        pump(
            15,
            lambda: (
                len(view.service.rows) == 6 and any(r.reach == "both" for r in view.service.rows)
            ),
        )

        def post(path: str, who: str, body: dict[str, Any]) -> dict[str, Any]:
            answer = httpx.post(
                f"{base}{path}", headers={"Authorization": f"Bearer {who}"}, json=body, timeout=10
            )
            answer.raise_for_status()
            return dict(answer.json())

        def ack(alarm: dict[str, Any], token: str, person: str, station: str) -> None:
            post(
                f"/alarms/{alarm['id']}/acknowledge",
                token,
                {
                    "alarm_id": alarm["id"],
                    "at": datetime.now(UTC).isoformat(),
                    "responder": person,
                    "station_name": station,
                },
            )

        # A weekly test from balie-3, heard and answered at the interview room.
        test = post(
            "/alarms",
            tokens["balie-3"],
            {
                "station_name": "balie-3",
                "location": "Balie 3",
                "raised_by": "Ahmed El Amrani",
                "test": True,
            },
        )
        pump(1.5)
        ack(test, tokens["spreekkamer-1"], "Marieke de Wit", "spreekkamer-1")
        # Aggression in the interview room: nobody answers at first, it escalates.
        threat = post(
            "/alarms",
            tokens["spreekkamer-1"],
            {
                "station_name": "spreekkamer-1",
                "location": "Spreekkamer 1",
                "raised_by": "Sanne de Vries",
            },
        )
        pump(3.5)
        lead = login(server, "tleider")
        ack(threat, lead, "Tom Leider", "")
        ack(threat, tokens["balie-3"], "Ahmed El Amrani", "balie-3")
        pump(1.0)
        post(
            f"/alarms/{threat['id']}/resolve",
            lead,
            {"alarm_id": threat["id"], "at": datetime.now(UTC).isoformat(), "by": "Tom Leider"},
        )
        report = Incident(
            description="Bezoeker dreigde de medewerker in de spreekkamer te slaan.",
            categories=frozenset({Category.THREAT}),
            occurred_at=datetime.now(UTC) - timedelta(minutes=2),
            location="Spreekkamer 1",
            reporter="Sanne de Vries",
            alarm_id=uuid.UUID(threat["id"]),
        )
        change = {
            "change_id": str(uuid.uuid4()),
            "device_seq": 1,
            "kind": "incident.created",
            "entity_id": str(report.id),
            "payload": incident_to_dict(report),
            "base_revision": None,
            "created_at": datetime.now(UTC).isoformat(),
        }
        post(
            "/sync/push",
            tokens["spreekkamer-1"],
            {"device_id": devices["spreekkamer-1"], "changes": [change]},
        )
        # Earlier this afternoon the server was away: balie-4's alarm went over the LAN,
        # balie-3 came, it was resolved; balie-4 reported it when the server was back.
        late_id = str(uuid7())
        pressed = datetime.now(UTC) - timedelta(minutes=52)
        post(
            f"/alarms/{late_id}/late",
            tokens["balie-4"],
            {
                "alarm": {
                    "id": late_id,
                    "station_name": "balie-4",
                    "location": "Balie 4",
                    "raised_by": "Joost Bakker",
                    "raised_at": pressed.isoformat(),
                },
                "state": "resolved",
                "closed": {
                    "alarm_id": late_id,
                    "by": "Joost Bakker",
                    "station_name": "balie-4",
                    "at": (pressed + timedelta(minutes=6)).isoformat(),
                },
                "responders": [
                    {
                        "alarm_id": late_id,
                        "responder": "Ahmed El Amrani",
                        "station_name": "balie-3",
                        "at": (pressed + timedelta(seconds=21)).isoformat(),
                    }
                ],
                "sent_at": datetime.now(UTC).isoformat(),
            },
        )
        # A medical alarm at balie-4, answered at once.
        medical = post(
            "/alarms",
            tokens["balie-4"],
            {
                "station_name": "balie-4",
                "type": "medical",
                "location": "Balie 4",
                "raised_by": "Joost Bakker",
            },
        )
        pump(1.0)
        ack(medical, tokens["balie-3"], "Ahmed El Amrani", "balie-3")
        # balie-4's program stops during opening hours: a drop-out.
        streams["balie-4"].close()
        pump(20, lambda: any(r.flagged for r in view.service.rows))
        view.service.refresh()
        pump(3)
        window.grab().save(str(out / "screenshot-station-board.png"))
        view.tabs.setCurrentWidget(view.alarm_log)
        table = view.alarm_log.table
        for row in range(table.rowCount()):
            if table.item(row, 0).data(0x0100) == threat["id"]:
                table.selectRow(row)
        pump(3, lambda: bool(view.alarm_log.story.toPlainText()))
        pump(1.5)
        window.grab().save(str(out / "screenshot-alarm-log.png"))
        view.tabs.setCurrentWidget(view.test_alarms)
        pump(1)
        window.grab().save(str(out / "screenshot-test-alarms.png"))
        window._quitting = True
        window.close()
        window.alarm_popup.close()
        context.close()
