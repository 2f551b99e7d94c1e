"""The 20-question CX diagnostic: areas and questions (seeded, edited in the admin), the set of
questions a round froze, each colleague's Yes / Partly / No answers and the round's next actions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "DiagnosticAnswer",
    "DiagnosticArea",
    "DiagnosticQuestion",
    "DiagnosticResponse",
    "NextAction",
    "Reply",
    "RoundQuestion",
]


class Reply(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class DiagnosticArea(models.Model):
    """One of the diagnostic's four areas (people; processes and technology; …)."""

    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("diagnostic area")
        verbose_name_plural = _("diagnostic areas")
        constraints = [
            models.CheckConstraint(condition=Q(position__gte=1), name="area_position_positive"),
            models.CheckConstraint(condition=~Q(slug=""), name="area_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    # The seeded wording is in the translation catalogues (migration 0007 marks it); text an admin
    # has edited has no translation and is shown as written.
    @property
    def display_name(self) -> str:
        return gettext(self.name)

    @property
    def display_description(self) -> str:
        return gettext(self.description) if self.description else ""


class DiagnosticQuestion(models.Model):
    """A Yes / Partly / No question of one area; retire it instead of deleting it."""

    area = models.ForeignKey(
        DiagnosticArea, on_delete=models.PROTECT, related_name="questions", verbose_name=_("area")
    )
    position = models.PositiveSmallIntegerField(_("position in the area"))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    text = models.CharField(_("question"), max_length=300)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Retired questions are left out of new rounds; existing rounds keep them."),
    )

    class Meta:
        ordering = ["area__position", "position"]
        verbose_name = _("diagnostic question")
        verbose_name_plural = _("diagnostic questions")
        constraints = [
            models.UniqueConstraint(fields=["area", "position"], name="question_position_once"),
            models.CheckConstraint(condition=Q(position__gte=1), name="question_position_positive"),
            models.CheckConstraint(condition=~Q(slug=""), name="question_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        return gettext(self.text)


class RoundQuestion(models.Model):
    """The questions in force when a diagnostic round was opened, in their order."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="question_links"
    )
    question = models.ForeignKey(DiagnosticQuestion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="round_question_once"),
            models.UniqueConstraint(
                fields=["assessment", "position"], name="round_question_position_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.question}"


class DiagnosticResponse(models.Model):
    """One colleague's answers to one diagnostic round."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="diagnostic_responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="diagnostic_responses"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["assessment", "user__username"]
        verbose_name = _("diagnostic response")
        verbose_name_plural = _("diagnostic responses")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user"], name="diagnostic_response_once_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.assessment}"


class DiagnosticAnswer(models.Model):
    response = models.ForeignKey(
        DiagnosticResponse, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        DiagnosticQuestion, on_delete=models.PROTECT, related_name="answers"
    )
    reply = models.CharField(_("answer"), max_length=10, choices=Reply.choices)
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["response", "question__area__position", "question__position"]
        verbose_name = _("diagnostic answer")
        verbose_name_plural = _("diagnostic answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(reply__in=[r.value for r in Reply]), name="diagnostic_reply_valid"
            ),
            models.UniqueConstraint(fields=["response", "question"], name="diagnostic_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.reply}"


class NextAction(models.Model):
    """Who owns the follow-up of a question someone answered No to in a round.

    The list of next actions itself comes from the answers; a row exists once a lead assigns an
    owner, so changing an answer never leaves a stale action behind.
    """

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="next_actions"
    )
    question = models.ForeignKey(DiagnosticQuestion, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["assessment", "question__area__position", "question__position"]
        verbose_name = _("next action")
        verbose_name_plural = _("next actions")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="next_action_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.question} → {self.owner or '—'}"
