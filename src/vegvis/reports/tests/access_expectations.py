"""Who gets what from the reports module: network analysts (all regions) and office leads (their regions) see the
annual report and the statistics; only analysts write the report's text; only office leads import cases."""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from vegvis.testing.access_matrix import Actors, Redirect, expect, staff_only

READERS = {"office_lead": 200, "network_analyst": 200}
YEAR_2020 = {"year": 2020}
# With no data, the report opens on the last whole year.
LAST_YEAR = Redirect(f"/rapporter/aarsrapport/{timezone.localdate().year - 1}/")

expect(
    "reports:annual_index",
    roles=staff_only(403, office_lead=LAST_YEAR, network_analyst=LAST_YEAR),
)
expect("reports:annual", kwargs=lambda actors: YEAR_2020, roles=staff_only(403, **READERS))
expect(
    "reports:annual_figure",
    kwargs=lambda actors: {"year": 2020, "name": "soknader"},
    roles=staff_only(403, **READERS),
)
expect(
    "reports:annual_download",
    kwargs=lambda actors: {"year": 2020, "kind": "json"},
    roles=staff_only(403, **READERS),
)
expect(
    "reports:narrative_edit",
    kwargs=lambda actors: {"year": 2020, "section": "introduction"},
    roles=staff_only(403, network_analyst=200),
)
expect(
    "reports:narrative_edit",
    method="post",
    kwargs=lambda actors: {"year": 2020, "section": "introduction"},
    data={"text": "Innledning."},
    roles=staff_only(403, network_analyst=Redirect("/rapporter/aarsrapport/2020/")),
)
expect("reports:statistics", roles=staff_only(403, **READERS))
expect("reports:case_import", roles=staff_only(403, office_lead=200))


def someone_elses_upload(actors: Actors) -> Mapping[str, Any]:
    """An upload waiting for confirmation by another office lead: hidden from everyone else (404)."""
    from vegvis.reports import pending
    from vegvis.testing.factories import UserFactory

    other: Any = UserFactory(username="matrix.other_lead", role="office_lead", role__office="ous")
    return {"token": pending.save(user_id=other.pk, name="saker.jsonl", content=b"{}\n")}


expect(
    "reports:case_import_preview",
    kwargs=someone_elses_upload,
    roles=staff_only(403, office_lead=404),
)
