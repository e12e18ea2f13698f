"""Saving a report: 1,000 IncidentRepository.save_new calls (each with its reference number
and outbox row, synchronous=FULL) on a fresh database file. Target: p99 at most 10 ms."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

SAVES = 1000


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vb-bench-") as folder:
        os.environ["VEILIGBALIE_DATA_DIR"] = folder
        # Imported after the data folder is set, as the app does at start.
        from veiligbalie.core.incident import Incident
        from veiligbalie.core.vocabulary import Category, Channel, Severity
        from veiligbalie.store.database import Database
        from veiligbalie.store.incidents import IncidentRepository

        db = Database.open(Path(folder) / "bench.sqlite3")
        repo = IncidentRepository(db)
        occurred = datetime.now(UTC) - timedelta(minutes=15)
        timings: list[float] = []
        for i in range(SAVES):
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
            start = time.perf_counter()
            repo.save_new(incident)
            timings.append((time.perf_counter() - start) * 1000)
        db.close()

    timings.sort()
    print(
        json.dumps(
            {
                "bench": "incident_save",
                "saves": SAVES,
                "p50_ms": round(statistics.median(timings), 3),
                "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 3),
                "max_ms": round(timings[-1], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
