"""Does the gap report's server time stay flat as customer responses pile up?

The report reads running tallies (``SurveyTally``: at most about 1,300 rows for ten pillars and
six generations, whatever the number of responses) instead of scanning every customer answer.
This benchmark fills one survey to growing sizes and, at each size, times GET of the report page
and of report.json through Django's test client, next to a naive aggregation that scans every
answer (what the report would cost without the tallies). A control round, kept at the smallest
size and timed in alternation with the growing one, separates growth from a machine that merely
got busier between sizes.

    python -m benchmarks.report_speed [--sizes 1000 10000 100000] [--repeat 30]
                                      [--database-url URL]

By default it works in a fresh SQLite file in a temporary directory (migrated here, deleted at
the end): the developer's db.sqlite3 is never opened. ``--database-url`` points it at another
database, e.g. PostgreSQL; that database MUST be a scratch one: the benchmark migrates it, writes
a team and up to the largest size of responses into it and leaves them there. It refuses a
database that already has users in it. See docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.scratch_database import database_facts

BATCH = 5_000  # responses per record_responses call
WARMUP = 3
SEED = 2026
COLLEAGUES = ["lead", "amara", "ben", "chloe", "dmitri", "elena"]


# Plausible customers, as in seed_demo: generations differ in what they put first.
# Generation value (models.Generation) -> (share, favourite pillar slugs, most important first).
class BenchmarkFailure(Exception):
    pass


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.report_speed",
        description="Time the gap report (page and report.json) at growing numbers of responses.",
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1_000, 10_000, 100_000],
        help="numbers of customer responses to measure at (default: 1000 10000 100000)",
    )
    parser.add_argument(
        "--repeat", type=int, default=30, help="timed requests per endpoint and size (default 30)"
    )
    parser.add_argument(
        "--scan-repeat",
        type=int,
        default=10,
        help="timed runs of the naive full scan per size (default 10)",
    )
    parser.add_argument(
        "--database-url",
        help="a SCRATCH database to use instead of a temporary SQLite file "
        "(it is migrated and filled, and left as it is)",
    )
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.sizes):
        parser.error("sizes must be positive")
    args.sizes = sorted(set(args.sizes))
    if args.repeat < 1 or args.scan_repeat < 1:
        parser.error("--repeat and --scan-repeat must be at least 1")
    return args


# ----------------------------------------------------------------------------- timing


@dataclass
class Timing:
    samples: list[float]  # wall-clock milliseconds

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p90(self) -> float:
        """Nearest-rank 90th percentile."""
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def time_calls(call: Callable[[], object], repeat: int, warmup: int = WARMUP) -> Timing:
    for _ in range(warmup):
        call()
    gc.collect()  # no collection of the seeding's garbage inside a timed call
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return Timing(samples)


def time_pair(
    first: Callable[[], object], second: Callable[[], object], repeat: int
) -> tuple[Timing, Timing]:
    """Time two calls in alternation (ABBA order), so both see the same machine conditions."""
    for _ in range(WARMUP):
        first()
        second()
    gc.collect()
    timings = (Timing([]), Timing([]))
    for i in range(repeat):
        order = ((0, first), (1, second)) if i % 2 == 0 else ((1, second), (0, first))
        for index, call in order:
            start = time.perf_counter()
            call()
            timings[index].samples.append((time.perf_counter() - start) * 1000)
    return timings


# ----------------------------------------------------------------------------- data


def fake_responses(pillars: list, rng: random.Random, count: int) -> list:
    """``count`` plausible responses, drawn in sequence from ``rng`` (so deterministic)."""
    from assessments.management.commands.seed_demo import demo_responses

    return demo_responses({p.slug: p for p in pillars}, rng, count)


@dataclass
class Round:
    assessment: object
    survey: object
    pillars: list
    rng: random.Random  # draws this round's customers, in sequence


def set_up(seed: int):
    """A team of six colleagues and two identical rounds, each with every scorecard and a survey.

    The first round is the one that grows; the second, the control, keeps the smallest size and
    is timed in alternation with it, so a machine that slows down (other work on it) shows up in
    both and the ratio of the two stays honest.
    """
    from django.contrib.auth import get_user_model

    from assessments import services
    from assessments.models import CustomerSurvey

    User = get_user_model()
    users = []
    for name in COLLEAGUES:
        user = User(username=f"bench-{name}", email=f"{name}@example.com")
        user.set_unusable_password()
        user.save()
        users.append(user)
    team = services.create_team(name="Benchmark team", lead=users[0])
    for user in users[1:]:
        services.join_team(team=team, user=user)
    rounds = []
    for title in ("Benchmark round", "Control round"):
        assessment = services.create_assessment(team=team, title=title, created_by=users[0])
        pillars = assessment.round_pillars()
        scores = random.Random(seed + 1)  # the same scorecards in both rounds
        for user in users:
            order = list(pillars)
            scores.shuffle(order)
            services.submit_scorecard(
                assessment=assessment,
                user=user,
                answers=[
                    services.Answer(pillar_id=p.pk, score=scores.randint(1, 5), rank=rank)
                    for rank, p in enumerate(order, start=1)
                ],
            )
        survey = services.start_survey(assessment=assessment)
        CustomerSurvey.objects.filter(pk=survey.pk).update(ask_expectation=True)
        survey.refresh_from_db()
        # The same customers in both rounds: at the smallest size the two are identical.
        rounds.append(Round(assessment, survey, pillars, random.Random(seed)))
    return users[0], rounds[0], rounds[1]


def top_up(round_: Round, target: int) -> tuple[int, float]:
    """Add responses until the survey has ``target``; returns (added, seconds)."""
    from django.db import connection

    from assessments import services
    from assessments.models import CustomerResponse, ResponseSource

    survey = round_.survey
    have = CustomerResponse.objects.filter(survey=survey).count()
    start = time.perf_counter()
    added = 0
    while have + added < target:
        count = min(BATCH, target - have - added)
        services.record_responses(
            survey=survey,
            responses=fake_responses(round_.pillars, round_.rng, count),
            source=ResponseSource.IMPORT,
        )
        added += count
    with connection.cursor() as cursor:
        # Fresh planner statistics, as autovacuum / a periodic ANALYZE would give a live site.
        cursor.execute("ANALYZE")
    return added, time.perf_counter() - start


# ----------------------------------------------------------------------------- measuring


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def database_has_users() -> bool:
    from django.db import connection

    if "auth_user" not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from auth_user")
        return cursor.fetchone()[0] > 0


@dataclass
class Row:
    n: int
    tallies: int
    report: Timing
    report_control: Timing
    report_json: Timing
    json_control: Timing
    report_queries: int
    json_queries: int
    scan: Timing
    load: float  # 1-minute load average when the size was measured


class Measurer:
    def __init__(self, lead, main: Round, control: Round):
        from django.test import Client
        from django.urls import reverse

        self.client = Client()
        self.client.force_login(lead)
        self.main, self.control = main, control
        self.urls = {
            (r.assessment.pk, name): reverse(f"assessments:{name}", args=[r.assessment.pk])
            for r in (main, control)
            for name in ("report", "report_json")
        }

    def get(self, round_: Round, name: str):
        url = self.urls[(round_.assessment.pk, name)]
        response = self.client.get(url)
        if response.status_code != 200:
            raise BenchmarkFailure(f"GET {url} answered {response.status_code}")
        return response

    def count_queries(self, round_: Round, name: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            self.get(round_, name)
        return len(captured)

    def measure(self, n: int, args) -> Row:
        from django.db.models import Count

        from assessments.models import CustomerAnswer, SurveyTally

        main, control = self.main, self.control
        survey = main.survey
        # The report must count every response: the tallies are all it reads.
        count = self.get(main, "report_json").json()["customers"]["count"]
        if count != n:
            raise BenchmarkFailure(f"report.json counts {count} responses, expected {n}")

        def scan():
            return list(
                CustomerAnswer.objects.filter(response__survey=survey)
                .values("pillar_id", "rank")
                .annotate(n=Count("id"))
            )

        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        report, report_control = time_pair(
            lambda: self.get(main, "report"), lambda: self.get(control, "report"), args.repeat
        )
        report_json, json_control = time_pair(
            lambda: self.get(main, "report_json"),
            lambda: self.get(control, "report_json"),
            args.repeat,
        )
        return Row(
            n=n,
            tallies=SurveyTally.objects.filter(survey=survey).count(),
            report=report,
            report_control=report_control,
            report_json=report_json,
            json_control=json_control,
            report_queries=self.count_queries(main, "report"),
            json_queries=self.count_queries(main, "report_json"),
            scan=time_calls(scan, args.scan_repeat, warmup=1),
            load=load,
        )


def print_table(rows: list[Row]) -> None:
    first = rows[0]
    base = f"×{first.n:,}"
    header = (
        f"{'responses':>9} {'tallies':>7} │ "
        f"{'report ms':>9} {'p90':>6} {base:>7} {'÷ctrl':>5} │ "
        f"{'json ms':>7} {'p90':>6} {base:>7} {'÷ctrl':>5} │ "
        f"{'queries':>7} │ {'scan ms':>7} {base:>7} │ {'load':>4}"
    )
    print(header)
    print("─" * len(header))
    for row in rows:
        queries = f"{row.report_queries}/{row.json_queries}"
        print(
            f"{row.n:>9,} {row.tallies:>7,} │ "
            f"{row.report.median:>9.1f} {row.report.p90:>6.1f} "
            f"{row.report.median / first.report.median:>7.2f} "
            f"{row.report.median / row.report_control.median:>5.2f} │ "
            f"{row.report_json.median:>7.1f} {row.report_json.p90:>6.1f} "
            f"{row.report_json.median / first.report_json.median:>7.2f} "
            f"{row.report_json.median / row.json_control.median:>5.2f} │ "
            f"{queries:>7} │ "
            f"{row.scan.median:>7.1f} {row.scan.median / first.scan.median:>7.2f} │ "
            f"{row.load:>4.1f}"
        )
    print()
    print(
        "report, json: GET of the report page / report.json through django.test.Client, "
        f"median and p90 wall-clock ms; {base}: median relative to {first.n:,} responses."
    )
    print(
        f"÷ctrl: median relative to the control round ({first.n:,} responses, same data), "
        "timed in alternation with it: immune to the machine slowing down between sizes."
    )
    print(
        "tallies: SurveyTally rows of the survey; queries: SQL queries per request "
        "(page/json); load: 1-minute load average before measuring."
    )
    print(
        "scan: naive GROUP BY (pillar, rank) over every answer of the survey, median ms: "
        "what each report would pay without the tallies."
    )


def run(args: argparse.Namespace) -> int:
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if args.database_url and database_has_users():
        print(
            "Refusing: this database already has users. Give --database-url a scratch database.",
            file=sys.stderr,
        )
        return 2
    call_command("migrate", verbosity=0, interactive=False)

    print("CX Pillars report benchmark")
    print(f"  Python   {platform.python_version()} ({platform.python_implementation()})")
    print(f"  Django   {django.get_version()}")
    print(f"  Database {database_facts()}")
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, {cpu_model()}"
    print(f"  Machine  {machine}")
    print(
        f"  Sizes {', '.join(f'{n:,}' for n in args.sizes)}; {WARMUP} warm-up requests, then "
        f"{args.repeat} timed per endpoint; naive scan timed {args.scan_repeat}×; seed {args.seed}"
    )
    print(flush=True)

    started = time.perf_counter()
    lead, main, control = set_up(args.seed)
    added, seconds = top_up(control, args.sizes[0])
    print(
        f"Set up the team, two rounds and the control's {added:,} responses in "
        f"{time.perf_counter() - started:.1f} s.",
        flush=True,
    )
    measurer = Measurer(lead, main, control)
    rows: list[Row] = []
    seeding_total = 0.0
    for n in args.sizes:
        added, seconds = top_up(main, n)
        seeding_total += seconds
        print(
            f"Seeded {added:,} responses ({added * len(main.pillars):,} answers) in {seconds:.1f} s"
            f" ({added / seconds if seconds else 0:,.0f} responses/s); measuring at {n:,} …",
            flush=True,
        )
        rows.append(measurer.measure(n, args))
    print(f"Seeding the measured round took {seeding_total:.1f} s in all.")
    print()
    print_table(rows)
    print()
    print(f"Total run time {time.perf_counter() - started:.0f} s.")
    connection.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmpdir = None
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        tmpdir = tempfile.mkdtemp(prefix="cxp-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{os.path.join(tmpdir, 'bench.sqlite3')}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cxpillars.settings"
    # Development settings (DEBUG on, no HTTPS redirect) with the test client's host allowed.
    os.environ["DEBUG"] = "true"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    try:
        return run(args)
    except BenchmarkFailure as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if tmpdir is not None:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
