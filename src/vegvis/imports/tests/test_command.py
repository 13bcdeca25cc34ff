"""``vegvis import <kind> FILE`` finds the importers the apps declare, and treats every kind alike: the
permission from the declaration, every problem named (at most MAX_ERRORS_SHOWN), a non-zero exit, no traceback."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test.utils import modify_settings

from vegvis.imports.lines import MAX_ERRORS_SHOWN
from vegvis.imports.registry import DuplicateKind, Importer, importers

pytestmark = pytest.mark.django_db

SAMPLE_APP = {"append": "vegvis.imports.tests.sample_app"}


def write(tmp_path: Path, *lines: object, name: str = "names.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines), "utf-8")
    return path


def test_each_app_declares_its_own_importer_with_its_permission():
    found = importers()
    assert list(found) == ["cases", "cooperation", "history", "rates"]
    assert {kind: (i.permission, i.run.split(".")[1]) for kind, i in found.items()} == {
        "cases": ("abroad.import_cases", "abroad"),
        "cooperation": ("cooperation.enter_agreement", "cooperation"),
        "history": ("reports.import_history", "reports"),
        "rates": ("abroad.import_cases", "core"),
    }
    for importer in found.values():
        assert callable(importer.load())


def test_the_command_finds_an_importer_an_installed_app_declares(tmp_path):
    path = write(tmp_path, {"name": "Kari"}, "", {"name": "Ola"})
    with modify_settings(INSTALLED_APPS=SAMPLE_APP):
        assert "greetings" in importers()
        call_command("import", "greetings", str(path), stdout=(out := StringIO()))
    assert out.getvalue() == "Hello Kari, Ola from names.jsonl (operator)\n"
    assert "greetings" not in importers()


def test_a_bad_file_names_every_problem_in_norwegian_and_exits_non_zero(tmp_path):
    path = write(tmp_path, {"name": "Kari"}, {"name": 7}, "[1]", {"nam": "Ola"})
    with modify_settings(INSTALLED_APPS=SAMPLE_APP), pytest.raises(CommandError) as refused:
        call_command("import", "greetings", str(path), stdout=StringIO(), stderr=(errors := StringIO()))
    assert errors.getvalue().splitlines() == [
        "Linje 2, name: må være tekst i anførselstegn",
        "Linje 3: linjen må være et JSON-objekt i krøllparenteser {…}",
        "Linje 4, nam: ukjent felt; sjekk stavemåten mot importveiledningen",
        "Linje 4, name: mangler",
    ]
    assert str(refused.value).startswith("Ingenting ble importert: 4 feil i filen.")


def test_no_more_than_max_errors_shown_are_printed(tmp_path):
    path = write(tmp_path, *([{"name": ""}] * (MAX_ERRORS_SHOWN + 3)))
    with modify_settings(INSTALLED_APPS=SAMPLE_APP), pytest.raises(CommandError):
        call_command("import", "greetings", str(path), stdout=StringIO(), stderr=(errors := StringIO()))
    printed = errors.getvalue().splitlines()
    assert len(printed) == MAX_ERRORS_SHOWN + 1
    assert printed[-1] == "… og 3 til."


def test_a_user_without_the_importers_permission_is_refused(tmp_path, case_handler):
    path = write(tmp_path, {"name": "Kari"})
    with modify_settings(INSTALLED_APPS=SAMPLE_APP), pytest.raises(CommandError, match="har ikke tilgang til å kjøre"):
        call_command("import", "greetings", str(path), "--as", case_handler.username, stdout=StringIO())


def test_an_unreadable_file_is_named_without_a_traceback(tmp_path):
    with pytest.raises(CommandError, match="Kan ikke lese"):
        call_command("import", "rates", str(tmp_path / "missing.csv"), stdout=StringIO())


def test_two_apps_may_not_declare_the_same_kind():
    from django.apps import apps

    config = apps.get_app_config("imports")
    config.importers = (Importer(kind="cases", help="", permission="", run=""),)  # type: ignore[attr-defined]
    try:
        with pytest.raises(DuplicateKind):
            importers()
    finally:
        del config.importers  # type: ignore[attr-defined]
