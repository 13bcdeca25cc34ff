"""The imports kit: one ``vegvis import <kind> FILE`` for every app, and the parts each app's importer shares.

- ``registry``: the importers the apps declare (``importers`` on their AppConfig), found by the command;
- ``lines``: reading JSON Lines and checking each line's fields, with a Norwegian message per bad line;
- ``transaction``: the whole file in one audited transaction, all or nothing, with one audit entry for the file;
- ``bulk``: one writer for bulk loads (COPY on PostgreSQL, ``bulk_create`` on SQLite).

A shared app: it imports no domain app. See docs/architecture.md ("Imports kit").
"""
