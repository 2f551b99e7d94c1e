"""Print a round's report for BI tools: ``manage.py export_report <id> --format json``."""

import json

from django.core.management.base import CommandError

from assessments.diagnostic import diagnostic_document, load_diagnostic
from assessments.management.base import QuietCommand
from assessments.models import Assessment
from assessments.report_json import report_document


class Command(QuietCommand):
    help = "Print the report of one assessment round (same document as /rounds/<id>/report.json)."

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--compact", action="store_true", help="No indentation.")

    def handle(self, *args, assessment_id: int, compact: bool, **options):
        assessment = Assessment.objects.select_related("team").filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment round with id {assessment_id}.")
        if assessment.is_diagnostic:
            document = diagnostic_document(load_diagnostic(assessment))
        else:
            document = report_document(assessment)
        self.stdout.write(json.dumps(document, indent=None if compact else 2))
