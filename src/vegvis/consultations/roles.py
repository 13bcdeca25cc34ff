"""The consultations' roles: the organisation's secretariat (its consultations, organisation-scoped) and a member
body's users (held at the body's own organisation: its input, and others' only once published). The public needs
no role: published consultations are open to all."""

from vegvis.accounts.roles import RoleSpec

ROLES = [
    RoleSpec(
        code="consultation_secretariat",
        name_nb="Høringssekretariat",
        name_en="Consultation secretariat",
        scope="organisation",
        description_nb=(
            "Sender høringer ut til organisasjonens ledd, sammenstiller innspillene og skriver høringssvaret."
        ),
        home_order=55,
    ),
    RoleSpec(
        code="member_body_user",
        name_nb="Bruker i organisasjonsledd",
        name_en="Member body user",
        scope="organisation",
        description_nb="Sender og reviderer sitt eget ledds innspill til høringer det er invitert til.",
        home_order=56,
    ),
]

GRANTS = {
    "consultation_secretariat": ("consultations.run_consultation",),
    "member_body_user": ("consultations.submit_input",),
}
