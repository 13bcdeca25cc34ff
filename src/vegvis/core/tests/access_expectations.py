"""Who gets what from core's pages, and from the project-level URLs core hosts (language, administration)."""

from vegvis.testing.access_matrix import TO_LOGIN, Redirect, everyone, expect, staff, staff_only

expect("core:root", roles={"anonymous": TO_LOGIN, **staff(Redirect("core:home"))})
expect("core:home", roles=staff_only(200))
expect("core:accessibility", roles=everyone(200))
expect("core:healthz", roles=everyone(200))

expect(
    "set_language",
    method="post",
    data={"language": "en", "next": "/tilgjengelighet/"},
    roles=everyone(Redirect("core:accessibility")),
)

# The administration pages send visitors to Vegvis' login page and refuse other roles with 403.
expect("vegvis_admin:index", roles=staff_only(403, system_administrator=200))
