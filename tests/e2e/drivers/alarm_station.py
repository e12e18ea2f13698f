"""A headless alarm station for tests: the real AlarmService with a LanAlarmPath on its own
data folder and database, on the loopback interface only.

:func:`build_station` is used in-process by the GUI tests; run as a script it is one
station process of the end-to-end tests. It prints one JSON line per event to stdout and
takes commands, one per line, on stdin::

    raise [silent|open] [aggression|medical|other] [test]
    ack <alarm-id>
    resolve <alarm-id>
    cancel <alarm-id>
    status
    quit

``python tests/e2e/drivers/alarm_station.py --data-dir D --port P --group G --name N``;
the site key comes base64-encoded in VEILIGBALIE_LAN_KEY (never on the command line).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QSocketNotifier  # noqa: E402

from veiligbalie.core.vocabulary import AlarmKind, AlarmType  # noqa: E402
from veiligbalie.net.lan import LanBeacon  # noqa: E402
from veiligbalie.services.alarm_paths import LanAlarmPath  # noqa: E402
from veiligbalie.services.alarms import Alarm, AlarmService, StationIdentity  # noqa: E402
from veiligbalie.store.database import Database  # noqa: E402

LOOPBACK = "127.0.0.1"


@dataclass
class Station:
    identity: StationIdentity
    db: Database
    beacon: LanBeacon
    lan: LanAlarmPath
    service: AlarmService

    def close(self) -> None:
        self.lan.close()
        self.db.close()


def build_station(
    folder: Path,
    name: str,
    key: bytes | None,
    port: int,
    group: str,
    *,
    site: str = "test-site",
    station_id: uuid.UUID | None = None,
    heartbeat_ms: int = 5_000,
    announce_ms: int = 3_000,
) -> Station:
    """One station on its own database; the LAN only on 127.0.0.1 (TTL 1) when ``key``."""
    folder.mkdir(parents=True, exist_ok=True)
    identity = StationIdentity(station_id or uuid.uuid4(), name, f"{name}, publiekshal", site)
    db = Database.open(folder / "veiligbalie.sqlite3")
    beacon = LanBeacon(heartbeat_interval_ms=heartbeat_ms)
    lan = LanAlarmPath(beacon)
    if key is not None and not lan.configure(key, identity, LOOPBACK, port, group):
        raise RuntimeError(f"LAN not started: {beacon.last_error}")
    service = AlarmService(
        db,
        identity=identity,
        responder_name=lambda: f"Collega {name}",
        announce_interval_ms=announce_ms,
    )
    service.add_path(lan)
    return Station(identity, db, beacon, lan, service)


def describe(alarm: Alarm) -> dict[str, object]:
    return {
        "alarm_id": str(alarm.id),
        "kind": alarm.kind.value,
        "type": alarm.type.value,
        "state": alarm.state.value,
        "station": alarm.station,
        "location": alarm.location,
        "test": alarm.test,
        "mine": alarm.mine,
        "responding": alarm.responding,
        "responders": [r.name for r in alarm.responders],
    }


def emit(event: str, **fields: object) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


class Driver:
    def __init__(self, station: Station) -> None:
        self.station = station
        self._pending = b""
        service = station.service
        service.raised.connect(lambda a: emit("raised", **describe(a)))
        service.updated.connect(lambda a: emit("updated", **describe(a)))
        service.closed.connect(lambda a: emit("closed", **describe(a)))
        service.responders_changed.connect(lambda n: emit("reachable", count=n))

    def on_stdin(self) -> None:
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:
            QCoreApplication.quit()
            return
        self._pending += chunk
        *lines, self._pending = self._pending.split(b"\n")
        for line in lines:
            try:
                self.command(line.decode("utf-8").split())
            except Exception as error:  # report, keep the station running
                emit("error", message=f"{type(error).__name__}: {error}")

    def command(self, words: list[str]) -> None:
        if not words:
            return
        verb, args = words[0], words[1:]
        service = self.station.service
        if verb == "quit":
            QCoreApplication.quit()
        elif verb == "status":
            emit(
                "status",
                connected=service.connected,
                reachable=service.reachable_responders(),
                open=[describe(a) for a in service.open_alarms()],
            )
        elif verb == "raise":
            kind = AlarmKind(args[0]) if args else AlarmKind.SILENT
            alarm_type = AlarmType(args[1]) if len(args) > 1 else AlarmType.AGGRESSION
            alarm = service.raise_alarm(kind, alarm_type, test="test" in args[2:])
            emit("sent", command=verb, alarm_id=str(alarm.id))
        elif verb in ("ack", "resolve", "cancel"):
            alarm_id = uuid.UUID(args[0])
            action = {"ack": service.acknowledge, "resolve": service.resolve}.get(
                verb, service.cancel
            )
            action(alarm_id)
            emit("sent", command=verb, alarm_id=str(alarm_id))
        else:
            emit("error", message=f"unknown command {verb}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--site", default="e2e-site")
    parser.add_argument("--name", required=True)
    parser.add_argument("--heartbeat-ms", type=int, default=1_000)
    parser.add_argument("--announce-ms", type=int, default=1_000)
    options = parser.parse_args(argv)
    key = base64.b64decode(os.environ["VEILIGBALIE_LAN_KEY"])
    os.environ["VEILIGBALIE_DATA_DIR"] = options.data_dir

    app = QCoreApplication([])
    try:
        station = build_station(
            Path(options.data_dir),
            options.name,
            key,
            options.port,
            options.group,
            site=options.site,
            heartbeat_ms=options.heartbeat_ms,
            announce_ms=options.announce_ms,
        )
    except RuntimeError as error:
        emit("error", message=str(error))
        return 2
    driver = Driver(station)
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(driver.on_stdin)
    emit("ready", station_id=str(station.identity.station_id), name=options.name)
    app.exec()
    station.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
