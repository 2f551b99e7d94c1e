"""Fetch what the reports need in a few grouped queries and hand plain data to ``analysis``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean

from django.db.models import Count, Sum

from .models import SCORE_LABELS, SCORE_MAX, Assessment, Pillar, PillarScore, Scorecard


@dataclass
class PillarScores:
    pillar: Pillar
    distribution: dict[int, int]  # score 1..5 -> number of colleagues
    count: int
    mean: float | None

    def distribution_rows(self) -> list[dict]:
        """Per score value: label, count and share, for the stacked bar."""
        return [
            {
                "score": score,
                "label": SCORE_LABELS[score],
                "count": self.distribution.get(score, 0),
                "share": (self.distribution.get(score, 0) / self.count * 100) if self.count else 0,
            }
            for score in SCORE_LABELS
        ]


@dataclass
class TeamScores:
    pillars: list[Pillar]
    scorecards: list[Scorecard]  # each annotated with .total
    per_pillar: list[PillarScores] = field(default_factory=list)

    @property
    def max_total(self) -> int:
        return SCORE_MAX * len(self.pillars)

    @property
    def totals(self) -> list[int]:
        return [s.total for s in self.scorecards]

    @property
    def total_mean(self) -> float | None:
        return fmean(self.totals) if self.scorecards else None

    @property
    def total_min(self) -> int | None:
        return min(self.totals) if self.scorecards else None

    @property
    def total_max(self) -> int | None:
        return max(self.totals) if self.scorecards else None

    def mean_by_pillar(self) -> dict[int, float | None]:
        return {row.pillar.pk: row.mean for row in self.per_pillar}


def team_scores(assessment: Assessment) -> TeamScores:
    """Round pillars, scorecards with totals and per-pillar score tallies: three queries."""
    pillars = assessment.round_pillars()
    scorecards = list(
        assessment.scorecards.select_related("user")
        .annotate(total=Sum("scores__score"))
        .order_by("user__username")
    )
    tallies: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        PillarScore.objects.filter(scorecard__assessment=assessment)
        .values_list("pillar_id", "score")
        .annotate(count=Count("id"))
        .order_by()
    )
    for pillar_id, score, count in rows:
        tallies[pillar_id][score] = count
    per_pillar = []
    for pillar in pillars:
        distribution = tallies.get(pillar.pk, {})
        count = sum(distribution.values())
        mean = sum(s * c for s, c in distribution.items()) / count if count else None
        per_pillar.append(PillarScores(pillar, distribution, count, mean))
    return TeamScores(pillars=pillars, scorecards=scorecards, per_pillar=per_pillar)
