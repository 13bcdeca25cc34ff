"""The reports module's role and its permissions for the roles of others (created and seeded once after migrate).

The network analyst holds them with the role's global scope (all regions); the office lead with the office's
scope (the regions the office handles). Neither sees a person through them.
"""

from vegvis.accounts.roles import RoleSpec

# The national network's analyst (created after migrate, see accounts/roles.py).
ROLES = [
    RoleSpec(
        code="network_analyst",
        name_nb="Analytiker i nettverket",
        name_en="Network analyst",
        scope="global",
        description_nb="Ser statistikk og årsrapport for alle regioner, aldri enkeltpersoner.",
        home_order=30,
    ),
]

GRANTS = {
    "network_analyst": (
        "reports.view_annual_report",
        "reports.view_statistics",
        "reports.write_narrative",
        "reports.import_history",
    ),
    "office_lead": ("reports.view_annual_report", "reports.view_statistics"),
}
