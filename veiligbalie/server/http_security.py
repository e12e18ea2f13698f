"""Security headers on every HTTP answer, and honest ``OPTIONS``/``Allow``.

Every answer says: do not sniff the type, do not cache (answers carry tokens and personal
data), send no referrer, never frame me, and run nothing (a strict Content-Security-Policy:
the API answers JSON). Over TLS it adds HSTS. No CORS header is ever sent: a browser page
from another origin cannot read an answer (the clients are desktop programs).

``OPTIONS`` on a path answers 204 with ``Allow`` naming every method the path has, and a 405
(a method the path does not have) names them all too (Starlette names only those of the
first route that matched the path)."""

from __future__ import annotations

import logging
import re

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import veiligbalie
from veiligbalie.protocol.sync import API_VERSION, API_VERSION_HEADER, SERVER_VERSION_HEADER

HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
#: JSON needs nothing: no scripts, styles, frames or connections from a page.
STRICT_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: The interactive documentation page loads its script and style from a CDN.
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
HSTS = b"max-age=31536000"
#: On every answer: which API and program answered, so a client can tell "the server is
#: newer/older than I am" from a plain failure (protocol.sync.API_VERSION).
VERSION_HEADERS: list[tuple[bytes, bytes]] = [
    (API_VERSION_HEADER.lower().encode(), str(API_VERSION).encode()),
    (SERVER_VERSION_HEADER.lower().encode(), veiligbalie.__version__.encode()),
]


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(scope: Scope) -> list[str]:
    """Every method some route of the app answers on this path, and OPTIONS."""
    routes = getattr(scope.get("app"), "routes", ())
    methods = {
        method
        for method in METHODS
        if any(
            route.matches(dict(scope, type="http", method=method))[0] == Match.FULL
            for route in routes
        )
    }
    if methods:
        methods.add("OPTIONS")
    return sorted(methods)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        tls = scope.get("scheme") == "https"
        if scope.get("method") == "OPTIONS":
            methods = allowed_methods(scope)
            if methods:
                await self._options(send, methods, tls, path)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {name.lower() for name, _ in headers}
                if message.get("status") == 405:
                    headers = [(n, v) for n, v in headers if n.lower() != b"allow"]
                    allow = ", ".join(allowed_methods(scope))
                    headers.append((b"allow", allow.encode()))
                headers += _security_headers(names, tls, path)
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _options(send: Send, methods: list[str], tls: bool, path: str) -> None:
        headers = [(b"allow", ", ".join(methods).encode()), (b"content-length", b"0")]
        headers += _security_headers(set(), tls, path)
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _security_headers(present: set[bytes], tls: bool, path: str) -> list[tuple[bytes, bytes]]:
    extra = [(n, v) for n, v in HEADERS + VERSION_HEADERS if n not in present]
    if b"cache-control" not in present:
        extra.append((b"cache-control", b"no-store"))
    if path not in DOCS_PATHS and b"content-security-policy" not in present:
        extra.append((b"content-security-policy", STRICT_CSP))
    if tls:
        extra.append((b"strict-transport-security", HSTS))
    return extra


#: Query parameters whose values never reach a log line (a token sent where it should not be).
_SECRET_QUERY = re.compile(r"(?i)([?&](?:token|access_token|bearer|password|code)=)[^&\s\"]*")


def redact(text: str) -> str:
    """``text`` with the values of secret-looking query parameters replaced by ``***``."""
    return _SECRET_QUERY.sub(r"\1***", text)


class RedactSecretsFilter(logging.Filter):
    """Keeps tokens out of uvicorn's access and WebSocket log lines: the path it logs
    carries the query string, and a client may still put a token there (it is refused)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_server_logs() -> None:
    """Install the filter on uvicorn's loggers (after uvicorn configured its logging)."""
    for name in ("uvicorn.access", "uvicorn.error", "uvicorn"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
            logger.addFilter(RedactSecretsFilter())
