"""End to end: a real server process and real client processes (Session + SyncEngine +
store, offscreen) on their own data folders.

(a) a report saved while the server is down arrives once it is up;
(b) a team lead's status change and message arrive at the reporter's timeline;
(c) the server killed with SIGKILL in the middle of a large push loses and duplicates nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.drivers.sync_kit import (
    PASSWORD,
    ClientDriver,
    login,
    server_incident_ids,
    setup_site,
)
from tests.support.server import RunningServer

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

USERS = (
    ("mdewit", "Marieke de Wit", "employee"),
    ("tlead", "Tom Leider", "team_lead"),
)


def _enrol(client: ClientDriver, server: RunningServer, code: str, username: str) -> None:
    answer = client.ask({"cmd": "enrol", "url": server.base_url, "code": code}, "enrolled")
    assert answer["ok"], answer
    answer = client.ask({"cmd": "login", "username": username, "password": PASSWORD}, "logged_in")
    assert answer["ok"], answer


def test_saved_while_server_down_arrives_after_start(
    server: RunningServer, clients: list[ClientDriver], tmp_path: Path
) -> None:
    site = setup_site(server, workstations=1, users=USERS)
    client = ClientDriver(tmp_path / "a", "reporter")
    clients.append(client)
    _enrol(client, server, site.codes[0], "mdewit")
    client.until_state(lambda s: s["state"] == "connected", 30)

    server.stop()
    saved = client.ask({"cmd": "save", "text": "Dreigde terug te komen"}, "saved")
    state = client.until_state(lambda s: s["state"] == "offline", 30)
    assert state["pending"] == 1

    server.start()
    client.until_state(lambda s: s["pending"] == 0 and s["state"] == "connected", 60)
    lead = login(server, "tlead")
    assert server_incident_ids(server, lead) == saved["ids"]
    timeline = client.ask({"cmd": "timeline", "incident": saved["ids"][0]}, "timeline")
    assert timeline["status"] == "sent"


def test_team_lead_change_reaches_the_reporter(
    server: RunningServer, clients: list[ClientDriver], tmp_path: Path
) -> None:
    site = setup_site(server, workstations=2, users=USERS)
    reporter = ClientDriver(tmp_path / "a", "reporter")
    lead = ClientDriver(tmp_path / "b", "lead")
    clients.extend([reporter, lead])
    _enrol(reporter, server, site.codes[0], "mdewit")
    _enrol(lead, server, site.codes[1], "tlead")

    incident = reporter.ask({"cmd": "save", "text": "Schold de medewerker uit"}, "saved")["ids"][0]
    # The lead's client learns of it through the stream nudge and a pull.
    lead.until_state(lambda s: s["incidents"] == 1, 30)
    lead.ask({"cmd": "status", "incident": incident, "status": "in_progress"}, "queued")
    lead.ask({"cmd": "message", "incident": incident, "text": "Ik bel je vanmiddag even"}, "queued")
    lead.until_state(lambda s: s["pending"] == 0, 30)

    def arrived() -> dict:
        return reporter.ask({"cmd": "timeline", "incident": incident}, "timeline")

    for _ in range(100):
        timeline = arrived()
        # Without the follow-up tasks the server planned on receipt.
        events = [e for e in timeline["events"] if e["kind"] != "followup"]
        if len(events) >= 2:
            break
        reporter.wait_for(lambda e: e.get("event") == "pulled", 5)
    kinds = {e["kind"]: e for e in events}
    assert set(kinds) == {"status", "message"}
    assert kinds["message"]["text"] == "Ik bel je vanmiddag even"
    assert kinds["status"]["data"] == {"status": "in_progress"}
    assert timeline["status"] == "in_progress"


def test_sigkill_during_push_loses_and_duplicates_nothing(
    server: RunningServer, clients: list[ClientDriver], tmp_path: Path
) -> None:
    total = 2000
    site = setup_site(server, workstations=1, users=USERS)
    client = ClientDriver(tmp_path / "a", "reporter")
    clients.append(client)
    _enrol(client, server, site.codes[0], "mdewit")
    client.until_state(lambda s: s["state"] == "connected", 30)

    server.stop()
    assert client.ask({"cmd": "save", "count": total}, "saved", timeout=120)["count"] == total
    client.until_state(lambda s: s["pending"] == total, 30)
    server.start()
    # Kill the server as soon as the first batches are in and more are on their way.
    client.wait_for(lambda e: e.get("event") == "pending" and 0 < e["pending"] < total, 60)
    server.kill()
    left = client.until_state(lambda s: not s["busy"], 30)["pending"]
    assert left > 0, "the push finished before the kill; the test proves nothing"

    server.start()
    client.until_state(lambda s: s["pending"] == 0 and s["state"] == "connected", 90)
    ids = server_incident_ids(server, login(server, "tlead"))
    assert len(ids) == total
    assert len(set(ids)) == total
    assert client.until_state(lambda s: True, 5)["dead"] == 0
