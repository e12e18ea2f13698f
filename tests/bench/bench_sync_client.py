"""Client-side sync figures through the REAL SyncEngine (Qt networking, local SQLite store)
against a real server process:

- sync_push: 10,000 incidents saved locally (not timed) pushed until the outbox is empty;
- sync_pull: 100,000 incidents seeded on the server (not timed) pulled into a fresh store.

Prints one JSON line per figure with ``"scope": "client+server"``. Never asserts on time.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402

from tests.bench.bench_sync import database, seed_incidents, seed_people  # noqa: E402
from tests.support.postgres import pg_bin_dir  # noqa: E402
from tests.support.server import running_server  # noqa: E402
from veiligbalie import paths  # noqa: E402
from veiligbalie.core.incident import Incident  # noqa: E402
from veiligbalie.core.vocabulary import Category  # noqa: E402
from veiligbalie.server.store import ServerStore  # noqa: E402
from veiligbalie.services.sync import SyncEngine  # noqa: E402
from veiligbalie.store.database import Database  # noqa: E402
from veiligbalie.store.incidents import IncidentRepository  # noqa: E402

#: ``VB_BENCH_SCALE`` (default 1) scales the counts down for a quick run.
SCALE = float(os.environ.get("VB_BENCH_SCALE", "1"))
PUSH_INCIDENTS = max(100, int(10_000 * SCALE))
PULL_INCIDENTS = max(1000, int(100_000 * SCALE))


def _wait(done: Any, timeout_s: float) -> None:
    """Run the Qt event loop until ``done()`` holds (the engine works asynchronously)."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(20)
    deadline = time.monotonic() + timeout_s

    def check() -> None:
        if done() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    if not done():
        raise RuntimeError("the sync engine did not finish in time")


def _engine(db: Database, base_url: str, token: str, identity: str) -> SyncEngine:
    # A long interval: only the work being measured runs, no timer cycles in between.
    engine = SyncEngine(db, interval_ms=3_600_000, backoff_min_ms=200, backoff_max_ms=2_000)
    engine.configure(base_url, token, None, identity)
    return engine


def bench_push(folder: Path, backend: str, url: str) -> dict[str, Any]:
    store = ServerStore(url)
    tokens = seed_people(store)
    store.close()
    db = Database.open(folder / f"push-client-{backend}.sqlite3")
    repo = IncidentRepository(db)
    now = datetime.now(UTC)
    for number in range(PUSH_INCIDENTS):
        repo.save_new(
            Incident(
                description=f"Klant dreigde de medewerker aan de balie (melding {number})",
                categories=frozenset({Category.THREAT}),
                occurred_at=now - timedelta(minutes=5 + number % 500),
                location=f"Balie {number % 12 + 1}",
                reporter="Jan de Vries",
            )
        )
    with running_server(url) as server:
        engine = _engine(db, server.base_url, tokens["emp"], "user:emp")
        started = time.perf_counter()
        engine.start()
        _wait(lambda: engine.pending == 0 and engine.logic.pending_count() == 0, 300)
        seconds = time.perf_counter() - started
        engine.stop()
    db.close()
    return {
        "bench": "sync_push",
        "incidents": PUSH_INCIDENTS,
        "seconds": round(seconds, 3),
        "backend": backend,
        "scope": "client+server",
    }


def bench_pull(folder: Path, backend: str, url: str) -> dict[str, Any]:
    store = ServerStore(url)
    tokens = seed_people(store)
    seed_incidents(store, tokens["emp"], PULL_INCIDENTS)
    store.close()
    db = Database.open(folder / f"pull-client-{backend}.sqlite3")
    repo = IncidentRepository(db)
    with running_server(url) as server:
        engine = _engine(db, server.base_url, tokens["lead"], f"user:lead-{uuid.uuid4()}")
        finished: list[bool] = []
        engine.synced.connect(lambda: finished.append(True))
        started = time.perf_counter()
        engine.start()
        _wait(lambda: bool(finished), 600)
        seconds = time.perf_counter() - started
        engine.stop()
    count = repo.count()
    db.close()
    if count != PULL_INCIDENTS:
        raise RuntimeError(f"pulled {count} incidents, expected {PULL_INCIDENTS}")
    return {
        "bench": "sync_pull",
        "incidents": PULL_INCIDENTS,
        "seconds": round(seconds, 3),
        "backend": backend,
        "scope": "client+server",
    }


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="vb-bench-sync-client-") as tmp:
        folder = Path(tmp)
        os.environ[paths.ENV_DATA_DIR] = str(folder / "data")
        app = QCoreApplication.instance() or QCoreApplication(sys.argv)
        backends = ["sqlite"] + (["postgresql"] if pg_bin_dir() is not None else [])
        only = os.environ.get("VB_BENCH_BACKENDS")  # e.g. "sqlite" for a quick run
        if only:
            backends = [b for b in backends if b in only.split(",")]
        wanted = os.environ.get("VB_BENCH_ONLY", "push,pull").split(",")
        for backend in backends:
            for bench in [b for b in (bench_push, bench_pull) if b.__name__[6:] in wanted]:
                with ExitStack() as stack, database(backend, stack, folder) as url:
                    print(json.dumps(bench(folder, backend, url)), flush=True)
        del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
