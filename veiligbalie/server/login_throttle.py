"""Failed sign-ins slow down and then stop the one who guesses: per account and per source
address, in the database (so several server processes agree).

An account (any username sent, known or not, so that an unknown name behaves exactly like a
wrong password) may fail ``free_failures`` times without delay; every further failure
doubles the wait (``base_seconds``, capped at ``max_seconds``), during which the server
answers 429 with Retry-After without looking at the password. An attempt made while
waiting counts as a failure too, so guessing at full speed reaches the lockout at once:
after ``lockout_failures`` failures within ``window`` the account is locked until an
administrator lifts it (423, even for the right password). A source address gets the same
back-off with a higher free count (an office behind one address), and is never locked.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veiligbalie.server import schema as t

ACCOUNT = "account"
ADDRESS = "address"


def _env(name: str, default: float) -> float:
    return float(os.environ.get(f"VEILIGBALIE_SERVER_LOGIN_{name}", default))


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 3
    address_free_failures: int = 20
    base_seconds: float = 1.0
    max_seconds: float = 15 * 60.0
    lockout_failures: int = 10
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_environment(cls) -> ThrottlePolicy:
        return cls(
            free_failures=int(_env("FREE_FAILURES", cls.free_failures)),
            address_free_failures=int(_env("ADDRESS_FREE_FAILURES", cls.address_free_failures)),
            base_seconds=_env("BACKOFF_SECONDS", cls.base_seconds),
            max_seconds=_env("BACKOFF_MAX_SECONDS", cls.max_seconds),
            lockout_failures=int(_env("LOCKOUT_FAILURES", cls.lockout_failures)),
            window=timedelta(minutes=_env("WINDOW_MINUTES", cls.window.total_seconds() / 60)),
        )


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is not even checked: a back-off (with the seconds to wait) or a lock."""

    reason: Literal["backoff", "locked"]
    retry_after: int = 0


def account_key(username: str) -> str:
    return username.strip().lower()[:200]


def _row(conn: Connection, kind: str, key: str) -> sa.Row[tuple[object, ...]] | None:
    return conn.execute(
        sa.select(t.login_throttle).where(
            t.login_throttle.c.kind == kind, t.login_throttle.c.key == key
        )
    ).first()


def refusal(conn: Connection, account: str, address: str, now: datetime) -> Refusal | None:
    """A lock of the account, or the longest back-off of account and address, if any."""
    wait = 0.0
    for kind, key in ((ACCOUNT, account), (ADDRESS, address)):
        row = _row(conn, kind, key)
        if row is None:
            continue
        if kind == ACCOUNT and row.locked_at is not None:
            return Refusal("locked")
        if row.blocked_until is not None and row.blocked_until > now:
            wait = max(wait, (row.blocked_until - now).total_seconds())
    if wait > 0:
        return Refusal("backoff", max(1, math.ceil(wait)))
    return None


def is_locked(conn: Connection, account: str) -> bool:
    row = _row(conn, ACCOUNT, account)
    return row is not None and row.locked_at is not None


def record_failure(
    conn: Connection, kind: str, key: str, now: datetime, policy: ThrottlePolicy
) -> bool:
    """Count one failure of ``key``; True when this failure locked the account."""
    row = _row(conn, kind, key)
    if row is None or (row.locked_at is None and now - row.last_failure_at > policy.window):
        failures, first = 1, now
    else:
        failures, first = int(row.failures) + 1, row.first_failure_at
    free = policy.free_failures if kind == ACCOUNT else policy.address_free_failures
    blocked_until = None
    if failures >= free:
        seconds = min(policy.max_seconds, policy.base_seconds * 2 ** min(failures - free, 40))
        blocked_until = now + timedelta(seconds=seconds)
    locked_at = row.locked_at if row is not None else None
    newly_locked = kind == ACCOUNT and locked_at is None and failures >= policy.lockout_failures
    if newly_locked:
        locked_at = now
    values = {
        "failures": failures,
        "first_failure_at": first,
        "last_failure_at": now,
        "blocked_until": blocked_until,
        "locked_at": locked_at,
    }
    if row is None:
        conn.execute(sa.insert(t.login_throttle).values(kind=kind, key=key, **values))
    else:
        conn.execute(
            sa.update(t.login_throttle)
            .where(t.login_throttle.c.kind == kind, t.login_throttle.c.key == key)
            .values(**values)
        )
    return newly_locked


def forget_account(conn: Connection, account: str) -> None:
    """A successful sign-in clears the account's failures (never a lock: see refusal)."""
    conn.execute(
        sa.delete(t.login_throttle).where(
            t.login_throttle.c.kind == ACCOUNT,
            t.login_throttle.c.key == account,
            t.login_throttle.c.locked_at.is_(None),
        )
    )


def unlock(conn: Connection, account: str) -> bool:
    """Lift the lock and the failures of one account, and every source address's back-off
    (the guessing that caused the lock most likely came from the account holder's own
    office); True when the account was locked."""
    locked = is_locked(conn, account)
    conn.execute(
        sa.delete(t.login_throttle).where(
            sa.or_(
                sa.and_(t.login_throttle.c.kind == ACCOUNT, t.login_throttle.c.key == account),
                t.login_throttle.c.kind == ADDRESS,
            )
        )
    )
    return locked
