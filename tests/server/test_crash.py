"""A server killed with SIGKILL in the middle of a push loses nothing and duplicates nothing:
the client simply sends the same batch again after the restart."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import sqlalchemy as sa

from tests.server.conftest import Live, change
from veiligbalie.server import schema as t


def counts(live: Live) -> tuple[int, int, int]:
    with live.world.store.read() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(sa.select(sa.func.count()).select_from(x)).scalar() or 0)
            for x in (
                t.incidents,
                # Without the follow-up tasks the server plans for each report.
                t.changes.select().where(t.changes.c.kind == "incident.created").subquery(),
                t.applied_pushes,
            )
        )


def test_sigkill_mid_push_loses_and_duplicates_nothing(live: Live) -> None:
    device = uuid.uuid4()
    headers = live.world.h("emp")
    total = 0
    for round_no, delay in enumerate((0.0, 0.03, 0.08, 0.2)):
        batch = [change(total + i + 1) for i in range(300)]
        body = {"device_id": str(device), "epoch": None, "changes": batch}
        outcome: list[object] = []

        def send(b: dict = body, out: list[object] = outcome) -> None:
            try:
                out.append(
                    httpx.post(f"{live.url}/api/v1/sync/push", json=b, headers=headers, timeout=30)
                )
            except httpx.HTTPError as exc:
                out.append(exc)

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(delay)
        live.server.kill()
        sender.join(30)
        live.server.start()
        # Whatever happened, the client retries the same batch until it is answered.
        r = httpx.post(f"{live.url}/api/v1/sync/push", json=body, headers=headers, timeout=30)
        assert r.status_code == 200, r.text
        assert r.json()["accepted"] == [c["device_seq"] for c in batch], round_no
        total += len(batch)
        assert counts(live) == (total, total, total)
    pulled = httpx.get(f"{live.url}/api/v1/sync/pull?limit=5000", headers=headers).json()
    ids = [c["entity_id"] for c in pulled["changes"] if c["kind"] == "incident.created"]
    assert len(ids) == len(set(ids)) == total
