"""Stream events: JSON objects with a ``type`` sent on the WebSocket ``/api/v1/stream``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from veiligbalie.protocol.base import WireModel

STREAM_PATH = "/api/v1/stream"
#: The server sends a ping this often; a client that hears nothing for ~2x this is offline.
PING_INTERVAL_SECONDS = 15.0
#: WebSocket close code for a missing, unknown, expired or revoked token.
CLOSE_UNAUTHORIZED = 4401


class AuthEvent(WireModel):
    """First message of a client that did not put its token in the query string."""

    type: Literal["auth"] = "auth"
    token: str = Field(min_length=1, max_length=200)


class HelloEvent(WireModel):
    type: Literal["hello"] = "hello"
    epoch: str
    cursor: int  # the newest seq of the change log: pull when yours is lower


class ChangesEvent(WireModel):
    """A nudge: there are changes up to ``cursor`` that the receiver may see; pull."""

    type: Literal["changes"] = "changes"
    cursor: int


class PingEvent(WireModel):
    type: Literal["ping"] = "ping"


class PongEvent(WireModel):
    type: Literal["pong"] = "pong"
