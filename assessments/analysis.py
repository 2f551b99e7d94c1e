"""Rank statistics for CX Pillars: consensus, concordance, correlations and survey summaries."""

from __future__ import annotations

import math
import statistics
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from scipy import stats

RankTally = Mapping[str, Mapping[int, int]]

QUADRANTS = ("concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill")

_Z95 = 1.96
_TOLERANCE = 1e-9
# Upper (exclusive) limits of each verbal agreement band.
_READINGS = ((0.1, "none"), (0.3, "weak"), (0.5, "moderate"), (0.7, "strong"))


# --------------------------------------------------------------------------- helpers


def _clamp(value: float, low: float, high: float) -> float:
    """Clamp value into [low, high]."""
    return min(high, max(low, value))


def _finite_or_none(value: float | None) -> float | None:
    """Float value, or None for None/NaN/infinite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _check_counts(tally: Mapping[int, int]) -> None:
    """Reject negative counts."""
    for value, count in tally.items():
        if count < 0:
            raise ValueError(f"negative count {count} for value {value}")


def _total(tally: Mapping[int, int]) -> int:
    """Number of observations in a {value: count} tally."""
    _check_counts(tally)
    return sum(tally.values())


def _exact_mean(tally: Mapping[int, int]) -> Fraction | None:
    """Exact mean of a {value: count} tally, None when empty."""
    total = _total(tally)
    if total == 0:
        return None
    # Fraction() of the sum also accepts float or Decimal keys, should a caller pass them.
    return Fraction(sum(value * count for value, count in tally.items())) / total


# --------------------------------------------------------------------------- ranks


def mid_ranks(values: Sequence[float]) -> list[float]:
    """Ranks with smallest value first (1-based); ties share the average position."""
    if any(math.isnan(value) for value in values):  # NaN has no place in an ordering
        raise ValueError("cannot rank NaN")
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = (start + end) / 2 + 1
        for index in order[start : end + 1]:
            ranks[index] = shared
        start = end + 1
    return ranks


def tally_rankings(rankings: Sequence[Mapping[str, int]]) -> dict[str, dict[int, int]]:
    """Turn one slug->rank mapping per rater into a slug -> {rank: count} tally."""
    counters: dict[str, Counter[int]] = {}
    for ranking in rankings:
        for slug, rank in ranking.items():
            counters.setdefault(slug, Counter())[rank] += 1
    # Sorted inner keys keep the output deterministic regardless of rater order.
    return {slug: dict(sorted(counter.items())) for slug, counter in counters.items()}


# --------------------------------------------------------------------------- consensus


@dataclass(frozen=True)
class ConsensusEntry:
    """One pillar's place in a consensus ordering."""

    slug: str
    mean_rank: float | None
    first_places: int
    consensus_rank: int


def consensus(tally: RankTally, positions: Mapping[str, int]) -> list[ConsensusEntry]:
    """Order pillars by mean rank, then more first places, then lower position."""
    slugs = list(positions) + [slug for slug in tally if slug not in positions]
    # Unknown slugs sort after every configured pillar, alphabetically, so nothing is dropped.
    fallback = max(positions.values(), default=0) + 1

    def position_key(slug: str) -> tuple[int, str]:
        return (positions.get(slug, fallback), slug)

    ranked: list[tuple[Fraction, int, str]] = []
    unranked: list[str] = []
    for slug in slugs:
        counts = tally.get(slug, {})
        mean = _exact_mean(counts)
        if mean is None:
            unranked.append(slug)
        else:
            ranked.append((mean, counts.get(1, 0), slug))

    # Fractions make equal means compare equal exactly, so the tie-breaks really apply.
    ranked.sort(key=lambda item: (item[0], -item[1], position_key(item[2])))
    unranked.sort(key=position_key)

    entries = [
        ConsensusEntry(slug, float(mean), firsts, index)
        for index, (mean, firsts, slug) in enumerate(ranked, start=1)
    ]
    entries.extend(
        ConsensusEntry(slug, None, tally.get(slug, {}).get(1, 0), index)
        for index, slug in enumerate(unranked, start=len(entries) + 1)
    )
    return entries


# --------------------------------------------------------------------------- concordance


@dataclass(frozen=True)
class Concordance:
    """Kendall's coefficient of concordance W with its chi-square test."""

    raters: int
    items: int
    w: float | None
    chi_square: float | None
    df: int | None
    p_value: float | None
    s: float | None

    @property
    def enough(self) -> bool:
        """True when W could be computed."""
        return self.w is not None


def _concordance(raters: int, items: int, s: Fraction, denominator: int) -> Concordance:
    """Build a Concordance from the exact S and W denominator."""
    if raters < 2 or items < 2 or denominator == 0:
        return Concordance(raters, items, None, None, None, None, None)
    w = _clamp(float(12 * s / denominator), 0.0, 1.0)
    chi_square = raters * (items - 1) * w
    df = items - 1
    p_value = _finite_or_none(stats.chi2.sf(chi_square, df))
    return Concordance(raters, items, w, chi_square, df, p_value, float(s))


def kendall_w(rows: Sequence[Sequence[float]], *, correct_ties: bool = True) -> Concordance:
    """Kendall's W for raters (rows) by items (columns), using mid-ranks within each row."""
    raters = len(rows)
    items = len(rows[0]) if rows else 0
    if any(len(row) != items for row in rows):
        raise ValueError("every rater must score every item")
    if raters < 2 or items < 2:
        return Concordance(raters, items, None, None, None, None, None)

    # Mid-ranks are multiples of 1/2, so doubled rank sums are integers and S is exact.
    doubled_sums = [0] * items
    tie_term = 0
    for row in rows:
        ranks = mid_ranks(row)
        for index, rank in enumerate(ranks):
            doubled_sums[index] += round(2 * rank)
        tie_term += sum(t**3 - t for t in Counter(ranks).values())
    doubled_mean = raters * (items + 1)  # every row of mid-ranks sums to n(n+1)/2
    s = Fraction(sum((total - doubled_mean) ** 2 for total in doubled_sums), 4)

    denominator = raters**2 * (items**3 - items)
    if correct_ties:
        denominator -= raters * tie_term
    return _concordance(raters, items, s, denominator)


def kendall_w_from_tally(tally: RankTally) -> Concordance:
    """Kendall's W (no ties) for strict complete rankings given as slug -> {rank: count}."""
    items = len(tally)
    totals = [_total(counts) for counts in tally.values()]
    raters = max(totals, default=0)
    # A tally that cannot come from strict complete rankings of all items has no valid W.
    per_rank: Counter[int] = Counter()
    for counts in tally.values():
        for rank, count in counts.items():
            if count:
                per_rank[rank] += count
    consistent = all(total == raters for total in totals) and all(
        per_rank[rank] == raters for rank in range(1, items + 1)
    )
    if not consistent or set(per_rank) - set(range(1, items + 1)):
        return Concordance(raters, items, None, None, None, None, None)

    rank_sums = [sum(rank * count for rank, count in counts.items()) for counts in tally.values()]
    mean_sum = Fraction(sum(rank_sums), items) if items else Fraction(0)
    s = sum((Fraction(total) - mean_sum) ** 2 for total in rank_sums)
    return _concordance(raters, items, Fraction(s), raters**2 * (items**3 - items))


def agreement_reading(value: float | None) -> str:
    """Verbal label for a W or correlation value."""
    if value is None or math.isnan(value):
        return "unknown"
    if value < 0:
        return "opposite"
    return next((label for limit, label in _READINGS if value < limit), "very_strong")


# Evans (1996) bands for a correlation's strength: below 0.2 very weak, 0.4 weak, 0.6 moderate,
# 0.8 strong. Kendall's W keeps its own, lower bands (agreement_reading).
_CORRELATION_READINGS = ((0.2, "none"), (0.4, "weak"), (0.6, "moderate"), (0.8, "strong"))


def correlation_reading(value: float | None) -> str:
    """Verbal label for a correlation: small negatives are no relation, not opposition."""
    if value is None or math.isnan(value):
        return "unknown"
    if value <= -0.2:
        return "opposite"
    return next((label for limit, label in _CORRELATION_READINGS if value < limit), "very_strong")


# --------------------------------------------------------------------------- correlations


@dataclass(frozen=True)
class Correlation:
    """A rank correlation coefficient with its two-sided p-value."""

    coefficient: float | None
    p_value: float | None


def _correlate(x: Sequence[float], y: Sequence[float], method: Callable[..., Any]) -> Correlation:
    """Run a scipy rank correlation, mapping undefined results to None."""
    if len(x) != len(y):
        raise ValueError("x and y must have the same length")
    if len(x) < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return Correlation(None, None)
    with warnings.catch_warnings():
        # Degenerate inputs (e.g. NaN) are reported as None below, not as warnings.
        warnings.simplefilter("ignore")
        result = method(x, y)
    coefficient = _finite_or_none(result.statistic)
    if coefficient is None:
        return Correlation(None, None)
    p_value = _finite_or_none(result.pvalue) if len(x) >= 3 else None
    if p_value is not None:
        p_value = _clamp(p_value, 0.0, 1.0)
    return Correlation(_clamp(coefficient, -1.0, 1.0), p_value)


def spearman(x: Sequence[float], y: Sequence[float]) -> Correlation:
    """Spearman's rho (Pearson's r of mid-ranks) with scipy's two-sided t-test p-value.

    Computed here rather than with ``scipy.stats.spearmanr``, which costs about a millisecond a
    call in array set-up; a report makes dozens of these calls on ten-item rankings. The tests
    check both against scipy.
    """
    if len(x) != len(y):
        raise ValueError("x and y must have the same length")
    n = len(x)
    if n < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return Correlation(None, None)
    rx, ry = mid_ranks(x), mid_ranks(y)
    mean = (n + 1) / 2  # mid-ranks of n values always average (n + 1) / 2
    sxy = sum((a - mean) * (b - mean) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mean) ** 2 for a in rx)
    syy = sum((b - mean) ** 2 for b in ry)
    rho = _clamp(sxy / math.sqrt(sxx * syy), -1.0, 1.0)
    if n < 3:
        return Correlation(rho, None)
    if abs(rho) >= 1.0:
        return Correlation(rho, 0.0)
    t = rho * math.sqrt((n - 2) / ((1.0 - rho) * (1.0 + rho)))
    return Correlation(rho, _clamp(float(2 * stats.t.sf(abs(t), n - 2)), 0.0, 1.0))


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> Correlation:
    """Kendall's tau-b between two paired sequences."""
    return _correlate(x, y, stats.kendalltau)


def pairwise_spearman(rows: Sequence[Sequence[float]]) -> list[list[float | None]]:
    """Symmetric matrix of Spearman's rho between every pair of raters (rows)."""
    size = len(rows)
    matrix: list[list[float | None]] = [[None] * size for _ in range(size)]
    for i in range(size):
        # A constant row has no rank order, so even its self-correlation is undefined.
        matrix[i][i] = 1.0 if len(set(rows[i])) >= 2 else None
        for j in range(i + 1, size):
            rho = spearman(rows[i], rows[j]).coefficient
            matrix[i][j] = matrix[j][i] = rho
    return matrix


# --------------------------------------------------------------------------- spread


@dataclass(frozen=True)
class RankSpread:
    """How widely raters placed one pillar."""

    slug: str
    sd: float | None
    min: int | None
    max: int | None


def rank_spread(rankings: Sequence[Mapping[str, int]], slugs: Sequence[str]) -> list[RankSpread]:
    """Sample sd, min and max of each pillar's ranks across raters, in the order of slugs."""
    spreads = []
    for slug in slugs:
        ranks = [ranking[slug] for ranking in rankings if slug in ranking]
        sd = statistics.stdev(ranks) if len(ranks) >= 2 else None
        spreads.append(
            RankSpread(slug, sd, min(ranks) if ranks else None, max(ranks) if ranks else None)
        )
    return spreads


def most_disputed(
    spreads: Sequence[RankSpread], positions: Mapping[str, int], k: int = 3
) -> list[RankSpread]:
    """The k pillars with the largest sd, then widest range, then lowest position."""
    candidates = [spread for spread in spreads if spread.sd is not None]
    fallback = max(positions.values(), default=0) + 1

    def key(spread: RankSpread) -> tuple[float, int, int, str]:
        # An sd implies at least two ranks, so min and max are set; `or 0` only satisfies typing.
        return (
            -(spread.sd or 0.0),
            -((spread.max or 0) - (spread.min or 0)),
            positions.get(spread.slug, fallback),
            spread.slug,
        )

    return sorted(candidates, key=key)[: max(k, 0)]


def closeness_to(
    rankings: Sequence[Mapping[str, int]], reference: Mapping[str, float]
) -> list[Correlation]:
    """Spearman's rho of each rater's ranks against reference values, one per rater."""
    results = []
    for ranking in rankings:
        # Only slugs both sides know about can be paired.
        slugs = [slug for slug in reference if slug in ranking]
        results.append(
            spearman([ranking[slug] for slug in slugs], [reference[slug] for slug in slugs])
        )
    return results


# --------------------------------------------------------------------------- survey summaries


@dataclass(frozen=True)
class RankSummary:
    """Mean customer rank of one pillar with a normal-approximation 95% interval."""

    slug: str
    n: int
    mean: float | None
    sd: float | None
    ci95_low: float | None
    ci95_high: float | None
    margin: float | None


def rank_summaries(tally: RankTally) -> dict[str, RankSummary]:
    """Mean, sample sd and 95% CI of each pillar's rank from a tally."""
    summaries = {}
    for slug, counts in tally.items():
        n = _total(counts)
        mean = _exact_mean(counts)
        if mean is None:
            summaries[slug] = RankSummary(slug, 0, None, None, None, None, None)
            continue
        if n < 2:
            summaries[slug] = RankSummary(slug, n, float(mean), None, None, None, None)
            continue
        variance = sum(count * (rank - mean) ** 2 for rank, count in counts.items()) / (n - 1)
        sd = math.sqrt(variance)
        margin = _Z95 * sd / math.sqrt(n)
        summaries[slug] = RankSummary(
            slug, n, float(mean), sd, float(mean) - margin, float(mean) + margin, margin
        )
    return summaries


def n_for_margin(
    summaries: Iterable[RankSummary], margin: float = 0.5, z: float = 1.96
) -> int | None:
    """Smallest sample size giving every pillar a CI half-width of at most margin."""
    if margin <= 0:
        raise ValueError("margin must be positive")
    needed = [
        # Rounding first stops float noise like 96.00000000000001 from adding a respondent.
        math.ceil(round((z * summary.sd / margin) ** 2, 9))
        for summary in summaries
        if summary.sd is not None
    ]
    if not needed:
        return None
    # An sd needs two answers, so fewer than two respondents can never be enough.
    return max(2, *needed)


def mean_of(tally: Mapping[int, int]) -> float | None:
    """Mean of values given as {value: count}."""
    mean = _exact_mean(tally)
    return None if mean is None else float(mean)


def share_at_least(tally: Mapping[int, int], threshold: int) -> float | None:
    """Fraction (0..1) of values at or above threshold."""
    total = _total(tally)
    if total == 0:
        return None
    return sum(count for value, count in tally.items() if value >= threshold) / total


def _check_scale(tally: Mapping[int, int], low: int, high: int) -> None:
    """Reject answers outside a rating scale."""
    for value, count in tally.items():
        if count and not low <= value <= high:
            raise ValueError(f"value {value} outside the {low}-{high} scale")


def nps(tally: Mapping[int, int]) -> float | None:
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6)."""
    _check_scale(tally, 0, 10)
    total = _total(tally)
    if total == 0:
        return None
    promoters = sum(count for score, count in tally.items() if score >= 9)
    detractors = sum(count for score, count in tally.items() if score <= 6)
    return 100 * (promoters - detractors) / total


def csat(tally: Mapping[int, int]) -> float | None:
    """Customer satisfaction: % of 1-5 ratings that are 4 or 5."""
    _check_scale(tally, 1, 5)
    share = share_at_least(tally, 4)
    return None if share is None else 100 * share


# --------------------------------------------------------------------------- team vs customers


@dataclass(frozen=True)
class RankGap:
    """Difference between the team's and the customers' placing of one pillar."""

    slug: str
    team_rank: int
    customer_rank: int
    rank_gap: int
    team_mean_rank: float | None
    outside_ci: bool | None


def rank_gaps(
    team: Sequence[ConsensusEntry],
    customers: Sequence[ConsensusEntry],
    summaries: Mapping[str, RankSummary],
) -> list[RankGap]:
    """Team rank minus customer rank per pillar, in customer consensus order."""
    team_by_slug = {entry.slug: entry for entry in team}
    gaps = []
    for customer in sorted(customers, key=lambda entry: entry.consensus_rank):
        mine = team_by_slug.get(customer.slug)
        if mine is None:
            continue
        summary = summaries.get(customer.slug)
        outside: bool | None = None
        if (
            mine.mean_rank is not None
            and summary is not None
            and summary.ci95_low is not None
            and summary.ci95_high is not None
        ):
            outside = not summary.ci95_low <= mine.mean_rank <= summary.ci95_high
        gaps.append(
            RankGap(
                customer.slug,
                mine.consensus_rank,
                customer.consensus_rank,
                mine.consensus_rank - customer.consensus_rank,
                mine.mean_rank,
                outside,
            )
        )
    return gaps


@dataclass(frozen=True)
class IpaPoint:
    """One pillar on the importance-performance grid."""

    slug: str
    importance: float
    performance: float
    quadrant: str


@dataclass(frozen=True)
class Ipa:
    """Importance-performance analysis with cuts at the means."""

    importance_cut: float | None
    performance_cut: float | None
    points: list[IpaPoint]


def importance_from_mean_rank(mean_rank: float, n: int) -> float:
    """Turn a mean rank (1 = most important) into an importance score (n = most important)."""
    return (n + 1) - mean_rank


def _at_least(value: float, cut: float) -> bool:
    """value >= cut, treating float noise around the cut as on the line."""
    return value > cut or math.isclose(value, cut, rel_tol=_TOLERANCE, abs_tol=_TOLERANCE)


def importance_performance(
    importance: Mapping[str, float | None], performance: Mapping[str, float | None]
) -> Ipa:
    """Place pillars into IPA quadrants split at the mean importance and mean performance."""
    pairs: list[tuple[str, float, float]] = []
    for slug, imp in importance.items():
        perf = performance.get(slug)
        if imp is not None and perf is not None:
            pairs.append((slug, float(imp), float(perf)))
    if not pairs:
        return Ipa(None, None, [])
    importance_cut = statistics.fmean(value for _, value, _ in pairs)
    performance_cut = statistics.fmean(value for _, _, value in pairs)
    quadrant_of = {
        (True, False): "concentrate_here",
        (True, True): "keep_up_the_good_work",
        (False, False): "low_priority",
        (False, True): "possible_overkill",
    }
    points = [
        IpaPoint(
            slug,
            imp,
            perf,
            quadrant_of[(_at_least(imp, importance_cut), _at_least(perf, performance_cut))],
        )
        for slug, imp, perf in pairs
    ]
    return Ipa(importance_cut, performance_cut, points)


def focus_pillars(customer_consensus: Sequence[ConsensusEntry], k: int = 4) -> list[str]:
    """The customers' k most important pillars that have a mean rank, in order."""
    ordered = sorted(customer_consensus, key=lambda entry: entry.consensus_rank)
    return [entry.slug for entry in ordered if entry.mean_rank is not None][: max(k, 0)]


def perception_gap(
    team_mean_score: float | None, customer_mean_experience: float | None
) -> float | None:
    """Team's mean self-assessment minus customers' mean experience (positive = team too rosy)."""
    if team_mean_score is None or customer_mean_experience is None:
        return None
    return team_mean_score - customer_mean_experience


def generation_differences(
    consensus_by_generation: Mapping[str, Sequence[ConsensusEntry]], k: int = 3
) -> list[tuple[str, float]]:
    """The k pillars whose mean rank differs most between generations, largest first."""
    if len(consensus_by_generation) < 2:
        return []
    means: dict[str, list[float]] = {}
    for entries in consensus_by_generation.values():
        for entry in entries:
            bucket = means.setdefault(entry.slug, [])
            if entry.mean_rank is not None:
                bucket.append(entry.mean_rank)
    # A pillar seen by only one generation has no difference to report.
    differences = [(slug, max(vals) - min(vals)) for slug, vals in means.items() if len(vals) >= 2]
    # sorted() is stable, so equal differences keep first-appearance order.
    return sorted(differences, key=lambda item: -item[1])[: max(k, 0)]


# --------------------------------------------------------------------------- CX diagnostic

# Points per answer of the diagnostic: Yes 1, Partly ½, No 0.
REPLY_POINTS = {"yes": 1.0, "partly": 0.5, "no": 0.0}


@dataclass(frozen=True)
class ReplyCounts:
    """How many colleagues answered one diagnostic question Yes, Partly and No."""

    yes: int = 0
    partly: int = 0
    no: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.partly + self.no


def question_score(counts: ReplyCounts) -> float | None:
    """Mean points of one question (Yes 1, Partly ½, No 0) over the colleagues who answered."""
    if counts.total == 0:
        return None
    return (counts.yes + 0.5 * counts.partly) / counts.total


def area_score(questions: Sequence[ReplyCounts]) -> float | None:
    """An area's score: the sum of its questions' mean points (0 to the number of questions)."""
    scores = [question_score(counts) for counts in questions]
    if all(score is None for score in scores):
        return None
    return sum(score for score in scores if score is not None)


def reply_disagreement(counts: ReplyCounts) -> float | None:
    """Population variance of the points (0, ½, 1) × 4: 0 all agree, 1 an even Yes/No split."""
    n = counts.total
    if n == 0:
        return None
    mean = (counts.yes + 0.5 * counts.partly) / n
    second_moment = (counts.yes + 0.25 * counts.partly) / n
    return _clamp(4 * (second_moment - mean * mean), 0.0, 1.0)


def most_disagreed(counts_by_question: Mapping[str, ReplyCounts], k: int = 5) -> list[str]:
    """The k questions with the largest disagreement, ties in the mapping's order; none below 0."""
    scored = [
        (slug, value)
        for slug, counts in counts_by_question.items()
        if (value := reply_disagreement(counts)) is not None and value > _TOLERANCE
    ]
    # sorted() is stable: equal disagreement keeps the questions' own order.
    return [slug for slug, _value in sorted(scored, key=lambda item: -item[1])][: max(k, 0)]


# --------------------------------------------------------------------------- dashboard metrics


def nps_margin(tally: Mapping[int, int]) -> float | None:
    """95% NPS margin ±1.96·100·√((pP + pD − (pP − pD)²)/N): Wald, multinomial difference."""
    _check_scale(tally, 0, 10)
    n = _total(tally)
    if n == 0:
        return None
    promoters = sum(count for score, count in tally.items() if score >= 9) / n
    detractors = sum(count for score, count in tally.items() if score <= 6) / n
    variance = promoters + detractors - (promoters - detractors) ** 2
    return _Z95 * 100 * math.sqrt(max(variance, 0.0) / n)


def share_margin(share: float | None, n: int) -> float | None:
    """95% margin in points of a percentage share, ±1.96·100·√(p(1−p)/N) (Wald interval)."""
    if share is None or n <= 0:
        return None
    p = share / 100
    return _Z95 * 100 * math.sqrt(max(p * (1 - p), 0.0) / n)


def ces(tally: Mapping[int, int]) -> float | None:
    """Customer effort score: % of 1–5 agreement answers to "it was easy" that are 4 or 5."""
    _check_scale(tally, 1, 5)
    share = share_at_least(tally, 4)
    return None if share is None else 100 * share


def meets_target(
    value: float | None, target: float | None, *, lower_is_better: bool
) -> bool | None:
    """Whether a metric's value reaches its target (None when either is missing)."""
    if value is None or target is None:
        return None
    return value <= target if lower_is_better else value >= target
