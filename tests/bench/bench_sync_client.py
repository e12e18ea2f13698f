"""Client-side sync figures through the REAL SyncEngine (Qt networking, local SQLite store)
against a real server process:

- sync_push: 10,000 incidents saved locally (not timed) pushed until the outbox is empty;
- sync_pull: 100,000 incidents seeded on the server (not timed) pulled into a fresh store.

Prints one JSON line per figure with ``"scope": "client+server"``. Never asserts on time.

The pull also prints the client's own CPU time (``client_cpu_seconds``: this process, the
server runs in another; per change ``client_cpu_us_per_change``) and a floor for the
client's apply (``floor_seconds``, ``ratio`` = client apply / floor). The client apply is
the engine's run minus the time the same pages take to come from the server
(``fetch_seconds``: every page fetched again afterwards with the same cursor and limit,
bytes only). On a busy machine the CPU figures say more: ``apply_cpu_seconds`` is this
process's CPU in parsing and applying the pages, ``cpu_ratio`` that over the floor's CPU
(``floor_cpu_seconds``).

The floor stores those same bytes, parsed with ``json.loads``, into a fresh client store
of the same schema (its indexes and triggers included), one ``executemany`` per table per
page and one transaction per page as the apply does, with no logic (the page's search
entries made by one bare statement in its transaction, where the apply makes them after it
in chunks): an ``incidents`` row is the created report's payload picked by column name (lists
as JSON text, the columns the payload lacks constant), an ``incident_events`` row is a
timeline change's payload (its JSON text as ``data``), a ``followup_tasks`` row is a
follow-up change's payload put in place of the task's earlier row (``INSERT OR REPLACE`` by
task id, no fold). The client's rows can be made this way, so the floor writes the same
tables rather than one table of (seq, kind, entity_id, payload) as the server's floor does:
it pays the same index and full-text upkeep the real apply pays.
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

import httpx  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402

from tests.bench.bench_sync import database, seed_incidents, seed_people  # noqa: E402
from tests.support.postgres import pg_bin_dir  # noqa: E402
from tests.support.server import running_server  # noqa: E402
from veiligbalie import paths  # noqa: E402
from veiligbalie.core.incident import Incident  # noqa: E402
from veiligbalie.core.vocabulary import Category  # noqa: E402
from veiligbalie.protocol import sync as p  # noqa: E402
from veiligbalie.server.store import ServerStore  # noqa: E402
from veiligbalie.services.sync import PULL_PAGE, SyncEngine  # noqa: E402
from veiligbalie.store import search_index  # noqa: E402
from veiligbalie.store.database import Database  # noqa: E402
from veiligbalie.store.incidents import IncidentRepository  # noqa: E402
from veiligbalie.store.schema import (  # noqa: E402
    SEARCH_TABLE,
    followup_tasks,
    incident_events,
    incidents,
)

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


def _fetch_pages(base_url: str, token: str, device: uuid.UUID) -> list[bytes]:
    """The answers the engine got, asked for again: the same cursors, the same limit."""
    pages: list[bytes] = []
    cursor = 0
    headers = {"Authorization": f"Bearer {token}", "X-VB-Device": str(device)}
    with httpx.Client(base_url=base_url, timeout=300) as http:
        while True:
            answer = http.get(
                "/api/v1/sync/pull", params={"cursor": cursor, "limit": PULL_PAGE}, headers=headers
            )
            answer.raise_for_status()
            pages.append(answer.content)
            page = json.loads(answer.content)
            cursor = page["cursor"]
            if not page["has_more"]:
                return pages


def _insert(table: Any, columns: list[str], verb: str = "INSERT") -> str:
    marks = ", ".join("?" for _ in columns)
    return f"{verb} INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"


_INCIDENT_COLUMNS = [c.name for c in incidents.c]
_INCIDENT_CONSTANT = {
    "status": "sent",
    "revision": 1,
    "unread": False,
    "origin": "server",
    "provisional_reference": None,
    "assignee_user_id": None,
    "assignee_name": None,
}
_EVENT_COLUMNS = [c.name for c in incident_events.c]
_TASK_COLUMNS = [c.name for c in followup_tasks.c]
_TIMELINE = {kind: value.value for kind, value in p.TIMELINE_KINDS.items()}


#: The floor's search upkeep: every pending report's entry in one statement.
_SEARCH_ENTRIES = (
    f"INSERT INTO {SEARCH_TABLE} (rowid, body) SELECT i.rowid, {search_index.BODY} "
    "FROM search_pending p JOIN incidents i ON i.rowid = p.report_rowid"
)


def floor_apply(path: Path, pages: list[bytes]) -> tuple[float, float, int]:
    """The floor of the client's apply (module docstring): seconds, CPU seconds of this
    process and changes stored."""
    db = Database.open(path)
    insert_incidents = _insert(incidents, _INCIDENT_COLUMNS)
    insert_events = _insert(incident_events, _EVENT_COLUMNS)
    replace_tasks = _insert(followup_tasks, _TASK_COLUMNS, "INSERT OR REPLACE")
    stored = 0
    cpu = time.process_time()
    started = time.perf_counter()
    for body in pages:
        page = json.loads(body)
        reports, events, tasks = [], [], []
        for change in page["changes"]:
            d, kind, at = change["payload"], change["kind"], change["created_at"]
            if kind == p.INCIDENT_CREATED:
                row = {**d, **_INCIDENT_CONSTANT, "updated_at": at}
                row["created_at"] = d.get("created_at") or at
                row["categories"] = json.dumps(d["categories"])
                row["witnesses"] = json.dumps(d["witnesses"])
                reports.append(tuple(row.get(name) for name in _INCIDENT_COLUMNS))
            elif kind in _TIMELINE:
                text = d.get("text") or d.get("note") or d.get("conclusion") or ""
                events.append(
                    (
                        d["event_id"],
                        change["entity_id"],
                        _TIMELINE[kind],
                        d.get("author") or "",
                        text,
                        json.dumps(d),
                        d.get("created_at") or at,
                        "server",
                    )
                )
                if kind == p.INCIDENT_FOLLOWUP:
                    tasks.append(
                        (
                            d["task_id"],
                            change["entity_id"],
                            d["kind"],
                            d.get("reason") or "",
                            d["due"],
                            d.get("due_from"),
                            d.get("done_at"),
                            d.get("note") or "",
                            d.get("assignee_user_id"),
                            d.get("assignee_name"),
                            json.dumps(d.get("details") or {}),
                            None,
                            at,
                        )
                    )
        with db.write_connection() as conn:
            for sql, rows in ((insert_incidents, reports), (insert_events, events)):
                if rows:
                    conn.exec_driver_sql(sql, rows)
            if tasks:
                conn.exec_driver_sql(replace_tasks, tasks)
            conn.exec_driver_sql(_SEARCH_ENTRIES)
            conn.exec_driver_sql("DELETE FROM search_pending")
        stored += len(page["changes"])
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    with db.session() as session:
        count = session.connection().exec_driver_sql("SELECT count(*) FROM incidents").scalar()
    db.close()
    if count != PULL_INCIDENTS:
        raise RuntimeError(f"the floor stored {count} incidents, expected {PULL_INCIDENTS}")
    return seconds, cpu, stored


def _count_cpu(engine: SyncEngine) -> list[float]:
    """This process's CPU time in what the floor does too: parsing each pulled page (the
    net layer's ``PullResponse.model_validate_json``) and applying it (``apply_pull``);
    not the HTTP exchange. Wall-clock on a busy machine says little, this does."""
    spent = [0.0]
    apply_pull = engine.logic.apply_pull

    def timed(call: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return call(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - started

        return run

    engine.logic.apply_pull = timed(apply_pull)  # type: ignore[method-assign]
    p.PullResponse.model_validate_json = timed(p.PullResponse.model_validate_json)  # type: ignore[method-assign]
    return spent


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
        apply_cpu = _count_cpu(engine)
        cpu = time.process_time()
        started = time.perf_counter()
        engine.start()
        _wait(lambda: bool(finished), 600)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        engine.stop()
        del p.PullResponse.model_validate_json  # BaseModel's own again
        fetch_started = time.perf_counter()
        pages = _fetch_pages(server.base_url, tokens["lead"], db.device_id)
        fetch_seconds = time.perf_counter() - fetch_started
    count = repo.count()
    db.close()
    if count != PULL_INCIDENTS:
        raise RuntimeError(f"pulled {count} incidents, expected {PULL_INCIDENTS}")
    floor_seconds, floor_cpu, changes = floor_apply(folder / f"pull-floor-{backend}.sqlite3", pages)
    apply_seconds = max(seconds - fetch_seconds, 0.0)
    return {
        "bench": "sync_pull",
        "incidents": PULL_INCIDENTS,
        "changes": changes,
        "seconds": round(seconds, 3),
        "fetch_seconds": round(fetch_seconds, 3),
        "apply_seconds": round(apply_seconds, 3),
        "client_cpu_seconds": round(cpu, 3),
        "client_cpu_us_per_change": round(cpu / max(changes, 1) * 1e6, 1),
        "apply_cpu_seconds": round(apply_cpu[0], 3),
        "floor_seconds": round(floor_seconds, 3),
        "floor_cpu_seconds": round(floor_cpu, 3),
        "cpu_ratio": round(apply_cpu[0] / floor_cpu, 2) if floor_cpu else None,
        "ratio": round(apply_seconds / floor_seconds, 2) if floor_seconds else None,
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
