"""Every letter of a case in the case's written language (målloven: a person's right to written answers in their
own form, bokmål or nynorsk): chosen on the application form or in the API, corrected on the correction page, and
read back from the PDFs the steps store, as the patient gets them (pdftotext)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad.models import Case, Document
from vegvis.abroad.tests.support import make_case
from vegvis.access.principal import principal_for
from vegvis.accounts.services import api_token_issue
from vegvis.audit.models import AuditEntry
from vegvis.testing import pdf
from vegvis.testing.factories import region, synthetic_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

# The frame of every letter per language, and what the other language would say (as in test_letters_pdf).
FRAME = {
    "nb": ["Saksbehandler", "Med vennlig hilsen"],
    "nn": ["Sakshandsamar", "Med venleg helsing"],
}
NOT_FRAME = {"nb": ["Sakshandsamar", "venleg"], "nn": ["Saksbehandler", "vennlig"]}


def day(value) -> str:
    return value.strftime("%d.%m.%Y")


def register(client, *, language: str | None) -> Case:
    """The application form as the case handler sends it; ``None``: the field left as the page offers it."""
    before = set(Case.objects.values_list("pk", flat=True))
    form = client.get(reverse("abroad:case_new")).content.decode()
    assert 'name="letter_language"' in form
    data = {
        "national_id": synthetic_id(),
        "patient_name": "Kari Nordmann",
        "home_region": region().pk,
        "route": "treatment_abroad",
        "timing": "prior_approval",
        "applicant": "patient",
        "received_date": day(TODAY),
        "diagnosis_icd10": "G40.2",
        "requested_treatment": "MEG-undersøking",
        "letter_language": language or selected(form, "letter_language"),
    }
    response = client.post(reverse("abroad:case_new"), data)
    assert response.status_code == 302, response.content.decode()
    return Case.objects.exclude(pk__in=before).get()


def selected(form: str, name: str) -> str:
    """The option the page preselects in the select ``name`` (what a browser sends unless the user changes it)."""
    select = re.search(rf'<select name="{name}".*?</select>', form, re.S)
    assert select, name
    return re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0)).group(1)  # type: ignore[union-attr]


def step(client, case: Case, event: str, data: dict) -> None:
    """A letter step as the page takes it: the letter shown first, then confirmed."""
    case.refresh_from_db()
    url = reverse("abroad:case_action", args=[case.pk, event])
    data = {"version": case.version, **data}
    preview = client.post(url, data)
    assert preview.status_code == 200 and "confirm" in preview.content.decode()
    response = client.post(url, {**data, "confirm": "1"})
    assert response.status_code == 302, response.content.decode()


def register_appeal(client, case: Case) -> None:
    case.refresh_from_db()
    response = client.post(
        reverse("abroad:case_action", args=[case.pk, "register_appeal"]),
        {"version": case.version, "received_date": day(TODAY), "grounds": "Eg klagar."},
    )
    assert response.status_code == 302, response.content.decode()


def reject_with_the_forms_language(client, case: Case) -> str:
    """Reject through the decision page, leaving the letter language as the form offers it."""
    form = client.get(reverse("abroad:case_action", args=[case.pk, "reject"])).content.decode()
    language = selected(form, "language")
    step(
        client,
        case,
        "reject",
        {
            "decided_on": day(TODAY),
            "legal_basis": "pbrl. § 2-4 a",
            "grounds": "Det finst eit adekvat tilbod i Noreg.",
            "language": language,
        },
    )
    return language


def letter_text(case: Case, kind: str) -> str:
    document = case.documents.get(kind=kind)
    assert document.content_type == "application/pdf"
    return pdf.text(document.file.read())


def assert_in(language: str, text: str) -> None:
    for frame in FRAME[language]:
        assert frame in text, (language, frame)
    for other in NOT_FRAME[language]:
        assert other not in text, (language, other)


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_every_letter_of_a_case_is_in_the_language_chosen_on_the_application_form(
    client, login, case_handler, language
):
    login(case_handler)
    reversed_case = register(client, language=language)
    forwarded_case = register(client, language=language)
    assert reversed_case.letter_language == forwarded_case.letter_language == language
    page = client.get(reverse("abroad:case", args=[reversed_case.pk])).content.decode()
    assert {"nb": "Bokmål", "nn": "Nynorsk"}[language] in page

    # The provisional reply (no preview: sent when saved).
    response = client.post(
        reverse("abroad:case_follow_up", args=[reversed_case.pk, "provisional_reply"]),
        {
            "version": reversed_case.version,
            "expected_by": day(TODAY + timedelta(days=30)),
            "reason": "Vi ventar på fagleg vurdering.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert_in(language, letter_text(reversed_case, Document.Kind.PROVISIONAL_REPLY))

    # The decision: the form offers the case's language, and the letter is in it.
    assert reject_with_the_forms_language(client, reversed_case) == language
    assert_in(language, letter_text(reversed_case, Document.Kind.DECISION))

    # The office reverses its decision on appeal.
    register_appeal(client, reversed_case)
    step(client, reversed_case, "reverse_on_appeal", {"decided_on": day(TODAY), "grounds": "Ventetida er for lang."})
    assert_in(language, letter_text(reversed_case, Document.Kind.APPEAL_DECISION))

    # The office keeps its decision and forwards the appeal.
    reject_with_the_forms_language(client, forwarded_case)
    register_appeal(client, forwarded_case)
    step(client, forwarded_case, "forward_appeal", {"forwarded_on": day(TODAY), "comments": ""})
    assert_in(language, letter_text(forwarded_case, Document.Kind.APPEAL_FORWARDED))


def preview_of(response) -> str:
    """The letter shown before it is sent (the page around it has the user's role, "Saksbehandler")."""
    assert response.status_code == 200
    found = re.search(
        r'<article[^>]*id="letter-preview"[^>]*lang="([a-z]+)"[^>]*>(.*?)</article>', response.content.decode(), re.S
    )
    assert found, "no letter preview"
    return f"lang={found.group(1)} " + found.group(2)


def test_the_letter_previews_are_in_the_cases_language(client, login, case_handler):
    login(case_handler)
    case = register(client, language="nn")
    form = client.get(reverse("abroad:case_action", args=[case.pk, "reject"])).content.decode()
    data = {"version": case.version, "decided_on": day(TODAY), "legal_basis": "pbrl.", "grounds": "Grunngiving."}
    decision = preview_of(
        client.post(
            reverse("abroad:case_action", args=[case.pk, "reject"]), {**data, "language": selected(form, "language")}
        )
    )
    assert decision.startswith("lang=nn ")
    assert_in("nn", decision)
    reject_with_the_forms_language(client, case)
    register_appeal(client, case)
    case.refresh_from_db()
    reversal = preview_of(
        client.post(
            reverse("abroad:case_action", args=[case.pk, "reverse_on_appeal"]),
            {"version": case.version, "decided_on": day(TODAY), "grounds": "Omgjort."},
        )
    )
    assert reversal.startswith("lang=nn ")
    assert_in("nn", reversal)
    forwarding = preview_of(
        client.post(
            reverse("abroad:case_action", args=[case.pk, "forward_appeal"]),
            {"version": case.version, "forwarded_on": day(TODAY), "comments": ""},
        )
    )
    assert forwarding.startswith("lang=nn ")
    assert_in("nn", forwarding)


def test_a_single_decision_letter_may_differ_from_the_cases_language(client, login, case_handler):
    login(case_handler)
    case = register(client, language="nn")
    step(
        client,
        case,
        "reject",
        {"decided_on": day(TODAY), "legal_basis": "pbrl.", "grounds": "Grunngiving.", "language": "nb"},
    )
    assert_in("nb", letter_text(case, Document.Kind.DECISION))
    case.refresh_from_db()
    assert case.letter_language == "nn"  # the case's language is not changed by one letter


def test_the_case_handler_corrects_the_language_and_the_next_letter_follows_audited(client, login, case_handler):
    login(case_handler)
    case = register(client, language=None)  # the form's default
    assert case.letter_language == "nb"
    form = client.get(reverse("abroad:case_correct", args=[case.pk])).content.decode()
    assert selected(form, "letter_language") == "nb"
    response = client.post(
        reverse("abroad:case_correct", args=[case.pk]),
        {
            "version": case.version,
            "route": case.route,
            "diagnosis_icd10": case.diagnosis_icd10,
            "requested_treatment": case.requested_treatment,
            "letter_language": "nn",
        },
    )
    assert response.status_code == 302, response.content.decode()
    case.refresh_from_db()
    assert case.letter_language == "nn"
    entry = AuditEntry.objects.filter(action="update", object_id=str(case.pk)).latest("seq")
    assert entry.detail["corrected"] is True
    assert entry.detail["changed"] == {"letter_language": ["nb", "nn"]}
    assert entry.actor_id == case_handler.pk

    response = client.post(
        reverse("abroad:case_follow_up", args=[case.pk, "provisional_reply"]),
        {"version": case.version, "expected_by": day(TODAY + timedelta(days=30)), "reason": "Vi ventar."},
    )
    assert response.status_code == 302
    assert_in("nn", letter_text(case, Document.Kind.PROVISIONAL_REPLY))


def test_a_correction_without_the_language_keeps_it(client, login, case_handler):
    case = make_case("received")
    case.letter_language = "nn"
    case.save(update_fields=["letter_language"])
    login(case_handler)
    response = client.post(
        reverse("abroad:case_correct", args=[case.pk]),
        {"version": case.version, "route": case.route, "diagnosis_icd10": "C71.1"},
    )
    assert response.status_code == 302, response.content.decode()
    case.refresh_from_db()
    assert (case.diagnosis_icd10, case.letter_language) == ("C71.1", "nn")


@pytest.fixture
def api(client, case_handler):
    _token, key = api_token_issue(actor=principal_for(case_handler), user=case_handler, name="test", scope="read_write")

    def post(path: str, body: dict):
        return client.post(
            f"/api/v1/abroad{path}", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
        )

    return post


def application(**overrides):
    return {
        "national_id": synthetic_id(),
        "patient_name": "Ola Nordmann",
        "home_region": "helse-sor-ost",
        "route": "treatment_abroad",
        "received_date": TODAY.isoformat(),
        "diagnosis_icd10": "G40.2",
        **overrides,
    }


def test_the_api_registers_the_language_defaults_to_bokmaal_and_refuses_others(api):
    nynorsk = api("/cases", application(letter_language="nn"))
    assert nynorsk.status_code == 201, nynorsk.content
    assert nynorsk.json()["letter_language"] == "nn"
    assert Case.objects.get(pk=nynorsk.json()["id"]).letter_language == "nn"

    default = api("/cases", application())
    assert default.status_code == 201 and default.json()["letter_language"] == "nb"

    count = Case.objects.count()
    refused = api("/cases", application(letter_language="de"))
    assert refused.status_code == 422 and Case.objects.count() == count


def test_the_api_corrects_the_language_audited(api, case_handler):
    created = api("/cases", application()).json()
    response = api(f"/cases/{created['id']}/correction", {"version": created["version"], "letter_language": "nn"})
    assert response.status_code == 200, response.content
    assert response.json()["letter_language"] == "nn"
    entry = AuditEntry.objects.filter(action="update", object_id=str(created["id"])).latest("seq")
    assert entry.detail["changed"] == {"letter_language": ["nb", "nn"]} and entry.actor_id == case_handler.pk


def test_an_imported_case_writes_in_bokmaal(tmp_path):
    """The import contract has no language field: every imported case is bokmål."""
    from vegvis.abroad.tests.test_import_cases import jsonl, line, write

    content = jsonl(line(external_id="HSO-2020-0001"))
    call_command("import", "cases", str(write(tmp_path, content)), stdout=StringIO())
    assert Case.objects.get(external_id="HSO-2020-0001").letter_language == "nb"
