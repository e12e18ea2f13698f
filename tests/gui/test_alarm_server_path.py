"""ServerAlarmPath on a real Stream (QWebSocket) and ServerApi (QNetworkAccessManager)
against a small stand-in of the alarm contract, served by real uvicorn on 127.0.0.1.

The stand-in does exactly what protocol/alarms.py asks of the central server (routes
idempotent by id; on hello the open alarms and the online stations; events to every
station), so these tests pin the contract the server side builds against."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from tests.e2e.drivers.alarm_station import Station, build_station
from tests.support.net import free_tcp_port, random_group
from veiligbalie.core.vocabulary import AlarmState
from veiligbalie.net.alarm_paths import ServerAlarmPath
from veiligbalie.net.api import ServerApi
from veiligbalie.net.stream import Stream
from veiligbalie.protocol import alarms as wire

KEY = bytes(range(9, 41))


class StandIn:
    """The alarm part of the central server, kept to the contract and nothing more."""

    def __init__(self) -> None:
        self.alarms: dict[uuid.UUID, wire.AlarmBody] = {}
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.sockets: dict[WebSocket, wire.StationBody | None] = {}
        self.app = FastAPI()
        self._routes()

    async def broadcast(self, event: dict[str, Any]) -> None:
        for ws in list(self.sockets):
            try:
                await ws.send_json(event)
            except (RuntimeError, WebSocketDisconnect):
                self.sockets.pop(ws, None)

    async def online(self) -> None:
        stations = [s.model_dump(mode="json") for s in self.sockets.values() if s is not None]
        await self.broadcast({"type": "stations.online", "site_id": "", "stations": stations})

    def _routes(self) -> None:
        app = self.app

        @app.websocket("/api/v1/stream")
        async def stream(ws: WebSocket) -> None:
            await ws.accept()
            # The client's token comes in the handshake's Authorization header, never the URL.
            scheme, _, token = ws.headers.get("authorization", "").partition(" ")
            assert scheme == "Bearer" and "token" not in ws.query_params
            station_id = uuid.UUID(token)  # the stand-in's token is the station id
            self.sockets[ws] = wire.StationBody(station_id=station_id, station_name=str(station_id))
            await ws.send_json({"type": "hello", "epoch": "stand-in", "cursor": 0})
            for alarm in self.alarms.values():
                if alarm.state.is_open:
                    await ws.send_json(
                        {"type": "alarm.raised", "alarm": alarm.model_dump(mode="json")}
                    )
            await self.online()
            try:
                while True:
                    message = await ws.receive_json()
                    if message.get("type") == "ping":
                        await ws.send_json({"type": "pong"})
            except WebSocketDisconnect:
                self.sockets.pop(ws, None)
                await self.online()

        @app.post("/api/v1/alarms")
        async def raise_alarm(body: wire.RaiseAlarmRequest) -> dict[str, Any]:
            self.requests.append(("raise", body.model_dump(mode="json")))
            if body.id not in self.alarms:
                self.alarms[body.id] = wire.AlarmBody(
                    **body.model_dump(exclude={"raised_at"}),
                    raised_at=body.raised_at or datetime.now(UTC),
                )
                event = {
                    "type": "alarm.raised",
                    "alarm": self.alarms[body.id].model_dump(mode="json"),
                }
                await self.broadcast(event)
            return self.alarms[body.id].model_dump(mode="json")

        @app.post("/api/v1/alarms/{alarm_id}/acknowledge")
        async def acknowledge(alarm_id: uuid.UUID, body: wire.AckBody) -> dict[str, Any]:
            self.requests.append(("ack", body.model_dump(mode="json")))
            alarm = self.alarms[alarm_id]
            if all(r.station_id != body.station_id for r in alarm.responders):
                alarm = alarm.model_copy(
                    update={
                        "responders": [*alarm.responders, body],
                        "state": AlarmState.ACKNOWLEDGED,
                    }
                )
                self.alarms[alarm_id] = alarm
                await self.broadcast(
                    {
                        "type": "alarm.acknowledged",
                        "alarm": alarm.model_dump(mode="json"),
                        "ack": body.model_dump(mode="json"),
                    }
                )
            return alarm.model_dump(mode="json")

        async def close(alarm_id: uuid.UUID, body: wire.CloseBody, state: AlarmState) -> dict:
            self.requests.append((state.value, body.model_dump(mode="json")))
            alarm = self.alarms[alarm_id]
            if alarm.state.is_open:
                alarm = alarm.model_copy(update={"state": state})
                self.alarms[alarm_id] = alarm
                await self.broadcast(
                    {
                        "type": f"alarm.{state.value}",
                        "alarm": alarm.model_dump(mode="json"),
                        "by": body.model_dump(mode="json"),
                    }
                )
            return alarm.model_dump(mode="json")

        @app.post("/api/v1/alarms/{alarm_id}/resolve")
        async def resolve(alarm_id: uuid.UUID, body: wire.CloseBody) -> dict[str, Any]:
            return await close(alarm_id, body, AlarmState.RESOLVED)

        @app.post("/api/v1/alarms/{alarm_id}/cancel")
        async def cancel(alarm_id: uuid.UUID, body: wire.CloseBody) -> dict[str, Any]:
            return await close(alarm_id, body, AlarmState.CANCELLED)


@pytest.fixture
def server() -> Iterator[tuple[StandIn, str]]:
    stand_in = StandIn()
    port = free_tcp_port()
    config = uvicorn.Config(stand_in.app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert running.started
    yield stand_in, f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=5)


def attach_server(station: Station, base_url: str, start: bool = True) -> ServerAlarmPath:
    stream = Stream(backoff_min_ms=100, backoff_max_ms=500)
    api = ServerApi()
    api.configure(base_url)
    api.set_token(str(station.identity.station_id))
    stream.configure(base_url, str(station.identity.station_id))
    path = ServerAlarmPath(stream, api, identity=station.identity)
    station.service.add_path(path)
    station.server = path  # type: ignore[attr-defined]
    if start:
        stream.start()
    return path


@pytest.fixture
def stations(tmp_path: Path) -> Iterator[list[Station]]:
    made: list[Station] = []
    yield made
    for station in made:
        server_path = getattr(station, "server", None)
        if server_path is not None:
            server_path.stream.stop()
        station.close()


def station(made: list[Station], root: Path, name: str, key: bytes | None = None, **lan) -> Station:
    port = lan.get("port", 1)
    group = lan.get("group", "239.255.0.1")
    made.append(build_station(root / name.replace(" ", "_"), name, key, port, group))
    return made[-1]


def test_raise_ack_resolve_through_the_server(qtbot, server, stations, tmp_path) -> None:  # noqa: ANN001
    stand_in, url = server
    desk = station(stations, tmp_path, "Balie 1")
    colleague = station(stations, tmp_path, "Balie 2")
    for s in (desk, colleague):
        attach_server(s, url)
    qtbot.waitUntil(lambda: desk.service.connected and colleague.service.connected, timeout=5000)
    qtbot.waitUntil(lambda: desk.service.reachable_responders() == 1, timeout=3000)

    alarm = desk.service.raise_alarm()
    assert [e.path for e in desk.service.log_of(alarm.id) if e.kind == "sent"] == ["server"]
    qtbot.waitUntil(lambda: colleague.service.get(alarm.id) is not None, timeout=3000)
    got = colleague.service.get(alarm.id)
    assert (
        got.station == "Balie 1" and got.location == "Balie 1, publiekshal" and got.path == "server"
    )
    assert desk.service.colleague_open_alarms() == []  # our own alarm echoed back: ignored
    assert stand_in.requests[0][0] == "raise" and stand_in.requests[0][1]["id"] == str(alarm.id)

    colleague.service.acknowledge(alarm.id)
    qtbot.waitUntil(lambda: desk.service.get(alarm.id).responding == 1, timeout=3000)
    assert desk.service.get(alarm.id).responders[0].name == "Collega Balie 2"

    colleague.service.resolve(alarm.id)
    qtbot.waitUntil(lambda: desk.service.get(alarm.id).state == AlarmState.RESOLVED, timeout=3000)
    assert stand_in.alarms[alarm.id].state == AlarmState.RESOLVED


def test_late_station_gets_the_open_alarm_on_hello(qtbot, server, stations, tmp_path) -> None:  # noqa: ANN001
    stand_in, url = server
    desk = station(stations, tmp_path, "Balie 1")
    attach_server(desk, url)
    qtbot.waitUntil(lambda: desk.service.connected, timeout=5000)
    alarm = desk.service.raise_alarm()
    qtbot.waitUntil(lambda: alarm.id in stand_in.alarms, timeout=3000)

    late = station(stations, tmp_path, "Balie 3")
    attach_server(late, url)
    qtbot.waitUntil(lambda: late.service.get(alarm.id) is not None, timeout=5000)


def test_server_learns_an_alarm_raised_while_it_was_unreachable(
    qtbot,  # noqa: ANN001
    server,  # noqa: ANN001
    stations,  # noqa: ANN001
    tmp_path,  # noqa: ANN001
) -> None:
    stand_in, url = server
    desk = station(stations, tmp_path, "Balie 1")
    path = attach_server(desk, url, start=False)
    alarm = desk.service.raise_alarm()
    assert [e.kind for e in desk.service.log_of(alarm.id)] == ["raised", "undelivered"]
    path.stream.start()
    qtbot.waitUntil(lambda: alarm.id in stand_in.alarms, timeout=5000)
    assert stand_in.alarms[alarm.id].station_id == desk.identity.station_id


def test_same_alarm_by_lan_and_server_is_shown_once(qtbot, server, stations, tmp_path) -> None:  # noqa: ANN001
    _stand_in, url = server
    lan = {
        "port": free_tcp_port(),
        "group": random_group(),
    }
    desk = station(stations, tmp_path, "Balie 1", KEY, **lan)
    colleague = station(stations, tmp_path, "Balie 2", KEY, **lan)
    seen: list[object] = []
    colleague.service.raised.connect(seen.append)
    for s in (desk, colleague):
        attach_server(s, url)
    qtbot.waitUntil(lambda: desk.server.is_connected() and desk.lan.is_connected(), timeout=5000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: colleague.server.is_connected(), timeout=5000)  # type: ignore[attr-defined]
    assert desk.service.reachable_responders() == 1  # one colleague, reachable two ways

    alarm = desk.service.raise_alarm()
    sent = [e for e in desk.service.log_of(alarm.id) if e.kind == "sent"][0]
    assert sorted(sent.data["paths"]) == ["lan", "server"]
    qtbot.waitUntil(
        lambda: (
            {e.path for e in colleague.service.log_of(alarm.id) if e.kind == "received"}
            == {"lan", "server"}
        ),
        timeout=3000,
    )
    assert len(seen) == 1


def test_a_server_without_the_late_route_is_asked_again_not_given_up(
    qtbot,  # noqa: ANN001
    server,  # noqa: ANN001
    stations,  # noqa: ANN001
    tmp_path,  # noqa: ANN001
) -> None:
    """The stand-in keeps to the older contract (no ``/late``): its 404 is no refusal of
    the alarm, which is reported again once the server knows the route."""
    _stand_in, url = server
    desk = station(stations, tmp_path, "Balie 1")
    path = attach_server(desk, url, start=False)
    alarm = desk.service.raise_alarm()
    desk.service.resolve(alarm.id)
    path.stream.start()
    qtbot.waitUntil(path.is_connected, timeout=5000)
    answered: list[object] = []
    path.api.call("GET", "/api/v1/nothing", None, None, lambda *a: answered.append(a))
    qtbot.waitUntil(lambda: bool(answered), timeout=5000)  # the report's answer came before
    kinds = [e.kind for e in desk.service.log_of(alarm.id)]
    assert "refused" not in kinds and "stored" not in kinds
