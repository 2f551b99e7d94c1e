"""Import customer responses from CSV or XLSX: ``manage.py import_responses <round id> <file>``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments import imports, services
from assessments.models import Assessment


class Command(BaseCommand):
    help = (
        "Import customer survey responses (one row per respondent, a rank column per pillar). "
        "Any bad row stops the import unless --skip-bad-rows is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="Import the good rows, report the rest."
        )

    def handle(self, *args, assessment_id: int, file: Path, skip_bad_rows: bool, **options):
        assessment = Assessment.objects.filter(pk=assessment_id).first()
        if assessment is None:
            raise CommandError(f"No assessment round with id {assessment_id}.")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        try:
            rows = imports.read_table(data, file.name)
        except imports.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        result = imports.parse_responses(rows, assessment.round_pillars())
        outcome = services.import_responses(
            assessment=assessment, result=result, skip_bad_rows=skip_bad_rows
        )
        for message in result.file_errors:
            self.stderr.write(f"error: {message}")
        for error in result.errors:
            self.stderr.write(f"line {error.line}: {error.message}")
        if result.ignored_columns:
            self.stdout.write("ignored columns: " + ", ".join(result.ignored_columns))
        for line, response_id in outcome.already_imported:
            self.stdout.write(f"line {line}: response_id {response_id} was imported before")
        if result.file_errors or (result.errors and not skip_bad_rows):
            raise CommandError(
                f"Nothing was imported: {len(result.file_errors) + len(result.errors)} problem(s). "
                "Fix the file, or use --skip-bad-rows to import the good rows."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {outcome.created} response(s); "
                f"{len(outcome.already_imported)} already there; "
                f"{len(result.errors)} bad row(s) skipped."
            )
        )
