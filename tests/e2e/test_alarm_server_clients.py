"""The alarm end to end with a REAL server (SQLite) and REAL client processes: each station is
alarm_station.py --app, built by AppContext.open like the client (Session, SyncEngine, the
server alarm path on its own stream, the LAN beacon), enrolled with a one-time code, with
the pop-up and the sender's indicator on an offscreen QApplication.

(a) raise -> pop-up at every other station -> "Ik kom eraan" -> the sender sees one
    colleague on the way -> resolve clears everywhere; the server's log has it all;
    packets forged or replayed on the LAN afterwards are ignored;
(b) the server SIGKILLed before the press: the LAN still delivers and carries the
    acknowledgement; after a restart the server learns the alarm and the acknowledgement;
(b') an alarm raised, answered and resolved over the LAN while the server was down reaches
    the server's log whole once it is back (reported by the sender, told to nobody);
(c) two stations on the server path only each count one colleague (not themselves); a test
    alarm's log says who got it and how fast; a station that connects late still gets the
    open alarm; an escalation reaches the stations and shows on pop-up and indicator.

Network: 127.0.0.1 only; the LAN is multicast on the loopback interface with TTL 1.
"""

from __future__ import annotations

import base64
import socket
import struct
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from tests.e2e.drivers.sync_kit import PASSWORD, Site, admin, login, setup_site
from tests.support.net import LOOPBACK, free_udp_port, random_group
from tests.support.processes import JsonLinesProcess
from tests.support.server import RunningServer, running_server
from tests.support.waiting import wait_until, wait_until_matches
from veiligbalie.protocol import lan

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

DRIVER = Path(__file__).resolve().parent / "drivers" / "alarm_station.py"
LEAD = ("tlead", "Tom Leider", "team_lead")
T = TypeVar("T")


class AppStation(JsonLinesProcess):
    """One alarm_station.py --app process; its stderr goes to a file for failure reports."""

    def __init__(self, name: str, folder: Path, network: tuple[int, str] | None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        args = ["--app", "--data-dir", str(folder), "--name", name]
        if network is not None:
            args += ["--port", str(network[0]), "--group", network[1]]
        self.stderr_path = folder / "driver.err"
        self._stderr = open(self.stderr_path, "wb")  # noqa: SIM115 - handed to the child
        super().__init__(name, DRIVER, args, stderr=self._stderr)
        self.station_id = ""

    def until(self, condition: Callable[[], T], timeout: float, what: str) -> T:
        """wait_until, but fail at once, with the driver's stderr, when the station exits."""

        def check() -> T:
            result = condition()
            if not result and self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.tail()}")
            return result

        return wait_until(
            check,
            timeout,
            interval=0.02,
            what=f"{self.name}: {what}",
            detail=lambda: f"{self.snapshot()[-5:]}\n{self.tail()}",
        )

    def wait(self, event: str, timeout: float = 10, **fields: object) -> dict[str, Any]:
        return self.until(lambda: self.find(event, **fields), timeout, event)[0]

    def ask(self, line: str, answer: str, timeout: float = 10) -> dict[str, Any]:
        """Send a command; the first ``answer`` event after it."""
        before = len(self.find(answer))
        self.command(line)
        self.until(lambda: len(self.find(answer)) > before, timeout, answer)
        return self.find(answer)[before]

    def until_status(self, check: Callable[[dict[str, Any]], bool], timeout: float = 15) -> dict:
        """Ask for the status until ``check`` holds (paths connect in the background)."""
        return wait_until_matches(
            lambda: self.ask("status", "status"),
            check,
            timeout,
            interval=0.1,
            what=f"{self.name}: status to match",
            detail=self.tail,
        )

    def tail(self) -> str:
        return self.stderr_path.read_text(errors="replace")[-3000:]

    def stop(self, timeout: float = 10) -> int:
        try:
            return super().stop(timeout)
        finally:
            self._stderr.close()


class Office:
    """A real server with one site, its workstation codes, and the stations started."""

    def __init__(self, server: RunningServer, site: Site, folder: Path) -> None:
        self.server = server
        self.site = site
        self.folder = folder
        self.network = (
            free_udp_port(),
            random_group(),
        )
        self.stations: list[AppStation] = []
        self._codes = list(site.codes)

    def start(self, name: str, *, on_lan: bool = True) -> AppStation:
        station = AppStation(name, self.folder / name, self.network if on_lan else None)
        self.stations.append(station)
        return station

    def enrol(self, station: AppStation) -> None:
        station.wait("ready", 60)
        answer = station.ask(f"enrol {self.server.base_url} {self._codes.pop(0)}", "enrolled", 30)
        assert answer["ok"], answer
        station.station_id = answer["station_id"]

    def started(self, *names: str, on_lan: bool = True) -> list[AppStation]:
        """Start the processes together (they import in parallel), then enrol each."""
        stations = [self.start(name, on_lan=on_lan) for name in names]
        for station in stations:
            self.enrol(station)
        return stations

    def lead_token(self) -> str:
        return login(self.server, LEAD[0])

    def detail(self, alarm_id: str, token: str) -> dict[str, Any] | None:
        answer = httpx.get(
            f"{self.server.base_url}/api/v1/alarms/{alarm_id}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        if answer.status_code == 404:
            return None
        answer.raise_for_status()
        return dict(answer.json())

    def lan_secrets(self) -> tuple[bytes, str]:
        """The site's LAN key and site id, as a workstation gets them at enrolment (the
        test enrols one more workstation by HTTP to tap and forge on the LAN)."""
        answer = httpx.post(
            f"{self.server.base_url}/api/v1/enroll",
            json={"code": self._codes.pop(), "device_name": "test tap"},
            timeout=10,
        )
        answer.raise_for_status()
        body = answer.json()
        return base64.b64decode(body["lan_key"]), str(body["site_id"])

    def stop(self) -> None:
        for station in self.stations:
            station.stop()


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    with running_server(url, env={"VEILIGBALIE_SERVER_PING_SECONDS": "2"}) as server:
        site = setup_site(server, workstations=4, users=(LEAD,))
        made = Office(server, site, tmp_path)
        try:
            yield made
        finally:
            made.stop()


def both_paths(others: list[AppStation]) -> Callable[[dict[str, Any]], bool]:
    """The status check: LAN and server connected, and exactly ``others`` reachable."""
    ids = sorted(o.station_id for o in others)

    def check(status: dict[str, Any]) -> bool:
        return (
            status["paths"] == {"lan": True, "server": True}
            and sorted(status["stations"]["lan"]) == ids
            and sorted(status["stations"]["server"]) == ids
            and status["reachable"] == len(ids)
        )

    return check


def capture(tap: socket.socket, key: bytes, site_id: str, alarm_id: str) -> bytes:
    """The sender's first copy of the alarm as it crossed the loopback group."""
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        try:
            packet = tap.recv(65535)
        except TimeoutError:
            continue
        message = lan.decode(packet, key, lan.wall_clock_ms(), site_id=site_id)
        if (
            str(message.alarm_id) == alarm_id
            and message.message_type is lan.MessageType.ALARM_RAISED
            and message.copy == 0
        ):
            return packet
    raise AssertionError("the alarm was not seen on the LAN")


def dropped(station: AppStation, reason: str) -> bool:
    return int(station.ask("stats", "stats").get(reason, 0)) >= 1


def log_kinds(detail: dict[str, Any]) -> list[str]:
    return [entry["kind"] for entry in detail["log"]]


def test_raise_ack_resolve_through_server_and_lan_then_forged_packets(office: Office) -> None:
    key, site_id = office.lan_secrets()
    sender, first, second = office.started("Balie 1", "Balie 2", "Balie 3")
    everyone = [sender, first, second]
    for station in everyone:
        # One id per station on both paths: each counts the other two, never itself.
        station.until_status(both_paths([s for s in everyone if s is not station]))

    # A tap on the loopback group, to capture a real packet for the replay below.
    port, group = office.network
    tap = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    injector = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        tap.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        tap.bind(("", port))
        membership = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton(LOOPBACK))
        tap.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
        tap.settimeout(0.05)
        injector.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(LOOPBACK))
        injector.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)

        pressed = time.monotonic()
        alarm_id = sender.ask("raise silent aggression", "sent")["alarm_id"]
        for station in (first, second):
            raised = station.wait("raised", 3, alarm_id=alarm_id)
            assert (
                raised["mine"] is False and raised["station"] == "balie-1"
            )  # the name the administrator gave it
            assert raised["location"] == "Balie 1"  # the location the administrator set
        assert time.monotonic() - pressed < 3.0
        captured = capture(tap, key, site_id, alarm_id)
        for station in (first, second):
            status = station.until_status(lambda s: alarm_id in s["popup"]["cards"], 5)
            assert status["popup"]["visible"] is True
            assert len(station.find("raised", alarm_id=alarm_id)) == 1  # both paths, shown once

        first.command(f"ack {alarm_id}")
        update = sender.wait("updated", 5, alarm_id=alarm_id, responding=1)
        assert update["responders"] == ["Collega Balie 2"] and update["state"] == "acknowledged"
        status = sender.until_status(lambda s: "1 colleague" in s["indicator"], 5)
        assert status["indicator"].startswith("Alarm sent")
        second.wait("updated", 5, alarm_id=alarm_id, responding=1)  # the others see it too

        sender.command(f"resolve {alarm_id}")
        for station in (first, second):
            closed = station.wait("closed", 5, alarm_id=alarm_id)
            assert closed["state"] == "resolved"
            status = station.until_status(lambda s: s["popup"]["cards"] == [], 5)
            assert status["open"] == []

        token = office.lead_token()
        wait_until(
            lambda: (
                {"raised", "delivered", "acknowledged", "resolved"}
                <= set(log_kinds(office.detail(alarm_id, token) or {"log": []}))
            ),
            10,
            what="the server's alarm log",
        )
        detail = office.detail(alarm_id, token)
        assert detail is not None and detail["alarm"]["state"] == "resolved"
        delivered = [e for e in detail["log"] if e["kind"] == "delivered"]
        reached = {s["station_id"] for e in delivered for s in e["data"]["stations"]}
        assert reached == {first.station_id, second.station_id}
        (ack,) = [e for e in detail["log"] if e["kind"] == "acknowledged"]
        assert ack["station_id"] == first.station_id and ack["actor"] == "Collega Balie 2"

        # Forged (another key) and replayed (the sender's real packet again) are dropped.
        forged_id = uuid.uuid4()
        forged = lan.encode(
            lan.new_message(site_id, uuid.uuid4(), lan.MessageType.ALARM_RAISED, forged_id, {}),
            lan.generate_key(),
        )
        counts = {s.name: len(s.snapshot()) for s in (first, second)}
        injector.sendto(captured, (group, port))
        injector.sendto(forged, (group, port))
        for station in (first, second):
            station.until(
                lambda s=station: dropped(s, "replayed") and dropped(s, "bad_signature"),
                5,
                "to drop the injected packets",
            )
            news = [
                e
                for e in station.snapshot()[counts[station.name] :]
                if e["event"] not in ("stats", "reachable")
            ]
            assert news == []  # nothing shown, nothing printed
            assert station.find("raised", alarm_id=str(forged_id)) == []
    finally:
        tap.close()
        injector.close()


def test_server_killed_before_the_press_learns_alarm_and_ack_after_restart(office: Office) -> None:
    sender, first, second = office.started("Balie 1", "Balie 2", "Balie 3")
    everyone = [sender, first, second]
    for station in everyone:
        station.until_status(both_paths([s for s in everyone if s is not station]))

    office.server.kill()  # SIGKILL: no goodbye to the streams
    for station in everyone:
        station.until_status(lambda s: s["paths"] == {"lan": True, "server": False}, 10)

    alarm_id = sender.ask("raise open medical", "sent")["alarm_id"]
    for station in (first, second):
        raised = station.wait("raised", 3, alarm_id=alarm_id)
        assert raised["kind"] == "open" and raised["type"] == "medical"
    first.command(f"ack {alarm_id}")
    sender.wait("updated", 3, alarm_id=alarm_id, responding=1)
    assert "server" not in {e["path"] for e in sender.ask(f"log {alarm_id}", "log")["entries"]}

    office.server.start()  # same port, same database
    for station in everyone:
        station.until_status(lambda s: s["paths"]["server"] is True, 15)
    token = office.lead_token()

    def learned() -> bool:
        detail = office.detail(alarm_id, token)
        return detail is not None and [r["station_id"] for r in detail["alarm"]["responders"]] == [
            first.station_id
        ]

    wait_until(learned, 15, what="the server to learn the alarm and the acknowledgement")
    detail = office.detail(alarm_id, token)
    assert detail is not None
    alarm = detail["alarm"]
    assert alarm["state"] == "acknowledged" and alarm["kind"] == "open"
    assert alarm["station_id"] == sender.station_id and alarm["type"] == "medical"
    assert alarm["responders"][0]["responder"] == "Collega Balie 2"
    kinds = log_kinds(detail)
    assert kinds.count("raised") == 1 and kinds.count("acknowledged") == 1

    sender.command(f"resolve {alarm_id}")
    wait_until(
        lambda: (
            (office.detail(alarm_id, token) or {"alarm": {}})["alarm"].get("state") == "resolved"
        ),
        10,
        what="the resolve to reach the server",
    )
    for station in (first, second):
        assert station.wait("closed", 5, alarm_id=alarm_id)["state"] == "resolved"


def test_an_alarm_over_while_the_server_was_down_reaches_its_log_after_restart(
    office: Office,
) -> None:
    """Raised, answered and resolved over the LAN while the server was down: when it is
    back, the sender reports the whole alarm (not shown to anyone again, not escalated)."""
    sender, colleague = office.started("Balie 1", "Balie 2")
    for station in (sender, colleague):
        station.until_status(both_paths([s for s in (sender, colleague) if s is not station]))
    office.server.kill()
    for station in (sender, colleague):
        station.until_status(lambda s: s["paths"] == {"lan": True, "server": False}, 10)

    alarm_id = sender.ask("raise silent aggression", "sent")["alarm_id"]
    colleague.wait("raised", 3, alarm_id=alarm_id)
    colleague.command(f"ack {alarm_id}")
    sender.wait("updated", 3, alarm_id=alarm_id, responding=1)
    sender.command(f"resolve {alarm_id}")
    assert colleague.wait("closed", 5, alarm_id=alarm_id)["state"] == "resolved"

    office.server.start()
    token = office.lead_token()
    detail = wait_until(
        lambda: office.detail(alarm_id, token), 20, what="the server to hear of the alarm"
    )
    assert detail["alarm"]["state"] == "resolved"
    assert detail["alarm"]["station_id"] == sender.station_id
    assert [r["station_id"] for r in detail["alarm"]["responders"]] == [colleague.station_id]
    kinds = [k for k in log_kinds(detail) if k != "delivered"]
    assert kinds == ["raised", "acknowledged", "resolved"], kinds
    # Seconds of outage: within the clocks' tolerance, so on time (a long one: see
    # tests/gui/test_alarm_late_report.py), logged by the times the sender kept.
    assert detail["alarm"]["late"] is False
    assert not any(e["data"].get("late") for e in detail["log"])
    at = [datetime.fromisoformat(e["at"]) for e in detail["log"] if e["kind"] != "delivered"]
    assert at == sorted(at) and at[-1] - at[0] < timedelta(seconds=30)
    entries = sender.ask(f"log {alarm_id}", "log")["entries"]
    assert [e["data"] for e in entries if e["kind"] in ("stored", "close_stored")] == [{}, {}]
    # The colleague's station was not told again of an alarm that is over.
    assert len(colleague.find("raised", alarm_id=alarm_id)) == 1


def test_server_path_only_counts_colleagues_logs_a_test_alarm_and_serves_a_late_station(
    office: Office,
) -> None:
    sender, lead = office.started("Balie 1", "Balie 2", on_lan=False)
    answer = lead.ask(f"login {LEAD[0]} {PASSWORD}", "logged_in", 30)
    assert answer["ok"], answer
    lead.until_status(
        lambda s: s["session"] == {"identity": f"user:{LEAD[0]}", "sync_stream": True}
    )
    for station, other in ((sender, lead), (lead, sender)):
        # Each counts exactly the other one: its own id is the one the server lists it by.
        status = station.until_status(
            lambda s, o=other: s["stations"]["server"] == [o.station_id] and s["reachable"] == 1
        )
        assert status["paths"] == {"lan": False, "server": True}
        assert status["station_id"] not in status["stations"]["server"]

    # Level 1 only for security and team leads (a signed-in team lead hears it on the
    # user's stream), level 2 for everyone: the sender sees it on the indicator.
    admin(
        office.server,
        "escalation", "set", "--site", "Stadhuis",
        "--level", "0s:colleagues", "--level", "1s:security,team_lead",
        "--level", "2s:colleagues",
    )  # fmt: skip
    alarm_id = sender.ask("raise silent aggression test", "sent")["alarm_id"]
    raised = lead.wait("raised", 5, alarm_id=alarm_id)
    assert raised["test"] is True and raised["mine"] is False

    escalated = lead.wait("escalated", 10, alarm_id=alarm_id, escalation_level=1)
    assert escalated["escalated_to"] == ["security", "team_lead"]
    status = lead.until_status(lambda s: s["popup"]["escalation"] != [""], 5)
    assert status["popup"]["escalation"] == ["Security and team leads alerted"]
    # The sender hears every level, also the one told only to security and team leads.
    sender.wait("escalated", 10, alarm_id=alarm_id, escalation_level=1)
    sender.wait("escalated", 10, alarm_id=alarm_id, escalation_level=2)
    status = sender.until_status(lambda s: "alerted" in s["indicator"], 5)
    assert status["indicator"].startswith("TEST · Alarm sent")
    assert "All colleagues of the site alerted" in status["indicator"]

    lead.command(f"ack {alarm_id}")
    sender.wait("updated", 5, alarm_id=alarm_id, responding=1)

    # Who got the test alarm and how fast, in the sender's own log ...
    entries = sender.ask(f"log {alarm_id}", "log")["entries"]
    (delivered,) = [e for e in entries if e["kind"] == "delivered"]
    assert delivered["path"] == "server" and delivered["data"]["station_id"] == lead.station_id
    assert 0 <= delivered["data"]["after_ms"] < 5_000 and delivered["data"]["test"] is True
    (ack,) = [e for e in entries if e["kind"] == "acknowledged"]
    # The signed-in team lead answered: the person's name, not the workstation's setting.
    assert ack["actor"] == LEAD[1] and ack["data"]["station_id"] == lead.station_id
    assert ack["data"]["after_ms"] >= 2_000  # after the level-2 escalation
    assert [e["data"]["level"] for e in entries if e["kind"] == "escalated"] == [1, 2]
    # ... the receiver's (received, after how long) ...
    received = lead.ask(f"log {alarm_id}", "log")["entries"]
    (seen,) = [e for e in received if e["kind"] == "received"]
    assert seen["path"] == "server" and 0 <= seen["data"]["after_ms"] < 5_000
    # ... and the server's.
    token = office.lead_token()
    detail = office.detail(alarm_id, token)
    assert detail is not None and detail["alarm"]["test"] is True
    (raised_entry,) = [e for e in detail["log"] if e["kind"] == "raised"]
    # Enrolment made the workstation's server id the station's id on every path.
    assert raised_entry["workstation_id"] == raised_entry["station_id"] == sender.station_id
    wait_until(
        lambda: "delivered" in log_kinds(office.detail(alarm_id, token) or {"log": []}),
        5,
        what="the server's delivered entry",
    )
    detail = office.detail(alarm_id, token)
    assert detail is not None
    reached = [
        s["station_id"]
        for e in detail["log"]
        if e["kind"] == "delivered"
        for s in e["data"]["stations"]
    ]
    assert reached == [lead.station_id]
    assert [e["data"]["level"] for e in detail["log"] if e["kind"] == "escalated"] == [0, 1, 2]

    # A station that starts after the raise gets the open alarm on hello, with its responder.
    late = office.start("Balie 4", on_lan=False)
    office.enrol(late)
    raised = late.wait("raised", 10, alarm_id=alarm_id)
    assert raised["mine"] is False and raised["test"] is True
    late.wait("updated", 5, alarm_id=alarm_id, responding=1)
    status = late.until_status(lambda s: alarm_id in s["popup"]["cards"], 5)
    assert status["popup"]["visible"] is True

    sender.command(f"resolve {alarm_id}")
    for station in (lead, late):
        assert station.wait("closed", 5, alarm_id=alarm_id)["state"] == "resolved"
