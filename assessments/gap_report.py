"""Team versus customers: read the survey's tallies (about a thousand rows, whatever the number of
responses) and the team's scorecards, and run the gap statistics on them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import analysis, page_cache
from .models import (
    GENERATION_SHORT_NAMES,
    Assessment,
    CustomerSurvey,
    Generation,
    Pillar,
    SurveyTally,
    TallyMetric,
)
from .readings import (
    FOCUS_COUNT,
    HALF_RANK,
    MIN_FOR_CONCLUSION,
    MIN_FOR_INTERVAL,
    PRACTICAL_DIFFERENCE,
    comparison_verdict,
    sample_verdict,
)
from .reporting import ColleagueComparison, RoundData, colleague_comparison, load_round, load_rounds

QUADRANT_LABELS = {
    "concentrate_here": _("Concentrate here"),
    "keep_up_the_good_work": _("Keep up the good work"),
    "low_priority": _("Low priority"),
    "possible_overkill": _("Possible overkill"),
}


@dataclass
class SurveyTallies:
    """The survey's counts, summed the ways the report needs them."""

    responses: dict[str, int] = field(default_factory=dict)  # generation -> count
    # generation -> slug -> {rank: count}
    ranks: dict[str, dict[str, dict[int, int]]] = field(default_factory=dict)
    experience: dict[str, dict[int, int]] = field(default_factory=dict)  # slug -> tally
    expectation: dict[str, dict[int, int]] = field(default_factory=dict)
    nps: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.responses.values())

    def rank_tally(self) -> dict[str, dict[int, int]]:
        """All generations together."""
        total: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for by_slug in self.ranks.values():
            for slug, counts in by_slug.items():
                for rank, count in counts.items():
                    total[slug][rank] += count
        return {slug: dict(counts) for slug, counts in total.items()}


def load_tallies(survey: CustomerSurvey | None, pillars: list[Pillar]) -> SurveyTallies:
    """One query, bounded by pillars × values × generations, never by responses."""
    if survey is None:
        return SurveyTallies()
    return load_many_tallies([survey], pillars)[survey.pk]


def load_many_tallies(
    surveys: list[CustomerSurvey], pillars: list[Pillar]
) -> dict[int, SurveyTallies]:
    """Tallies of several surveys in one query."""
    result = {survey.pk: SurveyTallies() for survey in surveys}
    slug_of = {p.pk: p.slug for p in pillars}
    rows = SurveyTally.objects.filter(survey__in=surveys, count__gt=0).values_list(
        "survey_id", "generation", "pillar_id", "metric", "value", "count"
    )
    for survey_id, generation, pillar_id, metric, value, count in rows:
        tallies = result[survey_id]
        if metric == TallyMetric.RESPONSES:
            tallies.responses[generation] = tallies.responses.get(generation, 0) + count
        elif metric == TallyMetric.NPS:
            tallies.nps[value] = tallies.nps.get(value, 0) + count
        elif (slug := slug_of.get(pillar_id)) is not None:
            if metric == TallyMetric.RANK:
                by_slug = tallies.ranks.setdefault(generation, {})
                by_slug.setdefault(slug, {})
                by_slug[slug][value] = by_slug[slug].get(value, 0) + count
            else:
                target = (
                    tallies.experience if metric == TallyMetric.EXPERIENCE else tallies.expectation
                )
                target.setdefault(slug, {})
                target[slug][value] = target[slug].get(value, 0) + count
    return result


@dataclass
class CustomerPillar:
    pillar: Pillar
    entry: analysis.ConsensusEntry
    summary: analysis.RankSummary
    experience_mean: float | None
    expectation_mean: float | None
    top_box_share: float | None  # share of customers rating experience 4–5
    experience_count: int


@dataclass
class CustomerSide:
    """What the survey's tallies say on their own."""

    pillars: list[CustomerPillar]  # customer consensus order
    agreement: analysis.Agreement  # among customers: W, mean pairwise rho, Iman-Davenport p
    n_for_half_rank: int | None
    nps: float | None
    nps_margin: float | None
    csat: float | None
    csat_margin: float | None


@dataclass
class GenerationRow:
    generation: Generation
    count: int
    consensus: list[analysis.ConsensusEntry]

    @property
    def label(self):
        return GENERATION_SHORT_NAMES[self.generation]

    @property
    def enough(self) -> bool:
        return self.count >= MIN_FOR_CONCLUSION

    def top(self, pillar_by_slug: dict[str, Pillar], k: int = 3) -> list[Pillar]:
        return [pillar_by_slug[e.slug] for e in self.consensus[:k] if e.slug in pillar_by_slug]


@dataclass
class GenerationDifference:
    pillar: Pillar
    test: analysis.GenerationTest


@dataclass
class GapRow:
    pillar: Pillar
    gap: analysis.RankGap
    difference: analysis.RankDifference | None  # team minus customer mean rank, Welch and Holm
    customer: CustomerPillar
    team_mean_score: float | None
    team_top_box_share: float | None  # share of colleagues scoring 4–5
    perception_gap: float | None
    expectation_gap: float | None
    ipa: analysis.IpaPoint | None

    @property
    def quadrant_label(self):
        return QUADRANT_LABELS.get(self.ipa.quadrant) if self.ipa else None

    @property
    def differs(self) -> bool:
        return bool(self.difference and self.difference.differs)


@dataclass
class GapReport:
    assessment: Assessment
    survey: CustomerSurvey | None
    data: RoundData
    team: ColleagueComparison
    tallies: SurveyTallies
    customer_side: CustomerSide
    generations: list[GenerationRow]
    generation_tests: list[analysis.GenerationTest]  # generations with enough responses
    rows: list[GapRow]  # customer consensus order
    spearman: analysis.Correlation
    spearman_ci95: tuple[float, float] | None
    kendall: analysis.Correlation
    ipa: analysis.Ipa
    performance_source: str  # "customers" or "team"
    colleague_closeness: list[tuple[str, float | None]]

    @property
    def count(self) -> int:
        return self.tallies.count

    @property
    def customers(self) -> list[CustomerPillar]:
        return self.customer_side.pillars

    @property
    def customer_agreement(self) -> analysis.Agreement:
        return self.customer_side.agreement

    @property
    def customer_w(self) -> analysis.Concordance:
        return self.customer_side.agreement.concordance

    @property
    def n_for_half_rank(self) -> int | None:
        return self.customer_side.n_for_half_rank

    @property
    def nps(self) -> float | None:
        return self.customer_side.nps

    @property
    def nps_margin(self) -> float | None:
        return self.customer_side.nps_margin

    @property
    def csat(self) -> float | None:
        return self.customer_side.csat

    @property
    def csat_margin(self) -> float | None:
        return self.customer_side.csat_margin

    @property
    def target(self) -> int | None:
        return self.survey.target_size if self.survey else None

    @property
    def max_margin(self) -> float | None:
        margins = [c.summary.margin for c in self.customers if c.summary.margin is not None]
        return max(margins) if margins else None

    @property
    def sample_verdict(self) -> str:
        """none / too_few / indicative / enough."""
        return sample_verdict(self.count, self.max_margin)

    @property
    def comparable(self) -> bool:
        return self.count > 0 and self.team.count > 0

    @property
    def verdict(self) -> str:
        """What the headline may claim (readings.comparison_verdict)."""
        return comparison_verdict(
            sample=self.sample_verdict,
            team_count=self.team.count,
            rho=self.spearman.coefficient,
            p_value=self.spearman.p_value,
            ci95=self.spearman_ci95,
        )

    @property
    def reading_key(self) -> str:
        """Evans band of rho, only when its test is significant."""
        return analysis.significant_reading(self.spearman.coefficient, self.spearman.p_value)

    @property
    def concluded(self) -> bool:
        """Enough responses for priorities to be stated (not a first impression)."""
        return self.sample_verdict in ("indicative", "enough")

    @property
    def focus(self) -> list[GapRow]:
        return self.rows[:FOCUS_COUNT] if self.count else []

    @property
    def fix_first(self) -> list[GapRow]:
        """Focus pillars customers value most that perform below average; none from too few."""
        if not self.concluded:
            return []
        return [row for row in self.focus if row.ipa and row.ipa.quadrant == "concentrate_here"]

    @property
    def differing(self) -> list[GapRow]:
        return [row for row in self.rows if row.differs]

    @property
    def generation_differences(self) -> list[GenerationDifference]:
        """Pillars whose rank differs significantly between generations (Holm-adjusted)."""
        by_slug = self.pillar_by_slug
        return [
            GenerationDifference(by_slug[t.slug], t)
            for t in sorted(self.generation_tests, key=lambda t: t.p_adjusted)
            if t.differs and t.slug in by_slug
        ]

    @property
    def generations_compared(self) -> int:
        """How many generations had enough responses to be tested against each other."""
        return len(_testable_generations(self.generations))

    @property
    def has_experience(self) -> bool:
        return any(c.experience_mean is not None for c in self.customers)

    @property
    def has_expectation(self) -> bool:
        return any(c.expectation_mean is not None for c in self.customers)

    @property
    def pillar_by_slug(self) -> dict[str, Pillar]:
        return {p.slug: p for p in self.data.pillars}


def gap_report(
    assessment: Assessment, *, performance: str | None = None, data: RoundData | None = None
) -> GapReport:
    """The whole team-versus-customers report of one round, in a bounded number of queries."""
    data = data or load_round(assessment)
    survey = CustomerSurvey.objects.filter(assessment=assessment).first()
    return build_gap_report(
        assessment, data, survey, load_tallies(survey, data.pillars), performance=performance
    )


def build_gap_report(
    assessment: Assessment,
    data: RoundData,
    survey: CustomerSurvey | None,
    tallies: SurveyTallies,
    *,
    performance: str | None = None,
) -> GapReport:
    """The report from loaded data, in named steps; no queries."""
    team = colleague_comparison(data)
    customers = customer_side(data, tallies)
    performance = performance_source(customers.pillars, performance)
    ipa = importance_performance(data, team, customers.pillars, performance)
    rows = gap_rows(data, team, customers.pillars, tallies, ipa)
    spearman, spearman_ci95, kendall = team_customer_correlation(team, customers.pillars)
    generations = generation_rows(data, tallies)
    return GapReport(
        assessment=assessment,
        survey=survey,
        data=data,
        team=team,
        tallies=tallies,
        customer_side=customers,
        generations=generations,
        generation_tests=generation_tests(data, tallies, generations),
        rows=rows,
        spearman=spearman,
        spearman_ci95=spearman_ci95,
        kendall=kendall,
        ipa=ipa,
        performance_source=performance,
        colleague_closeness=closeness_to_customers(data, customers.pillars),
    )


def customer_side(data: RoundData, tallies: SurveyTallies) -> CustomerSide:
    """Customer consensus, mean-rank intervals, agreement among customers, NPS and CSAT."""
    n = len(data.pillars)
    if tallies.count == 0:
        empty = analysis.Concordance(0, n, None, None, None, None, None)
        return CustomerSide(
            pillars=[],
            agreement=analysis.Agreement(empty, None, None, ""),
            n_for_half_rank=None,
            nps=None,
            nps_margin=None,
            csat=None,
            csat_margin=None,
        )
    rank_tally = tallies.rank_tally()
    entries = analysis.consensus(rank_tally, data.positions)
    summaries = analysis.rank_summaries(
        {p.slug: rank_tally.get(p.slug, {}) for p in data.pillars},
        scale_max=n,
        min_n=MIN_FOR_INTERVAL,
    )
    pillar_by_slug = {p.slug: p for p in data.pillars}
    pillars = [
        CustomerPillar(
            pillar=pillar_by_slug[e.slug],
            entry=e,
            summary=summaries[e.slug],
            experience_mean=analysis.mean_of(tallies.experience.get(e.slug, {})),
            expectation_mean=analysis.mean_of(tallies.expectation.get(e.slug, {})),
            top_box_share=analysis.share_at_least(tallies.experience.get(e.slug, {}), 4),
            experience_count=sum(tallies.experience.get(e.slug, {}).values()),
        )
        for e in entries
        if e.slug in pillar_by_slug
    ]
    all_experience: dict[int, int] = defaultdict(int)
    for counts in tallies.experience.values():
        for value, count in counts.items():
            all_experience[value] += count
    csat = analysis.csat(dict(all_experience))
    # Each respondent counts once: the pillar rated by the most respondents bounds their number
    # from below, which only widens the margin.
    respondents = max((c.experience_count for c in pillars), default=0)
    nps_count = sum(tallies.nps.values())
    return CustomerSide(
        pillars=pillars,
        agreement=analysis.concordance_test_from_tally(rank_tally),
        n_for_half_rank=analysis.n_for_margin(
            summaries.values(), scale_max=n, min_n=MIN_FOR_INTERVAL, margin=HALF_RANK
        ),
        nps=analysis.nps(tallies.nps),
        nps_margin=analysis.nps_margin(tallies.nps) if nps_count >= MIN_FOR_INTERVAL else None,
        csat=csat,
        csat_margin=(
            analysis.csat_margin(csat, respondents) if respondents >= MIN_FOR_INTERVAL else None
        ),
    )


def performance_source(customers: list[CustomerPillar], requested: str | None) -> str:
    """Customers' experience ratings when collected (or asked for and available), else the team."""
    has_experience = any(c.experience_mean is not None for c in customers)
    if requested == "team" or not has_experience:
        return "team"
    return "customers"


def importance_performance(
    data: RoundData, team: ColleagueComparison, customers: list[CustomerPillar], source: str
) -> analysis.Ipa:
    """Importance from the customers' mean ranks; performance from the chosen source."""
    n = len(data.pillars)
    importance = {
        c.pillar.slug: analysis.importance_from_mean_rank(c.entry.mean_rank, n)
        for c in customers
        if c.entry.mean_rank is not None
    }
    performance = (
        {c.pillar.slug: c.experience_mean for c in customers}
        if source == "customers"
        else dict(team.scores.mean_by_slug())
    )
    return analysis.importance_performance(importance, performance)


def gap_rows(
    data: RoundData,
    team: ColleagueComparison,
    customers: list[CustomerPillar],
    tallies: SurveyTallies,
    ipa: analysis.Ipa,
) -> list[GapRow]:
    """One row per pillar in customer order: ranks, the tested difference, scores and gaps."""
    if not customers:
        return []
    team_entries = [row.entry for row in team.consensus]
    gaps = {g.slug: g for g in analysis.rank_gaps(team_entries, [c.entry for c in customers])}
    team_ranks: dict[str, list[float]] = {p.slug: [] for p in data.pillars}
    for card in data.cards:
        for slug, rank in card.ranks.items():
            if slug in team_ranks:
                team_ranks[slug].append(rank)
    differences = analysis.rank_differences(
        team_ranks, tallies.rank_tally(), min_difference=PRACTICAL_DIFFERENCE
    )
    team_means = team.scores.mean_by_slug()
    team_top_box = {
        row.pillar.slug: (
            sum(c for s, c in row.distribution.items() if s >= 4) / row.count if row.count else None
        )
        for row in team.scores.per_pillar
    }
    ipa_by_slug = {point.slug: point for point in ipa.points}
    rows = []
    for c in customers:
        slug = c.pillar.slug
        expectation_gap = (
            c.experience_mean - c.expectation_mean
            if c.experience_mean is not None and c.expectation_mean is not None
            else None
        )
        rows.append(
            GapRow(
                pillar=c.pillar,
                gap=gaps[slug],
                difference=differences.get(slug),
                customer=c,
                team_mean_score=team_means.get(slug),
                team_top_box_share=team_top_box.get(slug),
                perception_gap=analysis.perception_gap(team_means.get(slug), c.experience_mean),
                expectation_gap=expectation_gap,
                ipa=ipa_by_slug.get(slug),
            )
        )
    return rows


def team_customer_correlation(
    team: ColleagueComparison, customers: list[CustomerPillar]
) -> tuple[analysis.Correlation, tuple[float, float] | None, analysis.Correlation]:
    """Spearman (exact or permutation p, Bonett-Wright CI) and Kendall between the mean ranks."""
    team_mean_rank = {row.pillar.slug: row.entry.mean_rank for row in team.consensus}
    paired: list[tuple[float, float]] = []
    for c in customers:
        team_rank = team_mean_rank.get(c.pillar.slug)
        if team_rank is not None and c.entry.mean_rank is not None:
            paired.append((team_rank, c.entry.mean_rank))
    if not team.count or not paired:
        return analysis.Correlation(None, None), None, analysis.Correlation(None, None)
    xs, ys = [p[0] for p in paired], [p[1] for p in paired]
    spearman = analysis.spearman(xs, ys)
    return (
        spearman,
        analysis.spearman_ci95(spearman.coefficient, len(paired)),
        analysis.kendall_tau_b(xs, ys),
    )


def closeness_to_customers(
    data: RoundData, customers: list[CustomerPillar]
) -> list[tuple[str, float | None]]:
    """Each colleague's rho with the customers' mean ranks, closest first."""
    customer_means = {
        c.pillar.slug: c.entry.mean_rank for c in customers if c.entry.mean_rank is not None
    }
    if not customer_means:
        return []
    results = analysis.closeness_to([card.ranks for card in data.cards], customer_means)
    return sorted(
        ((card.username, r.coefficient) for card, r in zip(data.cards, results, strict=True)),
        key=lambda item: (item[1] is None, -(item[1] or 0), item[0]),
    )


def generation_rows(data: RoundData, tallies: SurveyTallies) -> list[GenerationRow]:
    """Each generation that answered, with its own consensus."""
    return [
        GenerationRow(
            generation,
            tallies.responses[generation.value],
            analysis.consensus(tallies.ranks.get(generation.value, {}), data.positions),
        )
        for generation in Generation
        if tallies.responses.get(generation.value, 0)
    ]


def _testable_generations(generations: list[GenerationRow]) -> list[GenerationRow]:
    """Named generations with enough responses; the undisclosed are not a generation."""
    return [g for g in generations if g.enough and g.generation != Generation.UNDISCLOSED]


def generation_tests(
    data: RoundData, tallies: SurveyTallies, generations: list[GenerationRow]
) -> list[analysis.GenerationTest]:
    """Kruskal-Wallis per pillar between the generations with enough responses, Holm-adjusted."""
    testable = _testable_generations(generations)
    if len(testable) < 2:
        return []
    return analysis.generation_tests(
        {g.generation.value: tallies.ranks.get(g.generation.value, {}) for g in testable},
        data.slugs,
    )


TREND_ROUNDS = 12  # the team page compares at most this many recent rounds


def team_trends(assessments: list[Assessment]) -> list[GapReport]:
    """Reports of several rounds of one team, oldest first, in five queries."""
    assessments = sorted(assessments, key=lambda a: (a.created_at, a.pk))[-TREND_ROUNDS:]
    datas = load_rounds(assessments)
    surveys = {
        s.assessment_id: s for s in CustomerSurvey.objects.filter(assessment__in=assessments)
    }
    pillars = {p.pk: p for data in datas.values() for p in data.pillars}
    tallies = load_many_tallies(list(surveys.values()), list(pillars.values()))
    reports = []
    for assessment in assessments:
        survey = surveys.get(assessment.pk)
        reports.append(
            build_gap_report(
                assessment,
                datas[assessment.pk],
                survey,
                tallies[survey.pk] if survey else SurveyTallies(),
            )
        )
    return reports


@dataclass(frozen=True)
class RoundSummary:
    """What the team page shows of one round: four figures and the team's mean per pillar."""

    assessment_id: int
    total_mean: float | None
    max_total: int
    mean_rho: float | None
    customer_rho: float | None
    focus: tuple[str, ...]  # the pillars to fix first, by name
    pillar_means: tuple[tuple[str, str, int, float | None], ...]  # slug, name, position, mean


def _summary(report: GapReport) -> RoundSummary:
    means = report.team.scores.mean_by_slug()
    return RoundSummary(
        assessment_id=report.assessment.pk,
        total_mean=report.team.scores.total_mean,
        max_total=report.team.scores.max_total,
        mean_rho=report.team.mean_rho,
        customer_rho=report.spearman.coefficient,
        focus=tuple(str(row.pillar.name) for row in report.focus),
        pillar_means=tuple(
            (p.slug, str(p.name), p.position, means.get(p.slug)) for p in report.data.pillars
        ),
    )


def round_summaries(assessments: list[Assessment]) -> list[RoundSummary]:
    """``team_trends`` as the team page needs it, oldest first: each round's summary is kept in
    the process under the round's data version (and the language, which names the pillars), so
    a change in one round rebuilds that round's report only (the page itself is shared)."""
    assessments = sorted(assessments, key=lambda a: (a.created_at, a.pk))[-TREND_ROUNDS:]
    language = translation.get_language()
    keys = {a.pk: (page_cache.stamp(a), language) for a in assessments}
    found = {
        a.pk: page_cache.cached("round-summary", keys[a.pk], shared=False) for a in assessments
    }
    missing = [a for a in assessments if found[a.pk] is None]
    for report in team_trends(missing) if missing else []:
        summary = _summary(report)
        page_cache.store("round-summary", keys[report.assessment.pk], summary, shared=False)
        found[report.assessment.pk] = summary
    return [summary for a in assessments if (summary := found[a.pk]) is not None]


def summary_series(summaries: list[RoundSummary]) -> list[tuple[str, list[float | None]]]:
    """Each pillar's team mean per round, by name (None where the round did not have it), in
    pillar order."""
    pillars: dict[str, tuple[int, str]] = {}
    for summary in summaries:
        for slug, name, position, _mean in summary.pillar_means:
            pillars.setdefault(slug, (position, name))
    means = [{slug: mean for slug, _n, _p, mean in s.pillar_means} for s in summaries]
    return [
        (name, [m.get(slug) for m in means])
        for slug, (_position, name) in sorted(pillars.items(), key=lambda item: item[1][0])
    ]
