"""Secrets of the server: argon2 password hashes, random bearer tokens and enrolment codes,
both stored only as sha256 hashes."""

from __future__ import annotations

import functools
import hashlib
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from veiligbalie.protocol.auth import PASSWORD_MIN

_hasher = PasswordHasher()
#: Verified against when the username does not exist, so that a wrong username takes as
#: long as a wrong password (no user enumeration by timing).
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))
#: No 0/O, 1/I/L: codes are read aloud and typed by hand.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class WeakPasswordError(ValueError):
    pass


#: Shipped as data: Dutch favourites and the most frequent leaked passwords.
COMMON_PASSWORDS_FILE = Path(__file__).with_name("resources") / "common-passwords.txt"


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def check_password_strength(password: str) -> None:
    """The minimum policy (at creation, reset and change): long enough, not only spaces, not
    a common password (compared without case and surrounding spaces)."""
    if len(password) < PASSWORD_MIN:
        raise WeakPasswordError(f"the password must be at least {PASSWORD_MIN} characters")
    if not password.strip():
        raise WeakPasswordError("the password must not be only spaces")
    if password.strip().lower() in common_passwords():
        raise WeakPasswordError(
            "this password is on the list of common passwords that are guessed first; "
            "choose another"
        )


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_enrolment_code() -> str:
    """12 characters from a 31-letter alphabet (~59 bits), shown as ``ABCD-EFGH-JKMN``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def new_one_time_password() -> str:
    """A password an administrator hands over once (read aloud or written down), changed by
    its user at the next sign-in: 16 letters and digits (~79 bits) as ``abcd-efgh-jkmn-pqrs``."""
    raw = "".join(secrets.choice(CODE_ALPHABET.lower()) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return sha256_hex(normalise_code(code))


def new_lan_key() -> bytes:
    return secrets.token_bytes(32)
