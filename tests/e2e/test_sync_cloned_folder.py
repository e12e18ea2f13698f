"""End to end: two real client processes started from a copy of one data folder (a copied
profile, a cloned disk image), both linked to one server. Each registers a report before
and after linking, numbered alike under the device id both copies carry; the team lead's
station receives every report exactly once.

Two ways the copy ends with its own device id: the store notices it was copied (another
path and file) and re-keys when it opens, or (a clone it cannot tell apart, here made by
giving the copy the original's recorded home) the server assigns a fresh id at enrolment.
"""

from __future__ import annotations

import shutil
import sqlite3
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
from veiligbalie.store import device

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

USERS = (("tlead", "Tom Leider", "team_lead"),)


def _enrol(client: ClientDriver, server: RunningServer, code: str) -> None:
    answer = client.ask({"cmd": "enrol", "url": server.base_url, "code": code}, "enrolled")
    assert answer["ok"], answer


@pytest.mark.parametrize("noticed", [True, False], ids=["copy-noticed", "clone-unnoticed"])
def test_two_stations_from_one_copied_folder_deliver_every_report_once(
    server: RunningServer, clients: list[ClientDriver], tmp_path: Path, noticed: bool
) -> None:
    site = setup_site(server, workstations=3, users=USERS)
    # The original folder: made by a first start (it gets its device id), then closed.
    first = ClientDriver(tmp_path / "a", "original")
    shared = first.until_state(lambda s: True, 10)["device"]
    first.close()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    if not noticed:
        # A clone the store cannot tell apart: same recorded home as where it now lives.
        copy = tmp_path / "b" / "veiligbalie.sqlite3"
        with sqlite3.connect(copy) as conn:
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = ?", (device.home_of(copy), device.HOME_KEY)
            )
        conn.close()

    original = ClientDriver(tmp_path / "a", "original")
    clone = ClientDriver(tmp_path / "b", "clone")
    clients.extend([original, clone])
    assert original.until_state(lambda s: True, 10)["device"] == shared
    assert (clone.until_state(lambda s: True, 10)["device"] == shared) is not noticed

    # Local first: each registers a report before it is linked (both numbered 1).
    reports = [
        original.ask({"cmd": "save", "text": "Klant dreigde bij balie 1"}, "saved")["ids"][0],
        clone.ask({"cmd": "save", "text": "Klant schold bij balie 2"}, "saved")["ids"][0],
    ]
    _enrol(original, server, site.codes[0])
    _enrol(clone, server, site.codes[1])
    # And one each once linked.
    reports.append(original.ask({"cmd": "save", "text": "Weer terug"}, "saved")["ids"][0])
    reports.append(clone.ask({"cmd": "save", "text": "Spuugde op de balie"}, "saved")["ids"][0])
    states = [
        c.until_state(lambda s: s["pending"] == 0 and s["state"] == "connected", 60)
        for c in (original, clone)
    ]
    assert states[0]["device"] == shared
    assert states[1]["device"] != shared
    assert [s["dead"] for s in states] == [0, 0]
    if not noticed:
        assert states[1]["notices"] == 1  # the sync status says so

    lead = ClientDriver(tmp_path / "c", "lead")
    clients.append(lead)
    _enrol(lead, server, site.codes[2])
    answer = lead.ask({"cmd": "login", "username": "tlead", "password": PASSWORD}, "logged_in")
    assert answer["ok"], answer
    lead.until_state(lambda s: s["incidents"] == len(reports) and s["pending"] == 0, 60)
    assert sorted(lead.ask({"cmd": "ids"}, "ids")["ids"]) == sorted(reports)
    on_server = server_incident_ids(server, login(server, "tlead"))
    assert sorted(on_server) == sorted(reports)  # each exactly once
