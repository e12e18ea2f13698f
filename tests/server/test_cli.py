"""The admin CLI (``veiligbalie-server``): happy paths, and every mistake ends in one clear
line on stderr with exit code 2, never a traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.support.net import free_tcp_port
from tests.support.server import ROOT
from veiligbalie.server import admin, audit, schema
from veiligbalie.server.cli import main
from veiligbalie.server.store import ServerStore, head_revision

#: What ``admin`` says on stderr before it starts: which database it changes.
DATABASE_LINE = "veiligbalie-server: database "


def mistakes(err: str) -> list[str]:
    """stderr without the line that names the database."""
    return [line for line in err.strip().splitlines() if not line.startswith(DATABASE_LINE)]


def run(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, str]:
    code = main(["admin", "--database", db_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> str:
    code, out, err = run(capsys, db_url, *args)
    assert code == 0, err
    return out


def fails(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> str:
    code, out, err = run(capsys, db_url, *args)
    assert code == 2, (out, err)
    assert "Traceback" not in err
    lines = mistakes(err)
    assert len(lines) == 1 and "error:" in lines[0], err
    return lines[0]


def test_admin_happy_path(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    assert "created" in ok(
        capsys, db_url, "org", "create", "--name", "Gemeente X", "--address", "Postbus 1, 1000 AA X"
    )
    assert "Postbus 1" in ok(capsys, db_url, "org", "show")
    assert "shared with employees" in ok(
        capsys, db_url, "site", "create", "--name", "Centrum", "--share-log"
    )
    ok(capsys, db_url, "site", "create", "--name", "Noord")
    assert "share_log=no" in ok(capsys, db_url, "site", "list")
    assert "True" in ok(capsys, db_url, "site", "share", "--site", "Noord", "on")
    out = ok(
        capsys,
        db_url,
        "workstation",
        "create",
        "--site",
        "Centrum",
        "--name",
        "balie1",
        "--location",
        "Balie 1",
        "--expires-hours",
        "2",
    )
    code_line = next(line for line in out.splitlines() if line.startswith("enrolment code:"))
    code = code_line.split(":", 1)[1].strip()
    assert len(code) == 14 and code.count("-") == 2
    assert "enrolment code:" in ok(capsys, db_url, "workstation", "code", "--workstation", "balie1")
    assert "waiting for enrolment" in ok(capsys, db_url, "workstation", "list")
    ok(
        capsys,
        db_url,
        "user",
        "create",
        "--username",
        "tl",
        "--display-name",
        "Team Lead",
        "--role",
        "team_lead",
        "--site",
        "Centrum",
        "--password",
        "a long password",
    )
    ok(
        capsys,
        db_url,
        "user",
        "create",
        "--username",
        "beheer",
        "--display-name",
        "Beheer",
        "--role",
        "administrator",
        "--password",
        "a long password",
    )
    assert "team_lead" in ok(capsys, db_url, "user", "list")
    assert "signed out" in ok(
        capsys,
        db_url,
        "user",
        "reset-password",
        "--username",
        "tl",
        "--password",
        "another long one",
    )
    assert "0 token(s) revoked" in ok(capsys, db_url, "token", "revoke", "--all")
    store = ServerStore(db_url)
    try:
        assert [u.username for u in admin.list_users(store)] == ["beheer", "tl"]
    finally:
        store.close()


def test_password_from_stdin(
    capsys: pytest.CaptureFixture[str], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(capsys, db_url, "org", "create", "--name", "X", "--address", "Y")
    ok(capsys, db_url, "site", "create", "--name", "S")
    monkeypatch.setattr(sys, "stdin", io.StringIO("from standard input\n"))
    ok(
        capsys,
        db_url,
        "user",
        "create",
        "--username",
        "a",
        "--display-name",
        "A",
        "--role",
        "employee",
        "--site",
        "S",
        "--password-stdin",
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert "no password on standard input" in fails(
        capsys, db_url, "user", "reset-password", "--username", "a", "--password-stdin"
    )
    assert "no terminal" in fails(capsys, db_url, "user", "reset-password", "--username", "a")


def test_every_mistake_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    assert "organisation first" in fails(capsys, db_url, "site", "create", "--name", "A")
    assert "organisation first" in fails(
        capsys,
        db_url,
        "user",
        "create",
        "--username",
        "u",
        "--display-name",
        "U",
        "--role",
        "employee",
        "--site",
        "A",
        "--password",
        "long enough pw",
    )
    assert "no organisation yet" in fails(capsys, db_url, "org", "show")
    ok(capsys, db_url, "org", "create", "--name", "X", "--address", "Y")
    assert "already exists" in fails(
        capsys, db_url, "org", "create", "--name", "X", "--address", "Y"
    )
    assert "must not be empty" in fails(capsys, db_url, "site", "create", "--name", "  ")
    ok(capsys, db_url, "site", "create", "--name", "A")
    assert "already exists" in fails(capsys, db_url, "site", "create", "--name", "A")
    assert "no site 'B'" in fails(
        capsys, db_url, "workstation", "create", "--site", "B", "--name", "w", "--location", "l"
    )
    assert "within 1 to 720 hours" in fails(
        capsys,
        db_url,
        "workstation",
        "create",
        "--site",
        "A",
        "--name",
        "w",
        "--location",
        "l",
        "--expires-hours",
        "0",
    )
    ok(capsys, db_url, "workstation", "create", "--site", "A", "--name", "w", "--location", "l")
    assert "already has a workstation" in fails(
        capsys, db_url, "workstation", "create", "--site", "A", "--name", "w", "--location", "l"
    )
    assert "no workstation" in fails(capsys, db_url, "workstation", "code", "--workstation", "nope")
    assert "at least 10" in fails(
        capsys,
        db_url,
        "user",
        "create",
        "--username",
        "u",
        "--display-name",
        "U",
        "--role",
        "employee",
        "--site",
        "A",
        "--password",
        "short",
    )
    assert "needs a site" in fails(
        capsys,
        db_url,
        "user",
        "create",
        "--username",
        "u",
        "--display-name",
        "U",
        "--role",
        "employee",
        "--password",
        "long enough pw",
    )
    assert "letters, digits" in fails(
        capsys,
        db_url,
        "user",
        "create",
        "--username",
        "u u",
        "--display-name",
        "U",
        "--role",
        "employee",
        "--site",
        "A",
        "--password",
        "long enough pw",
    )
    ok(
        capsys,
        db_url,
        "user",
        "create",
        "--username",
        "u",
        "--display-name",
        "U",
        "--role",
        "employee",
        "--site",
        "A",
        "--password",
        "long enough pw",
    )
    assert "is taken" in fails(
        capsys,
        db_url,
        "user",
        "create",
        "--username",
        "U",
        "--display-name",
        "U",
        "--role",
        "employee",
        "--site",
        "A",
        "--password",
        "long enough pw",
    )
    assert "no user 'x'" in fails(
        capsys, db_url, "user", "reset-password", "--username", "x", "--password", "long enough pw"
    )
    assert "no user" in fails(capsys, db_url, "token", "revoke", "--user", "x")
    assert "not both" in fails(
        capsys,
        db_url,
        "user",
        "reset-password",
        "--username",
        "u",
        "--password",
        "long enough pw",
        "--password-stdin",
    )


def test_argparse_mistakes_are_exit_2(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    for argv in (
        ["admin", "--database", db_url, "user", "create", "--username", "u"],
        [
            "admin",
            "--database",
            db_url,
            "user",
            "create",
            "--username",
            "u",
            "--display-name",
            "U",
            "--role",
            "king",
            "--site",
            "A",
        ],
        ["admin", "--database", db_url, "token", "revoke"],
        ["admin", "--database", db_url, "token", "revoke", "--all", "--user", "u"],
        ["admin", "--database", db_url, "frobnicate"],
        ["serve", "--port", "notaport"],
    ):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert "error:" in err and "Traceback" not in err


def test_bad_database_urls(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["admin", "--database", "mysql://x/y", "site", "list"]) == 2
    assert "sqlite:///FILE or postgresql" in capsys.readouterr().err
    assert (
        main(
            ["admin", "--database", "postgresql+psycopg://nobody@127.0.0.1:1/none", "site", "list"]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "cannot open the database" in err and "Traceback" not in err
    assert main(["serve", "--database", f"sqlite:///{tmp_path}/a.db", "--tls-cert", "x.pem"]) == 2
    assert "both --tls-cert and --tls-key" in capsys.readouterr().err


def test_migrate_and_default_data_dir(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VEILIGBALIE_SERVER_DATA_DIR", str(tmp_path / "srv"))
    assert main(["migrate"]) == 0
    assert f"schema {head_revision()}" in capsys.readouterr().out
    assert (tmp_path / "srv" / "veiligbalie-server.sqlite3").exists()
    assert main(["migrate", "--data-dir", str(tmp_path / "other")]) == 0
    assert (tmp_path / "other" / "veiligbalie-server.sqlite3").exists()


def test_real_entry_point_process(db_url: str) -> None:
    """The module runs as a program and its errors reach the shell as exit code 2."""
    cmd = [sys.executable, "-m", "veiligbalie.server.cli", "admin", "--database", db_url]
    done = subprocess.run(
        [*cmd, "site", "list"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0 and done.stdout.strip() == "no sites"
    done = subprocess.run(
        [*cmd, "site", "create", "--name", "A"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2
    assert mistakes(done.stderr) == [
        "veiligbalie-server: error: create the organisation first (`admin org create`)"
    ]


def test_epoch_rotate_after_restore(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    store = ServerStore(db_url)
    before = store.epoch
    store.close()
    out = ok(capsys, db_url, "epoch", "rotate")
    assert before in out
    reopened = ServerStore(db_url)
    try:
        assert reopened.epoch != before
        assert reopened.epoch in out
        log = schema.audit_log.c
        with reopened.read() as conn:
            line = conn.execute(
                sa.select(log.action, log.actor, log.detail).where(log.subject == "database")
            ).one()
        assert line.action == "database.epoch_rotated" and line.actor == audit.CLI_ACTOR
        assert line.detail == f"epoch {before} replaced by {reopened.epoch}"
    finally:
        reopened.close()


# --- one configuration for serve and admin ---------------------------------------------------


def test_admin_names_its_database_with_the_password_masked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VEILIGBALIE_SERVER_DATA_DIR", str(tmp_path / "srv"))
    assert main(["admin", "site", "list"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "no sites"  # stdout stays clean for scripts
    default = tmp_path / "srv" / "veiligbalie-server.sqlite3"
    assert err.splitlines()[0] == (
        f"veiligbalie-server: database sqlite:///{default} (from the server data folder)"
    )
    url = "postgresql+psycopg://vb:geheim-wachtwoord@127.0.0.1:1/none"
    monkeypatch.setenv("VEILIGBALIE_SERVER_DATABASE", url)
    assert main(["admin", "site", "list"]) == 2
    err = capsys.readouterr().err
    assert "geheim-wachtwoord" not in err
    assert err.splitlines()[0] == (
        "veiligbalie-server: database postgresql+psycopg://vb:***@127.0.0.1:1/none "
        "(from $VEILIGBALIE_SERVER_DATABASE)"
    )


def test_database_from_flag_then_environment_then_config_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "srv"
    folder.mkdir()
    monkeypatch.setenv("VEILIGBALIE_SERVER_DATA_DIR", str(folder))
    monkeypatch.delenv("VEILIGBALIE_SERVER_DATABASE", raising=False)
    configured = tmp_path / "configured.sqlite3"
    config = folder / "veiligbalie-server.toml"
    config.write_text(f'database = "sqlite:///{configured}"\n', encoding="utf-8")
    assert main(["admin", "org", "create", "--name", "Gemeente C", "--address", "Postbus 3"]) == 0
    err = capsys.readouterr().err
    assert f"sqlite:///{configured} (from {config})" in err
    store = ServerStore(f"sqlite:///{configured}")
    try:
        assert admin.get_organisation(store).name == "Gemeente C"
    finally:
        store.close()
    assert not (folder / "veiligbalie-server.sqlite3").exists()

    from_env = tmp_path / "env.sqlite3"
    monkeypatch.setenv("VEILIGBALIE_SERVER_DATABASE", f"sqlite:///{from_env}")
    assert main(["migrate"]) == 0
    assert from_env.exists()
    flag = tmp_path / "flag.sqlite3"
    assert main(["admin", "--database", f"sqlite:///{flag}", "site", "list"]) == 0
    assert "(from --database)" in capsys.readouterr().err

    config.write_text("database = [1, 2]\n", encoding="utf-8")
    monkeypatch.delenv("VEILIGBALIE_SERVER_DATABASE")
    assert main(["admin", "site", "list"]) == 2
    assert "'database' must be a URL" in capsys.readouterr().err
    config.write_text("database = \n", encoding="utf-8")
    assert main(["admin", "site", "list"]) == 2
    assert f"cannot read {config}" in capsys.readouterr().err


@pytest.mark.timeout(90)
def test_admin_changes_the_database_the_running_server_uses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No --database anywhere: a real `serve` and the obvious `admin` commands agree, and
    a code made by `admin` links a workstation on that server."""
    folder = tmp_path / "srv"
    folder.mkdir()
    (folder / "veiligbalie-server.toml").write_text(
        f'database = "sqlite:///{tmp_path / "shared.sqlite3"}"\n', encoding="utf-8"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), VEILIGBALIE_SERVER_DATA_DIR=str(folder))
    env.pop("VEILIGBALIE_SERVER_DATABASE", None)
    port = free_tcp_port()
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [sys.executable, "-m", "veiligbalie.server.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("serve did not start")
        monkeypatch.setenv("VEILIGBALIE_SERVER_DATA_DIR", str(folder))
        monkeypatch.delenv("VEILIGBALIE_SERVER_DATABASE", raising=False)
        for argv in (
            ["org", "create", "--name", "Gemeente S", "--address", "Postbus 9"],
            ["site", "create", "--name", "Stadhuis"],
        ):
            assert main(["admin", *argv]) == 0
        assert main(
            ["admin", "workstation", "create", "--site", "Stadhuis", "--name", "balie-1",
             "--location", "Balie 1"]
        ) == 0  # fmt: skip
        out, err = capsys.readouterr()
        assert "warning" not in err  # the same database the server started on
        code = next(line for line in out.splitlines() if line.startswith("enrolment code:"))
        response = httpx.post(
            f"{base}/api/v1/enroll", json={"code": code.split(":", 1)[1].strip()}, timeout=10
        )
        assert response.status_code == 200, response.text
        assert response.json()["site_name"] == "Stadhuis"
        # Pointed elsewhere by hand: admin warns that the server uses another database.
        other = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
        assert main(["admin", "--database", other, "site", "list"]) == 0
        err = capsys.readouterr().err
        assert "warning: the server last started on sqlite:///" in err
        assert "shared.sqlite3" in err
    finally:
        serve.terminate()
        serve.wait(15)
        log.close()


def test_flags_follow_one_convention_and_old_spellings_still_work(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    ok(capsys, db_url, "org", "create", "--name", "Gemeente F", "--address", "Postbus 5")
    ok(capsys, db_url, "site", "create", "--name", "Noord")
    ok(
        capsys, db_url, "workstation", "create", "--site", "Noord", "--name", "balie-7",
        "--location", "Balie 7",
    )  # fmt: skip
    ok(
        capsys, db_url, "user", "create", "--username", "piet", "--display-name", "Piet",
        "--role", "employee", "--site", "Noord", "--password", "lang genoeg wachtwoord",
    )  # fmt: skip
    # The existing thing a command works on is named by its kind ...
    assert "enrolment code:" in ok(
        capsys, db_url, "workstation", "code", "--workstation", "balie-7"
    )
    assert "True" in ok(capsys, db_url, "site", "share", "--site", "Noord", "on")
    assert "reset" in ok(
        capsys, db_url, "user", "reset-password", "--user", "piet", "--password", "nog een lang ww"
    )
    # ... and the spelling people guess from `create`, or scripts already use, still works.
    assert "enrolment code:" in ok(capsys, db_url, "workstation", "code", "--name", "balie-7")
    assert "False" in ok(capsys, db_url, "site", "share", "--name", "Noord", "off")
    assert "reset" in ok(
        capsys,
        db_url,
        "user",
        "reset-password",
        "--username",
        "piet",
        "--password",
        "derde lang ww",
    )
    with pytest.raises(SystemExit) as exc:
        main(["admin", "--database", db_url, "workstation", "code"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--workstation" in err and "--name" not in err  # the alias stays out of sight
    with pytest.raises(SystemExit):
        main(["admin", "--database", db_url, "user", "reset-password", "--help"])
    shown = capsys.readouterr().out
    assert "--user USER" in shown and "--username" not in shown
