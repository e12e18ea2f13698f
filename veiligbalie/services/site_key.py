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

from veiligbalie import settings
from veiligbalie.protocol import lan as lan_protocol
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
    site = site.strip()
    if not site:
        raise SiteKeyError(KeyProblem.NO_SITE)
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise SiteKeyError(KeyProblem.PASSPHRASE_TOO_SHORT)
    try:
        key = lan_protocol.key_from_passphrase(passphrase, site)
    except ValueError as error:
        raise SiteKeyError(KeyProblem.NOT_A_KEY, str(error)) from None
    settings.SITE_ID.set(site)
    _keep(key)


def _keep(key: bytes) -> None:
    store_site_key(key)
    log.info("LAN site key set on this workstation")  # never the key itself
