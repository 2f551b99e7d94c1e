"""Forms of the CX diagnostic and the team's CX dashboard (validation only)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import METRIC_RANGES, Metric, Reply
from .services import DiagnosticReply, MonthValue


class DiagnosticForm(forms.Form):
    """One Yes / Partly / No answer and an optional note per question of the round."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"reply_{question.pk}"] = forms.ChoiceField(
                label=question.display_text,
                choices=Reply.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer Yes, Partly or No.")},
            )
            self.fields[f"note_{question.pk}"] = forms.CharField(
                label=_("Note on: %(question)s") % {"question": question.display_text},
                required=False,
                max_length=1000,
            )

    def rows(self) -> list[dict]:
        """Bound fields grouped by area, in the round's order."""
        areas: list[dict] = []
        for question in self.questions:
            if not areas or areas[-1]["area"].pk != question.area_id:
                areas.append({"area": question.area, "questions": []})
            areas[-1]["questions"].append(
                {
                    "question": question,
                    "reply": self[f"reply_{question.pk}"],
                    "note": self[f"note_{question.pk}"],
                }
            )
        return areas

    def replies(self) -> list[DiagnosticReply]:
        data = self.cleaned_data
        return [
            DiagnosticReply(q.pk, data[f"reply_{q.pk}"], data.get(f"note_{q.pk}") or "")
            for q in self.questions
        ]


class NextActionOwnerForm(forms.Form):
    owner = forms.TypedChoiceField(
        label=gettext_lazy("Owner"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", _("Nobody yet")), *((u.pk, u.get_username()) for u in members)]


def check_metric_value(metric: str, value: float) -> str | None:
    """The problem with a metric's value, or None when it lies in the metric's range."""
    low, high = METRIC_RANGES[metric]
    if value != value or value in (float("inf"), float("-inf")):
        return _("the value must be a number")
    if value < low or (high is not None and value > high):
        if high is None:
            return _("%(metric)s cannot be below %(low)s") % {
                "metric": Metric(metric).label,
                "low": low,
            }
        return _("%(metric)s goes from %(low)s to %(high)s") % {
            "metric": Metric(metric).label,
            "low": low,
            "high": high,
        }
    return None


class MetricTargetForm(forms.Form):
    metric = forms.ChoiceField(label=gettext_lazy("Metric"), choices=Metric.choices)
    target = forms.FloatField(
        label=gettext_lazy("Target"),
        required=False,
        help_text=gettext_lazy("Leave empty to remove the target."),
    )

    def clean(self):
        cleaned = super().clean() or {}
        metric, target = cleaned.get("metric"), cleaned.get("target")
        if metric and target is not None and (problem := check_metric_value(metric, target)):
            self.add_error("target", problem[:1].upper() + problem[1:] + ".")
        return cleaned


class MonthlyMetricForm(forms.Form):
    metric = forms.ChoiceField(label=gettext_lazy("Metric"), choices=Metric.choices)
    month = forms.DateField(
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(format="%Y-%m", attrs={"type": "month", "placeholder": "2026-11"}),
        help_text=gettext_lazy("Year and month, e.g. 2026-11."),
        error_messages={"invalid": gettext_lazy("Enter a month as YYYY-MM, e.g. 2026-11.")},
    )
    value = forms.FloatField(label=gettext_lazy("Value"))

    def clean(self):
        cleaned = super().clean() or {}
        metric, value = cleaned.get("metric"), cleaned.get("value")
        if metric and value is not None and (problem := check_metric_value(metric, value)):
            self.add_error("value", problem[:1].upper() + problem[1:] + ".")
        return cleaned

    def month_value(self) -> MonthValue:
        month: dt.date = self.cleaned_data["month"]
        return MonthValue(
            self.cleaned_data["metric"], month.replace(day=1), self.cleaned_data["value"]
        )


class MetricImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("Columns: month (YYYY-MM), metric, value."),
    )
