"""Helpers for sync tests with real processes: set a server up through the real admin CLI,
read what it holds through its API, and drive a real client process (sync_client.py)."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.server import ROOT, RunningServer
from tests.support.waiting import wait_until_matches

PASSWORD = "correct horse battery"
DRIVER = Path(__file__).resolve().parent / "sync_client.py"


def admin(server: RunningServer, *args: str) -> str:
    """Run ``veiligbalie-server admin --database URL ARGS`` and return its output."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), VEILIGBALIE_SERVER_DATA_DIR=str(server.data_dir))
    result = subprocess.run(
        [sys.executable, "-m", "veiligbalie.server.cli", "admin", "--database", server.database_url]
        + list(args),
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    if result.returncode != 0:
        raise RuntimeError(f"admin {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


@dataclass
class Site:
    codes: list[str]
    users: dict[str, str] = field(default_factory=dict)  # username -> role


def setup_site(
    server: RunningServer,
    workstations: int = 1,
    users: tuple[tuple[str, str, str], ...] = (),
    share: bool = True,
) -> Site:
    """Organisation, one site, workstations (their one-time codes) and users (username,
    display name, role), all through the admin CLI."""
    admin(server, "org", "create", "--name", "Gemeente Test", "--address", "Postbus 1, Test")
    site_args = ["site", "create", "--name", "Stadhuis"]
    if share:
        site_args.append("--share-log")
    admin(server, *site_args)
    codes = []
    for number in range(workstations):
        out = admin(
            server,
            "workstation",
            "create",
            "--site",
            "Stadhuis",
            "--name",
            f"balie-{number + 1}",
            "--location",
            f"Balie {number + 1}",
        )
        match = re.search(r"enrolment code: (\S+)", out)
        assert match, out
        codes.append(match.group(1))
    site = Site(codes)
    for username, display, role in users:
        admin(
            server,
            "user",
            "create",
            "--username",
            username,
            "--display-name",
            display,
            "--role",
            role,
            "--site",
            "Stadhuis",
            "--password",
            PASSWORD,
        )
        site.users[username] = role
    return site


def login(server: RunningServer, username: str) -> str:
    answer = httpx.post(
        f"{server.base_url}/api/v1/auth/login",
        json={"username": username, "password": PASSWORD},
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["token"])


def server_incident_ids(server: RunningServer, token: str) -> list[str]:
    """Every incident id the token may see, through the paged list API (duplicates kept)."""
    ids: list[str] = []
    offset = 0
    while True:
        answer = httpx.get(
            f"{server.base_url}/api/v1/incidents",
            params={"limit": 1000, "offset": offset},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        answer.raise_for_status()
        items = answer.json()["items"]
        ids.extend(item["id"] for item in items)
        if len(items) < 1000:
            return ids
        offset += 1000


class ClientDriver:
    """A real client process (QCoreApplication + SyncEngine + store) on its own data folder,
    controlled by JSON commands on stdin; its JSON reports are collected here."""

    def __init__(self, data_dir: Path, name: str = "client") -> None:
        self.name = name
        data_dir.mkdir(parents=True, exist_ok=True)
        env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            VEILIGBALIE_DATA_DIR=str(data_dir),
            QT_QPA_PLATFORM="offscreen",
        )
        self.stderr_path = data_dir / "driver.err"
        self._stderr = open(self.stderr_path, "wb")  # noqa: SIM115 - handed to the child
        self.process = subprocess.Popen(
            [sys.executable, str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            cwd=ROOT,
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(lambda e: e.get("event") == "ready", 60)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                self.events.put(json.loads(line))
            except ValueError:
                continue

    def send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        self.process.stdin.flush()

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"{self.name}: no matching event in {timeout}s; last: {self.seen[-5:]}\n"
                    + self.stderr_path.read_text(errors="replace")[-3000:]
                )
            try:
                event = self.events.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.process.poll() is not None:
                    raise AssertionError(
                        f"{self.name} exited: "
                        + self.stderr_path.read_text(errors="replace")[-3000:]
                    ) from None
                continue
            self.seen.append(event)
            if predicate(event):
                return event

    def ask(self, command: dict[str, Any], answer: str, timeout: float = 30) -> dict:
        """Send a command and wait for the reply event of that name (a command the driver
        could not carry out fails the test with the driver's error)."""
        self.send(command)
        found = self.wait_for(lambda e: e.get("event") in (answer, "error"), timeout)
        if found.get("event") == "error":
            raise AssertionError(f"{self.name}: {command.get('cmd')} failed: {found['error']}")
        return found

    def until_state(self, check: Callable[[dict[str, Any]], bool], timeout: float) -> dict:
        """Ask for the state until ``check`` holds (the engine works in the background)."""
        return wait_until_matches(
            lambda: self.ask({"cmd": "state"}, "state"),
            check,
            timeout,
            interval=0.2,
            what=f"{self.name}: state to match",
        )

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.send({"cmd": "quit"})
                self.process.wait(10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(10)
        self._stderr.close()
