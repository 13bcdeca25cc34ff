"""The treatment-abroad services, as a case handler experiences them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vegvis.abroad.models import Appeal, Case, Document, Method, Outcome, Route, Status
from vegvis.abroad.services import appeals, base, cases, decisions, followup
from vegvis.abroad.tests.support import OPERATOR, STATES, expert_community, hospital, make_case, rates
from vegvis.access.principal import principal_for
from vegvis.audit.models import AuditEntry
from vegvis.casework.steps import TransitionRefused
from vegvis.core.models import Office
from vegvis.testing.factories import PersonFactory, region

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_case_goes_to_the_office_of_the_patients_home_region_and_gets_the_next_number():
    first = make_case(home_region="helse-nord")
    second = make_case(home_region="helse-sor-ost")
    bergen = make_case(home_region="helse-vest")
    year = first.received_date.year
    assert first.office.code == "ous" and second.office.code == "ous"  # OUS handles Helse Nord
    assert bergen.office.code == "helse-bergen"
    assert [first.number, second.number, bergen.number] == [f"{year}/0001", f"{year}/0002", f"{year}/0001"]


def test_first_document_is_the_application_numbered_after_the_case():
    case = make_case()
    document = case.documents.get()
    assert document.number == f"{case.number}-1"
    assert document.direction == Document.Direction.INCOMING and document.kind == Document.Kind.APPLICATION


def test_unknown_icd10_code_is_refused_on_its_field_and_nothing_is_saved():
    person = PersonFactory()
    with pytest.raises(ValidationError) as error:
        cases.case_create(
            actor=OPERATOR,
            data=cases.ApplicationData(
                patient=person, route=Route.TREATMENT_ABROAD, received_date=TODAY, diagnosis_icd10="X99.99"
            ),
        )
    assert "diagnosis_icd10" in error.value.message_dict
    assert Case.objects.count() == 0 and Document.objects.count() == 0


def test_received_date_in_the_future_is_refused():
    with pytest.raises(ValidationError, match="future"):
        cases.case_create(
            actor=OPERATOR,
            data=cases.ApplicationData(
                patient=PersonFactory(),
                route=Route.TREATMENT_ABROAD,
                received_date=TODAY + timedelta(days=1),
                diagnosis_icd10="G40.2",
            ),
        )


def test_provisional_reply_is_due_a_month_after_receipt():
    case = make_case(received=date(2026, 1, 15))
    assert case.due_on == date(2026, 2, 15) and case.due_reason == "provisional_reply"


def test_rejection_produces_an_immutable_pdf_letter_and_starts_the_appeal_deadline():
    case = make_case("rejected")
    letter = case.documents.get(kind=Document.Kind.DECISION)
    assert letter.file.read(5) == b"%PDF-" and letter.is_sent and len(letter.sha256) == 64
    assert case.status == Status.REJECTED and case.final_outcome == Outcome.REJECTED
    assert case.due_reason == "appeal_deadline" and case.due_on == letter.document_date + timedelta(weeks=4)


def test_decision_letter_text_carries_what_the_law_requires():
    from vegvis.abroad.letters import render_html

    case = make_case("rejected")
    html = render_html("rejected", case)
    for required in (
        "Begrunnelse",
        "Klagefristen er 4 uker",
        "Klagenemnda for behandling i utlandet",
        "Rett til innsyn",
        case.office.name,
        "pasient- og brukerrettighetsloven § 2-4 a",
        "Nye metoder",
    ):
        assert required in html


def test_grant_letter_lists_what_is_covered_in_nynorsk_when_asked():
    from vegvis.abroad.letters import render_html

    case = make_case("assessment_received")
    decisions.case_decide(
        actor=OPERATOR,
        case=case,
        version=case.version,
        decision=decisions.DecisionData(
            outcome=Outcome.GRANTED,
            decided_on=TODAY,
            grounds="Ikkje tilbod i Noreg.",
            language="nn",
            coverage={"treatment": True, "travel": True, "stay": True, "companion": True},
        ),
    )
    html = render_html("granted", case, language="nn")
    assert "Kva som blir dekt" in html and "Reise og opphald for følgjeperson" in html
    assert "companion" not in html.lower()
    assert case.status == Status.FOLLOW_UP


def test_grant_of_a_method_not_introduced_needs_an_override_reason():
    method = Method.objects.get(name__startswith="MR-undersøkelse")
    case = make_case("assessment_received", method=method)
    decision = decisions.DecisionData(outcome=Outcome.GRANTED, decided_on=TODAY, grounds="Ønsket av pasienten.")
    with pytest.raises(ValidationError) as error:
        decisions.case_decide(actor=OPERATOR, case=case, version=case.version, decision=decision)
    assert "method_override_reason" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == Status.ASSESSMENT_RECEIVED and not case.documents.filter(kind=Document.Kind.DECISION).exists()
    decision.method_override_reason = "Særlige medisinske grunner: metoden er eneste alternativ."
    decisions.case_decide(actor=OPERATOR, case=case, version=case.version, decision=decision)
    assert case.status == Status.FOLLOW_UP and case.method_override_reason


def test_rejection_of_a_method_not_introduced_needs_no_override():
    method = Method.objects.get(name__startswith="MR-undersøkelse")
    case = make_case("rejected", method=method)
    assert case.final_outcome == Outcome.REJECTED


def test_method_consequence_is_shown_for_introduced_and_not_introduced_methods():
    not_introduced = make_case(method=Method.objects.get(name__startswith="MR-undersøkelse"))
    introduced = make_case(method=Method.objects.get(name__startswith="Benforankret"))
    assert "§ 2-4 a third paragraph" in decisions.method_consequence(not_introduced)
    from vegvis.abroad.letters import letter_context

    assert "ikke skal innføres" in letter_context(not_introduced)["nye_metoder"]
    assert "introduced in Norway" in decisions.method_consequence(introduced)


def test_stale_version_is_refused_so_no_one_loses_work():
    case = make_case()
    stale = Case.objects.get(pk=case.pk)
    cases.case_request_info(actor=OPERATOR, case=case, version=case.version, text="Mangler epikrise", recipient="Lege")
    with pytest.raises(base.CaseChanged, match="changed by someone else"):
        cases.case_request_assessment(
            actor=OPERATOR, case=stale, version=stale.version, expert_community=expert_community(), question="?"
        )
    case.refresh_from_db()
    assert case.status == Status.INFO_REQUESTED


def test_impossible_step_is_refused_with_a_clear_message():
    case = make_case("follow_up")
    with pytest.raises(TransitionRefused, match="not possible while the case is"):
        cases.case_request_info(actor=OPERATOR, case=case, version=case.version, text="x", recipient="y")


def test_office_cannot_grant_a_particle_therapy_referral():
    case = make_case(route=Route.PARTICLE_THERAPY)
    with pytest.raises(TransitionRefused, match="not possible for"):
        decisions.case_decide(
            actor=OPERATOR,
            case=case,
            version=case.version,
            decision=decisions.DecisionData(outcome=Outcome.GRANTED, decided_on=TODAY, grounds="x"),
        )


def test_external_decision_goes_straight_to_follow_up_and_records_who_decided():
    case = make_case(route=Route.PGD)
    decisions.case_record_external_decision(
        actor=OPERATOR, case=case, version=case.version, granted=True, decided_on=TODAY, decided_by="St. Olavs hospital"
    )
    assert (
        case.status == Status.FOLLOW_UP
        and case.decided_by == "St. Olavs hospital"
        and case.final_outcome == Outcome.GRANTED
    )


def test_appeal_reversed_by_the_office_makes_the_case_granted():
    case = make_case("appealed")
    appeals.case_reverse_on_appeal(
        actor=OPERATOR, case=case, version=case.version, decided_on=TODAY, grounds="Ny dokumentasjon."
    )
    appeal = case.appeals.get()
    assert appeal.office_outcome == Appeal.OfficeOutcome.REVERSED
    assert case.status == Status.FOLLOW_UP and case.final_outcome == Outcome.GRANTED


def test_appeal_forwarded_then_reversed_by_the_board():
    case = make_case("at_appeals_body")
    appeal = case.appeals.get()
    assert appeal.office_outcome == Appeal.OfficeOutcome.FORWARDED and appeal.appeals_body == Appeal.Body.KLAGENEMNDA
    assert case.due_reason == "appeals_body"
    appeals.case_record_appeal_decision(
        actor=OPERATOR, case=case, version=case.version, reversed_=True, received_on=TODAY
    )
    appeal.refresh_from_db()
    assert appeal.board_outcome == Appeal.BoardOutcome.REVERSED
    assert case.status == Status.FOLLOW_UP and case.final_outcome == Outcome.GRANTED


def test_board_upholding_closes_the_case_as_rejected():
    case = make_case("at_appeals_body")
    appeals.case_record_appeal_decision(
        actor=OPERATOR, case=case, version=case.version, reversed_=False, received_on=TODAY
    )
    assert case.status == Status.CLOSED and case.final_outcome == Outcome.REJECTED


def test_late_appeal_is_flagged_and_needs_a_reason_not_refused():
    case = make_case("rejected")
    letter_date = case.documents.get(kind=Document.Kind.DECISION).document_date
    late = letter_date + timedelta(weeks=4, days=3)
    with pytest.raises(ValidationError) as error:
        appeals.case_register_appeal(actor=OPERATOR, case=case, version=case.version, received_date=late)
    assert "late_reason" in error.value.message_dict
    appeals.case_register_appeal(
        actor=OPERATOR,
        case=case,
        version=case.version,
        received_date=late,
        late_reason="Pasienten var innlagt på sykehus.",
    )
    appeal = case.appeals.get()
    assert appeal.late and case.status == Status.APPEALED


def test_pgd_appeal_goes_to_statsforvalteren():
    case = make_case("rejected", route=Route.PGD)
    appeals.case_register_appeal(
        actor=OPERATOR, case=case, version=case.version, received_date=case.decided_on + timedelta(days=10)
    )
    appeal = case.appeals.get()
    assert appeal.appeals_body == Appeal.Body.STATSFORVALTEREN
    assert case.status == Status.AT_APPEALS_BODY


def test_a_grant_cannot_be_appealed():
    case = make_case("follow_up")
    with pytest.raises(TransitionRefused):
        appeals.case_register_appeal(actor=OPERATOR, case=case, version=case.version, received_date=TODAY)


def test_invoices_in_sek_and_eur_are_converted_with_norges_bank_unit_rates():
    case = make_case("follow_up")
    day = TODAY - timedelta(days=3)
    rates(day, SEK="1.0520", EUR="11.7312")
    sek = followup.expense_add(
        actor=OPERATOR,
        case=case,
        version=case.version,
        kind="invoice",
        category="treatment",
        amount=Decimal("150000.00"),
        currency="SEK",
        invoice_date=day,
    )
    eur = followup.expense_add(
        actor=OPERATOR,
        case=case,
        version=case.version,
        kind="invoice",
        category="stay",
        amount=Decimal("1234.56"),
        currency="eur",
        invoice_date=day,
    )
    assert sek.amount_nok == Decimal("157800.00")
    assert eur.amount_nok == Decimal("14482.87")  # 1234.56 × 11.7312 = 14482.871…, rounded half up to øre
    assert isinstance(eur.amount_nok, Decimal) and eur.currency == "EUR"


def test_rate_of_the_closest_earlier_business_day_is_used_and_a_missing_rate_is_explained():
    case = make_case("follow_up")
    friday = date(2026, 11, 13)
    rates(friday, EUR="11.5000")
    saturday = friday + timedelta(days=1)
    expense = followup.expense_add(
        actor=OPERATOR,
        case=case,
        version=case.version,
        kind="invoice",
        category="treatment",
        amount=Decimal("100"),
        currency="EUR",
        invoice_date=saturday,
    )
    assert expense.exchange_rate == Decimal("11.5000")
    with pytest.raises(ValidationError, match="no exchange rate for CHF"):
        followup.expense_add(
            actor=OPERATOR,
            case=case,
            version=case.version,
            kind="invoice",
            category="treatment",
            amount=Decimal("100"),
            currency="CHF",
            invoice_date=saturday,
        )


def test_case_closes_only_when_every_invoice_is_settled():
    case = make_case("follow_up")
    expense = followup.expense_add(
        actor=OPERATOR,
        case=case,
        version=case.version,
        kind="travel_claim",
        category="travel",
        amount=Decimal("2500"),
        currency="NOK",
        invoice_date=TODAY,
    )
    case.refresh_from_db()
    assert case.due_reason == "invoice"
    with pytest.raises(TransitionRefused, match="not settled"):
        followup.case_close(actor=OPERATOR, case=case, version=case.version, closed_on=TODAY)
    followup.expense_attest(actor=OPERATOR, expense=expense)
    followup.expense_settle(actor=OPERATOR, expense=expense, settled_on=TODAY)
    case.refresh_from_db()
    followup.case_close(actor=OPERATOR, case=case, version=case.version, closed_on=TODAY)
    assert case.status == Status.CLOSED


def test_rejected_case_closes_only_after_the_appeal_deadline():
    case = make_case("assessment_received")
    decisions.case_decide(
        actor=OPERATOR,
        case=case,
        version=case.version,
        decision=decisions.DecisionData(outcome=Outcome.REJECTED, decided_on=TODAY, grounds="Tilbud i Norge."),
    )
    with pytest.raises(TransitionRefused, match="appeal deadline"):
        followup.case_close(actor=OPERATOR, case=case, version=case.version, closed_on=TODAY)


def test_handler_of_another_office_may_not_act_and_the_attempt_is_audited(make_user):
    case = make_case(home_region="helse-sor-ost")
    bergen = principal_for(make_user("case_handler", office="helse-bergen"))
    with pytest.raises(PermissionDenied):
        cases.case_request_info(actor=bergen, case=case, version=case.version, text="x", recipient="y")
    assert AuditEntry.objects.filter(action="denied", object_id=str(case.pk)).exists()


def test_every_transition_is_audited_with_who_and_the_status_change(make_user):
    handler = principal_for(make_user("case_handler", office="ous"))
    case = make_case(actor=handler)
    cases.case_request_info(actor=handler, case=case, version=case.version, text="Mangler", recipient="Lege")
    entry = AuditEntry.objects.filter(action="transition", object_id=str(case.pk)).get()
    assert entry.actor_id == handler.user.pk and entry.actor_role == "case_handler"
    assert entry.detail["status"] == ["received", "info_requested"] and entry.person_id == case.patient_id


def test_failed_step_leaves_no_trace_in_case_documents_or_audit():
    case = make_case("assessment_received")
    documents, entries = case.documents.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        decisions.case_decide(
            actor=OPERATOR,
            case=case,
            version=case.version,
            decision=decisions.DecisionData(
                outcome=Outcome.GRANTED, decided_on=case.received_date - timedelta(days=1), grounds="x"
            ),
        )
    case.refresh_from_db()
    assert (
        case.documents.count() == documents
        and AuditEntry.objects.count() == entries
        and case.status == Status.ASSESSMENT_RECEIVED
    )


def test_medical_adviser_answers_only_assessments_assigned_to_them(make_user):
    adviser_user = make_user("medical_adviser", username="adv1")
    other = principal_for(make_user("medical_adviser", username="adv2"))
    case = make_case()
    cases.case_request_assessment(
        actor=OPERATOR,
        case=case,
        version=case.version,
        expert_community=expert_community(),
        question="?",
        adviser=adviser_user,
    )
    assessment = case.assessments.get()
    with pytest.raises(PermissionDenied):
        cases.assessment_answer(actor=other, assessment=assessment, recommendation="supports", conclusion="Ja.")
    cases.assessment_answer(
        actor=principal_for(adviser_user), assessment=assessment, recommendation="supports", conclusion="Ja."
    )
    case.refresh_from_db()
    assert case.status == Status.ASSESSMENT_RECEIVED


def test_representative_application_needs_a_valid_power_of_attorney():
    from vegvis.core.models import PowerOfAttorney

    person = PersonFactory()
    with pytest.raises(ValidationError) as error:
        cases.case_create(
            actor=OPERATOR,
            data=cases.ApplicationData(
                patient=person,
                route=Route.TREATMENT_ABROAD,
                received_date=TODAY,
                diagnosis_icd10="G40.2",
                applicant="representative",
            ),
        )
    assert "power_of_attorney" in error.value.message_dict
    expired = PowerOfAttorney.objects.create(
        person=person, representative_name="Mor", scope="Alt", signed_on=date(2020, 1, 1), valid_until=date(2021, 1, 1)
    )
    with pytest.raises(ValidationError):
        cases.case_create(
            actor=OPERATOR,
            data=cases.ApplicationData(
                patient=person,
                route=Route.TREATMENT_ABROAD,
                received_date=TODAY,
                diagnosis_icd10="G40.2",
                applicant="representative",
                power_of_attorney=expired,
            ),
        )


def test_letters_to_a_represented_patient_name_the_representative_too():
    from vegvis.abroad.letters import recipients_line
    from vegvis.core.models import PowerOfAttorney

    person = PersonFactory()
    power = PowerOfAttorney.objects.create(
        person=person, representative_name="Advokat Lie", scope="Søknad og klage", signed_on=TODAY - timedelta(days=10)
    )
    case = cases.case_create(
        actor=OPERATOR,
        data=cases.ApplicationData(
            patient=person,
            route=Route.TREATMENT_ABROAD,
            received_date=TODAY,
            diagnosis_icd10="G40.2",
            applicant="representative",
            power_of_attorney=power,
        ),
    )
    assert "Advokat Lie" in recipients_line(case)


def test_case_numbers_continue_per_office_and_year():
    office = Office.objects.get(code="st-olavs")
    numbers = [make_case(home_region="helse-midt-norge", received=date(2025, 3, 1)).number for _ in range(3)]
    assert numbers == ["2025/0001", "2025/0002", "2025/0003"]
    assert Case.objects.filter(office=office).count() == 3


def test_advance_reaches_every_state():
    assert sorted(STATES) == sorted(Status.values)
    for state in STATES:
        assert make_case(state).status == state


def test_guarantee_and_booking_only_after_a_grant():
    case = make_case("assessment_received")
    with pytest.raises(TransitionRefused):
        followup.guarantee_issue(
            actor=OPERATOR,
            case=case,
            version=case.version,
            hospital=hospital(),
            amount=Decimal(1000),
            currency="SEK",
            issued_on=TODAY,
        )
    advance_case = make_case("follow_up")
    followup.booking_add(
        actor=OPERATOR,
        case=advance_case,
        version=advance_case.version,
        kind="flight",
        travellers="Pasient, mor",
        companions=1,
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=5),
        description="SAS OSL–ARN",
    )
    assert advance_case.bookings.count() == 1


def test_withdrawal_closes_an_undecided_case():
    case = make_case("info_requested")
    decisions.case_withdraw(actor=OPERATOR, case=case, version=case.version, withdrawn_on=TODAY)
    assert case.status == Status.CLOSED and case.final_outcome == Outcome.WITHDRAWN


def test_unused_advance_keeps_region():
    assert make_case(home_region="helse-nord").patient.home_region == region("helse-nord")


def test_a_sent_letter_can_never_be_changed():
    case = make_case("rejected")
    letter = case.documents.get(kind=Document.Kind.DECISION)
    letter.body = "Rewritten afterwards"
    with pytest.raises(ValueError, match="has been sent"):
        letter.save()
    letter.refresh_from_db()
    assert letter.body == ""


@pytest.mark.postgres_only
def test_postgresql_refuses_an_update_of_a_sent_letter_behind_the_applications_back():
    from django.db import DatabaseError, connection, transaction

    case = make_case("rejected")
    letter = case.documents.get(kind=Document.Kind.DECISION)
    with pytest.raises(DatabaseError, match="has been sent"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE abroad_document SET title = 'forged' WHERE id = %s", [letter.pk])


def test_a_step_writes_only_the_columns_it_changes():
    """A step's UPDATE of the case names the columns the step changed, never the whole row (the row is locked, so
    this keeps each write to what the step is about)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = make_case()
    with CaptureQueriesContext(connection) as queries:
        cases.case_request_info(actor=OPERATOR, case=case, version=case.version, text="Mangler", recipient="Lege")
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "abroad_case"')]
    assert len(updates) == 1
    written = updates[0].split(" WHERE ")[0]
    assert '"status"' in written and '"version"' in written
    for untouched in ('"requested_treatment"', '"diagnosis_icd10"', '"received_date"', '"number"'):
        assert untouched not in written
    case.refresh_from_db()
    assert case.status == Status.INFO_REQUESTED
