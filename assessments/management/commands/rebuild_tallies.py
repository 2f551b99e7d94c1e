"""Recompute the survey tallies from the stored answers (a repair tool)."""

from assessments import services
from assessments.management.base import QuietCommand
from assessments.models import CustomerSurvey


class Command(QuietCommand):
    help = "Recompute every survey's running tallies from its stored answers."

    def handle(self, *args, **options):
        for survey in CustomerSurvey.objects.select_related("assessment"):
            count = services.rebuild_tallies(survey=survey)
            self.stdout.write(f"{survey}: {count} responses")
