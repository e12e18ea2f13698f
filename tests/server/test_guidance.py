"""The organisation's guidance on the server: import and list through the admin CLI (bad
files refused naming file and line), REST routes with their roles, versions with who
changed what, prevention checks and the refresher date per user."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import World
from veiligbalie.server.cli import main

HUISREGELS = """---
id: huisregels
title: Huisregels van Gemeente Testdorp
situation: tijdens
order: 90
tags: [huisregels, toegangsverbod]
related: [grenzen-stellen]
---
1. **Bij ons schelden we niet.** Wie scheldt, krijgt één waarschuwing.
2. Daarna volgt een toegangsverbod van drie maanden.
"""

NIEUW = """---
id: parkeerplaats
title: Agressie op de parkeerplaats
situation: tijdens
tags: [buiten, parkeerplaats]
related: [alarm-slaan]
---
Ga niet alleen naar buiten; neem een collega mee.
"""


def write(root: Path, language: str, name: str, text: str) -> Path:
    folder = root / "kaarten"
    (folder / language).mkdir(parents=True, exist_ok=True)
    path = folder / language / name
    path.write_text(text, encoding="utf-8")
    return path


def cli(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    code = main(["admin", "--database", db_url, "guidance", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_then_list_then_a_new_version(
    capsys: pytest.CaptureFixture[str], db_url: str, store: object, tmp_path: Path
) -> None:
    write(tmp_path, "nl", "huisregels.md", HUISREGELS)
    write(tmp_path, "nl", "parkeerplaats.md", NIEUW)
    code, out, err = cli(
        capsys, db_url, "import", str(tmp_path / "kaarten"), "--changed-by", "beheer"
    )
    assert code == 0, err
    assert "nl/huisregels: version 1" in out and "2 card(s) imported" in out
    code, out, _ = cli(capsys, db_url, "list")
    assert "nl/huisregels  v1  Huisregels van Gemeente Testdorp  (beheer," in out
    assert "nl/parkeerplaats  v1" in out
    # Importing the same files again changes nothing; a changed text is version 2.
    cli(capsys, db_url, "import", str(tmp_path / "kaarten"))
    write(tmp_path, "nl", "huisregels.md", HUISREGELS.replace("drie", "zes"))
    code, out, _ = cli(capsys, db_url, "import", str(tmp_path / "kaarten"), "--changed-by", "jan")
    assert "nl/huisregels: version 2" in out and "nl/parkeerplaats: version 1" in out
    _, out, _ = cli(capsys, db_url, "list")
    assert "v2  Huisregels van Gemeente Testdorp  (jan," in out


@pytest.mark.parametrize(
    ("language", "name", "text", "expected"),
    [
        ("nl", "kaal.md", "Alleen tekst\n", "kaal.md:1: no front-matter"),
        ("de", "huisregels.md", HUISREGELS, "unknown language 'de'"),
        (
            "nl",
            "huisregels.md",
            HUISREGELS.replace("[grenzen-stellen]", "[bestaat-niet]"),
            "huisregels.md:7: related card 'bestaat-niet' does not exist",
        ),
        (
            "en",
            "x.md",
            HUISREGELS.replace("situation: tijdens", "situation: soms"),
            "x.md:4: unknown situation 'soms'",
        ),
    ],
)
def test_bad_files_are_refused_naming_file_and_line(
    capsys: pytest.CaptureFixture[str],
    db_url: str,
    store: object,
    tmp_path: Path,
    language: str,
    name: str,
    text: str,
    expected: str,
) -> None:
    write(tmp_path, "nl", "parkeerplaats.md", NIEUW)  # a good file: not stored either
    write(tmp_path, language, name, text)
    code, out, err = cli(capsys, db_url, "import", str(tmp_path / "kaarten"))
    assert code == 2
    assert expected in err and "Traceback" not in err
    # One line for the refusal, beside the line naming the database admin works on.
    refusals = [ln for ln in err.splitlines() if not ln.startswith("veiligbalie-server: database")]
    assert len(refusals) == 1
    _, out, _ = cli(capsys, db_url, "list")
    assert "no organisation cards" in out


def test_rest_roles_versions_and_history(client: TestClient, world: World) -> None:
    assert client.get("/api/v1/guidance/cards").status_code == 401
    for who in ("emp", "ws", "admin"):
        answer = client.get("/api/v1/guidance/cards", headers=world.h(who))
        assert answer.status_code == 200 and answer.json() == {"cards": []}
    url = "/api/v1/guidance/cards/nl/huisregels"
    body = {"markdown": HUISREGELS}
    for who in ("emp", "lead", "ws"):
        assert client.put(url, json=body, headers=world.h(who)).status_code == 403
    first = client.put(url, json=body, headers=world.h("admin"))
    assert first.status_code == 200, first.text
    assert (first.json()["version"], first.json()["changed_by"]) == (1, "admin")
    second = client.put(
        url, json={"markdown": HUISREGELS + "3. Extra.\n"}, headers=world.h("admin")
    )
    assert second.json()["version"] == 2
    cards = client.get("/api/v1/guidance/cards", headers=world.h("ws")).json()["cards"]
    assert [(c["id"], c["version"]) for c in cards] == [("huisregels", 2)]
    history = client.get(url + "/history", headers=world.h("admin")).json()
    assert [v["version"] for v in history["versions"]] == [2, 1]
    assert client.get(url + "/history", headers=world.h("emp")).status_code == 403


@pytest.mark.parametrize(
    ("path", "markdown", "words"),
    [
        ("nl/huisregels", "geen front-matter", "nl/huisregels.md:1: no front-matter"),
        ("nl/anders", HUISREGELS, "differs from the path"),
        ("fr/huisregels", HUISREGELS, "unknown language 'fr'"),
        ("nl/huisregels", HUISREGELS.replace("grenzen-stellen", "weg"), "'weg' does not exist"),
    ],
)
def test_rest_refuses_bad_cards_with_a_message(
    client: TestClient, world: World, path: str, markdown: str, words: str
) -> None:
    answer = client.put(
        f"/api/v1/guidance/cards/{path}", json={"markdown": markdown}, headers=world.h("admin")
    )
    assert answer.status_code == 400
    assert words in answer.json()["detail"]


def test_prevention_checks_for_team_leads(client: TestClient, world: World) -> None:
    check_id = str(uuid.uuid4())
    body = {
        "id": check_id,
        "place": "Balie 3",
        "checked_on": "2026-12-01",
        "items": {"escape_route": True, "alarm_in_reach": True},
        "notes": "Wachtruimte te vol",
    }
    url = f"/api/v1/guidance/prevention/{check_id}"
    assert client.put(url, json=body, headers=world.h("emp")).status_code == 403
    stored = client.put(url, json=body, headers=world.h("lead"))
    assert stored.status_code == 200, stored.text
    assert stored.json()["open_points"] == [
        "counter_visible",
        "waiting_area_calm",
        "house_rules_visible",
        "staff_trained",
    ]
    assert client.put(url, json=body, headers=world.h("lead")).status_code == 200  # idempotent
    bad = dict(body, items={"laser": True})
    answer = client.put(url, json=bad, headers=world.h("lead"))
    assert answer.status_code == 422 and "laser" in answer.text
    checks = client.get("/api/v1/guidance/prevention", headers=world.h("lead")).json()["checks"]
    assert [(c["place"], c["checked_by"], c["checked_on"]) for c in checks] == [
        ("Balie 3", "lead", str(date(2026, 12, 1)))
    ]
    other_site = client.get("/api/v1/guidance/prevention", headers=world.h("lead_b")).json()
    assert other_site["checks"] == []


def test_refresher_date_per_user_keeps_the_newest(client: TestClient, world: World) -> None:
    url = "/api/v1/guidance/refresher"
    assert client.get(url, headers=world.h("emp")).json() == {"done_at": None}
    assert client.get(url, headers=world.h("ws")).status_code == 403  # a person, not a station
    newer = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    answer = client.put(url, json={"done_at": newer.isoformat()}, headers=world.h("emp"))
    assert answer.status_code == 200
    older = newer - timedelta(days=30)
    answer = client.put(url, json={"done_at": older.isoformat()}, headers=world.h("emp"))
    assert datetime.fromisoformat(answer.json()["done_at"]) == newer
    assert (
        datetime.fromisoformat(client.get(url, headers=world.h("emp")).json()["done_at"]) == newer
    )
    assert client.get(url, headers=world.h("emp2")).json() == {"done_at": None}
    future = datetime.now(UTC) + timedelta(days=30)
    answer = client.put(url, json={"done_at": future.isoformat()}, headers=world.h("emp"))
    assert answer.status_code == 400 and "future" in answer.text
