"""Saving a report: 1,000 saves as the form's Opslaan makes them (IncidentRepository.save_new
with its reference number, outbox row and follow-up plan, as IncidentService.save calls it;
synchronous=FULL) on a fresh database file, beside its floor measured in the same run: the
same number of bare ``INSERT`` + ``COMMIT`` of a row of the same size through ``sqlite3`` in
the same mode (WAL, synchronous=FULL) in the same folder. Target: p99 at most 3x the floor's
p99. ``report_only_*`` is the same save without the plan (the report and its outbox row
alone), for comparison with earlier runs.

``pages_per_commit`` (and ``report_only_pages_per_commit``, ``floor_pages_per_commit``):
the pages one save appends to the WAL (each written and synced by its commit), the mean
over :data:`COUNTED` more saves after the timed ones, counted from the WAL's growth with
checkpoints held off (untimed)."""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

SAVES = int(os.environ.get("VB_BENCH_SAVES", "1000"))
#: Saves of each kind whose WAL frames are counted (after the timed ones).
COUNTED = 100
#: A WAL frame: a 24-byte header and the page; the file starts with a 32-byte header.
FRAME_HEADER = 24
WAL_HEADER = 32


def wal_pages(path: Path, page_size: int, write: Callable[[], object]) -> int:
    """How many pages (WAL frames) ``write`` appends to the WAL of ``path``; checkpoints
    must be held off (the WAL then only grows)."""
    wal = Path(f"{path}-wal")
    before = max(wal.stat().st_size if wal.exists() else 0, WAL_HEADER)
    write()
    return (wal.stat().st_size - before) // (page_size + FRAME_HEADER)


def hold_checkpoints(path: Path) -> int:
    """Checkpoint everything now, so the next commits only append to the WAL (the caller
    has stopped the store's own checkpoints); returns the page size."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(conn.execute("PRAGMA page_size").fetchone()[0])


def floor(folder: Path, text: str) -> tuple[list[float], float]:
    """Bare insert + commit of a report-sized row, same journal and sync mode; with the
    pages per commit counted after the timed ones."""
    path = folder / "floor.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    timings: list[float] = []
    for i in range(SAVES):
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO reports (body) VALUES (?)", (f"{i} {text}",))
        conn.execute("COMMIT")
        timings.append((time.perf_counter() - start) * 1000)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    page_size = hold_checkpoints(path)

    def one(i: int) -> None:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO reports (body) VALUES (?)", (f"{i} {text}",))
        conn.execute("COMMIT")

    pages = [wal_pages(path, page_size, lambda i=i: one(i)) for i in range(COUNTED)]
    conn.close()
    return timings, statistics.mean(pages)


def p99(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[int(len(ordered) * 0.99) - 1]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vb-bench-") as folder:
        os.environ["VEILIGBALIE_DATA_DIR"] = folder
        # Imported after the data folder is set, as the app does at start.
        from veiligbalie.core.incident import Incident, incident_to_dict
        from veiligbalie.core.vocabulary import Category, Channel, Severity
        from veiligbalie.store.database import Database
        from veiligbalie.store.incidents import IncidentRepository

        db = Database.open(Path(folder) / "bench.sqlite3")
        row_text = ""
        repo = IncidentRepository(db)
        occurred = datetime.now(UTC) - timedelta(minutes=15)
        timings: list[float] = []
        report_only: list[float] = []

        def incident_of(i: int) -> Incident:
            return Incident(
                description=(
                    f"Melding {i}: bezoeker werd boos over de wachttijd, schreeuwde en sloeg "
                    "met de vuist op de balie. Collega kwam erbij, bezoeker vertrok daarna."
                ),
                categories=frozenset({Category.VERBAL_AGGRESSION, Category.INTIMIDATION}),
                occurred_at=occurred,
                location="Publiekshal, balie 2",
                reporter=f"medewerker{i % 20}",
                channel=Channel.COUNTER,
                severity=Severity.MEDIUM,
                witnesses=("Cor",),
            )

        for i in range(2 * SAVES):
            incident = incident_of(i)
            real = i % 2 == 0  # the two kinds alternate, so both see the same file sizes
            start = time.perf_counter()
            repo.save_new(incident, plan=real)
            (timings if real else report_only).append((time.perf_counter() - start) * 1000)
            row_text = row_text or json.dumps(incident_to_dict(incident))
        # Untimed: the pages each kind of save appends, the store's checkpoints held off.
        db.checkpointer.close()
        page_size = hold_checkpoints(db.path)
        pages: dict[bool, list[int]] = {True: [], False: []}
        for i in range(2 * SAVES, 2 * SAVES + 2 * COUNTED):
            real = i % 2 == 0
            incident = incident_of(i)
            pages[real].append(
                wal_pages(db.path, page_size, lambda x=incident, r=real: repo.save_new(x, plan=r))
            )
        db.close()
        bare, floor_pages = floor(Path(folder), row_text)

    timings.sort()
    report_only.sort()
    print(
        json.dumps(
            {
                "bench": "incident_save",
                "saves": SAVES,
                "p50_ms": round(statistics.median(timings), 3),
                "p99_ms": round(p99(timings), 3),
                "max_ms": round(timings[-1], 3),
                "floor_p50_ms": round(statistics.median(bare), 3),
                "floor_p99_ms": round(p99(bare), 3),
                "ratio_p99": round(p99(timings) / p99(bare), 2),
                "target_ratio_p99": 3.0,
                "report_only_p50_ms": round(statistics.median(report_only), 3),
                "report_only_p99_ms": round(p99(report_only), 3),
                "report_only_ratio_p99": round(p99(report_only) / p99(bare), 2),
                "pages_per_commit": round(statistics.mean(pages[True]), 1),
                "report_only_pages_per_commit": round(statistics.mean(pages[False]), 1),
                "floor_pages_per_commit": round(floor_pages, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
