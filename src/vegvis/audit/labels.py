"""What the access log shows in words: the role names and the kinds of data a read showed.

Entries store codes ("office_lead", "national_id") so the chain does not depend on the language; the page names
them in the reader's language. A code nobody has named yet is shown as it is rather than hidden.
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vegvis.accounts.roles import declared_roles

# The kinds of personal data a read can show (the `shown` list of audit_read).
SHOWN_LABELS = {
    "name": _("name"),
    "national_id": _("national identity number"),
    "birth_date": _("date of birth"),
    "address": _("address"),
    "diagnosis": _("diagnosis"),
    "requested_treatment": _("requested treatment"),
    "documents": _("documents"),
    "document": _("document"),
    "expenses": _("invoices"),
    "case_number": _("case number"),
    "route": _("route"),
    "status": _("status"),
    "access_log": _("access log"),
}


def role_names(codes: str) -> str:
    """'office_lead,case_handler' → 'Kontorleder, Saksbehandler' (or the English names on an English page)."""
    english = (get_language() or "nb").startswith("en")
    names = {role.code: role.name_en if english else role.name_nb for role in declared_roles()}
    return ", ".join(names.get(code, code) for code in codes.split(",") if code)


def shown_names(codes: list[str]) -> str:
    return ", ".join(str(SHOWN_LABELS.get(code, code)) for code in codes)
