"""The consultations' writes: numbering per organisation and year, the step table walked edge by edge, input
registered in the case file, the late flag at the deadline's boundary (Europe/Oslo), versions, revision refused
after the deadline in Norwegian, the deadline warnings, and the public page's silence on an exempt input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from vegvis.access.principal import SYSTEM, principal_for
from vegvis.casework.steps import TransitionRefused
from vegvis.consultations import deadlines, services, steps
from vegvis.consultations.models import Document, Input, Status, Use
from vegvis.consultations.tests.support import (
    OTHER_BODY,
    OTHER_ORGANISATION,
    PDF,
    body,
    body_user,
    data,
    make_consultation,
    on,
    send_input,
    step,
)
from vegvis.core.errors import Conflict, DomainError
from vegvis.testing.auth import log_in_verified

pytestmark = pytest.mark.django_db


def test_consultations_are_numbered_per_organisation_and_year():
    year = timezone.localdate().year
    first, second = make_consultation("draft"), make_consultation("draft")
    other = make_consultation("draft", organisation_name=OTHER_ORGANISATION)
    assert [first.number, second.number, other.number] == [f"{year}/0001", f"{year}/0002", f"{year}/0001"]


def test_every_edge_of_the_step_table_and_no_other():
    consultation = make_consultation("draft")
    walk = ["open_for_input", "close_for_input", "reopen_for_input", "close_for_input", "start_response"]
    for event in walk:
        allowed = set(steps.TABLE.allowed_events(consultation))
        assert event in allowed
        for refused in set(steps.TABLE.events) - allowed:
            with pytest.raises(TransitionRefused):
                step(consultation, refused)
        step(consultation, event)
    assert consultation.status == Status.WRITING

    # Submitting needs a section and every input's use.
    item = send_input(consultation)
    with pytest.raises(TransitionRefused, match="every input"):
        step(consultation, "submit_response")
    services.input_use_record(actor=SYSTEM, input=item, use=Use.NOT_USED, explanation="Utenfor høringens tema.")
    with pytest.raises(TransitionRefused, match="section"):
        step(consultation, "submit_response")
    services.section_save(actor=SYSTEM, consultation=consultation, heading="Innledning", text="Tekst", order=1)
    step(consultation, "submit_response")
    assert consultation.submitted_on == timezone.localdate()
    step(consultation, "publish")
    assert consultation.published_on == timezone.localdate()
    step(consultation, "withdraw_publication")
    assert (consultation.status, consultation.published_on) == (Status.SUBMITTED, None)


def test_opening_needs_an_invited_body_and_a_stale_version_is_refused():
    consultation = services.consultation_create(actor=SYSTEM, organisation=body().parent, data=data(), invited=[])
    with pytest.raises(TransitionRefused, match="Invite"):
        step(consultation, "open_for_input")
    with pytest.raises(services.ConsultationChanged):
        services.consultation_step(
            actor=SYSTEM, case=consultation, version=consultation.version + 1, event="open_for_input"
        )


def test_another_organisations_secretariat_may_not_take_steps():
    from vegvis.testing.factories import UserFactory

    consultation = make_consultation("draft")
    outsider = UserFactory(
        role="consultation_secretariat", role__organisation=OTHER_ORGANISATION, role__organisation_kind="association"
    )
    with pytest.raises(PermissionDenied):
        services.consultation_step(
            actor=principal_for(outsider), case=consultation, version=consultation.version, event="open_for_input"
        )


def test_input_is_registered_in_the_case_file_with_its_attachments():
    consultation = make_consultation("open")
    item = send_input(
        consultation,
        attachments=[services.Attachment(content=PDF, filename="innspill.pdf", content_type="application/pdf")],
    )
    documents = list(consultation.documents.order_by("sequence"))
    assert [d.kind for d in documents] == [Document.Kind.INPUT, Document.Kind.ATTACHMENT]
    assert item.number == documents[0].number == f"{consultation.number}-1"
    assert documents[0].body == "Vårt innspill." and documents[0].sent_at is not None
    assert all(d.input_id == item.pk for d in documents)
    assert not item.late


def test_a_body_not_invited_and_a_user_of_another_body_are_refused():
    consultation = make_consultation("open")
    stranger = body("Norsk forening for allmennmedisin")
    with pytest.raises(DomainError):
        send_input(consultation, stranger)
    other_user = principal_for(body_user(OTHER_BODY))
    with pytest.raises(PermissionDenied):
        services.input_submit(actor=other_user, consultation=consultation, body=body(), text="Ikke vårt.")


def _clock(monkeypatch, moment):
    """The clock at ``moment`` (the outside world's time; nothing of ours is replaced)."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_input_on_the_deadline_day_at_23_59_is_on_time_and_a_minute_later_late(monkeypatch):
    consultation = make_consultation("open")
    deadline = consultation.internal_deadline
    _clock(monkeypatch, on(deadline, 23, 59))
    on_time = send_input(consultation)
    _clock(monkeypatch, on(deadline + timedelta(days=1), 0, 0))
    late = send_input(consultation, body(OTHER_BODY))
    assert (on_time.late, late.late) == (False, True)
    assert late.versions.get().late


def test_deadlines_late_is_read_in_europe_oslo():
    deadline = timezone.localdate()
    # 22:30 UTC on the deadline's day is 23:30 or 00:30 in Oslo, by season: the local day decides.
    assert deadlines.is_late(on(deadline, 23, 59), deadline) is False
    assert deadlines.is_late(on(deadline + timedelta(days=1), 0, 0), deadline) is True


def test_every_revision_is_kept_and_revision_ends_with_the_deadline_in_norwegian(monkeypatch):
    consultation = make_consultation("open")
    user = body_user()
    actor = principal_for(user)
    item = services.input_submit(actor=actor, consultation=consultation, body=body(), text="Første utkast.")
    item = services.input_revise(
        actor=actor, input=item, version=item.version, text="Andre utkast.", contains_personal_data=False
    )
    assert [v.text for v in item.versions.order_by("sequence")] == ["Første utkast.", "Andre utkast."]
    assert Input.objects.get(pk=item.pk).text == "Andre utkast."
    assert consultation.documents.filter(kind=Document.Kind.INPUT).count() == 2

    deadline = consultation.internal_deadline
    _clock(monkeypatch, on(deadline + timedelta(days=1), 0, 0))
    with translation.override("nb"), pytest.raises(Conflict) as refused:
        services.input_revise(
            actor=actor, input=item, version=item.version, text="For sent.", contains_personal_data=False
        )
    assert str(refused.value) == (f"Innspillet kan bare revideres fram til den interne fristen, {deadline:%d.%m.%Y}.")
    assert item.versions.count() == 2


def test_warnings_on_a_short_period_and_too_little_time_to_compile():
    issued = timezone.localdate()
    assert (
        deadlines.warnings(
            issued_on=issued,
            issuer_deadline=issued + timedelta(weeks=12),
            internal_deadline=issued + timedelta(weeks=8),
        )
        == []
    )
    short = deadlines.warnings(
        issued_on=issued,
        issuer_deadline=issued + timedelta(weeks=5),
        internal_deadline=issued + timedelta(weeks=4, days=6),
    )
    assert len(short) == 2
    assert "six weeks" in short[0] or "6" in short[0]
    assert "14" in short[1]


def test_the_public_page_shows_nothing_of_an_exempt_inputs_text(client):
    consultation = make_consultation("writing")
    secret = send_input(
        consultation,
        body(OTHER_BODY),
        text="Pasienten Ola Hemmelig fikk behandling.",
        contains_personal_data=True,
        attachments=[services.Attachment(content=PDF, filename="journal.pdf", content_type="application/pdf")],
    )
    services.input_use_record(actor=SYSTEM, input=secret, use=Use.PARTLY, explanation="Erfaringen er tatt med.")
    step(consultation, "submit_response")
    step(consultation, "publish")

    page = client.get(f"/horinger/{consultation.pk}/").content.decode()

    assert "Vårt innspill." in page  # the other input, not exempt
    assert (secret.number in page and "personal data" in page) or "personopplysninger" in page
    for leak in ("Ola Hemmelig", OTHER_BODY, "Erfaringen er tatt med", "journal.pdf"):
        assert leak not in page
    attachment = secret.documents.get(kind=Document.Kind.ATTACHMENT)
    assert client.get(f"/horinger/{consultation.pk}/vedlegg/{attachment.pk}/").status_code == 404


def test_a_revision_cannot_lift_the_personal_data_mark_only_the_secretariat_can(client):
    """An input the secretariat marked as holding personal data stays exempt when its body revises it unticked;
    the revise page shows the box ticked and locked with why; the secretariat may lift the mark."""
    consultation = make_consultation("open")
    user = body_user()
    actor = principal_for(user)
    item = services.input_submit(actor=actor, consultation=consultation, body=body(), text="Om en pasient.")
    services.input_use_record(
        actor=SYSTEM, input=item, use=Use.USED, explanation="Tatt inn.", contains_personal_data=True
    )
    item.refresh_from_db()
    assert item.contains_personal_data

    item = services.input_revise(
        actor=actor, input=item, version=item.version, text="Fortsatt om en pasient.", contains_personal_data=False
    )
    assert Input.objects.get(pk=item.pk).contains_personal_data

    log_in_verified(client, user)
    page = client.get(reverse("consultations:body_consultation", args=[consultation.pk])).content.decode()
    box = re.search(r'<input[^>]*name="contains_personal_data"[^>]*>', page)
    assert box and "checked" in box.group(0) and "disabled" in box.group(0)
    assert "bare sekretariatet kan oppheve merkingen" in page

    services.input_use_record(
        actor=SYSTEM, input=item, use=Use.USED, explanation="Tatt inn.", contains_personal_data=False
    )
    assert not Input.objects.get(pk=item.pk).contains_personal_data
