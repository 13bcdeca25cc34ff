"""The access matrix's users for the inquiry desk's roles: staff of one patient association (the one whose
inquiries and cases the expectations build), and a case worker of another association, who sees none of them."""

from vegvis.testing.access_matrix import Actor

ASSOCIATION = "Pasientforeningen"

ACTORS = {
    "association_case_worker": Actor("association_case_worker", organisation=ASSOCIATION, order=80),
    "association_case_worker_other": Actor(
        "association_case_worker", organisation="Den andre pasientforeningen", order=81
    ),
    "association_lead": Actor("association_lead", organisation=ASSOCIATION, order=82),
    "association_medical_adviser": Actor("association_medical_adviser", organisation=ASSOCIATION, order=83),
}
