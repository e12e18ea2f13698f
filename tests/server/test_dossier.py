"""The perpetrator dossier on a real server process (SQLite and PostgreSQL): only reviewers
read or change persons, links and signaleringen; the counter hears only the counter text of
active measures; activation names what is missing; every read and change is audited once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.server.conftest import Live, add_user, change, incident_payload, user_token
from veiligbalie.core.ids import uuid7
from veiligbalie.core.vocabulary import Category, Role
from veiligbalie.server import schema as t

API = "/api/v1"
NAME = "Piet Pietersen"
DESCRIPTION = "Lange man, rode jas, komt vaker boos aan de balie"
CLIENT_NUMBER = "K-4711"
COUNTER = "Alleen op afspraak, met twee collega's"


@dataclass
class D:
    live: Live
    http: httpx.Client
    tokens: dict[str, str]
    device: uuid.UUID

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def report(self, **fields: Any) -> str:
        payload = incident_payload(id=uuid7(), **fields)
        body = {"device_id": str(self.device), "changes": [change(self.seq(), payload=payload)]}
        r = self.http.post(f"{API}/sync/push", json=body, headers=self.h("ws"))
        assert r.status_code == 200 and r.json()["accepted"], r.text
        return str(payload["id"])

    _seq: int = 0

    def seq(self) -> int:
        self._seq += 1
        return self._seq

    def audit(self) -> list[Any]:
        with self.live.world.store.read() as conn:
            return list(
                conn.execute(
                    sa.select(t.audit_log)
                    .where(t.audit_log.c.action.like("dossier.%"))
                    .order_by(t.audit_log.c.at, t.audit_log.c.id)
                ).all()
            )


@pytest.fixture
def d(live: Live) -> Iterator[D]:
    w = live.world
    tokens = dict(w.tokens)
    for name, role, site in [
        ("coord", Role.COORDINATOR, None),
        ("peer", Role.PEER_SUPPORT, None),
    ]:
        tokens[name] = user_token(w.store, add_user(w.store, name, role, site))
    with httpx.Client(base_url=live.url, timeout=30) as http:
        yield D(live, http, tokens, w.device)


def names_person(row: Any, person_id: str) -> bool:
    """The audit row is about ``person_id`` (its own column once server.audit writes it)."""
    column = getattr(row, "person_id", None)
    return str(column) == person_id if column is not None else person_id in row.detail


def names_actor(row: Any, username: str) -> bool:
    return username in (getattr(row, "actor", None) or row.detail)


def complete(**overrides: Any) -> dict[str, Any]:
    today = date.today()
    body: dict[str, Any] = {
        "measure": "appointment_only",
        "counter_text": COUNTER,
        "reason": "Drie keer verbaal agressief in twee maanden",
        "period_start": (today - timedelta(days=1)).isoformat(),
        "period_end": (today + timedelta(days=180)).isoformat(),
        "decided_by": "M. de Boer, afdelingshoofd",
        "decided_on": today.isoformat(),
        "informed_on": today.isoformat(),
        "informed_how": "letter",
    }
    body.update(overrides)
    return body


def make_person(d: D, incident: str | None = None, who: str = "lead") -> dict[str, Any]:
    r = d.http.post(
        f"{API}/persons",
        json={
            "display_name": NAME,
            "description": DESCRIPTION,
            "identifiers": {"klantnummer": CLIENT_NUMBER},
            "incident_id": incident,
        },
        headers=d.h(who),
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_links_and_other_reports(d: D) -> None:
    first = d.report(perpetrator_known=True, perpetrator_reference=CLIENT_NUMBER, reference=None)
    second = d.report(categories=frozenset({Category.THREAT}))
    third = d.report()
    person = make_person(d, first)
    assert [x["incident_id"] for x in person["links"]] == [first]
    pid = person["id"]
    r = d.http.put(f"{API}/persons/{pid}/links/{second}", headers=d.h("lead"))
    assert r.status_code == 200, r.text
    linked = {x["incident_id"]: x for x in r.json()["links"]}
    assert set(linked) == {first, second}
    assert linked[second]["categories"] == ["threat"]
    assert linked[second]["reference"]
    # Linking again changes nothing.
    r = d.http.put(f"{API}/persons/{pid}/links/{second}", headers=d.h("lead"))
    assert len(r.json()["links"]) == 2
    # The people of a report, with their other linked reports.
    r = d.http.get(f"{API}/persons", params={"incident_id": second}, headers=d.h("lead"))
    assert [p["id"] for p in r.json()] == [pid]
    assert (
        d.http.get(f"{API}/persons", params={"incident_id": third}, headers=d.h("lead")).json()
        == []
    )
    # Search by name and by identifier (spaces and case do not matter).
    for q in ("pieter", "k 4711", "K4711"):
        r = d.http.get(f"{API}/persons", params={"q": q}, headers=d.h("lead"))
        assert [p["id"] for p in r.json()] == [pid], q
    assert d.http.get(f"{API}/persons", params={"q": "jansen"}, headers=d.h("lead")).json() == []
    r = d.http.delete(f"{API}/persons/{pid}/links/{first}", headers=d.h("lead"))
    assert [x["incident_id"] for x in r.json()["links"]] == [second]
    assert (
        d.http.delete(f"{API}/persons/{pid}/links/{first}", headers=d.h("lead")).status_code == 404
    )
    # The team lead of the other site and a coordinator.
    assert d.http.get(f"{API}/persons/{pid}", headers=d.h("lead_b")).status_code == 404
    assert (
        d.http.put(f"{API}/persons/{pid}/links/{third}", headers=d.h("lead_b")).status_code == 404
    )
    assert d.http.get(f"{API}/persons", params={"q": "piet"}, headers=d.h("lead_b")).json() == []
    assert d.http.get(f"{API}/persons/{pid}", headers=d.h("coord")).json()["display_name"] == NAME
    # Unknown report, malformed input: 4xx, never 500.
    assert (
        d.http.put(f"{API}/persons/{pid}/links/{uuid7()}", headers=d.h("lead")).status_code == 404
    )
    bad = d.http.post(
        f"{API}/persons", json={"display_name": "  ", "identifiers": {}}, headers=d.h("lead")
    )
    assert bad.status_code == 422
    nul = d.http.post(f"{API}/persons", json={"display_name": "a\x00b"}, headers=d.h("lead"))
    assert nul.status_code == 422


def test_activation_names_what_is_missing(d: D) -> None:
    pid = make_person(d)["id"]
    r = d.http.post(
        f"{API}/persons/{pid}/signaleringen",
        json={"measure": "appointment_only", "counter_text": COUNTER},
        headers=d.h("lead"),
    )
    assert r.status_code == 201, r.text
    sig = r.json()
    assert sig["state"] == "proposed"
    assert set(sig["missing"]) == {
        "reason",
        "period_start",
        "period_end",
        "decided_by",
        "decided_on",
        "informed_on",
        "informed_how",
    }
    url = f"{API}/persons/{pid}/signaleringen/{sig['id']}"
    r = d.http.post(f"{url}/state", json={"state": "active"}, headers=d.h("lead"))
    assert r.status_code == 400
    message = r.json()["detail"]
    for words in (
        "the reason",
        "the start of the period",
        "the end of the period",
        "who decided",
        "the date of the decision",
        "the date the person was informed",
        "how the person was informed",
    ):
        assert words in message
    assert "the text shown at the counter" not in message
    # Still nothing at the counter.
    assert d.http.get(
        f"{API}/measures", params={"identifier": CLIENT_NUMBER}, headers=d.h("emp")
    ).json() == {"measures": []}
    # Half complete: only what is still missing is named.
    r = d.http.put(url, json=complete(informed_on=None, informed_how=None), headers=d.h("lead"))
    assert r.status_code == 200 and r.json()["missing"] == ["informed_on", "informed_how"]
    r = d.http.post(f"{url}/state", json={"state": "active"}, headers=d.h("lead"))
    assert r.status_code == 400
    assert r.json()["detail"].endswith(
        "missing: the date the person was informed, how the person was informed"
    )
    # A period that ends before it starts is refused too.
    today = date.today()
    r = d.http.put(
        url,
        json=complete(period_end=(today - timedelta(days=5)).isoformat()),
        headers=d.h("lead"),
    )
    assert r.json()["missing"] == ["period_order"]
    r = d.http.put(url, json=complete(), headers=d.h("lead"))
    assert r.json()["missing"] == []
    r = d.http.post(f"{url}/state", json={"state": "active"}, headers=d.h("lead"))
    assert r.status_code == 200 and r.json()["state"] == "active", r.text
    # An active one stays complete.
    r = d.http.put(url, json=complete(reason=""), headers=d.h("lead"))
    assert r.status_code == 400 and "the reason" in r.json()["detail"]
    r = d.http.post(f"{url}/state", json={"state": "proposed"}, headers=d.h("lead"))
    assert r.status_code == 409
    r = d.http.post(f"{url}/state", json={"state": "ended"}, headers=d.h("lead"))
    assert r.json()["state"] == "ended"
    assert d.http.put(url, json=complete(), headers=d.h("lead")).status_code == 409
    r = d.http.post(f"{url}/state", json={"state": "bogus"}, headers=d.h("lead"))
    assert r.status_code == 422


def test_counter_hears_only_active_measures(d: D) -> None:
    incident = d.report(perpetrator_known=True, perpetrator_reference=CLIENT_NUMBER)
    pid = make_person(d, incident)["id"]
    sigs = {}
    for name, body in {
        "active": complete(),
        "proposed": complete(counter_text="Voorgesteld: toegangsverbod"),
        "expired": complete(
            counter_text="Verlopen maatregel",
            period_start=(date.today() - timedelta(days=400)).isoformat(),
            period_end=(date.today() - timedelta(days=30)).isoformat(),
        ),
        "ended": complete(measure="access_ban", counter_text="Beëindigd toegangsverbod"),
    }.items():
        r = d.http.post(f"{API}/persons/{pid}/signaleringen", json=body, headers=d.h("lead"))
        sigs[name] = r.json()["id"]
    for name in ("active", "expired", "ended"):
        r = d.http.post(
            f"{API}/persons/{pid}/signaleringen/{sigs[name]}/state",
            json={"state": "active"},
            headers=d.h("lead"),
        )
        assert r.status_code == 200, r.text
    d.http.post(
        f"{API}/persons/{pid}/signaleringen/{sigs['ended']}/state",
        json={"state": "ended"},
        headers=d.h("lead"),
    )
    before = len(d.audit())
    for who in ("emp", "ws", "sec", "lead", "coord"):
        r = d.http.get(f"{API}/measures", params={"identifier": "k-4711 "}, headers=d.h(who))
        assert r.status_code == 200, (who, r.text)
        assert r.headers["cache-control"] == "no-store"
        body = r.json()
        assert [m["counter_text"] for m in body["measures"]] == [COUNTER], who
        assert set(body["measures"][0]) == {"measure", "counter_text", "until"}
        text = r.text
        for secret in (NAME, DESCRIPTION, "Drie keer", "M. de Boer", incident, pid):
            assert secret not in text, (who, secret)
    # Another site's employee, an unknown identifier, part of one: nothing.
    for who, ident in (("emp_b", CLIENT_NUMBER), ("emp", "K-47"), ("emp", "4711x")):
        r = d.http.get(f"{API}/measures", params={"identifier": ident}, headers=d.h(who))
        assert r.json() == {"measures": []}
    assert (
        d.http.get(f"{API}/measures", params={"identifier": ""}, headers=d.h("emp")).status_code
        == 422
    )
    assert d.http.get(f"{API}/measures", params={"identifier": CLIENT_NUMBER}).status_code == 401
    # Each shown measure is one audit row naming the person and who asked.
    shown = [a for a in d.audit()[before:] if a.action == "dossier.measure_shown"]
    assert len(shown) == 5
    assert all(names_person(a, pid) for a in shown)


def test_only_reviewers_use_the_dossier(d: D) -> None:
    incident = d.report(perpetrator_known=True, perpetrator_reference=CLIENT_NUMBER)
    person = make_person(d, incident)
    pid = person["id"]
    sid = d.http.post(
        f"{API}/persons/{pid}/signaleringen", json=complete(), headers=d.h("lead")
    ).json()["id"]
    routes: list[tuple[str, str, Any]] = [
        ("GET", f"{API}/persons", None),
        ("GET", f"{API}/persons?q=piet", None),
        ("GET", f"{API}/persons?incident_id={incident}", None),
        ("POST", f"{API}/persons", {"display_name": "X"}),
        ("GET", f"{API}/persons/{pid}", None),
        ("PATCH", f"{API}/persons/{pid}", {"description": "x"}),
        ("PUT", f"{API}/persons/{pid}/links/{incident}", None),
        ("DELETE", f"{API}/persons/{pid}/links/{incident}", None),
        ("POST", f"{API}/persons/{pid}/signaleringen", complete()),
        ("PUT", f"{API}/persons/{pid}/signaleringen/{sid}", complete()),
        ("POST", f"{API}/persons/{pid}/signaleringen/{sid}/state", {"state": "active"}),
    ]
    before = len(d.audit())
    for who in ("emp", "ws", "sec", "admin", "peer"):
        for method, url, body in routes:
            r = d.http.request(method, url, json=body, headers=d.h(who))
            assert r.status_code == 403, (who, method, url, r.status_code)
            for secret in (NAME, DESCRIPTION, CLIENT_NUMBER):
                assert secret not in r.text
    # The other site's team lead: 404 on everything of this person, nothing in lists.
    for method, url, body in routes[4:]:
        r = d.http.request(method, url, json=body, headers=d.h("lead_b"))
        assert r.status_code == 404, (method, url, r.status_code)
    assert d.http.get(f"{API}/persons", headers=d.h("lead_b")).json() == []
    r = d.http.get(f"{API}/persons?incident_id={incident}", headers=d.h("lead_b"))
    assert r.status_code == 404
    # Refused requests leave no audit rows except lead_b's empty list read.
    after = d.audit()[before:]
    assert [a.action for a in after] == ["dossier.persons_read"]
    # Nothing of the dossier travels through sync to an employee or the station.
    for who in ("emp", "ws", "sec"):
        r = d.http.get(f"{API}/sync/pull?cursor=0", headers=d.h(who))
        assert NAME not in r.text and DESCRIPTION not in r.text


def test_every_read_and_change_is_audited_once(d: D) -> None:
    incident = d.report()
    other = d.report()
    start = len(d.audit())
    steps: list[tuple[str, str, str, Any, str]] = []
    pid = make_person(d, incident)["id"]
    steps.append(("", "", "", None, "dossier.person_created"))

    def do(method: str, url: str, body: Any, action: str) -> httpx.Response:
        r = d.http.request(method, API + url, json=body, headers=d.h("lead"))
        assert r.status_code < 300, r.text
        steps.append((method, url, "", body, action))
        return r

    do("GET", f"/persons/{pid}", None, "dossier.person_read")
    do("GET", f"/persons?incident_id={incident}", None, "dossier.persons_read")
    do("PATCH", f"/persons/{pid}", {"description": "Nieuw"}, "dossier.person_changed")
    do("PUT", f"/persons/{pid}/links/{other}", None, "dossier.linked")
    do("DELETE", f"/persons/{pid}/links/{other}", None, "dossier.unlinked")
    sid = do("POST", f"/persons/{pid}/signaleringen", complete(), "dossier.signalering_proposed")
    url = f"/persons/{pid}/signaleringen/{sid.json()['id']}"
    do("PUT", url, complete(), "dossier.signalering_changed")
    do("POST", url + "/state", {"state": "active"}, "dossier.signalering_active")
    do("POST", url + "/state", {"state": "ended"}, "dossier.signalering_ended")
    rows = d.audit()[start:]
    assert [a.action for a in rows] == [s[-1] for s in steps]
    lead_id = d.live.world.users["lead"]
    assert all(a.user_id == lead_id for a in rows)
    assert all(names_actor(a, "lead") for a in rows)
    assert rows[0].incident_id == uuid.UUID(incident)
    assert rows[4].incident_id == uuid.UUID(other)
    assert sum(names_person(a, pid) for a in rows) == len(rows) - 1  # the list read: none
