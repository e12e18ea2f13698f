"""End to end: a real server and real client processes around ``admin backup``, ``admin
restore`` and ``admin migrate-database``.

(a) A live server is backed up while it runs; a client saves more after the backup; the
    backup is restored into a new data folder (refused first while the server runs on the
    old one) and the server started on it: the new epoch makes the client upload again, and
    every report and file is there once.
(b) A populated SQLite server (reports, events, attachments, users, alarms, audit, logo) is
    moved to a throwaway PostgreSQL and started on it: the client goes on syncing (a new
    report arrives), a fresh client pulls exactly as many reports, an old push replayed is
    applied once, the files download unchanged.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.e2e.drivers.sync_kit import (
    PASSWORD,
    ClientDriver,
    admin,
    login,
    server_incident_ids,
    setup_site,
)
from tests.server.conftest import change, pull_all, push
from tests.support.postgres import create_database, pg_url  # noqa: F401 (fixture)
from tests.support.server import ROOT, RunningServer, running_server
from veiligbalie.server import schema
from veiligbalie.server.store import create_db_engine

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

USERS = (
    ("mdewit", "Marieke de Wit", "employee"),
    ("tlead", "Tom Leider", "team_lead"),
    ("beheer", "Bea Heer", "administrator"),
)
#: The smallest PNG: a logo for the organisation's letterhead.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), VEILIGBALIE_SERVER_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "veiligbalie.server.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=240,
    )


def enrol(client: ClientDriver, server: RunningServer, code: str, username: str) -> None:
    answer = client.ask({"cmd": "enrol", "url": server.base_url, "code": code}, "enrolled")
    assert answer["ok"], answer
    answer = client.ask({"cmd": "login", "username": username, "password": PASSWORD}, "logged_in")
    assert answer["ok"], answer


def evidence(folder: Path, name: str, size: int = 200_000) -> Path:
    path = folder / name
    path.write_bytes(os.urandom(size))
    return path


def counts(url: str) -> dict[str, int]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: int(
                    conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                )
                for table in schema.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def attachment_bytes(server: RunningServer, token: str, incident: str) -> dict[str, bytes]:
    headers = {"Authorization": f"Bearer {token}"}
    listed = httpx.get(
        f"{server.base_url}/api/v1/incidents/{incident}/attachments", headers=headers, timeout=30
    )
    listed.raise_for_status()
    found = {}
    for item in listed.json():
        assert item["uploaded"], item
        got = httpx.get(
            f"{server.base_url}/api/v1/incidents/{incident}/attachments/{item['sha256']}",
            headers=headers,
            timeout=30,
        )
        got.raise_for_status()
        found[item["sha256"]] = got.content
    return found


@pytest.fixture
def clients() -> Iterator[list[ClientDriver]]:
    made: list[ClientDriver] = []
    yield made
    for client in made:
        client.close()


def test_backup_of_a_live_server_restored_elsewhere_loses_nothing(
    tmp_path: Path, clients: list[ClientDriver]
) -> None:
    old_dir = tmp_path / "old"
    old_dir.mkdir()
    url = f"sqlite:///{old_dir / 'server.sqlite3'}"
    with running_server(
        url, data_dir=old_dir, env={"VEILIGBALIE_SERVER_PING_SECONDS": "2"}
    ) as server:
        site = setup_site(server, workstations=1, users=USERS)
        client = ClientDriver(tmp_path / "client", "reporter")
        clients.append(client)
        enrol(client, server, site.codes[0], "mdewit")
        before = client.ask(
            {
                "cmd": "save",
                "text": "Voor de back-up",
                "count": 3,
                "attachments": [str(evidence(tmp_path, "voor.jpg"))],
            },
            "saved",
        )["ids"]
        client.until_state(lambda s: s["pending"] == 0 and s["state"] == "connected", 60)

        started = time.monotonic()
        made = run_cli(old_dir, "admin", "--database", url, "backup", "--to", str(tmp_path / "bk"))
        seconds = time.monotonic() - started
        assert made.returncode == 0, made.stderr
        manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
        assert manifest["counts"]["incidents"] == 3
        assert len(manifest["files"]) == 1
        print(f"backup of 3 reports with 1 file while serving: {seconds:.2f} s (CLI start incl.)")

        # Saved after the backup: only the workstation and the old database hold it now.
        after = client.ask(
            {
                "cmd": "save",
                "text": "Na de back-up",
                "count": 2,
                "attachments": [str(evidence(tmp_path, "na.jpg"))],
            },
            "saved",
        )["ids"]
        client.until_state(lambda s: s["pending"] == 0, 60)

        # Restoring over the running server's database is refused, force or not.
        backup_dir = str(tmp_path / "bk")
        refused = run_cli(old_dir, "admin", "--database", url, "restore", "--from", backup_dir)
        assert refused.returncode == 2
        assert "is running" in refused.stderr, refused.stderr
        refused = run_cli(
            old_dir, "admin", "--database", url, "restore", "--force", "--from", backup_dir
        )
        assert "is running" in refused.stderr, refused.stderr

        # The old server is gone; the backup goes into a new data folder.
        server.stop()
        new_dir = tmp_path / "new"
        new_dir.mkdir()
        new_url = f"sqlite:///{new_dir / 'server.sqlite3'}"
        restored = run_cli(
            new_dir, "admin", "--database", new_url, "restore", "--from", str(tmp_path / "bk")
        )
        assert restored.returncode == 0, restored.stderr
        assert re.search(rf"epoch changed from {manifest['epoch']} to \w+", restored.stdout)
        # A second restore over the now filled database needs --force.
        again = run_cli(
            new_dir, "admin", "--database", new_url, "restore", "--from", str(tmp_path / "bk")
        )
        assert again.returncode == 2 and "--force" in again.stderr, again.stderr

        server.database_url = new_url
        server.data_dir = new_dir
        server.start()
        # The client meets the new epoch, uploads everything again and pulls from the start.
        client.send({"cmd": "sync"})
        client.until_state(
            lambda s: s["pending"] == 0 and s["state"] == "connected" and s["dead"] == 0, 90
        )
        lead = login(server, "tlead")
        ids = server_incident_ids(server, lead)
        assert sorted(ids) == sorted(before + after)  # all five, none twice
        for incident in (before[0], after[0]):
            files = attachment_bytes(server, lead, incident)
            assert len(files) == 1
        assert counts(new_url)["incidents"] == 5


def test_sqlite_server_moved_to_postgresql_syncs_on(
    tmp_path: Path,
    clients: list[ClientDriver],
    pg_url: str,  # noqa: F811 (fixture)
) -> None:
    data = tmp_path / "server"
    data.mkdir()
    sqlite_url = f"sqlite:///{data / 'server.sqlite3'}"
    with running_server(
        sqlite_url, data_dir=data, env={"VEILIGBALIE_SERVER_PING_SECONDS": "2"}
    ) as server:
        site = setup_site(server, workstations=2, users=USERS)
        reporter = ClientDriver(tmp_path / "reporter", "reporter")
        clients.append(reporter)
        enrol(reporter, server, site.codes[0], "mdewit")
        saved = reporter.ask(
            {
                "cmd": "save",
                "text": "Bezoeker dreigde",
                "count": 4,
                "attachments": [str(evidence(tmp_path, "foto.jpg"))],
            },
            "saved",
        )["ids"]
        reporter.ask({"cmd": "message", "incident": saved[0], "text": "Ik was erg geschrokken"},
                     "queued")  # fmt: skip
        reporter.until_state(lambda s: s["pending"] == 0 and s["state"] == "connected", 60)

        # An alarm from the second workstation, raised through the API with its own token.
        enrolled = httpx.post(
            f"{server.base_url}/api/v1/enroll", json={"code": site.codes[1]}, timeout=30
        )
        enrolled.raise_for_status()
        station = {"Authorization": f"Bearer {enrolled.json()['token']}"}
        alarm = httpx.post(f"{server.base_url}/api/v1/alarms", json={}, headers=station, timeout=30)
        assert alarm.status_code in (200, 201), alarm.text

        # The administrator's changes: a logo (audited) and a deactivated account (audited).
        boss = {"Authorization": f"Bearer {login(server, 'beheer')}"}
        logo = httpx.put(
            f"{server.base_url}/api/v1/admin/organisation/profile",
            json={"logo_base64": base64.b64encode(PNG).decode()},
            headers=boss,
            timeout=30,
        )
        assert logo.status_code == 200, logo.text
        admin(server, "user", "create", "--username", "oud", "--display-name", "Oud Account",
              "--role", "employee", "--site", "Stadhuis", "--password", PASSWORD)  # fmt: skip
        admin(server, "user", "deactivate", "--user", "oud")

        # An old push, made by hand, to replay against the moved server.
        lead = login(server, "tlead")
        lead_h = {"Authorization": f"Bearer {lead}"}
        device = uuid.uuid4()
        http = httpx.Client(base_url=server.base_url, timeout=30)
        old_batch = [change(1), change(2)]
        first = push(http, lead_h, device, old_batch)
        assert first.status_code == 200 and first.json()["accepted"] == [1, 2], first.text
        epoch = first.json()["epoch"]

        before_ids = server_incident_ids(server, lead)
        before_pull = pull_all(http, lead_h)
        before_files = attachment_bytes(server, lead, saved[0])
        server.stop()
        source = counts(sqlite_url)
        populated = (
            "incidents incident_events attachment_uploads users alarms alarm_events audit_log "
            "changes applied_pushes tokens"
        ).split()
        for table in populated:
            assert source[table] > 0, table

        target = create_database(pg_url)
        started = time.monotonic()
        moved = run_cli(data, "admin", "--database", sqlite_url, "migrate-database", "--to", target)
        seconds = time.monotonic() - started
        assert moved.returncode == 0, moved.stdout + moved.stderr
        assert "DIFFERS" not in moved.stdout
        print(f"migrate-database of {sum(source.values())} rows: {seconds:.2f} s (CLI incl.)")
        # Every row, and the move's own line in the new database's audit log.
        assert counts(target) == {**source, "audit_log": source["audit_log"] + 1}
        # Moving again into the now filled database is refused.
        refused = run_cli(
            data, "admin", "--database", sqlite_url, "migrate-database", "--to", target
        )
        assert refused.returncode == 2 and "not empty" in refused.stderr, refused.stderr

        server.database_url = target
        server.start()
        health = httpx.get(f"{server.base_url}/healthz", timeout=10).json()
        assert health["database"] == "postgresql"
        assert health["epoch"] == epoch  # moved, not restored: the clients go on as they were

        lead = login(server, "tlead")
        lead_h = {"Authorization": f"Bearer {lead}"}
        http = httpx.Client(base_url=server.base_url, timeout=30)
        assert server_incident_ids(server, lead) == before_ids
        assert pull_all(http, lead_h) == before_pull  # the same changes, the same cursors
        assert attachment_bytes(server, lead, saved[0]) == before_files

        # The old push again: applied once before, so nothing new.
        replay = push(http, lead_h, device, old_batch, epoch=epoch)
        assert replay.status_code == 200 and replay.json()["accepted"] == [1, 2], replay.text
        # The reporter's workstation goes on: a new report is accepted.
        reporter.send({"cmd": "sync"})
        new = reporter.ask({"cmd": "save", "text": "Na de verhuizing"}, "saved")["ids"]
        reporter.until_state(lambda s: s["pending"] == 0 and s["state"] == "connected", 60)
        assert sorted(server_incident_ids(server, lead)) == sorted(before_ids + new)
        # A new change gets a seq after every copied one (the identity sequence was set).
        after_pull = pull_all(http, lead_h)
        assert after_pull[: len(before_pull)] == before_pull
        assert min(c["seq"] for c in after_pull[len(before_pull) :]) > max(
            c["seq"] for c in before_pull
        )

        # A fresh workstation pulls exactly what is there, nothing doubled.
        code = re.search(
            r"enrolment code: (\S+)",
            admin(
                server,
                "workstation",
                "create",
                "--site",
                "Stadhuis",
                "--name",
                "balie-3",
                "--location",
                "Balie 3",
            ),  # fmt: skip
        )
        assert code
        fresh = ClientDriver(tmp_path / "fresh", "fresh")
        clients.append(fresh)
        enrol(fresh, server, code.group(1), "tlead")
        total = len(before_ids) + len(new)
        fresh.until_state(lambda s: s["incidents"] == total and s["pending"] == 0, 60)
        ids = fresh.ask({"cmd": "ids"}, "ids")["ids"]
        assert len(ids) == len(set(ids)) == total
        # The moved alarm and the logo are there.
        alarms = httpx.get(f"{server.base_url}/api/v1/alarms", headers=station, timeout=30)
        assert alarms.status_code == 200 and alarm.json()["id"] in alarms.text
        assert counts(target)["organisations"] == 1
