"""Alarm fan-out on the server path: a real server process (SQLite), N stations simulated as
stream clients in a SEPARATE process (tests/bench/ws_stations.py: raw sockets on epoll, the
WebSocket protocol by hand, so the stations' own per-message cost stays small on the two
cores they share with the server), 100 alarms raised one after the other through
``POST /api/v1/alarms``.

Latency of one delivery = arrival at a station minus the moment just before the POST, both
read from ``time.monotonic()`` (CLOCK_MONOTONIC, one clock for every process on Linux).
Every station must get every alarm exactly once; otherwise the benchmark prints no figure
and exits non-zero.
Prints, for N = 500 and N = 2000::

    {"bench": "alarm_fanout", "stations": 500, "alarms": 100, "p50_ms": ..., "p99_ms": ...,
     "p99_last_ms": ..., "p50_first_ms": ..., "floor_p50_ms": ..., "floor_p99_ms": ...,
     "floor_first_ms": ..., "ratio_p99": ..., "first_over_floor_ms": ..., "path": "server"}

``p50_ms``/``p99_ms`` are over every (alarm, station) delivery; ``p99_last_ms`` is the p99
over alarms of the time until the LAST station had it, ``p50_first_ms`` the median until the
FIRST had it (the request's own path before the fan-out). The ``floor_*`` figures are the
same, measured in the same run with the same stations against a bare fan-out server
(tests/bench/floor_fanout.py: same uvicorn stack, no authentication, no database);
``ratio_p99`` is ``p99_ms`` over ``floor_p99_ms`` and ``first_over_floor_ms`` the first
station's median beyond the floor's. ``--stations``/``--alarms`` make a quick run.

A third line scales past one server: 4,000 stations split evenly over two real server
processes on ONE PostgreSQL (a throwaway cluster, durable as production runs it;
tests/support/postgres.py), each half in its own stations' process connected to its own
server's stream, the alarms POSTed to the two processes in turn (a site's sender may sit on
either, and each process then pays for half the requests and commits); beside it, in the
same run on the same cluster (a fresh database each), ONE server process with 2,000::

    {"bench": "alarm_fanout", "stations": 4000, "servers": 2, "backend": "postgresql",
     "alarms": 100, "post": "alternating", "p50_ms": ..., "p99_ms": ..., "p99_last_ms": ...,
     "p50_first_ms": ..., "p50_local_ms": ..., "p99_local_ms": ..., "p50_first_local_ms": ...,
     "p50_remote_ms": ..., "p99_remote_ms": ..., "p50_first_remote_ms": ...,
     "crossing_p50_ms": ..., "notify_p50_ms": ..., "commit_p50_ms": ...,
     "one_server_stations": 2000, "one_server_p50_ms": ..., "one_server_p99_ms": ...,
     "one_server_first_ms": ..., "ratio_to_one_server": ..., "path": "server"}

``local`` are the stations on the process that took the POST, ``remote`` those on the other
(the alarm crossed through PostgreSQL's NOTIFY); ``crossing_p50_ms`` is the first remote
station's median beyond the first local one's. ``notify_p50_ms`` (a bare ``pg_notify`` until
another connection has it) and ``commit_p50_ms`` (a bare insert + commit) are what the
crossing cannot go below on this cluster. ``ratio_to_one_server`` is ``p99_ms`` over
``one_server_p99_ms``. Without PostgreSQL's binaries the line is skipped with a loud line on
stderr (exit 0). ``--pg-stations N`` sets its size (0: no such line), ``--servers`` the
number of processes; ``--stations`` with no number leaves out the SQLite lines.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from tests.support.net import free_tcp_port
from tests.support.postgres import MISSING_REASON, create_database, pg_bin_dir, postgres_cluster
from tests.support.server import ROOT, running_server
from tests.support.waiting import wait_until
from veiligbalie.core.ids import uuid7
from veiligbalie.server import admin, auth
from veiligbalie.server import schema as t
from veiligbalie.server.store import ServerStore

ALARMS = 100
SIZES = (500, 2000)
#: The stations split over SERVERS server processes on one PostgreSQL (the third line).
SERVERS_STATIONS = 4000
SERVERS = 2
#: Processes the stations are spread over (the lean stations keep up in one).
CHILDREN = 1
#: Longest wait for the stations' processes to connect, and for one alarm to reach all.
CONNECT_SECONDS = 120.0
ALARM_SECONDS = 30.0


class BenchFailure(Exception):
    """The fan-out was wrong (a station missed, doubled or lost something): no figure."""


def seed(store: ServerStore, stations: int) -> tuple[str, list[str]]:
    """A site with ``stations`` enrolled workstations (tokens) and one sender; bulk inserts."""
    admin.create_organisation(store, "Gemeente Bench", "Postbus 1, 1000 AA Bench")
    site = admin.create_site(store, "Centrum")
    now = datetime.now(UTC)
    tokens: list[str] = []
    with store.write() as conn:
        rows = [
            {
                "id": uuid7(),
                "site_id": site.id,
                "name": f"balie{i:04d}",
                "location": f"Balie {i}",
                "enrolled_at": now,
                "created_at": now,
            }
            for i in range(stations + 1)
        ]
        conn.execute(sa.insert(t.workstations), rows)
        for row in rows:
            token, _ = auth.issue_token(
                conn, "workstation", timedelta(days=1), workstation_id=row["id"]
            )
            tokens.append(token)
    return tokens[0], tokens[1:]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Child:
    """One process of stations, read line by line with a deadline."""

    def __init__(self, ws_host: str, port: int, token_file: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.ws_stations", ws_host, str(port), str(token_file)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.proc.stdout is not None
        self.fd = self.proc.stdout.fileno()
        self.buf = b""

    def line(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(self.fd, selectors.EVENT_READ)
            while b"\n" not in self.buf:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise BenchFailure(f"stations silent for {timeout:.0f} s")
                data = os.read(self.fd, 1 << 20)
                if not data:
                    raise BenchFailure(f"stations' process ended (exit {self.proc.wait()})")
                self.buf += data
        line, _, self.buf = self.buf.partition(b"\n")
        text = line.decode()
        if text.startswith("ERROR"):
            raise BenchFailure(f"stations: {text}")
        return text

    def tell(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


@contextmanager
def floor_server() -> Iterator[int]:
    """The bare fan-out server (tests/bench/floor_fanout.py) on a free port."""
    port = free_tcp_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.floor_fanout", str(port)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    try:

        def answers() -> bool:
            if proc.poll() is not None:
                raise BenchFailure(f"floor server ended (exit {proc.returncode})")
            try:
                return httpx.get(f"http://127.0.0.1:{port}/", timeout=1.0).status_code == 404
            except httpx.HTTPError:
                return False

        wait_until(answers, 30, what="the floor server to answer")
        yield port
    finally:
        proc.kill()
        proc.wait()


def measure(port: int, sender: str, tokens: list[str], tmp: Path, children: int) -> dict[str, Any]:
    """Connect the stations to the server on ``port`` (spread over ``children`` processes),
    raise ALARMS alarms one after the other and return the latency figures (every station
    must get every alarm once)."""
    groups = [(port, tokens[i::children]) for i in range(children)]
    return measure_groups(groups, [port], sender, tmp)


def measure_groups(
    groups: list[tuple[int, list[str]]], post_ports: list[int], sender: str, tmp: Path
) -> dict[str, Any]:
    """One stations' process per ``(port, tokens)`` group, each connected to the server on its
    port; the alarms are POSTed to ``post_ports`` in turn. With more than one server the
    figures are also split by where a station sits: on the process that took the POST
    (``local``) or on another one (``remote``: the alarm crossed through PostgreSQL)."""
    stations = sum(len(part) for _, part in groups)
    procs: list[Child] = []
    try:
        for i, (port, part) in enumerate(groups):
            token_file = tmp / f"tokens{port}-{i}.json"
            token_file.write_text(json.dumps(part))
            procs.append(Child("127.0.0.1", port, token_file))
        for child, (_, part) in zip(procs, groups, strict=True):
            if child.line(CONNECT_SECONDS) != f"READY {len(part)}":
                raise BenchFailure("stations did not all connect")
        # Let the debounced online-stations lists settle before timing.
        time.sleep(max(2.0, stations / 200 + 1.5))
        for child in procs:
            child.tell("mark")
        sent: dict[str, float] = {}
        via: dict[str, int] = {}
        clients = [httpx.Client(base_url=f"http://127.0.0.1:{p}", timeout=30) for p in post_ports]
        try:
            headers = {"Authorization": f"Bearer {sender}"}
            for n in range(ALARMS):
                http = clients[n % len(clients)]
                alarm_id = str(uuid.uuid4())
                body = {"id": alarm_id, "test": True}
                start = time.monotonic()
                r = http.post("/api/v1/alarms", json=body, headers=headers)
                sent[alarm_id] = start
                via[alarm_id] = post_ports[n % len(post_ports)]
                r.raise_for_status()
                for child in procs:
                    done = child.line(ALARM_SECONDS)
                    if done != f"DONE {alarm_id}":
                        raise BenchFailure(f"unexpected from stations: {done!r}")
                time.sleep(0.05)
        finally:
            for http in clients:
                http.close()
        arrivals: dict[str, list[float]] = {}
        kernel: dict[str, list[float]] = {}
        #: (alarm id, True when the station sits on the server that took the POST) -> times
        where: dict[tuple[str, bool], list[float]] = {}
        online = messages = 0
        cpu = user = 0.0
        for child, (port, _) in zip(procs, groups, strict=True):
            child.tell("report")
            report = json.loads(child.line(ALARM_SECONDS))
            online += report["online"]
            messages += report["messages"]
            cpu += report["cpu"]
            user += report["user"]
            for alarm_id, times in report["arrivals"].items():
                arrivals.setdefault(alarm_id, []).extend(times)
                local = via.get(alarm_id) == port
                where.setdefault((alarm_id, local), []).extend(times)
            for alarm_id, times in report["kernel"].items():
                kernel.setdefault(alarm_id, []).extend(times)
    finally:
        for child in procs:
            child.stop()
    check(sent, arrivals, stations)
    print(
        f"stations: {messages} messages ({online} online lists), "
        f"{cpu / max(1, messages) * 1e6:.1f} us of CPU each "
        f"({user / max(1, messages) * 1e6:.1f} us in Python, the rest in the kernel)",
        file=sys.stderr,
    )
    every = [(at - sent[a]) * 1000 for a, times in arrivals.items() for at in times]
    last = [(max(times) - sent[a]) * 1000 for a, times in arrivals.items()]
    first = [(min(times) - sent[a]) * 1000 for a, times in arrivals.items()]
    # The same from the kernel's receive stamps, when every delivery had one.
    wire = [(at - sent[a]) * 1000 for a, times in kernel.items() for at in times]
    figures = {
        "p50_ms": round(statistics.median(every), 2),
        "p99_ms": round(percentile(every, 99), 2),
        "p99_last_ms": round(percentile(last, 99), 2),
        "p50_first_ms": round(statistics.median(first), 2),
    }
    if len(wire) == len(every):
        figures["p50_rx_ms"] = round(statistics.median(wire), 2)
        figures["p99_rx_ms"] = round(percentile(wire, 99), 2)
    if len({port for port, _ in groups}) > 1:
        for local, name in ((True, "local"), (False, "remote")):
            part = {a: ts for (a, here), ts in where.items() if here is local}
            times_ms = [(at - sent[a]) * 1000 for a, ts in part.items() for at in ts]
            figures[f"p50_{name}_ms"] = round(statistics.median(times_ms), 2)
            figures[f"p99_{name}_ms"] = round(percentile(times_ms, 99), 2)
            figures[f"p50_first_{name}_ms"] = round(
                statistics.median([(min(ts) - sent[a]) * 1000 for a, ts in part.items()]), 2
            )
    return figures


def run(stations: int, children: int = CHILDREN) -> dict[str, Any]:
    """The real server, then the floor with the same stations, in one run."""
    with tempfile.TemporaryDirectory(prefix="vb-bench-fanout-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'server.sqlite3'}"
        store = ServerStore(url)
        sender, tokens = seed(store, stations)
        store.close()
        env = {"VEILIGBALIE_SERVER_PING_SECONDS": "300"}
        with running_server(url, env=env) as server:
            real = measure(server.port, sender, tokens, Path(tmp), children)
        with floor_server() as port:
            floor = measure(port, sender, tokens, Path(tmp), children)
    return {
        "bench": "alarm_fanout",
        "stations": stations,
        "alarms": ALARMS,
        **real,
        "floor_p50_ms": floor["p50_ms"],
        "floor_p99_ms": floor["p99_ms"],
        "floor_first_ms": floor["p50_first_ms"],
        "ratio_p99": round(real["p99_ms"] / floor["p99_ms"], 2),
        "ratio_p50": round(real["p50_ms"] / floor["p50_ms"], 2),
        "first_over_floor_ms": round(real["p50_first_ms"] - floor["p50_first_ms"], 2),
        "path": "server",
    }


def notify_floor(admin_url: str, rounds: int = 100) -> dict[str, float]:
    """The bare cost of the crossing on this cluster, from this process: a ``pg_notify`` on
    one connection until another connection, listening, has it (p50); and an insert with
    its commit on the durable cluster (p50), which a note sent after the commit waits for."""
    import psycopg
    from sqlalchemy.engine import make_url

    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    trips: list[float] = []
    commits: list[float] = []
    with (
        psycopg.connect(dsn, autocommit=True) as listener,
        psycopg.connect(dsn, autocommit=True) as notifier,
    ):
        listener.execute("LISTEN vb_bench_floor")
        notifier.execute("CREATE TEMP TABLE floor_rows (id int)")
        for n in range(rounds):
            start = time.monotonic()
            notifier.execute("SELECT pg_notify('vb_bench_floor', %s)", (str(n),))
            got = [m.payload for m in listener.notifies(timeout=5.0, stop_after=1)]
            if got != [str(n)]:
                raise BenchFailure(f"bare NOTIFY {n} not received: {got}")
            trips.append((time.monotonic() - start) * 1000)
            start = time.monotonic()
            with notifier.transaction():
                notifier.execute("INSERT INTO floor_rows VALUES (%s)", (n,))
            commits.append((time.monotonic() - start) * 1000)
    return {
        "notify_p50_ms": round(statistics.median(trips), 2),
        "commit_p50_ms": round(statistics.median(commits), 2),
    }


def run_servers(stations: int, servers: int, children: int = CHILDREN) -> dict[str, Any] | None:
    """``stations`` split evenly over ``servers`` real server processes on one (durable)
    PostgreSQL, the alarms POSTed to each process in turn; beside it, in the same run on the
    same cluster, ONE server process with ``stations // servers`` stations. None (and a loud
    line on stderr) without PostgreSQL's binaries."""
    if pg_bin_dir() is None:
        print(f"alarm_fanout over {servers} servers SKIPPED: {MISSING_REASON}", file=sys.stderr)
        return None
    one = stations // servers
    env = {"VEILIGBALIE_SERVER_PING_SECONDS": "300"}
    with (
        tempfile.TemporaryDirectory(prefix="vb-bench-fanout-pg-") as tmp,
        postgres_cluster(durable=True) as admin_url,
    ):
        url = create_database(admin_url)
        sender, tokens = seed_database(url, one)
        with running_server(url, env=env) as server:
            single = measure(server.port, sender, tokens, Path(tmp), children)
        url = create_database(admin_url)
        sender, tokens = seed_database(url, stations)
        with ExitStack() as stack:
            procs = [stack.enter_context(running_server(url, env=env)) for _ in range(servers)]
            groups = [(srv.port, tokens[i::servers]) for i, srv in enumerate(procs)]
            multi = measure_groups(groups, [srv.port for srv in procs], sender, Path(tmp))
        floor = notify_floor(admin_url)
    return {
        "bench": "alarm_fanout",
        "stations": stations,
        "servers": servers,
        "backend": "postgresql",
        "alarms": ALARMS,
        "post": "alternating",
        **multi,
        "crossing_p50_ms": round(multi["p50_first_remote_ms"] - multi["p50_first_local_ms"], 2),
        **floor,
        "one_server_stations": one,
        "one_server_p50_ms": single["p50_ms"],
        "one_server_p99_ms": single["p99_ms"],
        "one_server_first_ms": single["p50_first_ms"],
        "ratio_to_one_server": round(multi["p99_ms"] / single["p99_ms"], 2),
        "path": "server",
    }


def seed_database(url: str, stations: int) -> tuple[str, list[str]]:
    store = ServerStore(url)
    try:
        return seed(store, stations)
    finally:
        store.close()


def raise_fd_limit(stations: int) -> None:
    """Every station is a socket in the stations' process and one in a server's: raise this
    process's soft limit (the children inherit it) when it is short."""
    need = stations + 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < need:
        top = need if hard == resource.RLIM_INFINITY else min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (top, hard))
        if top < need:
            print(f"only {top} file descriptors for {stations} stations", file=sys.stderr)


def check(sent: dict[str, float], arrivals: dict[str, list[float]], stations: int) -> None:
    """Every alarm raised reached every station once (the stations' process refuses a second
    copy at one station), and nothing else arrived."""
    if set(arrivals) != set(sent):
        extra, missing = set(arrivals) - set(sent), set(sent) - set(arrivals)
        raise BenchFailure(f"alarms not raised arrived {extra or ''}; missing {missing or ''}")
    for alarm_id, times in arrivals.items():
        if len(times) != stations:
            raise BenchFailure(f"alarm {alarm_id} reached {len(times)} of {stations} stations")
        if min(times) < sent[alarm_id]:
            raise BenchFailure(f"alarm {alarm_id} arrived before it was raised")


def main(argv: list[str]) -> int:
    global ALARMS
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--children", type=int, default=CHILDREN)
    parser.add_argument("--alarms", type=int, default=ALARMS)
    parser.add_argument("--servers", type=int, default=SERVERS)
    parser.add_argument(
        "--pg-stations", type=int, default=SERVERS_STATIONS, help="0: no PostgreSQL line"
    )
    args = parser.parse_args(argv)
    ALARMS = args.alarms
    raise_fd_limit(max([*args.stations, args.pg_stations]))
    for n in args.stations:
        try:
            figure = run(n, args.children)
        except BenchFailure as exc:
            print(f"alarm_fanout with {n} stations FAILED: {exc}", file=sys.stderr)
            return 1
        print(json.dumps(figure), flush=True)
    if args.pg_stations:
        try:
            found = run_servers(args.pg_stations, args.servers, args.children)
        except BenchFailure as exc:
            n = args.pg_stations
            print(
                f"alarm_fanout with {n} stations on {args.servers} servers FAILED: {exc}",
                file=sys.stderr,
            )
            return 1
        if found is not None:
            print(json.dumps(found), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
