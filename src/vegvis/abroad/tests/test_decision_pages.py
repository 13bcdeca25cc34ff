"""Issue 11 on the case page and the decision steps, as a case handler's requests: the decision history, the
appeal deadline as it stands, the status tags, the letter previewed before it is sent, dates in the future."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vegvis.abroad.models import Decision, Document, Outcome, Route, Status
from vegvis.abroad.services import appeals, cases, decisions
from vegvis.abroad.tests.support import OPERATOR, make_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def page_of(client, case) -> str:
    response = client.get(reverse("abroad:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def reject(case, *, days_ago: int, grounds: str = "Det finnes et adekvat tilbud i Norge.") -> None:
    decisions.case_decide(
        actor=OPERATOR,
        case=case,
        version=case.version,
        decision=decisions.DecisionData(
            outcome=Outcome.REJECTED, decided_on=TODAY - timedelta(days=days_ago), grounds=grounds
        ),
    )


def test_after_a_reversal_on_appeal_the_page_keeps_the_rejections_grounds_beside_the_reversals(
    client, login, case_handler
):
    case = make_case("assessment_received")
    reject(case, days_ago=10, grounds="Avslått: tilbudet i Norge er adekvat.")
    appeals.case_register_appeal(actor=OPERATOR, case=case, version=case.version, received_date=TODAY)
    step = reverse("abroad:case_action", args=[case.pk, "reverse_on_appeal"])
    login(case_handler)
    data = {"version": case.version, "decided_on": TODAY.isoformat(), "grounds": "Omgjort: ventetiden er for lang."}
    preview = client.post(step, data)
    assert "Omgjort: ventetiden er for lang." in text(preview.content.decode())
    assert client.post(step, {**data, "confirm": "1"}).status_code == 302

    shown = text(page_of(client, case))
    assert "Avslått: tilbudet i Norge er adekvat." in shown and "Omgjort: ventetiden er for lang." in shown
    assert shown.index("Avslått: tilbudet") < shown.index("Omgjort: ventetiden")  # oldest first
    rows = list(case.decisions.order_by("id"))
    assert [(d.kind, d.outcome, d.grounds) for d in rows] == [
        (Decision.Kind.ORIGINAL, Outcome.REJECTED, "Avslått: tilbudet i Norge er adekvat."),
        (Decision.Kind.OFFICE_REVERSAL, Outcome.GRANTED, "Omgjort: ventetiden er for lang."),
    ]
    assert rows[0].letter.kind == Document.Kind.DECISION and rows[1].letter.kind == Document.Kind.APPEAL_DECISION
    assert rows[1].decided_by_user == case_handler
    with pytest.raises(ValueError, match="cannot be changed"):
        rows[0].save()


def test_nothing_is_saved_until_the_letter_is_confirmed_and_change_keeps_what_was_typed(client, login, case_handler):
    case = make_case("assessment_received")
    step = reverse("abroad:case_action", args=[case.pk, "grant"])
    login(case_handler)
    form = client.get(step).content.decode()
    assert 'name="outcome"' in form and "Vis brevet" in form and "Lagre" not in form
    data = {
        "version": case.version,
        "outcome": "partly_granted",
        "decided_on": TODAY.isoformat(),
        "legal_basis": "pbrl. § 2-4 a",
        "grounds": "Behandlingen dekkes, ikke ledsager.",
        "cover_treatment": "on",
        "language": "nb",
    }
    preview = client.post(step, data).content.decode()
    assert "Fatt vedtak og send brev" in preview and "delvis innvilget" in preview
    case.refresh_from_db()
    assert case.status == Status.ASSESSMENT_RECEIVED and not case.documents.filter(kind=Document.Kind.DECISION)
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', preview))
    assert hidden["grounds"] == "Behandlingen dekkes, ikke ledsager." and hidden["cover_companion"] == "False"

    back = client.post(step, {**hidden, "edit": "1"}).content.decode()
    assert "Behandlingen dekkes, ikke ledsager." in back and "Vis brevet" in back  # the form again, as typed
    assert client.post(step, {**hidden, "confirm": "1"}).status_code == 302
    case.refresh_from_db()
    assert case.final_outcome == Outcome.PARTLY_GRANTED
    assert case.decisions.get().coverage == {
        "treatment": True,
        "travel": False,
        "stay": False,
        "companion": False,
        "guarantee": False,
    }


def test_a_rejection_form_has_no_outcome_select_and_the_forward_step_previews_its_letter(client, login, case_handler):
    case = make_case("assessment_received")
    login(case_handler)
    form = client.get(reverse("abroad:case_action", args=[case.pk, "reject"])).content.decode()
    assert 'name="outcome"' not in form and "<select" in form  # only the letter language is chosen
    reject(case, days_ago=5)
    appeals.case_register_appeal(actor=OPERATOR, case=case, version=case.version, received_date=TODAY)
    step = reverse("abroad:case_action", args=[case.pk, "forward_appeal"])
    data = {"version": case.version, "forwarded_on": TODAY.isoformat(), "comments": ""}
    preview = client.post(step, data).content.decode()
    assert "Send klagen videre og send brev" in preview and "Klagenemnda for behandling i utlandet" in text(preview)
    case.refresh_from_db()
    assert case.status == Status.APPEALED
    client.post(step, {**data, "confirm": "1"})
    case.refresh_from_db()
    assert case.status == Status.AT_APPEALS_BODY


def test_an_expired_appeal_deadline_says_so(client, login, case_handler):
    case = make_case("assessment_received", received=TODAY - timedelta(days=200))
    reject(case, days_ago=150)  # four months and more ago
    login(case_handler)
    shown = text(page_of(client, case))
    deadline = (TODAY - timedelta(days=150) + timedelta(weeks=4)).strftime("%d.%m.%Y")
    assert f"Klagefristen gikk ut {deadline}" in shown
    assert "løper" not in shown


def test_a_running_appeal_deadline_says_until_when(client, login, case_handler):
    case = make_case("assessment_received")
    reject(case, days_ago=3)
    login(case_handler)
    deadline = (TODAY - timedelta(days=3) + timedelta(weeks=4)).strftime("%d.%m.%Y")
    assert f"Klagefristen løper til {deadline}" in text(page_of(client, case))


def test_a_route_without_appeal_shows_no_appeal_text(client, login, case_handler):
    case = make_case("rejected", route=Route.PARTICLE_THERAPY)
    login(case_handler)
    shown = text(page_of(client, case))
    assert "Klagefrist" not in shown and "klage" not in shown.lower().replace("klageinstans", "")
    assert case.due_reason == ""


def test_the_status_tags_do_not_repeat_and_not_supporting_is_red(client, login, case_handler):
    case = make_case("assessment_requested")
    cases.assessment_answer(
        actor=OPERATOR,
        assessment=case.assessments.get(),
        recommendation="does_not_support",
        conclusion="Tilbudet i Norge er adekvat.",
        by_letter=True,
        version=case.version,
    )
    reject(case, days_ago=2)
    login(case_handler)
    html = page_of(client, case)
    head = html[html.index('class="vv-badge-row"') : html.index("</div>", html.index('class="vv-badge-row"'))]
    assert text(head).count("Avslått") == 1  # status and outcome say the same: said once
    assert re.search(r'<span class="ds-tag" data-color="danger"[^>]*>\s*Støtter ikke behandling i utlandet', html)
    assert not re.search(r'data-color="success"[^>]*>\s*Støtter ikke', html)


def test_decisions_made_before_the_history_was_kept_are_rebuilt_by_the_migration():
    from importlib import import_module

    from django.apps import apps

    backfill = import_module("vegvis.abroad.migrations.0010_decision_history").backfill
    case = make_case("at_appeals_body")
    appeals.case_record_appeal_decision(
        actor=OPERATOR, case=case, version=case.version, reversed_=True, received_on=TODAY
    )
    granted = make_case("follow_up")
    made = {c: list(c.decisions.values_list("kind", "outcome", "decided_on")) for c in (case, granted)}
    Decision.objects.all().delete()  # as before migration 0008

    backfill(apps, None)

    for c, rows in made.items():
        assert list(c.decisions.order_by("id").values_list("kind", "outcome", "decided_on")) == rows
    assert case.decisions.get(kind=Decision.Kind.ORIGINAL).letter.kind == Document.Kind.DECISION


FUTURE = (TODAY + timedelta(days=89)).isoformat()  # 01.03.2027 typed in the date field is sent as 2027-03-01


@pytest.mark.parametrize(
    ("state", "event", "field", "rest"),
    [
        ("rejected", "register_appeal", "received_date", {"grounds": "Uenig."}),
        ("info_requested", "register_info", "received_on", {"sender": "Fastlegen"}),
        ("assessment_received", "reject", "decided_on", {"grounds": "Nei.", "legal_basis": "x", "language": "nb"}),
        ("at_appeals_body", "record_appeal_upheld", "received_on", {}),
        ("follow_up", "close", "closed_on", {}),
        ("assessment_received", "withdraw", "withdrawn_on", {}),
    ],
)
def test_a_received_or_happened_date_in_the_future_is_refused_next_to_its_field(
    client, login, case_handler, state, event, field, rest
):
    case = make_case(state)
    login(case_handler)
    response = client.post(
        reverse("abroad:case_action", args=[case.pk, event]), {"version": case.version, field: FUTURE, **rest}
    )
    html = response.content.decode()
    error = re.search(rf'id="id_{field}_error">([^<]*)<', html)
    assert error and "Datoen kan ikke være fram i tid" in error.group(1)
    assert re.search(rf'name="{field}" value="{FUTURE}"', html)  # kept as typed
    before = case.version
    case.refresh_from_db()
    assert case.version == before and case.status == state


def test_the_application_form_refuses_a_future_received_date_with_the_same_rule(client, login, case_handler):
    login(case_handler)
    response = client.post(reverse("abroad:case_new"), {"received_date": FUTURE, "patient_name": "Kari"})
    error = re.search(r'id="id_received_date_error">([^<]*)<', response.content.decode())
    assert error and "Datoen kan ikke være fram i tid" in error.group(1)


def test_the_worklist_says_when_an_appeal_deadline_has_passed(client, login, case_handler):
    case = make_case("assessment_received", received=TODAY - timedelta(days=200))
    reject(case, days_ago=150)
    login(case_handler)
    row = client.get(reverse("abroad:worklist")).content.decode()
    assert "<td>Klagefristen er ute</td>" in row and "<td>Klagefristen løper</td>" not in row


def test_the_migration_clears_the_appeal_deadline_of_rejections_on_routes_without_appeal():
    from importlib import import_module

    from django.apps import apps

    clear = import_module("vegvis.abroad.migrations.0010_decision_history").no_appeal_deadline_without_appeal
    case = make_case("rejected", route=Route.PARTICLE_THERAPY)
    appealable = make_case("rejected")
    from vegvis.abroad.models import Case

    Case.objects.filter(pk=case.pk).update(due_on=TODAY, due_reason="appeal_deadline")  # as stored before
    clear(apps, None)
    case.refresh_from_db()
    appealable.refresh_from_db()
    assert (case.due_on, case.due_reason) == (None, "")
    assert appealable.due_reason == "appeal_deadline"
