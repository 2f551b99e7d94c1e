"""Big exports in the background: every customer response, built by the worker.

On this (busy) machine openpyxl's write-only mode writes about 430 rows a second and the CSV
stream about 6,000 (``python -m benchmarks.export_speed``): 300,000 responses take minutes as
XLSX and close to a minute as CSV, longer than gunicorn lets a request run (30 s). Above a
threshold the page that asks for one gets a job page with progress and then a download link.
"""

from collections.abc import Iterator
from typing import cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import exports
from .models import Assessment, CustomerResponse, ExportJob, ExportStatus

PROGRESS_EVERY = 2000  # rows between two progress writes


CSV_SPEEDUP = 10  # CSV is about 14 times faster to write than XLSX; keep a margin


def in_background(assessment: Assessment, name: str, fmt: str) -> bool:
    """True when this export is too big to build while the browser waits."""
    if name != "responses":
        return False  # the report's tables have a row per pillar
    limit = settings.CXP_EXPORT_BACKGROUND_ROWS * (CSV_SPEEDUP if fmt == "csv" else 1)
    return CustomerResponse.objects.filter(survey__assessment=assessment).count() > limit


def start(*, assessment: Assessment, user, name: str, fmt: str, filename: str) -> ExportJob:
    """Record the job and queue it for the worker once the record is committed."""
    from .tasks import build_export

    job = ExportJob.objects.create(
        assessment=assessment,
        created_by=user,
        name=name,
        fmt=fmt,
        filename=f"{filename}.{fmt}",
        rows_total=CustomerResponse.objects.filter(survey__assessment=assessment).count(),
    )
    transaction.on_commit(lambda: build_export.enqueue(job.pk))
    return job


def run(job_id: int) -> None:
    """Build the file, writing progress as it goes; a failure is recorded, then raised."""
    job = ExportJob.objects.select_related("assessment").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return  # already built (a task delivered twice)
    job.status = ExportStatus.RUNNING
    job.save(update_fields=["status"])
    headers, rows = exports.responses_table(job.assessment)

    def counted():
        done = 0
        for done, row in enumerate(rows, start=1):
            yield row
            if done % PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=min(done, job.rows_total))
        job.rows_done = min(done, job.rows_total)

    try:
        if job.fmt == "csv":
            response = exports.csv_response(job.filename, (headers, counted()))
            data = b"".join(cast(Iterator[bytes], response.streaming_content))
        else:
            data = exports.xlsx_bytes(job.name, (headers, counted()))
    except Exception:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
        raise
    job.data = data
    job.status = ExportStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["data", "status", "rows_done", "finished_at"])
