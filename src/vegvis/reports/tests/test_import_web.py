"""An office lead imports cases in the web UI: upload, preview (counts or bad lines), confirm."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from vegvis.abroad.models import Case
from vegvis.abroad.tests.test_import_cases import jsonl, line
from vegvis.audit.models import AuditEntry
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
    stored = Path(settings.MEDIA_ROOT) / "imports" / f"{token}.jsonl"
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
    assert not list((Path(settings.MEDIA_ROOT) / "imports").glob("*.jsonl"))
