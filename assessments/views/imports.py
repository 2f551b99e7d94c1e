"""Importing customer responses: upload → check the mapping → import → progress and report."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl.utils import get_column_letter

from .. import import_jobs, imports
from ..forms import ImportForm
from ..imports import layouts
from ..models import ImportJob, ImportStatus
from .survey import _survey_for


class ImportUploadHandler(FileUploadHandler):
    """Keeps an upload in memory and stops it as soon as it passes the import size limit,
    instead of storing the whole body first and measuring it afterwards."""

    def __init__(self, request=None):
        super().__init__(request)
        self.buffer: io.BytesIO | None = None
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > imports.MAX_FILE_BYTES:
            self.request.import_too_large = True
            self.buffer = None
            raise StopUpload(connection_reset=False)
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def _letters(columns: list[int]) -> str:
    first = get_column_letter(columns[0] + 1)
    return first if len(columns) == 1 else f"{first}–{get_column_letter(columns[-1] + 1)}"


def _job_for(request: HttpRequest, pk: int, token: str):
    assessment, survey = _survey_for(request, pk, lead=True)
    job = ImportJob.objects.filter(assessment=assessment, token=token).first()
    if job is None:
        raise Http404
    return assessment, survey, job


@csrf_exempt  # the upload handler must be set before the CSRF check reads the body
@login_required
@require_http_methods(["GET", "POST"])
def survey_import(request: HttpRequest, pk: int) -> HttpResponse:
    request.upload_handlers = [ImportUploadHandler(request)]
    return _survey_import(request, pk)


@csrf_protect
def _survey_import(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, survey = _survey_for(request, pk, lead=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    file_error = None
    status = 200
    if request.method == "POST":
        if getattr(request, "import_too_large", False):
            file_error = _("The file is larger than %(mb)s MB. Split it into smaller files.") % {
                "mb": imports.files.megabytes(imports.MAX_FILE_BYTES)
            }
            status = 413
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_jobs.create_job(
                    assessment=assessment,
                    user=request.user,
                    filename=upload.name,
                    data=upload.read(),
                )
            except imports.ImportFileError as exc:
                file_error = str(exc)
                status = 400
            else:
                job.skip_bad_rows = form.cleaned_data["skip_bad_rows"]
                job.save(update_fields=["skip_bad_rows"])
                return redirect(
                    "assessments:survey_import_review", pk=assessment.pk, token=job.token
                )
        else:
            status = 400
    return render(
        request,
        "assessments/survey_import.html",
        {"assessment": assessment, "survey": survey, "form": form, "file_error": file_error},
        status=status,
    )


def _kind_choices(group: imports.Group) -> list[tuple[str, str]]:
    kinds = [layouts.IGNORE, layouts.RESPONSE_ID, layouts.NPS, layouts.GENERATION]
    if len(group.columns) > 1 or group.pillars:
        kinds = [layouts.RANK, layouts.EXPERIENCE, layouts.EXPECTATION, *kinds]
    if any(p is not None for p in group.positions) or len(group.columns) > 1:
        kinds.insert(1, layouts.RANK_POSITIONS)
    if len(group.columns) == 1:
        kinds.insert(0, layouts.RANK_LIST)
    if group.kind not in kinds:
        kinds.insert(0, group.kind)
    return [(kind, str(layouts.KIND_LABELS[kind])) for kind in kinds]


def _mapping_from_post(request: HttpRequest, review: import_jobs.Review, pillars) -> dict:
    slugs = {p.slug for p in pillars}
    groups, columns, codes = {}, {}, {}
    for index, group in enumerate(review.layout.groups):
        kind = request.POST.get(f"group-{index}", "")
        if kind in layouts.KIND_LABELS and kind != group.kind:
            groups[group.key] = kind
        for position, header in enumerate(group.headers):
            chosen = request.POST.get(f"item-{index}-{position}", "")
            current = group.pillars[position] if group.pillars else None
            current_slug = next((p.slug for p in pillars if p.pk == current), "")
            if chosen and chosen != current_slug and (chosen in slugs or chosen == "ignore"):
                columns[header] = chosen
    for code in review.layout.codes_seen:
        chosen = request.POST.get(f"code-{code}", "")
        if chosen in slugs:
            codes[code] = chosen
    return {"groups": groups, "columns": columns, "codes": codes}


def _merge(old: dict, new: dict) -> dict:
    return {key: {**old.get(key, {}), **new.get(key, {})} for key in ("groups", "columns", "codes")}


@login_required
@require_http_methods(["GET", "POST"])
def survey_import_review(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    assessment, survey, job = _job_for(request, pk, token)
    if job.status != ImportStatus.UPLOADED:
        return redirect("assessments:survey_import_job", pk=assessment.pk, token=job.token)
    pillars = assessment.round_pillars()
    try:
        review = import_jobs.read_job(job, pillars)
    except imports.ImportFileError as exc:
        return render(
            request,
            "assessments/survey_import.html",
            {"assessment": assessment, "survey": survey, "form": ImportForm(), "file_error": exc},
            status=400,
        )
    status = 200
    if request.method == "POST":
        job.mapping = _merge(job.mapping, _mapping_from_post(request, review, pillars))
        job.skip_bad_rows = bool(request.POST.get("skip_bad_rows"))
        job.ids_are_keys = bool(request.POST.get("ids_are_keys"))
        job.save(update_fields=["mapping", "skip_bad_rows", "ids_are_keys"])
        review = import_jobs.read_job(job, pillars)
        if request.POST.get("action") == "import":
            if review.layout.problems or review.unknown:
                status = 400
            else:
                import_jobs.start_job(job)
                return redirect("assessments:survey_import_job", pk=assessment.pk, token=job.token)
    slug_of = {p.pk: p.slug for p in pillars}
    groups = []
    for index, group in enumerate(review.layout.groups):
        items = []
        per_item = group.kind in (layouts.RANK, layouts.EXPERIENCE, layouts.EXPECTATION)
        if per_item and group.pillars:
            for position, header in enumerate(group.headers):
                pk = group.pillars[position]
                items.append(
                    {
                        "name": f"item-{index}-{position}",
                        "label": group.items[position] or header,
                        "slug": slug_of.get(pk, "ignore" if pk is None else ""),
                        "certainty": group.certainty[position],
                    }
                )
        groups.append(
            {
                "index": index,
                "group": group,
                "columns": _letters(group.columns),
                "choices": _kind_choices(group),
                "items": items,
            }
        )
    return render(
        request,
        "assessments/survey_import_review.html",
        {
            "assessment": assessment,
            "survey": survey,
            "job": job,
            "review": review,
            "groups": groups,
            "pillars": pillars,
            "codes": [
                (
                    code,
                    next((slug_of[pk] for c, pk in review.layout.codes.items() if c == code), ""),
                )
                for code in review.layout.codes_seen
            ],
        },
        status=status,
    )


@login_required
@require_GET
@never_cache
def survey_import_job(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    assessment, survey, job = _job_for(request, pk, token)
    if job.status == ImportStatus.UPLOADED:
        return redirect("assessments:survey_import_review", pk=assessment.pk, token=job.token)
    report = job.report or {}
    status = 200
    if report.get("race"):
        status = 409  # another import of the same rows won
    elif job.finished and (
        report.get("file_errors") or (report.get("error_count") and not report.get("created"))
    ):
        status = 400
    return render(
        request,
        "assessments/survey_import_job.html",
        {"assessment": assessment, "survey": survey, "job": job, "report": report},
        status=status,
    )


@login_required
@require_GET
@never_cache
def survey_import_status(request: HttpRequest, pk: int, token: str) -> JsonResponse:
    _assessment, _survey, job = _job_for(request, pk, token)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.finished,
            "rows_total": job.rows_total,
            "rows_read": job.rows_read,
            "rows_written": job.rows_written,
            "percent": job.percent,
        }
    )


@login_required
@require_POST
def survey_import_cancel(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    assessment, _survey, job = _job_for(request, pk, token)
    import_jobs.cancel_job(job)
    return redirect("assessments:survey_import_job", pk=assessment.pk, token=job.token)
