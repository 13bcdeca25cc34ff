"""Who may see a person's access log: holders of core.view_access_log, for persons they may see (the privacy officer
everyone's, an office lead the office's patients; not the system administrator). Who reviews emergency access: the
office lead of the case's office and the privacy officer."""

from collections.abc import Mapping
from typing import Any

from vegvis.testing.access_matrix import Actors, Redirect, expect, staff_only


def a_person(actors: Actors) -> Mapping[str, Any]:
    from vegvis.access.principal import SYSTEM
    from vegvis.core.services import person_get_or_create
    from vegvis.testing.factories import region, synthetic_id

    person, _created = person_get_or_create(
        actor=SYSTEM, national_id=synthetic_id(), name="Kari Matrise", home_region=region("helse-sor-ost")
    )
    return {"person_id": person.pk}


# An office lead holds the permission for the office's persons only; a person without a case there is hidden.
# The system administrator, who may not open cases, has no access log to read (issue 10, item 7).
expect(
    "audit:person_log",
    kwargs=a_person,
    roles=staff_only(403, office_lead=404, privacy_officer=200),
    shows_personal_data=True,
)


def an_emergency_grant(actors: Actors) -> Mapping[str, Any]:
    """The other office's case handler has opened an Oslo case with emergency access."""
    from vegvis.access.policies import open_emergency_access
    from vegvis.access.principal import principal_for
    from vegvis.testing.abroad import make_case

    case = make_case(home_region="helse-sor-ost")
    grant = open_emergency_access(
        principal=principal_for(actors["case_handler_other_office"]), obj=case, reason="Pasienten er innlagt akutt."
    )
    return {"pk": grant.pk}


def a_pending_grant(actors: Actors) -> Mapping[str, Any]:
    an_emergency_grant(actors)
    return {}


REVIEWERS = {"office_lead": 200, "privacy_officer": 200}
expect("audit:emergency_reviews", kwargs=a_pending_grant, roles=staff_only(403, **REVIEWERS))
# Marking a grant reviewed: the Oslo office lead (the case's office) and the privacy officer. The grant's own user,
# the other office's case handler, holds no review permission.
expect(
    "audit:emergency_review",
    method="post",
    kwargs=an_emergency_grant,
    data={"outcome": "reviewed"},
    roles=staff_only(
        403,
        office_lead=Redirect("audit:emergency_reviews"),
        privacy_officer=Redirect("audit:emergency_reviews"),
    ),
)

# Queues a check of the whole chain; only those who may verify the trail may start one.
expect("audit:verify", method="post", roles=staff_only(403, system_administrator=Redirect("core:home")))
