"""Fixtures shared by the unit tests: the local store in this test's fresh data folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from veiligbalie.store.database import Database


@pytest.fixture
def db() -> Iterator[Database]:
    database = Database.open()
    yield database
    database.close()
