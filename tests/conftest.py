"""Test set-up shared by every suite: offscreen Qt, a fresh data folder per test (the
client's and the server's) and an in-memory keyring, so no test touches the developer's own
data or credentials."""

from __future__ import annotations

import os
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
# Never let a test run pick up the machine's locale for the UI language.
os.environ.setdefault("VEILIGBALIE_LANG", "nl")

import keyring  # noqa: E402
import PySide6.QtCore  # noqa: E402, F401
import pytest  # noqa: E402

from veiligbalie import paths, pyside_hook  # noqa: E402
from veiligbalie.secrets import MemoryKeyring  # noqa: E402

pyside_hook.install()  # as the client does: the modules tests import pass a cheaper check


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty data folder for every test."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(folder))
    paths.set_data_dir(None)
    return folder


@pytest.fixture(autouse=True)
def no_presets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No system-wide IT presets (a machine's /etc/xdg/VeiligBalie/presets.ini stays out of
    the tests): the path points at a file a test may write."""
    path = tmp_path / "presets.ini"
    monkeypatch.setenv(paths.ENV_PRESETS, str(path))
    return path


@pytest.fixture(autouse=True)
def server_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh server data folder too (``last-served.json``, the default database and files
    folder), so a server run by hand on this machine never changes what a test sees."""
    folder = tmp_path / "server-data"
    folder.mkdir()
    monkeypatch.setenv("VEILIGBALIE_SERVER_DATA_DIR", str(folder))
    monkeypatch.delenv("VEILIGBALIE_SERVER_DATABASE", raising=False)
    monkeypatch.delenv("VEILIGBALIE_SERVER_FILES", raising=False)
    return folder


@pytest.fixture(autouse=True)
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend
