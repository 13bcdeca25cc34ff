"""The review before publication, through the services and the pages: notice, deadlines, confirm, dispute,
correction, publication of kept versions, the public register and its downloads."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from vegvis.access.principal import SYSTEM, principal_for
from vegvis.cooperation import services
from vegvis.cooperation.models import Agreement, Document, PublishedVersion, Status
from vegvis.cooperation.tests.support import (
    OTHER_ORGANISATION,
    OTHER_SUPPLIER,
    PDF,
    make_agreement,
    organisation,
    supplier,
    terms,
)
from vegvis.core.models import LegalDeadline
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def user(role: str, where: str | None = None, name: str = ""):
    extra = {"role__organisation": where} if where else {}
    if role == "supplier_user":
        supplier(where)  # the role's organisation is the supplier
        extra["role__organisation_kind"] = "supplier"
    return UserFactory(username=name or f"{role}.{where or 'all'}".replace(" ", "-"), role=role, **extra)


def test_entering_mails_the_organisations_users_with_the_review_period_an_administrator_set(
    django_capture_on_commit_callbacks,
):
    reviewer = user("patient_organisation_user", "Foreningen for hjertesyke")
    user("patient_organisation_user", OTHER_ORGANISATION)
    LegalDeadline.objects.filter(key="cooperation_review").update(amount=30)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        agreement = services.agreement_enter(actor=SYSTEM, data=terms())
    assert agreement.review_due_on == today + timedelta(days=30)
    assert agreement.correction_due_on == today + timedelta(days=45)
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert agreement.number in mail.outbox[0].body
    assert (today + timedelta(days=30)).strftime("%d.%m.%Y") in mail.outbox[0].body


def test_a_user_acts_only_for_their_own_company_or_organisation():
    other_supplier_user = principal_for(user("supplier_user", OTHER_SUPPLIER))
    other_org_user = principal_for(user("patient_organisation_user", OTHER_ORGANISATION))
    with pytest.raises(services.AgreementRefused):
        services.agreement_enter(actor=other_supplier_user, data=terms())
    agreement = make_agreement()
    with pytest.raises(services.AgreementRefused):
        services.agreement_confirm(actor=other_org_user, agreement=agreement, version=agreement.version)
    with pytest.raises(services.AgreementRefused):
        services.agreement_correct(
            actor=other_supplier_user, agreement=agreement, version=agreement.version, data=terms()
        )
    assert Agreement.objects.get().status == Status.IN_REVIEW


def test_a_disputed_agreement_is_published_only_after_the_correction_period_marked_with_the_reason(client):
    org_user = user("patient_organisation_user", "Foreningen for hjertesyke")
    agreement = make_agreement()
    log_in_verified(client, org_user)
    page = client.post(
        reverse("cooperation:agreement_dispute", args=[agreement.pk]),
        {"version": agreement.version, "reason": "Beløpet stemmer ikke."},
    )
    assert page.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Status.DISPUTED
    with pytest.raises(services.AgreementRefused, match="eller etter"):
        services.agreement_publish(actor=SYSTEM, agreement=agreement, version=agreement.version)

    Agreement.objects.filter(pk=agreement.pk).update(correction_due_on=timezone.localdate() - timedelta(days=1))
    agreement.refresh_from_db()
    with pytest.raises(services.AgreementRefused):  # the supplier's correction period is over too
        services.agreement_correct(actor=SYSTEM, agreement=agreement, version=agreement.version, data=terms())
    published = services.agreement_publish(actor=SYSTEM, agreement=agreement, version=agreement.version)
    assert (published.disputed, published.dispute_reason) == (True, "Beløpet stemmer ikke.")
    client.logout()
    text = client.get(reverse("cooperation:public")).content.decode()
    assert "Bestridt" in text and "Beløpet stemmer ikke." in text


def test_a_correction_after_publication_is_a_new_kept_version_showing_the_change(client):
    agreement = make_agreement("published")
    services.agreement_correct(
        actor=SYSTEM, agreement=agreement, version=agreement.version, data=terms(amount_nok=Decimal("60000.00"))
    )
    agreement.refresh_from_db()
    assert agreement.status == Status.IN_REVIEW and agreement.corrected
    agreement = services.agreement_confirm(actor=SYSTEM, agreement=agreement, version=agreement.version)
    services.agreement_publish(actor=SYSTEM, agreement=agreement, version=agreement.version)

    first, second = PublishedVersion.objects.order_by("sequence")
    assert (first.current, first.terms["amount_nok"]) == (False, "50000.00")
    assert second.current and second.changes == [{"field": "amount_nok", "before": "50000.00", "after": "60000.00"}]
    text = client.get(reverse("cooperation:public")).content.decode()
    assert "Endret" in text and "50000.00 → 60000.00" in text


def test_the_agreement_page_names_each_broken_rule_with_its_paragraph_and_sentence(client):
    supplier()
    organisation()
    admin = user("cooperation_administrator")
    log_in_verified(client, admin)
    org = organisation()
    form = {
        "supplier": supplier().pk,
        "organisation": org.pk,
        "kind": "financial_support",
        "written": "nei",
        "starts_on": "01.02.2026",
        "amount_nok": "412 345,50",
        "purpose": "Likepersonskurs",
        "exclusive": "ja",
        "transparency_clause": "ja",
        "market_value_stated": "ja",
        "signed_pdf": SimpleUploadedFile("avtale.pdf", PDF, content_type="application/pdf"),
    }
    response = client.post(reverse("cooperation:agreement_new"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get()
    assert agreement.amount_nok == Decimal("412345.50")
    assert agreement.documents.get().sent_at is not None  # sealed

    text = client.get(response["Location"]).content.decode()
    assert "§ 4" in text and "Avtalen er en eksklusivitetsavtale" in text
    assert "§ 6" in text and "Det finnes ingen skriftlig avtale" in text
    assert "Avtalen ble ikke signert før samarbeidet startet." in text
    compliant = make_agreement()
    assert (
        "bryter ingen av reglene" in client.get(reverse("cooperation:agreement", args=[compliant.pk])).content.decode()
    )
    register = client.get(reverse("cooperation:register")).content.decode()
    assert register.index(agreement.number) < register.index(compliant.number)  # findings first


def test_an_html_file_named_pdf_is_refused_and_nothing_is_saved(client):
    log_in_verified(client, user("supplier_user", "Medisinleverandøren AS"))
    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    response = client.post(
        reverse("cooperation:agreement_new"),
        {
            "supplier": supplier().pk,
            "organisation": organisation().pk,
            "kind": "advertising",
            "written": "ja",
            "starts_on": "01.02.2026",
            "exclusive": "nei",
            "transparency_clause": "ja",
            "market_value_stated": "ja",
            "signed_pdf": SimpleUploadedFile("avtale.pdf", html, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "PDF" in response.content.decode()
    assert not Agreement.objects.exists() and not Document.objects.exists()


def test_the_downloads_hold_every_published_row_of_the_year(client):
    make_agreement("published")
    make_agreement("published_disputed", amount_nok=Decimal("1234.50"), supplier=supplier(OTHER_SUPPLIER))
    make_agreement()  # not published: not in the downloads
    year = timezone.localdate().year

    response = client.get(reverse("cooperation:public_download", args=[year, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert response["Content-Type"].startswith("text/csv")
    assert sorted((r["supplier"], r["total_nok"], r["disputed"]) for r in rows) == [
        (OTHER_SUPPLIER, "1234.50", "ja"),
        ("Medisinleverandøren AS", "50000.00", "nei"),
    ]

    data = json.loads(client.get(reverse("cooperation:public_download", args=[year, "json"])).content)
    assert data["year"] == year
    assert sorted(a["total_nok"] for a in data["agreements"]) == ["1234.50", "50000.00"]
    assert {a["dispute_reason"] for a in data["agreements"]} == {"", "Beløpet er feil."}
