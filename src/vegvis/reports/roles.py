"""Permissions of the reports module for the foundation's roles (seeded once after migrate).

The network analyst holds them with the role's global scope (all regions); the office lead with the office's
scope (the regions the office handles). Neither sees a person through them.
"""

GRANTS = {
    "network_analyst": (
        "reports.view_annual_report",
        "reports.view_statistics",
        "reports.write_narrative",
        "reports.import_history",
    ),
    "office_lead": ("reports.view_annual_report", "reports.view_statistics"),
}
