"""Import customer responses from a survey tool's export: ``import_responses <round> FILE``.

The layout is detected as on the import page; ``--dry-run`` prints what was detected and the first
respondents without writing; ``--map`` and ``--codes`` change what detection proposed. Every
expected failure ends with a one-line error (exit status 1), never a traceback.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments import imports, services
from assessments.imports.reading import RowReader, data_rows, is_note_row
from assessments.models import Assessment

MAX_ROUND_ID_DIGITS = 18


def _pairs(values: list[str], option: str) -> dict[str, str]:
    """ "A=b" pairs from repeated and comma-separated option values."""
    pairs: dict[str, str] = {}
    for value in values:
        for part in value.split(",") if option == "--codes" else [value]:
            name, equals, target = part.rpartition("=")
            if not equals or not name.strip() or not target.strip():
                raise CommandError(f'{option} expects NAME=VALUE, not "{part.strip()}".')
            pairs[name.strip()] = target.strip()
    return pairs


class Command(BaseCommand):
    help = (
        "Import customer survey responses from a CSV or XLSX export (SurveyMonkey, Qualtrics, "
        "Google Forms, Microsoft Forms, LimeSurvey, Typeform, Formbricks or a spreadsheet). "
        "Any bad row stops the import unless --skip-bad-rows is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", help="id of the round to import into")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="Import the good rows, report the rest."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the detected layout and the first respondents; write nothing.",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=TARGET",
            help=(
                "Read a question or column as TARGET: rank, rank-list, rank-positions, "
                "experience, expectation, nps, generation, response-id, ignore, or a pillar slug "
                "for one item column. Repeat for several."
            ),
        )
        parser.add_argument(
            "--codes",
            action="append",
            default=[],
            metavar="A1=slug,A2=slug",
            help="Which pillar each answer code stands for (LimeSurvey exports with codes).",
        )
        parser.add_argument(
            "--ids-are-keys",
            action="store_true",
            help="Use ID, # or No. columns as response keys (tools restart them in every form).",
        )

    def handle(self, *args, assessment_id: str, file: Path, **options):
        if not assessment_id.isdigit() or len(assessment_id) > MAX_ROUND_ID_DIGITS:
            raise CommandError(f"No assessment round with id {assessment_id[:40]}.")
        assessment = Assessment.objects.filter(pk=int(assessment_id)).first()
        if assessment is None:
            raise CommandError(f"No assessment round with id {assessment_id}.")
        mapping = _pairs(options["map"], "--map")
        codes = _pairs(options["codes"], "--codes")
        try:
            if file.stat().st_size > imports.MAX_FILE_BYTES:
                raise CommandError(str(imports.files.too_large(file.name)))
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        try:
            rows = imports.read_table(data, file.name)
        except imports.ImportFileError as exc:
            raise CommandError(str(exc)) from exc

        pillars = assessment.round_pillars()
        layout = imports.detect_layout(rows, pillars)
        unknown = (
            imports.apply_overrides(layout, pillars, mapping, codes) if mapping or codes else []
        )
        if unknown:
            raise CommandError(
                "Not a column, question or code of this file: " + ", ".join(unknown) + "."
            )
        self._print_layout(layout, pillars)
        if options["dry_run"]:
            self._print_first(rows, layout, pillars, options["ids_are_keys"])
            if layout.problems:
                raise CommandError(
                    f"{len(layout.problems)} problem(s) to settle before importing (see above)."
                )
            self.stdout.write("Dry run: nothing was written.")
            return

        result = imports.read_responses(rows, layout, pillars, ids_are_keys=options["ids_are_keys"])
        skip = options["skip_bad_rows"]
        try:
            outcome = services.import_responses(
                assessment=assessment, result=result, skip_bad_rows=skip
            )
        except services.RuleBroken as exc:
            raise CommandError(str(exc)) from exc
        for message in result.file_errors:
            self.stderr.write(f"error: {message}")
        for error in result.errors:
            self.stderr.write(f"line {error.line}: {error.message}")
        for note in result.notes:
            self.stdout.write(note)
        for line, response_id in outcome.conflicts:
            self.stderr.write(
                f"line {line}: response id {response_id} is stored with different answers "
                "(conflict; the stored response is kept)"
            )
        for line, response_id in outcome.already_imported:
            self.stdout.write(f"line {line}: response_id {response_id} was imported before")
        if result.file_errors:
            raise CommandError(
                f"Nothing was imported: {len(result.file_errors)} problem(s) with the file's "
                "columns. Use --dry-run to see the layout, --map to change it."
            )
        problems = len(result.errors) + len(outcome.conflicts)
        if problems and not skip:
            raise CommandError(
                f"Nothing was imported: {problems} problem(s). "
                "Fix the file, or use --skip-bad-rows to import the good rows."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {outcome.created} response(s); "
                f"{len(outcome.already_imported)} already there; "
                f"{len(outcome.conflicts)} conflict(s) and {len(result.errors)} bad row(s) "
                "skipped."
            )
        )

    def _print_layout(self, layout: imports.Layout, pillars) -> None:
        names = {p.pk: p.slug for p in pillars}
        self.stdout.write(f"Recognised: {layout.tool}")
        for group in layout.groups:
            if group.kind == imports.IGNORE and len(group.columns) == 1:
                continue
            self.stdout.write(f"  {group.key[:60]} -> {group.kind} ({group.reason})")
            if group.pillars and group.kind != imports.IGNORE:
                for header, pk in zip(group.headers, group.pillars, strict=True):
                    self.stdout.write(f"      {header[:70]} = {names.get(pk, 'ignore')}")
        ignored = [g.headers[0] for g in layout.groups if g.kind == imports.IGNORE]
        if ignored:
            self.stdout.write("  ignored: " + ", ".join(h[:40] for h in ignored))
        for code, pk in sorted(layout.codes.items()):
            self.stdout.write(f"  code {code} = {names[pk]}")
        for warning in layout.warnings:
            self.stdout.write(f"warning: {warning}")
        for problem in layout.problems:
            self.stderr.write(f"problem: {problem}")

    def _print_first(self, rows, layout, pillars, ids_are_keys: bool) -> None:
        if layout.ranking is None:
            return
        reader = RowReader(layout, pillars, ids_are_keys=ids_are_keys)
        names = {p.pk: p.slug for p in pillars}
        respondents = shown = 0
        for line, row in data_rows(rows, layout):
            if is_note_row(row):
                continue
            respondents += 1
            if shown < 3:
                shown += 1
                response, problem = reader.read(line, row)
                if response is None:
                    self.stdout.write(f"line {line}: {problem}")
                else:
                    order = sorted(response.ranks, key=response.ranks.__getitem__)
                    self.stdout.write(f"line {line}: " + " > ".join(names[pk] for pk in order))
        self.stdout.write(f"Respondents: {respondents}")
