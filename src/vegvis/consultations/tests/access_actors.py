"""The access matrix's users for the consultations' roles: the organisation's secretariat, a user of one of its
member bodies (whose input the expectations build), a user of the other body, who must not read it, and another
organisation's secretariat, who sees none of the organisation's rounds."""

from vegvis.consultations.tests.support import BODY, ORGANISATION, OTHER_BODY, OTHER_ORGANISATION
from vegvis.testing.access_matrix import Actor

ACTORS = {
    "consultation_secretariat": Actor(
        "consultation_secretariat", organisation=ORGANISATION, organisation_kind="association", order=95
    ),
    "member_body_user": Actor("member_body_user", organisation=BODY, organisation_kind="member_body", order=96),
    "member_body_user_other": Actor(
        "member_body_user", organisation=OTHER_BODY, organisation_kind="member_body", order=97
    ),
    "consultation_secretariat_other": Actor(
        "consultation_secretariat", organisation=OTHER_ORGANISATION, organisation_kind="association", order=98
    ),
}
