"""Permissions of the treatment-abroad module for the foundation's roles (seeded once after migrate)."""

GRANTS = {
    "case_handler": ("abroad.view_case", "abroad.handle_case", "abroad.decide_case"),
    "office_lead": (
        "abroad.view_case",
        "abroad.handle_case",
        "abroad.decide_case",
        "abroad.manage_methods",
        "abroad.manage_letter_templates",
        "abroad.import_cases",
    ),
    "medical_adviser": ("abroad.assess_case",),
}
