"""Response imports as jobs: upload, check the proposed mapping, import now or in the background.

A job keeps the uploaded bytes in its database row between the steps (no client-named path, size
bounded while the upload streams in), the lead's mapping, and the progress the page polls.
Small files import inside the request; bigger ones go to the task queue (``tasks.run_import``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from . import imports, services
from .models import Assessment, ImportJob, ImportLayoutChoice, ImportStatus

SYNC_ROWS = 5_000  # up to this many rows the import runs inside the request
REPORT_LINES = 500  # problems kept per kind in a job's report
PREVIEW_RESPONDENTS = 3
ABANDONED_AFTER = timedelta(days=1)


@dataclass
class Review:
    """What the check page shows: the file read with the job's current mapping."""

    rows: list[list[object]]
    layout: imports.Layout
    unknown: list[str]
    respondents: int
    preview: list[tuple[int, list[str], str]]  # line, pillar names in ranked order, problem


def _overrides(mapping: dict) -> tuple[dict[str, str], dict[str, str]]:
    return {**mapping.get("groups", {}), **mapping.get("columns", {})}, mapping.get("codes", {})


def read_job(job: ImportJob, pillars: Sequence) -> Review:
    """The job's file with its layout and the lead's choices applied; ImportFileError if the file
    cannot be read."""
    rows = imports.read_table(bytes(job.data), job.filename)
    layout = imports.detect_layout(rows, pillars)
    fingerprint = layout.fingerprint
    mapping, codes = _overrides(job.mapping)
    unknown = imports.apply_overrides(layout, pillars, mapping, codes) if mapping or codes else []
    layout.fingerprint = fingerprint  # the file's layout, whatever was chosen for it
    from .imports.reading import RowReader, data_rows, is_note_row

    names = {p.pk: p.name for p in pillars}
    preview: list[tuple[int, list[str], str]] = []
    respondents = 0
    reader = RowReader(layout, pillars, ids_are_keys=job.ids_are_keys) if layout.ranking else None
    for line, row in data_rows(rows, layout):
        if is_note_row(row):
            continue
        respondents += 1
        if reader is not None and len(preview) < PREVIEW_RESPONDENTS:
            response, problem = reader.read(line, row)
            order = sorted(response.ranks, key=response.ranks.__getitem__) if response else []
            preview.append((line, [names[pk] for pk in order], problem))
    return Review(rows, layout, unknown, respondents, preview)


def create_job(*, assessment: Assessment, user, filename: str, data: bytes) -> ImportJob:
    """Store an upload for checking; the mapping remembered for its layout is applied."""
    pillars = assessment.round_pillars()
    rows = imports.read_table(data, filename)  # refuses unreadable files before storing them
    # Uploads never confirmed do not keep customers' answers around for long.
    ImportJob.objects.filter(
        assessment=assessment,
        status=ImportStatus.UPLOADED,
        created_at__lt=timezone.now() - ABANDONED_AFTER,
    ).delete()
    layout = imports.detect_layout(rows, pillars)
    remembered = (
        ImportLayoutChoice.objects.filter(assessment=assessment, fingerprint=layout.fingerprint)
        .values_list("mapping", flat=True)
        .first()
    )
    return ImportJob.objects.create(
        assessment=assessment,
        created_by=user,
        filename=imports.files.file_name(filename)[:255],
        data=data,
        size=len(data),
        fingerprint=layout.fingerprint,
        mapping=remembered or {},
        rows_total=max(0, len(rows) - layout.data_start),
    )


def remember_mapping(job: ImportJob) -> None:
    """Offer the job's mapping for the next file of the same layout in this round."""
    if not job.fingerprint or not any(job.mapping.get(k) for k in ("groups", "columns", "codes")):
        return
    ImportLayoutChoice.objects.update_or_create(
        assessment_id=job.assessment_id,
        fingerprint=job.fingerprint,
        defaults={"mapping": job.mapping, "updated_at": timezone.now()},
    )


def _set(job_id: int, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(**fields)


def _report(result: imports.ParseResult, outcome: services.ImportOutcome | None) -> dict:
    report = {
        "file_errors": list(result.file_errors),
        "errors": [[e.line, e.message] for e in result.errors[:REPORT_LINES]],
        "error_count": len(result.errors),
        "notes": list(result.notes[:REPORT_LINES]),
        "ignored": list(result.ignored_columns),
        "responses": len(result.responses),
        "created": 0,
        "already": [],
        "already_count": 0,
        "conflicts": [],
        "conflict_count": 0,
        "stopped": False,
    }
    if outcome is not None:
        report.update(
            created=outcome.created,
            already=[list(pair) for pair in outcome.already_imported[:REPORT_LINES]],
            already_count=len(outcome.already_imported),
            conflicts=[list(pair) for pair in outcome.conflicts[:REPORT_LINES]],
            conflict_count=len(outcome.conflicts),
            stopped=outcome.stopped,
        )
    return report


def run_job(job_id: int) -> ImportJob:
    """Read and write the job's file with its mapping; progress and the report go to the job."""
    job = ImportJob.objects.select_related("assessment").get(pk=job_id)
    if job.finished or job.status == ImportStatus.RUNNING:
        return job
    _set(job.pk, status=ImportStatus.RUNNING, rows_read=0, rows_written=0)
    pillars = job.assessment.round_pillars()
    status = ImportStatus.DONE
    try:
        rows = imports.read_table(bytes(job.data), job.filename)
        layout = imports.detect_layout(rows, pillars)
        mapping, codes = _overrides(job.mapping)
        unknown = (
            imports.apply_overrides(layout, pillars, mapping, codes) if mapping or codes else []
        )
        total = max(0, len(rows) - layout.data_start)
        _set(job.pk, rows_total=total)
        result = imports.read_responses(
            rows,
            layout,
            pillars,
            ids_are_keys=job.ids_are_keys,
            progress=lambda count: _set(job.pk, rows_read=count),
        )
        result.ignored_columns = imports.ignored_columns(layout)
        result.file_errors += [
            _("“%(name)s” is not a column, question or code of this file.") % {"name": name}
            for name in unknown
        ]
        _set(job.pk, rows_read=total)
        outcome = services.import_responses(
            assessment=job.assessment,
            result=result,
            skip_bad_rows=job.skip_bad_rows,
            on_batch=lambda written: _set(job.pk, rows_written=written),
            should_stop=lambda: ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists(),
        )
        report = _report(result, outcome)
        if outcome.stopped:
            status = ImportStatus.CANCELLED
    except services.ConcurrentWrite as exc:
        status, report = ImportStatus.FAILED, {"race": True, "file_errors": [str(exc)]}
    except (imports.ImportFileError, services.RuleBroken) as exc:
        status, report = ImportStatus.FAILED, {"file_errors": [str(exc)]}
    # The file is not kept once it is imported: customers' answers live in the responses only.
    _set(job.pk, status=status, report=report, finished_at=timezone.now(), data=b"")
    job.refresh_from_db()
    return job


def start_job(job: ImportJob) -> ImportJob:
    """Import now when the file is small, otherwise queue it for the background worker."""
    remember_mapping(job)
    if job.rows_total <= SYNC_ROWS:
        return run_job(job.pk)
    from .tasks import run_import

    _set(job.pk, status=ImportStatus.QUEUED)
    run_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def cancel_job(job: ImportJob) -> None:
    """Ask a queued or running import to stop; a queued one stops before it starts."""
    if job.finished:
        return
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CANCELLED, finished_at=timezone.now(), data=b""
    )
    _set(job.pk, cancel_requested=True)
