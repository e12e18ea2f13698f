"""The server as a service: the systemd unit's own command line with its environment file
serves /healthz, ``systemd-analyze verify`` accepts the unit, every ``serve`` option comes
from the environment (a flag wins), and the container file builds where a container tool
runs (skipped loudly where none does)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.net import free_tcp_port
from tests.support.server import ROOT
from tests.support.waiting import wait_until
from veiligbalie.server import cli
from veiligbalie.server.store import PID_NAME

PACKAGING = ROOT / "packaging" / "server"
UNIT = PACKAGING / "veiligbalie-server.service"
ENV_EXAMPLE = PACKAGING / "server.env.example"
#: Where the unit expects the program (the install steps in the unit's header put it there).
INSTALLED = "/opt/veiligbalie-server/bin/veiligbalie-server"


def unit_settings(text: str) -> dict[str, list[str]]:
    """``Key=value`` lines of a systemd unit, every value of a repeated key kept."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        found.setdefault(key.strip(), []).append(value.strip())
    return found


def environment_file(text: str) -> dict[str, str]:
    """A systemd EnvironmentFile: ``VAR=value`` lines; comments and blank lines skipped."""
    env: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, _, value = line.partition("=")
        env[key.strip()] = value.strip().strip('"')
    return env


def program() -> str:
    """The installed ``veiligbalie-server`` of this environment (the console script)."""
    found = Path(sys.executable).parent / "veiligbalie-server"
    if not found.exists():
        pytest.skip("!!! no veiligbalie-server console script next to the Python in use !!!")
    return str(found)


def test_the_unit_is_hardened_and_configured_by_its_environment_file() -> None:
    settings = unit_settings(UNIT.read_text(encoding="utf-8"))
    assert settings["User"] == ["veiligbalie"]
    assert settings["EnvironmentFile"] == ["/etc/veiligbalie/server.env"]
    assert settings["Restart"] == ["on-failure"]
    assert settings["ExecStart"] == [f"{INSTALLED} serve"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
        "ReadWritePaths": "/var/lib/veiligbalie",
    }.items():
        assert settings[key] == [value], key
    env = environment_file(ENV_EXAMPLE.read_text(encoding="utf-8"))
    assert env["VEILIGBALIE_SERVER_DATA_DIR"] == "/var/lib/veiligbalie"
    assert env["VEILIGBALIE_SERVER_HOST"] == "127.0.0.1"


def test_the_units_command_line_with_its_environment_file_serves_healthz(
    tmp_path: Path,
) -> None:
    settings = unit_settings(UNIT.read_text(encoding="utf-8"))
    command = shlex.split(settings["ExecStart"][0])
    assert command[0] == INSTALLED
    command[0] = program()
    data = tmp_path / "var-lib-veiligbalie"
    data.mkdir()
    port = free_tcp_port()
    # The example file as IT would fill it in, with a temporary data folder and a free port.
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("/var/lib/veiligbalie", str(data))
    text = re.sub(r"(?m)^VEILIGBALIE_SERVER_PORT=.*$", f"VEILIGBALIE_SERVER_PORT={port}", text)
    env_file = tmp_path / "server.env"
    env_file.write_text(text, encoding="utf-8")
    # What systemd gives the service: a bare environment plus the file's variables.
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(data)}
    env.update(environment_file(env_file.read_text(encoding="utf-8")))
    env["PYTHONPATH"] = str(ROOT)  # this checkout, not another install of the package
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out, cwd=data)
    try:

        def healthy() -> bool:
            if process.poll() is not None:
                raise AssertionError(log.read_text(errors="replace"))
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, 30, what="/healthz of the unit's server")
        answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
        assert answer["status"] == "ok"
        assert answer["database"] == "sqlite"
        assert (data / "veiligbalie-server.sqlite3").exists()  # the data folder of the file
        assert (data / "files").is_dir()
        assert (data / PID_NAME).exists()  # restore and migrate-database look here
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
    assert process.returncode == 0, log.read_text(errors="replace")[-2000:]  # clean for systemd
    assert not (data / PID_NAME).exists()


def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("!!! systemd-analyze not installed: the unit file is NOT verified !!!")
    text = UNIT.read_text(encoding="utf-8")
    env_file = tmp_path / "server.env"
    env_file.write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    # verify checks that ExecStart exists: point it at this environment's program.
    text = text.replace(INSTALLED, program()).replace("/etc/veiligbalie/server.env", str(env_file))
    unit = tmp_path / UNIT.name
    unit.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    # It warns on stderr (unknown keys, bad values) and still exits 0: both must be clean.
    problems = [line for line in result.stderr.splitlines() if UNIT.name in line]
    assert result.returncode == 0 and not problems, result.stderr


def test_every_serve_option_comes_from_the_environment_and_a_flag_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parser = cli.build_parser()
    for name, value in {
        cli.ENV_HOST: "127.0.0.2",
        cli.ENV_PORT: "9123",
        cli.ENV_TLS_CERT: "/etc/veiligbalie/server.crt",
        cli.ENV_TLS_KEY: "/etc/veiligbalie/server.key",
        cli.ENV_GC_TUNING: "false",
        cli.ENV_FORWARDED_ALLOW_IPS: "10.0.0.5",
    }.items():
        monkeypatch.setenv(name, value)
    args = parser.parse_args(["serve"])
    cli._serve_options(args)
    assert (args.host, args.port, args.tls_cert, args.tls_key) == (
        "127.0.0.2",
        9123,
        "/etc/veiligbalie/server.crt",
        "/etc/veiligbalie/server.key",
    )
    assert args.gc_tuning is False
    assert args.forwarded_allow_ips == "10.0.0.5"
    args = parser.parse_args(
        ["serve", "--host", "127.0.0.3", "--port", "9200", "--gc-tuning"]
        + ["--tls-cert", "a.crt", "--tls-key", "a.key", "--forwarded-allow-ips", "*"]
    )
    cli._serve_options(args)
    assert (args.host, args.port, args.tls_cert, args.tls_key) == (
        "127.0.0.3",
        9200,
        "a.crt",
        "a.key",
    )
    assert args.gc_tuning is True
    assert args.forwarded_allow_ips == "*"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (cli.ENV_PORT, "http", "must be a port number"),
        (cli.ENV_PORT, "70000", "1..65535"),
        (cli.ENV_GC_TUNING, "maybe", "true or false"),
    ],
)
def test_a_bad_environment_value_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    args = cli.build_parser().parse_args(["serve"])
    with pytest.raises(cli.CliError, match=message):
        cli._serve_options(args)


def test_serve_help_names_every_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name in (
        cli.ENV_DATABASE,
        "VEILIGBALIE_SERVER_DATA_DIR",
        cli.ENV_HOST,
        cli.ENV_PORT,
        cli.ENV_TLS_CERT,
        cli.ENV_TLS_KEY,
        "VEILIGBALIE_SERVER_FILES",
        cli.ENV_GC_TUNING,
        cli.ENV_FORWARDED_ALLOW_IPS,
    ):
        assert f"${name}" in text, name


def _container_tool() -> tuple[str | None, str]:
    """A container tool that can build here, or None and why not."""
    reasons = []
    for tool in ("podman", "docker", "buildah"):
        path = shutil.which(tool)
        if path is None:
            reasons.append(f"{tool}: not installed")
            continue
        try:
            result = subprocess.run([path, "info"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired) as exc:
            reasons.append(f"{tool}: {exc}")
            continue
        if result.returncode == 0:
            return path, ""
        last = (result.stderr.strip().splitlines() or ["no answer"])[-1]
        reasons.append(f"{tool}: {last}")
    return None, "; ".join(reasons)


@pytest.mark.timeout(1800)
def test_the_container_file_builds() -> None:
    if sys.platform != "linux":
        pytest.skip(f"!!! the Linux container file is built on Linux only, not {sys.platform} !!!")
    tool, why = _container_tool()
    if tool is None:
        pytest.skip(f"!!! NO CONTAINER TOOL CAN BUILD HERE, Containerfile NOT BUILT: {why} !!!")
    tag = f"veiligbalie-server-test:{os.getpid()}"
    # podman and buildah keep HEALTHCHECK only in the docker image format.
    image_format = [] if Path(tool).name == "docker" else ["--format", "docker"]
    result = subprocess.run(
        [tool, "build", *image_format, "-f", str(PACKAGING / "Containerfile"), "-t", tag]
        + [str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1700,
    )
    try:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        inspect = subprocess.run(
            [tool, "image", "inspect", tag, "--format", "{{json .Config.Healthcheck}}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "healthz" in inspect.stdout, inspect.stdout + inspect.stderr
    finally:
        subprocess.run([tool, "rmi", "-f", tag], capture_output=True, timeout=120)


@pytest.mark.parametrize(("trusted", "counted"), [(None, "203.0.113.7"), ("10.9.9.9", "127.0.0.1")])
def test_forwarded_for_counts_only_from_a_trusted_proxy(
    tmp_path: Path, trusted: str | None, counted: str
) -> None:
    """Behind the proxy on the same machine (the default) the sign-in throttle counts the
    counter's address from X-Forwarded-For; from a sender not trusted the header is ignored."""
    import sqlalchemy as sa

    from tests.support.server import running_server
    from veiligbalie.server import schema
    from veiligbalie.server.store import create_db_engine

    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    extra = ["--forwarded-allow-ips", trusted] if trusted else []
    with running_server(url, data_dir=tmp_path, extra_args=extra) as server:
        answer = httpx.post(
            f"{server.base_url}/api/v1/auth/login",
            json={"username": "niemand", "password": "fout-wachtwoord"},
            headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
            timeout=30,
        )
        assert answer.status_code == 401
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            keys = (
                conn.execute(
                    sa.select(schema.login_throttle.c.key).where(
                        schema.login_throttle.c.kind == "address"
                    )
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert keys == [counted]
