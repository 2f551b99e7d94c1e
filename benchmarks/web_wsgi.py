"""The WSGI application ``make bench-web`` serves, with a count of lock waits.

Each worker times the statements that wait for a lock that orders the survey's writers: the
UPDATE that raises the round's data version (its row lock) on PostgreSQL, ``BEGIN IMMEDIATE``
(the database's write lock) on SQLite. Gunicorn's
``worker_exit`` hook (``benchmarks.web_gunicorn``) writes the figures to a file.
"""

import json
import os
import time
from pathlib import Path

from django.db.backends.signals import connection_created

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.web_settings")

LOCKS = {"statements": 0, "waited_ms": 0.0, "max_ms": 0.0, "slow": 0}


def _time_lock_waits(execute, sql, params, many, context):
    text = sql.lstrip().upper()
    # The writers of a survey's tallies queue on its round's row (raising its data version);
    # on SQLite every writer queues for the database's write lock at BEGIN IMMEDIATE.
    waits = text.startswith("BEGIN IMMEDIATE") or (
        "DATA_VERSION" in text and "ASSESSMENTS_ASSESSMENT" in text.split("SET")[0]
    )
    if not waits:
        return execute(sql, params, many, context)
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        waited = (time.perf_counter() - start) * 1000
        LOCKS["statements"] += 1
        LOCKS["waited_ms"] += waited
        LOCKS["max_ms"] = max(LOCKS["max_ms"], waited)
        LOCKS["slow"] += waited > 1


def _instrument(sender, connection, **kwargs):
    if _time_lock_waits not in connection.execute_wrappers:
        connection.execute_wrappers.append(_time_lock_waits)


def write_lock_figures() -> None:
    folder = os.environ.get("CXP_BENCH_STATS_DIR")
    if folder:
        path = Path(folder) / f"locks-{os.getpid()}.json"
        path.write_text(json.dumps(LOCKS), encoding="utf-8")


connection_created.connect(_instrument)
from cxpillars.wsgi import application  # noqa: E402, F401  the app's own, as in production
