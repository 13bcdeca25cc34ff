"""Who may see a person's access log: holders of core.view_access_log, for persons they may see."""

from collections.abc import Mapping
from typing import Any

from vegvis.testing.access_matrix import Actors, Redirect, expect, staff_only


def a_person(actors: Actors) -> Mapping[str, Any]:
    from vegvis.core.services import person_get_or_create
    from vegvis.testing.factories import region, synthetic_id

    person, _created = person_get_or_create(
        actor=None, national_id=synthetic_id(), name="Kari Matrise", home_region=region("helse-sor-ost")
    )
    return {"person_id": person.pk}


# An office lead holds the permission for the office's persons only; a person without a case there is hidden.
expect(
    "audit:person_log",
    kwargs=a_person,
    roles=staff_only(403, office_lead=404, system_administrator=200),
    shows_personal_data=True,
)

# Queues a check of the whole chain; only those who may verify the trail may start one.
expect("audit:verify", method="post", roles=staff_only(403, system_administrator=Redirect("core:home")))
