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
    log <alarm-id>                 the local alarm log
    stats                          the LAN beacon's counters (received, rejected by reason)
    enrol <server-url> <code>      (--app only) link with a server, as Instellingen does
    login <username> <password>    (--app only) sign a user in on this station
    quit

LAN only: ``python tests/e2e/drivers/alarm_station.py --data-dir D --port P --group G
--name N``; the site key comes base64-encoded in VEILIGBALIE_LAN_KEY (never on the command
line).

``--app``: the station is built by :meth:`AppContext.open` like the real client (Session,
SyncEngine, LAN path and server path), with the alarm pop-up and the sender's indicator on
an offscreen QApplication. The LAN (when ``--port`` and ``--group`` are given) uses
127.0.0.1 and starts once enrolment has brought the site key; the server path once
``enrol`` succeeds. The enrolment code comes on stdin, never on the command line.
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
from typing import Any

from PySide6.QtCore import QCoreApplication, QSocketNotifier

from veiligbalie.core.vocabulary import AlarmKind, AlarmType
from veiligbalie.net.alarm_paths import LanAlarmPath
from veiligbalie.net.lan import LanBeacon
from veiligbalie.services.alarms import Alarm, AlarmService, StationIdentity
from veiligbalie.store.database import Database

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
        "escalation_level": alarm.escalation_level,
        "escalated_to": list(alarm.escalated_to),
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
    def __init__(
        self,
        service: AlarmService,
        beacon: LanBeacon | None,
        context: Any = None,
        ui: Any = None,
    ) -> None:
        self.service = service
        self.beacon = beacon
        self.context = context  # AppContext in --app mode
        self.ui = ui  # (AlarmPopup, AlarmIndicator) in --app mode
        self._pending = b""
        service.raised.connect(lambda a: emit("raised", **describe(a)))
        service.updated.connect(lambda a: emit("updated", **describe(a)))
        service.closed.connect(lambda a: emit("closed", **describe(a)))
        service.escalated.connect(lambda a: emit("escalated", **describe(a)))
        service.responders_changed.connect(lambda n: emit("reachable", count=n))
        if context is not None and context.session is not None:
            context.session.enrol_finished.connect(
                lambda error: emit(
                    "enrolled",
                    ok=error is None,
                    error=str(error or ""),
                    station_id=str(service.identity.station_id),
                )
            )
            context.session.login_finished.connect(
                lambda error: emit("logged_in", ok=error is None, error=str(error or ""))
            )

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

    def status(self) -> dict[str, object]:
        service = self.service
        state: dict[str, object] = {
            "connected": service.connected,
            "reachable": service.reachable_responders(),
            "station_id": str(service.identity.station_id),
            "paths": {path.name: path.is_connected() for path in service.paths()},
            "stations": {
                path.name: sorted(str(s) for s in path.reachable_stations())
                for path in service.paths()
            },
            "open": [describe(a) for a in service.open_alarms()],
        }
        context = self.context
        if context is not None and context.session is not None and context.sync is not None:
            # Who the sync stream speaks for (a signed-in user hears role escalations on it).
            state["session"] = {
                "identity": context.session.identity(),
                "sync_stream": context.sync.stream.is_connected,
            }
        if self.ui is not None:
            popup, indicator = self.ui
            state["popup"] = {
                "visible": popup.isVisible(),
                "cards": [str(card.alarm_id) for card in popup.cards()],
                "escalation": [card.escalation.text() for card in popup.cards()],
            }
            state["indicator"] = indicator.status_text() if indicator.isVisible() else ""
        return state

    def command(self, words: list[str]) -> None:
        if not words:
            return
        verb, args = words[0], words[1:]
        service = self.service
        if verb == "quit":
            QCoreApplication.quit()
        elif verb == "status":
            emit("status", **self.status())
        elif verb == "log":
            entries = [
                {
                    "kind": e.kind,
                    "actor": e.actor,
                    "path": e.path,
                    "at": e.at.isoformat(),
                    "data": e.data,
                }
                for e in service.log_of(uuid.UUID(args[0]))
            ]
            emit("log", alarm_id=args[0], entries=entries)
        elif verb == "stats":
            emit("stats", **(self.beacon.stats if self.beacon is not None else {}))
        elif verb == "enrol":
            if self.context is None or self.context.session is None:
                raise ValueError("enrol needs --app")
            self.context.session.enrol(args[0], args[1])
        elif verb == "login":
            if self.context is None or self.context.session is None:
                raise ValueError("login needs --app")
            self.context.session.login(args[0], " ".join(args[1:]))
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


def build_app(
    name: str, lan: tuple[int, str] | None, *, os_keyring: bool = True
) -> tuple[Any, Any]:
    """The client as app.py builds it (AppContext.open), with the pop-up and indicator.

    Runs in its own process: the keyring is this process's memory (``os_keyring=False``:
    keyring's "fail" backend, as on a Linux PC without a Secret Service), the data folder
    is VEILIGBALIE_DATA_DIR. Reconnects are tuned to a test's pace (100-500 ms)."""
    import keyring
    import keyring.backends.fail

    from veiligbalie import settings
    from veiligbalie.secrets import MemoryKeyring
    from veiligbalie.services.context import AppContext
    from veiligbalie.ui.alarm_indicator import AlarmIndicator
    from veiligbalie.ui.alarm_popup import AlarmPopup

    keyring.set_keyring(MemoryKeyring() if os_keyring else keyring.backends.fail.Keyring())
    settings.STATION_NAME.set(name)
    settings.STATION_LOCATION.set(f"{name}, publiekshal")
    settings.REPORTER_NAME.set(f"Collega {name}")
    settings.ALARM_SOUND.set(False)  # offscreen test stations stay quiet
    if lan is not None:
        settings.ALARM_LAN_INTERFACE.set(LOOPBACK)
        settings.ALARM_LAN_PORT.set(lan[0])
        settings.ALARM_LAN_GROUP.set(lan[1])
    else:
        settings.ALARM_LAN_INTERFACE.set("")
    settings.sync()
    context = AppContext.open(Database.open())
    streams = [context.sync.stream] if context.sync is not None else []
    if context.server_alarms is not None:
        streams.append(context.server_alarms.stream)
    for stream in streams:
        stream.backoff_min_ms, stream.backoff_max_ms = 100, 500
    if context.sync is not None:
        context.sync.backoff_min_ms, context.sync.backoff_max_ms = 200, 1_000
    indicator = AlarmIndicator(context.alarms)
    popup = AlarmPopup(context.alarms)
    return context, (popup, indicator)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--port", type=int)
    parser.add_argument("--group")
    parser.add_argument("--app", action="store_true", help="the real AppContext, enrol later")
    parser.add_argument("--site", default="e2e-site")
    parser.add_argument("--name", required=True)
    parser.add_argument("--heartbeat-ms", type=int, default=1_000)
    parser.add_argument("--announce-ms", type=int, default=1_000)
    options = parser.parse_args(argv)
    os.environ["VEILIGBALIE_DATA_DIR"] = options.data_dir
    if options.app:
        return main_app(options)
    if options.port is None or options.group is None:
        parser.error("--port and --group are needed without --app")
    key = base64.b64decode(os.environ["VEILIGBALIE_LAN_KEY"])

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
    driver = Driver(station.service, station.beacon)
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(driver.on_stdin)
    emit("ready", station_id=str(station.identity.station_id), name=options.name)
    app.exec()
    station.close()
    return 0


def main_app(
    options: argparse.Namespace, driver_class: type[Driver] = Driver, *, os_keyring: bool = True
) -> int:
    """Run the --app station (``driver_class`` takes its commands) until ``quit``."""
    from PySide6.QtWidgets import QApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication([])
    lan = (options.port, options.group) if options.port and options.group else None
    context, ui = build_app(options.name, lan, os_keyring=os_keyring)
    beacon = context.lan_alarms.beacon if context.lan_alarms is not None else None
    driver = driver_class(context.alarms, beacon, context, ui)
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(driver.on_stdin)
    emit("ready", station_id=str(context.alarms.identity.station_id), name=options.name)
    app.exec()
    context.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
