"""A linked counter stays linked across restarts where the OS has no keyring: a REAL client
process (keyring's "fail" backend, as on Linux without a Secret Service) is linked with a
REAL server, stopped and started again on the same data folder, and is still linked, with
Instellingen saying where the workstation's credential is kept. People's tokens never
reach the disk."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.drivers.sync_kit import PASSWORD, setup_site
from tests.support.processes import JsonLinesProcess
from tests.support.server import running_server
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

DRIVER = Path(__file__).resolve().parent / "drivers" / "settings_station.py"
CREDENTIALS = "workstation-credentials.json"


class Station(JsonLinesProcess):
    def __init__(self, folder: Path) -> None:
        args = ["--data-dir", str(folder), "--name", "balie", "--no-keyring"]
        super().__init__("balie", DRIVER, args)
        self.wait("ready", 60)

    def wait(self, event: str, timeout: float = 10) -> dict[str, Any]:
        wait_until(lambda: bool(self.find(event)), timeout, what=f"{self.name}: {event}")
        return self.find(event)[-1]

    def ask(self, line: str, answer: str, timeout: float = 15) -> dict[str, Any]:
        before = len(self.find(answer))
        self.command(line)
        wait_until(lambda: len(self.find(answer)) > before, timeout, what=f"{self.name}: {answer}")
        return self.find(answer)[before]


def test_linked_station_without_keyring_stays_linked_after_restart(tmp_path: Path) -> None:
    folder = tmp_path / "station"
    folder.mkdir()
    with running_server(f"sqlite:///{tmp_path / 'server.sqlite3'}") as server:
        site = setup_site(server, workstations=1, users=(("mdewit", "Marieke de Wit", "employee"),))
        station = Station(folder)
        try:
            before = station.ask("settings", "settings")
            assert not before["enrolled"]
            answer = station.ask(f"enrol {server.base_url} {site.codes[0]}", "enrolled", 30)
            assert answer["ok"], answer
            assert station.ask("login mdewit " + PASSWORD, "logged_in", 30)["ok"]
            linked = station.ask("settings", "settings")
            assert linked["enrolled"]
        finally:
            assert station.stop(10) == 0

        # The credential file: this user's alone, and only the workstation's credential.
        credential = folder / CREDENTIALS
        assert stat.S_IMODE(credential.stat().st_mode) == 0o600
        stored = credential.read_text(encoding="utf-8")
        assert set(json.loads(stored)) == {"workstation-token", "site-lan-key"}
        for name in folder.rglob("*"):
            if name.is_file() and name.suffix in (".json", ".ini"):
                assert PASSWORD not in name.read_text(encoding="utf-8", errors="replace")

        restarted = Station(folder)
        try:
            shown = restarted.ask("settings", "settings")
            assert shown["enrolled"], shown
            assert "Stadhuis" in shown["link_state"] and "Stadhuis" == shown["site"]
            assert "a file that only your user can read" in shown["credential"]
            assert str(credential) in shown["credential"]
            # Still linked for real: the server takes the workstation's token after the restart.
            wait_until(
                lambda: restarted.ask("status", "status")["paths"].get("server") is True,
                20,
                what="the server alarm path after the restart",
            )
            status = restarted.ask("status", "status")
            assert status["session"]["identity"] == "workstation"  # the person signs in again
        finally:
            assert restarted.stop(10) == 0

            # The token in the file is the workstation's own (revocable), not a person's.
        token = json.loads(stored)["workstation-token"]
        me = httpx.get(f"{server.base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["kind"] == "workstation", me.text
