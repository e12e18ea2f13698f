"""The alarm log's "delivered via server": which station the stream handed each alarm to,
remembered on the event loop, written to the database in batches off the loop, and told to
the alarm's sender (``alarm.delivered``) so its indicator can count who has it."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from datetime import UTC, datetime

from veiligbalie.core.limits import NAME_MAX
from veiligbalie.protocol import alarms as wire
from veiligbalie.server import alarms
from veiligbalie.server.aio import wait_at_most
from veiligbalie.server.store import ServerStore, in_urgent_thread
from veiligbalie.server.stream import Message, OnSent, StreamHub, Subscriber

log = logging.getLogger(__name__)

#: The last alarms whose receiving workstations are remembered, so that a station is logged
#: once per alarm (a set of workstation ids per alarm: ~30 kB at 500 stations, where a
#: (alarm, workstation) tuple per delivery cost ~4x that and grew a soak's RSS by 20 %).
_DELIVERED_ALARMS = 400


class DeliveryLog:
    """Its buffers are only touched on the event loop; the thread pool gets a taken batch."""

    def __init__(self, store: ServerStore, hub: StreamHub, flush_interval: float = 0.25) -> None:
        self.store = store
        self.hub = hub
        self.flush_interval = flush_interval
        self._pending: list[alarms.Delivery] = []
        #: Alarms fanned out before their commit: their deliveries wait (the log's rows
        #: refer to the alarm's row) until :meth:`release`.
        self._held: set[uuid.UUID] = set()
        self._seen: OrderedDict[uuid.UUID, set[uuid.UUID]] = OrderedDict()
        self._kick: asyncio.Event | None = None

    def start(self) -> None:
        """On the loop, before the hook and ``run`` are used."""
        self._kick = asyncio.Event()

    def hold(self, alarm_id: uuid.UUID) -> None:
        """On the loop: keep the alarm's deliveries in memory until it is committed."""
        self._held.add(alarm_id)

    def release(self, alarm_id: uuid.UUID, stored: bool) -> None:
        """On the loop, after the raise's transaction: write its deliveries (``stored``), or
        forget them when the alarm was not stored (the sender retries; that raise's fan-out
        logs them again)."""
        self._held.discard(alarm_id)
        if stored:
            if self._pending and self._kick is not None:
                self._kick.set()
            return
        self._pending = [d for d in self._pending if d[0] != alarm_id]
        self._seen.pop(alarm_id, None)

    def hook(self, alarm_id: uuid.UUID, raiser: uuid.UUID | None) -> OnSent:
        """What runs, on the loop, with the subscribers an alarm was written to: after every
        frame of a fan-out is out, so none of this is on the path to the stations."""

        def delivered(subs: list[Subscriber]) -> None:
            at = time.time()
            seen = self._seen.get(alarm_id)
            if seen is None:
                seen = self._seen[alarm_id] = set()
                while len(self._seen) > _DELIVERED_ALARMS:
                    self._seen.popitem(last=False)
            batch: list[alarms.Delivery] = []
            for sub in subs:
                ws = sub.principal.workstation_id
                if ws is None or ws == raiser or ws in seen:
                    continue
                seen.add(ws)
                batch.append((alarm_id, ws, sub.station_id or ws, sub.principal.display_name, at))
            if not batch:
                return
            self._pending.extend(batch)
            if self._kick is not None and alarm_id not in self._held:
                self._kick.set()
            senders = self.hub.of_workstation(raiser) if raiser is not None else []
            if senders:
                self._tell_senders(senders, alarm_id, batch, datetime.fromtimestamp(at, UTC))

        return delivered

    @staticmethod
    def _tell_senders(
        senders: list[Subscriber],
        alarm_id: uuid.UUID,
        batch: list[alarms.Delivery],
        when: datetime,
    ) -> None:
        for _, _, station_id, name, _ in batch:
            event = wire.AlarmDeliveredEvent(
                alarm_id=alarm_id, station_id=station_id, station_name=name[:NAME_MAX], at=when
            ).model_dump(mode="json")
            message = Message.of(event)
            for sender in senders:
                sender.put(message)

    async def run(self) -> None:
        """Write right after a fan-out (kicked by the hook), and every ``flush_interval`` for
        what the writer tasks sent one by one."""
        kick = self._kick
        assert kick is not None, "start() first"
        while True:
            await wait_at_most(kick, self.flush_interval)
            kick.clear()
            if not self._pending:
                continue
            try:
                await in_urgent_thread(self._write, self._take())
            except Exception as exc:
                log.warning("delivery log not written: %s", type(exc).__name__)

    async def flush(self) -> None:
        """Write what is left (at shutdown)."""
        await in_urgent_thread(self._write, self._take())

    def _take(self) -> list[alarms.Delivery]:
        if self._held:
            held = self._held
            batch = [d for d in self._pending if d[0] not in held]
            self._pending = [d for d in self._pending if d[0] in held]
            return batch
        batch, self._pending = self._pending, []
        return batch

    def _write(self, batch: list[alarms.Delivery]) -> None:
        if batch:
            alarms.record_deliveries(self.store, batch)
