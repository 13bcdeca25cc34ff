"""Issue 11, found in a browser: a case handler in Bergen registers an application from a patient in Helse Sør-Øst.

Before, the form ended in a 403 page ("Rollen din gir ikke tilgang …") and everything typed was lost, and the office
list offered offices the user could not choose. Now the case is registered at the user's own office (a case
counts for the patient's home region whichever office handled it, DOMAIN.md), the office list offers only the
offices the user registers for, and a user of several offices is asked, next to the field, which one registers
it, with everything typed kept. Typed as the person typed it: æøå, a hyphenated name, dd.mm.åååå dates.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vegvis.abroad.models import Case
from vegvis.abroad.tests.support import make_case
from vegvis.access.principal import SYSTEM
from vegvis.accounts.services import role_assign
from vegvis.testing.browser import log_in
from vegvis.testing.factories import PASSWORD, UserFactory, office, synthetic_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAME = "Åse Bjørnstad-Øien"
RECEIVED = timezone.localdate() - timedelta(days=6)
RECEIVED_TYPED = RECEIVED.strftime("%d.%m.%Y")


def type_application(page, national_id: str) -> None:
    """Type the application into the form the way a person does: key by key."""
    page.goto("/utland/saker/ny/")
    page.locator("#id_national_id").press_sequentially(national_id)
    page.locator("#id_patient_name").press_sequentially(NAME)
    page.get_by_label("Bostedsregion (regionalt helseforetak)").select_option(label="Helse Sør-Øst RHF")
    page.locator("#id_address_line").press_sequentially("Østre Æsvei 5")
    page.locator("#id_postal_code").press_sequentially("0150")
    page.locator("#id_city").press_sequentially("Oslo")
    page.locator("#id_route").select_option(value="treatment_abroad")
    page.locator("#id_received_date").fill("")
    page.locator("#id_received_date").press_sequentially(RECEIVED_TYPED)
    page.locator("#id_diagnosis_icd10").press_sequentially("G40.2")
    page.locator("#id_requested_treatment").press_sequentially("MEG-undersøkelse før epilepsikirurgi på Rikshospitalet")
    page.locator("#id_applicant").select_option(value="hospital_doctor")
    page.locator("#id_applicant_name").press_sequentially("Overlege Pål Ødegård")


def submit(page) -> None:
    page.get_by_role("button", name="Registrer").click()
    page.wait_for_load_state()


def office_options(page) -> list[str]:
    return [text.strip() for text in page.locator("#id_office option").all_inner_texts()]


def test_bergen_registers_a_patient_from_helse_sor_ost_at_its_own_office(page, console_log):
    UserFactory(
        username="lars", first_name="Lars", last_name="Nygård", role="case_handler", role__office="helse-bergen"
    )
    log_in(page, "lars", PASSWORD)

    type_application(page, synthetic_id())
    # Only the office the user registers for (and "leave empty").
    assert office_options(page)[1:] == ["Enhet for utenlandsbehandling, Helse Bergen"]
    submit(page)

    expect(page).to_have_url(re.compile(r"/utland/saker/\d+/$"))
    assert "Rollen din gir ikke tilgang" not in page.content()
    case = Case.objects.get()
    assert case.office.code == "helse-bergen" and case.patient_display_region.code == "helse-sor-ost"
    assert case.patient.name == NAME and case.received_date == RECEIVED
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    expect(
        page.get_by_text(
            "Enhet for utenlandsbehandling, Helse Bergen behandler saken; "
            "den telles for pasientens bostedsregion, Helse Sør-Øst RHF."
        )
    ).to_be_visible()
    expect(page.locator("main")).to_contain_text(NAME)
    assert console_log.errors == []


def test_a_patient_known_at_oslo_is_registered_in_bergen_without_showing_oslos_record(page):
    known = make_case(home_region="helse-sor-ost").patient
    known.name = "Ragnfrid Ølbakk"
    known.save()
    UserFactory(username="lars", role="case_handler", role__office="helse-bergen")
    log_in(page, "lars", PASSWORD)

    type_application(page, known.national_id)
    submit(page)

    expect(page).to_have_url(re.compile(r"/utland/saker/\d+/$"))
    case = Case.objects.get(office__code="helse-bergen")
    assert case.patient_withheld and case.stated_name == NAME
    expect(page.locator("main")).to_contain_text(NAME)
    assert "Ølbakk" not in page.content() and "Rollen din gir ikke tilgang" not in page.content()


def test_a_user_of_two_offices_is_asked_which_one_with_everything_typed_kept(page):
    user = UserFactory(username="marte", role="case_handler", role__office="helse-bergen")
    role_assign(actor=SYSTEM, user=user, role_code="case_handler", office=office("st-olavs"))
    log_in(page, "marte", PASSWORD)

    type_application(page, national_id := synthetic_id())
    assert sorted(office_options(page)[1:]) == [
        "Enhet for utenlandsbehandling, Helse Bergen",
        "Kontor for utenlandsbehandling, St. Olavs hospital",
    ]
    submit(page)

    # Not a 403 page: a message next to the office, and everything typed is still there.
    assert "Rollen din gir ikke tilgang" not in page.content()
    expect(page.locator("#id_office_error")).to_contain_text(
        "Utenlandskontoret, Oslo universitetssykehus behandler denne bostedsregionen: velg kontoret som skal "
        "registrere saken."
    )
    expect(page.locator("#id_national_id")).to_have_value(national_id)
    expect(page.locator("#id_patient_name")).to_have_value(NAME)
    expect(page.locator("#id_received_date")).to_have_value(RECEIVED_TYPED)
    expect(page.locator("#id_address_line")).to_have_value("Østre Æsvei 5")
    expect(page.locator("#id_applicant_name")).to_have_value("Overlege Pål Ødegård")
    assert not Case.objects.exists()

    # A date that does not exist is refused next to its field, as typed.
    page.locator("#id_received_date").fill("")
    page.locator("#id_received_date").press_sequentially("31.02.2026")
    page.locator("#id_office").select_option(label="Kontor for utenlandsbehandling, St. Olavs hospital")
    submit(page)
    expect(page.locator("#id_received_date_error")).to_contain_text("Den datoen finnes ikke")
    expect(page.locator("#id_received_date")).to_have_value("31.02.2026")

    page.locator("#id_received_date").fill("")
    page.locator("#id_received_date").press_sequentially(RECEIVED_TYPED)
    submit(page)
    expect(page).to_have_url(re.compile(r"/utland/saker/\d+/$"))
    case = Case.objects.get()
    assert case.office.code == "st-olavs" and case.received_date == RECEIVED and case.patient.name == NAME
