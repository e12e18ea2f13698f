"""The keyring backend is chosen without keyring's scan of every backend it ships (which on
Linux imports the macOS one and runs ldconfig and gcc at every start), and a backend set
beforehand (tests, PYTHON_KEYRING_BACKEND) is left alone."""

from __future__ import annotations

import sys

import keyring
import keyring.core
import pytest

from veiligbalie import secrets
from veiligbalie.secrets import FallbackKeyring, MemoryKeyring


@pytest.fixture
def unchosen(monkeypatch: pytest.MonkeyPatch) -> None:
    """As at a fresh start: no backend set, nothing chosen yet, no environment override."""
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setattr(secrets, "_backend_chosen", False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(keyring.core, "load_config", lambda: None)


def test_a_backend_set_before_is_kept(memory_keyring: MemoryKeyring, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(secrets, "_backend_chosen", False)
    assert secrets.ensure_backend() is memory_keyring


def test_no_os_keyring_falls_back_to_the_file(unchosen: None, monkeypatch) -> None:  # noqa: ANN001
    platform = "linux" if sys.platform.startswith("linux") else sys.platform
    monkeypatch.setitem(secrets.PLATFORM_BACKENDS, platform, (("no.such.backend", "Keyring"),))
    assert isinstance(secrets.ensure_backend(), FallbackKeyring)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the scan's cost is Linux's")
def test_the_choice_does_not_import_the_macos_backend(unchosen: None) -> None:
    sys.modules.pop("keyring.backends.macOS", None)
    sys.modules.pop("keyring.backends.macOS.api", None)
    secrets.ensure_backend()
    assert "keyring.backends.macOS" not in sys.modules
