"""Who is coming, by name: an "Ik kom eraan" names the responder and their workstation even
when the client sent neither (a panic-button gateway, an older client, a user's own token)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from tests.server.conftest import World
from veiligbalie.core.ids import uuid7
from veiligbalie.server import admin, auth


def test_the_ack_names_the_person_and_the_workstation(client: TestClient, world: World) -> None:
    other = admin.create_workstation(world.store, world.site_a, "balie2", "Balie 2")
    second = auth.enroll(world.store, other.enrolment.code)
    alarm_id = uuid7()
    raised = client.post("/api/v1/alarms", headers=world.h("ws"), json={"id": str(alarm_id)})
    assert raised.status_code == 200, raised.text
    now = datetime.now(UTC).isoformat()
    body = {"alarm_id": str(alarm_id), "at": now}
    # A workstation that names nobody: its own name, twice (no person signed in there).
    by_station = client.post(
        f"/api/v1/alarms/{alarm_id}/acknowledge",
        headers={"Authorization": f"Bearer {second.token}"},
        json=body,
    )
    assert by_station.status_code == 200, by_station.text
    (ack,) = by_station.json()["responders"]
    assert ack["responder"] == "balie2" and ack["station_name"] == "balie2"
    # Security answering with their own token: their display name.
    by_user = client.post(
        f"/api/v1/alarms/{alarm_id}/acknowledge", headers=world.h("sec"), json=body
    )
    assert by_user.status_code == 200, by_user.text
    names = {a["responder"] for a in by_user.json()["responders"]}
    assert names == {"balie2", "Sec"}
