"""Fetch what the reports need in a few queries and hand plain data to ``analysis``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from statistics import fmean

from django.utils.translation import gettext_lazy as _

from . import analysis
from .models import SCORE_LABELS, SCORE_MAX, Assessment, AssessmentPillar, Pillar, PillarScore

AGREEMENT_READINGS = {
    "unknown": _("cannot be computed yet"),
    "opposite": _("opposite views"),
    "none": _("no agreement"),
    "weak": _("weak agreement"),
    "moderate": _("moderate agreement"),
    "strong": _("strong agreement"),
    "very_strong": _("very strong agreement"),
}
SIGNIFICANCE = 0.05


@dataclass
class ColleagueCard:
    """One colleague's submitted scorecard as plain data."""

    user_id: int
    username: str
    scores: dict[str, int]  # slug -> score
    ranks: dict[str, int]  # slug -> rank

    @property
    def total(self) -> int:
        return sum(self.scores.values())


@dataclass
class RoundData:
    pillars: list[Pillar]
    cards: list[ColleagueCard]

    @property
    def slugs(self) -> list[str]:
        return [p.slug for p in self.pillars]

    @property
    def positions(self) -> dict[str, int]:
        return {p.slug: index for index, p in enumerate(self.pillars, start=1)}

    @property
    def max_total(self) -> int:
        return SCORE_MAX * len(self.pillars)


def load_round(assessment: Assessment) -> RoundData:
    """The round's pillars and every answer of every scorecard: two queries."""
    return load_rounds([assessment])[assessment.pk]


def load_rounds(assessments: list[Assessment]) -> dict[int, RoundData]:
    """Pillars and scorecards of several rounds in two queries, whatever their number."""
    ids = [a.pk for a in assessments]
    pillars: dict[int, list[Pillar]] = {pk: [] for pk in ids}
    for link in (
        AssessmentPillar.objects.filter(assessment_id__in=ids)
        .select_related("pillar")
        .order_by("assessment_id", "position")
    ):
        pillars[link.assessment_id].append(link.pillar)
    slug_of = {p.pk: p.slug for round_pillars in pillars.values() for p in round_pillars}
    cards: dict[int, dict[int, ColleagueCard]] = {pk: {} for pk in ids}
    rows = (
        PillarScore.objects.filter(
            scorecard__assessment_id__in=ids, scorecard__excluded_from_statistics=False
        )
        .order_by("scorecard__user__username", "scorecard_id")
        .values_list(
            "scorecard__assessment_id",
            "scorecard_id",
            "scorecard__user_id",
            "scorecard__user__username",
            "pillar_id",
            "score",
            "rank",
        )
    )
    for assessment_id, scorecard_id, user_id, username, pillar_id, score, rank in rows:
        by_card = cards[assessment_id]
        card = by_card.get(scorecard_id)
        if card is None:
            card = by_card[scorecard_id] = ColleagueCard(user_id, username, {}, {})
        slug = slug_of.get(pillar_id)
        if slug is not None:
            card.scores[slug] = score
            card.ranks[slug] = rank
    return {pk: RoundData(pillars=pillars[pk], cards=list(cards[pk].values())) for pk in ids}


# ----------------------------------------------------------------------------- team scores


@dataclass
class PillarScores:
    pillar: Pillar
    distribution: dict[int, int]  # score 1..5 -> number of colleagues
    count: int
    mean: float | None

    @cached_property
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
    data: RoundData
    per_pillar: list[PillarScores]

    @property
    def pillars(self) -> list[Pillar]:
        return self.data.pillars

    @property
    def cards(self) -> list[ColleagueCard]:
        return self.data.cards

    @property
    def max_total(self) -> int:
        return self.data.max_total

    @property
    def totals(self) -> list[int]:
        return [card.total for card in self.cards]

    @property
    def total_mean(self) -> float | None:
        return fmean(self.totals) if self.cards else None

    @property
    def total_min(self) -> int | None:
        return min(self.totals) if self.cards else None

    @property
    def total_max(self) -> int | None:
        return max(self.totals) if self.cards else None

    def mean_by_slug(self) -> dict[str, float | None]:
        return {row.pillar.slug: row.mean for row in self.per_pillar}

    def card_of(self, user_id: int) -> ColleagueCard | None:
        return next((card for card in self.cards if card.user_id == user_id), None)


def team_scores(data: RoundData) -> TeamScores:
    tallies: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for card in data.cards:
        for slug, score in card.scores.items():
            tallies[slug][score] += 1
    per_pillar = []
    for pillar in data.pillars:
        distribution = dict(tallies.get(pillar.slug, {}))
        count = sum(distribution.values())
        per_pillar.append(PillarScores(pillar, distribution, count, analysis.mean_of(distribution)))
    return TeamScores(data=data, per_pillar=per_pillar)


# ----------------------------------------------------------------------------- comparison


@dataclass
class ConsensusRow:
    pillar: Pillar
    entry: analysis.ConsensusEntry
    spread: analysis.RankSpread
    mean_score: float | None


@dataclass
class Closeness:
    card: ColleagueCard
    rho: float | None
    reading: str


@dataclass
class ColleagueComparison:
    scores: TeamScores
    consensus: list[ConsensusRow]  # most important first
    concordance: analysis.Concordance
    reading_key: str
    disputed: list[ConsensusRow]
    heatmap: list[list[float | None]]
    closeness: list[Closeness]  # closest first

    @property
    def count(self) -> int:
        return len(self.scores.cards)

    @property
    def reading(self) -> str:
        return AGREEMENT_READINGS[self.reading_key]

    @property
    def significant(self) -> bool | None:
        p = self.concordance.p_value
        return None if p is None else p < SIGNIFICANCE

    def heatmap_rows(self) -> list[tuple[ColleagueCard, list[float | None]]]:
        return list(zip(self.scores.cards, self.heatmap, strict=True))


def colleague_comparison(data: RoundData) -> ColleagueComparison:
    scores = team_scores(data)
    slugs = data.slugs
    rankings = [card.ranks for card in data.cards]
    tally = analysis.tally_rankings(rankings)
    entries = analysis.consensus(tally, data.positions)
    spreads = {s.slug: s for s in analysis.rank_spread(rankings, slugs)}
    pillar_by_slug = {p.slug: p for p in data.pillars}
    means = scores.mean_by_slug()
    rows = [
        ConsensusRow(pillar_by_slug[e.slug], e, spreads[e.slug], means.get(e.slug))
        for e in entries
        if e.slug in pillar_by_slug
    ]
    row_by_slug = {row.pillar.slug: row for row in rows}
    matrix = [[card.ranks.get(slug, 0) for slug in slugs] for card in data.cards]
    concordance = (
        analysis.kendall_w(matrix)
        if len(matrix) >= 2
        else analysis.Concordance(len(matrix), len(slugs), None, None, None, None, None)
    )
    disputed = [
        row_by_slug[s.slug]
        for s in analysis.most_disputed(list(spreads.values()), data.positions, k=3)
    ]
    mean_ranks = {e.slug: e.mean_rank for e in entries if e.mean_rank is not None}
    closeness = [
        Closeness(card, result.coefficient, analysis.correlation_reading(result.coefficient))
        for card, result in zip(
            data.cards, analysis.closeness_to(rankings, mean_ranks), strict=True
        )
    ]
    closeness.sort(key=lambda c: (c.rho is None, -(c.rho or 0), c.card.username))
    return ColleagueComparison(
        scores=scores,
        consensus=rows,
        concordance=concordance,
        reading_key=analysis.agreement_reading(concordance.w),
        disputed=disputed,
        heatmap=analysis.pairwise_spearman(matrix) if len(matrix) >= 2 else [],
        closeness=closeness if len(data.cards) >= 2 else [],
    )


# ----------------------------------------------------------------------------- JSON document

REPORT_SCHEMA_VERSION = 1


def colleague_document(
    assessment: Assessment, data: RoundData, comparison: ColleagueComparison
) -> dict:
    """The "assessment" and "colleagues" parts of report.json (docs/REPORT_JSON.md)."""
    scores = comparison.scores
    concordance = comparison.concordance
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "assessment": {
            "id": assessment.pk,
            "title": assessment.title,
            "team": assessment.team.name,
            "is_open": assessment.is_open,
            "created_at": assessment.created_at.isoformat(),
            "pillars": [
                {"slug": p.slug, "name": p.name, "position": position}
                for p, position in zip(data.pillars, range(1, len(data.pillars) + 1), strict=True)
            ],
        },
        "colleagues": {
            "count": comparison.count,
            "max_total": scores.max_total,
            "totals": {
                "mean": scores.total_mean,
                "min": scores.total_min,
                "max": scores.total_max,
            },
            "consensus": [row.pillar.slug for row in comparison.consensus],
            "kendall_w": concordance.w,
            "chi_square": concordance.chi_square,
            "df": concordance.df,
            "p_value": concordance.p_value,
            "agreement": comparison.reading_key,
            "most_disputed": [row.pillar.slug for row in comparison.disputed],
            "pillars": [
                {
                    "slug": row.pillar.slug,
                    "mean_score": row.mean_score,
                    "mean_rank": row.entry.mean_rank,
                    "consensus_rank": row.entry.consensus_rank,
                    "first_places": row.entry.first_places,
                    "rank_sd": row.spread.sd,
                    "rank_min": row.spread.min,
                    "rank_max": row.spread.max,
                }
                for row in sorted(comparison.consensus, key=lambda r: data.positions[r.pillar.slug])
            ],
            "closeness": [
                {"colleague": c.card.username, "rho": c.rho} for c in comparison.closeness
            ],
        },
    }
