"""Translated, human labels for the domain's stable values (categories, channels, statuses)
and the plain-language validation messages shown next to a field.

Every function is called at display time, never at import, so a language switch applies.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from veiligbalie.core.incident import Field, Incident, Problem, ValidationError
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Category, Channel, FollowUpKind, IncidentStatus, Severity

# lupdate reads the context from each call, so it is written out as "Labels" every time.


#: The order categories appear in the form; their number key is the position + 1.
CATEGORY_ORDER: tuple[Category, ...] = (
    Category.VERBAL_AGGRESSION,
    Category.THREAT,
    Category.INTIMIDATION,
    Category.DISCRIMINATION,
    Category.PHYSICAL_VIOLENCE,
    Category.PROPERTY_DAMAGE,
    Category.ONLINE_ABUSE,
    Category.DOXING,
    Category.OTHER,
)


def category_label(category: Category) -> str:
    labels = {
        Category.VERBAL_AGGRESSION: QCoreApplication.translate("Labels", "Verbal aggression"),
        Category.THREAT: QCoreApplication.translate("Labels", "Threat (to you or your family)"),
        Category.INTIMIDATION: QCoreApplication.translate("Labels", "Intimidation (also sexual)"),
        Category.DISCRIMINATION: QCoreApplication.translate("Labels", "Discrimination"),
        Category.PHYSICAL_VIOLENCE: QCoreApplication.translate("Labels", "Physical violence"),
        Category.PROPERTY_DAMAGE: QCoreApplication.translate("Labels", "Damage or vandalism"),
        Category.ONLINE_ABUSE: QCoreApplication.translate(
            "Labels", "Online abuse (social media, mail, phone)"
        ),
        Category.DOXING: QCoreApplication.translate("Labels", "Doxing (personal data spread)"),
        Category.OTHER: QCoreApplication.translate("Labels", "Other"),
    }
    return labels[category]


def channel_label(channel: Channel) -> str:
    labels = {
        Channel.COUNTER: QCoreApplication.translate("Labels", "At the counter"),
        Channel.PHONE: QCoreApplication.translate("Labels", "By phone"),
        Channel.EMAIL_LETTER: QCoreApplication.translate("Labels", "By e-mail or letter"),
        Channel.ONLINE: QCoreApplication.translate("Labels", "Online or social media"),
        Channel.HOME_VISIT: QCoreApplication.translate("Labels", "During a home visit"),
        Channel.OUTDOORS: QCoreApplication.translate("Labels", "Outdoors"),
    }
    return labels[channel]


def severity_label(severity: Severity) -> str:
    labels = {
        Severity.LOW: QCoreApplication.translate("Labels", "Minor"),
        Severity.MEDIUM: QCoreApplication.translate("Labels", "Serious"),
        Severity.HIGH: QCoreApplication.translate("Labels", "Very serious"),
        Severity.CRITICAL: QCoreApplication.translate("Labels", "Critical"),
    }
    return labels[severity]


def status_label(status: IncidentStatus) -> str:
    labels = {
        IncidentStatus.SAVED_LOCALLY: QCoreApplication.translate(
            "Labels", "Saved on this workstation"
        ),
        IncidentStatus.SENT: QCoreApplication.translate("Labels", "Sent"),
        IncidentStatus.RECEIVED: QCoreApplication.translate("Labels", "Received by team lead"),
        IncidentStatus.IN_PROGRESS: QCoreApplication.translate("Labels", "In progress"),
        IncidentStatus.CLOSED: QCoreApplication.translate("Labels", "Closed"),
    }
    return labels[status]


def status_short_label(status: IncidentStatus) -> str:
    """The status in a table cell, where the full label does not fit beside the rest (the
    full one is the cell's tooltip)."""
    if status is IncidentStatus.SAVED_LOCALLY:
        return QCoreApplication.translate("Labels", "On this workstation")
    if status is IncidentStatus.RECEIVED:
        return QCoreApplication.translate("Labels", "Received")
    return status_label(status)


def status_explanation(status: IncidentStatus) -> str:
    """One sentence on what the status means for the reporter."""
    labels = {
        IncidentStatus.SAVED_LOCALLY: QCoreApplication.translate(
            "Labels",
            "Your report is safe on this workstation and will be sent as soon as the server "
            "can be reached.",
        ),
        IncidentStatus.SENT: QCoreApplication.translate(
            "Labels", "Your report has reached the server; your team lead can see it."
        ),
        IncidentStatus.RECEIVED: QCoreApplication.translate(
            "Labels", "Your team lead has read your report."
        ),
        IncidentStatus.IN_PROGRESS: QCoreApplication.translate(
            "Labels", "Your team lead is working on the follow-up."
        ),
        IncidentStatus.CLOSED: QCoreApplication.translate("Labels", "The follow-up is finished."),
    }
    return labels[status]


def field_label(name: str) -> str:
    """The name of a report's field as a person reads it (an unknown one as it is)."""
    labels = {
        "occurred_at": QCoreApplication.translate("Labels", "Date and time"),
        "location": QCoreApplication.translate("Labels", "Location"),
        "channel": QCoreApplication.translate("Labels", "Channel"),
        "categories": QCoreApplication.translate("Labels", "Type of incident"),
        "severity": QCoreApplication.translate("Labels", "Severity"),
        "description": QCoreApplication.translate("Labels", "Description"),
        "on_behalf_of": QCoreApplication.translate("Labels", "Reported on behalf of"),
        "perpetrator_known": QCoreApplication.translate("Labels", "Perpetrator known"),
        "perpetrator_description": QCoreApplication.translate(
            "Labels", "Description of the perpetrator"
        ),
        "perpetrator_reference": QCoreApplication.translate("Labels", "Client or case number"),
        "witnesses": QCoreApplication.translate("Labels", "Witnesses"),
        "injury": QCoreApplication.translate("Labels", "Someone was injured"),
        "damage": QCoreApplication.translate("Labels", "There is damage"),
        "damage_amount_cents": QCoreApplication.translate("Labels", "Estimated damage"),
        "absence": QCoreApplication.translate("Labels", "Someone could not work"),
        "police_called": QCoreApplication.translate("Labels", "Police called"),
        "arrest": QCoreApplication.translate("Labels", "Arrest"),
        "police_report_intended": QCoreApplication.translate(
            "Labels", "Police report (aangifte) intended"
        ),
        "aftercare_wanted": QCoreApplication.translate("Labels", "Aftercare talk wanted"),
        "team_lead_only": QCoreApplication.translate("Labels", "Only visible to the team lead"),
    }
    return labels.get(name, name)


def consequence_labels(incident: Incident) -> list[str]:
    """What followed the incident, as short words: injury, damage, … and the estimate."""
    found = [
        text
        for flag, text in (
            (incident.injury, QCoreApplication.translate("Labels", "injury")),
            (incident.damage, QCoreApplication.translate("Labels", "damage")),
            (incident.absence, QCoreApplication.translate("Labels", "absence")),
            (incident.police_called, QCoreApplication.translate("Labels", "police called")),
            (incident.arrest, QCoreApplication.translate("Labels", "arrest")),
            (
                incident.police_report_intended,
                QCoreApplication.translate("Labels", "police report intended"),
            ),
        )
        if flag
    ]
    if incident.damage_amount_cents is not None:
        amount = QLocale().toCurrencyString(incident.damage_amount_cents / 100, "€")
        found.append(fill(QCoreApplication.translate("Labels", "estimated damage %1"), amount))
    return found


def reference_text(reference: str, provisional: bool) -> str:
    """A report's number as shown: marked while it is only this workstation's provisional
    number (the server gives the organisation-wide one on receipt)."""
    if not provisional or not reference:
        return reference
    return fill(QCoreApplication.translate("Labels", "%1 (provisional)"), reference)


def earlier_reference_text(reference: str) -> str:
    """The number a report went by before the server gave it its final one."""
    return fill(QCoreApplication.translate("Labels", "earlier: %1"), reference)


def workstation_state_label(online: bool, enrolled: bool = True, revoked: bool = False) -> str:
    """A workstation's state as Beheer → Werkplekken and the Toezicht board both say it."""
    if revoked:
        return QCoreApplication.translate("Labels", "Revoked")
    if not enrolled:
        return QCoreApplication.translate("Labels", "Waiting for linking")
    if online:
        return QCoreApplication.translate("Labels", "Online")
    return QCoreApplication.translate("Labels", "Offline")


def escalation_target_label(target: str) -> str:
    """Whom an escalation level of an alarm alerted (the server's target names)."""
    labels = {
        "colleagues": QCoreApplication.translate("Labels", "colleagues"),
        "security": QCoreApplication.translate("Labels", "security"),
        "team_lead": QCoreApplication.translate("Labels", "team leads"),
        "coordinator": QCoreApplication.translate("Labels", "coördinators"),
    }
    return labels.get(target, target)


def timeline_kind_label(kind: str) -> str:
    labels = {
        "note": QCoreApplication.translate("Labels", "Information added"),
        "status": QCoreApplication.translate("Labels", "Status"),
        "message": QCoreApplication.translate("Labels", "Message from your team lead"),
        "followup": QCoreApplication.translate("Labels", "Follow-up"),
    }
    return labels.get(kind, kind)


def follow_up_label(kind: FollowUpKind) -> str:
    labels = {
        FollowUpKind.PERPETRATOR_RESPONSE: QCoreApplication.translate(
            "Labels", "Response to the perpetrator"
        ),
        FollowUpKind.POLICE_REPORT: QCoreApplication.translate(
            "Labels", "Police report (aangifte)"
        ),
        FollowUpKind.AFTERCARE_TALK: QCoreApplication.translate("Labels", "Aftercare talk"),
        FollowUpKind.AFTERCARE_FOLLOW_UP_2W: QCoreApplication.translate(
            "Labels", "Aftercare follow-up after two weeks"
        ),
        FollowUpKind.AFTERCARE_FOLLOW_UP_6W: QCoreApplication.translate(
            "Labels", "Aftercare follow-up after six weeks"
        ),
        FollowUpKind.DAMAGE_RECOVERY: QCoreApplication.translate("Labels", "Recovering the damage"),
        FollowUpKind.EVALUATION: QCoreApplication.translate("Labels", "Evaluation"),
    }
    return labels[kind]


def validation_message(error: ValidationError) -> str:
    """A plain sentence saying what is wrong with a field and how to put it right."""
    f, p, limit = error.field, error.problem, error.limit
    if p is Problem.TOO_LONG:
        return fill(
            QCoreApplication.translate(
                "Labels", "This is too long: at most %1 characters. Nothing you typed is lost."
            ),
            limit,
        )
    if f is Field.OCCURRED_AT:
        if p is Problem.IN_FUTURE:
            return QCoreApplication.translate(
                "Labels", "This time lies in the future. Choose a time up to now."
            )
        if p is Problem.TOO_OLD:
            return QCoreApplication.translate(
                "Labels", "This date is more than five years ago. Please check the year."
            )
        return QCoreApplication.translate("Labels", "Choose a valid date and time.")
    if f is Field.LOCATION:
        return QCoreApplication.translate(
            "Labels", "Fill in where it happened, for example 'Counter 3'."
        )
    if f is Field.CATEGORIES:
        return QCoreApplication.translate(
            "Labels", "Choose at least one kind of incident (keys 1 to 9)."
        )
    if f is Field.DESCRIPTION:
        if p is Problem.TOO_SHORT:
            return fill(
                QCoreApplication.translate(
                    "Labels", "Please write a little more: at least %1 characters."
                ),
                limit,
            )
        return QCoreApplication.translate("Labels", "Describe briefly what happened.")
    if f is Field.REPORTER:
        return QCoreApplication.translate("Labels", "Fill in your name.")
    if f is Field.ON_BEHALF_OF:
        return QCoreApplication.translate(
            "Labels", "Fill in the name of the colleague you report for."
        )
    if f is Field.PERPETRATOR:
        return QCoreApplication.translate(
            "Labels", "Describe the perpetrator briefly or fill in a client or case number."
        )
    if f is Field.WITNESSES:
        return fill(
            QCoreApplication.translate("Labels", "At most %1 witnesses, one per line."), limit
        )
    if f is Field.DAMAGE_AMOUNT:
        if p is Problem.NEGATIVE:
            return QCoreApplication.translate("Labels", "The amount cannot be negative.")
        return QCoreApplication.translate(
            "Labels", "This amount is higher than EUR 1,000,000. Please check it."
        )
    return QCoreApplication.translate("Labels", "Please check this field.")


def damage_amount_unreadable() -> str:
    return QCoreApplication.translate(
        "Labels", "Fill in an amount in euros, for example 150 or 149,95."
    )
