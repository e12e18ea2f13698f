"""Run every benchmark in tests/bench/ (``make bench``).

Each ``bench_*.py`` runs in its own process and prints one JSON line per figure it
measures: ``{"bench": "<name>", ...}``. Benchmarks report time; they never fail on it.
Pass names to run a subset: ``python -m tests.bench startup incident_save``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        proc = subprocess.run(
            [sys.executable, "-m", f"tests.bench.{script.stem}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        sys.stdout.write(proc.stdout)
        sys.stdout.flush()
        if proc.returncode != 0:
            print(f"benchmark {name} failed with exit code {proc.returncode}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
