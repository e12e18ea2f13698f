"""End to end, the product's promise: a report registered at the counter visibly leads to
action, and the reporter sees it. A real server process and separate client processes
(Session + SyncEngine + store + the review and attachment services, offscreen).

(a) an employee registers with a photo; the team lead opens it (the reporter reads
    "received"), assigns it, writes, closes with a conclusion — Mijn meldingen shows each
    step, and the photo opens byte-identical on the team lead's station;
(b) two stations registering offline at the same time end with distinct organisation-wide
    numbers, and each station shows its final number.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.drivers.sync_kit import PASSWORD, ClientDriver, setup_site
from tests.support.server import RunningServer
from tests.support.waiting import wait_until_matches

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

USERS = (
    ("mdewit", "Marieke de Wit", "employee"),
    ("pjansen", "Piet Jansen", "employee"),
    ("tlead", "Tom Leider", "team_lead"),
)
# A small but real JPEG header and body: what a phone photo of the counter would be.
PHOTO = (
    bytes.fromhex("ffd8ffe000104a46494600010100000100010000")
    + bytes(range(256)) * 40
    + (b"\xff\xd9")
)


def _enrol(client: ClientDriver, server: RunningServer, code: str, username: str) -> None:
    answer = client.ask({"cmd": "enrol", "url": server.base_url, "code": code}, "enrolled")
    assert answer["ok"], answer
    answer = client.ask({"cmd": "login", "username": username, "password": PASSWORD}, "logged_in")
    assert answer["ok"], answer


def _mine(client: ClientDriver) -> list[dict[str, Any]]:
    return list(client.ask({"cmd": "mine"}, "mine")["reports"])


def _reporter_sees(client: ClientDriver, check: Any, what: str) -> dict[str, Any]:
    """The reporter's one report once ``check`` holds for it (pulls run in the background)."""

    def report() -> dict[str, Any]:
        client.send({"cmd": "sync"})
        return _mine(client)[0]

    return wait_until_matches(report, check, 60, interval=0.3, what=what)


def test_register_review_close_seen_by_the_reporter(
    server: RunningServer, clients: list[ClientDriver], tmp_path: Path
) -> None:
    site = setup_site(server, workstations=2, users=USERS)
    reporter = ClientDriver(tmp_path / "counter", "reporter")
    lead = ClientDriver(tmp_path / "lead", "lead")
    clients.extend([reporter, lead])
    _enrol(reporter, server, site.codes[0], "mdewit")
    _enrol(lead, server, site.codes[1], "tlead")

    photo = tmp_path / "balie-3.jpg"
    photo.write_bytes(PHOTO)
    saved = reporter.ask(
        {"cmd": "save", "text": "Schold en sloeg op de balie", "attachments": [str(photo)]},
        "saved",
    )
    incident = saved["ids"][0]
    # The server gives the final number on receipt; the reporter then shows only that one.
    first = _reporter_sees(
        reporter, lambda r: r["status"] == "sent" and not r["provisional"], "sent, final number"
    )
    assert first["reference"].startswith("VB-")

    # The team lead's station pulls it, opens it: "Ontvangen door teamleider".
    lead.until_state(lambda s: s["incidents"] == 1, 30)
    assert lead.ask({"cmd": "review", "incident": incident, "action": "open"}, "reviewed")[
        "status"
    ] == ("received")
    seen = _reporter_sees(reporter, lambda r: r["status"] == "received", "received")
    assert seen["unread"] is True

    # ... and is told so once (a tray message in the app).
    def told(e: dict[str, Any]) -> bool:
        return e.get("event") == "news" and incident in e["ids"]

    if not any(told(e) for e in reporter.seen):
        reporter.wait_for(told, 30)

    # The evidence the employee attached opens on the team lead's station, byte-identical.
    lead.until_state(lambda s: s["pending"] == 0, 30)
    wait_until_matches(
        lambda: lead.ask({"cmd": "open_attachment", "incident": incident}, "attachment"),
        lambda e: e["ok"],
        60,
        interval=0.5,
        what="the photo downloaded on the team lead's station",
    )
    opened = [e for e in lead.seen if e.get("event") == "attachment" and e["ok"]][-1]
    assert Path(opened["path"]).read_bytes() == PHOTO
    assert opened["actual"] == opened["sha256"] == hashlib.sha256(PHOTO).hexdigest()

    # Assign, write, close: each step reaches the reporter's Mijn meldingen.
    lead.ask({"cmd": "review", "incident": incident, "action": "assign"}, "reviewed")
    lead.ask({"cmd": "review", "incident": incident, "action": "in_progress"}, "reviewed")
    lead.ask(
        {
            "cmd": "review",
            "incident": incident,
            "action": "message",
            "text": "Ik bel je morgen om 10 uur voor een nazorggesprek.",
        },
        "reviewed",
    )
    lead.ask(
        {
            "cmd": "review",
            "incident": incident,
            "action": "close",
            "text": "Waarschuwingsbrief verstuurd, aangifte gedaan.",
        },
        "reviewed",
    )
    done = _reporter_sees(reporter, lambda r: r["status"] == "closed", "closed")
    steps = [
        s for s in done["steps"] if s["kind"] != "followup" or s["data"]["action"] != "planned"
    ]
    kinds = [s["kind"] for s in steps]
    for kind in ("status", "assigned", "message"):
        assert kind in kinds, kinds
    statuses = [s["data"]["status"] for s in steps if s["kind"] == "status"]
    assert statuses == ["received", "in_progress", "closed"]
    closing = next(s for s in steps if s["kind"] == "status" and s["data"]["status"] == "closed")
    assert closing["text"] == "Waarschuwingsbrief verstuurd, aangifte gedaan."
    assert closing["author"] == "Tom Leider"
    assigned = next(s for s in steps if s["kind"] == "assigned")
    assert assigned["data"]["assignee_name"] == "Tom Leider"
    message = next(s for s in steps if s["kind"] == "message")
    assert message["text"] == "Ik bel je morgen om 10 uur voor een nazorggesprek."
    # The final number stays the same number everywhere.
    assert done["reference"] == first["reference"]
    # Every piece of news was told once: received, then the later steps, never repeated.
    news = [e for e in reporter.seen if e.get("event") == "news"]
    assert 1 <= len(news) <= 5


def test_two_stations_offline_get_distinct_final_numbers(
    server: RunningServer, clients: list[ClientDriver], tmp_path: Path
) -> None:
    site = setup_site(server, workstations=2, users=USERS)
    one = ClientDriver(tmp_path / "one", "one")
    two = ClientDriver(tmp_path / "two", "two")
    clients.extend([one, two])
    _enrol(one, server, site.codes[0], "mdewit")
    _enrol(two, server, site.codes[1], "pjansen")
    for client in (one, two):
        client.until_state(lambda s: s["state"] == "connected", 30)

    server.stop()
    for client in (one, two):
        client.ask({"cmd": "save", "count": 3, "text": "Dreigde de medewerker"}, "saved")
    # Offline, both stations numbered their reports alike: 1, 2, 3 of this year.
    provisional = {c.name: sorted(r["reference"] for r in _mine(c)) for c in (one, two)}
    assert provisional["one"] == provisional["two"]
    assert all(r["provisional"] for c in (one, two) for r in _mine(c))

    server.start()
    for client in (one, two):
        client.until_state(lambda s: s["pending"] == 0 and s["state"] == "connected", 60)
    finals: list[str] = []
    for client in (one, two):
        reports = wait_until_matches(
            lambda c=client: _mine(c),
            lambda found: all(not r["provisional"] for r in found),
            30,
            interval=0.3,
            what=f"{client.name}: final numbers",
        )
        finals.extend(r["reference"] for r in reports)
    assert len(finals) == 6
    assert len(set(finals)) == 6, finals
