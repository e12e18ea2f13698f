"""The client defers building its wire schemas until its alarm path is live
(protocol.base.defer_builds / build_deferred): the schemas it then has are the same as when
built at import, and they read and write the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.processes import python_json

PROBE = """
import json, sys, tempfile, uuid
from veiligbalie import paths
paths.set_data_dir(tempfile.mkdtemp())
from PySide6.QtWidgets import QApplication
app = QApplication([])
deferred = sys.argv[1] == "deferred"
from veiligbalie.protocol import base
if deferred:
    base.defer_builds()
from veiligbalie.app import open_services
context = open_services(app)

def models():
    found, pending = [], list(base.WireModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        found.append(model)
    return sorted(found, key=lambda m: (m.__module__, m.__qualname__))

at_ready = models()
waiting_at_ready = sum(not m.__pydantic_complete__ for m in at_ready)
# A colleague's LAN alarm read before the next turn (its schema not built yet).
import time
from veiligbalie.protocol import lan
key = bytes(range(32))
site, station, alarm = "site-1", uuid.UUID(int=7), uuid.UUID(int=9)
body = {"kind": "silent", "location": "Balie 2", "station_name": "b2"}
sent = lan.new_message(site, station, lan.MessageType.ALARM_RAISED, alarm, body)
early = lan.decode(lan.encode_fitting(sent, key), key, int(time.time() * 1000), site_id=site)
early_body = early.body if isinstance(early.body, dict) else early.body.model_dump(mode="json")
context.complete()
complete = all(m.__pydantic_complete__ for m in at_ready)  # built on the next turn
schemas = {f"{m.__module__}.{m.__qualname__}": m.model_json_schema() for m in models()}
packet = lan.encode_fitting(sent, key)
from veiligbalie.protocol.sync import PushRequest
push = PushRequest.model_validate({"device_id": str(station), "changes": []})
print(json.dumps({"waiting_at_ready": waiting_at_ready, "complete": complete,
                  "schemas": schemas, "packet_length": len(packet),
                  "early": [str(early.alarm_id), early_body],
                  "push": push.model_dump(mode="json")}))
context.close()
"""


def test_deferred_schemas_are_built_after_the_alarm_path_and_equal_the_eager_ones(
    tmp_path: Path,
) -> None:
    eager = python_json(PROBE, "eager")
    deferred = python_json(PROBE, "deferred")
    assert eager["waiting_at_ready"] == 0
    assert deferred["waiting_at_ready"] > 20  # left for the next turn
    assert deferred["complete"] and eager["complete"]
    assert json.dumps(deferred["schemas"], sort_keys=True) == json.dumps(
        eager["schemas"], sort_keys=True
    )
    assert len(deferred["schemas"]) > 60
    assert deferred["packet_length"] == eager["packet_length"]
    assert deferred["push"] == eager["push"]
    assert deferred["early"] == eager["early"]
    assert deferred["early"][0] == "00000000-0000-0000-0000-000000000009"
