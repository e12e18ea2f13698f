"""The FastAPI application factory of the central server: store, stream hub, routes, a request
body cap and exception handlers that turn every kind of bad input into a 4xx."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import veiligbalie
from veiligbalie.core.limits import MAX_ATTACHMENT_BYTES
from veiligbalie.protocol.events import PING_INTERVAL_SECONDS
from veiligbalie.server.admin import AdminError
from veiligbalie.server.alarm_routes import adm as alarm_admin_router
from veiligbalie.server.alarm_routes import router as alarm_router
from veiligbalie.server.alarm_runtime import AlarmRuntime
from veiligbalie.server.auth import AuthError, LoginRefused
from veiligbalie.server.dossier import router as dossier_router
from veiligbalie.server.errors import RequestRefused
from veiligbalie.server.escalation import WebhookPolicy
from veiligbalie.server.guidance import router as guidance_router
from veiligbalie.server.http_security import SecurityHeadersMiddleware
from veiligbalie.server.login_throttle import ThrottlePolicy
from veiligbalie.server.organisation import router as organisation_router
from veiligbalie.server.privacy import router as privacy_router
from veiligbalie.server.retention import Clock, DailyPurge, system_clock
from veiligbalie.server.review import UPLOAD_PATH, prepare_files_dir
from veiligbalie.server.review import router as review_router
from veiligbalie.server.routes import documented_only, router
from veiligbalie.server.store import ServerStore, default_files_dir
from veiligbalie.server.stream import RawSendMiddleware, StreamHub
from veiligbalie.server.stream import router as stream_router
from veiligbalie.server.supervision import DropoutWatch
from veiligbalie.server.supervision import adm as supervision_admin_router
from veiligbalie.server.supervision import router as supervision_router

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 5 * 1024 * 1024


class BodyLimitMiddleware:
    """Answer 413 to a request body above ``max_bytes`` before any route reads it.

    An attachment upload may be up to MAX_ATTACHMENT_BYTES; its route streams the body to
    disk and counts it itself, so it is never held in memory here."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        limit = self.max_bytes
        if scope.get("method") == "PUT" and UPLOAD_PATH.match(scope.get("path", "")):
            limit = MAX_ATTACHMENT_BYTES
            if length is None:
                await self.app(scope, receive, send)  # the route counts as it streams
                return
        if length is not None:
            try:
                too_big = int(length) > limit
            except ValueError:
                await _plain(send, 400, "invalid Content-Length")
                return
            if too_big:
                await _plain(send, 413, f"request body larger than {limit} bytes")
                return
            await self.app(scope, receive, send)
            return
        # No length given (chunked): read up to the cap, then replay the body to the app.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await _plain(send, 413, f"request body larger than {self.max_bytes} bytes")
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replay: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([replay], receive), send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    async def receive() -> Message:
        if messages:
            return messages.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


async def _plain(send: Send, code: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": code,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _validation_detail(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Without "input": the default echoes what was sent back, passwords included.
    return [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]


def _document_common_answers(app: FastAPI, max_body_bytes: int) -> None:
    """Put the answers every route may give in /openapi.json: a busy database (503) on all,
    a body above the cap (413) and a bad Content-Length (400) on those that take one."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=[*app.routes, *documented_only.routes],
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                answers.setdefault(
                    "503", {"description": "the database is busy or unavailable; try again"}
                )
                if "requestBody" in operation:
                    answers.setdefault(
                        "413", {"description": f"a request body above {max_body_bytes} bytes"}
                    )
                    answers.setdefault("400", {"description": "an invalid Content-Length header"})
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(
    database_url: str | None = None,
    *,
    store: ServerStore | None = None,
    ping_interval: float = PING_INTERVAL_SECONDS,
    max_body_bytes: int = MAX_BODY_BYTES,
    webhook: WebhookPolicy | None = None,
    quiet_gc: bool = False,
    files_dir: str | Path | None = None,
    clock: Callable[[], datetime] | None = None,
    login_policy: ThrottlePolicy | None = None,
    purge_clock: Clock = system_clock,
    purge_first_delay: float = 60.0,
) -> FastAPI:
    """The server app on ``database_url`` (migrated at creation) or an open ``store``.

    ``files_dir`` holds the reports' attachments (created here); by default a ``files``
    folder next to the SQLite database, or in the server data folder for PostgreSQL.

    ``quiet_gc`` (the ``serve`` command sets it) keeps full garbage collections out of
    alarm fan-outs; it changes process-wide collector settings, so embedders choose.

    ``clock`` is the server's time for sign-in throttling and alarm receipt times (tests
    move it); ``login_policy`` the throttle's numbers (by default from the environment);
    ``purge_clock`` the retention purge's time."""
    if store is None:
        if database_url is None:
            raise ValueError("give database_url or store")
        store = ServerStore(database_url)
    hub = StreamHub()
    alarms = AlarmRuntime(store, hub, webhook=webhook, quiet_gc=quiet_gc)
    files = prepare_files_dir(Path(files_dir or default_files_dir(store.url)))
    # Retention: the purge of expired personal data, once a day (``purge_clock`` for tests).
    daily_purge = DailyPurge(store, files, purge_clock, first_delay=purge_first_delay)
    # Supervision: stations that drop out during opening hours, written and told once.
    dropout_watch = DropoutWatch(store, hub, runtime=alarms)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        hub.attach_loop(asyncio.get_running_loop())
        await alarms.start()
        await daily_purge.start()
        await dropout_watch.start()
        try:
            yield
        finally:
            await dropout_watch.stop()
            await daily_purge.stop()
            await alarms.stop()

    app = FastAPI(
        title="VeiligBalie server",
        version=veiligbalie.__version__,
        description="Central server of VeiligBalie: alarms, sync, incidents, administration, "
        "stream.",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.clock = clock or (lambda: datetime.now(UTC))
    app.state.login_policy = login_policy or ThrottlePolicy.from_environment()
    app.state.files_dir = files
    app.state.daily_purge = daily_purge
    app.state.dropout_watch = dropout_watch
    app.state.hub = hub
    app.state.ping_interval = ping_interval
    app.state.alarms = alarms
    # The alarm routes first: requests are matched against the routes in order, and the
    # raise is the one whose every microsecond counts. Before them the review's routes:
    # /alarms/followup must not be read as /alarms/{alarm_id}.
    app.include_router(review_router)
    app.include_router(alarm_router)
    app.include_router(router)
    app.include_router(alarm_admin_router)
    app.include_router(stream_router)
    app.include_router(guidance_router)
    app.include_router(privacy_router)
    app.include_router(dossier_router)
    app.include_router(organisation_router)
    app.include_router(supervision_router)
    app.include_router(supervision_admin_router)
    # After every router: each route's documented answers include the common ones.
    _document_common_answers(app, max_body_bytes)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(RawSendMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {"detail": _validation_detail(exc)}, status.HTTP_422_UNPROCESSABLE_CONTENT
        )

    @app.exception_handler(AdminError)
    async def _admin(_: Request, exc: AdminError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, exc.status)

    @app.exception_handler(RequestRefused)
    async def _refused(_: Request, exc: RequestRefused) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, exc.status)

    @app.exception_handler(AuthError)
    async def _auth(_: Request, exc: AuthError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        if isinstance(exc, LoginRefused) and exc.retry_after:
            headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse({"detail": str(exc)}, exc.status_code, headers=headers)

    @app.exception_handler(sqlalchemy.exc.DataError)
    async def _data(_: Request, exc: sqlalchemy.exc.DataError) -> JSONResponse:
        log.info("refused a value the database cannot store: %s", type(exc.orig).__name__)
        return JSONResponse({"detail": "a value cannot be stored"}, status.HTTP_400_BAD_REQUEST)

    @app.exception_handler(sqlalchemy.exc.IntegrityError)
    async def _integrity(_: Request, exc: sqlalchemy.exc.IntegrityError) -> JSONResponse:
        log.info("integrity error: %s", type(exc.orig).__name__)
        return JSONResponse(
            {"detail": "this conflicts with existing data; try again"}, status.HTTP_409_CONFLICT
        )

    @app.exception_handler(sqlalchemy.exc.OperationalError)
    async def _busy(_: Request, exc: sqlalchemy.exc.OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc.orig).__name__)
        return JSONResponse(
            {"detail": "the database is busy or unavailable; try again"},
            status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.detail}, exc.status_code, headers=getattr(exc, "headers", None)
        )

    return app
