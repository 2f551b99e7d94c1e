from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from . import versions
from .languages import missing_texts
from .models import (
    Assessment,
    AssessmentPillar,
    CustomerAnswer,
    CustomerResponse,
    CustomerSurvey,
    Membership,
    Pillar,
    PillarScore,
    Scorecard,
    Team,
)


class PillarChangelistForm(forms.ModelForm):
    # Pillars that change position in this save, shared by all forms of the list (set by the
    # formset's clean); the first save parks them all so that swaps never collide.
    pillar_moves: dict[int, int] | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The list's editable cells have no <label>: name each one after its pillar so a screen
        # reader says "Position of Friction…" rather than "spin button".
        name = {"pillar": self.instance.name}
        if "position" in self.fields:
            self.fields["position"].widget.attrs["aria-label"] = _("Position of %(pillar)s") % name
        if "is_active" in self.fields:
            self.fields["is_active"].widget.attrs["aria-label"] = _("Active: %(pillar)s") % name

    def validate_unique(self):
        """Skip the per-row check: the list edits only position and active, and positions are
        checked across the whole list by the formset, so that two pillars can swap places."""


class PillarChangelistFormSet(forms.BaseModelFormSet):
    def clean(self):
        # Our whole-list check first, so its message (not Django's generic duplicate one) is shown.
        if any(self.errors):
            return
        edited = {form.instance.pk: form.cleaned_data["position"] for form in self.forms}
        final = dict(Pillar.objects.exclude(pk__in=edited).values_list("pk", "position"))
        final.update(edited)
        seen: dict[int, int] = {}
        for pk, position in final.items():
            if position in seen:
                raise ValidationError(
                    _("Two pillars would share position %(position)d.") % {"position": position}
                )
            seen[position] = pk
        super().clean()
        moved = {
            form.instance.pk: form.cleaned_data["position"]
            for form in self.forms
            if "position" in form.changed_data
        }
        for form in self.forms:
            form.pillar_moves = moved


class MissingTranslationFilter(admin.SimpleListFilter):
    title = _("translations")
    parameter_name = "translations"

    def lookups(self, request, model_admin):
        return [("missing", _("Some texts missing (shown in English)"))]

    def queryset(self, request, queryset):
        if self.value() != "missing":
            return queryset
        return queryset.filter(pk__in=[p.pk for p in queryset if missing_texts(p)])


@admin.register(Pillar)
class PillarAdmin(TranslationAdmin):
    """Every text once per language; a missing translation is flagged in the list and the form
    (pages then show the English text; the customer survey is not offered in that language)."""

    list_display = ["position", "name", "customer_label", "slug", "is_active", "translations"]
    list_display_links = ["name"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", MissingTranslationFilter]
    search_fields = ["name", "slug", "customer_label", "question", "customer_question"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position"]
    actions = ["retire", "reactivate"]
    fieldsets = [
        (None, {"fields": ["position", "name", "slug", "is_active"]}),
        (_("For the team"), {"fields": ["question", "description"]}),
        (_("For customers"), {"fields": ["customer_label", "customer_question"]}),
        (_("Translations"), {"fields": ["translation_status"]}),
    ]
    readonly_fields = ["translation_status"]

    @admin.display(description=_("translations"))
    def translations(self, obj) -> str:
        missing = missing_texts(obj)
        if not missing:
            return str(_("complete"))
        return _("missing, shown in English: %(languages)s") % {
            "languages": ", ".join(sorted(missing))
        }

    @admin.display(description=_("translation status"))
    def translation_status(self, obj):
        missing = missing_texts(obj) if obj.pk else {}
        if not missing:
            return _("Every text exists in every language.")
        names = dict(settings.LANGUAGES)
        return format_html_join(
            "",
            '<p class="errornote">{}</p>',
            (
                (
                    _("%(language)s: %(fields)s missing; the English text is shown instead.")
                    % {
                        "language": names[code],
                        "fields": ", ".join(
                            str(getattr(Pillar._meta.get_field(f), "verbose_name", f))
                            for f in fields
                        ),
                    },
                )
                for code, fields in missing.items()
            ),
        )

    def get_changelist_form(self, request, **kwargs):
        return PillarChangelistForm

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=PillarChangelistFormSet, **kwargs)

    def save_model(self, request, obj, form, change):
        moves = getattr(form, "pillar_moves", None)
        if moves:
            # Park every moving pillar above the highest position first, so that a swap of
            # positions never meets the unique constraint half-way (this runs in the
            # changelist's transaction). The dict is shared by the list's forms: emptied once.
            parking = (Pillar.objects.aggregate(m=Max("position"))["m"] or 0) + 1
            for offset, pk in enumerate(moves):
                Pillar.objects.filter(pk=pk).update(position=parking + offset)
            moves.clear()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Retire selected pillars (left out of new rounds)"))
    def retire(self, request, queryset):
        with transaction.atomic():
            count = queryset.update(is_active=False)
            versions.everything_changed()  # an update() sends no signal
        self.message_user(request, _("Retired %(n)d pillars.") % {"n": count})

    @admin.action(description=_("Reactivate selected pillars"))
    def reactivate(self, request, queryset):
        with transaction.atomic():
            count = queryset.update(is_active=True)
            versions.everything_changed()  # an update() sends no signal
        self.message_user(request, _("Reactivated %(n)d pillars.") % {"n": count})


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count", "created_at"]
    search_fields = ["name", "memberships__user__username", "memberships__user__email"]
    readonly_fields = ["join_token", "created_at"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    @admin.display(description=_("members"), ordering="_member_count")
    def member_count(self, obj) -> int:
        return obj._member_count


class AssessmentPillarInline(admin.TabularInline):
    model = AssessmentPillar
    extra = 0
    can_delete = False
    readonly_fields = ["pillar", "position"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "framework", "is_open", "scorecard_count", "created_at"]
    list_filter = ["framework", "is_open", "created_at"]
    list_select_related = ["team"]
    search_fields = ["title", "team__name"]
    readonly_fields = ["created_at", "closed_at"]
    autocomplete_fields = ["team", "created_by"]
    inlines = [AssessmentPillarInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_scorecards=Count("scorecards"))

    @admin.display(description=_("scorecards"), ordering="_scorecards")
    def scorecard_count(self, obj) -> int:
        return obj._scorecards


class PillarScoreInline(admin.TabularInline):
    model = PillarScore
    extra = 0
    fields = ["pillar", "score", "rank", "note"]
    autocomplete_fields = ["pillar"]


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ["user", "assessment", "team", "total", "updated_at"]
    list_filter = ["assessment", "excluded_from_statistics"]
    list_select_related = ["user", "assessment__team"]
    search_fields = ["user__username", "user__email", "assessment__team__name", "assessment__title"]
    autocomplete_fields = ["user", "assessment"]
    inlines = [PillarScoreInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_total=Sum("scores__score"))

    @admin.display(description=_("team"), ordering="assessment__team__name")
    def team(self, obj) -> str:
        return obj.assessment.team.name

    @admin.display(description=_("total"), ordering="_total")
    def total(self, obj) -> int | None:
        return obj._total


@admin.register(CustomerSurvey)
class CustomerSurveyAdmin(admin.ModelAdmin):
    list_display = ["assessment", "team", "is_open", "response_count", "target_size", "created_at"]
    list_filter = ["is_open", "allow_repeat_answers"]
    list_select_related = ["assessment__team"]
    search_fields = ["assessment__title", "assessment__team__name"]
    readonly_fields = ["token", "created_at"]
    autocomplete_fields = ["assessment"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_responses=Count("responses"))

    @admin.display(description=_("team"), ordering="assessment__team__name")
    def team(self, obj) -> str:
        return obj.assessment.team.name

    @admin.display(description=_("responses"), ordering="_responses")
    def response_count(self, obj) -> int:
        return obj._responses


class CustomerAnswerInline(admin.TabularInline):
    model = CustomerAnswer
    extra = 0
    fields = ["pillar", "rank", "experience", "expectation"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CustomerResponse)
class CustomerResponseAdmin(admin.ModelAdmin):
    """Read mostly: answers are evidence; changing them would bypass the survey's tallies."""

    list_display = ["pk", "survey", "submitted_at", "source", "generation", "nps", "external_id"]
    list_filter = ["source", "generation", "survey"]
    list_select_related = ["survey__assessment__team"]
    search_fields = ["external_id", "survey__assessment__title"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "survey",
        "submitted_at",
        "source",
        "generation",
        "nps",
        "ces",
        "external_id",
    ]
    exclude = ["form_nonce"]
    inlines = [CustomerAnswerInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting would leave the survey's running tallies wrong.
        return False


# The CX diagnostic and the team dashboard (split by feature, STYLE.md).
from .admin_diagnostic import *  # noqa: E402, F403
