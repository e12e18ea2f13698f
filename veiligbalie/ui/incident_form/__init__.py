"""The incident form (*Melden*), in sections driven by one field table (:mod:`.fields`),
with its drafts (:mod:`.drafts`), validation display, evidence and confirmation apart."""

from veiligbalie.ui.incident_form.form import IncidentForm, Page, offer_recovery

__all__ = ["IncidentForm", "Page", "offer_recovery"]
