"""A site's alarm set-up beside the ladder, on both backends: the LAN beacon port, group and
switch (validated, audited, handed to the site's workstations by heartbeat), the webhook test
against a real receiver on 127.0.0.1 (and a refused port: a clear answer, never a 500), the
audit of every escalation change, refusal for non-administrators, and the CLI."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.server.conftest import World
from tests.support.net import free_tcp_port
from tests.support.webhook import webhook_receiver
from veiligbalie.protocol import alarm_server as ps
from veiligbalie.server import cli
from veiligbalie.server import schema as t
from veiligbalie.server.escalation import sign
from veiligbalie.server.store import ServerStore

API = "/api/v1"
SECRET = "meldkamer-geheim-123"


def audit_rows(store: ServerStore, action: str) -> list[sa.Row]:  # type: ignore[type-arg]
    with store.read() as conn:
        return list(
            conn.execute(
                sa.select(t.audit_log)
                .where(t.audit_log.c.action == action)
                .order_by(t.audit_log.c.at)
            ).all()
        )


def test_lan_setup_is_validated_audited_and_reaches_the_stations(
    client: TestClient, world: World, store: ServerStore
) -> None:
    url = f"{API}/admin/sites/{world.site_a}/lan"
    first = client.get(url, headers=world.h("admin")).json()
    assert first == {"site_id": str(world.site_a), "port": None, "group": None, "enabled": True}
    beat = client.post(f"{API}/stations/heartbeat", headers=world.h("ws")).json()
    assert beat["lan"]["port"] is None and beat["online"] is True
    for bad, message in [
        ({"port": 80}, "between 1024 and 65535"),
        ({"port": 70000}, "between 1024 and 65535"),
        ({"group": "10.1.2.3"}, "no multicast group"),
        ({"group": "balie"}, "no IPv4 address"),
    ]:
        r = client.put(url, json=bad, headers=world.h("admin"))
        assert r.status_code == 400 and message in r.json()["detail"], (bad, r.text)
    r = client.put(
        url, json={"port": 47999, "group": " 239.1.2.3 ", "enabled": True}, headers=world.h("admin")
    )
    assert r.status_code == 200, r.text
    assert r.json()["port"] == 47999 and r.json()["group"] == "239.1.2.3"
    assert client.put(url, json={"group": "224.0.1.50"}, headers=world.h("admin")).is_success
    r = client.put(url, json={"port": 48000, "group": "239.9.9.9", "enabled": False},
                   headers=world.h("admin"))  # fmt: skip
    assert r.status_code == 200
    beat = client.post(f"{API}/stations/heartbeat", headers=world.h("ws")).json()
    assert beat["lan"] == {
        "site_id": str(world.site_a), "port": 48000, "group": "239.9.9.9", "enabled": False
    }  # fmt: skip
    rows = audit_rows(store, "site_lan_set")
    assert len(rows) == 3 and rows[-1].subject == "alarm" and rows[-1].actor == "admin"
    assert "OFF, port 48000, group 239.9.9.9" in rows[-1].detail
    # Other sites keep their own.
    other = client.get(f"{API}/admin/sites/{world.site_b}/lan", headers=world.h("admin")).json()
    assert other["port"] is None
    for who in ("lead", "sec", "emp", "ws"):
        assert client.get(url, headers=world.h(who)).status_code == 403
        assert client.put(url, json={"port": 5000}, headers=world.h(who)).status_code == 403
    assert client.get(f"{API}/admin/sites/00000000-0000-0000-0000-000000000000/lan",
                      headers=world.h("admin")).status_code == 404  # fmt: skip


def _set_webhook(client: TestClient, world: World, url: str) -> None:
    body = {
        "levels": [
            {"delay_seconds": 0, "targets": ["colleagues"]},
            {"delay_seconds": 60, "targets": ["security"], "webhook": True},
        ],
        "webhook_url": url,
        "webhook_secret": SECRET,
    }
    r = client.put(f"{API}/admin/sites/{world.site_a}/escalation", json=body,
                   headers=world.h("admin"))  # fmt: skip
    assert r.status_code == 200, r.text


def test_webhook_test_reaches_a_real_receiver_signed_and_marked_as_test(
    client: TestClient, world: World, store: ServerStore
) -> None:
    test_url = f"{API}/admin/sites/{world.site_a}/escalation/webhook-test"
    r = client.post(test_url, headers=world.h("admin"))
    assert r.status_code == 409 and "no webhook URL" in r.json()["detail"]
    with webhook_receiver(status=202, answer=b'{"ticket": "MK-1234"}' + b"x" * 2000) as receiver:
        _set_webhook(client, world, receiver.url)
        r = client.post(test_url, headers=world.h("admin"))
        assert r.status_code == 200, r.text
        answer = r.json()
        assert answer["ok"] is True and answer["status"] == 202
        assert answer["body"].startswith('{"ticket": "MK-1234"}') and len(answer["body"]) == 500
        assert answer["elapsed_ms"] > 0 and answer["url_host"] == f"127.0.0.1:{receiver.port}"
        (got,) = receiver.requests
        headers = {k.lower(): v for k, v in got.headers.items()}
        stamp = headers[ps.WEBHOOK_TIMESTAMP_HEADER.lower()]
        assert headers[ps.WEBHOOK_SIGNATURE_HEADER.lower()] == sign(SECRET, stamp, got.body)
        assert headers[ps.WEBHOOK_EVENT_HEADER.lower()] == "webhook.test"
        payload = json.loads(got.body)
        assert payload["test"] is True and payload["type"] == "webhook.test"
        assert payload["site_name"] == "Centrum" and "alarm" not in payload
        receiver.status = 500
        failed = client.post(test_url, headers=world.h("admin")).json()
        assert failed["ok"] is False and failed["status"] == 500
        for who in ("lead", "sec", "emp", "ws"):
            assert client.post(test_url, headers=world.h(who)).status_code == 403
        assert len(receiver.requests) == 2
    # Nothing listens on the port any more: a plain answer, not a 500.
    _set_webhook(client, world, f"http://127.0.0.1:{free_tcp_port()}/hook")
    r = client.post(test_url, headers=world.h("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["ok"] is False and r.json()["status"] is None
    assert "refused the connection" in r.json()["error"]
    rows = audit_rows(store, "escalation_webhook_test")
    assert [("HTTP 202" in x.detail, "refused" in x.detail) for x in rows] == [
        (True, False), (False, False), (False, True)
    ]  # fmt: skip
    assert all(SECRET not in x.detail for x in rows)


def test_escalation_changes_are_audited_and_reset_by_rest(
    client: TestClient, world: World, store: ServerStore
) -> None:
    url = f"{API}/admin/sites/{world.site_a}/escalation"
    _set_webhook(client, world, "https://meldkamer.example.nl/hook")
    (row,) = audit_rows(store, "escalation_set")
    assert row.actor == "admin" and row.user_id == world.users["admin"]
    assert "0s colleagues; 60s security, webhook" in row.detail
    assert "meldkamer.example.nl" in row.detail and SECRET not in row.detail
    assert client.delete(url, headers=world.h("lead")).status_code == 403
    r = client.delete(url, headers=world.h("admin"))
    assert r.status_code == 200 and r.json()["default"] is True
    assert r.json()["webhook_url"] is None
    (reset,) = audit_rows(store, "escalation_reset")
    assert "built-in default" in reset.detail


def test_cli_site_lan_and_test_webhook(
    store: ServerStore,
    world: World,
    monkeypatch,
    capsys,  # noqa: ANN001
) -> None:
    db = ["--database", store.url]
    assert cli.main(["admin", *db, "site", "lan", "set", "--site", "Centrum",
                     "--port", "47001", "--group", "239.5.5.5"]) == 0  # fmt: skip
    assert "on; port 47001; group 239.5.5.5" in capsys.readouterr().out
    assert cli.main(["admin", *db, "site", "lan", "set", "--site", "Centrum",
                     "--enabled", "off"]) == 0  # fmt: skip
    assert "OFF; port 47001; group 239.5.5.5" in capsys.readouterr().out
    code = cli.main(["admin", *db, "site", "lan", "set", "--site", "Centrum", "--port", "80"])
    assert code == 2 and "between 1024 and 65535" in capsys.readouterr().err
    code = cli.main(["admin", *db, "site", "lan", "set", "--site", "Centrum", "--group", "1.2.3.4"])
    assert code == 2 and "no multicast group" in capsys.readouterr().err
    back = ["--port", "station", "--group", "station", "--enabled", "on"]
    assert cli.main(["admin", *db, "site", "lan", "set", "--site", "Centrum", *back]) == 0
    assert "on; port per workstation; group per workstation" in capsys.readouterr().out
    rows = audit_rows(store, "site_lan_set")
    assert len(rows) == 3 and rows[0].actor == "administrator (command line)"
    code = cli.main(["admin", *db, "escalation", "test-webhook", "--site", "Centrum"])
    assert code == 2 and "no webhook URL" in capsys.readouterr().err
    with webhook_receiver() as receiver:
        monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
        assert cli.main(["admin", *db, "escalation", "set", "--site", "Centrum",
                         "--level", "0s:colleagues", "--level", "1m:webhook",
                         "--webhook-url", receiver.url, "--webhook-secret-stdin"]) == 0  # fmt: skip
        capsys.readouterr()
        assert cli.main(["admin", *db, "escalation", "test-webhook", "--site", "Centrum"]) == 0
        out = capsys.readouterr().out
        assert f"127.0.0.1:{receiver.port} answered HTTP 200" in out and "received" in out
        assert len(receiver.requests) == 1
    assert audit_rows(store, "escalation_set")[0].actor == "administrator (command line)"
    code = cli.main(["admin", *db, "escalation", "test-webhook", "--site", "Centrum"])
    err = capsys.readouterr().err
    assert code == 2 and "webhook test failed" in err and "refused the connection" in err
