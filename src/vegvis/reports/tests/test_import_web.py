"""An office lead imports cases in the web UI: upload, preview (counts or bad lines), confirm."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from vegvis.abroad.models import Case
from vegvis.abroad.tests.test_import_cases import jsonl, line, national_id
from vegvis.audit.models import AuditEntry
from vegvis.core import crypto
from vegvis.reports import pending
from vegvis.testing.auth import log_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, content: bytes, name: str = "saker.jsonl"):
    return client.post("/import/saker/", {"file": SimpleUploadedFile(name, content, "application/octet-stream")})


def test_upload_preview_and_confirm(client, office_lead):
    log_in_verified(client, office_lead)
    cases = [line(home_region="helse-sor-ost"), line(home_region="helse-nord"), line(home_region="helse-nord")]
    response = upload(client, jsonl(*cases))
    assert response.status_code == 302
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    stored = Path(settings.MEDIA_ROOT) / "imports" / f"{token}.jsonl.enc"
    assert stored.exists() and token not in json.dumps(dict(client.session))

    preview = client.get(preview_url)
    assert preview.status_code == 200
    html = re.sub(r"\s+", " ", preview.content.decode())
    assert "Dette vil importen gjøre" in html
    assert '<div class="vv-stat">3</div><div class="vv-stat-label">nye saker</div>' in html
    assert Case.objects.count() == 0  # nothing is saved by the preview

    done = client.post(preview_url)
    assert done.status_code == 302
    assert Case.objects.count() == 3
    assert set(Case.objects.values_list("office__code", flat=True)) == {"ous"}
    assert not stored.exists()
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).get()
    assert entry.actor_id == office_lead.pk and entry.detail["created"] == 3
    assert client.get(preview_url).status_code == 404  # the upload is gone after the import


def test_bad_lines_are_listed_and_nothing_can_be_imported(client, office_lead):
    log_in_verified(client, office_lead)
    content = jsonl(
        line(home_region="helse-sor-ost"),
        line(home_region="helse-vest"),
        line(home_region="helse-nord", received_date="2020-13-01"),
    )
    preview_url = upload(client, content)["Location"]
    html = re.sub(r"\s+", " ", client.get(preview_url).content.decode())
    assert "Filen har 2 feil" in html
    assert '<td class="num">2</td><td><code>home_region</code></td>' in html
    assert "kontoret ditt behandler ikke saker fra den regionen" in html or "ditt kontor ikke behandler" in html
    assert '<td class="num">3</td><td><code>received_date</code></td>' in html
    assert "Importer</button>" not in html

    client.post(preview_url)
    assert Case.objects.count() == 0


def test_another_users_upload_cannot_be_seen_or_imported(client, office_lead, make_user):
    log_in_verified(client, office_lead)
    preview_url = upload(client, jsonl(line(home_region="helse-nord")))["Location"]
    other = make_user("office_lead", office="ous", username="lead.ous.2")
    log_in_verified(client, other)
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url).status_code == 404
    assert Case.objects.count() == 0


def test_a_file_that_is_not_text_is_refused(client, office_lead):
    log_in_verified(client, office_lead)
    response = upload(client, b"%PDF-1.7 binary", "saker.jsonl")
    assert response.status_code == 200
    assert Case.objects.count() == 0
    assert not list((Path(settings.MEDIA_ROOT) / "imports").glob("*.jsonl*"))


# ---------------------------------------------------------------- hostile files (issue 10, item 7)


@pytest.mark.parametrize("depth", [100_000, 990])
def test_a_deeply_nested_line_is_refused_by_line_in_the_preview(client, login, office_lead, depth):
    """100 000 brackets made the JSON parser raise RecursionError (a 500); 990 with a bare number in the middle
    made the search for bare numbers recurse too deep. Both are a bad line now, named with the others."""
    login(office_lead)
    nested = '{"expenses": ' + "[" * depth + "1.5" + "]" * depth + "}"
    content = jsonl(line(home_region="helse-nord"), nested, line(home_region="helse-nord", received_date="2020-13-01"))
    preview_url = upload(client, content)["Location"]

    preview = client.get(preview_url)
    assert preview.status_code == 200
    html = re.sub(r"\s+", " ", preview.content.decode())
    assert "Filen har 2 feil" in html
    assert '<td class="num">2</td><td><code>–</code></td><td>linjen har klammer nøstet for dypt' in html
    assert '<td class="num">3</td><td><code>received_date</code></td>' in html
    assert client.post(preview_url).status_code == 302
    assert Case.objects.count() == 0


def test_a_pending_upload_is_encrypted_at_rest_and_lives_an_hour(client, login, office_lead):
    login(office_lead)
    number = national_id()
    response = upload(client, jsonl(line(home_region="helse-nord", national_id=number, patient_name="Kari Klartekst")))
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    folder = Path(settings.MEDIA_ROOT) / "imports"
    stored = b"".join(path.read_bytes() for path in folder.iterdir())
    assert number.encode() not in stored and b"Kari Klartekst" not in stored
    assert list(folder.glob(f"{token}.*")) and not list(folder.glob("*.jsonl"))
    assert client.get(preview_url).status_code == 200

    # An upload made more than an hour ago is refused by its encryption's time stamp, even if its file is fresh...
    sealed = folder / f"{token}.jsonl.enc"
    content = crypto.decrypt_bytes(sealed.read_bytes())
    sealed.write_bytes(crypto._fernet().encrypt_at_time(content, int(time.time()) - pending.KEEP_SECONDS - 1))
    assert client.get(preview_url).status_code == 404
    assert not list(folder.glob(f"{token}.*"))
    # ... and a file older than an hour is swept at the next look-up.
    other_url = upload(client, jsonl(line(home_region="helse-nord")))["Location"]
    hour_ago = time.time() - pending.KEEP_SECONDS - 1
    for path in folder.iterdir():
        os.utime(path, (hour_ago, hour_ago))
    assert client.post(other_url).status_code == 404
    assert not list(folder.iterdir())
    assert Case.objects.count() == 0


def test_a_pending_upload_that_was_tampered_with_is_not_imported(client, login, office_lead):
    login(office_lead)
    preview_url = upload(client, jsonl(line(home_region="helse-nord")))["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    sealed = Path(settings.MEDIA_ROOT) / "imports" / f"{token}.jsonl.enc"
    sealed.write_bytes(sealed.read_bytes()[:-8] + b"AAAAAAAA")
    assert client.post(preview_url).status_code == 404
    assert Case.objects.count() == 0


def test_an_upload_on_a_full_disk_is_refused_in_norwegian_and_leaves_no_file(client, login, office_lead, full_disk):
    login(office_lead)
    full_disk.fill()
    response = upload(client, jsonl(line(home_region="helse-nord")))
    assert response.status_code == 200
    assert "serveren har ikke plass til flere filer" in re.sub(r"\s+", " ", response.content.decode())
    assert full_disk.files() == set(), "a 0-byte or partial import file was left behind"

    full_disk.free()
    response = upload(client, jsonl(line(home_region="helse-nord")))
    assert response.status_code == 302
    kept = full_disk.files()
    assert {p.suffix for p in kept} == {".enc", ".json"}
    assert {oct(p.stat().st_mode & 0o777) for p in kept} == {"0o600"}
    assert oct((Path(settings.MEDIA_ROOT) / "imports").stat().st_mode & 0o777) == "0o700"
