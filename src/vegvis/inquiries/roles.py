"""The inquiry desk's roles: staff of one patient association (organisation-scoped), never of a health region."""

from vegvis.accounts.roles import RoleSpec

ROLES = [
    RoleSpec(
        code="association_case_worker",
        name_nb="Saksbehandler i pasientforening",
        name_en="Association case worker",
        scope="organisation",
        description_nb="Tar imot henvendelser og behandler informasjons- og bistandssaker i sin egen forening.",
        home_order=12,
    ),
    RoleSpec(
        code="association_lead",
        name_nb="Leder for pasientforeningens henvendelser",
        name_en="Association lead",
        scope="organisation",
        description_nb="Leder foreningens henvendelsestjeneste: alle saker, fordeling og oppfølging.",
        home_order=11,
    ),
    RoleSpec(
        code="association_medical_adviser",
        name_nb="Medisinsk rådgiver i pasientforening",
        name_en="Association medical adviser",
        scope="organisation",
        description_nb="Vurderer journaler i foreningens saker som er tildelt dem, og ser bare disse.",
        home_order=22,
    ),
]

GRANTS = {
    "association_case_worker": ("inquiries.view_case", "inquiries.handle_case"),
    "association_lead": (
        "inquiries.view_case",
        "inquiries.handle_case",
        "inquiries.lead_desk",
        "inquiries.manage_letter_templates",
        "inquiries.view_deletion_log",
    ),
    # The deletion log holds no personal data; the administrator, who sets the retention times, reads it too.
    "system_administrator": ("inquiries.view_deletion_log",),
    "association_medical_adviser": ("inquiries.assess_case",),
}
