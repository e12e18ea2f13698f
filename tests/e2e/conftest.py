"""Fixtures of the end-to-end sync tests: a real server process on a SQLite file, and the
client processes a test starts (each closed at the end)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.drivers.sync_kit import ClientDriver
from tests.support.server import RunningServer, running_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    with running_server(url, env={"VEILIGBALIE_SERVER_PING_SECONDS": "2"}) as running:
        yield running


@pytest.fixture
def clients() -> Iterator[list[ClientDriver]]:
    made: list[ClientDriver] = []
    yield made
    for client in made:
        client.close()
