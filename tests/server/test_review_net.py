"""ServerApi's review calls (net/api.py) against a real server process: people, attachment
upload (streamed from disk) and download (checksum verified, written atomically), the
attachment list, a report by its number, the alarm follow-up list and its closing, one alarm
with its log."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.conftest import Live, add_user, change, incident_payload, user_token
from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import Role
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.protocol.alarm_server import AlarmDetail
from veiligbalie.protocol.incidents import IncidentList
from veiligbalie.protocol.review import AlarmFollowUpClosed, AttachmentOut, PersonOut
from veiligbalie.server.store import default_files_dir

API = "/api/v1"


def _call(qtbot: Any, start: Any, timeout: int = 20_000) -> tuple[Any, ApiError | None]:
    box: list[tuple[Any, ApiError | None]] = []
    start(lambda result, error: box.append((result, error)))
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return box[0]


def _api(live: Live, token: str) -> ServerApi:
    api = ServerApi()
    api.configure(live.url)
    api.set_token(token)
    return api


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    path = tmp_path / "foto van de balie.jpg"
    path.write_bytes(bytes(range(256)) * 4096)  # 1 MiB
    return path


def test_attachments_travel_byte_identical(
    qtbot: Any, live: Live, evidence: Path, tmp_path: Path
) -> None:
    w = live.world
    data = evidence.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    payload = incident_payload(id=uuid7())
    payload["attachments"] = [
        {
            "sha256": sha,
            "original_name": evidence.name,
            "size": len(data),
            "mime_type": "image/jpeg",
        }
    ]
    incident_id = uuid.UUID(str(payload["id"]))
    pushed = httpx.post(
        f"{live.url}{API}/sync/push",
        json={"device_id": str(w.device), "changes": [change(1, payload=payload)]},
        headers=w.h("ws"),
    ).json()
    assert pushed["accepted"] == [1]
    station = _api(live, w.tokens["ws"])
    lead = _api(live, w.tokens["lead"])
    listed, error = _call(qtbot, lambda cb: lead.attachments(incident_id, cb))
    assert error is None and [(a.name, a.uploaded) for a in listed] == [(evidence.name, False)]
    # Not there yet: the download is refused and leaves nothing behind.
    target = tmp_path / "out" / "foto.jpg"
    result, error = _call(qtbot, lambda cb: lead.download_attachment(incident_id, sha, target, cb))
    assert result is None and error is not None and (error.kind, error.status) == ("rejected", 404)
    assert not target.exists() and list(target.parent.iterdir()) == []
    sent, error = _call(
        qtbot,
        lambda cb: station.upload_attachment(
            incident_id, sha, evidence, evidence.name, "image/jpeg", cb
        ),
    )
    assert error is None and isinstance(sent, AttachmentOut) and sent.uploaded
    again, error = _call(
        qtbot,
        lambda cb: station.upload_attachment(
            incident_id, sha, evidence, evidence.name, "image/jpeg", cb
        ),
    )
    assert error is None and again.sha256 == sha
    # A wrong checksum is refused by the server.
    other = tmp_path / "other.jpg"
    other.write_bytes(b"something else")
    _, error = _call(
        qtbot,
        lambda cb: station.upload_attachment(incident_id, sha, other, other.name, "image/jpeg", cb),
    )
    assert error is not None and (error.kind, error.status) == ("rejected", 400)
    with pytest.raises(OSError):
        station.upload_attachment(incident_id, sha, tmp_path / "gone.jpg", "gone.jpg", "", print)
    result, error = _call(qtbot, lambda cb: lead.download_attachment(incident_id, sha, target, cb))
    assert error is None and result == target and target.read_bytes() == data
    # An employee of another site never gets it.
    far = _api(live, w.tokens["emp_b"])
    _, error = _call(
        qtbot, lambda cb: far.download_attachment(incident_id, sha, tmp_path / "x", cb)
    )
    assert error is not None and error.status == 404
    # Bytes that differ from the checksum (damaged on the server) are never kept.
    files = default_files_dir(live.server.database_url, live.server.data_dir)
    stored = files / sha[:2] / sha
    stored.write_bytes(data[:-1] + b"!")
    damaged = tmp_path / "damaged.jpg"
    result, error = _call(qtbot, lambda cb: lead.download_attachment(incident_id, sha, damaged, cb))
    assert result is None and error is not None and error.kind == "server"
    assert "checksum" in error.message
    assert (
        not damaged.exists()
        and [p.name for p in tmp_path.iterdir() if p.name.startswith(".download")] == []
    )


def test_people_numbers_and_alarm_follow_up(qtbot: Any, live: Live) -> None:
    w = live.world
    coord = add_user(w.store, "coord", Role.COORDINATOR, None)
    add_user(w.store, "peer", Role.PEER_SUPPORT, None)
    lead = _api(live, w.tokens["lead"])
    people, error = _call(qtbot, lead.people)
    assert error is None and all(isinstance(p, PersonOut) for p in people)
    assert {(p.display_name, p.role) for p in people} == {
        ("Lead", Role.TEAM_LEAD),
        ("Coord", Role.COORDINATOR),
        ("Peer", Role.PEER_SUPPORT),
    }
    _, error = _call(qtbot, _api(live, w.tokens["emp"]).people)
    assert error is not None and (error.kind, error.status) == ("rejected", 403)
    # A report by its provisional and its final number.
    payload = incident_payload(id=uuid7(), reference="VB-2026-000777")
    answer = httpx.post(
        f"{live.url}{API}/sync/push",
        json={"device_id": str(w.device), "changes": [change(1, payload=payload)]},
        headers=w.h("ws"),
    ).json()
    final = answer["references"][0]["reference"]
    for number in ("VB-2026-000777", final):
        found, error = _call(qtbot, lambda cb, n=number: lead.incident_by_reference(n, cb))
        assert error is None and isinstance(found, IncidentList)
        assert [str(i.id) for i in found.items] == [str(payload["id"])]
        assert found.items[0].reference == final
        assert found.items[0].provisional_reference == "VB-2026-000777"
    # An alarm resolved without a report: on the list, with its log; closed with a reason.
    alarm_id = uuid7()
    httpx.post(f"{live.url}{API}/alarms", json={"id": str(alarm_id)}, headers=w.h("ws"))
    httpx.post(
        f"{live.url}{API}/alarms/{alarm_id}/resolve",
        json={"alarm_id": str(alarm_id), "at": datetime.now(UTC).isoformat()},
        headers=w.h("ws"),
    )
    waiting, error = _call(qtbot, lead.alarm_followups)
    assert error is None and [a.id for a in waiting] == [alarm_id]
    coordinator = _api(live, user_token(w.store, coord))
    detail, error = _call(qtbot, lambda cb: coordinator.alarm_detail(alarm_id, cb))
    assert error is None and isinstance(detail, AlarmDetail)
    assert [e.kind for e in detail.log][0] == "raised"
    closed, error = _call(
        qtbot, lambda cb: lead.close_alarm_followup(alarm_id, "Oefening, besproken", cb)
    )
    assert error is None and isinstance(closed, AlarmFollowUpClosed)
    assert closed.closed_by == "Lead" and closed.reason == "Oefening, besproken"
    waiting, error = _call(qtbot, lead.alarm_followups)
    assert error is None and waiting == []
