"""Issue 11's done-when: every form submitted once with numbers and dates written the Norwegian way.

Every form class a page of Vegvis uses is found from the URL resolver (each view's module, the forms it names and
the step tables it uses) and from the apps' ``forms`` modules. Each date field reads "03.02.2027" and refuses
"2027-13-45" and "abc" with a Norwegian message next to the field, the typed text kept; each money field reads
"412 345,50" the same way. No form draws the browser's number or date box (``type="number"`` / ``type="date"``):
their typing rules follow the browser's language, not ours (a "412345,50" once became 41 234 550). Then each form
of the case page is submitted through a real request with such values and the saved values are checked.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from vegvis.abroad import steps
from vegvis.abroad.forms import FOLLOW_UP_FORMS, ApplicationForm, AssessmentLetterForm
from vegvis.abroad.models import Appeal, Assessment, Case, Expense, PaymentGuarantee, Status, TravelBooking
from vegvis.abroad.tests.support import expert_community, make_case
from vegvis.access.principal import principal_for
from vegvis.core.forms import AmountField, DateField
from vegvis.testing.access_matrix import ROLES, Actors, registered, routes
from vegvis.testing.factories import region, synthetic_id

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
APPS = ("abroad", "reports", "accounts", "audit", "core", "access", "api")
DATE_FORMAT_NB = "Skriv datoen som dd.mm.åååå, for eksempel 03.02.2027."
NO_SUCH_DATE_NB = "Den datoen finnes ikke: sjekk dagen og måneden."


def nb(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _form_classes_in(namespace: dict[str, Any]) -> set[type[forms.BaseForm]]:
    found: set[type[forms.BaseForm]] = set()
    for value in namespace.values():
        candidates = value.values() if isinstance(value, dict) else [value]
        for candidate in candidates:
            if (
                inspect.isclass(candidate)
                and issubclass(candidate, forms.BaseForm)
                and candidate.__module__.startswith("vegvis.")
            ):
                found.add(candidate)
    return found


def view_form_classes() -> set[type[forms.BaseForm]]:
    """The form classes of every page: from each routed view's module (and the step tables it imports), and from
    every app's forms module."""
    found: set[type[forms.BaseForm]] = set()
    modules = set()
    for route in routes():
        target: Any = route.callback
        while getattr(target, "__wrapped__", None) is not None:
            target = target.__wrapped__
        module = getattr(target, "__module__", "") or ""
        if module.startswith("vegvis."):
            modules.add(module)
    for app in APPS:
        for name in (f"vegvis.{app}.forms", f"vegvis.{app}.views", f"vegvis.{app}.steps"):
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name != name:
                    raise
                continue
            modules.add(name)
    for module in modules:
        found |= _form_classes_in(vars(importlib.import_module(module)))
    return found


FORM_CLASSES = sorted(view_form_classes(), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def test_the_discovery_finds_every_pages_forms():
    names = {c.__name__ for c in FORM_CLASSES}
    assert set(steps.TABLE.forms.values()) | set(FOLLOW_UP_FORMS.values()) <= set(FORM_CLASSES)
    assert {"ApplicationForm", "SettleForm", "NarrativeForm", "ApiTokenForm", "EmergencyReviewForm"} <= names
    assert len(FORM_CLASSES) > 30


def _app_form_kwargs(form_class: type[forms.BaseForm], parameters: Mapping[str, Any]) -> dict[str, Any] | None:
    """The arguments a system's own forms need, from ``vegvis.<app>.tests.form_builders.form_kwargs`` when the
    form's app has one (its cases, its organisations); None for the forms built below."""
    app = form_class.__module__.split(".")[1]
    try:
        module = import_module(f"vegvis.{app}.tests.form_builders")
    except ModuleNotFoundError:
        return None
    return module.form_kwargs(form_class, parameters)


@pytest.fixture
def make_form(case_handler):
    """Build any of the forms as its view does (some need the case, the user or the kind of decision)."""
    cases: dict[str, Case] = {}

    def build(form_class: type[forms.BaseForm], data: dict[str, Any] | None = None) -> forms.BaseForm:
        if issubclass(form_class, AuthenticationForm):
            return form_class(RequestFactory().post("/konto/logg-inn/"), data=data)
        if issubclass(form_class, PasswordChangeForm):
            return form_class(case_handler, data)
        parameters = inspect.signature(form_class.__init__).parameters
        own = _app_form_kwargs(form_class, parameters)
        if own is not None:
            return form_class(data, **own)
        kwargs: dict[str, Any] = {}
        if "granting" in parameters:
            kwargs["granting"] = True
        if "case" in parameters:
            if "case" not in cases:
                cases["case"] = make_case("assessment_requested")
            kwargs["case"] = cases["case"]
        if "actor" in parameters:
            kwargs["actor"] = principal_for(case_handler)
        if "route_correctable" in parameters:
            kwargs["route_correctable"] = True
        return form_class(data, **kwargs)

    return build


def _fields(form: forms.BaseForm, kind: type[forms.Field]) -> list[str]:
    return [name for name, field in form.fields.items() if isinstance(field, kind)]


def _past_day() -> date:
    """A dd.mm.åååå date allowed by every rule (not in the future): 3 February of this year or the last."""
    day = date(TODAY.year, 2, 3)
    return day if day <= TODAY else date(TODAY.year - 1, 2, 3)


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda c: c.__name__)
def test_every_date_and_amount_field_reads_norwegian_input_and_refuses_nonsense_in_norwegian(
    form_class, make_form, norwegian_catalogue
):
    day = _past_day()
    form = make_form(form_class)
    for name, field in form.fields.items():
        if isinstance(field, forms.DateField | forms.DecimalField):
            assert isinstance(field, DateField | AmountField), f"{form_class.__name__}.{name}: not the shared field"
        if isinstance(field, forms.IntegerField) and not field.widget.is_hidden:
            assert not isinstance(field.widget, forms.NumberInput), f"{form_class.__name__}.{name}: a number box"

    with translation.override("nb"):
        for name in _fields(form, forms.DateField):
            assert form.fields[name].clean(nb(day)) == day
            assert form.fields[name].clean(f"{day.day}.{day.month}.{day.year}") == day  # 3.2.2026
            bound = make_form(form_class, {name: nb(day)})
            bound.is_valid()
            codes = {e.code for e in bound.errors.as_data().get(name, [])}
            assert not codes & {"invalid", "no_such_date"}, (form_class.__name__, name, bound.errors[name])
            if name not in bound.errors:
                assert bound.cleaned_data[name] == day
            for typed, message in (
                ("2027-13-45", DATE_FORMAT_NB),
                ("abc", DATE_FORMAT_NB),
                ("31.02.2027", NO_SUCH_DATE_NB),
            ):
                bound = make_form(form_class, {name: typed})
                assert not bound.is_valid()
                assert bound.errors[name] == [message], (form_class.__name__, name, typed)
                assert bound[name].value() == typed
                assert f'value="{typed}"' in str(bound[name])

        for name in _fields(form, forms.DecimalField):
            assert form.fields[name].clean("412 345,50") == Decimal("412345.50")
            bound = make_form(form_class, {name: "412 345,50"})
            bound.is_valid()
            assert name not in bound.errors and bound.cleaned_data[name] == Decimal("412345.50")
            bound = make_form(form_class, {name: "abc"})
            assert not bound.is_valid()
            assert bound.errors[name] == ["Bruk bare sifre, mellomrom og desimalkomma, for eksempel 412 345,50."]
            assert 'value="abc"' in str(bound[name])


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda c: c.__name__)
def test_no_form_draws_the_browsers_number_or_date_box(form_class, make_form):
    unbound = make_form(form_class)
    bad = make_form(form_class, dict.fromkeys(unbound.fields, "abc"))
    bad.is_valid()
    for form in (unbound, bad):
        html = str(form)
        assert 'type="number"' not in html and 'type="date"' not in html, form_class.__name__


def _answering_role(expectation) -> str | None:
    return next((role for role in ROLES if expectation.succeeds_for(role) and ROLES[role] is not None), None)


PAGES = [
    pytest.param(expectation, id=expectation.url_name)
    for expectation in registered()
    if expectation.method == "get" and not expectation.is_api and _answering_role(expectation)
]


@pytest.mark.parametrize("expectation", PAGES)
def test_no_page_has_a_number_or_date_box(client, expectation):
    from vegvis.testing.auth import log_in_verified

    actors = Actors()
    role = _answering_role(expectation)
    log_in_verified(client, actors[role])
    response = expectation.request(client, actors)
    html = ""
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
    assert 'type="number"' not in html and 'type="date"' not in html, expectation.url_name


def test_every_step_and_follow_up_page_of_the_case_has_text_boxes_for_dates(login, case_handler):
    client = login(case_handler)
    case = make_case("follow_up")
    for what in FOLLOW_UP_FORMS:
        html = client.get(reverse("abroad:case_follow_up", args=[case.pk, what])).content.decode()
        assert 'type="number"' not in html and 'type="date"' not in html, what
    for event in steps.TABLE.forms:
        html = str(steps.TABLE.form(event, case))
        assert 'type="number"' not in html and 'type="date"' not in html, event
    html = client.get(reverse("abroad:case_new")).content.decode()
    assert f'value="{nb(TODAY)}"' in html  # today, shown the Norwegian way
    assert 'type="number"' not in html and 'type="date"' not in html


# ---------------------------------------------------------------- each form of the case page, through a request


def step(client, case: Case, event: str, data: dict[str, Any]):
    case.refresh_from_db()
    url = reverse("abroad:case_action", args=[case.pk, event])
    data = {"version": case.version, **data}
    if event in steps.TABLE.letter_steps:
        # The letter is shown first and sent only when confirmed.
        preview = client.post(url, data)
        assert preview.status_code == 200 and 'name="confirm"' in preview.content.decode(), event
        data["confirm"] = "1"
    response = client.post(url, data, follow=False)
    assert response.status_code == 302, (event, response.content.decode()[:3000])
    case.refresh_from_db()
    return response


def follow_up(client, case: Case, what: str, data: dict[str, Any]):
    case.refresh_from_db()
    response = client.post(reverse("abroad:case_follow_up", args=[case.pk, what]), {"version": case.version, **data})
    assert response.status_code == 302, (what, response.content.decode()[:3000])
    case.refresh_from_db()
    return response


def test_a_new_application_with_norwegian_dates(login, case_handler):
    client = login(case_handler)
    received = TODAY - timedelta(days=3)
    response = client.post(
        reverse("abroad:case_new"),
        {
            "national_id": synthetic_id(),
            "patient_name": "Åse Bjørnstad-Øien",
            "birth_date": "",
            "home_region": region("helse-sor-ost").pk,
            "route": "treatment_abroad",
            "timing": "prior_approval",
            "applicant": "representative",
            "applicant_name": "Pål Ærø",
            "received_date": nb(received),
            "diagnosis_icd10": "G40.2",
            "representative_name": "Pål Ærø",
            "representative_scope": "Søknad om behandling i utlandet",
            "representative_signed_on": "3.2.2026",
            "representative_valid_until": "31.12.2027",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert case.received_date == received
    assert case.power_of_attorney is not None
    assert (case.power_of_attorney.signed_on, case.power_of_attorney.valid_until) == (
        date(2026, 2, 3),
        date(2027, 12, 31),
    )


def test_the_steps_before_a_decision_with_norwegian_dates(login, case_handler):
    client = login(case_handler)
    case = make_case("received", received=TODAY - timedelta(days=30))
    step(client, case, "request_info", {"recipient": "Overlege Ødegård", "text": "Epikrise mangler."})
    assert case.status == Status.INFO_REQUESTED
    step(client, case, "register_info", {"received_on": nb(TODAY - timedelta(days=2)), "sender": "Lege"})
    assert case.status == Status.INFO_RECEIVED
    community = expert_community()
    due = TODAY + timedelta(days=20)
    step(
        client,
        case,
        "request_assessment",
        {"expert_community": community.pk, "question": "Adekvat tilbud?", "due_on": nb(due)},
    )
    assessment = Assessment.objects.get(case=case)
    assert assessment.due_on == due
    answered = TODAY - timedelta(days=1)
    step(
        client,
        case,
        "register_assessment",
        {
            "assessment": assessment.pk,
            "recommendation": "supports",
            "conclusion": "Støttes.",
            "answered_on": nb(answered),
        },
    )
    assessment.refresh_from_db()
    assert assessment.answered_on == answered and case.status == Status.ASSESSMENT_RECEIVED

    decided = TODAY - timedelta(days=1)
    step(
        client,
        case,
        "grant",
        {
            "outcome": "granted",
            "decided_on": nb(decided),
            "legal_basis": "pasient- og brukerrettighetsloven § 2-4 a",
            "grounds": "Tilbudet finnes ikke i Norge.",
            "cover_treatment": "on",
            "period_from": nb(TODAY + timedelta(days=10)),
            "period_to": nb(TODAY + timedelta(days=40)),
            "language": "nb",
        },
    )
    assert case.status == Status.FOLLOW_UP and case.decided_on == decided
    assert case.coverage["period_from"] == nb(TODAY + timedelta(days=10))


def test_a_rejection_and_its_appeal_with_norwegian_dates(login, case_handler):
    client = login(case_handler)
    case = make_case("assessment_received", received=TODAY - timedelta(days=40))
    decided = TODAY - timedelta(days=10)
    step(
        client,
        case,
        "reject",
        {
            "outcome": "rejected",
            "decided_on": nb(decided),
            "legal_basis": "pasient- og brukerrettighetsloven § 2-4 a",
            "grounds": "Det finnes et adekvat tilbud i Norge.",
            "language": "nb",
        },
    )
    assert case.status == Status.REJECTED and case.decided_on == decided
    received = TODAY - timedelta(days=2)
    step(client, case, "register_appeal", {"received_date": nb(received), "grounds": "Uenig."})
    assert case.status == Status.APPEALED
    assert Appeal.objects.get(case=case).received_date == received


def test_guarantee_booking_invoice_and_close_with_norwegian_amounts_and_dates(login, case_handler):
    client = login(case_handler)
    case = make_case("follow_up")
    issued = TODAY - timedelta(days=5)
    follow_up(
        client,
        case,
        "guarantee",
        {"hospital": case.hospital_id, "amount": "412 345,50", "currency": "NOK", "issued_on": nb(issued)},
    )
    guarantee = PaymentGuarantee.objects.get(case=case)
    assert (guarantee.amount, guarantee.issued_on) == (Decimal("412345.50"), issued)

    follow_up(
        client,
        case,
        "booking",
        {
            "kind": "flight",
            "travellers": "Åse Bjørnstad-Øien",
            "companions": "1",
            "starts_on": nb(TODAY + timedelta(days=7)),
            "ends_on": nb(TODAY + timedelta(days=14)),
            "description": "SAS Oslo–Stockholm",
        },
    )
    booking = TravelBooking.objects.get(case=case)
    assert (booking.companions, booking.starts_on) == (1, TODAY + timedelta(days=7))

    invoiced = TODAY - timedelta(days=3)
    follow_up(
        client,
        case,
        "expense",
        {
            "kind": "invoice",
            "category": "treatment",
            "creditor": "Karolinska",
            "invoice_date": nb(invoiced),
            "amount": "12 345,50",
            "currency": "NOK",
        },
    )
    expense = Expense.objects.get(case=case)
    assert (expense.amount, expense.invoice_date) == (Decimal("12345.50"), invoiced)

    # Closing needs the invoice settled: attested by a second person, then paid (as on the case page).
    from vegvis.abroad.services import followup
    from vegvis.abroad.tests.support import OPERATOR

    followup.expense_attest(actor=OPERATOR, expense=expense)
    response = client.post(
        reverse("abroad:expense_settle", args=[case.pk, expense.pk]), {"settled_on": nb(TODAY), "confirm": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    expense.refresh_from_db()
    assert expense.state == Expense.State.SETTLED and expense.settled_on == TODAY

    step(client, case, "close", {"closed_on": nb(TODAY)})
    assert case.status == Status.CLOSED and case.closed_on == TODAY


def test_bad_numbers_and_dates_keep_what_was_typed_and_save_nothing(login, case_handler, norwegian_catalogue):
    client = login(case_handler)
    case = make_case("follow_up")
    response = client.post(
        reverse("abroad:case_follow_up", args=[case.pk, "guarantee"]),
        {
            "version": case.version,
            "hospital": case.hospital_id,
            "amount": "412 34,50",
            "currency": "NOK",
            "issued_on": "2027-13-45",
        },
        HTTP_ACCEPT_LANGUAGE="nb",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="412 34,50"' in html and 'value="2027-13-45"' in html
    assert DATE_FORMAT_NB in html and "grupper på tre sifre" in html
    assert not PaymentGuarantee.objects.filter(case=case).exists()


def test_the_api_still_takes_iso_dates(make_form):
    form = make_form(ApplicationForm, {"received_date": "2026-02-03"})
    form.is_valid()
    assert form.cleaned_data["received_date"] == date(2026, 2, 3)
    letter = make_form(AssessmentLetterForm, {"answered_on": "2026-02-03"})
    letter.is_valid()
    assert letter.cleaned_data["answered_on"] == date(2026, 2, 3)


def test_an_unknown_kind_of_number_is_refused_next_to_the_field_not_a_server_error(login, case_handler):
    """Found by submitting every form with nonsense: a tampered id_kind was a ValueError (a 500 page)."""
    client = login(case_handler)
    response = client.post(
        reverse("abroad:case_new"),
        {"national_id": synthetic_id(), "id_kind": "abc", "patient_name": "Åse Bjørnstad-Øien"},
        HTTP_ACCEPT_LANGUAGE="nb",
    )
    assert response.status_code == 200
    assert 'id="id_id_kind_error"' in response.content.decode() and not Case.objects.exists()
