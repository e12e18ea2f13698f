"""Sync benchmark against a real server process: push 10,000 incidents in batches of 500,
pull 100,000 changes in pages of 5,000, and 50 stations pushing 200 reports each at once, on
SQLite and (where installed) PostgreSQL.

Prints ``{"bench": "sync_push", ...}``, ``{"bench": "sync_pull", ...}`` and
``{"bench": "sync_push_concurrent", ...}`` per backend, each with its floor measured in the
same run on the same database (tests/bench/floor_sync.py: the same payloads over the same
HTTP stack, stored or read with one ``executemany``/``SELECT`` and no logic):
``floor_seconds`` and ``ratio``. These figures are server + HTTP only
(``"scope": "server+http"``): applying into a client store is measured by bench_sync_client.
``VB_BENCH_SCALE`` (default 1) scales every count down for a quick run; ``VB_BENCH_SYNC``
(a comma list of ``push``, ``pull``, ``push_concurrent``; default all) runs only those.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from tests.support.net import free_tcp_port
from tests.support.postgres import create_database, pg_bin_dir, postgres_cluster
from tests.support.server import ROOT, running_server
from tests.support.waiting import wait_until
from veiligbalie.core.incident import Incident, incident_to_dict
from veiligbalie.core.vocabulary import Category, Channel, Role, Severity
from veiligbalie.protocol.sync import PushRequest
from veiligbalie.server import admin, auth, sync
from veiligbalie.server import schema as t
from veiligbalie.server.store import ServerStore

SCALE = float(os.environ.get("VB_BENCH_SCALE", "1"))
PUSH_INCIDENTS = max(500, int(10_000 * SCALE))
PUSH_BATCH = 500
PULL_INCIDENTS = max(1000, int(100_000 * SCALE))
PULL_PAGE = 5000
SEED_BATCH = 1000
CONCURRENT_STATIONS = 50
CONCURRENT_REPORTS = max(10, int(200 * SCALE))
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


@contextmanager
def floor_server(url: str, copy_changes: bool = False) -> Iterator[str]:
    """tests/bench/floor_sync.py on ``url``'s database; yields its base URL."""
    port = free_tcp_port()
    command = [sys.executable, "-m", "tests.bench.floor_sync", str(port), url]
    proc = subprocess.Popen(
        command + (["--copy-changes"] if copy_changes else []),
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def answers() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"floor server ended (exit {proc.returncode})")
            try:
                return httpx.get(f"{base}/", timeout=2.0).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(answers, 300, what="the sync floor server")
        yield base
    finally:
        proc.kill()
        proc.wait()


def floor_push(url: str, batches: list[list[dict[str, Any]]]) -> float:
    with floor_server(url) as base, httpx.Client(base_url=base, timeout=300) as http:
        started = time.perf_counter()
        for batch in batches:
            http.post("/floor/push", json={"changes": batch}).raise_for_status()
        return time.perf_counter() - started


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
    floor = floor_push(url, batches)
    return {"bench": "sync_push", "incidents": PUSH_INCIDENTS, "seconds": round(seconds, 3),
            "backend": backend, "batch": PUSH_BATCH, "floor_seconds": round(floor, 3),
            "ratio": round(seconds / floor, 2), "scope": "server+http"}  # fmt: skip


def bench_pull(backend: str, url: str) -> dict[str, Any]:
    store = ServerStore(url)
    tokens = seed_people(store)
    seed_started = time.perf_counter()
    seed_incidents(store, tokens["emp"], PULL_INCIDENTS)
    seed_seconds = time.perf_counter() - seed_started
    with running_server(url) as server, httpx.Client(base_url=server.base_url, timeout=120) as http:
        headers = {"Authorization": f"Bearer {tokens['lead']}"}
        cursor, pulled, pages, reports = 0, 0, 0, 0
        started = time.perf_counter()
        while True:
            r = http.get(f"/api/v1/sync/pull?cursor={cursor}&limit={PULL_PAGE}", headers=headers)
            r.raise_for_status()
            body = r.json()
            pulled += len(body["changes"])
            reports += sum(1 for c in body["changes"] if c["kind"] == "incident.created")
            pages += 1
            cursor = body["cursor"]
            if not body["has_more"]:
                break
        seconds = time.perf_counter() - started
    store.close()
    with floor_server(url, copy_changes=True) as base, httpx.Client(base_url=base) as http:
        cursor, floor_pulled = 0, 0
        started = time.perf_counter()
        while True:
            r = http.get("/floor/pull", params={"cursor": cursor, "limit": PULL_PAGE}, timeout=120)
            r.raise_for_status()
            body = r.json()
            floor_pulled += len(body["changes"])
            cursor = body["cursor"]
            if not body["has_more"]:
                break
        floor = time.perf_counter() - started
    if reports != PULL_INCIDENTS or floor_pulled != pulled:
        raise RuntimeError(
            f"pulled {reports} reports in {pulled} changes (the floor {floor_pulled}), "
            f"expected {PULL_INCIDENTS} reports"
        )
    return {"bench": "sync_pull", "incidents": PULL_INCIDENTS, "seconds": round(seconds, 3),
            "backend": backend, "scope": "server+http", "pages": pages,
            "floor_seconds": round(floor, 3), "ratio": round(seconds / floor, 2),
            "changes": pulled, "seed_seconds": round(seed_seconds, 1)}  # fmt: skip


def station_tokens(store: ServerStore, count: int) -> list[str]:
    """``count`` enrolled workstations of the bench's site, each with its token."""
    with store.read() as conn:
        site_id = conn.execute(sa.select(t.sites.c.id)).scalar_one()
    now = datetime.now(UTC)
    tokens = []
    with store.write() as conn:
        for i in range(count):
            ws_id = uuid.uuid4()
            conn.execute(
                sa.insert(t.workstations).values(
                    id=ws_id, site_id=site_id, name=f"balie{i:02d}", location=f"Balie {i}",
                    enrolled_at=now, created_at=now,
                )
            )  # fmt: skip
            token, _ = auth.issue_token(
                conn, "workstation", timedelta(days=1), workstation_id=ws_id
            )
            tokens.append(token)
    return tokens


#: One station's push: its token, its device id and its changes.
StationPush = tuple[str, str, list[dict[str, Any]]]


def station_pushes(tokens: list[str], reports_each: int, seed: int) -> list[StationPush]:
    """A push of ``reports_each`` new reports for each station token, each its own device."""
    rng = random.Random(seed)
    return [
        (token, str(uuid.uuid4()), [incident_change(i + 1, rng) for i in range(reports_each)])
        for token in tokens
    ]


def push_once(base: str, path: str, push: StationPush, real: bool = True) -> None:
    """POST one station's push to ``base`` + ``path``; ``real``: check every change was
    accepted (the floor answers only a count)."""
    token, device, changes = push
    headers = {"Authorization": f"Bearer {token}", "X-VB-Device": device}
    body = {"device_id": device, "epoch": None, "changes": changes}
    with httpx.Client(base_url=base, timeout=600) as http:
        r = http.post(path, json=body, headers=headers)
        r.raise_for_status()
        if real and len(r.json()["accepted"]) != len(changes):
            raise RuntimeError(f"not all accepted: {r.json()['rejected'][:3]}")


def bench_push_concurrent(backend: str, url: str) -> dict[str, Any]:
    """CONCURRENT_STATIONS stations push CONCURRENT_REPORTS new reports each, all at once:
    the time until the last push is answered."""
    store = ServerStore(url)
    seed_people(store)
    tokens = station_tokens(store, CONCURRENT_STATIONS)
    store.close()
    pushes = station_pushes(tokens, CONCURRENT_REPORTS, seed=3)

    def at_once(base: str, path: str, real: bool) -> float:
        with ThreadPoolExecutor(len(pushes)) as pool:
            started = time.perf_counter()
            list(pool.map(lambda push: push_once(base, path, push, real), pushes))
            return time.perf_counter() - started

    with running_server(url) as server:
        seconds = at_once(server.base_url, "/api/v1/sync/push", True)
    with floor_server(url) as base:
        floor = at_once(base, "/floor/push", False)
    return {"bench": "sync_push_concurrent", "stations": CONCURRENT_STATIONS,
            "reports_each": CONCURRENT_REPORTS, "seconds": round(seconds, 3),
            "backend": backend, "floor_seconds": round(floor, 3),
            "ratio": round(seconds / floor, 2), "scope": "server+http"}  # fmt: skip


def main() -> int:
    backends = ["sqlite"]
    if pg_bin_dir() is not None:
        backends.append("postgresql")
    else:
        print("PostgreSQL binaries not found: sync bench runs on SQLite only", file=sys.stderr)
    only = os.environ.get("VB_BENCH_BACKENDS")  # e.g. "sqlite" for a quick run
    if only:
        backends = [b for b in backends if b in only.split(",")]
    benches = {"push": bench_push, "pull": bench_pull, "push_concurrent": bench_push_concurrent}
    chosen = os.environ.get("VB_BENCH_SYNC")  # e.g. "pull" to measure only the pull
    if chosen:
        unknown = set(chosen.split(",")) - set(benches)
        if unknown:
            print(f"VB_BENCH_SYNC: unknown {sorted(unknown)}", file=sys.stderr)
            return 2
        benches = {name: run for name, run in benches.items() if name in chosen.split(",")}
    with tempfile.TemporaryDirectory(prefix="vb-bench-sync-") as tmp:
        for backend in backends:
            with ExitStack() as stack:
                for run in benches.values():
                    with database(backend, stack, Path(tmp)) as url:
                        print(json.dumps(run(backend, url)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
