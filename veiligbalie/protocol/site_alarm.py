"""The administrator's alarm set-up of a site beyond the escalation ladder: the LAN beacon's
port and multicast group (and whether the LAN path is on), and the webhook test.

Routes::

    GET  /api/v1/admin/sites/{site_id}/lan                          -> SiteLanOut
    PUT  /api/v1/admin/sites/{site_id}/lan              SiteLanIn   -> SiteLanOut
    POST /api/v1/admin/sites/{site_id}/escalation/webhook-test      -> WebhookTestOut
    POST /api/v1/stations/heartbeat        HeartbeatRequest -> HeartbeatAnswer (with ``lan``)

Stream event (server -> the site's workstations, when the administrator changes it)::

    {"type": "site.lan", "lan": SiteLanOut}

The webhook test is signed exactly like an escalation webhook (see
:mod:`veiligbalie.protocol.alarm_server`), with ``X-VeiligBalie-Event: webhook.test`` and a
body whose ``test`` is true: a receiver can tell it from a real alarm.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import AwareDatetime, Field, StrictBool

from veiligbalie.protocol.alarm_server import StationStatus
from veiligbalie.protocol.base import CheckedModel, FrozenWireModel

SITE_LAN_EVENT = "site.lan"
WEBHOOK_TEST_EVENT = "webhook.test"
#: How much of the receiver's answer the test shows.
WEBHOOK_TEST_BODY_MAX = 500


class SiteLanIn(CheckedModel):
    """The LAN beacon of a site's workstations. ``port`` and ``group`` null: each station
    keeps its own setting (Instellingen). ``enabled`` false switches the LAN path off at every
    workstation of the site. The server checks the values (400 with the reason)."""

    port: int | None = None
    group: str | None = Field(default=None, max_length=64)
    enabled: StrictBool = True


class SiteLanOut(FrozenWireModel):
    site_id: uuid.UUID
    port: int | None = None
    group: str | None = None
    enabled: bool = True


class SiteLanEvent(FrozenWireModel):
    type: Literal["site.lan"] = "site.lan"
    lan: SiteLanOut


class HeartbeatAnswer(StationStatus):
    """The heartbeat's answer: the station's status and its site's LAN beacon set-up."""

    lan: SiteLanOut | None = None


class WebhookTestBody(FrozenWireModel):
    """What the webhook receiver gets from "Send test" (never an alarm)."""

    type: Literal["webhook.test"] = "webhook.test"
    test: Literal[True] = True
    site_name: str = ""
    message: str = "Test of the VeiligBalie escalation webhook; no alarm was raised."
    sent_at: AwareDatetime


class WebhookTestOut(FrozenWireModel):
    """The receiver's answer to the test: its HTTP status, the start of its body and the
    time taken, or (``status`` null) why no answer came, in plain words."""

    ok: bool
    url_host: str
    status: int | None = None
    body: str = ""
    elapsed_ms: float = 0.0
    error: str | None = None
