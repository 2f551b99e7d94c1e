"""The domain: pillars, teams, assessment rounds and scorecards."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PillarQuerySet(models.QuerySet):
    def active(self) -> "PillarQuerySet":
        return self.filter(is_active=True)


class Pillar(models.Model):
    """One of the pillars of customer experience; seeded by migration, edited in the admin."""

    position = models.PositiveSmallIntegerField(
        _("position"), unique=True, help_text=_("Display order, 1 first.")
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("Column name in imports and exports.")
    )
    question = models.CharField(
        _("self-assessment question"),
        max_length=300,
        help_text=_("What the team asks itself when scoring this pillar."),
    )
    description = models.TextField(_("description"), blank=True)
    customer_label = models.CharField(
        _("customer label"),
        max_length=100,
        help_text=_("Plain-language name shown to customers; no internal jargon."),
    )
    customer_question = models.CharField(
        _("customer question"),
        max_length=300,
        help_text=_("Plain-language question shown to customers."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Retired pillars are left out of new rounds; existing rounds keep them."),
    )

    objects = PillarQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        constraints = [
            models.CheckConstraint(condition=Q(position__gte=1), name="pillar_position_positive"),
            models.CheckConstraint(condition=~Q(slug=""), name="pillar_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


SCORE_MIN, SCORE_MAX = 1, 5
# A generous ceiling for the rank CHECK constraint; the exact 1..n range of a round is checked by
# the scorecard form and service (a CHECK cannot look at another table).
MAX_PILLARS = 50


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Role(models.TextChoices):
    LEAD = "lead", _("Lead")
    MEMBER = "member", _("Member")


class Band(models.TextChoices):
    WEAK = "weak", _("weak")
    DEVELOPING = "developing", _("developing")
    SOLID = "solid", _("solid")
    STRONG = "strong", _("strong")
    PERFECT = "perfect", _("perfect — now ask your customers")


def score_band(total: int, pillar_count: int) -> Band:
    """Band of a total out of 5·n; the 10-pillar cut-offs 20/30/40/50 scaled to n pillars."""
    share = total / (SCORE_MAX * pillar_count)
    if share >= 1:
        return Band.PERFECT
    if share >= 0.8:
        return Band.STRONG
    if share >= 0.6:
        return Band.SOLID
    if share >= 0.4:
        return Band.DEVELOPING
    return Band.WEAK


SCORE_LABELS = {
    1: _("Poor"),
    2: _("Fair"),
    3: _("Good"),
    4: _("Very good"),
    5: _("Excellent"),
}


class TeamQuerySet(models.QuerySet):
    def for_user(self, user) -> "TeamQuerySet":
        """The one place that decides which teams a user may see: those they belong to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).annotate(viewer_role=F("memberships__role"))


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    join_token = models.CharField(_("join token"), max_length=64, unique=True, default=new_token)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    @property
    def viewer_is_lead(self) -> bool:
        """True when loaded through ``for_user`` by one of the team's leads."""
        return getattr(self, "viewer_role", None) == Role.LEAD


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        ordering = ["team", "-role", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_once_per_team"),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team} ({self.get_role_display()})"

    @property
    def is_lead(self) -> bool:
        return self.role == Role.LEAD


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user) -> "AssessmentQuerySet":
        """The one place that decides which rounds a user may see: those of their teams."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(team__memberships__user=user).annotate(
            viewer_role=F("team__memberships__role")
        )


class Assessment(models.Model):
    """One assessment round of one team, with the pillars in force when it was created."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="assessments")
    title = models.CharField(_("title"), max_length=200)
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    pillars = models.ManyToManyField(Pillar, through="AssessmentPillar", related_name="+")

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")

    def __str__(self) -> str:
        return f"{self.title} ({self.team})"

    @property
    def viewer_is_lead(self) -> bool:
        """True when loaded through ``for_user`` by one of the team's leads."""
        return getattr(self, "viewer_role", None) == Role.LEAD

    def round_pillars(self) -> list[Pillar]:
        """The pillars of this round in their round order (one query)."""
        return [
            link.pillar for link in self.pillar_links.select_related("pillar").order_by("position")
        ]


class AssessmentPillar(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="pillar_links"
    )
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "pillar"], name="round_pillar_once"),
            models.UniqueConstraint(fields=["assessment", "position"], name="round_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.pillar}"


class Scorecard(models.Model):
    """One colleague's scores and ranking for one round."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scorecards")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorecards"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["assessment", "user__username"]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="scorecard_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.assessment}"


class PillarScore(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta:
        ordering = ["scorecard", "rank"]
        verbose_name = _("pillar score")
        verbose_name_plural = _("pillar scores")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX), name="score_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1, rank__lte=MAX_PILLARS), name="score_rank_in_range"
            ),
            models.UniqueConstraint(fields=["scorecard", "pillar"], name="score_pillar_once"),
            models.UniqueConstraint(fields=["scorecard", "rank"], name="score_rank_once"),
        ]

    def __str__(self) -> str:
        return f"{self.pillar}: {self.score} (rank {self.rank})"
