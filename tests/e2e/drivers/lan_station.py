"""A headless LAN station for end-to-end tests: a QCoreApplication with one LanBeacon on
the loopback interface. It prints one JSON line per event to stdout and takes commands,
one per line, on stdin:

    raise <alarm-id> [silent|open] [aggression|medical|other] [test]
    ack <alarm-id> <responder name>
    resolve <alarm-id>
    cancel <alarm-id>
    stats
    quit

Run as a script: ``python tests/e2e/drivers/lan_station.py --port P --group G --name N``;
the site key comes base64-encoded in VEILIGBALIE_LAN_KEY (never on the command line).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import uuid

from PySide6.QtCore import QCoreApplication, QSocketNotifier

from veiligbalie.net.lan import LanBeacon
from veiligbalie.protocol.lan import LanMessage, MessageType


def emit(event: str, **fields: object) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


class Station:
    def __init__(self, beacon: LanBeacon, name: str) -> None:
        self.beacon = beacon
        self.name = name
        self._pending = b""
        beacon.message_received.connect(self._on_message)
        beacon.rejected.connect(lambda reason: emit("rejected", reason=reason))
        beacon.peers_changed.connect(lambda count: emit("peers", count=count))

    def _on_message(self, message: LanMessage) -> None:
        emit(
            "received",
            type=message.message_type.value,
            alarm_id=str(message.alarm_id),
            sender=str(message.sender_id),
            address=message.sender_address,
            copy=message.copy,
            body=message.body.model_dump(mode="json", by_alias=True),
        )

    def on_stdin(self) -> None:
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:
            QCoreApplication.quit()
            return
        self._pending += chunk
        *lines, self._pending = self._pending.split(b"\n")
        for line in lines:
            self.command(line.decode("utf-8").split())

    def command(self, words: list[str]) -> None:
        if not words:
            return
        verb, args = words[0], words[1:]
        if verb == "quit":
            QCoreApplication.quit()
            return
        if verb == "stats":
            emit("stats", **self.beacon.stats, peers=self.beacon.peer_count())
            return
        alarm_id = uuid.UUID(args[0])
        if verb == "raise":
            body = {
                "kind": args[1] if len(args) > 1 else "silent",
                "type": args[2] if len(args) > 2 else "aggression",
                "test": "test" in args[3:],
                "location": f"{self.name}, publiekshal",
                "station_name": self.name,
            }
            sent = self.beacon.send(MessageType.ALARM_RAISED, alarm_id, body)
        elif verb == "ack":
            body = {"responder_name": " ".join(args[1:]), "station_name": self.name}
            sent = self.beacon.send(MessageType.ALARM_ACKNOWLEDGED, alarm_id, body)
        elif verb in ("resolve", "cancel"):
            message_type = (
                MessageType.ALARM_RESOLVED if verb == "resolve" else MessageType.ALARM_CANCELLED
            )
            sent = self.beacon.send(message_type, alarm_id, {"station_name": self.name})
        else:
            emit("error", message=f"unknown command {verb}")
            return
        emit("sent", command=verb, alarm_id=str(alarm_id), ok=sent)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--site", default="e2e-site")
    parser.add_argument("--name", required=True)
    parser.add_argument("--station-id", default=None)
    parser.add_argument("--heartbeat-ms", type=int, default=5000)
    options = parser.parse_args(argv)
    key = base64.b64decode(os.environ["VEILIGBALIE_LAN_KEY"])

    app = QCoreApplication([])
    beacon = LanBeacon(heartbeat_interval_ms=options.heartbeat_ms)
    station_id = uuid.UUID(options.station_id) if options.station_id else uuid.uuid4()
    station = Station(beacon, options.name)
    # Tests only ever use the loopback interface: nothing leaves this machine.
    if not beacon.configure(
        key,
        options.site,
        station_id,
        "127.0.0.1",
        options.port,
        options.group,
        station_name=options.name,
    ):
        emit("error", message=beacon.last_error)
        return 2
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(station.on_stdin)
    emit("ready", station_id=str(station_id), name=options.name)
    app.exec()
    beacon.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
