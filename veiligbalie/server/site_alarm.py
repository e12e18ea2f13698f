"""The rest of a site's alarm set-up beside the escalation ladder
(:mod:`veiligbalie.server.escalation_config`): the LAN beacon's port, multicast group and
on/off switch that the site's workstations take over, and the administrator's "send test"
of the escalation webhook.

Used by both the admin CLI (``admin site lan``, ``admin escalation test-webhook``) and the
REST routes, so both give the same messages; every change and every test is audited.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veiligbalie.protocol import alarm_server as ps
from veiligbalie.protocol.site_alarm import (
    WEBHOOK_TEST_BODY_MAX,
    WEBHOOK_TEST_EVENT,
    SiteLanIn,
    SiteLanOut,
    WebhookTestBody,
    WebhookTestOut,
)
from veiligbalie.server import schema as t
from veiligbalie.server.admin import find_site
from veiligbalie.server.errors import EscalationError
from veiligbalie.server.escalation import sign
from veiligbalie.server.escalation_config import record_change, site_escalation
from veiligbalie.server.store import ServerStore

if TYPE_CHECKING:
    from veiligbalie.server.auth import Principal

log = logging.getLogger(__name__)

PORT_MIN = 1024
PORT_MAX = 65535
_MULTICAST = ipaddress.IPv4Network("224.0.0.0/4")
_ADMIN_SCOPED = ipaddress.IPv4Network("239.0.0.0/8")
#: Seconds the webhook test waits for the receiver.
WEBHOOK_TEST_TIMEOUT = 5.0


# --- the LAN beacon -------------------------------------------------------------------------


def check_port(port: int | None) -> int | None:
    if port is None:
        return None
    if not PORT_MIN <= port <= PORT_MAX:
        raise EscalationError(f"the LAN port must be between {PORT_MIN} and {PORT_MAX}")
    return port


def check_group(group: str | None) -> str | None:
    """An IPv4 multicast group (239.x.x.x, organisation-local, is the usual choice)."""
    if group is None or not group.strip():
        return None
    text = group.strip()
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError:
        raise EscalationError(
            f"{text!r} is no IPv4 address; give a multicast group such as 239.255.47.47"
        ) from None
    if address not in _MULTICAST:
        raise EscalationError(
            f"{text} is no multicast group: use 239.0.0.0-239.255.255.255 (within the "
            "organisation) or another address in 224.0.0.0/4"
        )
    return str(address)


def _lan_out(row: Any) -> SiteLanOut:
    return SiteLanOut(
        site_id=row.id,
        port=row.lan_port,
        group=row.lan_group,
        enabled=bool(row.lan_enabled),
    )


def site_lan(conn: Connection, site_id: uuid.UUID) -> SiteLanOut | None:
    """The LAN set-up of one site (for the heartbeat of its workstations)."""
    row = conn.execute(
        sa.select(
            t.sites.c.id, t.sites.c.lan_port, t.sites.c.lan_group, t.sites.c.lan_enabled
        ).where(t.sites.c.id == site_id)
    ).first()
    return _lan_out(row) if row is not None else None


def get_lan(store: ServerStore, site_ref: str | uuid.UUID) -> SiteLanOut:
    with store.read() as conn:
        return _lan_out(find_site(conn, site_ref))


def set_lan(
    store: ServerStore,
    site_ref: str | uuid.UUID,
    body: SiteLanIn,
    *,
    actor: Principal | None = None,
    device_id: uuid.UUID | None = None,
) -> SiteLanOut:
    """Set the site's LAN beacon port and group (None: each station's own) and switch,
    audited as ``actor``'s change (None: the command line)."""
    port = check_port(body.port)
    group = check_group(body.group)
    with store.write() as conn:
        site = find_site(conn, site_ref)
        conn.execute(
            sa.update(t.sites)
            .where(t.sites.c.id == site.id)
            .values(lan_port=port, lan_group=group, lan_enabled=body.enabled)
        )
        record_change(
            conn,
            "site_lan_set",
            f"LAN alarm path of site {site.name}: "
            + ("on" if body.enabled else "OFF")
            + f", port {port if port is not None else 'per workstation'}"
            + f", group {group or 'per workstation'}",
            actor,
            device_id,
        )
        out = _lan_out(find_site(conn, site.id))
    log.info("LAN set-up of site %s changed", site.name)
    return out


# --- the webhook test -----------------------------------------------------------------------


def _plain_error(exc: httpx.HTTPError, where: str, timeout: float) -> str:
    """Why no answer came, in words an administrator can act on."""
    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer from {where} within {timeout:g} seconds"
    if isinstance(exc, httpx.ConnectError):
        if "refused" in text:
            return f"{where} refused the connection: nothing listens there"
        if (
            "name or service not known" in text
            or "nodename nor servname" in text
            or ("getaddrinfo" in text or "name resolution" in text)
        ):
            return f"the host name of {where} cannot be found"
        if "certificate" in text or "ssl" in text:
            return f"the certificate of {where} is not trusted"
        if "unreachable" in text:
            return f"{where} cannot be reached from the server (network unreachable)"
        return f"cannot connect to {where}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{where} closed the connection without a proper HTTP answer"
    return f"the request to {where} failed ({type(exc).__name__})"


def send_test_webhook(
    store: ServerStore,
    site_ref: str | uuid.UUID,
    *,
    actor: Principal | None = None,
    device_id: uuid.UUID | None = None,
    timeout: float = WEBHOOK_TEST_TIMEOUT,
) -> WebhookTestOut:
    """POST a signed test body to the site's configured webhook and report the receiver's
    answer (status, the start of its body, the time taken) or why none came. Audited.
    Raises EscalationError (409) when no URL or no signing secret is set."""
    with store.read() as conn:
        site = find_site(conn, site_ref)
        config = site_escalation(conn, site.id)
    if not config.webhook_url:
        raise EscalationError(
            f"site {site.name!r} has no webhook URL yet; set one and save first", 409
        )
    if not config.webhook_secret:
        raise EscalationError(
            f"the webhook of site {site.name!r} has no signing secret; set one and save first",
            409,
        )
    url = config.webhook_url
    parts = urlsplit(url)
    host = parts.hostname or ""
    where = f"{host}:{parts.port}" if parts.port else host
    body = WebhookTestBody(site_name=site.name, sent_at=datetime.now(UTC)).model_dump_json()
    data = body.encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        ps.WEBHOOK_TIMESTAMP_HEADER: stamp,
        ps.WEBHOOK_SIGNATURE_HEADER: sign(config.webhook_secret, stamp, data),
        ps.WEBHOOK_EVENT_HEADER: WEBHOOK_TEST_EVENT,
    }
    started = time.perf_counter()
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as http:
            answer = http.post(url, content=data, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        text = answer.content[: WEBHOOK_TEST_BODY_MAX * 4].decode("utf-8", errors="replace")
        result = WebhookTestOut(
            ok=200 <= answer.status_code < 300,
            url_host=where,
            status=answer.status_code,
            body=text[:WEBHOOK_TEST_BODY_MAX],
            elapsed_ms=round(elapsed, 1),
        )
    except httpx.HTTPError as exc:
        elapsed = (time.perf_counter() - started) * 1000
        result = WebhookTestOut(
            ok=False,
            url_host=where,
            elapsed_ms=round(elapsed, 1),
            error=_plain_error(exc, where, timeout),
        )
    outcome = f"HTTP {result.status}" if result.status is not None else result.error
    with store.write() as conn:
        record_change(
            conn,
            "escalation_webhook_test",
            f"webhook test of site {site.name} to {where}: {outcome} ({result.elapsed_ms:.0f} ms)",
            actor,
            device_id,
        )
    log.info("webhook test of site %s to %s: %s", site.name, where, outcome)
    return result


# --- the command line -----------------------------------------------------------------------

Leaf = Callable[..., argparse.ArgumentParser]


def _print_lan(lan: SiteLanOut, site: str) -> None:
    port = lan.port if lan.port is not None else "per workstation"
    group = lan.group or "per workstation"
    state = "on" if lan.enabled else "OFF"
    print(f"LAN alarm path of site {site}: {state}; port {port}; group {group}")


def _lan_show(store: ServerStore, args: argparse.Namespace) -> None:
    _print_lan(get_lan(store, args.site), args.site)


def _lan_set(store: ServerStore, args: argparse.Namespace) -> None:
    current = get_lan(store, args.site)
    port = current.port if args.port is None else (None if args.port == "station" else args.port)
    group = (
        current.group if args.group is None else (None if args.group == "station" else args.group)
    )
    enabled = current.enabled if args.enabled is None else args.enabled == "on"
    if isinstance(port, str):
        try:
            port = int(port)
        except ValueError:
            raise EscalationError(f"not a port number: {port!r}") from None
    body = SiteLanIn(port=port, group=group, enabled=enabled)
    _print_lan(set_lan(store, args.site, body), args.site)


def _test_webhook(store: ServerStore, args: argparse.Namespace) -> None:
    result = send_test_webhook(store, args.site)
    if result.status is None:
        raise EscalationError(f"webhook test failed: {result.error}")
    print(f"{result.url_host} answered HTTP {result.status} in {result.elapsed_ms:.0f} ms")
    if result.body:
        print(f"  body: {result.body[:200]}")
    if not result.ok:
        raise EscalationError(f"webhook test failed: the receiver answered HTTP {result.status}")


def add_cli(
    site: argparse._SubParsersAction[Any],
    escalation: argparse._SubParsersAction[Any],
    leaf: Leaf,
    parser_class: type[argparse.ArgumentParser],
) -> None:
    """``admin site lan show|set`` and ``admin escalation test-webhook``."""
    lan = site.add_parser("lan", help="the LAN alarm path of a site's workstations")
    actions = lan.add_subparsers(dest="lan_action", required=True, parser_class=parser_class)
    p = leaf(actions, "show", _lan_show, "show the LAN port, group and switch of a site")
    p.add_argument("--site", required=True, help="site name or id")
    p = leaf(actions, "set", _lan_set, "set the LAN port, group or switch of a site")
    p.add_argument("--site", required=True, help="site name or id")
    p.add_argument(
        "--port",
        help=f"UDP port {PORT_MIN}-{PORT_MAX}, or 'station' for each workstation's own",
    )
    p.add_argument(
        "--group",
        help="multicast group (e.g. 239.255.47.47), or 'station' for each workstation's own",
    )
    p.add_argument(
        "--enabled", choices=["on", "off"], help="off: the site's workstations stop the LAN path"
    )
    p = leaf(
        escalation,
        "test-webhook",
        _test_webhook,
        "send a signed test to the site's webhook and show the answer",
    )
    p.add_argument("--site", required=True, help="site name or id")
