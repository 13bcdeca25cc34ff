"""The access matrix's users for treatment abroad's roles (see vegvis.testing.access_matrix).

Two case handlers: one at the office of the cases the expectations build (Oslo), one at another office, who has
no work need for them.
"""

from vegvis.testing.access_matrix import Actor

ACTORS = {
    "case_handler": Actor("case_handler", office="ous", order=10),
    "case_handler_other_office": Actor("case_handler", office="helse-bergen", order=20),
    "office_lead": Actor("office_lead", office="ous", order=30),
    "medical_adviser": Actor("medical_adviser", order=40),
}
