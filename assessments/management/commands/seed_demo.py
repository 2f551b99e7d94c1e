"""Demo data for trying the app: an admin, a team of six with a round they have all filled in."""

import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from assessments import services
from assessments.models import Assessment, Membership, Role, Team

DEMO_PASSWORD = "demo-pass-2026"
ADMIN = ("admin", "admin-pass-2026")
LEAD = "lead"
COLLEAGUES = ["amara", "ben", "chloe", "dmitri", "elena"]
TEAM_NAME = "Demo CX team"
ROUND_TITLE = "Q4 2026 review"

# What each demo colleague believes customers value, by pillar slug (most important first), and
# how generous a scorer they are: different, plausible views so the comparison has something to say.
VIEWS = {
    "lead": (
        [
            "products-services",
            "customer-service",
            "friction",
            "representatives",
            "digital-experiences",
            "brand-reputation",
            "communications",
            "content",
            "non-digital-experiences",
            "advertising",
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
            "friction",
            "products-services",
            "content",
            "customer-service",
            "communications",
            "advertising",
            "brand-reputation",
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
            "friction",
            "customer-service",
            "digital-experiences",
            "representatives",
            "communications",
            "non-digital-experiences",
            "brand-reputation",
            "content",
            "advertising",
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


class Command(BaseCommand):
    help = "Create demo data (safe to re-run: what exists is left as it is)."

    def handle(self, *args, **options):
        rng = random.Random(2026)
        User = get_user_model()
        with transaction.atomic():
            admin, created = User.objects.get_or_create(
                username=ADMIN[0], defaults={"is_staff": True, "is_superuser": True}
            )
            if created:
                admin.set_password(ADMIN[1])
                admin.save()

            users = {}
            for username in [LEAD, *COLLEAGUES]:
                user, created = User.objects.get_or_create(
                    username=username, defaults={"email": f"{username}@example.com"}
                )
                if created:
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                users[username] = user

            team = Team.objects.filter(name=TEAM_NAME).first()
            if team is None:
                team = services.create_team(name=TEAM_NAME, lead=users[LEAD])
            for username in COLLEAGUES:
                Membership.objects.get_or_create(
                    team=team, user=users[username], defaults={"role": Role.MEMBER}
                )

            assessment = Assessment.objects.filter(team=team, title=ROUND_TITLE).first()
            if assessment is None:
                assessment = services.create_assessment(
                    team=team, title=ROUND_TITLE, created_by=users[LEAD]
                )
            pillars = {p.slug: p for p in assessment.round_pillars()}
            for username, user in users.items():
                if assessment.scorecards.filter(user=user).exists():
                    continue
                order, generosity = VIEWS[username]
                ranked = [slug for slug in order if slug in pillars]
                ranked += [slug for slug in pillars if slug not in ranked]
                answers = []
                for rank, slug in enumerate(ranked, start=1):
                    score = BASE_SCORES.get(slug, 3) + generosity + rng.choice([-1, 0, 0, 1])
                    answers.append(
                        services.Answer(
                            pillar_id=pillars[slug].pk, score=min(5, max(1, score)), rank=rank
                        )
                    )
                services.submit_scorecard(assessment=assessment, user=user, answers=answers)

        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"  Admin:      {ADMIN[0]} / {ADMIN[1]}  (http://127.0.0.1:8000/admin/)")
        self.stdout.write(f"  Team lead:  {LEAD} / {DEMO_PASSWORD}")
        self.stdout.write(f"  Colleagues: {', '.join(COLLEAGUES)} / {DEMO_PASSWORD}")
        self.stdout.write(f"  Round:      http://127.0.0.1:8000/rounds/{assessment.pk}/")
