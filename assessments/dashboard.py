"""The team's CX dashboard: load (four queries, whatever the number of rounds and months) →
compute (pure ``analysis``) → one ``Dashboard`` object that the page, the charts, the CSV/XLSX
export and metrics.json all read."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from . import analysis
from .models import (
    LOWER_IS_BETTER,
    METRIC_RANGES,
    Metric,
    MetricSource,
    MetricTarget,
    MonthlyMetric,
    SurveyTally,
    TallyMetric,
    Team,
)
from .readings import MIN_FOR_INTERVAL

# The survey feeds these metrics; first-response time comes only from monthly figures.
SURVEY_METRICS = (Metric.NPS, Metric.CSAT, Metric.CES)


@dataclass(frozen=True)
class MetricPoint:
    period: str  # "2026-11" (the month, or the month a survey round was opened)
    date: dt.date  # for ordering and the chart's time axis
    value: float
    margin: float | None  # 95% margin of error, in the metric's unit
    source: str  # MetricSource value
    label: str  # what the page shows: the month or the round's title
    responses: int | None = None  # answers behind a survey value
    round_id: int | None = None

    @property
    def source_label(self):
        return MetricSource(self.source).label


@dataclass
class MetricSeries:
    metric: Metric
    target: float | None
    points: list[MetricPoint] = field(default_factory=list)  # oldest first

    @property
    def lower_is_better(self) -> bool:
        return self.metric in LOWER_IS_BETTER

    @property
    def latest(self) -> MetricPoint | None:
        return self.points[-1] if self.points else None

    @property
    def on_target(self) -> bool | None:
        """Whether the latest value reaches the target (None without a value or a target)."""
        latest = self.latest
        return analysis.meets_target(
            latest.value if latest else None, self.target, lower_is_better=self.lower_is_better
        )

    @property
    def scale(self) -> tuple[float, float]:
        """The chart's value axis: the metric's range, or 0 to the largest value for hours."""
        low, high = METRIC_RANGES[self.metric]
        if high is None:
            values = [p.value + (p.margin or 0) for p in self.points]
            if self.target is not None:
                values.append(self.target)
            high = _nice_ceiling(max(values, default=1) * 1.1)
        return float(low), float(high)


@dataclass
class Dashboard:
    team: Team
    series: list[MetricSeries]

    @property
    def has_data(self) -> bool:
        return any(s.points for s in self.series)

    def get(self, metric: str) -> MetricSeries:
        return next(s for s in self.series if s.metric == metric)


def _nice_ceiling(value: float) -> float:
    """The next 1, 2, 2.5 or 5 × 10ᵏ at or above value, for a readable axis."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _survey_point(
    round_id: int, title: str, day: dt.date, value: float, margin: float | None, n: int
) -> MetricPoint:
    """A survey value; its margin only from MIN_FOR_INTERVAL answers on, as in the gap report."""
    return MetricPoint(
        period=f"{day:%Y-%m}",
        date=day,
        value=value,
        margin=margin if n >= MIN_FOR_INTERVAL else None,
        source=MetricSource.SURVEY,
        label=title,
        responses=n,
        round_id=round_id,
    )


def _survey_points(team: Team) -> dict[str, list[MetricPoint]]:
    """NPS, CSAT and CES of every survey of the team: one aggregate query over the tallies."""
    rows = (
        SurveyTally.objects.filter(
            survey__assessment__team=team,
            metric__in=[TallyMetric.NPS, TallyMetric.EXPERIENCE, TallyMetric.CES],
            count__gt=0,
        )
        .values(
            "survey_id",
            "survey__assessment_id",
            "survey__assessment__title",
            "survey__assessment__created_at",
            "metric",
            "pillar_id",
            "value",
        )
        .annotate(total=Sum("count"))
        .order_by()
    )
    tallies: dict[int, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    # survey -> pillar -> experience ratings: who rated the most-rated pillar bounds respondents
    rated: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    rounds: dict[int, tuple[int, str, dt.datetime]] = {}
    for row in rows:
        survey_id = row["survey_id"]
        rounds[survey_id] = (
            row["survey__assessment_id"],
            row["survey__assessment__title"],
            row["survey__assessment__created_at"],
        )
        tally = tallies[survey_id][row["metric"]]
        tally[row["value"]] = tally.get(row["value"], 0) + row["total"]
        if row["metric"] == TallyMetric.EXPERIENCE:
            rated[survey_id][row["pillar_id"]] += row["total"]
    points: dict[str, list[MetricPoint]] = defaultdict(list)
    for survey_id, by_metric in tallies.items():
        round_id, title, created_at = rounds[survey_id]
        day = created_at.date()
        nps_tally = by_metric.get(TallyMetric.NPS, {})
        if (value := analysis.nps(nps_tally)) is not None:
            n = sum(nps_tally.values())
            points[Metric.NPS].append(
                _survey_point(round_id, title, day, value, analysis.nps_margin(nps_tally), n)
            )
        # CSAT pools every pillar's ratings, several per customer: its margin counts each
        # customer once (at least the number who rated the most-rated pillar), which can only
        # widen it. CES is one answer per customer.
        csat_tally = by_metric.get(TallyMetric.EXPERIENCE, {})
        if (value := analysis.csat(csat_tally)) is not None:
            n = max(rated[survey_id].values(), default=0)
            margin = analysis.csat_margin(value, n)
            points[Metric.CSAT].append(_survey_point(round_id, title, day, value, margin, n))
        ces_tally = by_metric.get(TallyMetric.CES, {})
        if (value := analysis.ces(ces_tally)) is not None:
            n = sum(ces_tally.values())
            margin = analysis.share_margin(value, n)
            points[Metric.CES].append(_survey_point(round_id, title, day, value, margin, n))
    return points


def load_dashboard(team: Team) -> Dashboard:
    """Every metric of the team with its points, oldest first, and its target."""
    points = _survey_points(team)
    for month in MonthlyMetric.objects.filter(team=team).only("metric", "month", "value", "source"):
        points[month.metric].append(
            MetricPoint(
                period=f"{month.month:%Y-%m}",
                date=month.month,
                value=month.value,
                margin=None,
                source=month.source,
                label=f"{month.month:%Y-%m}",
            )
        )
    targets = dict(MetricTarget.objects.filter(team=team).values_list("metric", "target"))
    series = [
        MetricSeries(
            metric=metric,
            target=targets.get(metric),
            points=sorted(
                points.get(metric, []),
                key=lambda p: (p.date, p.source != MetricSource.SURVEY, p.label),
            ),
        )
        for metric in Metric
    ]
    return Dashboard(team=team, series=series)


def metrics_document(dashboard: Dashboard) -> dict:
    """GET /teams/<id>/metrics.json (docs/REPORT_JSON.md, "Team metrics")."""
    return {
        "team": {"id": dashboard.team.pk, "name": dashboard.team.name},
        "metrics": {
            series.metric.value: {
                "target": series.target,
                "lower_is_better": series.lower_is_better,
                "on_target": series.on_target,
                "points": [
                    {
                        "period": point.period,
                        "value": point.value,
                        "margin": point.margin,
                        "source": point.source,
                        "label": point.label,
                        "responses": point.responses,
                    }
                    for point in series.points
                ],
            }
            for series in dashboard.series
        },
    }


def metrics_table(dashboard: Dashboard):
    """The dashboard as one table (metric, period, value, margin, source, target) for CSV/XLSX."""
    headers = ["metric", "period", "label", "value", "margin", "source", "responses", "target"]
    rows = [
        [
            series.metric.value,
            point.period,
            point.label,
            point.value,
            point.margin,
            point.source,
            point.responses,
            series.target,
        ]
        for series in dashboard.series
        for point in series.points
    ]
    return headers, rows
