"""The floor of bench_alarm_fanout: a bare alarm fan-out server on the same stack as the real
one (uvicorn with the same WebSocket implementation, HTTP parser and event loop), with no
authentication, no database and no framework: a raw ASGI app that

- accepts the stream (``/api/v1/stream``), takes the first message (the station's auth) as
  read and answers ``hello``;
- on ``POST /api/v1/alarms`` reads the body, builds the ``alarm.raised`` event of the same
  shape and size as the real server's (only ``id`` and ``raised_at`` change), serialises it
  once and writes it to every connected station with the server's ASGI ``send``, then
  answers the alarm.

What the real server adds to this (authentication, the alarm's rules and its commit, the
delivered log) is what ``ratio_p99`` measures. Run as
``python -m tests.bench.floor_fanout PORT``; it serves on 127.0.0.1 until killed.
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

import uvicorn

from veiligbalie.core.vocabulary import AlarmKind, AlarmState, AlarmType
from veiligbalie.protocol import alarms as wire
from veiligbalie.server.stream import UVICORN_WS

Send = Any


def template() -> dict[str, Any]:
    """An ``alarm.raised`` event as the real server writes it for the benchmark's raise."""
    alarm = wire.AlarmBody(
        id=uuid.uuid4(),
        kind=AlarmKind.SILENT,
        type=AlarmType.AGGRESSION,
        station_id=uuid.uuid4(),
        station_name="balie0000",
        location="Balie 0",
        site_id=str(uuid.uuid4()),
        raised_by="balie0000",
        raised_at=datetime.now(UTC),
        test=True,
        state=AlarmState.RAISED,
        responders=[],
    )
    return wire.AlarmRaisedEvent(alarm=alarm).model_dump(mode="json")


class FloorApp:
    def __init__(self) -> None:
        self.stations: list[Send] = []
        self.event = template()
        self.hello = json.dumps({"type": "hello", "epoch": "floor", "cursor": 0})

    async def __call__(self, scope: Any, receive: Any, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.stream(receive, send)
        elif scope["type"] == "http":
            await self.http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await receive()  # lifespan.startup
            await send({"type": "lifespan.startup.complete"})
            await receive()  # lifespan.shutdown
            await send({"type": "lifespan.shutdown.complete"})

    async def stream(self, receive: Any, send: Send) -> None:
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await receive()  # the station's {type: auth}: taken as read
        await send({"type": "websocket.send", "text": self.hello})
        self.stations.append(send)
        try:
            while (await receive())["type"] != "websocket.disconnect":
                pass
        finally:
            self.stations.remove(send)

    async def http(self, scope: Any, receive: Any, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["method"] == "POST" and scope["path"] == "/api/v1" + wire.ALARMS_PATH:
            raised = json.loads(body or b"{}")
            alarm = dict(self.event["alarm"])
            alarm["id"] = raised.get("id") or str(uuid.uuid4())
            alarm["raised_at"] = datetime.now(UTC).isoformat()
            text = json.dumps({**self.event, "alarm": alarm}, separators=(",", ":"))
            frame = {"type": "websocket.send", "text": text}
            for station in list(self.stations):
                await station(frame)
            answer = json.dumps(alarm).encode()
            status = 200
        else:
            answer, status = b'{"detail":"not found"}', 404
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": answer})


def main(argv: list[str]) -> int:
    port = int(argv[0])
    config = uvicorn.Config(
        FloorApp(), host="127.0.0.1", port=port, log_level="warning", ws=UVICORN_WS
    )
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
