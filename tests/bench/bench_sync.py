"""Sync benchmark against a real server process: push 10,000 incidents in batches of 500, and
pull 100,000 changes in pages of 5,000, on SQLite and (where installed) PostgreSQL.

Prints ``{"bench": "sync_push", ...}`` and ``{"bench": "sync_pull", ...}`` per backend. The
pull figure is server + HTTP only (``"scope": "server+http"``): applying into a fresh client
store is measured by the sync engine's own benchmark.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.support.postgres import create_database, pg_bin_dir, postgres_cluster
from tests.support.server import running_server
from veiligbalie.core.incident import Incident, incident_to_dict
from veiligbalie.core.vocabulary import Category, Channel, Role, Severity
from veiligbalie.protocol.sync import PushRequest
from veiligbalie.server import admin, auth, sync
from veiligbalie.server.store import ServerStore

PUSH_INCIDENTS = 10_000
PUSH_BATCH = 500
PULL_INCIDENTS = 100_000
PULL_PAGE = 5000
SEED_BATCH = 1000
PASSWORD = "benchmark password"

DESCRIPTIONS = [
    "Bezoeker werd boos omdat de uitkering nog niet was overgemaakt en begon te schreeuwen.",
    "Man sloeg met de vuist op de balie en dreigde terug te komen als er niets gebeurde.",
    "Vrouw maakte opnames met haar telefoon en zei dat ze die online zou zetten.",
    "Telefonisch gedreigd: 'ik weet waar je woont'. Nummer was afgeschermd.",
]


def incident_change(seq: int, rng: random.Random) -> dict[str, Any]:
    """A realistic ``incident.created`` change, as the client's outbox sends it."""
    cats = rng.sample(list(Category), rng.randint(1, 3))
    perpetrator = rng.random() < 0.3
    incident = Incident(
        description=rng.choice(DESCRIPTIONS) + f" (melding {seq})",
        categories=frozenset(cats),
        occurred_at=datetime.now(UTC) - timedelta(minutes=rng.randint(5, 60 * 24 * 300)),
        location=f"Balie {rng.randint(1, 12)}",
        reporter=rng.choice(["Jan de Vries", "Fatima el Amrani", "Kees Jansen", "Ilse Bakker"]),
        channel=rng.choice(list(Channel)),
        severity=rng.choice(list(Severity)),
        reference=f"VB-2026-{seq:06d}",
        perpetrator_known=perpetrator,
        perpetrator_description="Man, ongeveer 40, rode jas" if perpetrator else "",
        witnesses=("Collega Piet",) if rng.random() < 0.4 else (),
        police_called=rng.random() < 0.1,
        aftercare_wanted=rng.random() < 0.5,
    )
    return {
        "change_id": str(uuid.uuid4()),
        "device_seq": seq,
        "kind": "incident.created",
        "entity_id": str(incident.id),
        "payload": {**incident_to_dict(incident), "attachments": []},
        "base_revision": None,
        "created_at": datetime.now(UTC).isoformat(),
    }


def seed_people(store: ServerStore) -> dict[str, str]:
    admin.create_organisation(store, "Gemeente Bench", "Postbus 1, 1000 AA Bench")
    site = admin.create_site(store, "Centrum", share_log_with_employees=True)
    admin.create_user(store, "emp", "Employee", Role.EMPLOYEE, site.id, PASSWORD)
    admin.create_user(store, "lead", "Team Lead", Role.TEAM_LEAD, site.id, PASSWORD)
    return {
        "emp": auth.login(store, "emp", PASSWORD).token,
        "lead": auth.login(store, "lead", PASSWORD).token,
    }


def seed_incidents(store: ServerStore, token: str, count: int) -> None:
    """Fill the change log through the server's own push code, in-process (not timed)."""
    rng = random.Random(7)
    with store.read() as conn:
        principal = auth.authenticate(conn, token)
    device = uuid.uuid4()
    for start in range(0, count, SEED_BATCH):
        changes = [incident_change(start + i + 1, rng) for i in range(SEED_BATCH)]
        req = PushRequest.model_validate({"device_id": device, "changes": changes})
        sync.push(store, principal, req)


@contextmanager
def database(backend: str, stack: ExitStack, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:6]}.sqlite3'}"
    else:
        admin_url = stack.enter_context(postgres_cluster(durable=True))
        yield create_database(admin_url)


def bench_push(backend: str, url: str) -> dict[str, Any]:
    store = ServerStore(url)
    tokens = seed_people(store)
    rng = random.Random(1)
    device = str(uuid.uuid4())
    batches = [
        [incident_change(start + i + 1, rng) for i in range(PUSH_BATCH)]
        for start in range(0, PUSH_INCIDENTS, PUSH_BATCH)
    ]
    with running_server(url) as server, httpx.Client(base_url=server.base_url, timeout=120) as http:
        headers = {"Authorization": f"Bearer {tokens['emp']}", "X-VB-Device": device}
        epoch = None
        started = time.perf_counter()
        for batch in batches:
            r = http.post(
                "/api/v1/sync/push",
                json={"device_id": device, "epoch": epoch, "changes": batch},
                headers=headers,
            )
            r.raise_for_status()
            body = r.json()
            epoch = body["epoch"]
            if len(body["accepted"]) != len(batch):
                raise RuntimeError(f"not all accepted: {body['rejected'][:3]}")
        seconds = time.perf_counter() - started
    store.close()
    return {"bench": "sync_push", "incidents": PUSH_INCIDENTS, "seconds": round(seconds, 3),
            "backend": backend, "batch": PUSH_BATCH}  # fmt: skip


def bench_pull(backend: str, url: str) -> dict[str, Any]:
    store = ServerStore(url)
    tokens = seed_people(store)
    seed_started = time.perf_counter()
    seed_incidents(store, tokens["emp"], PULL_INCIDENTS)
    seed_seconds = time.perf_counter() - seed_started
    with running_server(url) as server, httpx.Client(base_url=server.base_url, timeout=120) as http:
        headers = {"Authorization": f"Bearer {tokens['lead']}"}
        cursor, pulled, pages = 0, 0, 0
        started = time.perf_counter()
        while True:
            r = http.get(f"/api/v1/sync/pull?cursor={cursor}&limit={PULL_PAGE}", headers=headers)
            r.raise_for_status()
            body = r.json()
            pulled += len(body["changes"])
            pages += 1
            cursor = body["cursor"]
            if not body["has_more"]:
                break
        seconds = time.perf_counter() - started
    store.close()
    if pulled != PULL_INCIDENTS:
        raise RuntimeError(f"pulled {pulled} changes, expected {PULL_INCIDENTS}")
    return {"bench": "sync_pull", "incidents": PULL_INCIDENTS, "seconds": round(seconds, 3),
            "backend": backend, "scope": "server+http", "pages": pages,
            "seed_seconds": round(seed_seconds, 1)}  # fmt: skip


def main() -> int:
    backends = ["sqlite"]
    if pg_bin_dir() is not None:
        backends.append("postgresql")
    else:
        print("PostgreSQL binaries not found: sync bench runs on SQLite only", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="vb-bench-sync-") as tmp:
        for backend in backends:
            with ExitStack() as stack:
                with database(backend, stack, Path(tmp)) as url:
                    print(json.dumps(bench_push(backend, url)), flush=True)
                with database(backend, stack, Path(tmp)) as url:
                    print(json.dumps(bench_pull(backend, url)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
