"""Big exports in the background: an XLSX of every customer response is built by the worker.

openpyxl's write-only mode still needs about 2.5 ms a row on this machine (benchmarks/
export_speed.py), so 300,000 responses take minutes: more than a web request may. The page
that asks for one gets a job page with progress and, when ready, a download link.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import exports
from .models import Assessment, CustomerResponse, ExportJob, ExportStatus

PROGRESS_EVERY = 2000  # rows between two progress writes


def in_background(assessment: Assessment, name: str, fmt: str) -> bool:
    """True when this export is too big to build while the browser waits."""
    if (name, fmt) != ("responses", "xlsx"):
        return False  # CSV streams; the report tables are small
    count = CustomerResponse.objects.filter(survey__assessment=assessment).count()
    return count > settings.CXP_EXPORT_BACKGROUND_ROWS


def start(*, assessment: Assessment, user, name: str, filename: str) -> ExportJob:
    """Record the job and queue it for the worker once the record is committed."""
    from .tasks import build_export

    job = ExportJob.objects.create(
        assessment=assessment,
        created_by=user,
        name=name,
        filename=f"{filename}.xlsx",
        rows_total=CustomerResponse.objects.filter(survey__assessment=assessment).count(),
    )
    transaction.on_commit(lambda: build_export.enqueue(job.pk))
    return job


def run(job_id: int) -> None:
    """Build the workbook, writing progress as it goes; a failure is recorded, then raised."""
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
