"""The words of the domain: stable string values used in the database, on the wire and in
the UI (which maps each value to a translated label).

Values are English identifiers and never change once released; add new members, never
rename existing ones.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What happened. Several may apply to one incident."""

    VERBAL_AGGRESSION = "verbal_aggression"
    THREAT = "threat"  # to the person or their family
    INTIMIDATION = "intimidation"  # including sexual intimidation
    DISCRIMINATION = "discrimination"
    PHYSICAL_VIOLENCE = "physical_violence"
    PROPERTY_DAMAGE = "property_damage"  # damage and vandalism
    ONLINE_ABUSE = "online_abuse"  # social media, e-mail, phone
    DOXING = "doxing"  # a criminal offence in NL since 1 January 2024
    OTHER = "other"


class Channel(StrEnum):
    """Where or how the incident reached the employee."""

    COUNTER = "counter"
    PHONE = "phone"
    EMAIL_LETTER = "email_letter"
    ONLINE = "online"  # online and social media
    HOME_VISIT = "home_visit"
    OUTDOORS = "outdoors"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Role(StrEnum):
    EMPLOYEE = "employee"  # medewerker
    TEAM_LEAD = "team_lead"  # teamleider
    SECURITY = "security"  # beveiliging
    ADMINISTRATOR = "administrator"  # beheerder
    #: Coördinator agressie en geweld: sees and acts on every site's reports, coordinates
    #: measures against perpetrators and contact with the police.
    COORDINATOR = "coordinator"
    #: Member of the collegiaal opvangteam: sees only the aftercare tasks assigned to them.
    PEER_SUPPORT = "peer_support"
    #: Functionaris gegevensbescherming: reads the audit log (who read or changed restricted
    #: data); sees no reports.
    PRIVACY_OFFICER = "privacy_officer"

    @property
    def reviews(self) -> bool:
        """Acts on reports (status, assignment, messages, follow-up) at its site or sites."""
        return self in (Role.TEAM_LEAD, Role.COORDINATOR)

    @property
    def reads_reports(self) -> bool:
        """Receives reports (or tasks) through sync; administrators and privacy officers
        manage and audit, they read no reports."""
        return self not in (Role.ADMINISTRATOR, Role.PRIVACY_OFFICER)


class IncidentStatus(StrEnum):
    """How far a report has travelled, as the reporter sees it in *Mijn meldingen*."""

    SAVED_LOCALLY = "saved_locally"
    SENT = "sent"
    RECEIVED = "received"  # seen by the team lead
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"

    @property
    def rank(self) -> int:
        return list(IncidentStatus).index(self)


class AlarmKind(StrEnum):
    SILENT = "silent"  # default: the sender only sees a discreet "help is coming"
    OPEN = "open"


class AlarmType(StrEnum):
    AGGRESSION = "aggression"  # default
    MEDICAL = "medical"
    OTHER = "other"


class AlarmState(StrEnum):
    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"  # at least one responder said "Ik kom eraan"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"  # "vergissing": still followed up, never blamed

    @property
    def is_open(self) -> bool:
        return self not in (AlarmState.RESOLVED, AlarmState.CANCELLED)


class FollowUpKind(StrEnum):
    """The follow-up steps of the norm, each with its own deadline (see core.followup)."""

    PERPETRATOR_RESPONSE = "perpetrator_response"  # within 24 hours
    POLICE_REPORT = "police_report"  # aangifte, preferably within 2 working days
    AFTERCARE_TALK = "aftercare_talk"  # within 72 hours
    AFTERCARE_FOLLOW_UP_2W = "aftercare_follow_up_2w"  # about 2 weeks
    AFTERCARE_FOLLOW_UP_6W = "aftercare_follow_up_6w"  # 6 to 8 weeks
    DAMAGE_RECOVERY = "damage_recovery"
    EVALUATION = "evaluation"  # risk, cause, trend, improvement


class ResponseMeasure(StrEnum):
    """The organisation's escalation of measures against a perpetrator, mildest first (the
    response on behalf of the organisation within 24 hours picks one)."""

    WARNING_LETTER = "warning_letter"
    CONDUCT_TALK = "conduct_talk"  # ordegesprek: a conversation about conduct
    APPOINTMENT_ONLY = "appointment_only"  # service by appointment only (e.g. in pairs)
    ACCESS_BAN = "access_ban"  # toegangsverbod for a set period
    NO_MEASURE = "no_measure"  # decided, with a reason in the note, not to take a measure


class RecoveryRoute(StrEnum):
    """How damage is recovered from the perpetrator."""

    CRIMINAL_CASE = "criminal_case"  # joining the criminal case as injured party (voeging)
    CIVIL_CLAIM = "civil_claim"
    INSURER = "insurer"


class RecoveryStatus(StrEnum):
    NOT_STARTED = "not_started"
    CLAIMED = "claimed"
    PARTLY_RECOVERED = "partly_recovered"
    RECOVERED = "recovered"
    NOT_RECOVERABLE = "not_recoverable"


class TaskAction(StrEnum):
    """What one ``incident.followup`` event does to its task."""

    PLANNED = "planned"  # the task exists, with its due date (created when a report arrives)
    DONE = "done"  # ticked off with a date and a note
    UPDATED = "updated"  # details recorded (police report number, damage figures, measures)
    ASSIGNED = "assigned"  # given to a team lead or a peer-support member
    REOPENED = "reopened"  # ticked off by mistake: open again
