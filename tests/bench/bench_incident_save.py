"""Saving a report: 1,000 saves as the form's Opslaan makes them (IncidentRepository.save_new
with its reference number, outbox row and follow-up plan, as IncidentService.save calls it;
synchronous=FULL) on a fresh database file, beside its floor measured in the same run: the
same number of bare ``INSERT`` + ``COMMIT`` of a row of the same size through ``sqlite3`` in
the same mode (WAL, synchronous=FULL) in the same folder. Target: p99 at most 3x the floor's
p99. ``report_only_*`` is the same save without the plan (the report and its outbox row
alone), for comparison with earlier runs."""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

SAVES = int(os.environ.get("VB_BENCH_SAVES", "1000"))


def floor(folder: Path, text: str) -> list[float]:
    """Bare insert + commit of a report-sized row, same journal and sync mode."""
    conn = sqlite3.connect(folder / "floor.sqlite3", isolation_level=None)
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
    conn.close()
    return timings


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
        for i in range(2 * SAVES):
            incident = Incident(
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
            real = i % 2 == 0  # the two kinds alternate, so both see the same file sizes
            start = time.perf_counter()
            repo.save_new(incident, plan=real)
            (timings if real else report_only).append((time.perf_counter() - start) * 1000)
            row_text = row_text or json.dumps(incident_to_dict(incident))
        db.close()
        bare = floor(Path(folder), row_text)

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
            }
        )
    )


if __name__ == "__main__":
    main()
