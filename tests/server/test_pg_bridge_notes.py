"""The notes server processes pass each other through PostgreSQL NOTIFY: a changed row
travels as its topic and id only; notes of unknown topics, malformed ids and our own notes
are ignored; on SQLite nothing is sent and nothing is registered twice."""

from __future__ import annotations

import json
import uuid

import pytest

from veiligbalie.server import pg_bridge
from veiligbalie.server.pg_bridge import CHANGED, DROPOUT, SITE_LAN, WORKSTATION, Note


def _payload(origin: str = "other", **fields: object) -> str:
    return json.dumps({"origin": origin, **fields})


@pytest.mark.parametrize("topic", [SITE_LAN, WORKSTATION, DROPOUT])
def test_a_changed_row_travels_as_topic_and_id(topic: str) -> None:
    row = uuid.uuid4()
    note = Note.parse(_payload(event=CHANGED, topic=topic, id=str(row)), "me")
    assert note == Note(CHANGED, topic=topic, row_id=row)


def test_unknown_topics_bad_ids_and_our_own_notes_are_ignored() -> None:
    row = str(uuid.uuid4())
    assert Note.parse(_payload(event=CHANGED, topic="user.password", id=row), "me") is None
    assert Note.parse(_payload(event=CHANGED, topic=SITE_LAN, id="not-an-id"), "me") is None
    assert Note.parse(_payload(event=CHANGED, topic=SITE_LAN), "me") is None
    own = _payload(origin="me", event=CHANGED, topic=SITE_LAN, id=row)
    assert Note.parse(own, "me") is None


def test_only_known_topics_are_sent() -> None:
    bridge = pg_bridge.NotifyBridge.__new__(pg_bridge.NotifyBridge)
    bridge.enabled = False
    bridge.changed(SITE_LAN, uuid.uuid4())  # SQLite: nothing happens
    with pytest.raises(ValueError, match="unknown change topic"):
        bridge.changed("anything", uuid.uuid4())
