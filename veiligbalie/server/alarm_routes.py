"""REST routes of the alarm: raise, acknowledge, resolve, cancel, read (with the log),
station heartbeats, and the administrator's station list and escalation ladder.

A raise is fanned out to the stream before its commit and answered after it (see
:func:`raise_alarm`); every other change is committed first, then published to the stream
(and, on PostgreSQL, to the other server processes) by the app's
:class:`~veiligbalie.server.alarm_runtime.AlarmRuntime`.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, status

from veiligbalie.core.vocabulary import AlarmState, Role
from veiligbalie.protocol import alarm_server as ps
from veiligbalie.protocol import alarms as wire
from veiligbalie.protocol import site_alarm as psa
from veiligbalie.server import alarms, escalation_config, presence, site_alarm
from veiligbalie.server.auth import (
    BearerCredentials,
    Principal,
    admit,
    get_store,
    principal_of,
    require,
)
from veiligbalie.server.store import ServerStore, in_urgent_thread
from veiligbalie.server.stream import Message

if TYPE_CHECKING:
    from veiligbalie.server.alarm_runtime import AlarmRuntime

Store = Annotated[ServerStore, Depends(get_store)]
#: Alarms are raised and answered by workstations and by the site's users.
_CALLERS = frozenset((Role.EMPLOYEE, Role.TEAM_LEAD, Role.SECURITY))
AlarmCaller = Annotated[Principal, Depends(require(*_CALLERS, workstation=True))]


async def _alarm_caller(request: Request, credentials: BearerCredentials) -> Principal:
    """AlarmCaller for raising and answering an alarm: the token read on the loop itself on
    SQLite (see :meth:`ServerStore.reads_inline`), else on the alarm's own worker threads
    (never behind the other routes' work in the shared pool)."""
    store: ServerStore = request.app.state.store

    def check() -> Principal:
        return admit(principal_of(store, credentials, urgent=True), _CALLERS, workstation=True)

    return check() if store.reads_inline() else await in_urgent_thread(check)


#: Raising and answering an alarm: the caller found without waiting for the shared pool.
AlarmPathCaller = Annotated[Principal, Depends(_alarm_caller)]
#: Reading one alarm with its log: also the coördinator (every site's), for the review.
AlarmReader = Annotated[
    Principal,
    Depends(
        require(Role.EMPLOYEE, Role.TEAM_LEAD, Role.SECURITY, Role.COORDINATOR, workstation=True)
    ),
]
Workstation = Annotated[Principal, Depends(require(workstation=True))]
Administrator = Annotated[Principal, Depends(require(Role.ADMINISTRATOR))]
#: The caller's device (X-VB-Device): names the station an administrator works from.
Device = Annotated[uuid.UUID | None, Header()]

_401: dict[int | str, dict[str, Any]] = {
    401: {"description": "no, unknown, expired or revoked token"}
}
_403: dict[int | str, dict[str, Any]] = {
    403: {"description": "the role may not use this route"},
    **_401,
}
_CLAIM_422: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "an invalid body, or a claimed time (`raised_at`, `at`) more than "
        "5 minutes from the server's clock (with `sent_at`: `sent_at` more than 5 minutes "
        "from it, or the claim after `sent_at` or more than 30 days before it)"
    }
}
_change: dict[int | str, dict[str, Any]] = {
    400: {"description": "the body does not fit the path"},
    **_CLAIM_422,
    404: {"description": "no such alarm at your site"},
    409: {"description": "the alarm's rules refuse this change (the message says why)"},
    **_403,
}

router = APIRouter(prefix="/api/v1", tags=["alarms"])


def _publish(  # on a worker thread (it may wait for the fan-out, see FanOut.publish)
    request: Request,
    outcome: alarms.Outcome,
    principal: Principal,
    station_id: uuid.UUID | None,
) -> wire.AlarmBody:
    runtime = getattr(request.app.state, "alarms", None)
    if runtime is not None:
        runtime.learn(principal, station_id)
        runtime.published(outcome)
    return outcome.alarm


@router.post(
    wire.ALARMS_PATH,
    response_model=wire.AlarmBody,
    responses={
        409: {"description": "the alarm id belongs to another site"},
        **_CLAIM_422,
        **_403,
    },
)
async def raise_alarm(
    body: ps.ServerRaiseRequest, principal: AlarmPathCaller, store: Store, request: Request
) -> wire.AlarmBody:
    """Raise an alarm. Idempotent by ``id``: a repeat (after a lost answer, a reconnect or
    through another path) answers the stored alarm and notifies nobody again. A hardware
    panic-button gateway may send ``{}`` with its workstation token.

    The stations get the alarm before it is committed, the sender its answer only after:
    an answered raise is stored. One the server loses before its commit (a crash) was never
    answered; the sender's station stored it first and sends its open alarms again when its
    stream reconnects (stations de-duplicate by id; the repeat is stored once)."""
    runtime: AlarmRuntime | None = getattr(request.app.state, "alarms", None)
    now = request.app.state.clock()

    def prepare() -> tuple[alarms.Outcome | alarms.PreparedRaise, Message | None]:
        # The read-only checks and the event serialised once, in one step.
        prepared = alarms.prepare_raise(store, principal, body, now)
        if isinstance(prepared, alarms.Outcome):
            return prepared, None
        message = Message.of(prepared.event)
        if runtime is not None:
            runtime.note_raising(prepared, message)  # PostgreSQL: handed to its thread now
        return prepared, message

    # SQLite reads are local and short (WAL: never waiting for a writer): done on the loop
    # they cost less than the two thread switches a hop to the pool takes, as long as an
    # idle connection is there to take. A network database is read from the pool.
    if store.reads_inline():
        prepared, message = prepare()
    else:
        prepared, message = await in_urgent_thread(prepare)
    if isinstance(prepared, alarms.Outcome):  # a repeat: nobody is notified again
        if runtime is not None:
            runtime.learn(principal, body.station_id)
        return prepared.alarm
    if runtime is not None and message is not None:
        runtime.fan_out_raise(prepared, message)
    try:
        outcome = await in_urgent_thread(alarms.store_raise, store, prepared)
    except BaseException:
        if runtime is not None:
            runtime.raise_failed(prepared)
        raise
    if runtime is not None:
        runtime.learn(principal, body.station_id)
        await runtime.raise_stored(prepared, outcome)
    return outcome.alarm


@router.post(
    f"{wire.ALARMS_PATH}/{{alarm_id}}/acknowledge", response_model=wire.AlarmBody, responses=_change
)
async def acknowledge(
    alarm_id: uuid.UUID,
    body: wire.AckBody,
    principal: AlarmPathCaller,
    store: Store,
    request: Request,
) -> wire.AlarmBody:
    """ "Ik kom eraan". The same station again changes nothing; escalation stops."""

    def change() -> wire.AlarmBody:
        now = request.app.state.clock()
        outcome = alarms.acknowledge(store, principal, alarm_id, body, now)
        return _publish(request, outcome, principal, body.station_id)

    return await in_urgent_thread(change)


def _close_route(name: str, to: AlarmState, doc: str) -> None:
    """``POST /alarms/{id}/<name>``: the two ways to close an alarm differ only in the
    state they close it to, so one endpoint body serves both routes."""

    async def close(
        alarm_id: uuid.UUID,
        body: wire.CloseBody,
        principal: AlarmPathCaller,
        store: Store,
        request: Request,
    ) -> wire.AlarmBody:
        def change() -> wire.AlarmBody:
            now = request.app.state.clock()
            outcome = alarms.close(store, principal, alarm_id, body, to, now)
            return _publish(request, outcome, principal, body.station_id)

        return await in_urgent_thread(change)

    close.__name__ = close.__qualname__ = name
    close.__doc__ = doc
    router.post(
        f"{wire.ALARMS_PATH}/{{alarm_id}}/{name}", response_model=wire.AlarmBody, responses=_change
    )(close)


_close_route(
    "resolve",
    AlarmState.RESOLVED,
    """ "Afgehandeld" for everyone. Resolving a resolved alarm again changes nothing.""",
)
_close_route(
    "cancel",
    AlarmState.CANCELLED,
    """ "Vergissing": only the station (or user) that raised it, within the cancel window.""",
)


@router.post(
    f"{wire.ALARMS_PATH}/{{alarm_id}}/late", response_model=wire.AlarmBody, responses=_change
)
async def report_late(
    alarm_id: uuid.UUID,
    body: ps.ServerLateAlarmReport,
    principal: AlarmPathCaller,
    store: Store,
    request: Request,
) -> wire.AlarmBody:
    """An alarm the station raised and that was closed before the server could be told
    (the server was away): stored with its answers and its close as they happened (marked
    as reported late), told to no station, never escalated. Idempotent by the alarm's id; an
    alarm the server has open is closed by it (and the stations are told)."""

    def change() -> wire.AlarmBody:
        now = request.app.state.clock()
        outcome = alarms.report_late(store, principal, alarm_id, body, now)
        return _publish(request, outcome, principal, body.alarm.station_id)

    return await in_urgent_thread(change)


@router.get(wire.ALARMS_PATH, response_model=ps.AlarmList, responses=_403)
def list_alarms(
    principal: AlarmCaller,
    store: Store,
    open: Annotated[bool, Query(description="only alarms still open")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ps.AlarmList:
    """The site's alarms: the open ones (``open=true``) or the newest ``limit``."""
    return alarms.list_alarms(store, principal, open, limit)


@router.get(
    f"{wire.ALARMS_PATH}/{{alarm_id}}",
    response_model=ps.AlarmDetail,
    responses={404: {"description": "no such alarm at your site"}, **_403},
)
def alarm_detail(alarm_id: uuid.UUID, principal: AlarmReader, store: Store) -> ps.AlarmDetail:
    """One alarm with its log: raised, delivered, acknowledged, escalated, closed."""
    return alarms.alarm_detail(store, principal, alarm_id)


@router.post("/stations/heartbeat", response_model=psa.HeartbeatAnswer, responses=_403)
def heartbeat(
    principal: Workstation,
    store: Store,
    request: Request,
    body: ps.HeartbeatRequest | None = None,
) -> psa.HeartbeatAnswer:
    """A workstation's sign of life (the stream counts as one too); ``station_id`` tells the
    server which id the station uses on the alarm paths. The answer carries the site's LAN
    beacon set-up (``lan``), which the station takes over."""
    body = body or ps.HeartbeatRequest()
    status_now = presence.heartbeat(store, principal, body)
    runtime = getattr(request.app.state, "alarms", None)
    if runtime is not None:
        runtime.learn(principal, body.station_id)
    with store.read() as conn:
        lan = site_alarm.site_lan(conn, status_now.site_id)
    return psa.HeartbeatAnswer(**status_now.model_dump(), lan=lan)


_admin: dict[int | str, dict[str, Any]] = {
    400: {"description": "invalid input"},
    404: {"description": "no such site"},
    **_403,
}
adm = APIRouter(prefix="/api/v1/admin", tags=["admin"], responses=_admin)


@adm.get("/stations", response_model=list[ps.StationStatus])
def stations(_: Administrator, store: Store) -> list[ps.StationStatus]:
    """Every workstation, and whether it is online now."""
    return presence.list_stations(store)


@adm.get("/sites/{site_id}/escalation", response_model=ps.EscalationOut)
def get_escalation(site_id: uuid.UUID, _: Administrator, store: Store) -> ps.EscalationOut:
    return escalation_config.get_escalation(store, site_id)


@adm.put(
    "/sites/{site_id}/escalation",
    response_model=ps.EscalationOut,
    status_code=status.HTTP_200_OK,
)
def set_escalation(
    site_id: uuid.UUID,
    body: ps.EscalationIn,
    principal: Administrator,
    store: Store,
    x_vb_device: Device = None,
) -> ps.EscalationOut:
    """Set the site's escalation ladder. The webhook secret is write-only."""
    return escalation_config.set_escalation(
        store, site_id, body, actor=principal, device_id=x_vb_device
    )


@adm.delete("/sites/{site_id}/escalation", response_model=ps.EscalationOut)
def reset_escalation(
    site_id: uuid.UUID, principal: Administrator, store: Store, x_vb_device: Device = None
) -> ps.EscalationOut:
    """Back to the built-in ladder; the webhook URL and secret are removed too."""
    return escalation_config.reset_escalation(
        store, site_id, actor=principal, device_id=x_vb_device
    )


@adm.post(
    "/sites/{site_id}/escalation/webhook-test",
    response_model=psa.WebhookTestOut,
    responses={409: {"description": "no webhook URL or signing secret set for the site"}},
)
def test_webhook(
    site_id: uuid.UUID, principal: Administrator, store: Store, x_vb_device: Device = None
) -> psa.WebhookTestOut:
    """Send a signed test (``X-VeiligBalie-Event: webhook.test``, ``"test": true``) to the
    site's webhook and answer the receiver's status, the start of its body and the time
    taken, or why no answer came. A receiver that fails is a 200 with ``ok`` false."""
    return site_alarm.send_test_webhook(store, site_id, actor=principal, device_id=x_vb_device)


@adm.get("/sites/{site_id}/lan", response_model=psa.SiteLanOut)
def get_lan(site_id: uuid.UUID, _: Administrator, store: Store) -> psa.SiteLanOut:
    """The LAN beacon port, group and switch the site's workstations use."""
    return site_alarm.get_lan(store, site_id)


@adm.put("/sites/{site_id}/lan", response_model=psa.SiteLanOut)
def set_lan(
    site_id: uuid.UUID,
    body: psa.SiteLanIn,
    principal: Administrator,
    store: Store,
    request: Request,
    x_vb_device: Device = None,
) -> psa.SiteLanOut:
    """Set the LAN beacon of the site's workstations (null port or group: each keeps its
    own). The site's connected workstations are told at once (``site.lan``), the others
    with their next heartbeat."""
    lan = site_alarm.set_lan(store, site_id, body, actor=principal, device_id=x_vb_device)
    runtime = getattr(request.app.state, "alarms", None)
    if runtime is not None:
        runtime.site_lan(lan)
    return lan
