"""How fast does a big survey export import, next to merely parsing the same CSV?

Writes a SurveyMonkey-style CSV (two header rows, nine metadata columns, ten rank columns, ten
rating columns as scale labels, NPS, generation) of ``--rows`` respondents, then times each step
of the import exactly as the background task runs it: reading the file (``read_table``),
detecting the layout, reading every row into responses, and writing them (``import_responses``,
in batches) — and, for scale, a bare ``csv.reader`` pass over the same bytes.

    python -m benchmarks.import_speed [--rows 100000] [--database-url URL]

By default it works in a fresh SQLite file in a temporary directory (deleted at the end).
``--database-url`` points it at another database, e.g. PostgreSQL; that database MUST be a scratch
one: the benchmark migrates it and writes a team, a round and the responses into it. It refuses a
database that already has users in it. See docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import sys
import time

from benchmarks.scratch_database import database_facts, scratch_database

SEED = 2026
SCALE = ["Very poor", "Poor", "Fair", "Good", "Excellent"]
GENERATIONS = ["Gen Z", "Millennials", "Gen X", "Baby Boomers", "Silent generation", ""]
TARGET_SECONDS = 10.0


def make_export(rows: int, labels: list[str], seed: int) -> bytes:
    """A SurveyMonkey-style export of ``rows`` respondents (UTF-8, CRLF)."""
    rng = random.Random(seed)
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]  # fmt: skip
    count = len(labels)
    first = [*meta, "Please rank what matters most to you", *[""] * (count - 1)]
    first += ["How well do we do on each?", *[""] * (count - 1)]
    first += ["How likely is it that you would recommend us to a friend?", "Your generation"]
    second = [""] * len(meta) + labels + labels + ["Response", "Response"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(first)
    writer.writerow(second)
    places = list(range(1, count + 1))
    meta_cells = ["431234567", "11/02/2026 09:14:02 AM", "11/02/2026 09:17:40 AM",
                  "203.0.113.7", "", "", "", ""]  # fmt: skip
    for k in range(rows):
        rng.shuffle(places)
        writer.writerow(
            [str(110_000_000_000 + k), *meta_cells]
            + [str(p) for p in places]
            + [SCALE[rng.randrange(5)] for _ in range(count)]
            + [str(rng.randrange(11)), rng.choice(GENERATIONS)]
        )
    return buffer.getvalue().encode("utf-8")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.import_speed",
        description="Time the import of a big survey export, step by step.",
    )
    parser.add_argument("--rows", type=int, default=100_000, help="respondents (default 100000)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--database-url", help="a scratch database to use instead of a temporary SQLite file"
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    from django.contrib.auth import get_user_model

    from assessments import imports, services

    tables = connection.introspection.table_names()
    if args.database_url and "auth_user" in tables and get_user_model().objects.exists():
        print("Refusing: this database already has users. Give a scratch database.")
        return 2
    call_command("migrate", verbosity=0, interactive=False)
    lead = get_user_model().objects.create_user("bench-lead", password="bench-pw-123456")
    team = services.create_team(name="Import benchmark", lead=lead)
    assessment = services.create_assessment(team=team, title="Import", created_by=lead)
    pillars = assessment.round_pillars()

    print("CX Pillars import benchmark")
    print(f"  Python   {platform.python_version()} ({platform.python_implementation()})")
    print(f"  Django   {django.get_version()}")
    print(f"  Database {database_facts()}")
    print(f"  Machine  {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs")
    data = make_export(args.rows, [p.customer_label for p in pillars], args.seed)
    print(f"  File     SurveyMonkey-style CSV, {args.rows:,} respondents, {len(data) / 1e6:.1f} MB")
    print()

    timings: list[tuple[str, float, float]] = []  # label, wall seconds, CPU seconds

    def timed(label: str, call):
        started, cpu = time.perf_counter(), time.process_time()
        value = call()
        timings.append((label, time.perf_counter() - started, time.process_time() - cpu))
        return value

    bare = timed("bare csv.reader parse", lambda: list(csv.reader(io.StringIO(data.decode()))))
    rows = timed("read_table (decode, delimiter, rows)", lambda: imports.read_table(data, "x.csv"))
    layout = timed("detect_layout", lambda: imports.detect_layout(rows, pillars))
    result = timed(
        "read_responses (every row checked)",
        lambda: imports.read_responses(rows, layout, pillars),
    )
    outcome = timed(
        "import_responses (database writes)",
        lambda: services.import_responses(
            assessment=assessment, result=result, skip_bad_rows=False
        ),
    )
    if outcome.created != args.rows or len(bare) != args.rows + 2:
        print(f"FAILED: wrote {outcome.created:,} of {args.rows:,} rows", file=sys.stderr)
        return 1
    bare_wall, bare_cpu = timings[0][1], timings[0][2]
    wall = sum(t[1] for t in timings[1:])
    cpu = sum(t[2] for t in timings[1:])
    width = max(len(t[0]) for t in timings)
    print(f"{'step':<{width}}  {'wall s':>7}  {'CPU s':>6}  {'rows/s (wall)':>13}")
    for label, seconds, cpu_seconds in timings:
        print(f"{label:<{width}}  {seconds:7.2f}  {cpu_seconds:6.2f}  {args.rows / seconds:13,.0f}")
    print(f"{'import in all':<{width}}  {wall:7.2f}  {cpu:6.2f}  {args.rows / wall:13,.0f}")
    print()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Import: {args.rows / wall:,.0f} rows/s wall ({args.rows / cpu:,.0f} rows/s of CPU time "
        f"in this process), {wall / bare_wall:.1f}× a bare csv parse of the same file "
        f"({cpu / bare_cpu:.1f}× in CPU time). 1-minute load average at the end: {load:.1f}."
    )
    print(
        f"Target {args.rows:,} rows in ≤ {TARGET_SECONDS * args.rows / 100_000:.0f} s wall: "
        f"{'met' if wall <= TARGET_SECONDS * args.rows / 100_000 else 'NOT met'}."
    )
    connection.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with scratch_database("cxp-import-bench-", args.database_url, debug=False):
        return run(args)


if __name__ == "__main__":
    sys.exit(main())
