"""Team versus customers: read the survey's tallies (about a thousand rows, whatever the number of
responses) and the team's scorecards, and run the gap statistics on them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from . import analysis
from .models import (
    GENERATION_SHORT_NAMES,
    Assessment,
    CustomerSurvey,
    Generation,
    Pillar,
    SurveyTally,
    TallyMetric,
)
from .reporting import (
    ColleagueComparison,
    RoundData,
    colleague_comparison,
    colleague_document,
    load_round,
    load_rounds,
)

MIN_FOR_CONCLUSION = 30  # below this a group's ranking is shown as "too few to conclude"
FOCUS_COUNT = 4
HALF_RANK = 0.5

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
class GapRow:
    pillar: Pillar
    gap: analysis.RankGap
    customer: CustomerPillar
    team_mean_score: float | None
    team_top_box_share: float | None  # share of colleagues scoring 4–5
    perception_gap: float | None
    expectation_gap: float | None
    ipa: analysis.IpaPoint | None

    @property
    def quadrant_label(self):
        return QUADRANT_LABELS.get(self.ipa.quadrant) if self.ipa else None


@dataclass
class GapReport:
    assessment: Assessment
    survey: CustomerSurvey | None
    data: RoundData
    team: ColleagueComparison
    tallies: SurveyTallies
    customers: list[CustomerPillar]  # customer consensus order
    customer_w: analysis.Concordance
    n_for_half_rank: int | None
    generations: list[GenerationRow]
    generation_differences: list[tuple[Pillar, float]]
    rows: list[GapRow]  # customer consensus order
    spearman: analysis.Correlation
    kendall: analysis.Correlation
    ipa: analysis.Ipa
    performance_source: str  # "customers" or "team"
    colleague_closeness: list[tuple[str, float | None]]
    nps: float | None
    csat: float | None

    @property
    def count(self) -> int:
        return self.tallies.count

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
        if self.count == 0:
            return "none"
        if self.count < MIN_FOR_CONCLUSION:
            return "too_few"
        if self.max_margin is None or self.max_margin > HALF_RANK:
            return "indicative"
        return "enough"

    @property
    def comparable(self) -> bool:
        return self.count > 0 and self.team.count > 0

    @property
    def reading_key(self) -> str:
        return analysis.correlation_reading(self.spearman.coefficient)

    @property
    def focus(self) -> list[GapRow]:
        return self.rows[:FOCUS_COUNT] if self.count else []

    @property
    def fix_first(self) -> list[GapRow]:
        """Focus pillars that customers value most and that perform below the average."""
        return [row for row in self.focus if row.ipa and row.ipa.quadrant == "concentrate_here"]

    @property
    def has_experience(self) -> bool:
        return any(c.experience_mean is not None for c in self.customers)

    @property
    def has_expectation(self) -> bool:
        return any(c.expectation_mean is not None for c in self.customers)

    @property
    def pillar_by_slug(self) -> dict[str, Pillar]:
        return {p.slug: p for p in self.data.pillars}


def _customer_pillars(
    pillars: list[Pillar], tallies: SurveyTallies, positions: dict[str, int]
) -> tuple[list[CustomerPillar], dict[str, analysis.RankSummary]]:
    rank_tally = tallies.rank_tally()
    entries = analysis.consensus(rank_tally, positions)
    summaries = analysis.rank_summaries({p.slug: rank_tally.get(p.slug, {}) for p in pillars})
    pillar_by_slug = {p.slug: p for p in pillars}
    customers = [
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
    return customers, summaries


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
    """The report from loaded data; no queries."""
    team = colleague_comparison(data)
    positions = data.positions
    n = len(data.pillars)
    customers, summaries = _customer_pillars(data.pillars, tallies, positions)
    pillar_by_slug = {p.slug: p for p in data.pillars}

    # Team side, by slug.
    team_entries = [row.entry for row in team.consensus]
    team_mean_rank = {e.slug: e.mean_rank for e in team_entries}
    team_means = team.scores.mean_by_slug()
    team_top_box = {
        row.pillar.slug: (
            sum(c for s, c in row.distribution.items() if s >= 4) / row.count if row.count else None
        )
        for row in team.scores.per_pillar
    }

    has_customers = tallies.count > 0
    gaps = (
        analysis.rank_gaps(team_entries, [c.entry for c in customers], summaries)
        if has_customers and team.count
        else []
    )
    gap_by_slug = {g.slug: g for g in gaps}

    # Importance from the customers; performance from their experience ratings when collected.
    has_experience = any(c.experience_mean is not None for c in customers)
    if performance not in ("customers", "team"):
        performance = "customers" if has_experience else "team"
    if performance == "customers" and not has_experience:
        performance = "team"
    importance = {
        c.pillar.slug: analysis.importance_from_mean_rank(c.entry.mean_rank, n)
        for c in customers
        if c.entry.mean_rank is not None
    }
    performance_values = (
        {c.pillar.slug: c.experience_mean for c in customers}
        if performance == "customers"
        else dict(team_means)
    )
    ipa = analysis.importance_performance(importance, performance_values)
    ipa_by_slug = {point.slug: point for point in ipa.points}

    rows = []
    for c in customers:
        slug = c.pillar.slug
        gap = gap_by_slug.get(slug) or analysis.RankGap(
            slug,
            next((e.consensus_rank for e in team_entries if e.slug == slug), 0),
            c.entry.consensus_rank,
            0,
            team_mean_rank.get(slug),
            None,
        )
        expectation_gap = (
            c.experience_mean - c.expectation_mean
            if c.experience_mean is not None and c.expectation_mean is not None
            else None
        )
        rows.append(
            GapRow(
                pillar=c.pillar,
                gap=gap,
                customer=c,
                team_mean_score=team_means.get(slug),
                team_top_box_share=team_top_box.get(slug),
                perception_gap=analysis.perception_gap(team_means.get(slug), c.experience_mean),
                expectation_gap=expectation_gap,
                ipa=ipa_by_slug.get(slug),
            )
        )

    # Team consensus vs customer consensus, over mean ranks (tie-aware).
    paired = [
        (team_mean_rank[c.pillar.slug], c.entry.mean_rank)
        for c in customers
        if c.entry.mean_rank is not None and team_mean_rank.get(c.pillar.slug) is not None
    ]
    xs, ys = [p[0] for p in paired], [p[1] for p in paired]
    spearman = analysis.spearman(xs, ys) if team.count else analysis.Correlation(None, None)
    kendall = analysis.kendall_tau_b(xs, ys) if team.count else analysis.Correlation(None, None)

    customer_means = {
        c.pillar.slug: c.entry.mean_rank for c in customers if c.entry.mean_rank is not None
    }
    closeness = []
    if has_customers:
        results = analysis.closeness_to([card.ranks for card in data.cards], customer_means)
        closeness = sorted(
            ((card.username, r.coefficient) for card, r in zip(data.cards, results, strict=True)),
            key=lambda item: (item[1] is None, -(item[1] or 0), item[0]),
        )

    generations = []
    for generation in Generation:
        count = tallies.responses.get(generation.value, 0)
        if count == 0:
            continue
        generations.append(
            GenerationRow(
                generation,
                count,
                analysis.consensus(tallies.ranks.get(generation.value, {}), positions),
            )
        )
    concluded = {
        g.generation.value: g.consensus
        for g in generations
        if g.enough and g.generation != Generation.UNDISCLOSED
    }
    differences = [
        (pillar_by_slug[slug], spread)
        for slug, spread in analysis.generation_differences(concluded, k=3)
        if slug in pillar_by_slug
    ]

    all_experience: dict[int, int] = defaultdict(int)
    for counts in tallies.experience.values():
        for value, count in counts.items():
            all_experience[value] += count

    return GapReport(
        assessment=assessment,
        survey=survey,
        data=data,
        team=team,
        tallies=tallies,
        customers=customers if has_customers else [],
        customer_w=analysis.kendall_w_from_tally(tallies.rank_tally())
        if has_customers
        else analysis.Concordance(0, n, None, None, None, None, None),
        n_for_half_rank=analysis.n_for_margin(summaries.values(), margin=HALF_RANK),
        generations=generations,
        generation_differences=differences,
        rows=rows if has_customers else [],
        spearman=spearman,
        kendall=kendall,
        ipa=ipa,
        performance_source=performance,
        colleague_closeness=closeness,
        nps=analysis.nps(tallies.nps),
        csat=analysis.csat(dict(all_experience)),
    )


def report_document(assessment: Assessment, *, performance: str | None = None) -> dict:
    """The whole report.json document (docs/REPORT_JSON.md)."""
    report = gap_report(assessment, performance=performance)
    document = colleague_document(assessment, report.data, report.team)
    document.update(customer_document(report))
    return document


def customer_document(report: GapReport) -> dict:
    """The "customers" and "comparison" parts of report.json."""
    positions = report.data.positions
    return {
        "customers": {
            "count": report.count,
            "target": report.target,
            "consensus": [c.pillar.slug for c in report.customers],
            "kendall_w": report.customer_w.w,
            "nps": report.nps,
            "csat": report.csat,
            "n_for_half_rank_margin": report.n_for_half_rank,
            "sample": report.sample_verdict,
            "pillars": [
                {
                    "slug": c.pillar.slug,
                    "mean_rank": c.entry.mean_rank,
                    "ci95_low": c.summary.ci95_low,
                    "ci95_high": c.summary.ci95_high,
                    "margin": c.summary.margin,
                    "consensus_rank": c.entry.consensus_rank,
                    "experience_mean": c.experience_mean,
                    "expectation_mean": c.expectation_mean,
                    "top_box_share": c.top_box_share,
                }
                for c in sorted(report.customers, key=lambda c: positions[c.pillar.slug])
            ],
            "generations": {
                g.generation.value: {
                    "count": g.count,
                    "consensus": [e.slug for e in g.consensus],
                    "enough": g.enough,
                }
                for g in report.generations
            },
        },
        "comparison": {
            "spearman_rho": report.spearman.coefficient,
            "spearman_p": report.spearman.p_value,
            "kendall_tau_b": report.kendall.coefficient,
            "kendall_p": report.kendall.p_value,
            "performance_source": report.performance_source,
            "focus": [row.pillar.slug for row in report.focus],
            "pillars": [
                {
                    "slug": row.pillar.slug,
                    "team_rank": row.gap.team_rank,
                    "customer_rank": row.gap.customer_rank,
                    "rank_gap": row.gap.rank_gap,
                    "outside_customer_ci": row.gap.outside_ci,
                    "importance": row.ipa.importance if row.ipa else None,
                    "performance": row.ipa.performance if row.ipa else None,
                    "quadrant": row.ipa.quadrant if row.ipa else None,
                    "perception_gap": row.perception_gap,
                    "expectation_gap": row.expectation_gap,
                }
                for row in sorted(report.rows, key=lambda r: positions[r.pillar.slug])
            ],
            "colleague_closeness": [
                {"colleague": name, "rho": rho} for name, rho in report.colleague_closeness
            ],
        },
    }


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


def trend_series(reports: list[GapReport]) -> list[tuple[Pillar, list[float | None]]]:
    """Each pillar's team mean score per round (None where the round did not have it)."""
    pillars: dict[str, Pillar] = {}
    for report in reports:
        for pillar in report.data.pillars:
            pillars.setdefault(pillar.slug, pillar)
    means = [report.team.scores.mean_by_slug() for report in reports]
    return [
        (pillar, [m.get(slug) for m in means])
        for slug, pillar in sorted(pillars.items(), key=lambda item: item[1].position)
    ]
