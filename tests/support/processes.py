"""Driver processes for end-to-end tests: a child that takes commands on stdin and prints one
JSON object per line on stdout, collected (with arrival times) by a reader thread."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]


class JsonLinesProcess:
    """One driver script run with this Python, offscreen Qt and the repository on the path."""

    def __init__(
        self,
        name: str,
        driver: Path,
        args: Sequence[str],
        env: dict[str, str] | None = None,
        stderr: IO[bytes] | None = None,
    ) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [sys.executable, str(driver), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", **(env or {})),
            cwd=ROOT,
        )
        self.events: list[dict[str, Any]] = []
        self.times: list[float] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue  # a stray print from a library is not an event
            with self._lock:
                self.events.append(event)
                self.times.append(time.monotonic())

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.events)

    def find(self, event: str, **fields: object) -> list[dict[str, Any]]:
        """The events named ``event`` whose ``fields`` have the given values, in order."""
        return [
            e
            for e in self.snapshot()
            if e["event"] == event and all(e.get(k) == v for k, v in fields.items())
        ]

    def arrival_of(self, predicate: Callable[[dict[str, Any]], bool]) -> float:
        """When (time.monotonic) the first event matching ``predicate`` was read."""
        with self._lock:
            pairs = list(zip(self.events, self.times, strict=True))
        return next(t for e, t in pairs if predicate(e))

    def first_time(self, event: str, **fields: object) -> float:
        """When the first event that ``find(event, **fields)`` would list was read."""
        return self.arrival_of(
            lambda e: e["event"] == event and all(e.get(k) == v for k, v in fields.items())
        )

    def command(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stop(self, timeout: float = 5) -> int:
        """Ask the driver to quit; kill it when it does not. Returns its exit code."""
        if self.proc.poll() is None:
            try:
                self.command("quit")
                return self.proc.wait(timeout=timeout)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
        return self.proc.wait(timeout=timeout)


def python_json(code: str, *args: str, env: dict[str, str] | None = None) -> Any:
    """Run ``code`` with this Python (``python -c``; offscreen Qt and the repository on the
    path unless ``env`` says otherwise) and return the JSON of the last line it prints."""
    if env is None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])
