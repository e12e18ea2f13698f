"""Two real processes saving into the same database file at the same time: BEGIN IMMEDIATE
must serialise them so no reference number or outbox sequence number is handed out twice."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PER_PROCESS = 200

# Each worker opens the (possibly still missing) file itself, so the first-time migration
# races too; then it waits for the start signal so both save at the same moment.
WORKER = """
import sys, time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository

path, go, name, count = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
db = Database.open(path)
repo = IncidentRepository(db)
(path.parent / f"ready-{name}").touch()
deadline = time.monotonic() + 60
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("no start signal")
    time.sleep(0.005)
for i in range(count):
    repo.save_new(Incident(
        description=f"Melding {i} van {name}: bezoeker werd agressief.",
        categories=frozenset({Category.THREAT}),
        occurred_at=datetime.now(UTC) - timedelta(minutes=1),
        location="Balie 1",
        reporter=name,
    ))
db.close()
print("done", name)
"""


def test_two_processes_never_share_a_number(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    go = tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=str(ROOT), VEILIGBALIE_DATA_DIR=str(tmp_path / "data"))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), str(go), name, str(PER_PROCESS)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("anna", "bram")
    ]
    try:
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"ready-{n}").exists() for n in ("anna", "bram")):
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
            assert time.monotonic() < deadline, "workers did not open the database"
            time.sleep(0.01)
        go.touch()
        results = [w.communicate(timeout=120) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
    for worker, (out, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err
        assert out.startswith("done")

    with sqlite3.connect(path) as conn:
        references = [r[0] for r in conn.execute("SELECT reference FROM incidents")]
        reporters = dict(
            conn.execute("SELECT reporter, count(*) FROM incidents GROUP BY reporter").fetchall()
        )
        seqs = [
            r[0]
            for r in conn.execute(
                "SELECT device_seq FROM outbox WHERE kind = ?", ("incident.created",)
            )
        ]
        outbox_entities = {r[0] for r in conn.execute("SELECT entity_id FROM outbox")}
        incident_ids = {r[0] for r in conn.execute("SELECT id FROM incidents")}
        device_ids = conn.execute("SELECT count(*) FROM meta WHERE key = 'device_id'").fetchone()
    conn.close()

    total = 2 * PER_PROCESS
    assert len(references) == total
    assert len(set(references)) == total
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in references)
    assert numbers == list(range(1, total + 1))
    assert reporters == {"anna": PER_PROCESS, "bram": PER_PROCESS}
    assert len(seqs) == total
    assert sorted(seqs) == list(range(1, total + 1))
    assert outbox_entities == incident_ids
    assert device_ids == (1,)
