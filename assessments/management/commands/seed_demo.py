"""Demo data for trying the app: an admin, a team of six with a round they have all filled in."""

import dataclasses
import datetime as dt
import random
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from assessments import services
from assessments.management.base import QuietCommand
from assessments.models import (
    Assessment,
    CustomerSurvey,
    Framework,
    Generation,
    Membership,
    Metric,
    MetricSource,
    MonthlyMetric,
    ResponseSource,
    Role,
    RoundQuestion,
    Team,
)

DEMO_PASSWORD = "demo-pass-2026"
ADMIN = ("admin", "admin-pass-2026")
LEAD = "lead"
COLLEAGUES = ["amara", "ben", "chloe", "dmitri", "elena"]
TEAM_NAME = "Demo CX team"
ROUND_TITLE = "Q4 2026 review"
EARLIER_ROUND_TITLE = "Q2 2026 review"
DIAGNOSTIC_TITLE = "Q4 2026 CX diagnostic"

# How likely the demo team is to answer Yes (else Partly or No) per diagnostic question, by
# question slug prefix: strong on people, weak on finance, with a few questions they split on.
DIAGNOSTIC_YES = {"people": 0.7, "process": 0.5, "customers": 0.55, "finance": 0.2}
DIAGNOSTIC_SPLIT = {"process-reach-a-person", "customers-touchpoint-owners", "finance-return-model"}
# A year of monthly figures from the help desk: (start, monthly drift, noise) and the targets.
MONTHLY = {
    Metric.NPS: (-24.0, 0.9, 3.0),
    Metric.CSAT: (31.0, 0.7, 2.0),
    Metric.CES: (44.0, 0.8, 2.5),
    Metric.FIRST_RESPONSE_HOURS: (9.0, -0.4, 0.6),
}
TARGETS = {Metric.NPS: 20, Metric.CSAT: 80, Metric.CES: 70, Metric.FIRST_RESPONSE_HOURS: 4}

# What each demo colleague believes customers value, by pillar slug (most important first), and
# how generous a scorer they are: different, plausible views so the comparison has something to say.
VIEWS = {
    "lead": (
        [
            "products-services",
            "brand-reputation",
            "customer-service",
            "representatives",
            "advertising",
            "digital-experiences",
            "friction",
            "communications",
            "content",
            "non-digital-experiences",
        ],
        0,
    ),
    "amara": (
        [
            "customer-service",
            "products-services",
            "representatives",
            "friction",
            "communications",
            "digital-experiences",
            "brand-reputation",
            "non-digital-experiences",
            "content",
            "advertising",
        ],
        -1,
    ),
    "ben": (
        [
            "digital-experiences",
            "brand-reputation",
            "content",
            "advertising",
            "products-services",
            "communications",
            "friction",
            "customer-service",
            "representatives",
            "non-digital-experiences",
        ],
        1,
    ),
    "chloe": (
        [
            "brand-reputation",
            "advertising",
            "products-services",
            "content",
            "communications",
            "digital-experiences",
            "customer-service",
            "representatives",
            "friction",
            "non-digital-experiences",
        ],
        1,
    ),
    "dmitri": (
        [
            "products-services",
            "representatives",
            "brand-reputation",
            "customer-service",
            "digital-experiences",
            "communications",
            "friction",
            "advertising",
            "content",
            "non-digital-experiences",
        ],
        0,
    ),
    "elena": (
        [
            "customer-service",
            "friction",
            "products-services",
            "communications",
            "representatives",
            "non-digital-experiences",
            "digital-experiences",
            "content",
            "brand-reputation",
            "advertising",
        ],
        -1,
    ),
}
# The story between the two rounds: in Q2 the team still put these two pillars this many places
# lower than it does in Q4; the customer survey taught it that customers care about them more.
Q2_UNDERRATED = {"friction": 4, "customer-service": 3}

# How good the demo company really is per pillar (the team's honest middle score).
BASE_SCORES = {
    "advertising": 4,
    "content": 4,
    "digital-experiences": 3,
    "non-digital-experiences": 3,
    "communications": 3,
    "representatives": 4,
    "products-services": 4,
    "customer-service": 2,
    "friction": 2,
    "brand-reputation": 4,
}


CUSTOMER_COUNT = 300
# What each generation values, most important first, and how many of the demo customers it has.
GENERATION_PRIORITIES = {
    Generation.GEN_Z: (
        0.20,
        ["digital-experiences", "friction", "brand-reputation", "content", "products-services"],
    ),
    Generation.MILLENNIALS: (
        0.32,
        ["friction", "products-services", "digital-experiences", "customer-service", "content"],
    ),
    Generation.GEN_X: (
        0.25,
        ["customer-service", "products-services", "friction", "communications", "representatives"],
    ),
    Generation.BABY_BOOMERS: (
        0.17,
        ["representatives", "customer-service", "products-services", "non-digital-experiences"],
    ),
    Generation.SILENT: (
        0.03,
        ["representatives", "non-digital-experiences", "communications", "customer-service"],
    ),
    Generation.UNDISCLOSED: (0.03, ["products-services", "customer-service", "friction"]),
}
# How customers experience the demo company per pillar (mean of 1–5), and what they expect.
EXPERIENCE = {
    "advertising": 3.4,
    "content": 3.6,
    "digital-experiences": 2.9,
    "non-digital-experiences": 3.3,
    "communications": 3.0,
    "representatives": 3.7,
    "products-services": 3.8,
    "customer-service": 2.4,
    "friction": 2.3,
    "brand-reputation": 3.5,
}


def demo_responses(
    pillars: dict, rng: random.Random, count: int = CUSTOMER_COUNT
) -> list[services.NewResponse]:
    """Plausible, noisy customer answers: generations differ in what they put first."""
    generations = list(GENERATION_PRIORITIES)
    weights = [GENERATION_PRIORITIES[g][0] for g in generations]
    responses = []
    for _ in range(count):
        generation = rng.choices(generations, weights)[0]
        favourites = GENERATION_PRIORITIES[generation][1]
        utility = {
            slug: (len(favourites) - favourites.index(slug)) * 1.3 if slug in favourites else 0
            for slug in pillars
        }
        order = sorted(pillars, key=lambda slug: -(utility[slug] + rng.gauss(0, 1.6)))
        experience = {
            pillars[slug].pk: min(5, max(1, round(rng.gauss(EXPERIENCE.get(slug, 3.2), 0.9))))
            for slug in pillars
            if rng.random() < 0.92
        }
        expectation = {
            pillars[slug].pk: min(5, max(1, round(rng.gauss(4.1, 0.7))))
            for slug in pillars
            if rng.random() < 0.85
        }
        nps = min(10, max(0, round(rng.gauss(7.0, 2.1))))
        responses.append(
            services.NewResponse(
                ranks={pillars[slug].pk: rank for rank, slug in enumerate(order, start=1)},
                experience=experience,
                expectation=expectation,
                generation=generation.value,
                nps=nps if rng.random() < 0.9 else None,
            )
        )
    return responses


class Command(QuietCommand):
    help = (
        "Create demo data (safe to re-run: what exists is left as it is). With DEBUG off it "
        "refuses, unless --i-know-this-is-public: then every demo account gets a random password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--i-know-this-is-public",
            action="store_true",
            dest="public",
            help="Seed a DEBUG=false (reachable) site anyway, with random passwords printed once.",
        )

    def handle(self, *args, public: bool = False, **options):
        if settings.CXP_PUBLIC_SITE and not public:
            raise CommandError(
                "DEBUG is false: this looks like a public site, and the demo accounts have "
                "well-known passwords. Add --i-know-this-is-public to seed it with random ones."
            )
        # On a public site each account gets its own random password, printed once below.
        random_passwords = settings.CXP_PUBLIC_SITE
        passwords = {
            username: secrets.token_urlsafe(12) if random_passwords else default
            for username, default in [(ADMIN[0], ADMIN[1])]
            + [(name, DEMO_PASSWORD) for name in [LEAD, *COLLEAGUES]]
        }
        rng = random.Random(2026)
        User = get_user_model()
        created_users = []
        with transaction.atomic():
            admin, created = User.objects.get_or_create(
                username=ADMIN[0], defaults={"is_staff": True, "is_superuser": True}
            )
            if created:
                admin.set_password(passwords[ADMIN[0]])
                admin.save()
                created_users.append(ADMIN[0])

            users = {}
            for username in [LEAD, *COLLEAGUES]:
                user, created = User.objects.get_or_create(
                    username=username, defaults={"email": f"{username}@example.com"}
                )
                if created:
                    user.set_password(passwords[username])
                    user.save()
                    created_users.append(username)
                users[username] = user

            team = Team.objects.filter(name=TEAM_NAME).first()
            if team is None:
                team = services.create_team(name=TEAM_NAME, lead=users[LEAD])
            for username in COLLEAGUES:
                Membership.objects.get_or_create(
                    team=team, user=users[username], defaults={"role": Role.MEMBER}
                )

            earlier = Assessment.objects.filter(team=team, title=EARLIER_ROUND_TITLE).first()
            if earlier is None:
                earlier = services.create_assessment(
                    team=team, title=EARLIER_ROUND_TITLE, created_by=users[LEAD]
                )
                earlier.created_at = timezone.now() - timedelta(days=183)
                earlier.save(update_fields=["created_at"])
                # Six months ago the team scored itself a notch higher on almost everything and
                # ranked friction and customer service lower than customers do.
                self._fill(earlier, users, rng, bonus=1, underrated=Q2_UNDERRATED)
                services.set_assessment_open(assessment=earlier, is_open=False)
                survey = CustomerSurvey.objects.create(assessment=earlier, is_open=False)
                earlier_pillars = {p.slug: p for p in earlier.round_pillars()}
                services.record_responses(
                    survey=survey,
                    responses=demo_responses(earlier_pillars, random.Random(7))[:180],
                    source=ResponseSource.IMPORT,
                )

            assessment = Assessment.objects.filter(team=team, title=ROUND_TITLE).first()
            if assessment is None:
                assessment = services.create_assessment(
                    team=team, title=ROUND_TITLE, created_by=users[LEAD]
                )
            pillars = {p.slug: p for p in assessment.round_pillars()}
            self._fill(assessment, users, rng, bonus=0)

            survey = CustomerSurvey.objects.filter(assessment=assessment).first()
            if survey is None:
                survey = CustomerSurvey.objects.create(
                    assessment=assessment,
                    ask_expectation=True,
                    intro="Thank you for shopping with Demo Co. Help us put our effort where "
                    "it matters to you.",
                )
            if not survey.responses.exists():
                survey.ask_ces = True
                survey.save(update_fields=["ask_ces"])
                effort = random.Random(43)
                services.record_responses(
                    survey=survey,
                    responses=[
                        dataclasses.replace(r, ces=min(5, max(1, round(effort.gauss(3.6, 1.0)))))
                        for r in demo_responses(pillars, random.Random(42))
                    ],
                    source=ResponseSource.WEB,
                )

            diagnostic = self._diagnostic(team, users)
            self._metrics(team, random.Random(12))

        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        if random_passwords:
            self.stdout.write("  Random passwords (shown once; accounts that existed keep theirs):")
            for username in created_users:
                self.stdout.write(f"    {username} / {passwords[username]}")
        else:
            self.stdout.write(
                f"  Admin:      {ADMIN[0]} / {ADMIN[1]}  (http://127.0.0.1:8000/admin/)"
            )
            self.stdout.write(f"  Team lead:  {LEAD} / {DEMO_PASSWORD}")
            self.stdout.write(f"  Colleagues: {', '.join(COLLEAGUES)} / {DEMO_PASSWORD}")
        self.stdout.write(f"  Round:      http://127.0.0.1:8000/rounds/{assessment.pk}/")
        self.stdout.write(f"  Survey:     http://127.0.0.1:8000/s/{survey.token}/")
        self.stdout.write(f"  Report:     http://127.0.0.1:8000/rounds/{assessment.pk}/report/")
        self.stdout.write(f"  Earlier:    http://127.0.0.1:8000/rounds/{earlier.pk}/ (closed)")
        self.stdout.write(f"  Diagnostic: http://127.0.0.1:8000/rounds/{diagnostic.pk}/")
        self.stdout.write(f"  Dashboard:  http://127.0.0.1:8000/teams/{team.pk}/dashboard/")

    @staticmethod
    def _fill(assessment, users: dict, rng: random.Random, *, bonus: int, underrated=None) -> None:
        """A scorecard per demo colleague who has none yet in the round; ``underrated`` moves
        pillars that many places down each colleague's ranking."""
        pillars = {p.slug: p for p in assessment.round_pillars()}
        done = set(assessment.scorecards.values_list("user_id", flat=True))
        for username, user in users.items():
            if user.pk in done:
                continue
            order, generosity = VIEWS[username]
            ranked = [slug for slug in order if slug in pillars]
            ranked += [slug for slug in pillars if slug not in ranked]
            for slug, places in (underrated or {}).items():
                if slug in ranked:
                    index = ranked.index(slug)
                    ranked.insert(min(len(ranked) - 1, index + places), ranked.pop(index))
            answers = []
            for rank, slug in enumerate(ranked, start=1):
                score = BASE_SCORES.get(slug, 3) + generosity + bonus + rng.choice([-1, 0, 0, 1])
                answers.append(
                    services.Answer(
                        pillar_id=pillars[slug].pk, score=min(5, max(1, score)), rank=rank
                    )
                )
            services.submit_scorecard(assessment=assessment, user=user, answers=answers)

    @staticmethod
    def _diagnostic(team, users: dict) -> Assessment:
        """A diagnostic round that the six demo colleagues have answered."""
        diagnostic = Assessment.objects.filter(team=team, title=DIAGNOSTIC_TITLE).first()
        if diagnostic is None:
            diagnostic = services.create_assessment(
                team=team,
                title=DIAGNOSTIC_TITLE,
                created_by=users[LEAD],
                framework=Framework.DIAGNOSTIC,
            )
        questions = [
            link.question
            for link in RoundQuestion.objects.filter(assessment=diagnostic).select_related(
                "question"
            )
        ]
        done = set(diagnostic.diagnostic_responses.values_list("user_id", flat=True))
        rng = random.Random(20)
        for index, user in enumerate(users.values()):
            if user.pk in done:
                continue
            replies = []
            for question in questions:
                if question.slug in DIAGNOSTIC_SPLIT:
                    reply = "yes" if index % 2 else "no"  # half the team each way
                else:
                    chance = DIAGNOSTIC_YES.get(question.slug.split("-")[0], 0.5)
                    draw = rng.random()
                    reply = "yes" if draw < chance else "partly" if draw < chance + 0.25 else "no"
                note = "We lose this at hand-offs." if reply == "no" and rng.random() < 0.2 else ""
                replies.append(services.DiagnosticReply(question.pk, reply, note))
            services.submit_diagnostic(assessment=diagnostic, user=user, replies=replies)
        return diagnostic

    @staticmethod
    def _metrics(team, rng: random.Random) -> None:
        """Twelve months of help-desk figures up to last month, and the lead's targets."""
        if MonthlyMetric.objects.filter(team=team).exists():
            return
        first_of_month = timezone.now().date().replace(day=1)
        months = []
        for back in range(12, 0, -1):
            year, index = divmod(first_of_month.year * 12 + first_of_month.month - 1 - back, 12)
            months.append(dt.date(year, index + 1, 1))
        values = []
        for metric, (start, drift, noise) in MONTHLY.items():
            low, high = (0, 100) if metric != Metric.NPS else (-100, 100)
            for index, month in enumerate(months):
                value = start + drift * index + rng.gauss(0, noise)
                value = max(0.5 if metric == Metric.FIRST_RESPONSE_HOURS else low, value)
                value = min(high, value)
                values.append(services.MonthValue(metric.value, month, round(value, 1)))
        services.save_monthly_metrics(team=team, values=values, source=MetricSource.IMPORT)
        for metric, target in TARGETS.items():
            services.set_metric_target(team=team, metric=metric, target=target)
