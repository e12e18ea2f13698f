"""Fan-out of alarm events to this process's stream clients of a site, each ``alarm.raised``
with the delivered log's hook; and the record of when the last fan-out ran, so that heavy
background work (presence writes, full garbage collections) can wait for a quiet moment."""

from __future__ import annotations

import time
import uuid
from typing import Any

from sqlalchemy.engine import Connection

from veiligbalie.protocol import alarms as wire
from veiligbalie.server import alarms
from veiligbalie.server.delivery_log import DeliveryLog
from veiligbalie.server.store import ServerStore
from veiligbalie.server.stream import Message, StreamHub

#: How long a route's thread waits for its fan-out on the loop (see StreamHub.publish).
FAN_OUT_WAIT_SECONDS = 2.0
#: Background work counts alarms as "going out" this long after the last fan-out.
QUIET_SECONDS = 2.0


class FanOut:
    def __init__(self, store: ServerStore, hub: StreamHub, deliveries: DeliveryLog) -> None:
        self.store = store
        self.hub = hub
        self.deliveries = deliveries
        self._last = 0.0

    def publish(
        self,
        site_id: uuid.UUID,
        kind: str,
        event: dict[str, Any],
        raiser: uuid.UUID | None,
        wait: float = 0.0,
    ) -> None:
        """Send the ``alarm.<kind>`` event to the site's subscribers; thread-safe. From a
        route's thread ``wait`` is how long to block until the frames are out."""
        self._last = time.monotonic()
        on_sent = None
        if kind == "raised":
            on_sent = self.deliveries.hook(uuid.UUID(str(event["alarm"]["id"])), raiser)
        self.hub.publish(site_id, event, on_sent=on_sent, wait=wait)

    def raise_now(
        self, site_id: uuid.UUID, alarm_id: uuid.UUID, message: Message, raiser: uuid.UUID | None
    ) -> None:
        """On the loop: the ``alarm.raised`` frame of an alarm not committed yet, out to the
        site's subscribers now; its delivered log waits for :meth:`DeliveryLog.release`."""
        self._last = time.monotonic()
        self.deliveries.hold(alarm_id)
        message.on_sent = self.deliveries.hook(alarm_id, raiser)
        self.hub.deliver(site_id, message)

    def busy(self) -> bool:
        """True while alarms are going out (a fan-out less than QUIET_SECONDS ago)."""
        return time.monotonic() - self._last < QUIET_SECONDS

    async def open_alarms(self, site_id: uuid.UUID) -> list[Message]:
        """Every open alarm of the site as its ``alarm.raised`` message (for "hello"),
        oldest first, each logged as delivered when it is written."""

        open_now, raisers = await self.store.read_urgently(_open_with_raisers, site_id)
        return [
            Message.of(
                wire.AlarmRaisedEvent(alarm=alarm).model_dump(mode="json"),
                self.deliveries.hook(alarm.id, raisers.get(alarm.id)),
            )
            for alarm in open_now
        ]


def _open_with_raisers(
    conn: Connection, site_id: uuid.UUID
) -> tuple[list[wire.AlarmBody], dict[uuid.UUID, uuid.UUID | None]]:
    """The site's open alarms, oldest first, and who raised each."""
    found = alarms.open_alarms(conn, site_id)
    return found, alarms.raisers(conn, [a.id for a in found])
