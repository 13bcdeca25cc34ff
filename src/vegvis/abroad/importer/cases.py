"""Importing treatment-abroad cases from JSON Lines, exactly per the case-import contract: the entry points.

Two phases. ``parse.parse_file`` reads and checks every line and names every bad one (line, field, what is wrong,
in words for a case handler); nothing is written while any line is bad. ``write.CaseImport`` then compares the
file with the database (cases matched on ``external_id``, persons on the keyed hash of the national id) and writes
the difference in one transaction with bulk operations, an audit entry for every case and person it creates or
changes, and one for the whole file. A line whose case already holds exactly what the line says is left
untouched, so importing the same file twice changes nothing. What a user may write: ``scope``.

The file is the truth for the fields it can carry: importing a corrected line replaces the case's decision,
appeal and expenses with the line's, and an optional field left out is cleared. The case keeps its office and
number. Every rule of the domain an imported case needs (status, final outcome, appeals body, appeal deadline,
due date, number, search text) is abroad's own (``abroad.rules``, ``abroad.deadlines``, ``abroad.numbering``).
See docs/modules/import.md.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from vegvis.abroad.importer.parse import parse_file
from vegvis.abroad.importer.rows import ParsedFile
from vegvis.abroad.importer.scope import audit_refused, import_scope
from vegvis.abroad.importer.write import CaseImport, ImportResult
from vegvis.access.principal import Principal
from vegvis.imports.lines import ImportRefused
from vegvis.imports.registry import ProgressHook


def cases_preview(content: bytes, *, actor: Principal) -> tuple[ParsedFile, ImportResult | None]:
    """What importing the file would do for ``actor``: its bad lines, or the number of new, updated and unchanged
    cases."""
    office_ids, regions = import_scope(actor)
    parsed = parse_file(content, allowed_regions=regions, office_ids=office_ids)
    audit_refused(actor, parsed.refused)
    if parsed.errors:
        return parsed, None
    importer = CaseImport(parsed, office_ids=office_ids)
    try:
        return parsed, importer.plan()
    except ImportRefused as refused:  # the data changed between reading the lines and planning
        audit_refused(actor, importer.refused)
        parsed.errors = refused.errors
        return parsed, None


def cases_import(
    *,
    actor: Principal,
    content: bytes,
    filename: str,
    progress: ProgressHook | None = None,
) -> ImportResult:
    """Import a whole JSON Lines file, or nothing: raises ImportRefused naming every bad line. ``actor`` decides
    which offices' cases and patients the file may write (``abroad.policies.import_office_ids``)."""
    office_ids, regions = import_scope(actor)
    parsed = parse_file(content, allowed_regions=regions, office_ids=office_ids, progress=progress)
    audit_refused(actor, parsed.refused)
    importer = CaseImport(parsed, office_ids=office_ids, progress=progress)
    try:
        return importer.apply(actor=actor, filename=filename)
    except ImportRefused:
        audit_refused(actor, importer.refused)
        raise


def run_import(*, actor: Principal, content: bytes, filename: str, progress: ProgressHook | None) -> str:
    """``vegvis import cases FILE``. Without ``--as`` the operator imports for the whole country, as the contract's
    command does; with ``--as`` a user, that user's offices bound what the file may write."""
    result = cases_import(actor=actor, content=content, filename=filename, progress=progress)
    return _(
        "Imported %(lines)s lines from %(name)s: %(created)s new cases, %(updated)s updated, "
        "%(unchanged)s unchanged; %(persons)s new patients."
    ) % {
        "lines": result.lines,
        "name": filename,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "persons": result.persons_created,
    }
