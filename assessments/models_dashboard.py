"""The team's CX dashboard: monthly metric values (entered or imported) and the lead's targets.

Survey rounds feed NPS, CSAT and CES too; those values are computed from the survey's tallies
and never stored here.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "LOWER_IS_BETTER",
    "METRIC_RANGES",
    "Metric",
    "MetricSource",
    "MetricTarget",
    "MonthlyMetric",
]


class Metric(models.TextChoices):
    NPS = "nps", _("NPS")
    CSAT = "csat", _("CSAT")
    CES = "ces", _("CES")
    FIRST_RESPONSE_HOURS = "first_response_hours", _("Average first-response time (hours)")


# The values a metric can take: NPS −100..100, CSAT and CES are percentages, hours are ≥ 0.
METRIC_RANGES: dict[str, tuple[float, float | None]] = {
    Metric.NPS: (-100, 100),
    Metric.CSAT: (0, 100),
    Metric.CES: (0, 100),
    Metric.FIRST_RESPONSE_HOURS: (0, None),
}
# Metrics where a smaller value is the better one.
LOWER_IS_BETTER = frozenset({Metric.FIRST_RESPONSE_HOURS})


class MetricSource(models.TextChoices):
    SURVEY = "survey", _("Customer survey")
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")


def _in_range(field: str) -> Q:
    """The CHECK condition: the value lies in its metric's range."""
    condition = Q()
    for metric, (low, high) in METRIC_RANGES.items():
        bounds = Q(**{f"{field}__gte": low})
        if high is not None:
            bounds &= Q(**{f"{field}__lte": high})
        condition |= Q(metric=metric) & bounds
    return condition


class MetricTarget(models.Model):
    """The target a lead set for one metric of the team."""

    team = models.ForeignKey(
        "assessments.Team", on_delete=models.CASCADE, related_name="metric_targets"
    )
    metric = models.CharField(_("metric"), max_length=24, choices=Metric.choices)
    target = models.FloatField(_("target"))
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["team", "metric"]
        verbose_name = _("metric target")
        verbose_name_plural = _("metric targets")
        constraints = [
            models.UniqueConstraint(fields=["team", "metric"], name="metric_target_once"),
            models.CheckConstraint(condition=_in_range("target"), name="metric_target_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.get_metric_display()} → {self.target}"


class MonthlyMetric(models.Model):
    """One metric's value for one calendar month (``month`` is its first day)."""

    team = models.ForeignKey(
        "assessments.Team", on_delete=models.CASCADE, related_name="monthly_metrics"
    )
    metric = models.CharField(_("metric"), max_length=24, choices=Metric.choices)
    month = models.DateField(_("month"))
    value = models.FloatField(_("value"))
    source = models.CharField(
        _("source"), max_length=10, choices=MetricSource.choices, default=MetricSource.MANUAL
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["team", "metric", "month"]
        verbose_name = _("monthly metric")
        verbose_name_plural = _("monthly metrics")
        constraints = [
            models.UniqueConstraint(fields=["team", "metric", "month"], name="monthly_metric_once"),
            models.CheckConstraint(condition=_in_range("value"), name="monthly_metric_in_range"),
            models.CheckConstraint(
                condition=Q(source__in=[MetricSource.MANUAL, MetricSource.IMPORT]),
                name="monthly_metric_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.get_metric_display()} {self.month:%Y-%m} = {self.value}"
