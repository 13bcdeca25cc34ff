"""The access matrix's users for early access's roles: a clinician and a pharmacy user of the hospital the
expectations' treatments belong to, a clinician of a hospital in another region (who sees none of them), the
staff of both regional health authorities, and the national administrator."""

from vegvis.earlyaccess.tests.support import HOSPITAL, OTHER_HOSPITAL, OTHER_RHF, RHF
from vegvis.testing.access_matrix import Actor

ACTORS = {
    "earlyaccess_clinician": Actor(
        "earlyaccess_clinician", organisation=HOSPITAL, organisation_kind="hospital", order=100
    ),
    "earlyaccess_clinician_other": Actor(
        "earlyaccess_clinician", organisation=OTHER_HOSPITAL, organisation_kind="hospital", order=101
    ),
    "earlyaccess_pharmacy": Actor(
        "earlyaccess_pharmacy", organisation=HOSPITAL, organisation_kind="hospital", order=102
    ),
    "earlyaccess_regional": Actor("earlyaccess_regional", organisation=RHF, organisation_kind="public_body", order=103),
    "earlyaccess_regional_other": Actor(
        "earlyaccess_regional", organisation=OTHER_RHF, organisation_kind="public_body", order=104
    ),
    "earlyaccess_national": Actor("earlyaccess_national", order=105),
}
