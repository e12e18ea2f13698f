"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb + pg_ctl into a temp folder
on a free port (as the ``postgres`` user when running as root), stopped and removed at exit.

``pg_url`` is a session-scoped pytest fixture; where PostgreSQL's binaries are missing it
skips with a loud reason instead of failing.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.net import free_tcp_port

MISSING_REASON = (
    "!!! PostgreSQL binaries not found (/usr/lib/postgresql/*/bin/initdb): "
    "the PostgreSQL half of the server suite is SKIPPED !!!"
)


def pg_bin_dir() -> Path | None:
    """The bin folder of the newest installed PostgreSQL, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _run(args: list[str], as_postgres: bool, log: Path | None = None) -> None:
    cmd = ["runuser", "-u", "postgres", "--", *args] if as_postgres else args
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        extra = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
        raise RuntimeError(f"{args[0]} failed: {result.stderr.strip()}\n{extra}")


@contextmanager
def postgres_cluster(*, durable: bool = False) -> Iterator[str]:
    """Start a cluster; yield ``postgresql+psycopg://postgres@127.0.0.1:<port>/postgres``.

    ``durable=False`` turns fsync off: tests need speed, not crash safety of the test
    cluster. Benchmarks pass ``durable=True`` to measure what production would see.
    """
    bindir = pg_bin_dir()
    if bindir is None:
        raise RuntimeError(MISSING_REASON)
    as_postgres = os.geteuid() == 0
    tmp = Path(tempfile.mkdtemp(prefix="vb-pg-"))
    data = tmp / "data"
    log = tmp / "postgres.log"
    if as_postgres:
        shutil.chown(tmp, "postgres", "postgres")
    tmp.chmod(0o700)
    port = free_tcp_port()
    options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=100"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    started = False
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            as_postgres,
        )
        _run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ],
            as_postgres,
            log,
        )
        started = True
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            try:
                _run(
                    [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                    as_postgres,
                )
            except RuntimeError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)


def create_database(admin_url: str, name: str | None = None) -> str:
    """Create an empty database in the cluster of ``admin_url``; return its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    name = name or f"vb_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """The admin URL of a session-wide throwaway cluster (skips loudly without binaries)."""
    if pg_bin_dir() is None:
        pytest.skip(MISSING_REASON)
    with postgres_cluster() as url:
        yield url
