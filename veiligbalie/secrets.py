"""The only door to credentials: tokens, passwords and the site's LAN key go to the OS
keyring, never to settings, logs or the database.

Where the platform has no usable keyring (headless Linux without a Secret Service), people's
tokens are kept in memory for this session only, and the workstation's own credentials (its
revocable token and the site's LAN key, :data:`WORKSTATION_CREDENTIALS`) go to a file in the
data folder that only this user can read, so a linked counter stays linked across restarts.
That file is created with mode 0600 in one step and refused when anyone else could read it.
:func:`storage` tells the settings screen which of these applies.
"""

from __future__ import annotations

import enum
import json
import logging
import os
import stat
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors

from veiligbalie import paths

log = logging.getLogger(__name__)

SERVICE = "VeiligBalie"

#: The workstation's token from enrolment (revocable by the administrator).
WORKSTATION_TOKEN = "workstation-token"
#: The signed-in person's token: never on disk.
USER_TOKEN = "user-token"
#: The site's LAN alarm key (base64), from enrolment or set by the administrator.
LAN_KEY = "site-lan-key"
#: What may live in the credential file when no keyring exists: the station's, not a person's.
WORKSTATION_CREDENTIALS = frozenset({WORKSTATION_TOKEN, LAN_KEY})

CREDENTIAL_FILE = "workstation-credentials.json"


class Storage(enum.Enum):
    """Where the workstation's credentials are kept."""

    KEYRING = "keyring"  # the OS keyring
    FILE = "file"  # no keyring: a file only this user can read
    MEMORY = "memory"  # neither: lost when the client stops


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Secrets held in this process only; lost when it exits. Used by tests."""

    priority = 0.1  # keyring declares it a classproperty; a plain value works as well

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring leaves KeyringBackend.__init__ unannotated
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


class FallbackKeyring(MemoryKeyring):
    """Chosen by :func:`ensure_backend` where the OS has no keyring: people's secrets in
    memory, the workstation's credentials in the credential file."""


class CredentialFileError(Exception):
    """The credential file cannot be kept private (or is not private); the text says why."""


def credential_path() -> Path:
    return paths.data_dir() / CREDENTIAL_FILE


def _private_mode(mode: int) -> bool:
    return os.name == "nt" or stat.S_IMODE(mode) & 0o077 == 0


def _read_file() -> dict[str, str]:
    """The stored credentials; {} when there is no file. Raises CredentialFileError when the
    file is not this user's alone or cannot be read."""
    path = credential_path()
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise CredentialFileError(f"{path} cannot be opened: {error.strerror}") from None
    with os.fdopen(fd, "r", encoding="utf-8") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise CredentialFileError(f"{path} is not a regular file")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise CredentialFileError(f"{path} belongs to another user")
        if not _private_mode(info.st_mode):
            raise CredentialFileError(
                f"{path} can be read by others (mode {stat.S_IMODE(info.st_mode):o})"
            )
        try:
            data = json.load(file)
        except (ValueError, UnicodeDecodeError):
            raise CredentialFileError(f"{path} is damaged") from None
    if not isinstance(data, dict):
        raise CredentialFileError(f"{path} is damaged")
    return {k: v for k, v in data.items() if k in WORKSTATION_CREDENTIALS and isinstance(v, str)}


def _write_file(items: dict[str, str]) -> None:
    """Replace the file in one step: a new file made with mode 0600 from the start (never
    a moment readable by others), synced, then renamed over the old one."""
    path = credential_path()
    if not items:
        path.unlink(missing_ok=True)
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(temporary, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            if not _private_mode(os.fstat(file.fileno()).st_mode):
                # A file system that ignores permissions (FAT, some network shares).
                raise CredentialFileError(
                    f"the folder {path.parent} does not allow a file only you can read"
                )
            json.dump(items, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        raise CredentialFileError(f"{path} cannot be written: {error.strerror}") from None
    finally:
        temporary.unlink(missing_ok=True)


_file_problem = ""


def file_problem() -> str:
    """Why the credential file could not be used last time (English, for the log), or ""."""
    return _file_problem


def check_file_possible() -> bool:
    """Can a file only this user reads be kept in the data folder? Tried for real with a
    probe file (removed again); the reason goes to :func:`file_problem`."""
    global _file_problem
    probe = credential_path().with_name(f".{CREDENTIAL_FILE}.probe")
    try:
        probe.unlink(missing_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            private = _private_mode(os.fstat(fd).st_mode)
        finally:
            os.close(fd)
            probe.unlink(missing_ok=True)
    except OSError as error:
        _file_problem = f"the data folder {probe.parent} is not writable: {error.strerror}"
        return False
    if not private:
        _file_problem = f"the folder {probe.parent} does not allow a file only you can read"
        return False
    return True


def _usable(backend: keyring.backend.KeyringBackend) -> bool:
    """False for keyring's "fail" backend and for a chainer that chains nothing."""
    if type(backend).__module__.startswith("keyring.backends.fail"):
        return False
    if type(backend).__name__ == "ChainerBackend":
        return bool(getattr(backend, "backends", None))
    return True


#: The OS keyrings of each platform, most wanted first.
PLATFORM_BACKENDS = {
    "linux": (
        ("keyring.backends.SecretService", "Keyring"),
        ("keyring.backends.kwallet", "DBusKeyring"),
        ("keyring.backends.libsecret", "Keyring"),
    ),
    "win32": (("keyring.backends.Windows", "WinVaultKeyring"),),
    "darwin": (("keyring.backends.macOS", "Keyring"),),
}


def _platform_backend() -> keyring.backend.KeyringBackend | None:
    """This platform's OS keyring, found without keyring's own detection: that imports every
    backend it ships, and on Linux the macOS one runs ldconfig and gcc to look for a
    library (~0.1 s at every start). None when none of this platform's is usable."""
    import importlib
    import sys

    platform = "linux" if sys.platform.startswith("linux") else sys.platform
    for module_name, class_name in PLATFORM_BACKENDS.get(platform, ()):
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
            if cls.priority > 0:  # raises (or is <= 0) when the service is not there
                return cls()  # type: ignore[no-any-return]
        except Exception as error:  # an absent or broken service: try the next one
            log.debug("Keyring backend %s.%s not usable: %s", module_name, class_name, error)
    return None


def _choose_backend() -> None:
    """On first use, pick the platform's keyring directly, unless a backend was set (tests),
    named in PYTHON_KEYRING_BACKEND or in keyring's configuration file: those keep keyring's
    own choice."""
    global _backend_chosen
    if _backend_chosen:
        return
    _backend_chosen = True
    if getattr(keyring.core, "_keyring_backend", None) is not None:
        return
    if os.environ.get("PYTHON_KEYRING_BACKEND") or keyring.core.load_config() is not None:
        return
    from keyring.backends import fail  # refused by _usable: the fallback takes over

    keyring.set_keyring(_platform_backend() or fail.Keyring())  # type: ignore[no-untyped-call]


_backend_chosen = False


def ensure_backend() -> keyring.backend.KeyringBackend:
    """Select the OS keyring, or the fallback when there is none (logged)."""
    _choose_backend()
    backend = keyring.get_keyring()
    if isinstance(backend, MemoryKeyring):
        return backend
    if not _usable(backend):
        log.warning(
            "No OS keyring is available (%s); the workstation's credentials go to %s "
            "(readable by this user only), people's tokens last for this session only",
            type(backend).__name__,
            credential_path(),
        )
        backend = FallbackKeyring()
        keyring.set_keyring(backend)
    return backend


def storage() -> Storage:
    """Where the workstation's credentials are kept (and will be kept when linking)."""
    backend = ensure_backend()
    if not isinstance(backend, MemoryKeyring):
        return Storage.KEYRING
    if isinstance(backend, FallbackKeyring) and check_file_possible():
        return Storage.FILE
    return Storage.MEMORY


def is_persistent() -> bool:
    """False when the workstation's credentials will not survive a restart."""
    return storage() is not Storage.MEMORY


def backend_description() -> str:
    """For the log: which backend, in English."""
    kept = storage()
    if kept is Storage.FILE:
        return f"no OS keyring: workstation credentials in {credential_path()}"
    if kept is Storage.MEMORY:
        return "memory (no OS keyring found: secrets last for this session only)"
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _in_file(name: str) -> bool:
    return name in WORKSTATION_CREDENTIALS and isinstance(ensure_backend(), FallbackKeyring)


def get_secret(name: str) -> str | None:
    global _file_problem
    if _in_file(name):
        try:
            value = _read_file().get(name)
        except CredentialFileError as error:
            _file_problem = str(error)
            log.error("Workstation credentials not read: %s", error)
            value = None
        if value is not None:
            return value
    ensure_backend()
    return keyring.get_password(SERVICE, name)


def set_secret(name: str, value: str) -> None:
    """Keep ``value``; a workstation credential without a keyring goes to the file, or to
    memory (logged; :func:`storage` says so) when the file cannot be private."""
    global _file_problem
    ensure_backend()
    if _in_file(name):
        try:
            items = _read_file()
            items[name] = value
            _write_file(items)
        except CredentialFileError as error:
            _file_problem = str(error)
            log.error("Workstation credentials kept in memory only: %s", error)
        else:
            _file_problem = ""
            _forget_in_keyring(name)
            return
    keyring.set_password(SERVICE, name, value)


def delete_secret(name: str) -> None:
    global _file_problem
    ensure_backend()
    if _in_file(name):
        try:
            items = _read_file()
            if items.pop(name, None) is not None:
                _write_file(items)
        except CredentialFileError as error:
            # Unreadable or not private: it cannot be trusted either, so it goes entirely.
            _file_problem = str(error)
            log.error("Workstation credential file removed: %s", error)
            credential_path().unlink(missing_ok=True)
    _forget_in_keyring(name)


def _forget_in_keyring(name: str) -> None:
    try:
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        pass
