"""Rank statistics for CX Pillars: consensus, concordance, correlations and survey summaries."""

from __future__ import annotations

import itertools
import math
import statistics
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

import numpy as np
from scipy import special, stats

RankTally = Mapping[str, Mapping[int, int]]

QUADRANTS = ("concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill")

ALPHA = 0.05  # significance level of every test the report reads
_TOLERANCE = 1e-9
EXACT_SPEARMAN_MAX_N = 12  # exact null distribution up to here (without ties)
ENUMERATE_MAX_N = 8  # with ties, every reordering is tried up to here (8! = 40,320)
PERMUTATIONS = 1999  # Monte Carlo permutations where no exact distribution is used


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
    p_value = _finite_or_none(special.chdtrc(df, chi_square))
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


# Evans (1996), Straightforward Statistics for the Behavioral Sciences: a correlation below 0.2 is
# very weak, below 0.4 weak, below 0.6 moderate, below 0.8 strong, from 0.8 very strong.
_EVANS_BANDS = ((0.2, "very_weak"), (0.4, "weak"), (0.6, "moderate"), (0.8, "strong"))


def correlation_reading(value: float | None) -> str:
    """Evans (1996) strength band of a correlation; -0.2 or below reads as opposite."""
    if value is None or math.isnan(value):
        return "unknown"
    if value <= -0.2:
        return "opposite"
    return next((label for limit, label in _EVANS_BANDS if value < limit), "very_strong")


def significant_reading(value: float | None, p_value: float | None, alpha: float = ALPHA) -> str:
    """Evans (1996) band of a correlation whose test is significant, else "not_significant"."""
    if value is None or p_value is None or math.isnan(value):
        return "unknown"
    if p_value >= alpha:
        return "not_significant"
    return correlation_reading(value)


def _seed(*parts: object) -> int:
    """Seed taken from the data, so the same data always get the same permutation p-value."""
    return zlib.crc32(repr(parts).encode())


def _has_ties(values: Sequence[float]) -> bool:
    """True when some value occurs twice."""
    return len(set(values)) < len(values)


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


def spearman_rho(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho, Pearson's r of mid-ranks (Spearman 1904); None when a side is constant.

    Computed here rather than with ``scipy.stats.spearmanr``, which costs about a millisecond a
    call in array set-up; a report makes dozens of these calls on ten-item rankings. The tests
    check both against scipy.
    """
    if len(x) != len(y):
        raise ValueError("x and y must have the same length")
    n = len(x)
    if n < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    rx, ry = mid_ranks(x), mid_ranks(y)
    mean = (n + 1) / 2  # mid-ranks of n values always average (n + 1) / 2
    sxy = sum((a - mean) * (b - mean) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mean) ** 2 for a in rx)
    syy = sum((b - mean) ** 2 for b in ry)
    return _clamp(sxy / math.sqrt(sxx * syy), -1.0, 1.0)


@cache
def spearman_null_distribution(n: int) -> tuple[tuple[int, int], ...]:
    """Exact null distribution of sum(d²) over all n! orderings as (value, count) pairs.

    Counted by dynamic programming over the set of ranks already placed (Kendall & Gibbons 1990,
    ch. 4 tabulate the same distribution); about 50 ms for n = 12, once per process.
    """
    if not 1 <= n <= EXACT_SPEARMAN_MAX_N:
        raise ValueError(f"exact distribution only for 1 <= n <= {EXACT_SPEARMAN_MAX_N}")
    size = (n**3 - n) // 3 + 1
    full = (1 << n) - 1
    table: dict[int, np.ndarray] = {0: np.zeros(size, dtype=np.int64)}
    table[0][0] = 1
    for mask in range(full):
        counts = table.pop(mask, None)
        if counts is None:
            continue
        position = mask.bit_count()
        for rank in range(n):
            if mask & (1 << rank):
                continue
            step = (position - rank) ** 2
            target = table.setdefault(mask | (1 << rank), np.zeros(size, dtype=np.int64))
            target[step:] += counts[: size - step]
    final = table[full]
    return tuple((int(d2), int(final[d2])) for d2 in np.flatnonzero(final))


def spearman_exact_p(rho: float, n: int, *, alternative: str = "two-sided") -> float:
    """Exact p of Spearman's rho without ties, full null distribution (Kendall & Gibbons 1990)."""
    values, counts = _spearman_null_arrays(n)
    if alternative == "greater":
        extreme = values >= rho - _TOLERANCE
    else:
        extreme = np.abs(values) >= abs(rho) - _TOLERANCE
    return int(counts[extreme].sum()) / math.factorial(n)


@cache
def _spearman_null_arrays(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The exact null distribution as arrays of rho values and their counts."""
    distribution = spearman_null_distribution(n)
    values = np.array([1 - 6 * d2 / (n**3 - n) for d2, _ in distribution])
    return values, np.array([count for _, count in distribution], dtype=np.int64)


@cache
def _all_orderings(n: int) -> np.ndarray:
    """Every permutation of range(n) as rows (n <= ENUMERATE_MAX_N)."""
    return np.array(list(itertools.permutations(range(n))), dtype=np.intp)


def _spearman_permutation_p(
    x: Sequence[float], y: Sequence[float], rho: float, permutations: int
) -> tuple[float, str]:
    """Two-sided permutation p of rho with ties kept: every reordering for n <= 8, else Monte
    Carlo with (hits + 1)/(B + 1) (Phipson & Smyth 2010)."""
    rx, ry = sorted([tuple(mid_ranks(x)), tuple(mid_ranks(y))])  # same answer for (y, x)
    fixed, moved = np.asarray(rx), np.asarray(ry)
    if len(moved) <= ENUMERATE_MAX_N:
        shuffled = moved[_all_orderings(len(moved))]
        method = "exact"
    else:
        rng = np.random.default_rng(_seed(rx, ry))
        shuffled = rng.permuted(np.tile(moved, (permutations, 1)), axis=1)
        method = "permutation"
    cx = fixed - fixed.mean()
    cy = moved - moved.mean()
    r = ((shuffled - moved.mean()) @ cx) / math.sqrt(float(cx @ cx) * float(cy @ cy))
    hits = int(np.count_nonzero(np.abs(r) >= abs(rho) - _TOLERANCE))
    if method == "exact":
        return hits / len(shuffled), method
    return (hits + 1) / (permutations + 1), method


def spearman(
    x: Sequence[float], y: Sequence[float], *, permutations: int = PERMUTATIONS
) -> Correlation:
    """Spearman (1904) rho; exact p for n <= 12 untied, else permutation (Phipson & Smyth 2010)."""
    rho = spearman_rho(x, y)
    n = len(x)
    if rho is None:
        return Correlation(None, None)
    if n < 3:
        return Correlation(rho, None)
    if n <= EXACT_SPEARMAN_MAX_N and not _has_ties(x) and not _has_ties(y):
        return Correlation(rho, spearman_exact_p(rho, n))
    return Correlation(rho, _spearman_permutation_p(x, y, rho, permutations)[0])


def spearman_ci95(rho: float | None, n: int) -> tuple[float, float] | None:
    """95% CI of Spearman's rho: Fisher z, Bonett & Wright (2000) variance (1 + rho²/2)/(n - 3)."""
    if rho is None or n < 4 or abs(rho) >= 1:
        return None
    z = math.atanh(rho)
    half = _z(0.95) * math.sqrt((1 + rho * rho / 2) / (n - 3))
    return math.tanh(z - half), math.tanh(z + half)


# scipy.special's distribution functions answer in microseconds; scipy.stats' frozen-argument
# checks cost about half a millisecond a call, and a report makes dozens of calls.
def _z(level: float) -> float:
    """Two-sided normal quantile for a confidence level."""
    return float(special.ndtri(0.5 + level / 2))


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> Correlation:
    """Kendall's tau-b between two paired sequences (scipy.stats.kendalltau)."""
    return _correlate(x, y, stats.kendalltau)


def pairwise_spearman(rows: Sequence[Sequence[float]]) -> list[list[float | None]]:
    """Symmetric matrix of Spearman's rho between every pair of raters (rows)."""
    size = len(rows)
    matrix: list[list[float | None]] = [[None] * size for _ in range(size)]
    for i in range(size):
        # A constant row has no rank order, so even its self-correlation is undefined.
        matrix[i][i] = 1.0 if len(set(rows[i])) >= 2 else None
        for j in range(i + 1, size):
            matrix[i][j] = matrix[j][i] = spearman_rho(rows[i], rows[j])
    return matrix


# --------------------------------------------------------------------------- agreement


@dataclass(frozen=True)
class Agreement:
    """Kendall's W, the mean pairwise rho it implies, and a p-value for W."""

    concordance: Concordance
    mean_rho: float | None
    p_value: float | None
    method: str  # exact | permutation | iman_davenport | "" when not computed

    @property
    def reading(self) -> str:
        """Evans band of the mean pairwise rho, only when W is significant."""
        return significant_reading(self.mean_rho, self.p_value)


def mean_pairwise_rho(w: float | None, raters: int) -> float | None:
    """Mean Spearman rho over all pairs of raters, (mW - 1)/(m - 1) (Kendall & Gibbons 1990)."""
    if w is None or raters < 2:
        return None
    return _clamp((raters * w - 1) / (raters - 1), -1.0, 1.0)


def complete_rankings(
    rankings: Sequence[Mapping[str, int]], slugs: Sequence[str]
) -> tuple[list[str], list[list[float]]]:
    """Pillars every rater ranked, and each rater's ranks of them: missing answers stay missing."""
    kept = [slug for slug in slugs if all(slug in ranking for ranking in rankings)]
    return kept, [[float(ranking[slug]) for slug in kept] for ranking in rankings]


def concordance_test(
    rows: Sequence[Sequence[float]], *, permutations: int = PERMUTATIONS
) -> Agreement:
    """Kendall's W tested by permuting each rater's ranks (Legendre 2005); exact for two raters."""
    concordance = kendall_w(rows)
    if concordance.w is None:
        return Agreement(concordance, None, None, "")
    raters, items = concordance.raters, concordance.items
    mean_rho = mean_pairwise_rho(concordance.w, raters)
    if raters == 2 and items <= EXACT_SPEARMAN_MAX_N and not any(map(_has_ties, rows)):
        # With two raters W = (1 + rho)/2, so W's upper tail is rho's (Kendall & Gibbons 1990).
        rho = spearman_rho(rows[0], rows[1])
        p_value = None if rho is None else spearman_exact_p(rho, items, alternative="greater")
        return Agreement(concordance, mean_rho, p_value, "exact")
    ranked = np.asarray([mid_ranks(row) for row in rows])
    centre = raters * (items + 1) / 2
    observed = float(((ranked.sum(axis=0) - centre) ** 2).sum())
    rng = np.random.default_rng(_seed(ranked.tolist()))
    shuffled = rng.permuted(np.broadcast_to(ranked, (permutations, raters, items)), axis=2)
    s = ((shuffled.sum(axis=1) - centre) ** 2).sum(axis=1)
    hits = int(np.count_nonzero(s >= observed - _TOLERANCE))
    return Agreement(concordance, mean_rho, (hits + 1) / (permutations + 1), "permutation")


def iman_davenport_p(w: float | None, raters: int, items: int) -> float | None:
    """P of Kendall's W by Iman & Davenport (1980): F = (m-1)W/(1-W), (n-1, (m-1)(n-1)) df."""
    if w is None or raters < 2 or items < 2:
        return None
    if w >= 1:
        return 0.0
    f = (raters - 1) * w / (1 - w)
    return _finite_or_none(special.fdtrc(items - 1, (raters - 1) * (items - 1), f))


def concordance_test_from_tally(tally: RankTally) -> Agreement:
    """Kendall's W of complete rankings given as a tally, tested with the Iman-Davenport F."""
    concordance = kendall_w_from_tally(tally)
    p_value = iman_davenport_p(concordance.w, concordance.raters, concordance.items)
    method = "iman_davenport" if p_value is not None else ""
    return Agreement(
        concordance, mean_pairwise_rho(concordance.w, concordance.raters), p_value, method
    )


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


def leave_one_out_closeness(rankings: Sequence[Mapping[str, int]]) -> list[Correlation]:
    """Spearman's rho of each rater with the other raters' mean ranks (leave-one-out)."""
    results = []
    for index, ranking in enumerate(rankings):
        others = [other for position, other in enumerate(rankings) if position != index]
        sums: dict[str, list[int]] = {}
        for other in others:
            for slug, rank in other.items():
                sums.setdefault(slug, []).append(rank)
        reference = {slug: statistics.fmean(ranks) for slug, ranks in sums.items()}
        results.append(closeness_to([ranking], reference)[0])
    return results


# --------------------------------------------------------------------------- survey summaries


@dataclass(frozen=True)
class RankSummary:
    """Mean customer rank of one pillar with its 95% t-interval, clipped to the rank scale."""

    slug: str
    n: int
    mean: float | None
    sd: float | None
    ci95_low: float | None
    ci95_high: float | None
    margin: float | None


def _t(level: float, df: float) -> float:
    """Two-sided Student t quantile for a confidence level."""
    return float(special.stdtrit(df, 0.5 + level / 2))


def _moments(tally: Mapping[int, int]) -> tuple[int, float | None, float | None]:
    """Count, mean and sample variance of a {value: count} tally."""
    n = _total(tally)
    mean = _exact_mean(tally)
    if mean is None:
        return 0, None, None
    if n < 2:
        return n, float(mean), None
    centre = float(mean)
    variance = sum(count * (value - centre) ** 2 for value, count in tally.items()) / (n - 1)
    return n, centre, float(variance)


def rank_summaries(tally: RankTally, *, scale_max: int, min_n: int) -> dict[str, RankSummary]:
    """Mean rank, 95% t-interval (Student 1908) clipped to [1, scale_max]; none below min_n."""
    summaries = {}
    for slug, counts in tally.items():
        n, mean, variance = _moments(counts)
        sd = None if variance is None else math.sqrt(variance)
        if mean is None or sd is None or n < max(min_n, 2):
            summaries[slug] = RankSummary(slug, n, mean, sd, None, None, None)
            continue
        margin = _t(0.95, n - 1) * sd / math.sqrt(n)
        summaries[slug] = RankSummary(
            slug,
            n,
            mean,
            sd,
            _clamp(mean - margin, 1.0, float(scale_max)),
            _clamp(mean + margin, 1.0, float(scale_max)),
            margin,
        )
    return summaries


def design_rank_sd(items: int) -> float:
    """Sd of a pillar's rank under random ranking, sqrt((n² - 1)/12) (discrete uniform)."""
    return math.sqrt((items**2 - 1) / 12)


def n_for_margin(
    summaries: Iterable[RankSummary], *, scale_max: int, min_n: int, margin: float = 0.5
) -> int | None:
    """Responses for each pillar's 95% t half-width <= margin, per pillar (Cochran 1977).

    Uses the observed sd, or the design sd of random ranking when the observed spread is
    degenerate (sd 0 or fewer than min_n answers); the largest need over pillars.
    """
    if margin <= 0:
        raise ValueError("margin must be positive")
    needs = []
    for summary in summaries:
        sd = summary.sd
        if sd is None or sd == 0 or summary.n < min_n:
            sd = design_rank_sd(scale_max)
        if sd == 0:
            continue
        n = max(2, math.ceil(round((_z(0.95) * sd / margin) ** 2, 9)))
        while _t(0.95, n - 1) * sd / math.sqrt(n) > margin:
            n += 1
        needs.append(n)
    return max(needs) if needs else None


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
    """Net Promoter Score (Reichheld 2003): % promoters (9-10) minus % detractors (0-6)."""
    _check_scale(tally, 0, 10)
    total = _total(tally)
    if total == 0:
        return None
    promoters = sum(count for score, count in tally.items() if score >= 9)
    detractors = sum(count for score, count in tally.items() if score <= 6)
    return 100 * (promoters - detractors) / total


def nps_margin(tally: Mapping[int, int]) -> float | None:
    """95% margin of the NPS in points, 196·sqrt((pP + pD - (pP - pD)²)/N) (Wald; Rocks 2016)."""
    _check_scale(tally, 0, 10)
    total = _total(tally)
    if total == 0:
        return None
    promoters = sum(count for score, count in tally.items() if score >= 9) / total
    detractors = sum(count for score, count in tally.items() if score <= 6) / total
    variance = promoters + detractors - (promoters - detractors) ** 2
    return 100 * _z(0.95) * math.sqrt(max(variance, 0.0) / total)


def csat(tally: Mapping[int, int]) -> float | None:
    """Customer satisfaction: % of 1-5 ratings that are 4 or 5 (top-two box)."""
    _check_scale(tally, 1, 5)
    share = share_at_least(tally, 4)
    return None if share is None else 100 * share


def csat_margin(csat_percent: float | None, respondents: int) -> float | None:
    """Conservative 95% margin of CSAT in points, 196·sqrt(p(1 - p)/N), each respondent once.

    A respondent's share of 4-5 ratings lies in [0, 1], so its variance is at most p(1 - p)
    whatever the correlation between one respondent's ratings (cluster sampling, Kish 1965).
    """
    if csat_percent is None or respondents < 1:
        return None
    p = csat_percent / 100
    return 100 * _z(0.95) * math.sqrt(p * (1 - p) / respondents)


# --------------------------------------------------------------------------- team vs customers


@dataclass(frozen=True)
class RankGap:
    """Difference between the team's and the customers' consensus place of one pillar."""

    slug: str
    team_rank: int | None  # None when no colleague ranked the pillar
    customer_rank: int
    rank_gap: int | None
    team_mean_rank: float | None


def rank_gaps(team: Sequence[ConsensusEntry], customers: Sequence[ConsensusEntry]) -> list[RankGap]:
    """Team consensus rank minus customer consensus rank per pillar, in customer order."""
    team_by_slug = {entry.slug: entry for entry in team}
    gaps = []
    for customer in sorted(customers, key=lambda entry: entry.consensus_rank):
        mine = team_by_slug.get(customer.slug)
        # An unranked pillar's consensus place is only its list position: no rank to compare.
        ranked = mine is not None and mine.mean_rank is not None
        team_rank = mine.consensus_rank if ranked and mine else None
        gaps.append(
            RankGap(
                customer.slug,
                team_rank,
                customer.consensus_rank,
                None if team_rank is None else team_rank - customer.consensus_rank,
                mine.mean_rank if mine else None,
            )
        )
    return gaps


@dataclass(frozen=True)
class Difference:
    """Welch's interval and test for a difference of two means."""

    difference: float
    ci95_low: float | None
    ci95_high: float | None
    p_value: float | None
    df: float | None


def welch_difference(
    first: tuple[int, float, float], second: tuple[int, float, float]
) -> Difference | None:
    """Mean difference with Welch's (1947) t-interval and p, from (n, mean, variance) pairs."""
    (n1, mean1, var1), (n2, mean2, var2) = first, second
    if n1 < 2 or n2 < 2:
        return None
    difference = mean1 - mean2
    a, b = var1 / n1, var2 / n2
    se = math.sqrt(a + b)
    if se == 0:
        return Difference(difference, None, None, None, None)
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
    half = _t(0.95, df) * se
    p_value = float(2 * special.stdtr(df, -abs(difference) / se))
    return Difference(difference, difference - half, difference + half, _clamp(p_value, 0, 1), df)


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's (1979) step-down adjusted p-values; None entries are skipped and stay None."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(indexed)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for step, (p, index) in enumerate(indexed):
        running = max(running, min(1.0, (m - step) * p))
        adjusted[index] = running
    return adjusted


@dataclass(frozen=True)
class RankDifference:
    """Team mean rank minus customer mean rank of one pillar, Welch interval, Holm-adjusted p."""

    slug: str
    difference: float | None
    ci95_low: float | None
    ci95_high: float | None
    p_value: float | None
    p_adjusted: float | None
    differs: bool


def rank_differences(
    team_ranks: Mapping[str, Sequence[float]],
    customer_tally: RankTally,
    *,
    min_difference: float,
    alpha: float = ALPHA,
) -> dict[str, RankDifference]:
    """Per pillar: Welch (1947) interval, team minus customer mean rank; Holm (1979) over pillars.

    The team's variance is floored at the customers' (see below). A pillar differs only when
    the Holm-adjusted p is below alpha and the difference is at least min_difference places.
    """
    slugs = [slug for slug in team_ranks if slug in customer_tally]
    tests: dict[str, Difference | None] = {}
    means: dict[str, float | None] = {}
    for slug in slugs:
        ranks = list(team_ranks[slug])
        n2, mean2, var2 = _moments(customer_tally[slug])
        if not ranks or mean2 is None:
            tests[slug], means[slug] = None, None
            continue
        means[slug] = statistics.fmean(ranks) - mean2
        if var2 is None or len(ranks) < 2:
            tests[slug] = None
            continue
        # A few colleagues often agree by chance (two who both put a pillar first have variance
        # 0), which would shrink the interval to the customers' alone: the team's variance is
        # floored at the customers', its value when both come from one population.
        team_var = max(statistics.variance(ranks), var2)
        tests[slug] = welch_difference(
            (len(ranks), statistics.fmean(ranks), team_var), (n2, mean2, var2)
        )
    adjusted = holm([test.p_value if test else None for test in tests.values()])
    result = {}
    for slug, p_adjusted in zip(tests, adjusted, strict=True):
        test = tests[slug]
        difference = means[slug]
        result[slug] = RankDifference(
            slug,
            difference,
            test.ci95_low if test else None,
            test.ci95_high if test else None,
            test.p_value if test else None,
            p_adjusted,
            bool(
                p_adjusted is not None
                and difference is not None
                and p_adjusted < alpha
                and abs(difference) >= min_difference
            ),
        )
    return result


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


def perception_gap(
    team_mean_score: float | None, customer_mean_experience: float | None
) -> float | None:
    """Team's mean self-assessment minus customers' mean experience (positive = team too rosy)."""
    if team_mean_score is None or customer_mean_experience is None:
        return None
    return team_mean_score - customer_mean_experience


# --------------------------------------------------------------------------- generations


@dataclass(frozen=True)
class KruskalWallis:
    """Kruskal-Wallis H (tie-corrected) with its chi-square p-value and epsilon squared."""

    h: float
    df: int
    p_value: float
    epsilon_squared: float
    n: int


def kruskal_wallis_from_tallies(groups: Sequence[Mapping[int, int]]) -> KruskalWallis | None:
    """Tie-corrected Kruskal-Wallis (1952) H from counts per value per group; ε² = H/(N - 1)."""
    groups = [group for group in groups if _total(group) > 0]
    if len(groups) < 2:
        return None
    pooled: Counter[int] = Counter()
    for group in groups:
        pooled.update({value: count for value, count in group.items() if count})
    n = sum(pooled.values())
    # Every answer with the same value shares the mid-rank of that value's block.
    mid_rank: dict[int, float] = {}
    below = 0
    for value in sorted(pooled):
        mid_rank[value] = below + (pooled[value] + 1) / 2
        below += pooled[value]
    tie_sum = sum(t**3 - t for t in pooled.values())
    if tie_sum == n**3 - n:  # every answer the same value: no ordering to test
        return None
    correction = 1 - tie_sum / (n**3 - n)
    spread = sum(
        sum(count * mid_rank[value] for value, count in group.items() if count) ** 2 / _total(group)
        for group in groups
    )
    h = (12 / (n * (n + 1)) * spread - 3 * (n + 1)) / correction
    h = max(h, 0.0)
    df = len(groups) - 1
    p_value = _clamp(float(special.chdtrc(df, h)), 0.0, 1.0)
    # Tomczak & Tomczak (2014): epsilon squared = H / ((N² - 1)/(N + 1)) = H / (N - 1).
    return KruskalWallis(h, df, p_value, h / (n - 1), n)


@dataclass(frozen=True)
class GenerationTest:
    """Whether one pillar's rank differs between generations (Kruskal-Wallis, Holm-adjusted)."""

    slug: str
    h: float
    p_value: float
    p_adjusted: float
    epsilon_squared: float
    differs: bool


def generation_tests(
    by_generation: Mapping[str, RankTally], slugs: Sequence[str], *, alpha: float = ALPHA
) -> list[GenerationTest]:
    """Kruskal-Wallis per pillar across generations, Holm-adjusted across pillars (Holm 1979)."""
    if len(by_generation) < 2:
        return []
    results = {
        slug: kruskal_wallis_from_tallies([tally.get(slug, {}) for tally in by_generation.values()])
        for slug in slugs
    }
    tested = [(slug, result) for slug, result in results.items() if result is not None]
    adjusted = holm([result.p_value for _, result in tested])
    return [
        GenerationTest(
            slug,
            result.h,
            result.p_value,
            p_adjusted,
            result.epsilon_squared,
            p_adjusted < alpha,
        )
        for (slug, result), p_adjusted in zip(tested, adjusted, strict=True)
        if p_adjusted is not None
    ]


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
# NPS and CSAT margins: ``nps_margin`` and ``csat_margin`` above (the gap report's).


def share_margin(share: float | None, n: int) -> float | None:
    """95% margin in points of a percentage share (CES), ±1.96·100·√(p(1−p)/N) (Wald interval)."""
    if share is None or n <= 0:
        return None
    p = share / 100
    return 100 * _z(0.95) * math.sqrt(max(p * (1 - p), 0.0) / n)


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


def williams_orders(n: int) -> list[list[int]]:
    """Item orders of a Williams Latin square (Williams 1949, Aust. J. Sci. Res. A 2:149–168).

    Each item stands equally often in each position and immediately after each other item: n
    orders for an even n, 2n (the square and its mirror) for an odd n. Showing respondents one
    order drawn from these balances position and carry-over effects across the sample.
    """
    if n < 1:
        return []
    first = [0]
    low, high = 1, n - 1
    while len(first) < n:
        first.append(low)
        low += 1
        if len(first) < n:
            first.append(high)
            high -= 1
    orders = [[(item + shift) % n for item in first] for shift in range(n)]
    if n % 2 and n > 1:
        orders += [list(reversed(order)) for order in orders]
    return orders
