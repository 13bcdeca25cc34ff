"""``vegvis import cooperation FILE``: a supplier's yearly list of agreements from CSV or XLSX, all or nothing,
each agreement entered through the service (review period, the organisation mailed), every bad cell named by
line and column in Norwegian."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from vegvis.audit.models import AuditEntry
from vegvis.cooperation.importer import COLUMNS
from vegvis.cooperation.models import Agreement, Event, LogoUse, Status
from vegvis.cooperation.tests.support import OTHER_SUPPLIER, SUPPLIER, organisation, supplier
from vegvis.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = [c.header for c in COLUMNS]
GOOD_ROWS = [
    # leverandør, organisasjon, type, tredjepart, skriftlig, signert, start, slutt, beløp, verdi i annet, formål,
    # eksklusiv, åpenhetsklausul, markedsverdi, arrangement, land, dekker, logo godkjent, logo formål, logo måte
    [
        "", "Foreningen for hjertesyke", "financial_support", "", "ja", "02.01.2026", "03.01.2026", "31.12.2026",
        "412 345,50", "", "Likepersonskurs", "nei", "ja", "ja", "", "", "", "", "", "",
    ],
    [
        "", "Foreningen for lungesyke", "støtte til arrangement", "Byrået AS", "ja", "2026-03-01", "2026-03-10", "",
        "12500.00", "2 000", "Landsmøte", "nei", "ja", "ja", "Landsmøtet 2026", "SE", "reise, overnatting", "",
        "", "",
    ],
    [
        "", "Foreningen for hjertesyke", "advertising", "", "nei", "", "01.05.2026", "", "", "5000", "", "ja", "nei",
        "nei", "", "", "", "01.04.2026", "Brosjyre", "Logo på forsiden",
    ],
]  # fmt: skip


@pytest.fixture
def supplier_user():
    organisation("Foreningen for hjertesyke")
    organisation("Foreningen for lungesyke")
    reviewer_role = {"role": "patient_organisation_user", "role__organisation": "Foreningen for hjertesyke"}
    UserFactory(username="hjerte.leser", **reviewer_role)
    supplier(SUPPLIER)
    return UserFactory(
        username="leverandor", role="supplier_user", role__organisation=SUPPLIER, role__organisation_kind="supplier"
    )


def csv_file(tmp_path, rows, header=HEADER, name="avtaler.csv", delimiter=";"):
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    path = tmp_path / name
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    return path


def import_file(path, user="leverandor"):
    out, err = StringIO(), StringIO()
    call_command("import", "cooperation", str(path), "--as", user, stdout=out, stderr=err)
    return out.getvalue()


def refused(path, user="leverandor") -> list[str]:
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import", "cooperation", str(path), "--as", user, stdout=StringIO(), stderr=err)
    assert "Ingenting ble importert" in str(raised.value)
    return err.getvalue().splitlines()


def test_a_good_csv_is_imported_through_the_service_and_the_organisation_is_mailed(
    tmp_path, supplier_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        summary = import_file(csv_file(tmp_path, GOOD_ROWS))
    assert "3 avtale(r) importert" in summary
    agreements = list(Agreement.objects.order_by("pk"))
    assert [a.supplier.name for a in agreements] == [SUPPLIER] * 3
    first, second, third = agreements
    assert first.amount_nok == Decimal("412345.50") and first.signed_on == date(2026, 1, 2)
    assert first.status == Status.IN_REVIEW and first.review_due_on is not None
    assert (second.kind, second.third_party, second.in_kind_value_nok) == ("event_support", "Byrået AS", 2000)
    assert second.starts_on == date(2026, 3, 10) and second.ends_on is None
    event = Event.objects.get(agreement=second)
    assert (str(event.country), event.covers) == ("SE", ["travel", "lodging"])
    assert (third.written, third.exclusive, third.amount_nok) == (False, True, None)
    logo = LogoUse.objects.get(agreement=third)
    assert (logo.approved_on, logo.manner) == (date(2026, 4, 1), "Logo på forsiden")
    # Each agreement entered as on the page: its own audit entry, one for the file, the organisation's user mailed.
    assert AuditEntry.objects.filter(action="create", object_type__contains="agreement").count() == 3
    assert AuditEntry.objects.filter(action="import", detail__file="avtaler.csv").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["hjerte.leser@example.org"] * 2


def test_a_good_xlsx_with_real_dates_and_numbers_is_imported(tmp_path, supplier_user):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(
        [
            SUPPLIER, "Foreningen for hjertesyke", "Økonomisk støtte", None, "Ja", date(2026, 1, 2),
            date(2026, 1, 3), "31.12.2026", 412345.5, None, "Likepersonskurs", "Nei", "ja", "ja",
        ]
    )  # fmt: skip
    sheet.append(
        [
            "", "Foreningen for lungesyke", "purchase_of_services", "", "ja", "", "2026-02-01", "", 7000, "", "",
            "nei", "ja", "ja",
        ]
    )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "avtaler.xlsx"
    path.write_bytes(buffer.getvalue())
    assert "2 avtale(r) importert" in import_file(path)
    first, second = Agreement.objects.order_by("pk")
    assert (first.kind, first.amount_nok) == ("financial_support", Decimal("412345.50"))
    assert first.signed_on == date(2026, 1, 2)
    assert (second.kind, second.amount_nok, second.starts_on) == ("purchase_of_services", 7000, date(2026, 2, 1))


def test_a_file_with_errors_imports_nothing_and_names_every_error_by_line_and_column(tmp_path, supplier_user):
    supplier(OTHER_SUPPLIER)
    bad = [row[:] for row in GOOD_ROWS]
    bad[0][8] = "412,345.50"  # line 2: English-style amount
    bad[0][6] = "31.02.2026"  # line 2: no such date
    bad[1][1] = "Foreningen som ikke finnes"  # line 3
    bad[1][15] = "XX"  # line 3: no such country
    bad[2][4] = "kanskje"  # line 4: not yes or no
    bad[2][2] = "gave"  # line 4: no such kind
    bad[2][0] = OTHER_SUPPLIER  # line 4: not the user's company
    problems = refused(csv_file(tmp_path, [*bad, GOOD_ROWS[0]]))
    assert problems == [
        "Linje 2, start: «31.02.2026» er ikke en dato; skriv dd.mm.åååå, for eksempel 03.02.2027",
        problems[1],
        "Linje 3, organisasjon: «Foreningen som ikke finnes» er ikke en pasientorganisasjon i registeret",
        "Linje 3, arrangement land: «XX» er ikke en landkode som NO eller SE",
        f"Linje 4, leverandør: «{OTHER_SUPPLIER}» er ikke en leverandør du kan registrere avtaler for",
        problems[5],
        "Linje 4, skriftlig: «kanskje» er ikke ja eller nei",
    ]
    assert problems[1].startswith("Linje 2, beløp: «412,345.50»: ")
    assert problems[5].startswith("Linje 4, type: «gave» er ikke tillatt; skriv én av disse: advertising, ")
    assert not Agreement.objects.exists()
    assert not AuditEntry.objects.filter(action="import").exists()


def test_missing_and_unknown_columns_are_named_on_the_header_line(tmp_path, supplier_user):
    header = [h for h in HEADER if h != "start"] + ["pris"]
    rows = [[v for h, v in zip(HEADER, GOOD_ROWS[0], strict=True) if h != "start"] + ["1"]]
    problems = refused(csv_file(tmp_path, rows, header=header, delimiter=","))
    assert problems == [
        "Linje 1, pris: ukjent kolonne; se listen over kolonner i veiledningen",
        "Linje 1, start: kolonnen mangler",
    ]
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("avtaler.pdf", b"%PDF-1.4\n", "Filen må være en CSV-fil (.csv) eller en Excel-arbeidsbok (.xlsx)."),
        ("avtaler.xlsx", b"leverand\xc3\xb8r;organisasjon\n", "Filen heter .xlsx, men er ikke en Excel-arbeidsbok."),
        ("avtaler.csv", b"<html><body>avtaler</body></html>", "Filen heter .csv, men er ikke en CSV-fil."),
        ("avtaler.csv", b"PK\x03\x04\x00\x00\xff\xfe", "CSV-filen er ikke UTF-8-tekst; lagre den som CSV UTF-8."),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused(tmp_path, supplier_user, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    assert refused(path) == [message]
    assert not Agreement.objects.exists()


# ---------------------------------------------------------------- the staff page: upload, preview, confirm


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    with path.open("rb") as handle:
        file = SimpleUploadedFile(path.name, handle.read())
    return client.post(reverse("cooperation:import"), {"file": file})


def test_the_page_shows_every_problem_and_imports_nothing(tmp_path, supplier_user, media_root, client):
    from vegvis.testing.auth import log_in_verified

    log_in_verified(client, supplier_user)
    bad = [row[:] for row in GOOD_ROWS]
    bad[1][6] = "neste uke"
    bad[2][11] = "kanskje"
    response = upload(client, csv_file(tmp_path, bad))
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "Filen har 2 feil. Ingenting kan importeres" in text
    assert "«neste uke» er ikke en dato" in text and "«kanskje» er ikke ja eller nei" in text
    assert ">3<" in text and ">4<" in text and "<code>start</code>" in text and "<code>eksklusiv</code>" in text
    assert 'type="submit">Importer' not in text
    assert client.post(response["Location"]).status_code == 302
    assert not Agreement.objects.exists()


def test_the_page_previews_the_agreements_then_imports_them_on_confirm(tmp_path, supplier_user, media_root, client):
    from vegvis.testing.auth import log_in_verified

    log_in_verified(client, supplier_user)
    response = upload(client, csv_file(tmp_path, GOOD_ROWS))
    preview = client.get(response["Location"]).content.decode()
    assert "3 avtaler blir registrert" in preview
    assert "Foreningen for lungesyke" in preview and "Likepersonskurs" in preview
    assert not Agreement.objects.exists()
    done = client.post(response["Location"], follow=True)
    assert "3 avtale(r) importert" in done.content.decode()
    assert Agreement.objects.count() == 3
    assert client.get(response["Location"]).status_code == 404  # the file is forgotten after the import


def test_the_template_imports_as_it_is(tmp_path, supplier_user, media_root, client):
    from django.urls import reverse
    from openpyxl import load_workbook

    from vegvis.testing.auth import log_in_verified

    log_in_verified(client, supplier_user)
    assert "Last ned malen (Excel)" in client.get(reverse("cooperation:import")).content.decode()
    response = client.get(reverse("cooperation:import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER and rows[1][1] == "Foreningen for hjertesyke"
    path = tmp_path / "mal.xlsx"
    path.write_bytes(response.content)
    assert "1 avtale(r) importert" in import_file(path)
