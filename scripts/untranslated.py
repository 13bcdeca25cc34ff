"""List the catalogue's untranslated and fuzzy entries (after `make translations` has extracted new strings)."""

import sys
from pathlib import Path

import polib

catalogue = polib.pofile(str(Path(__file__).parent.parent / "src/vegvis/locale/nb/LC_MESSAGES/django.po"))
todo = catalogue.untranslated_entries() + catalogue.fuzzy_entries()
for entry in todo:
    print(f"{'fuzzy' if entry.fuzzy else 'missing'}: {entry.msgid!r}")  # noqa: T201
print(f"{len(catalogue)} entries, {len(todo)} to translate")  # noqa: T201
sys.exit(1 if todo else 0)
