"""Fixtures of the reports tests: the 2020 data set, imported through the real commands."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from vegvis.reports import dataset_2020


@dataclass
class Imported:
    dataset: dataset_2020.Dataset
    cases_file: Path
    history_file: Path


@pytest.fixture
def imported_2020(db: Any, tmp_path: Path) -> Imported:
    """The 2020 data set, imported with ``vegvis import history`` and ``vegvis import cases``."""
    dataset = dataset_2020.build()
    cases_file, history_file = dataset.write(tmp_path)
    call_command("import", "history", str(history_file), stdout=StringIO())
    call_command("import", "cases", str(cases_file), stdout=StringIO())
    return Imported(dataset, cases_file, history_file)


def report_json(year: int = 2020, *args: str) -> dict[str, Any]:
    """``vegvis report annual --year YEAR --format json``, read back from standard output."""
    out = StringIO()
    call_command("report", "annual", "--year", str(year), "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def pdftotext() -> str:
    """Debian's poppler-utils, installed when missing (as `make messages` installs gettext)."""
    found = shutil.which("pdftotext")
    if found is None:
        subprocess.run(["apt-get", "update", "-qq"], check=False)  # noqa: S607
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "poppler-utils"],  # noqa: S607
            check=True,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
        found = shutil.which("pdftotext")
    assert found, "pdftotext (Debian: poppler-utils) is needed to read the PDF"
    return found
