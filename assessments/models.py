"""The domain: pillars, teams, assessment rounds and scorecards."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
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

    # django-modeltranslation swaps in a language-aware subclass of this manager at start-up,
    # which the type checker cannot see.
    objects = PillarQuerySet.as_manager()  # type: ignore[django-manager-missing]

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


class LanguagePreference(models.Model):
    """The language a user chose in the header, restored on their next sign-in on any device."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="language_preference"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("language preference")
        verbose_name_plural = _("language preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"


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


# Fields that change only through ``versions`` (UPDATE … SET n = n + 1), never through save().
VERSION_FIELDS = frozenset({"data_version", "form_version"})


class VersionedModel(models.Model):
    """A model with data-version counters that cached pages are keyed by (``page_cache``).

    ``save()`` of an instance loaded before a version was raised must not write the old number
    back: a page cached under that number would be served again. So a plain ``save()`` writes
    every field but the counters; ``versions`` raises them with an UPDATE in the writer's
    transaction.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        existing = not self._state.adding and not kwargs.get("force_insert") and not args
        if existing and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in VERSION_FIELDS
            ]
        super().save(*args, **kwargs)


class TeamQuerySet(models.QuerySet):
    def for_user(self, user) -> "TeamQuerySet":
        """The one place that decides which teams a user may see: those they belong to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).annotate(viewer_role=F("memberships__role"))


class Team(VersionedModel):
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    join_token = models.CharField(_("join token"), max_length=64, unique=True, default=new_token)
    # Raised by every write that changes a page of the team or of one of its rounds.
    data_version = models.PositiveBigIntegerField(default=1, editable=False)
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
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
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


class Framework(models.TextChoices):
    """What a round asks the team: the ten pillars (scored and ranked) or the CX diagnostic."""

    PILLARS = "cx-pillars", _("The ten pillars of CX (score and rank)")
    DIAGNOSTIC = "cx-diagnostic", _("The 20-question CX diagnostic (Yes / Partly / No)")


class AssessmentQuerySet(models.QuerySet):
    def for_user(self, user) -> "AssessmentQuerySet":
        """The one place that decides which rounds a user may see: those of their teams."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(team__memberships__user=user).annotate(
            viewer_role=F("team__memberships__role")
        )


class Assessment(VersionedModel):
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
    framework = models.CharField(
        _("framework"), max_length=20, choices=Framework, default=Framework.PILLARS
    )
    pillars = models.ManyToManyField(Pillar, through="AssessmentPillar", related_name="+")
    # Raised by every write that changes a page of this round (see ``versions``).
    data_version = models.PositiveBigIntegerField(default=1, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        constraints = [
            # Two rounds called "Q4 review" in one team would make every trend ambiguous.
            models.UniqueConstraint(Lower("title"), "team", name="round_title_once_per_team"),
            models.CheckConstraint(
                condition=Q(framework__in=[f.value for f in Framework]),
                name="assessment_framework_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.team})"

    @property
    def is_diagnostic(self) -> bool:
        return self.framework == Framework.DIAGNOSTIC

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
    # A colleague who left the team keeps their scorecard (it was a real answer); a lead may
    # leave it out of the round's statistics.
    excluded_from_statistics = models.BooleanField(_("left out of the statistics"), default=False)

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


# ----------------------------------------------------------------------------- customer survey


class Generation(models.TextChoices):
    GEN_Z = "gen-z", _("Gen Z (born 1997–2012)")
    MILLENNIALS = "millennials", _("Millennials (born 1981–1996)")
    GEN_X = "gen-x", _("Gen X (born 1965–1980)")
    BABY_BOOMERS = "baby-boomers", _("Baby Boomers (born 1946–1964)")
    SILENT = "silent", _("Silent generation (born 1928–1945)")
    UNDISCLOSED = "prefer-not-to-say", _("Prefer not to say")


# Short names, for imports ("Gen X", "Boomers") and chart labels.
GENERATION_SHORT_NAMES = {
    Generation.GEN_Z: _("Gen Z"),
    Generation.MILLENNIALS: _("Millennials"),
    Generation.GEN_X: _("Gen X"),
    Generation.BABY_BOOMERS: _("Baby Boomers"),
    Generation.SILENT: _("Silent generation"),
    Generation.UNDISCLOSED: _("Prefer not to say"),
}


class ResponseSource(models.TextChoices):
    WEB = "web", _("Web survey")
    IMPORT = "import", _("Import")


CES_DEFAULT_QUESTION = _("The company made it easy for me to get what I needed.")
CES_LABELS = {
    1: _("Strongly disagree"),
    2: _("Disagree"),
    3: _("Neither agree nor disagree"),
    4: _("Agree"),
    5: _("Strongly agree"),
}


class CustomerSurvey(VersionedModel):
    """The public survey of one round: customers rank the round's pillars in their own words."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="survey")
    is_open = models.BooleanField(_("open"), default=True)
    token = models.CharField(_("public token"), max_length=64, unique=True, default=new_token)
    target_size = models.PositiveIntegerField(
        _("target number of responses"),
        default=300,
        help_text=_("A few hundred responses are needed before the result means much."),
    )
    intro = models.TextField(
        _("introduction"),
        blank=True,
        max_length=2000,
        help_text=_("Shown to customers above the questions."),
    )
    ask_experience = models.BooleanField(_("ask how well we do on each pillar (1–5)"), default=True)
    ask_expectation = models.BooleanField(
        _("ask what they expected on each pillar (1–5)"), default=False
    )
    ask_generation = models.BooleanField(_("ask for their generation"), default=True)
    ask_nps = models.BooleanField(_("ask how likely they are to recommend us (0–10)"), default=True)
    allow_repeat_answers = models.BooleanField(
        _("let one browser answer more than once"),
        default=False,
        help_text=_(
            "Off: a browser that has answered sees a thank-you note instead of the form. "
            "Turn on for a shared device, such as a tablet at a shop counter."
        ),
    )
    ask_ces = models.BooleanField(
        _("ask how easy we made it for them (customer effort, 1–5)"), default=False
    )
    ces_question = models.CharField(
        _("effort question"),
        max_length=300,
        blank=True,
        help_text=_(
            "Customers answer on a 1–5 scale from “strongly disagree” to “strongly agree”. "
            "Leave empty for the standard wording."
        ),
    )
    language = models.CharField(
        _("survey language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "The language customers see first; they can switch. Blank: their browser's language."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Raised by every write that changes the public form (settings, pillar texts), not by answers:
    # the form customers see stays cached while answers pour in.
    form_version = models.PositiveBigIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("customer survey")
        verbose_name_plural = _("customer surveys")
        constraints = [
            models.CheckConstraint(condition=Q(target_size__gte=1), name="survey_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment}"

    @property
    def effort_question(self) -> str:
        return self.ces_question or str(CES_DEFAULT_QUESTION)


class CustomerResponse(models.Model):
    survey = models.ForeignKey(CustomerSurvey, on_delete=models.CASCADE, related_name="responses")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    source = models.CharField(
        _("source"), max_length=10, choices=ResponseSource, default=ResponseSource.WEB
    )
    generation = models.CharField(_("generation"), max_length=20, choices=Generation, blank=True)
    nps = models.PositiveSmallIntegerField(_("likelihood to recommend (0–10)"), null=True)
    ces = models.PositiveSmallIntegerField(_("ease (customer effort, 1–5)"), null=True, blank=True)
    external_id = models.CharField(
        _("response id"), max_length=200, blank=True, help_text=_("Key of an imported response.")
    )
    form_nonce = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("customer response")
        verbose_name_plural = _("customer responses")
        constraints = [
            models.CheckConstraint(condition=Q(nps__gte=0, nps__lte=10), name="response_nps_0_10"),
            models.CheckConstraint(condition=Q(ces__gte=1, ces__lte=5), name="response_ces_1_5"),
            models.CheckConstraint(
                condition=Q(source__in=[s.value for s in ResponseSource]),
                name="response_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(generation="") | Q(generation__in=[g.value for g in Generation]),
                name="response_generation_valid",
            ),
            models.UniqueConstraint(
                fields=["survey", "external_id"],
                condition=~Q(external_id=""),
                name="response_external_id_once",
            ),
            models.UniqueConstraint(
                fields=["survey", "form_nonce"],
                condition=~Q(form_nonce=""),
                name="response_form_once",
            ),
        ]
        indexes = [models.Index(fields=["survey", "-submitted_at"], name="response_latest")]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class CustomerAnswer(models.Model):
    response = models.ForeignKey(CustomerResponse, on_delete=models.CASCADE, related_name="answers")
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="customer_answers")
    rank = models.PositiveSmallIntegerField(_("rank"))
    experience = models.PositiveSmallIntegerField(_("experience (1–5)"), null=True, blank=True)
    expectation = models.PositiveSmallIntegerField(_("expectation (1–5)"), null=True, blank=True)

    class Meta:
        ordering = ["response", "rank"]
        verbose_name = _("customer answer")
        verbose_name_plural = _("customer answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(rank__gte=1, rank__lte=MAX_PILLARS), name="answer_rank_in_range"
            ),
            models.CheckConstraint(
                condition=Q(experience__gte=SCORE_MIN, experience__lte=SCORE_MAX),
                name="answer_experience_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(expectation__gte=SCORE_MIN, expectation__lte=SCORE_MAX),
                name="answer_expectation_1_to_5",
            ),
            models.UniqueConstraint(fields=["response", "pillar"], name="answer_pillar_once"),
            models.UniqueConstraint(fields=["response", "rank"], name="answer_rank_once"),
        ]

    def __str__(self) -> str:
        return f"{self.pillar}: rank {self.rank}"


class TallyMetric(models.TextChoices):
    RANK = "rank", _("rank")
    EXPERIENCE = "experience", _("experience")
    EXPECTATION = "expectation", _("expectation")
    NPS = "nps", _("NPS")
    CES = "ces", _("CES")
    RESPONSES = "responses", _("responses")
    SOURCE = "source", _("source")  # value: the source's code in SOURCE_CODES


# The number a source is counted under in SurveyTally.value. Stored in the database: a code is
# never changed or reused; a new source takes a new number.
SOURCE_CODES: dict[str, int] = {ResponseSource.WEB: 1, ResponseSource.IMPORT: 2}
SOURCE_BY_CODE: dict[int, str] = {code: source for source, code in SOURCE_CODES.items()}


class SurveyTally(models.Model):
    """Running counts per (survey, generation, pillar, metric, value), kept with every write.

    Reports read these rows (at most about 1,500 for ten pillars) instead of scanning every
    response, so a report costs the same at 300 responses as at 100,000. ``rebuild_tallies``
    recomputes them from the answers.
    """

    survey = models.ForeignKey(CustomerSurvey, on_delete=models.CASCADE, related_name="tallies")
    generation = models.CharField(max_length=20, blank=True)
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, null=True, related_name="+")
    metric = models.CharField(max_length=12, choices=TallyMetric)
    value = models.SmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("survey tally")
        verbose_name_plural = _("survey tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "generation", "pillar", "metric", "value"],
                condition=Q(pillar__isnull=False),
                name="tally_pillar_key_once",
            ),
            models.UniqueConstraint(
                fields=["survey", "generation", "metric", "value"],
                condition=Q(pillar__isnull=True),
                name="tally_key_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.generation}/{self.pillar_id}/{self.metric}={self.value}"


class RateWindow(models.Model):
    """A rate limit's count in its current fixed window (``throttling.over_limit``), when the
    limits live in the database: one upsert a hit, instead of a locked cache row."""

    key = models.CharField(max_length=250, primary_key=True)
    count = models.PositiveIntegerField()
    ends_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["ends_at"], name="rate_window_ends")]

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.ends_at:%H:%M:%S}"


# ----------------------------------------------------------------------------- response imports


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for your check")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportJob(models.Model):
    """An uploaded file between its upload, the lead's check of the mapping and the import.

    The file's bytes stay in the database (never a path a client could name) until the import
    ends; progress is written here by the background task and polled by the page.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(editable=False)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    mapping = models.JSONField(default=dict, blank=True)  # {"groups", "columns", "codes"}
    skip_bad_rows = models.BooleanField(default=False)
    ids_are_keys = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("response import")
        verbose_name_plural = _("response imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ImportStatus]),
                name="import_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["assessment", "-created_at"], name="import_latest")]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.filename}"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == ImportStatus.DONE else 0
        done = self.rows_read + self.rows_written
        return min(100, round(100 * done / (2 * self.rows_total)))

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)


class ImportLayoutChoice(models.Model):
    """The mapping a lead chose for one file layout in a round, offered again for the next file."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="import_choices"
    )
    fingerprint = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("remembered import mapping")
        verbose_name_plural = _("remembered import mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "fingerprint"], name="import_choice_once_per_layout"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.fingerprint}"


# ----------------------------------------------------------------------------- big exports


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """A big export built by the background worker; the file is kept here, so every server can
    hand it out, and progress is written here for the page to show."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="exports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    name = models.CharField(max_length=40)
    fmt = models.CharField(max_length=4, choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    filename = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    data = models.BinaryField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ExportStatus]),
                name="export_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(rows_done__lte=F("rows_total")), name="export_progress_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.name} ({self.status})"

    @property
    def percent(self) -> int:
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0


# Split by feature (STYLE.md): the CX diagnostic and the team's CX dashboard live in their own
# modules; importing them here registers their models with the app.
from .models_dashboard import *  # noqa: E402, F403
from .models_diagnostic import *  # noqa: E402, F403
