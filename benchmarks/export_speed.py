"""How long does exporting every customer response take, as CSV and as XLSX?

Fills one survey in a fresh SQLite file (temporary directory, deleted at the end) with
``--rows`` responses, then times the two exports exactly as the app builds them: the CSV stream
(the streaming response over ``responses_table``, read to the end) and the XLSX workbook
(openpyxl write-only mode, ``exports.xlsx_bytes``). It prints rows per second and what that
means at 300,000 responses against gunicorn's 30-second worker timeout.

    python -m benchmarks.export_speed [--rows 20000]

Both exports are linear in the number of rows (one pass, constant memory per row), so the
figure at 300,000 is the measured rate extrapolated; ``--rows 300000`` measures it directly
(filling the survey then takes several minutes).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

from benchmarks.scratch_database import scratch_database

LIMIT_SECONDS = 30  # gunicorn's default worker timeout
TARGET = 300_000
BATCH = 5_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args(argv)
    if not 1 <= args.rows <= 1_000_000:
        parser.error("--rows must be between 1 and 1,000,000")
    with scratch_database("cxp-export-bench-"):
        import django

        django.setup()
        return run(args.rows)


def run(rows: int) -> int:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from assessments import exports, services

    call_command("migrate", verbosity=0)
    lead = get_user_model().objects.create_user("bench-lead")
    team = services.create_team(name="Bench", lead=lead)
    assessment = services.create_assessment(team=team, title="Bench", created_by=lead)
    survey = services.start_survey(assessment=assessment)
    pillars = list(assessment.round_pillars())
    rng = random.Random(2026)
    started = time.perf_counter()
    for offset in range(0, rows, BATCH):
        batch = []
        for _ in range(min(BATCH, rows - offset)):
            order = rng.sample(pillars, len(pillars))
            batch.append(
                services.NewResponse(
                    ranks={p.pk: i for i, p in enumerate(order, start=1)},
                    experience={p.pk: rng.randint(1, 5) for p in pillars},
                    expectation={p.pk: rng.randint(1, 5) for p in pillars},
                )
            )
        services.record_responses(survey=survey, responses=batch, source="import")
    print(f"filled {rows:,} responses in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    stream = exports.csv_response("bench", exports.responses_table(assessment))
    size = sum(len(chunk) for chunk in stream.streaming_content)
    csv_seconds = time.perf_counter() - started
    started = time.perf_counter()
    data = exports.xlsx_bytes("responses", exports.responses_table(assessment))
    xlsx_seconds = time.perf_counter() - started

    print(f"{'export':<6} {'seconds':>8} {'rows/s':>9} {'at 300k':>9} {'/ 30 s':>7}  size")
    for name, seconds, bytes_ in (("CSV", csv_seconds, size), ("XLSX", xlsx_seconds, len(data))):
        at_target = seconds / rows * TARGET
        print(
            f"{name:<6} {seconds:8.2f} {rows / seconds:9,.0f} {at_target:8.0f}s "
            f"{at_target / LIMIT_SECONDS:6.2f}x  {bytes_ / 1e6:.1f} MB"
        )
    print(
        f"XLSX / CSV time: {xlsx_seconds / csv_seconds:.1f}x; load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
