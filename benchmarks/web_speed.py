"""Every page under load, next to a bare Django view on the same stack (``make bench-web``).

For each database (a temporary SQLite file; and PostgreSQL when ``DATABASE_URL`` or
``--database-url`` names a PostgreSQL server, where a scratch database is created and dropped)
and each size (customer responses in the demo round's survey), it:

1. fills a fresh database with the demo data and tops the survey up to the size (a child
   process, ``--prepare``);
2. starts gunicorn (2 sync workers, DEBUG off) on 127.0.0.1 with ``benchmarks.web_settings``:
   the app plus ``/bench/bare/``, a view that answers "ok" through the same middleware;
3. runs ``wrk`` against each page, each run right after a run of the bare view (interleaved, so
   both see the same machine), ``--repeat`` times, and prints req/s, p50 and p99 latency and the
   median ratio of the page's req/s to the bare view's;
4. posts survey answers (a distinct valid answer per request, read by a Lua script) at 8 and
   at 64 connections, then checks in a child process (``--verify``) that every accepted answer
   was stored once and the tallies equal a recount from the answers; gunicorn's workers report
   how long their requests waited for the survey's lock (PostgreSQL: ``SELECT … FOR UPDATE``;
   SQLite: ``BEGIN IMMEDIATE``, the database's write lock);
5. stops everything it started, and deletes what it made.

    python -m benchmarks.web_speed [--sizes 300 30000] [--duration 3] [--repeat 3]
                                   [--connections 8] [--database-url postgres://…]

Needs ``wrk`` (Debian package wrk). Traffic goes to 127.0.0.1 only; every run is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import urlopen

from benchmarks.scratch_database import database_facts

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SECRET = "bench-web-secret-key-not-for-any-real-site-0123456789abcdefghij"
GET_PAGES = ("survey", "report", "comparison", "team", "scorecard")


# ----------------------------------------------------------------------------- child: data


def _django(database_url: str, *, debug: bool = True) -> None:
    os.environ.update(_server_env(database_url))
    os.environ["DEBUG"] = "true" if debug else "false"
    os.environ["ALLOWED_HOSTS"] += ",testserver"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(database_url: str, size: int, out: Path, bodies: int, seed: int) -> None:
    """Child process: demo data, the survey topped up to ``size``, a session, POST bodies."""
    import random

    _django(database_url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from assessments import services
    from assessments.management.commands.seed_demo import demo_responses
    from assessments.models import CustomerResponse, CustomerSurvey, Generation, ResponseSource
    from assessments.views.survey import _new_nonce

    call_command("migrate", verbosity=0)
    if not get_user_model().objects.filter(username="lead").exists():
        call_command("seed_demo", verbosity=0)
    lead = get_user_model().objects.get(username="lead")
    survey = (
        CustomerSurvey.objects.select_related("assessment")
        .filter(assessment__is_open=True, is_open=True, assessment__team__memberships__user=lead)
        .order_by("-assessment__created_at")
        .first()
    )
    assert survey is not None, "the demo data has no open round with an open survey"
    assessment = survey.assessment
    pillars = assessment.round_pillars()
    rng = random.Random(seed)
    have = CustomerResponse.objects.filter(survey=survey).count()
    started = time.perf_counter()
    while have < size:
        count = min(5_000, size - have)
        services.record_responses(
            survey=survey,
            responses=demo_responses({p.slug: p for p in pillars}, rng, count),
            source=ResponseSource.IMPORT,
        )
        have += count
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    filled = time.perf_counter() - started

    member = Client()
    # The session a sign-in makes: the model backend (the last one; django-axes' comes first).
    member.force_login(lead, backend=settings.AUTHENTICATION_BACKENDS[-1])
    customer = Client()
    page = customer.get(f"/s/{survey.token}/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert page.status_code == 200 and token, f"survey page answered {page.status_code}"
    generations = [g.value for g in Generation]
    lines = []
    for _ in range(bodies):
        order = list(pillars)
        rng.shuffle(order)
        fields: list[tuple[str, object]] = [
            ("csrfmiddlewaretoken", token.group(1)),
            ("nonce", _new_nonce(survey)),
            ("language", "en"),
        ]
        fields += [(f"rank_{p.pk}", rank) for rank, p in enumerate(order, start=1)]
        if survey.ask_experience:
            fields += [(f"experience_{p.pk}", rng.randint(1, 5)) for p in pillars]
        if survey.ask_expectation:
            fields += [(f"expectation_{p.pk}", rng.randint(1, 5)) for p in pillars]
        if survey.ask_generation:
            fields.append(("generation", rng.choice(generations)))
        if survey.ask_nps:
            fields.append(("nps", rng.randint(0, 10)))
        if survey.ask_ces:
            fields.append(("ces", rng.randint(1, 5)))
        lines.append(urlencode(fields))
    (out / "bodies.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    facts = {
        "database": database_facts(),
        "responses": CustomerResponse.objects.filter(survey=survey).count(),
        "fill_seconds": round(filled, 1),
        "session": member.cookies["sessionid"].value,
        "csrf": customer.cookies["csrftoken"].value,
        "urls": {
            "survey": f"/s/{survey.token}/",
            "report": f"/rounds/{assessment.pk}/report/",
            "comparison": f"/rounds/{assessment.pk}/comparison/",
            "team": f"/teams/{assessment.team_id}/",
            "scorecard": f"/rounds/{assessment.pk}/scorecard/",
        },
        "survey_id": survey.pk,
    }
    (out / "facts.json").write_text(json.dumps(facts), encoding="utf-8")


def verify(database_url: str, survey_id: int, out: Path) -> None:
    """Child process: responses counted, and the tallies compared with a recount."""
    _django(database_url)
    from django.db import transaction

    from assessments import services
    from assessments.models import CustomerResponse, CustomerSurvey, SurveyTally

    survey = CustomerSurvey.objects.select_related("assessment").get(pk=survey_id)

    def tallies() -> dict:
        return {
            (t.generation, t.pillar_id, t.metric, t.value): t.count
            for t in SurveyTally.objects.filter(survey=survey).exclude(count=0)
        }

    kept = tallies()
    with transaction.atomic():
        services.rebuild_tallies(survey=survey)
        recounted = tallies()
        transaction.set_rollback(True)
    result = {
        "responses": CustomerResponse.objects.filter(survey=survey).count(),
        "tallies_exact": kept == recounted,
        "tally_rows": len(kept),
    }
    (out / "verify.json").write_text(json.dumps(result), encoding="utf-8")


# ----------------------------------------------------------------------------- servers


def _server_env(database_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "benchmarks.web_settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        # Behind one proxy, as in production: each POST comes from its own address (the Lua
        # script sets X-Forwarded-For), counted by the survey's rate limit as usual.
        "CXP_TRUSTED_PROXY_HOPS": "1",
        "PYTHONPATH": str(ROOT),
    }


def _child(args: list[str], database_url: str) -> None:
    env = {**os.environ, **_server_env(database_url), "DEBUG": "true"}
    env["ALLOWED_HOSTS"] += ",testserver"  # the child's test client
    done = subprocess.run(
        [PYTHON, "-m", "benchmarks.web_speed", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"benchmark step {' '.join(args[:2])} failed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    database_url: str
    stats_dir: Path
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.port = _free_port()
        env = {**os.environ, **_server_env(self.database_url)}
        env["CXP_BENCH_STATS_DIR"] = str(self.stats_dir)
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "benchmarks.web_wsgi",
                "--config",
                "python:benchmarks.web_gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        ready = 0
        while time.monotonic() < deadline and ready < 20:  # both workers up and answering
            try:
                with urlopen(f"http://127.0.0.1:{self.port}/bench/bare/", timeout=2) as answer:
                    ready += answer.status == 200
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit("gunicorn stopped while starting") from None
                time.sleep(0.2)
        if ready < 20:
            raise SystemExit("gunicorn did not start within 30 s")

    def stop(self) -> dict[str, float]:
        """Stop gunicorn and its workers; returns the workers' lock-wait figures, summed."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        totals = {"statements": 0.0, "waited_ms": 0.0, "max_ms": 0.0, "slow": 0.0}
        for path in self.stats_dir.glob("locks-*.json"):
            figures = json.loads(path.read_text(encoding="utf-8"))
            totals["statements"] += figures["statements"]
            totals["waited_ms"] += figures["waited_ms"]
            totals["slow"] += figures["slow"]
            totals["max_ms"] = max(totals["max_ms"], figures["max_ms"])
            path.unlink()
        return totals


# ----------------------------------------------------------------------------- wrk


@dataclass
class Run:
    rps: float
    p50: float  # ms
    p99: float  # ms
    requests: int  # answered within the run
    bad: int  # answers other than 2xx and 3xx, and socket errors
    sent: int  # requests sent (a POST cut off by the end of the run may still be stored)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, *, duration: float, connections: int, headers: list[str], script: str = "",
        script_args: list[str] | None = None) -> Run:  # fmt: skip
    seconds = f"{duration:g}s"
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}", "--latency", "--timeout", "5s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=duration + 30
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    sent = re.search(r"bodies sent: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        bad += sum(int(n) for n in errors.groups())
    return Run(rps, p50, p99, requests, bad, int(sent.group(1)) if sent else requests)


# ----------------------------------------------------------------------------- orchestration


@dataclass
class Row:
    database: str
    size: int
    page: str
    runs: list[Run] = field(default_factory=list)
    bare: list[Run] = field(default_factory=list)
    note: str = ""

    @property
    def ratio(self) -> float:
        return statistics.median(r.rps / b.rps for r, b in zip(self.runs, self.bare, strict=True))


def measure(database_url: str, label: str, args: argparse.Namespace, work: Path) -> list[Row]:
    rows: list[Row] = []
    stats_dir = work / "stats"
    stats_dir.mkdir(exist_ok=True)
    lua = str(ROOT / "benchmarks" / "web_post.lua")
    for size in args.sizes:
        bodies_needed = int(args.duration * 3_000) + 1_000
        print(f"  {label}: preparing {size:,} responses …", flush=True)
        _child(
            ["--prepare", str(size), "--out", str(work), "--bodies", str(bodies_needed),
             "--seed", str(args.seed)],
            database_url,
        )  # fmt: skip
        facts = json.loads((work / "facts.json").read_text(encoding="utf-8"))
        database = facts["database"]
        server = Server(database_url, stats_dir)
        server.start()
        base = f"http://127.0.0.1:{server.port}"
        member = [f"Cookie: sessionid={facts['session']}"]
        try:
            for page in GET_PAGES:  # warm every page and the caches once
                wrk(base + facts["urls"][page], duration=1, connections=2, headers=member)
            wrk(base + "/bench/bare/", duration=1, connections=2, headers=member)
            get_rows = {page: Row(database, facts["responses"], page) for page in GET_PAGES}
            for _ in range(args.repeat):
                for page in GET_PAGES:
                    row = get_rows[page]
                    row.bare.append(wrk(base + "/bench/bare/", duration=args.duration,
                                        connections=args.connections, headers=member))  # fmt: skip
                    row.runs.append(wrk(base + facts["urls"][page], duration=args.duration,
                                        connections=args.connections, headers=member))  # fmt: skip
            rows += get_rows.values()
        finally:
            server.stop()
        for connections in (args.connections, 64):
            server.start()
            base = f"http://127.0.0.1:{server.port}"
            before = facts["responses"]
            post = Row(database, before, f"survey POST c{connections}")
            try:
                post.bare.append(wrk(base + "/bench/bare/", duration=args.duration,
                                     connections=connections, headers=member))  # fmt: skip
                post.runs.append(
                    wrk(
                        base + facts["urls"]["survey"],
                        duration=args.duration,
                        connections=connections,
                        headers=[f"Cookie: csrftoken={facts['csrf']}"],
                        script=lua,
                        script_args=[str(work / "bodies.txt")],
                    )
                )
            finally:
                locks = server.stop()
            _child(["--verify", str(facts["survey_id"]), "--out", str(work)], database_url)
            checked = json.loads((work / "verify.json").read_text(encoding="utf-8"))
            accepted = post.runs[0].requests - post.runs[0].bad
            sent = post.runs[0].sent
            stored = checked["responses"] - before
            facts["responses"] = checked["responses"]
            waits = locks["statements"] or 1
            # Every answer accepted (302) is stored, and nothing beyond what was sent: requests
            # still in flight when wrk stopped may or may not have been stored.
            exact = accepted <= stored <= sent and sent <= bodies_needed
            refused = post.runs[0].bad
            post.note = (
                f"{sent:,} sent, {accepted:,} accepted, {stored:,} stored"
                f"{'' if exact else ' (MISMATCH)'}"
                f"{f', {refused:,} REFUSED OR FAILED' if refused else ''}; tallies "
                f"{'exact' if checked['tallies_exact'] else 'WRONG'}; lock wait mean "
                f"{locks['waited_ms'] / waits:.2f} ms, max {locks['max_ms']:.1f} ms, "
                f"{int(locks['slow'])} of {int(locks['statements'])} over 1 ms"
            )
            rows.append(post)
            # Fresh bodies (nonces are single-use) for the next run.
            _child(
                ["--prepare", "0", "--out", str(work), "--bodies", str(bodies_needed),
                 "--seed", str(args.seed + connections)],
                database_url,
            )  # fmt: skip
            facts["csrf"] = json.loads((work / "facts.json").read_text(encoding="utf-8"))["csrf"]
    return rows


def print_table(rows: list[Row]) -> None:
    print()
    header = (
        f"{'database':<18} {'responses':>9}  {'page':<18} {'req/s':>8} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'bare req/s':>10} {'× bare':>7}"
    )
    print(header)
    print("─" * len(header))
    for row in rows:
        print(
            f"{row.database:<18} {row.size:>9,}  {row.page:<18} "
            f"{statistics.median(r.rps for r in row.runs):>8.0f} "
            f"{statistics.median(r.p50 for r in row.runs):>7.2f} "
            f"{max(r.p99 for r in row.runs):>7.1f} "
            f"{statistics.median(b.rps for b in row.bare):>10.0f} {row.ratio:>7.3f}"
        )
        if row.note:
            print(f"{'':<30}{row.note}")
    print()
    print(
        "req/s: median of the runs; p50: median of the runs' medians; p99: the worst run's p99; "
        "× bare: median of each run's req/s over the bare view's run just before it."
    )


def _postgres_scratch(url: str) -> tuple[str, str]:
    """Create a scratch database beside the one ``url`` names; returns (its URL, its name)."""
    import psycopg

    name = f"cxp_bench_web_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _postgres_drop(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    started = time.monotonic()
    print("CX Pillars: every page under load, against a bare view on the same stack")
    print(f"  Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print(
        f"  gunicorn 2 sync workers, DEBUG off; wrk -t1 -c{args.connections} -d{args.duration}s, "
        f"{args.repeat} interleaved runs per page; sizes {', '.join(map(str, args.sizes))}"
    )
    print(f"  load average before: {os.getloadavg()[0]:.2f}")
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **_server_env("sqlite:///:memory:")},
        check=True,
    )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="cxp-bench-web-") as tmp:
        work = Path(tmp)
        if not args.postgres_only:
            rows += measure(f"sqlite:///{work / 'bench.sqlite3'}", "SQLite", args, work)
        postgres = args.database_url or os.environ.get("DATABASE_URL", "")
        if postgres.startswith(("postgres://", "postgresql://")):
            scratch, name = _postgres_scratch(postgres)
            try:
                rows += measure(scratch, "PostgreSQL", args, work)
            finally:
                _postgres_drop(postgres, name)
    print_table(rows)
    print(
        f"  load average after: {os.getloadavg()[0]:.2f}; total {time.monotonic() - started:.0f} s"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.web_speed", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 30_000])
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per wrk run")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", help="a PostgreSQL server to measure on as well")
    parser.add_argument(
        "--postgres-only", action="store_true", help="skip SQLite (with a PostgreSQL server)"
    )
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--verify", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--bodies", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare is not None:
        prepare(os.environ["DATABASE_URL"], args.prepare, args.out, args.bodies, args.seed)
        return 0
    if args.verify is not None:
        verify(os.environ["DATABASE_URL"], args.verify, args.out)
        return 0
    if args.duration <= 0 or args.duration > 60 or args.repeat < 1 or args.connections < 1:
        parser.error("--duration 0–60 s, --repeat ≥ 1, --connections ≥ 1")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
