"""Exit 0 when PostgreSQL answers at the given URL (used by `make test` to decide whether to run there)."""

import sys

import psycopg


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else "postgres://postgres@127.0.0.1:5432/postgres"
    # Connect to the maintenance database: the test database is created by the test run itself.
    base = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(base, connect_timeout=3):
            return 0
    except psycopg.OperationalError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
