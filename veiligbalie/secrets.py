"""The only door to credentials: tokens, passwords and the site's LAN key go to the OS
keyring, never to settings, logs or the database.

Where the platform has no usable keyring (headless Linux without a Secret Service), the
wrapper says so and keeps secrets in memory for this session only: nothing is ever written
to disk in plaintext. :func:`backend_description` is what the settings screen shows.
"""

from __future__ import annotations

import logging

import keyring
import keyring.backend
import keyring.errors

log = logging.getLogger(__name__)

SERVICE = "VeiligBalie"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Secrets held in this process only; lost when it exits. Used by tests and as the
    explicit fallback where no OS keyring exists."""

    priority = 0.1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self._items[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError(username) from None


def _usable(backend: keyring.backend.KeyringBackend) -> bool:
    """False for keyring's "fail" backend and for a chainer that chains nothing."""
    if type(backend).__module__.startswith("keyring.backends.fail"):
        return False
    if type(backend).__name__ == "ChainerBackend":
        return bool(getattr(backend, "backends", None))
    return True


def ensure_backend() -> keyring.backend.KeyringBackend:
    """Select the OS keyring, or the in-memory fallback when there is none (logged)."""
    backend = keyring.get_keyring()
    if isinstance(backend, MemoryKeyring):
        return backend
    if not _usable(backend):
        log.warning(
            "No OS keyring is available (%s); credentials are kept in memory for this "
            "session only and must be entered again after a restart",
            type(backend).__name__,
        )
        backend = MemoryKeyring()
        keyring.set_keyring(backend)
    return backend


def is_persistent() -> bool:
    """False when secrets will not survive a restart (the in-memory fallback)."""
    return not isinstance(ensure_backend(), MemoryKeyring)


def backend_description() -> str:
    backend = ensure_backend()
    if isinstance(backend, MemoryKeyring):
        return "memory (no OS keyring found: secrets last for this session only)"
    return f"{type(backend).__module__}.{type(backend).__name__}"


def get_secret(name: str) -> str | None:
    ensure_backend()
    return keyring.get_password(SERVICE, name)


def set_secret(name: str, value: str) -> None:
    ensure_backend()
    keyring.set_password(SERVICE, name, value)


def delete_secret(name: str) -> None:
    ensure_backend()
    try:
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        pass
