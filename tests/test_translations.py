"""Every text the interface shows has a Norwegian translation: the catalogue is complete and compiled."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

PACKAGE = Path(settings.PACKAGE_DIR)
CATALOGUE = PACKAGE / "locale" / "nb" / "LC_MESSAGES" / "django.po"


def test_the_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} strings have no Norwegian translation, e.g. {missing[:10]}"
    assert not fuzzy, f"{len(fuzzy)} translations are fuzzy guesses, e.g. {fuzzy[:10]}"


@pytest.mark.slow_io
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Run makemessages on a copy of the package and compare: a new _("…") without a translation fails here."""
    copy = tmp_path / "vegvis"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("tests", "testing", "__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "nb",
            "--no-obsolete",
            "--ignore",
            "testing/*",
            "--ignore",
            "*/tests/*",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
        env={
            "DJANGO_SETTINGS_MODULE": "vegvis.test_settings",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(PACKAGE.parent),
            # `python -m` would put the working directory (the package) first on sys.path, where the app
            # `vegvis/statistics` would hide the standard library's `statistics`.
            "PYTHONSAFEPATH": "1",
        },
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale" / "nb" / "LC_MESSAGES" / "django.po"))}
    known = {e.msgid for e in polib.pofile(str(CATALOGUE)) if e.translated()}
    new = sorted(fresh - known)
    assert not new, f"run `make translations`: {len(new)} strings are not translated, e.g. {new[:10]}"


def test_the_compiled_catalogue_is_newer_than_its_source():
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= CATALOGUE.stat().st_mtime, "run `make messages`"


# Tags the interface's translated texts may carry; anything else in angle brackets is a placeholder such as
# <currency> that a browser would swallow as an unknown element (a template's {% translate %} is not escaped).
HTML_TAGS = {"a", "strong", "em", "code", "br", "p", "span", "abbr", "kbd"}


def test_translated_template_texts_carry_no_bare_angle_bracket_placeholders():
    catalogue = polib.pofile(str(CATALOGUE))
    bare = []
    for entry in catalogue:
        if not any(path.endswith(".html") for path, _line in entry.occurrences):
            continue
        for text in (entry.msgid, entry.msgstr):
            for name in re.findall(r"</?([A-Za-z_][\w-]*)", text):
                if name.lower() not in HTML_TAGS:
                    bare.append((name, entry.msgid[:60]))
    assert not bare, f"write placeholders as &lt;name&gt; in templates: {bare}"
