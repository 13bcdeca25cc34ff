"""The cooperation register's roles: its administrators (everything), a supplier's users (their own company's
agreements, scoped to the supplier's organisation) and a patient organisation's users (agreements with their own
organisation). The public needs no role: the published register is open to all."""

from vegvis.accounts.roles import RoleSpec

ROLES = [
    RoleSpec(
        code="cooperation_administrator",
        name_nb="Registeransvarlig for samarbeidsregisteret",
        name_en="Cooperation register administrator",
        scope="global",
        description_nb="Forvalter samarbeidsregisteret: registrerer, retter og publiserer avtaler.",
        home_order=50,
    ),
    RoleSpec(
        code="supplier_user",
        name_nb="Leverandørbruker",
        name_en="Supplier user",
        scope="organisation",
        description_nb="Registrerer og retter sin egen virksomhets avtaler med pasientorganisasjoner.",
        home_order=51,
    ),
    RoleSpec(
        code="patient_organisation_user",
        name_nb="Bruker i pasientorganisasjon",
        name_en="Patient organisation user",
        scope="organisation",
        description_nb="Bekrefter eller bestrider avtalene leverandører har registrert med sin organisasjon.",
        home_order=52,
    ),
]

GRANTS = {
    # Not review_agreement: confirming or disputing is the organisation's own word.
    "cooperation_administrator": ("cooperation.administer_register", "cooperation.enter_agreement"),
    "supplier_user": ("cooperation.enter_agreement",),
    "patient_organisation_user": ("cooperation.review_agreement",),
}
