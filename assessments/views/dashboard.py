"""The team's CX dashboard: NPS, CSAT, CES and first-response time against the lead's targets,
from the survey, by hand or by import; its exports and metrics.json."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import charts, exports, services
from ..dashboard import Dashboard, load_dashboard, metrics_document, metrics_table
from ..forms_diagnostic import MetricImportForm, MetricTargetForm, MonthlyMetricForm
from ..metric_imports import MetricFile, parse_metric_csv
from ..models import Metric, MetricSource
from .access import team_for

MAX_IMPORT_BYTES = 1_000_000
_UNITS = {Metric.FIRST_RESPONSE_HOURS: " h"}


def _charts(dashboard: Dashboard) -> dict:
    result = {}
    for series in dashboard.series:
        if not series.points:
            continue
        result[series.metric.value] = charts.metric_trend(
            [
                charts.TrendPoint(
                    point.date.toordinal(),
                    point.value,
                    point.margin,
                    point.label,
                    point.source == MetricSource.SURVEY,
                )
                for point in series.points
            ],
            scale=series.scale,
            target=series.target,
            title=_("%(metric)s over time") % {"metric": series.metric.label},
            unit=_UNITS.get(series.metric, ""),
            ident=f"chart-{series.metric.value}",
        )
    return result


def _render(
    request: HttpRequest,
    team,
    *,
    target_form: MetricTargetForm | None = None,
    month_form: MonthlyMetricForm | None = None,
    import_form: MetricImportForm | None = None,
    parsed: MetricFile | None = None,
    status: int = 200,
) -> HttpResponse:
    dashboard = load_dashboard(team)
    target_forms = {
        series.metric.value: MetricTargetForm(
            initial={"metric": series.metric.value, "target": series.target},
            auto_id=f"id_{series.metric.value}_%s",
        )
        for series in dashboard.series
    }
    if target_form is not None and target_form.data.get("metric") in target_forms:
        target_forms[target_form.data["metric"]] = target_form
    return render(
        request,
        "assessments/team_dashboard.html",
        {
            "team": team,
            "dashboard": dashboard,
            "cards": [(series, target_forms[series.metric.value]) for series in dashboard.series],
            "charts": _charts(dashboard),
            "month_form": month_form or MonthlyMetricForm(),
            "import_form": import_form or MetricImportForm(),
            "parsed": parsed,
        },
        status=status,
    )


def _back(team) -> HttpResponse:
    return redirect(reverse("assessments:team_dashboard", args=[team.pk]))


@login_required
@require_GET
def team_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, team_for(request, pk))


@login_required
@require_POST
def set_target(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for(request, pk, lead=True)
    metric = request.POST.get("metric", "")
    form = MetricTargetForm(request.POST, auto_id=f"id_{slugify(metric)}_%s")
    if not form.is_valid():
        return _render(request, team, target_form=form, status=400)
    metric = Metric(form.cleaned_data["metric"])
    target = form.cleaned_data["target"]
    try:
        services.set_metric_target(team=team, metric=metric, target=target)
    except services.RuleBroken as exc:
        form.add_error("target", str(exc))
        return _render(request, team, target_form=form, status=400)
    if target is None:
        messages.success(
            request, _("The target for %(metric)s was removed.") % {"metric": metric.label}
        )
    else:
        messages.success(
            request,
            _("The target for %(metric)s is now %(target)s.")
            % {"metric": metric.label, "target": f"{target:g}"},
        )
    return _back(team)


@login_required
@require_POST
def add_month(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for(request, pk, lead=True)
    form = MonthlyMetricForm(request.POST)
    if not form.is_valid():
        return _render(request, team, month_form=form, status=400)
    item = form.month_value()
    try:
        services.save_monthly_metrics(team=team, values=[item], source=MetricSource.MANUAL)
    except services.RuleBroken as exc:
        form.add_error("value", str(exc))
        return _render(request, team, month_form=form, status=400)
    messages.success(
        request,
        _("%(metric)s for %(month)s is saved.")
        % {"metric": Metric(item.metric).label, "month": f"{item.month:%Y-%m}"},
    )
    return _back(team)


@login_required
@require_POST
def import_months(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for(request, pk, lead=True)
    form = MetricImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, team, import_form=form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_IMPORT_BYTES:
        form.add_error("file", _("The file is larger than 1 MB."))
        return _render(request, team, import_form=form, status=400)
    parsed = parse_metric_csv(upload.read())
    if parsed.file_error:
        form.add_error("file", parsed.file_error)
        return _render(request, team, import_form=form, status=400)
    if parsed.errors:
        return _render(request, team, import_form=form, parsed=parsed, status=400)
    try:
        count = services.save_monthly_metrics(
            team=team, values=parsed.values, source=MetricSource.IMPORT
        )
    except services.RuleBroken as exc:
        form.add_error("file", str(exc))
        return _render(request, team, import_form=form, status=400)
    messages.success(request, _("Imported %(n)d monthly values.") % {"n": count})
    return _back(team)


@login_required
@require_GET
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    team = team_for(request, pk)
    table = metrics_table(load_dashboard(team))
    filename = f"{slugify(team.name) or 'team'}-metrics"
    if fmt == "csv":
        return exports.csv_response(filename, table)
    return exports.xlsx_response(filename, "metrics", table)


@login_required
@require_GET
def metrics_json(request: HttpRequest, pk: int) -> JsonResponse:
    team = team_for(request, pk)
    return JsonResponse(metrics_document(load_dashboard(team)), json_dumps_params={"indent": 2})
