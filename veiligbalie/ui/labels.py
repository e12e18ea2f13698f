"""Translated, human labels for the domain's stable values (categories, channels, statuses)
and the plain-language validation messages shown next to a field.

Every function is called at display time, never at import, so a language switch applies.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from veiligbalie.core.incident import Field, Problem, ValidationError
from veiligbalie.core.vocabulary import Category, Channel, FollowUpKind, IncidentStatus, Severity

_CONTEXT = "Labels"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


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
        Category.VERBAL_AGGRESSION: _tr("Verbal aggression"),
        Category.THREAT: _tr("Threat (to you or your family)"),
        Category.INTIMIDATION: _tr("Intimidation (also sexual)"),
        Category.DISCRIMINATION: _tr("Discrimination"),
        Category.PHYSICAL_VIOLENCE: _tr("Physical violence"),
        Category.PROPERTY_DAMAGE: _tr("Damage or vandalism"),
        Category.ONLINE_ABUSE: _tr("Online abuse (social media, mail, phone)"),
        Category.DOXING: _tr("Doxing (personal data spread)"),
        Category.OTHER: _tr("Other"),
    }
    return labels[category]


def channel_label(channel: Channel) -> str:
    labels = {
        Channel.COUNTER: _tr("At the counter"),
        Channel.PHONE: _tr("By phone"),
        Channel.EMAIL_LETTER: _tr("By e-mail or letter"),
        Channel.ONLINE: _tr("Online or social media"),
        Channel.HOME_VISIT: _tr("During a home visit"),
        Channel.OUTDOORS: _tr("Outdoors"),
    }
    return labels[channel]


def severity_label(severity: Severity) -> str:
    labels = {
        Severity.LOW: _tr("Minor"),
        Severity.MEDIUM: _tr("Serious"),
        Severity.HIGH: _tr("Very serious"),
        Severity.CRITICAL: _tr("Critical"),
    }
    return labels[severity]


def status_label(status: IncidentStatus) -> str:
    labels = {
        IncidentStatus.SAVED_LOCALLY: _tr("Saved on this workstation"),
        IncidentStatus.SENT: _tr("Sent"),
        IncidentStatus.RECEIVED: _tr("Received by team lead"),
        IncidentStatus.IN_PROGRESS: _tr("In progress"),
        IncidentStatus.CLOSED: _tr("Closed"),
    }
    return labels[status]


def status_explanation(status: IncidentStatus) -> str:
    """One sentence on what the status means for the reporter."""
    labels = {
        IncidentStatus.SAVED_LOCALLY: _tr(
            "Your report is safe on this workstation and will be sent as soon as the server "
            "can be reached."
        ),
        IncidentStatus.SENT: _tr("Your report has reached the server; your team lead can see it."),
        IncidentStatus.RECEIVED: _tr("Your team lead has read your report."),
        IncidentStatus.IN_PROGRESS: _tr("Your team lead is working on the follow-up."),
        IncidentStatus.CLOSED: _tr("The follow-up is finished."),
    }
    return labels[status]


def timeline_kind_label(kind: str) -> str:
    labels = {
        "note": _tr("Information added"),
        "status": _tr("Status"),
        "message": _tr("Message from your team lead"),
        "followup": _tr("Follow-up"),
    }
    return labels.get(kind, kind)


def follow_up_label(kind: FollowUpKind) -> str:
    labels = {
        FollowUpKind.PERPETRATOR_RESPONSE: _tr("Response to the perpetrator"),
        FollowUpKind.POLICE_REPORT: _tr("Police report (aangifte)"),
        FollowUpKind.AFTERCARE_TALK: _tr("Aftercare talk"),
        FollowUpKind.AFTERCARE_FOLLOW_UP_2W: _tr("Aftercare follow-up after two weeks"),
        FollowUpKind.AFTERCARE_FOLLOW_UP_6W: _tr("Aftercare follow-up after six weeks"),
        FollowUpKind.DAMAGE_RECOVERY: _tr("Recovering the damage"),
        FollowUpKind.EVALUATION: _tr("Evaluation"),
    }
    return labels[kind]


def validation_message(error: ValidationError) -> str:
    """A plain sentence saying what is wrong with a field and how to put it right."""
    f, p, limit = error.field, error.problem, error.limit
    if p is Problem.TOO_LONG:
        return _tr(
            "This is too long: at most {limit} characters. Nothing you typed is lost."
        ).format(limit=limit)
    if f is Field.OCCURRED_AT:
        if p is Problem.IN_FUTURE:
            return _tr("This time lies in the future. Choose a time up to now.")
        if p is Problem.TOO_OLD:
            return _tr("This date is more than five years ago. Please check the year.")
        return _tr("Choose a valid date and time.")
    if f is Field.LOCATION:
        return _tr("Fill in where it happened, for example 'Counter 3'.")
    if f is Field.CATEGORIES:
        return _tr("Choose at least one kind of incident (keys 1 to 9).")
    if f is Field.DESCRIPTION:
        if p is Problem.TOO_SHORT:
            return _tr("Please write a little more: at least {limit} characters.").format(
                limit=limit
            )
        return _tr("Describe briefly what happened.")
    if f is Field.REPORTER:
        return _tr("Fill in your name.")
    if f is Field.ON_BEHALF_OF:
        return _tr("Fill in the name of the colleague you report for.")
    if f is Field.PERPETRATOR:
        return _tr("Describe the perpetrator briefly or fill in a client or case number.")
    if f is Field.WITNESSES:
        return _tr("At most {limit} witnesses, one per line.").format(limit=limit)
    if f is Field.DAMAGE_AMOUNT:
        if p is Problem.NEGATIVE:
            return _tr("The amount cannot be negative.")
        return _tr("This amount is higher than EUR 1,000,000. Please check it.")
    return _tr("Please check this field.")


def damage_amount_unreadable() -> str:
    return _tr("Fill in an amount in euros, for example 150 or 149,95.")
