"""Fetch what the reports need in a few queries and hand plain data to ``analysis``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from statistics import fmean

from . import analysis
from .models import SCORE_LABELS, SCORE_MAX, Assessment, AssessmentPillar, Pillar, PillarScore
from .readings import AGREEMENT_LABELS, ALPHA, CLOSENESS_LABELS, TEST_LABELS


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
    """A colleague's rho with the consensus of the other colleagues (leave-one-out)."""

    card: ColleagueCard
    rho: float | None
    p_value: float | None

    @property
    def reading_key(self) -> str:
        return analysis.significant_reading(self.rho, self.p_value)

    @property
    def reading(self) -> str:
        return str(CLOSENESS_LABELS[self.reading_key])


@dataclass
class ColleagueComparison:
    scores: TeamScores
    consensus: list[ConsensusRow]  # most important first
    disputed: list[ConsensusRow]
    ranked_slugs: list[str]  # pillars every colleague ranked: W and the heatmap use these
    matrix: list[list[float]]  # colleague x ranked pillar

    @property
    def count(self) -> int:
        return len(self.scores.cards)

    @cached_property
    def agreement(self) -> analysis.Agreement:
        """W with its permutation test; computed on first use (the team page does not need it)."""
        return analysis.concordance_test(self.matrix)

    @cached_property
    def concordance(self) -> analysis.Concordance:
        """W alone, without its permutation test (what the team page shows per round)."""
        return analysis.kendall_w(self.matrix)

    @property
    def mean_rho(self) -> float | None:
        """Mean pairwise rho from W alone (no test): what the team page compares across rounds."""
        return analysis.mean_pairwise_rho(self.concordance.w, self.concordance.raters)

    @property
    def reading_key(self) -> str:
        return self.agreement.reading

    @property
    def reading(self) -> str:
        return str(AGREEMENT_LABELS[self.reading_key])

    @property
    def test_label(self) -> str:
        return str(TEST_LABELS[self.agreement.method])

    @property
    def significant(self) -> bool | None:
        p = self.agreement.p_value
        return None if p is None else p < ALPHA

    @cached_property
    def heatmap(self) -> list[list[float | None]]:
        return analysis.pairwise_spearman(self.matrix) if len(self.matrix) >= 2 else []

    @cached_property
    def closeness(self) -> list[Closeness]:
        """Closest first; needs two colleagues (with two, each one's rho with the other)."""
        if self.count < 2:
            return []
        cards = self.scores.cards
        results = analysis.leave_one_out_closeness([card.ranks for card in cards])
        closeness = [
            Closeness(card, result.coefficient, result.p_value)
            for card, result in zip(cards, results, strict=True)
        ]
        closeness.sort(key=lambda c: (c.rho is None, -(c.rho or 0), c.card.username))
        return closeness

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
    # A pillar some colleague did not rank is left out, never counted as that colleague's rank 0.
    ranked_slugs, matrix = analysis.complete_rankings(rankings, slugs)
    disputed = [
        row_by_slug[s.slug]
        for s in analysis.most_disputed(list(spreads.values()), data.positions, k=3)
    ]
    return ColleagueComparison(
        scores=scores,
        consensus=rows,
        disputed=disputed,
        ranked_slugs=ranked_slugs,
        matrix=matrix,
    )
