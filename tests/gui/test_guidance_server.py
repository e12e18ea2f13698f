"""Organisation cards through a REAL server: imported with ``admin guidance import`` they
replace the shipped card on an enrolled station, a change made over REST arrives live on
the stream's nudge, and the station keeps them for offline use. Prevention checks and the
refresher date travel on their own routes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.drivers.sync_kit import PASSWORD, admin, login
from tests.gui.conftest import site_server
from tests.support.server import RunningServer
from veiligbalie.services.context import AppContext
from veiligbalie.services.guidance import GuidanceLibrary
from veiligbalie.store.database import Database
from veiligbalie.ui.help_view import HelpView
from veiligbalie.ui.main_window import MainWindow

HUISREGELS = """---
id: huisregels
title: Huisregels van Gemeente Test
situation: tijdens
order: 5
tags: [huisregels, toegangsverbod, pinpas]
related: [grenzen-stellen]
---
1. **Wie scheldt, krijgt één waarschuwing.** Daarna beëindig je het gesprek.
2. Bij geweld volgt altijd een toegangsverbod van drie maanden.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, list[str]]]:
    with site_server(tmp_path_factory, 3, (("tl", "Tineke Leider", "team_lead"),)) as started:
        running = started[0]
        admin(running, "user", "create", "--username", "beheer", "--display-name", "Beheer",
              "--role", "administrator", "--password", PASSWORD)  # fmt: skip
        yield started


def test_an_imported_card_replaces_the_shipped_default_on_a_station(
    qtbot: Any, dutch: None, server: tuple[RunningServer, list[str]], tmp_path: Path
) -> None:
    running, codes = server
    folder = tmp_path / "kaarten" / "nl"
    folder.mkdir(parents=True)
    (folder / "huisregels.md").write_text(HUISREGELS, encoding="utf-8")
    out = admin(running, "guidance", "import", str(folder.parent), "--changed-by", "beheer")
    assert "nl/huisregels: version 1" in out

    context = AppContext.open(Database.open())
    window = MainWindow(context)
    qtbot.addWidget(window)
    try:
        view: HelpView = window.help_view
        assert view.library.card("huisregels", "nl").title == "Huisregels"  # shipped, offline
        with qtbot.waitSignal(context.session.enrol_finished, timeout=15000):
            context.session.enrol(running.base_url, codes[0])
        qtbot.waitUntil(
            lambda: "Huisregels van Gemeente Test" in view.visible_titles(), timeout=15000
        )
        window.show_card("huisregels")
        assert "drie maanden" in view.reader.toPlainText()
        assert "Huisregels" not in view.visible_titles()  # replaced, not added
        # Search finds the organisation's own words too.
        view.search.setText("pinpas")
        assert view.visible_titles() == ["Huisregels van Gemeente Test"]

        # An administrator changes the card over REST: the station follows on the nudge.
        token = login(running, "beheer")
        answer = httpx.put(
            f"{running.base_url}/api/v1/guidance/cards/nl/huisregels",
            json={"markdown": HUISREGELS.replace("drie maanden", "zes maanden")},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert answer.status_code == 200 and answer.json()["version"] == 2
        qtbot.waitUntil(lambda: "zes maanden" in view.reader.toPlainText(), timeout=15000)
    finally:
        window._quitting = True
        window.close()
        window.alarm_popup.close()
        context.close()
    # Offline afterwards: a fresh library over the same database still has the card.
    db = Database.open()
    try:
        card = GuidanceLibrary(db).card("huisregels", "nl")
        assert card is not None and "zes maanden" in card.body
    finally:
        db.close()


def test_prevention_and_refresher_reach_the_server(
    qtbot: Any, server: tuple[RunningServer, list[str]], tmp_path: Path
) -> None:
    running, codes = server
    context = AppContext.open(Database.open())
    try:
        with qtbot.waitSignal(context.session.enrol_finished, timeout=15000):
            context.session.enrol(running.base_url, codes[1])
        with qtbot.waitSignal(context.session.changed, timeout=15000):
            context.session.login("tl", PASSWORD)
        qtbot.waitUntil(lambda: context.guidance_sync.user == "tl", timeout=15000)
        library = context.guidance
        check = library.save_prevention_check(
            "Balie 1", {"escape_route": True}, "Tweede uitgang geblokkeerd", "Tineke Leider"
        )
        done = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
        library.record_refresher("tl", done)
        qtbot.waitUntil(lambda: not library.prevention_checks(unsynced=True), timeout=15000)
        qtbot.waitUntil(lambda: library.refresher_unsynced("tl") is None, timeout=15000)
        token = login(running, "tl")
        headers = {"Authorization": f"Bearer {token}"}
        checks = httpx.get(
            f"{running.base_url}/api/v1/guidance/prevention", headers=headers, timeout=30
        ).json()["checks"]
        assert [(c["id"], c["place"], c["checked_by"]) for c in checks] == [
            (str(check.id), "Balie 1", "tl")
        ]
        assert "staff_trained" in checks[0]["open_points"]
        refresher = httpx.get(
            f"{running.base_url}/api/v1/guidance/refresher", headers=headers, timeout=30
        ).json()
        assert datetime.fromisoformat(refresher["done_at"]) == done
        # The same team lead on another station sees the check and the refresher date.
        other = AppContext.open(Database.open(tmp_path / "other.sqlite3"))
        try:
            with qtbot.waitSignal(other.session.enrol_finished, timeout=15000):
                other.session.enrol(running.base_url, codes[2])
            with qtbot.waitSignal(other.session.changed, timeout=15000):
                other.session.login("tl", PASSWORD)
            qtbot.waitUntil(lambda: bool(other.guidance.prevention_checks()), timeout=15000)
            [seen] = other.guidance.latest_per_place()
            assert (seen.id, seen.synced) == (check.id, True)
            assert "staff_trained" in seen.open_points
            qtbot.waitUntil(lambda: other.guidance.last_refresher("tl") == done, timeout=15000)
        finally:
            other.close()
    finally:
        context.close()
