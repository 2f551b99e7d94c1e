"""The database a benchmark fills: a fresh SQLite file in a temporary directory, deleted at the
end, unless the caller names a scratch database by URL (left as it is)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def scratch_database(prefix: str, url: str | None = None, *, debug: bool = True) -> Iterator[None]:
    """Point the settings at the scratch database before Django starts.

    ``debug``: development settings with the test client's host allowed; otherwise production
    settings (DEBUG off) with a throwaway secret key, as a deployed server runs them.
    """
    folder = None
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        folder = tempfile.mkdtemp(prefix=prefix)
        os.environ["DATABASE_URL"] = f"sqlite:///{os.path.join(folder, 'bench.sqlite3')}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cxpillars.settings"
    if debug:
        os.environ["DEBUG"] = "true"
        os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    else:
        os.environ["DEBUG"] = "false"
        os.environ.setdefault("SECRET_KEY", "benchmark-not-secret-" + "x" * 40)
        os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    try:
        yield
    finally:
        if folder is not None:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(folder, ignore_errors=True)


def database_facts() -> str:
    """The database's name and version, for a benchmark's header."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("show server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        cursor.execute("select sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"
