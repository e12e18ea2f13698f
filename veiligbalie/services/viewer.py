"""Who reads the Logboek and the review areas: :class:`Viewer`, from the session. Apart from
the log's reads (services.log) because the main window decides its navigation with it at
start, before the Logboek is first opened."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from veiligbalie.core.vocabulary import Role

if TYPE_CHECKING:
    from veiligbalie.services.session import Session


@dataclass(frozen=True)
class Viewer:
    """Who reads the log: the signed-in person's role (None: nobody signed in) on a
    linked workstation, or a workstation without a server (its own log)."""

    linked: bool
    role: Role | None = None
    user_id: uuid.UUID | None = None
    site_shares_log: bool = False

    @property
    def sees_team_lead_only(self) -> bool:
        """Reports meant for the team lead only: reviewers, and a workstation without a
        server (nobody else's reports are on it)."""
        return not self.linked or (self.role is not None and self.role.reviews)

    @property
    def reads_restricted(self) -> bool:
        """The perpetrator fields (restricted data, AVG): reviewers, and a workstation
        without a server. Never an employee reading the site's shared log."""
        return not self.linked or (self.role is not None and self.role.reviews)

    @property
    def sees_log(self) -> bool:
        if not self.linked:
            return True
        if self.role is None:
            return False
        if self.role.reviews:
            return True
        # Security and employees read the site's log where the site shares it.
        return self.role in (Role.SECURITY, Role.EMPLOYEE) and self.site_shares_log

    @property
    def sees_review(self) -> bool:
        """Opvolging and Overzicht: team leads and coordinators, or no server at all."""
        return not self.linked or (self.role is not None and self.role.reviews)


def viewer_of(session: Session | None) -> Viewer:
    """The person behind the workstation now, as the log and the navigation see them."""
    if session is None or not session.enrolled:
        return Viewer(linked=False)
    return Viewer(
        linked=True,
        role=session.role,
        user_id=session.user_id,
        site_shares_log=session.site_shares_log,
    )
