"""``veiligbalie-server``: serve the API, run migrations, and administer the organisation,
sites, workstations, users and tokens. Every mistake ends in one clear line and exit code 2.

``serve``, ``migrate`` and ``admin`` find the database the same way, so the obvious
``admin`` command changes the database the running server uses: ``--database``, else
``$VEILIGBALIE_SERVER_DATABASE``, else ``database = "..."`` in ``veiligbalie-server.toml``
in the server data folder, else a SQLite file in that folder.

``serve`` keeps the reports' attachments in ``--files`` (or ``$VEILIGBALIE_SERVER_FILES``),
by default a ``files`` folder next to the SQLite database, or in the server data folder
when the database is PostgreSQL; it is created at start.

Every option of ``serve`` can also come from the environment (a systemd ``EnvironmentFile``
or a container's ``--env-file``): ``VEILIGBALIE_SERVER_<OPTION>``, e.g.
``VEILIGBALIE_SERVER_PORT=8080``; a flag on the command line wins over the environment.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import logging
import os
import signal
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import sqlalchemy.exc
from sqlalchemy.engine import make_url

from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol.admin import EnrolmentCodeOut, TeamOut
from veiligbalie.protocol.alarm_server import EscalationIn, EscalationLevelModel, EscalationOut
from veiligbalie.protocol.events import PING_INTERVAL_SECONDS
from veiligbalie.server import admin, audit, escalation_config, presence
from veiligbalie.server.errors import EscalationError
from veiligbalie.server.store import (
    PID_NAME,
    DatabaseError,
    ServerStore,
    default_database_url,
    default_files_dir,
    migrate,
    server_data_dir,
)

EXIT_USAGE = 2
ENV_DATABASE = "VEILIGBALIE_SERVER_DATABASE"
#: The server's configuration file, in the server data folder.
CONFIG_NAME = "veiligbalie-server.toml"
#: Written by ``serve``: which database (password masked) the server last started on.
SERVED_NAME = "last-served.json"
#: ``serve --gc-tuning`` unless told otherwise (why: veiligbalie.server.gc_tuning).
GC_TUNING_DEFAULT = True
ENV_PING_SECONDS = "VEILIGBALIE_SERVER_PING_SECONDS"
#: Seconds before the first webhook retry (doubling); tests shorten it.
ENV_WEBHOOK_BACKOFF = "VEILIGBALIE_SERVER_WEBHOOK_BACKOFF"
#: ``serve``'s options from the environment (a flag on the command line wins).
ENV_HOST = "VEILIGBALIE_SERVER_HOST"
ENV_PORT = "VEILIGBALIE_SERVER_PORT"
ENV_TLS_CERT = "VEILIGBALIE_SERVER_TLS_CERT"
ENV_TLS_KEY = "VEILIGBALIE_SERVER_TLS_KEY"
ENV_GC_TUNING = "VEILIGBALIE_SERVER_GC_TUNING"
ENV_FORWARDED_ALLOW_IPS = "VEILIGBALIE_SERVER_FORWARDED_ALLOW_IPS"


def _env(name: str, fallback: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or fallback


def _env_flag(name: str, fallback: bool) -> bool:
    value = _env(name)
    if value is None:
        return fallback
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise CliError(f"${name} must be true or false, not {value!r}")


class CliError(Exception):
    """A mistake of the person at the keyboard: printed as one line, exit code 2."""


def _db_options(parser: argparse.ArgumentParser, *, nested: bool) -> None:
    # On nested commands the defaults are suppressed so a value given before the
    # subcommand (``admin --database X user list``) is not overwritten by None.
    default = argparse.SUPPRESS if nested else None
    parser.add_argument(
        "--database",
        default=default,
        metavar="URL",
        help="sqlite:///FILE or postgresql+psycopg://user:pw@host/db (default: "
        f"${ENV_DATABASE}, else 'database' in {CONFIG_NAME} in the server data folder, "
        "else a SQLite file in that folder)",
    )
    parser.add_argument(
        "--data-dir",
        default=default,
        metavar="DIR",
        help="server data folder (default: $VEILIGBALIE_SERVER_DATA_DIR or the platform's)",
    )


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparsable URL)"


def database_choice(args: argparse.Namespace) -> tuple[str, str]:
    """The database URL the command uses and where that choice came from. ``serve``,
    ``migrate`` and ``admin`` all ask here, so they agree unless told otherwise."""
    if args.database:
        return args.database, "--database"
    from_env = os.environ.get(ENV_DATABASE, "").strip()
    if from_env:
        return from_env, f"${ENV_DATABASE}"
    config = server_data_dir(args.data_dir) / CONFIG_NAME
    if config.exists():
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CliError(f"cannot read {config}: {exc}") from None
        url = data.get("database")
        if url is not None:
            if not isinstance(url, str) or not url.strip():
                raise CliError(f"{config}: 'database' must be a URL in quotes")
            return url.strip(), str(config)
    return default_database_url(args.data_dir), "the server data folder"


def _open_store(args: argparse.Namespace) -> ServerStore:
    url, _source = database_choice(args)
    try:
        return ServerStore(url)
    except DatabaseError as exc:
        raise CliError(str(exc)) from None
    except sqlalchemy.exc.OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "unknown"
        raise CliError(f"cannot open the database {_safe_url(url)}: {reason}") from None
    except sqlalchemy.exc.ArgumentError as exc:
        raise CliError(f"not a usable database URL: {exc}") from None


# --- serve / migrate --------------------------------------------------------------------


def _serve_options(args: argparse.Namespace) -> None:
    """Fill ``serve``'s options not given on the command line from the environment."""
    args.host = args.host or _env(ENV_HOST, "127.0.0.1")
    if args.port is None and _env(ENV_PORT):
        try:
            args.port = int(str(_env(ENV_PORT)))
        except ValueError:
            raise CliError(f"${ENV_PORT} must be a port number, not {_env(ENV_PORT)!r}") from None
    if args.port is not None and not 0 < args.port < 65536:
        raise CliError(f"the port must be 1..65535, not {args.port}")
    args.tls_cert = args.tls_cert or _env(ENV_TLS_CERT)
    args.tls_key = args.tls_key or _env(ENV_TLS_KEY)
    if args.gc_tuning is None:
        args.gc_tuning = _env_flag(ENV_GC_TUNING, GC_TUNING_DEFAULT)
    args.forwarded_allow_ips = args.forwarded_allow_ips or _env(
        ENV_FORWARDED_ALLOW_IPS, "127.0.0.1"
    )


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from veiligbalie.server.app import create_app

    _serve_options(args)
    if bool(args.tls_cert) != bool(args.tls_key):
        raise CliError("give both --tls-cert and --tls-key, or neither")
    for path in (args.tls_cert, args.tls_key):
        if path:
            try:
                with open(path, "rb"):
                    pass
            except OSError as exc:
                raise CliError(f"cannot read {path}: {exc.strerror}") from None
    store = _open_store(args)
    _remember_served(args, *database_choice(args))
    port = args.port or (8443 if args.tls_cert else 8080)
    scheme = "https" if args.tls_cert else "http"
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger(__name__).info(
        "VeiligBalie server on %s://%s:%d, database %s (%s), epoch %s",
        scheme,
        args.host,
        port,
        _safe_url(store.url),
        store.backend,
        store.epoch,
    )
    # The interval of the stream's pings; tests shorten it to see pings without waiting 15 s.
    ping = float(os.environ.get(ENV_PING_SECONDS, PING_INTERVAL_SECONDS))
    from veiligbalie.server.escalation import WebhookPolicy
    from veiligbalie.server.stream import UVICORN_WS

    webhook = WebhookPolicy(backoff=float(os.environ.get(ENV_WEBHOOK_BACKOFF, "0.5")))
    files = Path(args.files).expanduser() if args.files else None
    if files is None:
        files = default_files_dir(store.url, args.data_dir)
    app = create_app(
        store=store,
        ping_interval=ping,
        webhook=webhook,
        quiet_gc=args.gc_tuning,
        files_dir=files,
    )
    logging.getLogger(__name__).info("attachments in %s", app.state.files_dir)
    from veiligbalie.server.http_security import redact_server_logs

    config = uvicorn.Config(
        app,
        host=args.host,
        port=port,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        log_level="info",
        ws=UVICORN_WS,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
    )
    redact_server_logs()  # after the Config, which sets up uvicorn's loggers
    pid_file = server_data_dir(args.data_dir) / PID_NAME
    _write_pid_file(pid_file, store.url)
    # uvicorn shuts down on SIGTERM and then raises the signal again for the handler that
    # was there before it: this one ends the process through the finally below (pid file
    # removed, exit 0 for systemd) instead of the default handler killing it on the spot.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        uvicorn.Server(config).run()
    finally:
        with contextlib.suppress(OSError):
            pid_file.unlink()
        store.close()
    return 0


def _terminated(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _write_pid_file(path: Path, url: str) -> None:
    try:
        path.write_text(json.dumps({"pid": os.getpid(), "database": _safe_url(url)}) + "\n")
    except OSError as exc:
        logging.getLogger(__name__).warning("cannot write %s: %s", path, exc.strerror)


def cmd_migrate(args: argparse.Namespace) -> int:
    store = _open_store(args)  # opening runs the migrations
    try:
        head = migrate(store.engine)
    finally:
        store.close()
    print(f"database {_safe_url(store.url)} is at schema {head}, epoch {store.epoch}")
    return 0


# --- admin ------------------------------------------------------------------------------


def _read_password(args: argparse.Namespace) -> str:
    if getattr(args, "password", None) is not None and getattr(args, "password_stdin", False):
        raise CliError("give --password or --password-stdin, not both")
    if getattr(args, "password_stdin", False):
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("no password on standard input")
        return password
    if getattr(args, "password", None) is not None:
        return str(args.password)
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask the password: use --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise CliError("the two passwords differ")
    return first


def _remember_served(args: argparse.Namespace, url: str, source: str) -> None:
    """Note (password masked) the database ``serve`` started on, so ``admin`` can warn when
    it is about to change another one."""
    marker = server_data_dir(args.data_dir) / SERVED_NAME
    try:
        marker.write_text(json.dumps({"database": _safe_url(url), "source": source}) + "\n")
    except OSError as exc:
        logging.getLogger(__name__).warning("cannot write %s: %s", marker, exc.strerror)


def _say_database(args: argparse.Namespace) -> None:
    """On stderr, so scripts reading stdout are not disturbed: which database ``admin``
    changes, and a warning when the server last ran on another one."""
    url, source = database_choice(args)
    shown = _safe_url(url)
    print(f"veiligbalie-server: database {shown} (from {source})", file=sys.stderr)
    marker = server_data_dir(args.data_dir) / SERVED_NAME
    try:
        served = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(served, dict) and served.get("database") not in (None, shown):
        print(
            f"veiligbalie-server: warning: the server last started on {served['database']} "
            f"(from {served.get('source', '?')}); give the same --database, or put it in "
            f"{ENV_DATABASE} or {CONFIG_NAME} for both",
            file=sys.stderr,
        )


def _admin(
    action: Callable[[ServerStore, argparse.Namespace], None],
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        _say_database(args)
        store = _open_store(args)
        try:
            action(store, args)
        except (admin.AdminError, EscalationError) as exc:
            raise CliError(str(exc)) from None
        finally:
            store.close()
        return 0

    return run


def _with_database(
    action: Callable[[argparse.Namespace, str], int],
) -> Callable[[argparse.Namespace], int]:
    """A command that works on the database ``admin`` chooses (said on stderr) without
    opening it as a ServerStore first (backup, restore, migrate-database)."""

    def run(args: argparse.Namespace) -> int:
        from veiligbalie.server.backup import BackupError

        _say_database(args)
        url, _source = database_choice(args)
        try:
            return action(args, url)
        except BackupError as exc:
            raise CliError(str(exc)) from None
        except OSError as exc:  # a full disk, a folder without permission
            where = f"{exc.filename}: " if exc.filename else ""
            raise CliError(f"{where}{exc.strerror or exc}") from None

    return run


def _epoch_rotate(store: ServerStore, args: argparse.Namespace) -> None:
    old = store.epoch
    new = store.rotate_epoch()
    with store.write() as conn:
        audit.record_database(conn, "database.epoch_rotated", f"epoch {old} replaced by {new}")
    print(f"epoch changed from {old} to {new}")
    print("clients upload what they hold again and pull from the start at their next sync")


def _org_create(store: ServerStore, args: argparse.Namespace) -> None:
    org = admin.create_organisation(store, args.name, args.address)
    print(f"organisation {org.name} created ({org.id})")


def _org_show(store: ServerStore, args: argparse.Namespace) -> None:
    org = admin.get_organisation(store)
    if org is None:
        raise CliError("no organisation yet: `admin org create --name ... --address ...`")
    print(f"{org.name}\n{org.address}")


def _site_create(store: ServerStore, args: argparse.Namespace) -> None:
    site = admin.create_site(store, args.name, args.share_log)
    shared = "shared with employees" if site.share_log_with_employees else "not shared"
    print(f"site {site.name} created ({site.id}); log {shared}")


def _site_share(store: ServerStore, args: argparse.Namespace) -> None:
    site = admin.set_site_sharing(store, args.site, args.share == "on")
    print(f"site {site.name}: log shared with employees: {site.share_log_with_employees}")


def _site_list(store: ServerStore, args: argparse.Namespace) -> None:
    sites = admin.list_sites(store)
    if not sites:
        print("no sites")
    for s in sites:
        print(f"{s.id}  {s.name}  share_log={'yes' if s.share_log_with_employees else 'no'}")


def _print_code(code: EnrolmentCodeOut) -> None:
    when = code.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    print(f"enrolment code: {code.code}")
    print(f"(one use, valid until {when}; enter it in Instellingen > Koppelen met server)")


def _ws_create(store: ServerStore, args: argparse.Namespace) -> None:
    created = admin.create_workstation(
        store, args.site, args.name, args.location, args.expires_hours
    )
    ws = created.workstation
    print(f"workstation {ws.name} at {ws.location} created ({ws.id})")
    _print_code(created.enrolment)


def _ws_code(store: ServerStore, args: argparse.Namespace) -> None:
    _print_code(admin.new_enrolment_code(store, args.workstation, args.expires_hours))


def _ws_move(store: ServerStore, args: argparse.Namespace) -> None:
    moved = admin.move_workstation(
        store, args.workstation, args.location, args.to_site, args.expires_hours
    )
    ws = moved.workstation
    sites = {s.id: s.name for s in admin.list_sites(store)}
    print(f"workstation {ws.name} is now at {ws.location} ({sites.get(ws.site_id, '?')})")
    if moved.enrolment is not None:
        print("it moved to another site: its link ended; link it again with this code")
        _print_code(moved.enrolment)


def _ws_revoke(store: ServerStore, args: argparse.Namespace) -> None:
    revoked = admin.revoke_workstation(store, args.workstation)
    ws = revoked.workstation
    print(f"workstation {ws.name} revoked ({revoked.tokens_revoked} token(s) ended)")


def _ws_list(store: ServerStore, args: argparse.Namespace) -> None:
    sites = {s.id: s.name for s in admin.list_sites(store)}
    stations = admin.list_workstations(store)
    if not stations:
        print("no workstations")
    for w in stations:
        state = "enrolled" if w.enrolled else "waiting for enrolment"
        if w.revoked:
            state = "revoked"
        seen = w.last_seen_at.strftime("%Y-%m-%d %H:%M") if w.last_seen_at else "never"
        print(f"{w.id}  {sites.get(w.site_id, '?')}  {w.name}  {w.location}  {state}  seen {seen}")


def _user_create(store: ServerStore, args: argparse.Namespace) -> None:
    password = _read_password(args)
    user = admin.create_user(
        store, args.username, args.display_name, args.role, args.site, password, args.team
    )
    print(f"user {user.username} ({user.role.value}) created ({user.id})")


def _user_reset(store: ServerStore, args: argparse.Namespace) -> None:
    if args.generate and (args.password is not None or args.password_stdin):
        raise CliError("give --generate or a password, not both")
    password = None if args.generate else _read_password(args)
    user = admin.reset_password(store, args.user, password)
    if user.one_time_password:
        print(f"one-time password: {user.one_time_password}")
    print(
        f"password of {user.username} reset; their sessions were signed out; they must "
        "change it at their next sign-in"
    )


def _user_set_team(store: ServerStore, args: argparse.Namespace) -> None:
    user = admin.set_user_team(store, args.user, None if args.none else args.team)
    if user.team_id is None:
        print(f"{user.username} is in no team")
    else:
        print(f"{user.username} is now in team {admin.get_team(store, user.team_id).name}")


def _print_team(team: TeamOut) -> None:
    leads = ", ".join(lead.username for lead in team.leads) or "every team lead of the site"
    print(f"{team.id}  {team.site_name}  {team.name}  members={team.members}  leads: {leads}")


def _team_list(store: ServerStore, args: argparse.Namespace) -> None:
    teams = admin.list_teams(store, args.site)
    if not teams:
        print("no teams")
    for team in teams:
        _print_team(team)


def _team_create(store: ServerStore, args: argparse.Namespace) -> None:
    team = admin.create_team(store, args.site, args.name)
    print(f"team {team.name} created at {team.site_name} ({team.id})")


def _team_rename(store: ServerStore, args: argparse.Namespace) -> None:
    team = admin.rename_team(store, args.team, args.new_name, site_ref=args.site)
    print(f"team renamed to {team.name}")


def _team_delete(store: ServerStore, args: argparse.Namespace) -> None:
    members = admin.delete_team(store, args.team, site_ref=args.site)
    print(f"team removed; {members} member(s) now have no team")


def _team_lead(store: ServerStore, args: argparse.Namespace) -> None:
    team = admin.set_team_lead(store, args.team, args.user, True, site_ref=args.site)
    _print_team(team)


def _team_unlead(store: ServerStore, args: argparse.Namespace) -> None:
    team = admin.set_team_lead(store, args.team, args.user, False, site_ref=args.site)
    _print_team(team)


def _user_set_role(store: ServerStore, args: argparse.Namespace) -> None:
    user = admin.set_role(store, args.user, args.role, args.site)
    print(f"{user.username} is now {user.role.value}; their sessions were signed out")


def _user_deactivate(store: ServerStore, args: argparse.Namespace) -> None:
    user = admin.set_active(store, args.user, False)
    print(f"{user.username} deactivated; their sessions were signed out")


def _user_activate(store: ServerStore, args: argparse.Namespace) -> None:
    user = admin.set_active(store, args.user, True)
    print(f"{user.username} can sign in again")


def _user_unlock(store: ServerStore, args: argparse.Namespace) -> None:
    was = admin.unlock_user(store, args.user)
    print(f"{args.user} unlocked" if was else f"{args.user} was not locked")


def _user_list(store: ServerStore, args: argparse.Namespace) -> None:
    sites = {s.id: s.name for s in admin.list_sites(store)}
    teams = {team.id: team.name for team in admin.list_teams(store)}
    users = admin.list_users(store)
    if not users:
        print("no users")
    for u in users:
        site = sites.get(u.site_id, "-") if u.site_id else "-"
        team = f"  team {teams.get(u.team_id, '?')}" if u.team_id else ""
        state = "" if u.active else "  (deactivated)"
        state += "  (locked)" if u.locked else ""
        state += "  (must change password)" if u.must_change_password else ""
        print(f"{u.id}  {u.username}  {u.display_name}  {u.role.value}  {site}{team}{state}")


def _token_revoke(store: ServerStore, args: argparse.Namespace) -> None:
    count = admin.revoke_tokens(
        store, user=args.user, workstation=args.workstation, everything=args.all
    )
    print(f"{count} token(s) revoked")


def parse_delay(text: str) -> float:
    """``"20s"``, ``"0.3s"``, ``"1m"``, ``"500ms"`` or plain seconds, as seconds."""
    text = text.strip().lower()
    for unit, factor in (("ms", 0.001), ("s", 1.0), ("m", 60.0)):
        if text.endswith(unit):
            number, scale = text[: -len(unit)], factor
            break
    else:
        number, scale = text, 1.0
    try:
        value = float(number) * scale
    except ValueError:
        raise CliError(f"not a delay: {text!r} (write e.g. 20s, 1m or 500ms)") from None
    if not 0 <= value <= 24 * 3600:
        raise CliError(f"a delay must be between 0 and 24 hours, not {text!r}")
    return value


def parse_level(text: str) -> EscalationLevelModel:
    """``"20s:security,team_lead"`` or ``"60s:webhook"`` (targets may include ``webhook``)."""
    delay, sep, targets = text.partition(":")
    if not sep or not targets.strip():
        raise CliError(
            f"write a level as DELAY:TARGET[,TARGET...], e.g. 20s:security; not {text!r}"
        )
    names = [name.strip() for name in targets.split(",") if name.strip()]
    try:
        return EscalationLevelModel(
            delay_seconds=parse_delay(delay),
            targets=[name for name in names if name != "webhook"],
            webhook="webhook" in names,
        )
    except ValueError as exc:
        raise CliError(f"invalid level {text!r}: {str(exc).splitlines()[0]}") from None


def _print_escalation(config: EscalationOut) -> None:
    source = "built-in default" if config.default else "configured"
    print(f"escalation of site {config.site_id} ({source}):")
    for number, level in enumerate(config.levels):
        who = ", ".join(level.targets + (["webhook"] if level.webhook else []))
        print(f"  level {number}: after {level.delay_seconds:g} s -> {who}")
    if config.webhook_url:
        secret = "set" if config.webhook_secret_set else "NOT set"
        print(f"  webhook: {config.webhook_url} (signing secret {secret})")


def _escalation_set(store: ServerStore, args: argparse.Namespace) -> None:
    secret = None
    if args.webhook_secret_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
        if not secret:
            raise CliError("no webhook secret on standard input")
    levels = [parse_level(text) for text in args.level]
    try:
        body = EscalationIn(levels=levels, webhook_url=args.webhook_url, webhook_secret=secret)
    except ValueError as exc:
        raise CliError(f"invalid escalation: {str(exc).splitlines()[0]}") from None
    _print_escalation(escalation_config.set_escalation(store, args.site, body))


def _escalation_show(store: ServerStore, args: argparse.Namespace) -> None:
    _print_escalation(escalation_config.get_escalation(store, args.site))


def _escalation_reset(store: ServerStore, args: argparse.Namespace) -> None:
    _print_escalation(escalation_config.reset_escalation(store, args.site))


def _station_list(store: ServerStore, args: argparse.Namespace) -> None:
    stations = presence.list_stations(store)
    if not stations:
        print("no workstations")
    for st in stations:
        seen = st.last_seen_at.strftime("%Y-%m-%d %H:%M:%S") if st.last_seen_at else "never"
        state = "ONLINE " if st.online else "offline"
        if st.revoked:
            state = "revoked"
        version = f" v{st.client_version}" if st.client_version else ""
        print(
            f"{st.workstation_id}  {state}  {st.name}  {st.location}  seen {seen} {st.via}{version}"
        )


# --- parser -----------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake in one line (exit code 2) without the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _password_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password", help="the password (visible in the process list!)")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


def _target(parser: argparse.ArgumentParser, kind: str, help_text: str, *aliases: str) -> None:
    """The one existing thing a command acts on, named by its kind (``--site``,
    ``--workstation``, ``--user``); ``aliases`` are older or guessable spellings that keep
    working without being shown."""
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument(f"--{kind}", dest=kind, help=help_text)
    for alias in aliases:
        group.add_argument(alias, dest=kind, help=argparse.SUPPRESS)


FLAG_CONVENTION = (
    "Flags: 'create' names the new thing with --name (a user with --username); every other "
    "command names the existing thing it works on by its kind: --site, --workstation, --user."
)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="veiligbalie-server",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    serve = commands.add_parser(
        "serve",
        help="run the API server",
        description="Run the API server. Every option may instead come from the environment "
        "variable named in its help (e.g. from a systemd EnvironmentFile); a flag given on "
        "the command line wins over the environment.",
    )
    _db_options(serve, nested=False)
    serve.add_argument(
        "--host",
        help=f"address to listen on (default: ${ENV_HOST}, else 127.0.0.1; behind a TLS "
        "proxy on the same machine keep 127.0.0.1)",
    )
    serve.add_argument(
        "--port", type=int, help=f"default: ${ENV_PORT}, else 8443 with TLS and 8080 without"
    )
    serve.add_argument(
        "--tls-cert", metavar="FILE", help=f"PEM certificate (chain) (default: ${ENV_TLS_CERT})"
    )
    serve.add_argument(
        "--tls-key", metavar="FILE", help=f"PEM private key (default: ${ENV_TLS_KEY})"
    )
    serve.add_argument(
        "--files",
        metavar="DIR",
        help="folder of the reports' attachments (default: $VEILIGBALIE_SERVER_FILES, else "
        "'files' next to the SQLite database, or in the server data folder for PostgreSQL)",
    )
    serve.add_argument(
        "--gc-tuning",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep Python's full garbage collections out of alarm fan-outs: freeze start-up "
        "objects, collect the oldest generation only when no alarm is going out "
        f"(default: ${ENV_GC_TUNING} as true/false, else {GC_TUNING_DEFAULT})",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="comma-separated addresses of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (the client address then counts for the sign-in "
        f"throttle); '*' trusts every sender (default: ${ENV_FORWARDED_ALLOW_IPS}, else "
        "127.0.0.1)",
    )
    serve.set_defaults(func=cmd_serve)

    mig = commands.add_parser("migrate", help="create or upgrade the database schema")
    _db_options(mig, nested=False)
    mig.set_defaults(func=cmd_migrate)

    adm = commands.add_parser(
        "admin",
        help="administer organisation, sites, stations, users",
        description="Administer the organisation, sites, workstations and users in the "
        "database the server uses (the one it names on stderr). " + FLAG_CONVENTION,
    )
    _db_options(adm, nested=False)
    areas = adm.add_subparsers(dest="area", required=True, parser_class=_Parser)

    def leaf(
        group: argparse._SubParsersAction[_Parser],
        name: str,
        func: Callable[[ServerStore, argparse.Namespace], None],
        help_text: str,
    ) -> argparse.ArgumentParser:
        p = group.add_parser(name, help=help_text)
        _db_options(p, nested=True)
        p.set_defaults(func=_admin(func))
        return p

    org = areas.add_parser("org", help="the organisation").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = leaf(org, "create", _org_create, "create the organisation (once)")
    p.add_argument("--name", required=True)
    p.add_argument("--address", required=True, help="postal address for letters and reports")
    leaf(org, "show", _org_show, "show the organisation")
    from veiligbalie.server.organisation import add_cli as add_organisation_cli

    add_organisation_cli(areas, org, leaf, _Parser)

    site = areas.add_parser("site", help="sites (offices)").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = leaf(site, "create", _site_create, "create a site")
    p.add_argument("--name", required=True)
    p.add_argument(
        "--share-log", action="store_true", help="employees may read the site's shared log"
    )
    p = leaf(site, "share", _site_share, "turn sharing of the log with employees on or off")
    _target(p, "site", "site name or id", "--name")
    p.add_argument("share", choices=["on", "off"])
    leaf(site, "list", _site_list, "list sites")
    from veiligbalie.server.supervision import add_cli as add_supervision_cli

    add_supervision_cli(site, leaf)

    ws = areas.add_parser("workstation", help="counter workstations").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = leaf(ws, "create", _ws_create, "create a workstation and print its enrolment code")
    p.add_argument("--site", required=True, help="site name or id")
    p.add_argument("--name", required=True)
    p.add_argument("--location", required=True, help="where it stands, e.g. 'Balie 3'")
    p.add_argument("--expires-hours", type=int, default=admin.ENROLMENT_HOURS_DEFAULT)
    p = leaf(ws, "code", _ws_code, "print a new enrolment code for a workstation")
    _target(p, "workstation", "workstation name or id", "--name")
    p.add_argument("--expires-hours", type=int, default=admin.ENROLMENT_HOURS_DEFAULT)
    p = leaf(ws, "move", _ws_move, "move a workstation to another location (and site)")
    _target(p, "workstation", "workstation name or id", "--name")
    p.add_argument("--location", required=True, help="where it stands now, e.g. 'Balie 4'")
    p.add_argument(
        "--to-site",
        help="site name or id to move it to (its link ends: a new code is printed)",
    )
    p.add_argument("--expires-hours", type=int, default=admin.ENROLMENT_HOURS_DEFAULT)
    p = leaf(ws, "revoke", _ws_revoke, "revoke a workstation: its tokens and codes end")
    _target(p, "workstation", "workstation name or id", "--name")
    leaf(ws, "list", _ws_list, "list workstations")

    user = areas.add_parser("user", help="users").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = leaf(user, "create", _user_create, "create a user")
    p.add_argument("--username", required=True)
    p.add_argument("--display-name", required=True)
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument(
        "--site",
        help="site name or id (not needed for administrators, coordinators, peer support and "
        "privacy officers)",
    )
    p.add_argument("--team", help="team name (of the site) or id")
    _password_options(p)
    p = leaf(
        user,
        "reset-password",
        _user_reset,
        "set a one-time password (changed at the next sign-in); signs the user out",
    )
    _target(p, "user", "username", "--username")
    _password_options(p)
    p.add_argument(
        "--generate", action="store_true", help="let the server make one up and print it"
    )
    p = leaf(user, "set-team", _user_set_team, "put a user in a team of their site, or none")
    _target(p, "user", "username", "--username")
    which_team = p.add_mutually_exclusive_group(required=True)
    which_team.add_argument("--team", help="team name (of the user's site) or id")
    which_team.add_argument("--none", action="store_true", help="no team")
    leaf(user, "list", _user_list, "list users")
    p = leaf(user, "set-role", _user_set_role, "give a user another role; signs the user out")
    _target(p, "user", "username", "--username")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--site", help="site name or id (when the new role needs one)")
    p = leaf(user, "deactivate", _user_deactivate, "stop a user signing in; signs them out")
    _target(p, "user", "username", "--username")
    p = leaf(user, "activate", _user_activate, "let a deactivated user sign in again")
    _target(p, "user", "username", "--username")
    p = leaf(user, "unlock", _user_unlock, "lift the lockout after failed sign-ins")
    _target(p, "user", "username", "--username")

    team = areas.add_parser(
        "team", help="teams of a site and the team leads who review them"
    ).add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = leaf(team, "list", _team_list, "list teams with their leads")
    p.add_argument("--site", help="only this site (name or id)")
    p = leaf(team, "create", _team_create, "create a team at a site")
    p.add_argument("--site", required=True, help="site name or id")
    p.add_argument("--name", required=True)
    p = leaf(team, "rename", _team_rename, "give a team another name")
    _target(p, "team", "team name or id")
    p.add_argument("--site", help="the team's site, when two sites use its name")
    p.add_argument("--new-name", required=True)
    p = leaf(team, "delete", _team_delete, "remove a team (its members stay, without a team)")
    _target(p, "team", "team name or id")
    p.add_argument("--site", help="the team's site, when two sites use its name")
    for name, func, text in (
        ("lead", _team_lead, "let a team lead of the site review the team's reports"),
        ("unlead", _team_unlead, "stop a team lead reviewing the team"),
    ):
        p = leaf(team, name, func, text)
        _target(p, "team", "team name or id")
        p.add_argument("--user", required=True, help="the team lead's username")
        p.add_argument("--site", help="the team's site, when two sites use its name")

    token = areas.add_parser("token", help="tokens").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = leaf(token, "revoke", _token_revoke, "revoke tokens")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--user", help="username")
    which.add_argument("--workstation", help="workstation name or id")
    which.add_argument("--all", action="store_true", help="every token: everyone signs in again")

    esc = areas.add_parser("escalation", help="alarm escalation per site").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    p = leaf(esc, "set", _escalation_set, "set the escalation ladder of a site")
    p.add_argument("--site", required=True, help="site name or id")
    p.add_argument(
        "--level",
        action="append",
        required=True,
        metavar="DELAY:TARGETS",
        help="e.g. 0s:colleagues, 20s:security,team_lead, 60s:webhook (repeat, in order)",
    )
    p.add_argument("--webhook-url", help="http(s) URL the webhook level posts to")
    p.add_argument(
        "--webhook-secret-stdin",
        action="store_true",
        help="read the webhook signing secret from standard input (kept if not given)",
    )
    p = leaf(esc, "show", _escalation_show, "show the escalation ladder of a site")
    p.add_argument("--site", required=True)
    p = leaf(esc, "reset", _escalation_reset, "back to the built-in ladder")
    p.add_argument("--site", required=True)
    from veiligbalie.server.site_alarm import add_cli as add_site_alarm_cli

    add_site_alarm_cli(site, esc, leaf, _Parser)

    epoch = areas.add_parser(
        "epoch", help="the database's epoch (after restoring a backup)"
    ).add_subparsers(dest="action", required=True, parser_class=_Parser)
    leaf(
        epoch,
        "rotate",
        _epoch_rotate,
        "new epoch after a restore: clients re-upload, nothing is silently lost",
    )

    station = areas.add_parser("station", help="which workstations are online").add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    leaf(station, "list", _station_list, "list workstations with their online state")

    from veiligbalie.server.backup import add_cli as add_backup_cli

    add_backup_cli(areas, _Parser, _db_options, _with_database)
    from veiligbalie.server.guidance import add_cli as add_guidance_cli

    add_guidance_cli(areas, leaf, _Parser)
    from veiligbalie.server.privacy_cli import add_cli as add_privacy_cli

    add_privacy_cli(areas, leaf, _Parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"veiligbalie-server: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("veiligbalie-server: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
