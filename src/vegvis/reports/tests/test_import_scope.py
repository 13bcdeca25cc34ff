"""An office lead's import writes only what the office may change (issue 10, item 3).

``external_id``s and persons are shared by the whole country. These tests perform the attacks as the office lead of
Oslo universitetssykehus (OUS: Helse Sør-Øst and Helse Nord) against a case and a patient of Helse Bergen (Helse
Vest): through the web upload, its preview and the confirmation, and on the command line with ``--as``.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from vegvis.abroad.importer.cases import cases_import
from vegvis.abroad.importer.parse import parse_file
from vegvis.abroad.importer.scope import _out_of_scope_message
from vegvis.abroad.importer.write import CaseImport
from vegvis.abroad.models import Case
from vegvis.abroad.tests.test_import_cases import jsonl, line, national_id
from vegvis.access.principal import SYSTEM
from vegvis.audit.models import AuditEntry
from vegvis.audit.verify import verify_chain
from vegvis.core.models import Person
from vegvis.imports.lines import ImportRefused

pytestmark = pytest.mark.django_db

REFUSAL = "kontoret ditt kan ikke importere denne linjen"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bergen() -> dict[str, Any]:
    """A case of Helse Bergen, imported by the operator (the whole country), with its patient's address."""
    nid = national_id()
    source = line(
        external_id="HB-2020-0001",
        national_id=nid,
        patient_name="Berit Bergenser",
        home_region="helse-vest",
        diagnosis_icd10="C71.9",
        decision={"outcome": "granted", "date": "2020-02-20"},
    )
    cases_import(actor=SYSTEM, content=jsonl(source), filename="bergen.jsonl")
    case = Case.objects.select_related("office", "patient").get(external_id="HB-2020-0001")
    assert case.office.code == "helse-bergen"
    Person.objects.filter(pk=case.patient_id).update(address_line="Strandkaien 1", postal_code="5013", city="Bergen")
    return {"line": source, "nid": nid, "case": case, "snapshot": _snapshot(case)}


def _snapshot(case: Case) -> dict[str, Any]:
    case = Case.objects.select_related("patient").get(pk=case.pk)
    person = case.patient
    return {
        "case": (case.office_id, case.patient_id, case.outcome, case.decided_on, case.diagnosis_icd10, case.version),
        "person": (person.name, person.home_region_id, person.birth_date, person.address_line, person.city),
        "expenses": sorted(case.expenses.values_list("amount_nok", flat=True)),
    }


def _upload(client, content: bytes) -> str:
    response = client.post("/import/saker/", {"file": SimpleUploadedFile("saker.jsonl", content, "text/plain")})
    assert response.status_code == 302
    return response["Location"]


def _rows(html: str) -> dict[int, str]:
    """The preview's table of bad lines: line number → what is wrong."""
    text = re.sub(r"\s+", " ", html)
    return {
        int(number): message.strip()
        for number, message in re.findall(
            r'<tr><td class="num">(\d+)</td><td><code>[^<]*</code></td><td>([^<]*)</td>', text
        )
    }


def test_another_offices_external_id_is_refused_and_its_case_stays_as_it_was(client, login, office_lead, bergen):
    login(office_lead)
    hijack = line(
        external_id="HB-2020-0001",  # Bergen's case
        home_region="helse-nord",  # a region OUS handles, so only the id is foreign
        diagnosis_icd10="G40.2",
        decision={"outcome": "rejected", "date": "2020-02-25"},
    )
    preview_url = _upload(client, jsonl(line(home_region="helse-sor-ost"), hijack))

    preview = client.get(preview_url)
    assert preview.status_code == 200
    rows = _rows(preview.content.decode())
    assert list(rows) == [2] and REFUSAL in rows[2]
    assert "Importer</button>" not in preview.content.decode()

    assert client.post(preview_url).status_code == 302
    assert _snapshot(bergen["case"]) == bergen["snapshot"]  # decision, patient, diagnosis, version
    assert Case.objects.count() == 1  # all or nothing: the good line 1 is not imported either
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT, actor_id=office_lead.pk).exists()


def test_another_offices_patient_is_refused_and_is_neither_renamed_nor_moved(client, login, office_lead, bergen):
    login(office_lead)
    takeover = line(national_id=bergen["nid"], patient_name="Omdøpt Person", home_region="helse-sor-ost")
    preview_url = _upload(client, jsonl(takeover, line(home_region="helse-nord")))

    rows = _rows(client.get(preview_url).content.decode())
    assert list(rows) == [1] and REFUSAL in rows[1]

    client.post(preview_url)
    assert _snapshot(bergen["case"]) == bergen["snapshot"]  # name, home region, address
    assert Case.objects.count() == 1 and Person.objects.count() == 1


def test_the_refusal_does_not_tell_which_id_is_in_use_where_or_for_whom(client, login, office_lead, bergen):
    login(office_lead)
    case_elsewhere = line(external_id="HB-2020-0001", home_region="helse-nord")
    patient_elsewhere = line(national_id=bergen["nid"], home_region="helse-nord")
    both = line(external_id="HB-2020-0001", national_id=bergen["nid"], home_region="helse-nord")
    pages = [
        client.get(_upload(client, jsonl(attempt))).content.decode()
        for attempt in (case_elsewhere, patient_elsewhere, both)
    ]

    messages = [_rows(page) for page in pages]
    assert messages[0] == messages[1] == messages[2]  # one text, whichever id is in use elsewhere
    assert REFUSAL in messages[0][1]
    case = bergen["case"]
    for page in pages:
        # Only what the page says about the import: the header names the signed-in user, whose random name may
        # share a first name with the patient.
        main = page.split("<main", 1)[1].split("</main>", 1)[0]
        for secret in ("Berit", "Bergenser", "Bergen", "Helse Vest", "helse-vest", case.number, "C71", "Strandkaien"):
            assert secret not in main


def test_refused_lines_are_audited_naming_the_case_and_the_person(client, login, office_lead, bergen):
    login(office_lead)
    case, nid = bergen["case"], bergen["nid"]
    client.get(_upload(client, jsonl(line(external_id="HB-2020-0001", home_region="helse-nord"))))
    client.get(_upload(client, jsonl(line(national_id=nid, home_region="helse-nord"))))

    denied = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, actor_id=office_lead.pk)
    assert {(e.object_type, e.object_id, e.object_label, e.detail["action"]) for e in denied} == {
        ("abroad.case", str(case.pk), case.number, "import"),
        ("core.person", str(case.patient_id), f"person {case.patient_id}", "import"),
    }
    assert all(list(e.person_refs.values_list("person_id", flat=True)) == [case.patient_id] for e in denied)
    assert verify_chain().ok


def test_an_import_audits_every_case_and_person_it_creates_or_changes(client, login, office_lead, tmp_path):
    known = line(home_region="helse-nord", patient_name="Ola Nordmann")
    cases_import(actor=SYSTEM, content=jsonl(known), filename="first.jsonl")
    existing = Case.objects.get(external_id=known["external_id"])
    corrected = {
        **known,
        "patient_name": "Ola Nordmann-Hansen",
        "decision": {"outcome": "rejected", "date": "2020-02-21"},
    }
    new = line(home_region="helse-sor-ost")
    unchanged = line(home_region="helse-nord")
    cases_import(actor=SYSTEM, content=jsonl(unchanged), filename="second.jsonl")
    seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()

    login(office_lead)
    preview_url = _upload(client, jsonl(corrected, new, unchanged))
    assert not _rows(client.get(preview_url).content.decode())
    client.post(preview_url)

    entries = AuditEntry.objects.filter(seq__gt=seq, actor_id=office_lead.pk).exclude(
        action__in=[AuditEntry.Action.READ, AuditEntry.Action.LOGIN]
    )
    made = Case.objects.get(external_id=new["external_id"])
    by_object = {(e.action, e.object_type, e.object_id): e for e in entries}
    assert set(by_object) == {
        ("update", "abroad.case", str(existing.pk)),
        ("update", "core.person", str(existing.patient_id)),
        ("create", "abroad.case", str(made.pk)),
        ("create", "core.person", str(made.patient_id)),
        ("import", "", ""),
    }
    assert by_object[("update", "abroad.case", str(existing.pk))].detail["changed"] == ["outcome", "decided_on"]
    assert by_object[("update", "core.person", str(existing.patient_id))].detail["changed"] == ["name"]
    assert by_object[("create", "abroad.case", str(made.pk))].object_label == made.number
    for entry in entries:
        if entry.object_type:
            patient = (
                made.patient_id if entry.object_id in {str(made.pk), str(made.patient_id)} else existing.patient_id
            )
            assert list(entry.person_refs.values_list("person_id", flat=True)) == [patient]
    assert verify_chain().ok


def test_a_patient_the_office_already_has_may_be_imported_and_changed(client, login, office_lead):
    nid = national_id()
    cases_import(actor=SYSTEM, content=jsonl(line(national_id=nid, home_region="helse-nord")), filename="a.jsonl")
    login(office_lead)
    preview_url = _upload(client, jsonl(line(national_id=nid, home_region="helse-sor-ost", patient_name="Ny Navn")))
    assert not _rows(client.get(preview_url).content.decode())
    client.post(preview_url)
    assert Case.objects.filter(patient__name="Ny Navn").count() == 2


def test_on_the_command_line_a_user_imports_within_their_offices_and_the_operator_nationally(
    tmp_path, office_lead, bergen
):
    path = tmp_path / "hijack.jsonl"
    path.write_bytes(jsonl(line(external_id="HB-2020-0001", home_region="helse-nord", diagnosis_icd10="G40.2")))
    with pytest.raises(CommandError):
        call_command(
            "import", "cases", str(path), "--as", office_lead.username, stdout=StringIO(), stderr=(err := StringIO())
        )
    assert f"Linje 1: {REFUSAL}" in err.getvalue()
    assert _snapshot(bergen["case"]) == bergen["snapshot"]

    # Without --as the operator at the server's shell imports for the whole country, as the contract's command.
    call_command("import", "cases", str(path), stdout=StringIO())
    assert Case.objects.get(pk=bergen["case"].pk).diagnosis_icd10 == "G40.2"


def test_the_check_is_made_again_inside_the_imports_transaction(office_lead, bergen):
    """A case that moved to another office between the check of the lines and the writing is still refused."""
    from vegvis.access.principal import principal_for

    parsed = parse_file(jsonl(line(external_id="HB-2020-0001", home_region="helse-nord")))  # checked as national
    offices = frozenset(principal_for(office_lead).grant("abroad.import_cases").office_ids)
    with pytest.raises(ImportRefused) as refused:
        CaseImport(parsed, office_ids=offices).apply(actor=principal_for(office_lead), filename="late.jsonl")
    assert [(e.line, e.field, e.message) for e in refused.value.errors] == [(1, "", _out_of_scope_message())]
    assert _snapshot(bergen["case"]) == bergen["snapshot"]


def test_stale_unencrypted_uploads_are_swept(tmp_path, settings, client, login, office_lead):
    """Files of the older kind (national ids in clear) are removed at the next upload."""
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True)
    (folder / "old-token-aaaaaaaaaaaaaaaa.jsonl").write_bytes(b'{"national_id": "x"}\n')
    login(office_lead)
    _upload(client, jsonl(line(home_region="helse-nord")))
    assert not list(folder.glob("*.jsonl"))
