"""The desk's writes through its services: numbering per association and year, triage, the power of attorney
required before acting, the claim's way through NPE and Pasientskadenemnda, closing with an outcome, the version
check, and the step table walked edge by edge."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from vegvis.abroad.tests.support import make_case as make_abroad_case
from vegvis.access.policies import visible
from vegvis.access.principal import SYSTEM, principal_for
from vegvis.audit.models import AuditEntry
from vegvis.casework.steps import TransitionRefused
from vegvis.core.errors import DomainError
from vegvis.inquiries import steps
from vegvis.inquiries.models import Case, Document, Inquiry, Kind, Status
from vegvis.inquiries.services import cases, inquiries
from vegvis.inquiries.services.base import CaseChanged
from vegvis.inquiries.tests.support import ASSOCIATION, OTHER_ASSOCIATION, PDF, STATES, make_case, make_inquiry
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_inquiries_and_cases_are_numbered_per_association_and_year():
    first, second = make_inquiry(), make_inquiry()
    other = make_inquiry(association_name=OTHER_ASSOCIATION)
    year = TODAY().year
    assert [first.reference, second.reference, other.reference] == [f"H{year}-0001", f"H{year}-0002", f"H{year}-0001"]

    case = inquiries.inquiry_triage(actor=SYSTEM, inquiry=second, kind=Kind.INFORMATION)
    other_case = inquiries.inquiry_triage(actor=SYSTEM, inquiry=other, kind=Kind.ASSISTANCE)
    assert (case.number, other_case.number) == (f"{year}/0001", f"{year}/0001")
    assert case.documents.get().kind == Document.Kind.INQUIRY


def test_an_inquiry_is_triaged_once():
    inquiry = make_inquiry()
    inquiries.inquiry_triage(actor=SYSTEM, inquiry=inquiry, kind=Kind.INFORMATION)
    with pytest.raises(DomainError):
        inquiries.inquiry_triage(actor=SYSTEM, inquiry=Inquiry.objects.get(pk=inquiry.pk), kind=Kind.ASSISTANCE)
    assert Case.objects.count() == 1


def test_another_associations_case_worker_may_not_triage_or_register():
    worker = principal_for(UserFactory(role="association_case_worker", role__organisation=OTHER_ASSOCIATION))
    inquiry = make_inquiry()
    with pytest.raises(PermissionDenied):
        inquiries.inquiry_triage(actor=worker, inquiry=inquiry, kind=Kind.INFORMATION)
    with pytest.raises(PermissionDenied):
        inquiries.inquiry_register(
            actor=worker,
            organisation=inquiry.organisation,
            channel="phone",
            contacted_by="patient",
            service="gp",
            account="…",
        )
    assert AuditEntry.objects.filter(action="denied").count() == 2


def test_the_association_does_not_act_without_a_power_of_attorney():
    case = make_case(power_of_attorney=False)
    assert "request_records" not in steps.TABLE.available_steps(SYSTEM, case)
    assert "register_power_of_attorney" in steps.TABLE.available_steps(SYSTEM, case)
    with translation.override("nb"), pytest.raises(TransitionRefused) as refused:
        cases.records_request(actor=SYSTEM, case=case, version=case.version, provider="Legesenteret", sent_on=TODAY())
    assert "fullmakt" in str(refused.value)
    assert case.record_requests.count() == 0


def test_a_power_of_attorney_covers_only_its_scope_and_not_after_revocation():
    case = make_case(power_of_attorney=False)
    poa = cases.power_of_attorney_register(
        actor=SYSTEM,
        case=case,
        version=case.version,
        granted_by="Kari",
        scopes=["records"],
        signed_on=TODAY() - timedelta(days=3),
        content=PDF,
        filename="fullmakt.pdf",
        content_type="application/pdf",
    )
    assert poa.scan.file and poa.scan.kind == Document.Kind.POWER_OF_ATTORNEY
    assert steps.TABLE.refusal(case, "request_records") is None
    assert steps.TABLE.refusal(case, "register_complaint") is not None
    cases.power_of_attorney_revoke(actor=SYSTEM, case=case, power_of_attorney=poa, revoked_on=TODAY())
    case.refresh_from_db()
    assert steps.TABLE.refusal(case, "request_records") is not None


def test_a_claim_through_npe_and_the_appeal_board_to_closing():
    case = make_case()
    claim = cases.claim_prepare(
        actor=SYSTEM,
        case=case,
        version=case.version,
        knew_on=date(2024, 2, 29),
        act_on=date(2023, 12, 1),
        claimed_loss=Decimal("9500"),
    )
    assert (claim.relative_limit, claim.absolute_limit) == (date(2027, 2, 28), date(2043, 12, 1))
    assert claim.below_threshold
    case.refresh_from_db()
    assert (case.due_on, case.due_reason) == (date(2027, 2, 28), "limitation")

    cases.claim_send(actor=SYSTEM, case=case, version=case.version, sent_on=TODAY(), npe_reference="NPE-1")
    assert case.status == Status.AT_NPE
    received = TODAY() - timedelta(days=2)
    claim = cases.claim_decide(
        actor=SYSTEM, case=case, version=case.version, decision="rejected", decision_received_on=received
    )
    assert claim.appeal_deadline == received + timedelta(weeks=3)
    assert (case.status, case.due_reason, case.due_on) == (Status.NPE_DECIDED, "appeal", claim.appeal_deadline)
    cases.claim_appeal(actor=SYSTEM, case=case, version=case.version, appealed_on=TODAY())
    assert case.status == Status.AT_BOARD and case.due_on is None
    cases.claim_board_decide(
        actor=SYSTEM,
        case=case,
        version=case.version,
        board_decision="granted",
        board_decided_on=TODAY(),
        amount_granted=Decimal("120000"),
    )
    assert case.status == Status.OPEN
    with pytest.raises(DomainError):  # an assistance case says which failure was found
        cases.case_close(actor=SYSTEM, case=case, version=case.version, outcome="claim_granted", amount_granted=1)
    cases.case_close(
        actor=SYSTEM,
        case=case,
        version=case.version,
        outcome="claim_granted",
        failure_type="diagnosis",
        amount_granted=Decimal("120000"),
    )
    case.refresh_from_db()
    assert (case.status, case.outcome, case.failure_type) == (Status.CLOSED, "claim_granted", "diagnosis")
    assert case.closed_at is not None
    kinds = list(case.documents.values_list("kind", flat=True))
    assert kinds == ["inquiry", "power_of_attorney", "npe_claim", "npe_decision", "appeal", "board_decision"]
    transitions = AuditEntry.objects.filter(object_id=str(case.pk), action="transition").count()
    assert transitions == 7  # the power of attorney, the claim's five steps and the closing


def test_record_requests_and_complaints_set_the_due_date():
    case = make_case()
    cases.records_request(
        actor=SYSTEM, case=case, version=case.version, provider="Sykehuset", sent_on=date(2026, 1, 31)
    )
    assert (case.due_on, case.due_reason) == (date(2026, 2, 28), "records")
    request = case.record_requests.get()
    cases.records_receive(actor=SYSTEM, case=case, version=case.version, request=request, received_on=TODAY())
    assert case.due_on is None
    complaint = cases.complaint_register(
        actor=SYSTEM,
        case=case,
        version=case.version,
        recipient="statsforvalteren",
        provider="Legesenteret",
        decision_on=TODAY(),
    )
    assert (case.due_on, case.due_reason) == (TODAY() + timedelta(weeks=4), "complaint")
    cases.complaint_send(actor=SYSTEM, case=case, version=case.version, complaint=complaint, sent_on=TODAY())
    assert case.due_on is None


def test_an_information_case_only_closes_with_advice_or_withdrawal():
    case = make_case(kind=Kind.INFORMATION)
    assert steps.TABLE.available_steps(SYSTEM, case) == ["close"]
    with pytest.raises(DomainError):
        cases.case_close(actor=SYSTEM, case=case, version=case.version, outcome="claim_granted")
    cases.case_close(
        actor=SYSTEM, case=case, version=case.version, outcome="advice_given", outcome_note="Rådet om klage"
    )
    assert case.status == Status.CLOSED


def test_a_change_made_meanwhile_is_not_overwritten():
    case = make_case()
    stale = case.version
    cases.records_request(actor=SYSTEM, case=case, version=stale, provider="A", sent_on=TODAY())
    with pytest.raises(CaseChanged):
        cases.records_request(actor=SYSTEM, case=case, version=stale, provider="B", sent_on=TODAY())
    assert list(case.record_requests.values_list("provider", flat=True)) == ["A"]


@pytest.mark.parametrize("event", list(steps.TABLE.events))
def test_every_step_is_possible_from_its_states_and_refused_from_the_others(event):
    step = steps.TABLE.step(event)
    for state in Status:
        case = Case(kind=Kind.ASSISTANCE, status=state, number="x")
        allowed = state in step.edges and event in steps.TABLE.allowed_events(case)
        assert allowed == (state.value in step.edges)
        if state.value not in step.edges:
            assert "not possible while" in (steps.TABLE.refusal(case, event) or "")
    information = Case(kind=Kind.INFORMATION, status=Status.OPEN, number="x")
    assert steps.TABLE.applies_to(event, Kind.INFORMATION) == (event in {"close", "reopen"})
    assert (event in steps.TABLE.allowed_events(information)) == (event == "close")


def test_every_form_and_service_of_the_table_exists():
    steps.TABLE.resolve_all()


def test_the_states_reached_through_the_services():
    assert [make_case(state).status for state in STATES] == STATES


def test_the_medical_adviser_sees_only_assigned_cases_and_abroad_staff_see_nothing():
    adviser = UserFactory(role="association_medical_adviser", role__organisation=ASSOCIATION)
    assigned, other = make_case(medical_adviser=adviser), make_case()
    seen = visible(principal_for(adviser), Case.objects.all())
    assert list(seen) == [assigned] and other not in seen
    assert not visible(principal_for(adviser), Inquiry.objects.all()).exists()

    make_abroad_case()
    handler = principal_for(UserFactory(role="case_handler"))
    assert not visible(handler, Case.objects.all()).exists()
    assert not visible(handler, Inquiry.objects.all()).exists()
    worker = principal_for(UserFactory(role="association_case_worker", role__organisation=ASSOCIATION))
    from vegvis.abroad.models import Case as AbroadCase

    assert not visible(worker, AbroadCase.objects.all()).exists()
    assert set(visible(worker, Case.objects.all())) == {assigned, other}
