"""Who may see a person's access log: holders of core.view_access_log, for persons they may see (the privacy officer
everyone's, an office lead the office's patients; not the system administrator). Who reviews emergency access is
declared where the objects opened with it are (treatment abroad's cases: abroad/tests/access_expectations.py)."""

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


# Queues a check of the whole chain; only those who may verify the trail may start one.
expect("audit:verify", method="post", roles=staff_only(403, system_administrator=Redirect("core:home")))
