"""Django's flush, able to empty the append-only audit tables in the test profile only.

The test suite empties the database between transactional tests; on PostgreSQL the audit triggers would
refuse that. Outside VEGVIS_ENV=test this command behaves exactly like Django's and the triggers hold.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        bypass = settings.VEGVIS_ENV == "test" and connection.vendor == "postgresql"
        if bypass:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
        try:
            super().handle(**options)
        finally:
            if bypass:
                with connection.cursor() as cursor:
                    cursor.execute("SET session_replication_role = DEFAULT")
