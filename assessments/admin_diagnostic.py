"""Admin of the CX diagnostic (areas and questions edited here) and of the team dashboard."""

from django.contrib import admin
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from . import versions
from .models import (
    DiagnosticAnswer,
    DiagnosticArea,
    DiagnosticQuestion,
    DiagnosticResponse,
    MetricTarget,
    MonthlyMetric,
    NextAction,
)

__all__: list[str] = []


class DiagnosticQuestionInline(admin.TabularInline):
    model = DiagnosticQuestion
    extra = 0
    fields = ["position", "text", "slug", "is_active"]
    show_change_link = True


@admin.register(DiagnosticArea)
class DiagnosticAreaAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "slug", "question_count"]
    list_display_links = ["name"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DiagnosticQuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_questions=Count("questions"))

    @admin.display(description=_("questions"), ordering="_questions")
    def question_count(self, obj) -> int:
        return obj._questions


@admin.register(DiagnosticQuestion)
class DiagnosticQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "area", "position", "slug", "is_active"]
    list_filter = ["area", "is_active"]
    list_editable = ["is_active"]
    list_select_related = ["area"]
    search_fields = ["text", "slug"]
    ordering = ["area__position", "position"]
    actions = ["retire", "reactivate"]

    @admin.action(description=_("Retire selected questions (left out of new rounds)"))
    def retire(self, request, queryset):
        with transaction.atomic():
            count = queryset.update(is_active=False)
            versions.everything_changed()  # an update() sends no signal
        self.message_user(request, _("Retired %(n)d questions.") % {"n": count})

    @admin.action(description=_("Reactivate selected questions"))
    def reactivate(self, request, queryset):
        with transaction.atomic():
            count = queryset.update(is_active=True)
            versions.everything_changed()  # an update() sends no signal
        self.message_user(request, _("Reactivated %(n)d questions.") % {"n": count})


class DiagnosticAnswerInline(admin.TabularInline):
    model = DiagnosticAnswer
    extra = 0
    fields = ["question", "reply", "note"]
    autocomplete_fields = ["question"]


@admin.register(DiagnosticResponse)
class DiagnosticResponseAdmin(admin.ModelAdmin):
    list_display = ["user", "assessment", "updated_at"]
    list_select_related = ["user", "assessment__team"]
    search_fields = ["user__username", "assessment__title", "assessment__team__name"]
    autocomplete_fields = ["user", "assessment"]
    inlines = [DiagnosticAnswerInline]


@admin.register(NextAction)
class NextActionAdmin(admin.ModelAdmin):
    list_display = ["question", "assessment", "owner", "updated_at"]
    list_select_related = ["question", "assessment__team", "owner"]
    search_fields = ["question__text", "assessment__title", "owner__username"]
    autocomplete_fields = ["assessment", "question", "owner"]


@admin.register(MetricTarget)
class MetricTargetAdmin(admin.ModelAdmin):
    list_display = ["team", "metric", "target", "updated_at"]
    list_filter = ["metric"]
    list_select_related = ["team"]
    search_fields = ["team__name"]
    autocomplete_fields = ["team"]


@admin.register(MonthlyMetric)
class MonthlyMetricAdmin(admin.ModelAdmin):
    list_display = ["team", "metric", "month", "value", "source"]
    list_filter = ["metric", "source"]
    list_select_related = ["team"]
    search_fields = ["team__name"]
    date_hierarchy = "month"
    autocomplete_fields = ["team"]
