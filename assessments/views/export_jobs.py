"""A background export's page (progress, then the download link) and its download."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ..exports import XLSX_TYPE
from ..models import ExportJob, ExportStatus
from .access import assessment_for

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE}


def _job_for(request: HttpRequest, pk: int, job_id: int) -> ExportJob:
    assessment = assessment_for(request, pk)
    return get_object_or_404(
        ExportJob.objects.defer("data").select_related("assessment__team"),
        pk=job_id,
        assessment=assessment,
    )


@login_required
@require_GET
def export_job(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    job = _job_for(request, pk, job_id)
    finished = job.status in (ExportStatus.DONE, ExportStatus.FAILED)
    return render(
        request,
        "assessments/export_job.html",
        {"assessment": job.assessment, "job": job, "finished": finished},
    )


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    job = _job_for(request, pk, job_id)
    if job.status != ExportStatus.DONE:
        raise Http404
    data = ExportJob.objects.values_list("data", flat=True).get(pk=job.pk)
    if data is None:
        raise Http404
    response = HttpResponse(bytes(data), content_type=CONTENT_TYPES[job.fmt])
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response
