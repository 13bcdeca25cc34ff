"""The treatment-abroad module's roles and their permissions (created and seeded once after migrate)."""

from vegvis.accounts.roles import RoleSpec

# The roles of the treatment-abroad offices and their medical advisers (created after migrate, see accounts/roles.py).
ROLES = [
    RoleSpec(
        code="case_handler",
        name_nb="Saksbehandler",
        name_en="Case handler",
        scope="office",
        description_nb="Behandler saker ved sitt eget utenlandskontor (tjenstlig behov).",
        home_order=10,
        permissions=("core.view_full_national_id", "access.use_emergency_access"),
    ),
    RoleSpec(
        code="office_lead",
        name_nb="Kontorleder",
        name_en="Office lead",
        scope="office",
        description_nb="Leder et utenlandskontor: saker, maler, metoderegister og statistikk for regionen.",
        home_order=5,
        permissions=(
            "core.view_full_national_id",
            "core.view_access_log",
            "access.use_emergency_access",
            "access.review_emergency_access",
        ),
    ),
    RoleSpec(
        code="medical_adviser",
        name_nb="Medisinsk rådgiver",
        name_en="Medical adviser",
        scope="assigned",
        description_nb="Gir medisinske vurderinger i saker som er tildelt dem, og ser bare disse.",
        home_order=20,
    ),
]

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
