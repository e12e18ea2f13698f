"""The session knows the signed-in user's role and server id (what the review service asks
to decide who may act and who is "Ikzelf"), and forgets both at sign-out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from veiligbalie import secrets, settings
from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol.auth import LoginResponse, UserOut
from veiligbalie.services.session import Session


def test_role_and_user_id_follow_sign_in_and_out(qapp) -> None:  # noqa: ANN001
    # Nothing listens there: the /me question after sign-in fails quietly, on this machine.
    settings.SERVER_URL.set("https://127.0.0.1:9")
    secrets.set_secret(secrets.WORKSTATION_TOKEN, "ws-token")
    session = Session(qapp)  # outlives the test: its /me question may still be answered
    session.api.configure(settings.SERVER_URL.get(), None)
    assert session.role is None and session.user_id is None
    user_id = uuid.uuid4()
    answer = LoginResponse(
        token="user-token",
        expires_at=datetime.now(UTC) + timedelta(hours=8),
        user=UserOut(
            id=user_id,
            username="els",
            display_name="Els Jansen",
            role=Role.COORDINATOR,
            site_id=None,
        ),
    )
    session._on_logged_in(answer, None)
    assert session.role is Role.COORDINATOR and session.role.reviews
    assert session.user_id == user_id
    session.token_refused()  # signed out here (as logout does, without asking a server)
    assert session.role is None and session.user_id is None
    assert settings.LOGGED_IN_USER_ID.get() == ""


def test_sync_speaks_as_the_station_for_roles_that_read_no_reports(qapp) -> None:  # noqa: ANN001
    """An administrator or a privacy officer signed in at a counter reads no reports: sync
    goes on in the workstation's name (the server would refuse their token with 403)."""
    settings.SERVER_URL.set("https://127.0.0.1:9")
    secrets.set_secret(secrets.WORKSTATION_TOKEN, "ws-token")
    session = Session(qapp)  # outlives the test: its /me question may still be answered
    session.api.configure(settings.SERVER_URL.get(), None)
    assert session.sync_token() == ("ws-token", "workstation")
    for role, expected in (
        (Role.ADMINISTRATOR, ("ws-token", "workstation")),
        (Role.PRIVACY_OFFICER, ("ws-token", "workstation")),
        (Role.TEAM_LEAD, ("user-token", "user:els")),
        (Role.PEER_SUPPORT, ("user-token", "user:els")),
    ):
        answer = LoginResponse(
            token="user-token",
            expires_at=datetime.now(UTC) + timedelta(hours=8),
            user=UserOut(
                id=uuid.uuid4(), username="els", display_name="Els", role=role, site_id=None
            ),
        )
        session._on_logged_in(answer, None)
        assert session.sync_token() == expected, role
        session.token_refused()
