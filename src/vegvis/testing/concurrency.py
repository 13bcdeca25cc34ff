"""Jobs started at the same moment, each on a database connection of its own: for tests of row locks, unique keys
and version checks on PostgreSQL (mark them ``postgres_only`` with ``django_db(transaction=True)``)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def run_together(*jobs: Callable[[], Any]) -> list[Any]:
    """Start the jobs at the same moment on their own connections; return each result or exception, in order."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
