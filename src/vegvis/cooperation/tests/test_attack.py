"""The attack pass on the cooperation register (docs/modules/cooperation.md, "Attack pass"): markup, formulas and
URLs in every text field and file name, huge numbers and wrong types in imports, files that lie about their
type, other roles and other companies, and what the public pages and downloads reveal. Each test pins a finding
(fixed) or a defence that held."""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from vegvis.access.principal import SYSTEM
from vegvis.cooperation import importer, services
from vegvis.cooperation.importer import COLUMNS
from vegvis.cooperation.models import Agreement, Document, PositionOfTrust
from vegvis.cooperation.tests.support import (
    ORGANISATION,
    OTHER_ORGANISATION,
    OTHER_SUPPLIER,
    PDF,
    SUPPLIER,
    make_agreement,
    organisation,
    supplier,
    terms,
)
from vegvis.imports.lines import ImportRefused
from vegvis.testing.auth import log_in_verified
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
FORMULA = '=HYPERLINK("http://127.0.0.1:8000/admin/","klikk")'
FILE_URL = "file:///etc/passwd"
LOCAL_URL = "http://127.0.0.1:8000/intern"
YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def supplier_user():
    organisation(ORGANISATION)
    supplier(SUPPLIER)
    return UserFactory(
        username="leverandor.angrep",
        email="leverandor.angrep@example.org",
        role="supplier_user",
        role__organisation=SUPPLIER,
        role__organisation_kind="supplier",
    )


def hostile_row() -> dict[str, str]:
    return {
        "organisasjon": ORGANISATION,
        "type": "event_support",
        "tredjepart": SCRIPT,
        "skriftlig": "ja",
        "signert": f"02.01.{YEAR}",
        "start": f"03.01.{YEAR}",
        "beløp": "1000",
        "formål": FORMULA,
        "eksklusiv": "nei",
        "åpenhetsklausul": "ja",
        "markedsverdi oppgitt": "ja",
        "arrangement": FILE_URL,
        "arrangement land": "NO",
        "arrangement dekker": "reise",
        "logo godkjent": f"01.01.{YEAR}",
        "logo formål": IMG,
        "logo måte": LOCAL_URL,
    }


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([c.header for c in COLUMNS])
    for row in rows:
        writer.writerow([row.get(c.header, "") for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode()


def assert_inert(html: str) -> None:
    """The hostile values are shown as text: escaped, never an element, never a link."""
    for raw in (SCRIPT, IMG, "<b>"):
        assert raw not in html
    for url in (FILE_URL, LOCAL_URL, "http://127.0.0.1:8000/admin/"):
        assert f'href="{url}' not in html and f'src="{url}' not in html


def test_markup_formulas_and_urls_from_an_import_are_inert_on_every_page_and_in_every_download(client, supplier_user):
    log_in_verified(client, supplier_user)
    upload = SimpleUploadedFile('<b>avtaler</b>".csv', csv_bytes([hostile_row()]), content_type="text/csv")
    preview_url = client.post(reverse("cooperation:import"), {"file": upload})["Location"]
    preview = client.get(preview_url).content.decode()
    assert_inert(preview)
    assert "b&gt;&quot;.csv</h1>" in preview  # the name (Django keeps what follows the last "/"), as text
    assert client.post(preview_url).status_code == 302

    agreement = Agreement.objects.get()
    assert (agreement.third_party, agreement.purpose) == (SCRIPT, FORMULA)  # stored as written: text, not code
    page = client.get(reverse("cooperation:agreement", args=[agreement.pk])).content.decode()
    assert_inert(page)
    assert "&lt;img src=x" in page and FILE_URL in page

    agreement = services.agreement_confirm(actor=SYSTEM, agreement=agreement, version=agreement.version)
    services.agreement_publish(actor=SYSTEM, agreement=agreement, version=agreement.version)
    client.logout()
    public = client.get(reverse("cooperation:public")).content.decode()
    assert_inert(public)

    download = client.get(reverse("cooperation:public_download", args=[YEAR, "csv"])).content.decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(download), delimiter=";")
    assert row["purpose"] == "'" + FORMULA  # a spreadsheet shows it as text, never runs it
    assert row["third_party"] == SCRIPT
    as_json = client.get(reverse("cooperation:public_download", args=[YEAR, "json"]))
    assert as_json["Content-Type"].startswith("application/json")
    assert json.loads(as_json.content)["agreements"][0]["purpose"] == FORMULA  # data, in a type no browser runs


def test_a_dispute_reason_with_markup_is_published_as_text():
    agreement = make_agreement()
    agreement = services.agreement_dispute(
        actor=SYSTEM, agreement=agreement, version=agreement.version, reason=f"{SCRIPT} se {LOCAL_URL}"
    )
    Agreement.objects.filter(pk=agreement.pk).update(correction_due_on=date(2000, 1, 1))
    services.publish_due()
    from django.test import Client

    public = Client().get(reverse("cooperation:public")).content.decode()
    assert_inert(public)
    assert "&lt;script&gt;" in public


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cells(**values: object) -> list[object]:
    base: dict[str, object] = {
        "organisasjon": ORGANISATION,
        "type": "financial_support",
        "skriftlig": "ja",
        "start": date(YEAR, 1, 3),
        "eksklusiv": "nei",
        "åpenhetsklausul": "ja",
        "markedsverdi oppgitt": "ja",
    }
    base.update(values)
    return [base.get(c.header) for c in COLUMNS]


def test_huge_numbers_and_wrong_types_in_a_workbook_are_named_by_line_and_nothing_is_imported(supplier_user):
    from vegvis.access.principal import principal_for

    content = xlsx(
        [
            cells(beløp=10**20),
            cells(beløp="99999999999999999999,00"),
            cells(start="i morgen"),
            cells(skriftlig=3.5),
            cells(organisasjon=42),
            cells(beløp="1e5"),
            cells(formål="x" * 5001),
            cells(**{"arrangement land": "<b>NO</b>"}),
        ]
    )
    with pytest.raises(ImportRefused) as refused, translation.override("nb"):
        importer.run(actor=principal_for(supplier_user), content=content, filename="avtaler.xlsx")
    errors = "\n".join(str(e) for e in refused.value.errors)
    assert sorted({e.line for e in refused.value.errors}) == list(range(2, 10)), errors
    assert "5000" in errors
    assert not Agreement.objects.exists()


def test_a_workbook_that_unpacks_to_more_than_the_limit_or_has_too_many_rows_is_refused_unread(
    supplier_user, monkeypatch
):
    from vegvis.access.principal import principal_for

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (2 * 1024 * 1024))
    monkeypatch.setattr(importer, "MAX_XLSX_UNPACKED_BYTES", 1024 * 1024)
    with pytest.raises(ImportRefused, match="pakket ut"), translation.override("nb"):
        importer.run(actor=principal_for(supplier_user), content=bomb.getvalue(), filename="avtaler.xlsx")

    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    with pytest.raises(ImportRefused, match="mer enn 3"), translation.override("nb"):
        importer.run(actor=principal_for(supplier_user), content=xlsx([cells()] * 50), filename="avtaler.xlsx")
    assert not Agreement.objects.exists()


def test_files_that_lie_about_their_type_are_refused_on_the_page_the_import_and_the_api(client, supplier_user):
    from vegvis.access.principal import principal_for

    html = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    who = principal_for(supplier_user)
    for content, name in ((PDF, "avtaler.csv"), (html, "avtaler.csv"), (PDF, "avtaler.xlsx"), (html, "avtaler.xlsx")):
        with pytest.raises(ImportRefused):
            importer.run(actor=who, content=content, filename=name)

    agreement = make_agreement()
    from vegvis.accounts.services import api_token_issue

    key = api_token_issue(actor=who, user=supplier_user, name="t", scope="read_write")[1]
    for content in (html, b"PK\x03\x04 not a pdf", b"%PDF" + b"\x00" * 3):
        response = client.post(
            f"/api/v1/cooperation/agreements/{agreement.pk}/documents",
            {"filename": "avtale.pdf", "content_base64": base64.b64encode(content).decode()},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert response.status_code == 422, content
    assert not Document.objects.exists()


def test_a_file_name_with_markup_and_a_path_never_reaches_the_disk_or_the_download_header(client):
    agreement = make_agreement()
    document = services.agreement_add_signed_pdf(
        actor=SYSTEM,
        agreement=agreement,
        pdf=services.SignedPdf(content=PDF, filename='../../<script>"x.pdf'),
    )
    assert ".." not in document.file.name and "<" not in document.file.name and '"' not in document.file.name
    admin = UserFactory(username="samarbeid.admin", role="cooperation_administrator")
    log_in_verified(client, admin)
    response = client.get(reverse("cooperation:agreement_document", args=[agreement.pk, document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "<" not in response["Content-Disposition"] and ".." not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_other_companies_and_roles_cannot_act_through_the_forms(client, supplier_user):
    other_supplier = supplier(OTHER_SUPPLIER)
    agreement = make_agreement()
    log_in_verified(client, supplier_user)
    # Moving the own agreement to another company, or entering one for it, is refused next to the field.
    form = {
        "supplier": other_supplier.pk,
        "organisation": organisation().pk,
        "kind": "advertising",
        "written": "ja",
        "starts_on": f"01.02.{YEAR}",
        "exclusive": "nei",
        "transparency_clause": "ja",
        "market_value_stated": "ja",
        "version": agreement.version,
    }
    for url in (reverse("cooperation:agreement_new"), reverse("cooperation:agreement_correct", args=[agreement.pk])):
        response = client.post(url, form)
        assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert Agreement.objects.get().supplier == supplier()
    # The other organisation's user confirms nothing (404, as for an agreement that does not exist).
    other_reviewer = UserFactory(role="patient_organisation_user", role__organisation=OTHER_ORGANISATION)
    log_in_verified(client, other_reviewer)
    response = client.post(reverse("cooperation:agreement_confirm", args=[agreement.pk]), {"version": 1})
    assert response.status_code == 404
    assert Agreement.objects.get().status == "in_review"


def test_over_long_text_is_refused_next_to_the_field(client, supplier_user):
    log_in_verified(client, supplier_user)
    response = client.post(
        reverse("cooperation:agreement_new"),
        {
            "supplier": supplier().pk,
            "organisation": organisation().pk,
            "kind": "advertising",
            "written": "ja",
            "starts_on": f"01.02.{YEAR}",
            "purpose": "x" * 5001,
            "exclusive": "nei",
            "transparency_clause": "ja",
            "market_value_stated": "ja",
        },
    )
    assert response.status_code == 200 and "5000" in response.content.decode()
    assert not Agreement.objects.exists()


def test_the_public_pages_downloads_and_api_show_no_person(client, supplier_user):
    """Only the names of organisations and suppliers: never a user, an e-mail address, an employee holding a
    position of trust, or who entered, confirmed or published."""
    reviewer = UserFactory(
        username="hjerte.leser", email="hjerte.leser@example.org", role="patient_organisation_user",
        role__organisation=ORGANISATION,
    )  # fmt: skip
    from vegvis.access.principal import principal_for
    from vegvis.cooperation.models import SupplierEmployee

    employee = SupplierEmployee.objects.create(supplier=supplier(), name="Per Tillitsvalgt")
    PositionOfTrust.objects.create(
        employee=employee, organisation=organisation(), role="leder", starts_on=date(2020, 1, 1)
    )
    agreement = services.agreement_enter(actor=principal_for(supplier_user), data=terms())
    agreement = services.agreement_dispute(
        actor=principal_for(reviewer), agreement=agreement, version=agreement.version, reason="Feil beløp."
    )
    Agreement.objects.filter(pk=agreement.pk).update(correction_due_on=date(2000, 1, 1))
    assert services.publish_due() == [agreement.number]

    bodies = [
        client.get(url).content.decode("utf-8-sig")
        for url in (
            reverse("cooperation:public"),
            reverse("cooperation:public_year", args=[YEAR]),
            reverse("cooperation:public_download", args=[YEAR, "csv"]),
            reverse("cooperation:public_download", args=[YEAR, "json"]),
            f"/api/v1/cooperation/public/{YEAR}/agreements",
            f"/api/v1/cooperation/public/{YEAR}/totals",
        )
    ]
    assert all(agreement.number in b or "total" in b for b in bodies)
    for body in bodies:
        for secret in ("leverandor.angrep", "hjerte.leser", "@example.org", "Per Tillitsvalgt", "leder"):
            assert secret not in body
    assert "medtek-8-position-of-trust" in bodies[3]  # the finding is public, the holder's name is not
