"""The organisation's letterhead and letter templates on the server: who may read and set
them, a bad logo or template refused with a 4xx naming the problem (CLI: exit code 2), and
every template version kept with who stored it."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PySide6.QtCore import QCoreApplication

from tests.server.conftest import Live, World
from veiligbalie.core.letters import LetterKind
from veiligbalie.net.api import ServerApi
from veiligbalie.reports.letters import shipped_template
from veiligbalie.server.cli import main
from veiligbalie.server.organisation import set_profile, store_template
from veiligbalie.services.organisation import OrganisationProfile

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def test_profile_read_by_anyone_signed_in_set_by_the_administrator(
    client: TestClient, world: World
) -> None:
    url = "/api/v1/organisation/profile"
    assert client.get(url).status_code == 401
    for who in ("emp", "ws", "lead", "admin"):
        answer = client.get(url, headers=world.h(who))
        assert answer.status_code == 200
        assert answer.json()["address"] == "Postbus 1, 1234 AB Testdorp"
    body = {
        "contact_name": "Marieke de Vries",
        "contact_function": "coördinator agressie en geweld",
        "contact_phone": "010 123 45 67",
        "contact_email": "veiligheid@testdorp.nl",
        "logo_base64": base64.b64encode(PNG).decode(),
    }
    admin_url = "/api/v1/admin/organisation/profile"
    for who in ("emp", "lead", "ws"):
        assert client.put(admin_url, json=body, headers=world.h(who)).status_code == 403
    stored = client.put(admin_url, json=body, headers=world.h("admin"))
    assert stored.status_code == 200, stored.text
    seen = client.get(url, headers=world.h("ws")).json()
    assert seen["contact_name"] == "Marieke de Vries" and seen["logo_mime"] == "image/png"
    assert base64.b64decode(seen["logo_base64"]) == PNG
    # Only what is given changes.
    client.put(admin_url, json={"contact_phone": "14 010"}, headers=world.h("admin"))
    seen = client.get(url, headers=world.h("emp")).json()
    assert seen["contact_phone"] == "14 010" and seen["contact_name"] == "Marieke de Vries"


@pytest.mark.parametrize(
    ("logo", "status", "words"),
    [
        (b"GIF89a" + b"\0" * 20, 400, "PNG or JPEG"),
        (PNG + b"\0" * (512 * 1024), 413, "at most 512 KB"),
    ],
)
def test_a_bad_logo_is_refused(
    client: TestClient, world: World, logo: bytes, status: int, words: str
) -> None:
    body = {"logo_base64": base64.b64encode(logo).decode()}
    answer = client.put("/api/v1/admin/organisation/profile", json=body, headers=world.h("admin"))
    assert answer.status_code == status and words in answer.json()["detail"]
    bad = client.put(
        "/api/v1/admin/organisation/profile",
        json={"logo_base64": "not base64!"},
        headers=world.h("admin"),
    )
    assert bad.status_code == 400 and "base64" in bad.json()["detail"]
    seen = client.get("/api/v1/organisation/profile", headers=world.h("admin")).json()
    assert seen["logo_base64"] == ""  # nothing of the refused change was stored


def test_templates_routes_roles_and_a_refused_field(client: TestClient, world: World) -> None:
    url = "/api/v1/admin/letters/nl/access_ban"
    text = shipped_template(LetterKind.ACCESS_BAN, "nl") + "\nOns eigen slot.\n"
    assert client.put(url, json={"text": text}, headers=world.h("lead")).status_code == 403
    assert client.put(url, json={"text": text}, headers=world.h("admin")).json()["version"] == 1
    bad = client.put(url, json={"text": text + "{verbodsduur}"}, headers=world.h("admin"))
    assert bad.status_code == 400 and "verbodsduur" in bad.json()["detail"]
    unknown = client.put(
        "/api/v1/admin/letters/nl/boete", json={"text": text}, headers=world.h("admin")
    )
    assert unknown.status_code == 400 and "boete" in unknown.json()["detail"]
    listed = client.get("/api/v1/letters/templates", headers=world.h("ws")).json()["templates"]
    assert [(x["kind"], x["language"], x["version"]) for x in listed] == [("access_ban", "nl", 1)]
    assert listed[0]["text"] == text and listed[0]["changed_by"] == "admin"


def cli(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    code = main(["admin", "--database", db_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_org_set_and_letter_import(
    capsys: pytest.CaptureFixture[str], db_url: str, world: World, tmp_path: Path
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG)
    code, out, err = cli(
        capsys,
        db_url,
        "org",
        "set",
        "--contact-name",
        "Marieke de Vries",
        "--contact-phone",
        "010 123 45 67",
        "--contact-email",
        "veiligheid@testdorp.nl",
        "--logo",
        str(logo),
    )
    assert code == 0, err
    assert "Marieke de Vries" in out and "image/png" in out
    gif = tmp_path / "logo.gif"
    gif.write_bytes(b"GIF89a")
    code, _, err = cli(capsys, db_url, "org", "set", "--logo", str(gif))
    assert code == 2 and "error: the logo must be a PNG or JPEG image" in err

    good = tmp_path / "verbod.txt"
    good.write_text(shipped_template(LetterKind.ACCESS_BAN, "nl"), encoding="utf-8")
    args = ("letter", "import", "--kind", "access_ban", "--language", "nl")
    code, out, err = cli(capsys, db_url, *args, str(good), "--changed-by", "beheer")
    assert code == 0 and "nl/access_ban: version 1 (beheer)" in out
    bad = tmp_path / "fout.txt"
    bad.write_text(good.read_text("utf-8").replace("{ban_end}", "{einddatum}"), encoding="utf-8")
    code, out, err = cli(capsys, db_url, *args, str(bad))
    assert code == 2 and "einddatum" in err
    missing = tmp_path / "mist.txt"
    missing.write_text(good.read_text("utf-8").replace("{channels}", "per brief"), "utf-8")
    code, out, err = cli(capsys, db_url, *args, str(missing))
    assert code == 2 and "channels" in err
    code, out, _ = cli(capsys, db_url, "letter", "list")
    assert code == 0 and "nl/access_ban  v1  (beheer" in out


def test_workstation_caches_the_letterhead_and_letters_for_offline_use(
    qtbot: Any, live: Live, tmp_path: Path
) -> None:
    """Through a real server process: a workstation fetches the profile and the templates,
    keeps them, and makes documents with them when the server is gone."""
    store = live.world.store
    set_profile(
        store,
        "beheer",
        contact_name="Marieke de Vries",
        contact_function="coördinator agressie en geweld",
        contact_phone="010 123 45 67",
        contact_email="veiligheid@testdorp.nl",
        logo=PNG,
    )
    own = shipped_template(LetterKind.WARNING, "nl").replace(
        "Met vriendelijke groet,", "Met vriendelijke groet, namens het college,"
    )
    store_template(store, "warning", "nl", own, "beheer")
    # Owned by the application, as in the client: replies finish after the test's objects.
    api = ServerApi(QCoreApplication.instance())
    api.configure(live.url)
    api.set_token(live.world.tokens["ws"])
    profile = OrganisationProfile(lambda: api, folder=tmp_path / "org", parent=api)
    with qtbot.waitSignals([profile.changed, profile.changed], timeout=20_000):
        assert profile.refresh()
    head = profile.letterhead()
    assert head.address == "Postbus 1, 1234 AB Testdorp"
    assert head.contact_name == "Marieke de Vries" and head.logo == PNG
    assert "namens het college" in profile.template(LetterKind.WARNING, "nl")
    assert not profile.refresh(force=False)  # right after: not again on every small sync

    offline = OrganisationProfile(lambda: None, folder=tmp_path / "org")
    assert not offline.refresh()
    assert offline.letterhead() == head
    assert "namens het college" in offline.template(LetterKind.WARNING, "nl")
    assert "namens het college" not in offline.template(LetterKind.WARNING, "en")


def test_without_server_or_settings_the_documents_say_the_address_is_missing(
    qapp: Any, tmp_path: Path
) -> None:
    head = OrganisationProfile(lambda: None, folder=tmp_path / "none").letterhead()
    assert head.address == ""
    assert head.address_lines("nl") == ["Deze organisatie heeft haar postadres nog niet ingevuld."]
