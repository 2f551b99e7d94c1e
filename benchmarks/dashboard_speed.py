"""Do the CX dashboard and the diagnostic's round page stay flat as rounds, months and colleagues
pile up?

Two teams are built in a fresh SQLite file (a temporary directory, deleted at the end): a small
one (1 survey round, 12 months of figures, a diagnostic answered by 6 colleagues) and a large one
(12 survey rounds, 120 months of all four metrics, a diagnostic answered by 60 colleagues); every
survey has 300 responses. Each page is timed through Django's test client, the two teams in
alternation, and the medians, query counts and large/small ratios are printed.

    python -m benchmarks.dashboard_speed [--repeat 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time

from benchmarks.scratch_database import scratch_database

SEED = 16


def build(team_name: str, *, rounds: int, months: int, colleagues: int):
    from django.contrib.auth import get_user_model

    from assessments import services
    from assessments.management.commands.seed_demo import demo_responses
    from assessments.models import Framework, Membership, MetricSource, Role, RoundQuestion

    def make_user(username: str):
        return get_user_model().objects.create_user(username=username, password=None)

    rng = random.Random(SEED)
    lead = make_user(f"{team_name}-lead")
    team = services.create_team(name=team_name, lead=lead)
    for index in range(rounds):
        assessment = services.create_assessment(team=team, title=f"R{index}", created_by=lead)
        survey = services.start_survey(assessment=assessment)
        pillars = {p.slug: p for p in assessment.round_pillars()}
        responses = demo_responses(pillars, rng, 300)
        services.record_responses(survey=survey, responses=responses, source="web")
    start = dt.date(2016, 1, 1)
    values = []
    for i in range(months):
        year, month = divmod(start.year * 12 + i, 12)
        for metric in ("nps", "csat", "ces", "first_response_hours"):
            values.append(services.MonthValue(metric, dt.date(year, month + 1, 1), 10 + i % 7))
    services.save_monthly_metrics(team=team, values=values, source=MetricSource.IMPORT)
    services.set_metric_target(team=team, metric="nps", target=20)
    diagnostic = services.create_assessment(
        team=team, title="Diagnostic", created_by=lead, framework=Framework.DIAGNOSTIC
    )
    questions = list(RoundQuestion.objects.filter(assessment=diagnostic))
    users = [lead]
    for index in range(colleagues - 1):
        user = make_user(f"{team_name}-c{index}")
        Membership.objects.create(team=team, user=user, role=Role.MEMBER)
        users.append(user)
    for user in users:
        replies = [
            services.DiagnosticReply(q.question_id, rng.choice(["yes", "partly", "no"]))
            for q in questions
        ]
        services.submit_diagnostic(assessment=diagnostic, user=user, replies=replies)
    return lead, team, diagnostic


def run(repeat: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    call_command("migrate", verbosity=0, interactive=False)
    small = build("small", rounds=1, months=12, colleagues=6)
    large = build("large", rounds=12, months=120, colleagues=60)
    pages = {
        "dashboard": lambda team, diag: reverse("assessments:team_dashboard", args=[team.pk]),
        "metrics.json": lambda team, diag: reverse("assessments:metrics_json", args=[team.pk]),
        "diagnostic round": lambda team, diag: reverse("assessments:round", args=[diag.pk]),
        "team page": lambda team, diag: reverse("assessments:team", args=[team.pk]),
    }
    print(f"{'page':<18} {'small ms':>9} {'large ms':>9} {'ratio':>6} {'queries s/l':>12}")
    worst = 0.0
    for name, url_of in pages.items():
        timings: dict[str, list[float]] = {"small": [], "large": []}
        queries = {}
        clients = {}
        for label, (lead, team, diagnostic) in (("small", small), ("large", large)):
            client = Client()
            client.force_login(lead)
            clients[label] = (client, url_of(team, diagnostic))
            with CaptureQueriesContext(connection) as captured:
                assert client.get(clients[label][1]).status_code == 200
            queries[label] = len(captured.captured_queries)
        for _ in range(repeat):
            for label in ("small", "large"):
                client, url = clients[label]
                began = time.perf_counter()
                client.get(url)
                timings[label].append((time.perf_counter() - began) * 1000)
        small_ms = statistics.median(timings["small"])
        large_ms = statistics.median(timings["large"])
        ratio = large_ms / small_ms
        worst = max(worst, ratio)
        print(
            f"{name:<18} {small_ms:9.1f} {large_ms:9.1f} {ratio:6.2f} "
            f"{queries['small']:>5}/{queries['large']:<6}"
        )
    print(
        "small: 1 survey round, 12 months, 6 colleagues; "
        "large: 12 survey rounds, 120 months × 4 metrics, 60 colleagues"
    )
    print(f"largest ratio: {worst:.2f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dashboard_speed")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    with scratch_database("cxp-dash-bench-"):
        return run(args.repeat)


if __name__ == "__main__":
    sys.exit(main())
