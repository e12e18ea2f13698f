"""The site's LAN alarm key as the administrator sets it by hand on a station that is not
linked with a server (a key file, or a passphrase every station of the site shares).

A linked station gets its key at enrolment (:mod:`veiligbalie.services.session`). Errors
leave as :class:`SiteKeyError` with a :class:`KeyProblem` the screen explains; the key
itself is never logged or shown.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThreadPool, Signal

from veiligbalie import settings
from veiligbalie.protocol import lan as lan_protocol
from veiligbalie.services import background
from veiligbalie.services.alarm_paths import load_site_key, store_site_key

log = logging.getLogger(__name__)

#: Longest site id the LAN packet carries (the site field of the settings).
MAX_SITE_ID_LENGTH = lan_protocol.MAX_SITE_ID_BYTES
#: Shortest passphrase a site key is derived from.
MIN_PASSPHRASE_LENGTH = lan_protocol.MIN_PASSPHRASE_LENGTH


class KeyProblem(enum.Enum):
    FILE_UNREADABLE = "file-unreadable"
    NOT_A_KEY = "not-a-key"
    PASSPHRASE_TOO_SHORT = "passphrase-too-short"
    NO_SITE = "no-site"


@dataclass(frozen=True)
class SiteKeyError(Exception):
    problem: KeyProblem
    detail: str = ""


def has_site_key() -> bool:
    return load_site_key() is not None


def fingerprint() -> str:
    """A short, non-secret fingerprint of the key, to compare two stations; "" without."""
    key = load_site_key()
    return lan_protocol.key_fingerprint(key) if key is not None else ""


def set_from_file(path: str) -> None:
    """Read and keep the key in ``path`` (32 raw bytes or base64 of them)."""
    try:
        key = lan_protocol.key_from_file(path)
    except lan_protocol.KeyFileError as error:
        problem = (
            KeyProblem.FILE_UNREADABLE if "cannot read" in str(error) else KeyProblem.NOT_A_KEY
        )
        raise SiteKeyError(problem, str(error)) from None
    _keep(key)


def set_from_passphrase(passphrase: str, site: str) -> None:
    """Derive the key from the site's passphrase, salted with ``site`` (stored too): every
    station of the site that types the same passphrase gets the same key. Takes about a
    second (PBKDF2, on purpose)."""
    site = _check_passphrase(passphrase, site)
    _keep(_derive(passphrase, site))
    settings.SITE_ID.set(site)


def _check_passphrase(passphrase: str, site: str) -> str:
    """The stripped site, or SiteKeyError for what can be refused without deriving."""
    site = site.strip()
    if not site:
        raise SiteKeyError(KeyProblem.NO_SITE)
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise SiteKeyError(KeyProblem.PASSPHRASE_TOO_SHORT)
    return site


def _derive(passphrase: str, site: str) -> bytes:
    try:
        return lan_protocol.key_from_passphrase(passphrase, site)
    except ValueError as error:
        raise SiteKeyError(KeyProblem.NOT_A_KEY, str(error)) from None


def _derive_and_keep(passphrase: str, site: str) -> str:
    """On the worker: PBKDF2 (hashlib releases the GIL while it hashes) and the keyring
    write both stay off the GUI thread. Answers the site."""
    _keep(_derive(passphrase, site))
    return site


class PassphraseDerivation(QObject):
    """Derives the site key from a passphrase on a QThreadPool worker (PBKDF2 takes about
    half a second on purpose: the GUI thread, and with it the alarm button, keeps turning).
    ``finished`` once the key is stored, ``failed(SiteKeyError)`` when it is refused;
    ``busy_changed`` for the screen's busy state."""

    finished = Signal()
    failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._busy = False

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self, passphrase: str, site: str) -> None:
        """Check at once what needs no hashing (SiteKeyError raised here), then derive and
        store on a worker; returns at once. One derivation at a time."""
        if self._busy:
            return
        site = _check_passphrase(passphrase, site)
        self._set_busy(True)
        task = background.start(
            "deriving the site key",
            lambda _progress: _derive_and_keep(passphrase, site),
            self._pool,
        )
        task.finished.connect(self._done)
        task.failed.connect(self._refused)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_changed.emit(busy)

    def _done(self, site: str) -> None:
        settings.SITE_ID.set(site)
        self._set_busy(False)
        self.finished.emit()

    def _refused(self, error: Exception) -> None:
        self._set_busy(False)
        if not isinstance(error, SiteKeyError):  # e.g. a keyring that fails
            error = SiteKeyError(KeyProblem.NOT_A_KEY, background.message(error))
        self.failed.emit(error)


def _keep(key: bytes) -> None:
    store_site_key(key)
    log.info("LAN site key set on this workstation")  # never the key itself
