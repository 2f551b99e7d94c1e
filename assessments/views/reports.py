"""The gap report (team versus customers), its exports, and the JSON document."""

from django.contrib.auth.decorators import login_required
from django.db.models import Max, Min
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import charts, export_jobs, exports, page_cache
from ..diagnostic import diagnostic_document, load_diagnostic
from ..exports import EXPORT_NAMES
from ..gap_report import QUADRANT_LABELS, gap_report, team_trends
from ..models import Assessment, CustomerResponse
from ..readings import AGREEMENT_LABELS, MIN_FOR_CONCLUSION, MIN_FOR_INTERVAL
from ..report_json import report_document
from .access import assessment_for, round_row_for


def _charts(report) -> dict:
    if not report.rows:
        return {}
    number = {p.slug: index for index, p in enumerate(report.data.pillars, start=1)}
    result = {}
    if report.team.count:
        result["slope"] = charts.slope_chart(
            [
                charts.SlopeItem(
                    row.pillar.name,
                    row.gap.team_rank,
                    row.gap.customer_rank,
                    highlight=row.differs,
                )
                for row in report.rows
                if row.gap.team_rank is not None
            ]
        )
    if report.ipa.points:
        n = len(report.data.pillars)
        result["ipa"] = charts.ipa_chart(
            [
                charts.IpaItem(
                    number[p.slug],
                    report.pillar_by_slug[p.slug].name,
                    p.importance,
                    p.performance,
                    p.quadrant,
                )
                for p in report.ipa.points
            ],
            importance_cut=report.ipa.importance_cut,
            performance_cut=report.ipa.performance_cut,
            importance_range=(1, n),
            quadrant_names={k: str(v) for k, v in QUADRANT_LABELS.items()},
            performance_name=(
                _("Performance: customers' experience rating (1–5)")
                if report.performance_source == "customers"
                else _("Performance: team's mean self-score (1–5)")
            ),
        )
    if report.has_experience:
        result["perception"] = charts.paired_bars(
            [
                charts.BarPair(row.pillar.name, row.team_mean_score, row.customer.experience_mean)
                for row in report.rows
            ],
            first_name=_("Team's self-score"),
            second_name=_("Customers' experience"),
            title=_("Perception gap: team self-score versus customers' experience"),
            ident="perception",
        )
    if report.has_expectation:
        result["expectation"] = charts.diverging_bars(
            [(row.pillar.name, row.expectation_gap) for row in report.rows],
            title=_("Expectation gap: experience minus expectation"),
            ident="expectation",
        )
    return result


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = round_row_for(request, pk)
    return page_cache.page(
        request,
        "report",
        (page_cache.stamp(assessment), assessment.viewer_role),
        lambda: _report_page(request, assessment),
    )


def _report_page(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    result = gap_report(assessment, performance=request.GET.get("performance"))
    survey_period = CustomerResponse.objects.filter(survey__assessment=assessment).aggregate(
        first=Min("submitted_at"), last=Max("submitted_at")
    )
    return render(
        request,
        "assessments/report.html",
        {
            "printed_on": timezone.localdate(),
            "survey_period": survey_period,
            "assessment": assessment,
            "report": result,
            "charts": _charts(result),
            "reading": AGREEMENT_LABELS[result.reading_key],
            "number": {p.slug: i for i, p in enumerate(result.data.pillars, start=1)},
            "n": len(result.data.pillars),
            "customer_reading": str(
                AGREEMENT_LABELS[result.customer_agreement.reading]
            ).capitalize(),
            "min_for_conclusion": MIN_FOR_CONCLUSION,
            "min_for_interval": MIN_FOR_INTERVAL,
            "export_tables": exports.export_tables_for(is_lead=assessment.viewer_is_lead),
        },
    )


@login_required
@require_GET
def report_json(request: HttpRequest, pk: int) -> JsonResponse:
    assessment = assessment_for(request, pk, framework=None)
    if assessment.is_diagnostic:
        document = diagnostic_document(load_diagnostic(assessment))
    else:
        document = report_document(assessment, performance=request.GET.get("performance"))
    return JsonResponse(document, json_dumps_params={"indent": 2})


@login_required
@require_GET
def export(request: HttpRequest, pk: int, name: str, fmt: str) -> HttpResponse:
    if name not in EXPORT_NAMES or fmt not in ("csv", "xlsx"):
        raise Http404
    assessment = assessment_for(request, pk, lead=name in exports.LEAD_ONLY_EXPORTS)
    filename = f"{slugify(assessment.title) or 'round'}-{name}"
    if export_jobs.in_background(assessment, name, fmt):
        job = export_jobs.start(
            assessment=assessment, user=request.user, name=name, fmt=fmt, filename=filename
        )
        return redirect("assessments:export_job", pk=assessment.pk, job_id=job.pk)
    if name == "responses":
        table = exports.responses_table(assessment)  # data to re-import: keys stay as they are
    elif name == "trends":
        rounds = list(Assessment.objects.filter(team_id=assessment.team_id))
        reports = team_trends([r for r in rounds if not r.is_diagnostic])
        pillars = [p for report in reports for p in report.data.pillars]
        table = exports.readable_table(exports.trends_table(reports), pillars)
    else:
        report = gap_report(assessment, performance=request.GET.get("performance"))
        table = exports.readable_table(exports.report_table(report, name), report.data.pillars)
    if fmt == "csv":
        return exports.csv_response(filename, table)
    return exports.xlsx_response(filename, name, table)
