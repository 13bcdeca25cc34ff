"""Early access's roles. A hospital's clinicians see and treat their own hospital's patients; its pharmacy or
administration keeps its programmes and its region's agreements; the staff of a regional health authority see
their region's overview, aggregates only; the national administrator keeps programmes and agreements for all.
No role but the clinicians' sees a patient."""

from vegvis.accounts.roles import RoleSpec

ROLES = [
    RoleSpec(
        code="earlyaccess_clinician",
        name_nb="Kliniker (tidlig tilgang)",
        name_en="Clinician (early access)",
        scope="organisation",
        description_nb="Starter, følger opp og avslutter behandling av sykehusets egne pasienter.",
        home_order=60,
        permissions=("earlyaccess.view_treatment", "earlyaccess.manage_treatment"),
    ),
    RoleSpec(
        code="earlyaccess_pharmacy",
        name_nb="Sykehusapotek/administrasjon (tidlig tilgang)",
        name_en="Hospital pharmacy or administration (early access)",
        scope="organisation",
        description_nb="Registrerer sykehusets programmer, fritak og regionens avtaler.",
        home_order=61,
        permissions=("earlyaccess.manage_programme",),
    ),
    RoleSpec(
        code="earlyaccess_regional",
        name_nb="Regionalt helseforetak (tidlig tilgang)",
        name_en="Regional health authority (early access)",
        scope="organisation",
        description_nb="Ser regionens oversikt over pasienter og behandlinger, bare som tall.",
        home_order=62,
        permissions=("earlyaccess.view_overview",),
    ),
    RoleSpec(
        code="earlyaccess_national",
        name_nb="Nasjonal forvalter (tidlig tilgang)",
        name_en="National administrator (early access)",
        scope="global",
        description_nb="Forvalter programmer og avtaler for alle regioner, og ser alle regioners oversikt.",
        home_order=63,
        permissions=("earlyaccess.manage_programme", "earlyaccess.view_overview"),
    ),
]

GRANTS: dict[str, tuple[str, ...]] = {}
