"""Tests for assessments.analysis: published examples, hand-checked cases and properties."""

from __future__ import annotations

import functools
import itertools
import json
import math
import random
import statistics
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from assessments.analysis import (
    QUADRANTS,
    Concordance,
    ConsensusEntry,
    Correlation,
    RankSpread,
    RankSummary,
    closeness_to,
    complete_rankings,
    concordance_test,
    consensus,
    correlation_reading,
    csat,
    csat_margin,
    generation_tests,
    holm,
    iman_davenport_p,
    importance_from_mean_rank,
    importance_performance,
    kendall_tau_b,
    kendall_w,
    kendall_w_from_tally,
    kruskal_wallis_from_tallies,
    leave_one_out_closeness,
    mean_of,
    mean_pairwise_rho,
    mid_ranks,
    most_disputed,
    n_for_margin,
    nps,
    nps_margin,
    pairwise_spearman,
    perception_gap,
    rank_differences,
    rank_gaps,
    rank_spread,
    rank_summaries,
    share_at_least,
    significant_reading,
    spearman,
    spearman_ci95,
    spearman_exact_p,
    spearman_null_distribution,
    spearman_rho,
    tally_rankings,
    welch_difference,
)

# --------------------------------------------------------------------------- published examples

REFERENCE_FILE = "rank_statistics_examples.json"
EXPECTED_EXAMPLE_COUNT = 7


def _reference_dir() -> Path:
    """Folder holding the reference JSON, kept in the repository with each example's source."""
    return Path(__file__).resolve().parent / "data"


def _load_examples() -> list[dict[str, Any]]:
    """Examples with printed numbers kept as Decimal so their precision is known."""
    with (_reference_dir() / REFERENCE_FILE).open(encoding="utf-8") as handle:
        return json.load(handle, parse_float=Decimal)["examples"]


EXAMPLES = _load_examples()
W_EXAMPLES = [example for example in EXAMPLES if "data_rows_are_raters" in example]
PAIR_EXAMPLES = [example for example in EXAMPLES if "x" in example and "y" in example]


def _example_id(example: dict[str, Any]) -> str:
    """Short test id from an example's name."""
    return str(example["name"]).split(" (")[0]


def _assert_matches_printed(actual: float | None, printed: Decimal | int, label: str) -> None:
    """Assert actual rounds to the printed value: within half a unit of its last digit."""
    assert actual is not None, f"{label} not computed"
    exponent = Decimal(printed).as_tuple().exponent
    assert isinstance(exponent, int)
    tolerance = 0.5 * 10.0**exponent + 1e-12
    assert abs(actual - float(printed)) <= tolerance, f"{label}: {actual} vs printed {printed}"


def test_reference_file_holds_all_seven_examples() -> None:
    assert len(EXAMPLES) == EXPECTED_EXAMPLE_COUNT
    assert len(W_EXAMPLES) + len(PAIR_EXAMPLES) == EXPECTED_EXAMPLE_COUNT


@pytest.mark.parametrize("example", W_EXAMPLES, ids=_example_id)
def test_kendall_w_reproduces_published_example(example: dict[str, Any]) -> None:
    rows = [[float(value) for value in row] for row in example["data_rows_are_raters"]]
    published = example["published"]
    corrected = kendall_w(rows, correct_ties=True)
    uncorrected = kendall_w(rows, correct_ties=False)
    # chi2, df and p belong to whichever W the source printed.
    chosen = corrected if "W_t" in published else uncorrected
    computed = {
        "W": uncorrected.w,
        "W_t": corrected.w,
        "chi2": chosen.chi_square,
        "df": chosen.df,
        "p": chosen.p_value,
        "S": chosen.s,
    }
    assert set(published) <= set(computed), f"unchecked keys: {set(published) - set(computed)}"
    for key, printed in published.items():
        _assert_matches_printed(computed[key], printed, key)
    assert chosen.raters == len(rows)
    assert chosen.items == len(rows[0])
    if "W" in published:
        # The uncorrected examples have no ties, so the correction must change nothing.
        assert corrected.w == pytest.approx(uncorrected.w)


@pytest.mark.parametrize("example", PAIR_EXAMPLES, ids=_example_id)
def test_correlation_reproduces_published_example(example: dict[str, Any]) -> None:
    published = example["published"]
    if "tau_b" in published:
        result, key = kendall_tau_b(example["x"], example["y"]), "tau_b"
    else:
        result, key = spearman(example["x"], example["y"]), "rho"
    assert set(published) == {key, "p"}
    _assert_matches_printed(result.coefficient, published[key], key)
    if key == "rho":
        # scipy prints the t approximation; ours is the permutation p over every reordering.
        assert result.p_value == pytest.approx(_enumerated_p(example["x"], example["y"]), abs=0.015)
    else:
        _assert_matches_printed(result.p_value, published["p"], "p")


def _rhos_of_reorderings(x: list[float], orders: np.ndarray) -> np.ndarray:
    """Pearson's r of x's ranks with each row of reordered ranks (vectorised Spearman)."""
    cx = stats.rankdata(x) - stats.rankdata(x).mean()
    cy = orders - orders.mean(axis=1, keepdims=True)
    return (cy @ cx) / np.sqrt((cx @ cx) * (cy * cy).sum(axis=1))


def _enumerated_p(x: list[float], y: list[float]) -> float:
    """Two-sided p of Spearman's rho over every reordering of y (ties kept): the exact answer."""
    ry = stats.rankdata(y)
    orders = np.array(list(itertools.permutations(ry)))
    observed = stats.spearmanr(x, y).statistic
    values = _rhos_of_reorderings(x, orders)
    return float(np.mean(np.abs(values) >= abs(observed) - 1e-9))


# --------------------------------------------------------------------------- mid_ranks, tallies


def test_mid_ranks_average_tied_positions() -> None:
    assert mid_ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]


def test_mid_ranks_give_smallest_value_rank_one() -> None:
    assert mid_ranks([3, 1, 2]) == [3.0, 1.0, 2.0]


def test_mid_ranks_share_middle_rank_when_all_tied() -> None:
    assert mid_ranks([5, 5, 5]) == [2.0, 2.0, 2.0]


def test_mid_ranks_of_nothing_is_empty() -> None:
    assert mid_ranks([]) == []


def test_mid_ranks_reject_nan() -> None:
    with pytest.raises(ValueError, match="NaN"):
        mid_ranks([1.0, math.nan])


def test_tally_rankings_counts_each_rank_per_slug() -> None:
    rankings = [{"a": 1, "b": 2}, {"a": 2, "b": 1}, {"a": 1, "b": 2}]
    assert tally_rankings(rankings) == {"a": {1: 2, 2: 1}, "b": {1: 1, 2: 2}}


def test_tally_rankings_of_no_raters_is_empty() -> None:
    assert tally_rankings([]) == {}


# --------------------------------------------------------------------------- consensus


def test_consensus_orders_by_mean_rank() -> None:
    tally = tally_rankings(
        [{"a": 3, "b": 1, "c": 2}, {"a": 3, "b": 2, "c": 1}, {"a": 2, "b": 1, "c": 3}]
    )
    result = consensus(tally, {"a": 1, "b": 2, "c": 3})
    assert [entry.slug for entry in result] == ["b", "c", "a"]
    assert [entry.mean_rank for entry in result] == pytest.approx([4 / 3, 2.0, 8 / 3])
    assert [entry.first_places for entry in result] == [2, 1, 0]
    assert [entry.consensus_rank for entry in result] == [1, 2, 3]


def test_consensus_breaks_mean_tie_by_more_first_places() -> None:
    # Both average 2.0; "b" has one first place, "a" none, so "b" wins despite its position.
    tally = {"a": {2: 2}, "b": {1: 1, 3: 1}}
    result = consensus(tally, {"a": 1, "b": 2})
    assert [entry.slug for entry in result] == ["b", "a"]
    assert [entry.first_places for entry in result] == [1, 0]


def test_consensus_breaks_remaining_tie_by_lower_position() -> None:
    tally = {"x": {1: 1, 3: 1}, "y": {1: 1, 3: 1}}
    result = consensus(tally, {"y": 1, "x": 2})
    assert [entry.slug for entry in result] == ["y", "x"]
    result = consensus(tally, {"x": 1, "y": 2})
    assert [entry.slug for entry in result] == ["x", "y"]


def test_consensus_puts_unranked_pillars_last_by_position() -> None:
    tally = {"a": {1: 1}, "c": {}}
    result = consensus(tally, {"d": 1, "c": 2, "b": 3, "a": 4})
    assert [entry.slug for entry in result] == ["a", "d", "c", "b"]
    assert [entry.mean_rank for entry in result] == [1.0, None, None, None]
    assert [entry.consensus_rank for entry in result] == [1, 2, 3, 4]


def test_consensus_keeps_tallied_slugs_missing_from_positions() -> None:
    result = consensus({"a": {2: 1}, "zz": {1: 1}}, {"a": 1})
    assert [(entry.slug, entry.consensus_rank) for entry in result] == [("zz", 1), ("a", 2)]


def test_consensus_of_empty_tally_lists_pillars_by_position() -> None:
    result = consensus({}, {"b": 2, "a": 1})
    assert result == [ConsensusEntry("a", None, 0, 1), ConsensusEntry("b", None, 0, 2)]


# --------------------------------------------------------------------------- Kendall's W


def test_w_is_one_for_two_identical_rankings_with_hand_checked_test() -> None:
    result = kendall_w([[1, 2, 3], [1, 2, 3]])
    # S = (2-4)^2 + 0 + (6-4)^2 = 8; W = 12*8 / (4*24) = 1; chi2 = 2*2*1 = 4 on 2 df.
    assert result == Concordance(2, 3, 1.0, 4.0, 2, pytest.approx(math.exp(-2)), 8.0)
    assert result.enough


def test_w_is_zero_for_two_opposite_rankings() -> None:
    result = kendall_w([[1, 2], [2, 1]])
    assert result.w == 0.0
    assert result.chi_square == 0.0
    assert result.p_value == pytest.approx(1.0)


def test_w_tie_correction_matches_hand_calculation() -> None:
    rows = [[1, 1, 2], [1, 2, 3]]
    # Mid-ranks [1.5,1.5,3] and [1,2,3]: R = 2.5, 3.5, 6; S = 6.5; T = 2^3 - 2 = 6.
    corrected = kendall_w(rows, correct_ties=True)
    uncorrected = kendall_w(rows, correct_ties=False)
    assert corrected.s == 6.5
    assert corrected.w == pytest.approx(78 / (4 * 24 - 2 * 6))
    assert uncorrected.w == pytest.approx(78 / (4 * 24))
    assert corrected.chi_square == pytest.approx(2 * 2 * 78 / 84)


def test_w_needs_two_raters() -> None:
    result = kendall_w([[1, 2, 3]])
    assert result == Concordance(1, 3, None, None, None, None, None)
    assert not result.enough


def test_w_needs_two_items() -> None:
    assert kendall_w([[1], [1], [1]]) == Concordance(3, 1, None, None, None, None, None)


def test_w_of_no_rows_is_unknown() -> None:
    assert kendall_w([]) == Concordance(0, 0, None, None, None, None, None)


def test_w_is_unknown_when_every_rater_ties_everything_with_correction() -> None:
    rows = [[2, 2, 2], [5, 5, 5]]
    assert kendall_w(rows, correct_ties=True).w is None
    # Without the correction the denominator stays positive and S is zero.
    assert kendall_w(rows, correct_ties=False).w == 0.0


def test_w_rejects_ragged_rows() -> None:
    with pytest.raises(ValueError, match="every item"):
        kendall_w([[1, 2, 3], [1, 2]])


def test_w_from_tally_matches_hand_calculation() -> None:
    tally = {"a": {1: 2}, "b": {2: 2}, "c": {3: 2}}
    result = kendall_w_from_tally(tally)
    assert result.w == 1.0
    assert result.s == 8.0
    assert (result.raters, result.items, result.df) == (2, 3, 2)


def test_w_from_tally_is_unknown_for_one_rater() -> None:
    assert kendall_w_from_tally({"a": {1: 1}, "b": {2: 1}}).w is None


def test_w_from_tally_is_unknown_for_empty_tally() -> None:
    assert kendall_w_from_tally({}) == Concordance(0, 0, None, None, None, None, None)


def test_w_from_tally_is_unknown_when_pillar_totals_differ() -> None:
    result = kendall_w_from_tally({"a": {1: 2}, "b": {2: 1}})
    assert result.w is None
    assert result.items == 2


def test_w_from_tally_is_unknown_for_ranks_outside_one_to_n() -> None:
    assert kendall_w_from_tally({"a": {1: 2}, "b": {5: 2}}).w is None


# --------------------------------------------------------------------------- correlations


def test_perfect_monotone_pairs_correlate_fully() -> None:
    x, y = [1, 2, 3, 4, 5], [2, 4, 6, 8, 10]
    assert spearman(x, y).coefficient == pytest.approx(1.0)
    assert kendall_tau_b(x, y).coefficient == pytest.approx(1.0)
    assert spearman(x, y[::-1]).coefficient == pytest.approx(-1.0)
    assert kendall_tau_b(x, y[::-1]).coefficient == pytest.approx(-1.0)


def test_correlation_p_value_matches_scipy() -> None:
    x, y = [1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5]
    exact = stats.permutation_test(
        (y,), lambda v: stats.spearmanr(x, v).statistic, permutation_type="pairings"
    )
    assert spearman(x, y).p_value == pytest.approx(exact.pvalue)
    assert kendall_tau_b(x, y).p_value == pytest.approx(stats.kendalltau(x, y).pvalue)


def test_correlation_of_two_pairs_has_no_p_value() -> None:
    assert spearman([1, 2], [2, 1]) == Correlation(pytest.approx(-1.0), None)
    assert kendall_tau_b([1, 2], [1, 2]) == Correlation(pytest.approx(1.0), None)


def test_correlation_needs_two_pairs() -> None:
    assert spearman([1], [1]) == Correlation(None, None)
    assert kendall_tau_b([], []) == Correlation(None, None)


def test_correlation_of_constant_input_is_unknown() -> None:
    assert spearman([3, 3, 3], [1, 2, 3]) == Correlation(None, None)
    assert kendall_tau_b([1, 2, 3], [7, 7, 7]) == Correlation(None, None)


def test_correlation_rejects_unpaired_input() -> None:
    with pytest.raises(ValueError, match="same length"):
        spearman([1, 2, 3], [1, 2])


def test_pairwise_spearman_builds_symmetric_matrix() -> None:
    rows = [[1, 2, 3], [1, 2, 3], [3, 2, 1], [2, 2, 2]]
    assert pairwise_spearman(rows) == [
        [1.0, pytest.approx(1.0), pytest.approx(-1.0), None],
        [pytest.approx(1.0), 1.0, pytest.approx(-1.0), None],
        [pytest.approx(-1.0), pytest.approx(-1.0), 1.0, None],
        [None, None, None, None],
    ]


def test_pairwise_spearman_of_no_rows_is_empty() -> None:
    assert pairwise_spearman([]) == []


# --------------------------------------------------------------------------- spread, closeness


def test_rank_spread_reports_sample_sd_min_and_max_in_slug_order() -> None:
    rankings = [{"a": 1, "b": 2}, {"a": 3, "b": 2}, {"a": 2, "b": 2}]
    assert rank_spread(rankings, ["b", "a", "c"]) == [
        RankSpread("b", 0.0, 2, 2),
        RankSpread("a", 1.0, 1, 3),
        RankSpread("c", None, None, None),
    ]


def test_rank_spread_has_no_sd_for_one_rater() -> None:
    assert rank_spread([{"a": 4}], ["a"]) == [RankSpread("a", None, 4, 4)]


def test_most_disputed_orders_by_sd_then_range_then_position() -> None:
    spreads = [
        RankSpread("a", 1.0, 2, 4),
        RankSpread("b", 1.0, 1, 4),
        RankSpread("c", 1.0, 5, 8),
        RankSpread("d", 2.0, 1, 5),
        RankSpread("e", None, 3, 3),
    ]
    positions = {"a": 1, "b": 3, "c": 2, "d": 4, "e": 5}
    assert [s.slug for s in most_disputed(spreads, positions)] == ["d", "c", "b"]
    assert [s.slug for s in most_disputed(spreads, positions, k=10)] == ["d", "c", "b", "a"]


def test_closeness_to_reference_per_rater_in_input_order() -> None:
    reference = {"a": 1.0, "b": 2.5, "c": 2.0}
    rankings = [{"a": 1, "b": 3, "c": 2}, {"a": 3, "b": 1, "c": 2}, {"a": 1}]
    result = closeness_to(rankings, reference)
    assert result[0].coefficient == pytest.approx(1.0)
    assert result[1].coefficient == pytest.approx(-1.0)
    assert result[2] == Correlation(None, None)
    assert len(result) == 3


# --------------------------------------------------------------------------- survey summaries


def test_rank_summaries_compute_t_interval_by_hand() -> None:
    summaries = rank_summaries(
        {"a": {1: 2, 3: 2}, "b": {2: 1}, "c": {}, "d": {4: 5}}, scale_max=10, min_n=2
    )
    # a: ranks 1,1,3,3 -> mean 2, sd sqrt(4/3), margin t(0.975, 3) * sd / 2.
    sd = math.sqrt(4 / 3)
    margin = stats.t.ppf(0.975, 3) * sd / 2
    a = summaries["a"]
    assert (a.n, a.mean) == (4, 2.0)
    assert a.sd == pytest.approx(sd)
    assert a.margin == pytest.approx(margin)
    assert a.ci95_low == 1.0  # 2 - 1.84 leaves the scale: clipped to rank 1
    assert a.ci95_high == pytest.approx(2 + margin)
    assert summaries["b"] == RankSummary("b", 1, 2.0, None, None, None, None)
    assert summaries["c"] == RankSummary("c", 0, None, None, None, None, None)
    assert summaries["d"] == RankSummary("d", 5, 4.0, 0.0, 4.0, 4.0, 0.0)


def test_rank_summary_interval_matches_scipy_t_interval() -> None:
    counts = {1: 4, 2: 7, 5: 3, 9: 2}
    data = [value for value, count in counts.items() for _ in range(count)]
    low, high = stats.t.interval(0.95, len(data) - 1, loc=statistics.fmean(data),
                                 scale=stats.sem(data))  # fmt: skip
    summary = rank_summaries({"a": counts}, scale_max=10, min_n=10)["a"]
    assert (summary.ci95_low, summary.ci95_high) == (pytest.approx(low), pytest.approx(high))


def test_two_answers_get_no_interval_instead_of_one_off_the_scale() -> None:
    # Regression: a z-interval at N = 2 read "-1.88 to 9.88" on a 1-10 scale.
    summary = rank_summaries({"a": {1: 1, 7: 1}}, scale_max=10, min_n=10)["a"]
    assert (summary.mean, summary.ci95_low, summary.ci95_high) == (4.0, None, None)
    wide = rank_summaries({"a": {1: 1, 7: 1}}, scale_max=10, min_n=2)["a"]
    assert (wide.ci95_low, wide.ci95_high) == (1.0, 10.0)


def _summary(sd: float | None, n: int = 40) -> RankSummary:
    """A summary carrying only an sd, for sample-size checks."""
    return RankSummary("x", n, 5.0, sd, None, None, None)


def _needed(sd: float, margin: float = 0.5) -> int:
    """Smallest N whose t-interval half-width is at most margin, by plain search."""
    n = 2
    while stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n) > margin:
        n += 1
    return n


def test_n_for_margin_takes_the_worst_pillar() -> None:
    summaries = [_summary(1.0), _summary(2.0)]
    assert n_for_margin(summaries, scale_max=10, min_n=10) == _needed(2.0) == 64
    assert n_for_margin([_summary(1.0)], scale_max=10, min_n=10) == _needed(1.0)


def test_n_for_margin_uses_the_design_sd_when_the_spread_is_degenerate() -> None:
    # Regression: 30 identical customers gave "about 2 responses" for +-0.5.
    design = math.sqrt((10**2 - 1) / 12)
    expected = _needed(design)
    assert n_for_margin([_summary(0.0)], scale_max=10, min_n=10) == expected
    assert n_for_margin([_summary(None)], scale_max=10, min_n=10) == expected
    assert n_for_margin([_summary(0.5, n=3)], scale_max=10, min_n=10) == expected
    assert expected > 100
    assert n_for_margin([], scale_max=10, min_n=10) is None


def test_mean_of_and_share_at_least_from_tally() -> None:
    tally = {1: 1, 4: 2, 5: 1}
    assert mean_of(tally) == 3.5
    assert share_at_least(tally, 4) == 0.75
    assert share_at_least(tally, 6) == 0.0
    assert mean_of({}) is None
    assert mean_of({3: 0}) is None
    assert share_at_least({}, 4) is None


def test_nps_subtracts_detractor_share_from_promoter_share() -> None:
    tally = {10: 3, 9: 2, 8: 2, 7: 1, 6: 1, 0: 1}  # 5 promoters, 3 passives, 2 detractors
    assert nps(tally) == 30.0
    assert nps({0: 4}) == -100.0
    assert nps({9: 1}) == 100.0
    assert nps({}) is None


def test_nps_rejects_scores_outside_zero_to_ten() -> None:
    with pytest.raises(ValueError, match="0-10 scale"):
        nps({11: 1})


def test_csat_is_share_of_four_and_five() -> None:
    assert csat({5: 2, 4: 1, 3: 1, 1: 1}) == 60.0
    assert csat({}) is None
    with pytest.raises(ValueError, match="1-5 scale"):
        csat({0: 1})


def test_negative_counts_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative count"):
        mean_of({3: -1})


# --------------------------------------------------------------------------- team vs customers


def test_importance_from_mean_rank_flips_the_scale() -> None:
    assert importance_from_mean_rank(1.0, 10) == 10.0
    assert importance_from_mean_rank(10.0, 10) == 1.0
    assert importance_from_mean_rank(2.5, 4) == 2.5


def test_ipa_reaches_every_quadrant_and_counts_the_cut_as_high() -> None:
    importance = {"a": 4.0, "b": 4.0, "c": 2.0, "d": 2.0, "e": 3.0}
    performance = {"a": 1.0, "b": 5.0, "c": 1.0, "d": 5.0, "e": 3.0}
    ipa = importance_performance(importance, performance)
    assert (ipa.importance_cut, ipa.performance_cut) == (3.0, 3.0)
    quadrants = {point.slug: point.quadrant for point in ipa.points}
    assert quadrants == {
        "a": "concentrate_here",
        "b": "keep_up_the_good_work",
        "c": "low_priority",
        "d": "possible_overkill",
        "e": "keep_up_the_good_work",
    }
    assert set(quadrants.values()) == set(QUADRANTS)


def test_ipa_treats_float_noise_at_the_cut_as_on_the_line() -> None:
    # The mean of 0.1, 0.7, 1.3 evaluates to 0.7000000000000001, just above 0.7.
    ipa = importance_performance({"a": 0.1, "b": 0.7, "c": 1.3}, {"a": 1, "b": 2, "c": 3})
    assert ipa.importance_cut is not None
    assert ipa.importance_cut > 0.7
    assert [point.quadrant for point in ipa.points] == [
        "low_priority",
        "keep_up_the_good_work",
        "keep_up_the_good_work",
    ]


def test_ipa_uses_only_slugs_known_on_both_axes() -> None:
    ipa = importance_performance({"a": 1.0, "b": 3.0, "c": None, "d": 9.0}, {"a": 2.0, "b": 4.0})
    assert [point.slug for point in ipa.points] == ["a", "b"]
    assert (ipa.importance_cut, ipa.performance_cut) == (2.0, 3.0)


def test_ipa_without_points_has_no_cuts() -> None:
    assert importance_performance({"a": 1.0}, {"b": 2.0}) == importance_performance({}, {})
    assert importance_performance({}, {}).importance_cut is None
    assert importance_performance({}, {}).points == []


def test_perception_gap_is_team_minus_customers() -> None:
    assert perception_gap(4.0, 3.5) == 0.5
    assert perception_gap(None, 3.5) is None
    assert perception_gap(4.0, None) is None


# --------------------------------------------------------------------------- properties

SLUGS = [f"pillar-{index}" for index in range(10)]
relaxed = settings(deadline=None)


@st.composite
def score_matrices(draw: st.DrawFn, min_raters: int = 1, min_items: int = 1) -> list[list[int]]:
    """Raters x items scores from a small range, so ties are common."""
    raters = draw(st.integers(min_raters, 6))
    items = draw(st.integers(min_items, 8))
    row = st.lists(st.integers(0, 4), min_size=items, max_size=items)
    return draw(st.lists(row, min_size=raters, max_size=raters))


@st.composite
def permutation_matrices(
    draw: st.DrawFn, min_raters: int = 1, min_items: int = 1
) -> list[list[int]]:
    """Raters x items strict rankings 1..n."""
    raters = draw(st.integers(min_raters, 6))
    items = draw(st.integers(min_items, 10))
    ranks = list(range(1, items + 1))
    return draw(st.lists(st.permutations(ranks), min_size=raters, max_size=raters))


def _as_rankings(rows: list[list[int]]) -> list[dict[str, int]]:
    """Rows of ranks as slug -> rank mappings."""
    return [dict(zip(SLUGS, row, strict=False)) for row in rows]


@relaxed
@given(st.lists(st.integers(-3, 3), max_size=12))
def test_mid_ranks_keep_order_and_sum(values: list[int]) -> None:
    ranks = mid_ranks(values)
    assert sum(ranks) == len(values) * (len(values) + 1) / 2
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            assert (a < b) == (ranks[i] < ranks[j])


@relaxed
@given(score_matrices(), st.booleans())
def test_w_stays_within_zero_and_one_for_scores_with_ties(
    rows: list[list[int]], correct_ties: bool
) -> None:
    result = kendall_w(rows, correct_ties=correct_ties)
    all_tied = all(len(set(row)) == 1 for row in rows)
    computable = len(rows) >= 2 and len(rows[0]) >= 2 and not (correct_ties and all_tied)
    assert result.enough == computable
    if result.w is not None:
        assert 0.0 <= result.w <= 1.0
        assert result.p_value is not None
        assert 0.0 <= result.p_value <= 1.0


@relaxed
@given(permutation_matrices(min_raters=2, min_items=2))
def test_w_stays_within_zero_and_one_for_strict_rankings(rows: list[list[int]]) -> None:
    result = kendall_w(rows)
    assert result.w is not None
    assert 0.0 <= result.w <= 1.0


@relaxed
@given(
    st.lists(st.integers(0, 4), min_size=2, max_size=8),
    st.integers(2, 6),
)
def test_w_is_one_when_all_raters_agree(row: list[int], raters: int) -> None:
    assume(len(set(row)) >= 2)
    result = kendall_w([row] * raters, correct_ties=True)
    assert result.w == pytest.approx(1.0)
    assert result.chi_square == pytest.approx(raters * (len(row) - 1))


@relaxed
@given(score_matrices(min_raters=2, min_items=2), st.randoms(use_true_random=False))
def test_w_is_unchanged_when_items_are_relabelled(rows: list[list[int]], rnd: Any) -> None:
    order = list(range(len(rows[0])))
    rnd.shuffle(order)
    permuted = [[row[index] for index in order] for row in rows]
    for correct_ties in (True, False):
        assert kendall_w(permuted, correct_ties=correct_ties) == kendall_w(
            rows, correct_ties=correct_ties
        )


@relaxed
@given(score_matrices(min_raters=2, min_items=2), st.randoms(use_true_random=False))
def test_w_is_unchanged_when_raters_are_reordered(rows: list[list[int]], rnd: Any) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert kendall_w(shuffled) == kendall_w(rows)


@relaxed
@given(permutation_matrices())
def test_w_from_tally_equals_w_from_rows(rows: list[list[int]]) -> None:
    from_tally = kendall_w_from_tally(tally_rankings(_as_rankings(rows)))
    from_rows = kendall_w(rows)
    assert from_tally == from_rows
    if len(rows) >= 2 and len(rows[0]) >= 2:
        assert from_tally.enough


paired_lists = st.integers(0, 12).flatmap(
    lambda size: st.tuples(
        st.lists(st.integers(0, 5), min_size=size, max_size=size),
        st.lists(st.integers(0, 5), min_size=size, max_size=size),
    )
)


@relaxed
@given(paired_lists)
def test_rho_and_tau_stay_within_minus_one_and_one(pair: tuple[list[int], list[int]]) -> None:
    x, y = pair
    defined = len(x) >= 2 and len(set(x)) >= 2 and len(set(y)) >= 2
    for result in (spearman(x, y), kendall_tau_b(x, y)):
        assert (result.coefficient is not None) == defined
        if result.coefficient is not None:
            assert -1.0 <= result.coefficient <= 1.0
        if result.p_value is not None:
            assert 0.0 <= result.p_value <= 1.0
            assert len(x) >= 3


@relaxed
@given(paired_lists)
def test_spearman_is_symmetric(pair: tuple[list[int], list[int]]) -> None:
    x, y = pair
    forward, backward = spearman(x, y), spearman(y, x)
    assert forward.coefficient == pytest.approx(backward.coefficient)
    assert forward.p_value == pytest.approx(backward.p_value)


@relaxed
@given(permutation_matrices(min_items=1), st.randoms(use_true_random=False))
def test_consensus_is_unchanged_when_rankings_are_shuffled(rows: list[list[int]], rnd: Any) -> None:
    rankings = _as_rankings(rows)
    positions = {slug: index for index, slug in enumerate(SLUGS, start=1)}
    shuffled = list(rankings)
    rnd.shuffle(shuffled)
    original = consensus(tally_rankings(rankings), positions)
    assert consensus(tally_rankings(shuffled), positions) == original
    assert sorted(entry.consensus_rank for entry in original) == list(range(1, len(SLUGS) + 1))


@relaxed
@given(score_matrices())
def test_pairwise_spearman_is_symmetric_and_bounded(rows: list[list[int]]) -> None:
    matrix = pairwise_spearman(rows)
    assert len(matrix) == len(rows)
    for i, row in enumerate(matrix):
        assert row[i] == (1.0 if len(set(rows[i])) >= 2 else None)
        for j, value in enumerate(row):
            assert value == matrix[j][i]
            if value is not None:
                assert -1.0 <= value <= 1.0


@relaxed
@given(st.dictionaries(st.integers(0, 10), st.integers(0, 50)))
def test_nps_stays_within_minus_and_plus_hundred(tally: dict[int, int]) -> None:
    score = nps(tally)
    assert (score is None) == (sum(tally.values()) == 0)
    if score is not None:
        assert -100.0 <= score <= 100.0


@relaxed
@given(st.dictionaries(st.integers(1, 10), st.integers(0, 30), min_size=1))
def test_ci_contains_mean(counts: dict[int, int]) -> None:
    summary = rank_summaries({"a": counts}, scale_max=10, min_n=2)["a"]
    n = sum(counts.values())
    assert summary.n == n
    assert (summary.margin is not None) == (n >= 2)
    if summary.margin is not None:
        assert summary.mean is not None
        assert summary.ci95_low is not None
        assert summary.ci95_high is not None
        assert summary.margin >= 0.0
        assert 1.0 <= summary.ci95_low <= summary.mean <= summary.ci95_high <= 10.0


@pytest.mark.parametrize(
    "value, label",
    [
        (None, "unknown"),
        (-0.9, "opposite"),
        (-0.2, "opposite"),
        (-0.19, "very_weak"),
        (-0.05, "very_weak"),
        (0.19, "very_weak"),
        (0.2, "weak"),
        (0.39, "weak"),
        (0.4, "moderate"),
        (0.52, "moderate"),
        (0.6, "strong"),
        (0.79, "strong"),
        (0.8, "very_strong"),
        (0.95, "very_strong"),
    ],
)
def test_correlation_reading_follows_evans_bands(value, label):
    assert correlation_reading(value) == label


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=2, max_value=15).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(min_value=1, max_value=6), min_size=n, max_size=n),
            st.lists(st.integers(min_value=1, max_value=6), min_size=n, max_size=n),
        )
    )
)
def test_spearman_matches_scipy_on_tied_and_untied_data(pair):
    x, y = pair
    assume(len(set(x)) > 1 and len(set(y)) > 1)
    ours = spearman(x, y)
    theirs = stats.spearmanr(x, y)
    assert ours.coefficient == pytest.approx(float(theirs.statistic), abs=1e-12)
    assert (ours.p_value is None) == (len(x) < 3)


# --------------------------------------------------------------------------- inference (issue 10)


@functools.cache
def _all_rhos(n: int) -> list[float]:
    """Rho of 1..n against each of its n! orderings, from sum(d²), by brute force."""
    base = range(1, n + 1)
    return [
        1 - 6 * sum((a - b) ** 2 for a, b in zip(base, order, strict=True)) / (n**3 - n)
        for order in itertools.permutations(base)
    ]


def _enumerated_spearman_p(n: int, rho: float, alternative: str = "two-sided") -> float:
    """P of rho over all n! orderings of 1..n against 1..n, by brute force."""
    values = _all_rhos(n)
    if alternative == "greater":
        return sum(value >= rho - 1e-9 for value in values) / len(values)
    return sum(abs(value) >= abs(rho) - 1e-9 for value in values) / len(values)


@pytest.mark.parametrize("n", [3, 4, 5, 6, 7, 8])
def test_exact_spearman_p_equals_full_enumeration(n: int) -> None:
    rng = random.Random(n)
    base = list(range(1, n + 1))
    for _ in range(6):
        order = base[:]
        rng.shuffle(order)
        rho = spearman_rho(base, order)
        assert spearman(base, order).p_value == pytest.approx(_enumerated_spearman_p(n, rho))
        assert spearman_exact_p(rho, n, alternative="greater") == pytest.approx(
            _enumerated_spearman_p(n, rho, "greater")
        )


@pytest.mark.parametrize("n", range(1, 13))
def test_exact_null_distribution_counts_every_ordering(n: int) -> None:
    distribution = spearman_null_distribution(n)
    assert sum(count for _, count in distribution) == math.factorial(n)
    # Symmetric around (n³ - n)/6: rho and -rho are equally likely.
    counts = dict(distribution)
    top = (n**3 - n) // 3
    assert all(counts.get(top - d2) == count for d2, count in distribution)


def test_perfect_correlation_of_three_pillars_is_not_significant() -> None:
    # Regression: the t approximation printed p = 0 ("p < 0.001"); exactly, 2 of 6 orderings.
    assert spearman([1, 2, 3], [1, 2, 3]) == Correlation(1.0, pytest.approx(1 / 3))


def test_spearman_p_near_005_is_exact_where_the_t_approximation_flips() -> None:
    # Regression: rho = 0.636 at n = 10 has t-approximation p 0.048 but exact p 0.054.
    x = list(range(1, 11))
    y = [1, 4, 2, 5, 8, 7, 9, 6, 3, 10]
    rho = spearman_rho(x, y)
    assert rho == pytest.approx(1 - 6 * 60 / 990)
    assert stats.spearmanr(x, y).pvalue < 0.05
    assert spearman(x, y).p_value == pytest.approx(0.0544, abs=5e-4)


def test_spearman_with_ties_uses_every_reordering_up_to_eight() -> None:
    x, y = [1, 2, 2, 3, 4, 5, 6], [2, 1, 3, 3, 5, 7, 6]
    assert spearman(x, y).p_value == pytest.approx(_enumerated_p(x, y))


def test_spearman_with_ties_beyond_eight_is_a_stable_permutation_p() -> None:
    x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    y = [5, 1, 9, 4, 4, 7, 6, 3, 8, 11, 10]
    first, again = spearman(x, y), spearman(x, y)
    assert first == again  # the same data always give the same p
    rng = np.random.default_rng(12345)
    orders = rng.permuted(np.tile(stats.rankdata(y), (200_000, 1)), axis=1)
    values = _rhos_of_reorderings(x, orders)
    reference = float(np.mean(np.abs(values) >= abs(first.coefficient) - 1e-9))
    assert 0.03 < reference < 0.2
    # Monte Carlo error of our 1,999 permutations at p ~ 0.07 is about 0.006.
    assert first.p_value == pytest.approx(reference, abs=0.015)


def test_spearman_ci_uses_fisher_z_with_bonett_wright_variance() -> None:
    low, high = spearman_ci95(0.51, 10)
    half = stats.norm.ppf(0.975) * math.sqrt((1 + 0.51**2 / 2) / 7)
    assert (low, high) == (
        pytest.approx(math.tanh(math.atanh(0.51) - half)),
        pytest.approx(math.tanh(math.atanh(0.51) + half)),
    )
    # The example: rho 0.51 at n = 10 is about -0.22 to 0.87, so it includes 0.
    assert low == pytest.approx(-0.22, abs=0.02)
    assert high == pytest.approx(0.87, abs=0.01)
    assert spearman_ci95(0.5, 3) is None
    assert spearman_ci95(1.0, 10) is None
    assert spearman_ci95(None, 10) is None


def test_mean_pairwise_rho_is_the_average_of_the_pairwise_rhos() -> None:
    rng = random.Random(4)
    for raters in (2, 3, 5, 8):
        rows = [rng.sample(range(1, 11), 10) for _ in range(raters)]
        w = kendall_w(rows).w
        pairs = [
            spearman_rho(rows[i], rows[j]) for i in range(raters) for j in range(i + 1, raters)
        ]
        assert mean_pairwise_rho(w, raters) == pytest.approx(statistics.fmean(pairs))


def test_two_unrelated_colleagues_are_not_called_strong() -> None:
    # Regression: rho 0.08 between two colleagues read "W 0.54, strong agreement".
    first = list(range(1, 11))
    second = [8, 6, 2, 1, 3, 10, 9, 7, 5, 4]
    agreement = concordance_test([first, second])
    assert agreement.concordance.w == pytest.approx((1 + spearman_rho(first, second)) / 2)
    assert agreement.mean_rho == pytest.approx(spearman_rho(first, second))
    assert agreement.method == "exact"
    assert agreement.p_value > 0.05
    assert agreement.reading == "not_significant"


def test_concordance_test_of_two_raters_is_the_exact_upper_tail_of_rho() -> None:
    first, second = [1, 2, 3, 4, 5, 6, 7], [2, 1, 3, 5, 4, 7, 6]
    agreement = concordance_test([first, second])
    assert agreement.p_value == pytest.approx(
        _enumerated_spearman_p(7, spearman_rho(first, second), "greater")
    )


def test_concordance_permutation_p_matches_full_enumeration_for_three_raters() -> None:
    rows = [[1, 2, 3, 4], [2, 1, 3, 4], [1, 3, 2, 4]]
    observed = kendall_w(rows).w
    orders = list(itertools.permutations(range(1, 5)))
    # The first rater's order can stay fixed: W depends only on the others relative to it.
    values = [kendall_w([rows[0], list(b), list(c)]).w for b in orders for c in orders]
    exact = sum(value >= observed - 1e-9 for value in values) / len(values)
    agreement = concordance_test(rows)
    assert agreement.method == "permutation"
    assert agreement.p_value == pytest.approx(exact, abs=0.02)
    assert concordance_test(rows) == agreement  # deterministic


def test_iman_davenport_p_is_the_f_tail() -> None:
    w, m, n = 0.4, 5, 10
    f = (m - 1) * w / (1 - w)
    assert iman_davenport_p(w, m, n) == pytest.approx(stats.f.sf(f, n - 1, (m - 1) * (n - 1)))
    assert iman_davenport_p(1.0, m, n) == 0.0
    assert iman_davenport_p(None, m, n) is None


def test_missing_answers_are_left_out_not_counted_as_rank_zero() -> None:
    # Regression: a scorecard missing a pillar counted it as that colleague's rank 0 (first).
    full = {"a": 1, "b": 2, "c": 3, "d": 4}
    rankings = [full, {"a": 2, "b": 1, "c": 3}, full, {"a": 1, "b": 3, "c": 2, "d": 4}]
    slugs, rows = complete_rankings(rankings, ["a", "b", "c", "d"])
    assert slugs == ["a", "b", "c"]
    assert rows == [[1, 2, 3], [2, 1, 3], [1, 2, 3], [1, 3, 2]]
    assert kendall_w(rows).w == pytest.approx(0.5625)
    zero_filled = kendall_w([[1, 2, 3, 4], [2, 1, 3, 0], [1, 2, 3, 4], [1, 3, 2, 4]]).w
    assert zero_filled == pytest.approx(0.375)


def test_significant_reading_gives_no_strength_word_to_chance() -> None:
    assert significant_reading(0.7, 0.2) == "not_significant"
    assert significant_reading(0.7, 0.01) == "strong"
    assert significant_reading(0.1, 0.01) == "very_weak"
    assert significant_reading(None, None) == "unknown"


def test_welch_difference_matches_scipy() -> None:
    team = [1.0, 3.0, 2.0, 6.0]
    customers = [4, 5, 3, 6, 7, 5, 4, 8, 6, 5, 7, 9]
    result = welch_difference(
        (len(team), statistics.fmean(team), statistics.variance(team)),
        (len(customers), statistics.fmean(customers), statistics.variance(customers)),
    )
    theirs = stats.ttest_ind(team, customers, equal_var=False)
    interval = theirs.confidence_interval(0.95)
    assert result.p_value == pytest.approx(theirs.pvalue)
    assert result.df == pytest.approx(theirs.df)
    assert (result.ci95_low, result.ci95_high) == (
        pytest.approx(interval.low),
        pytest.approx(interval.high),
    )


def test_holm_adjustment_by_hand() -> None:
    # Sorted 0.005, 0.01, 0.03, 0.04 -> x4, x3, x2, x1 = 0.02, 0.03, 0.06, 0.04 -> monotone 0.06.
    assert holm([0.01, 0.04, 0.03, None, 0.005]) == [
        pytest.approx(0.03),
        pytest.approx(0.06),
        pytest.approx(0.06),
        None,
        pytest.approx(0.02),
    ]
    assert holm([0.5, 0.9]) == [pytest.approx(1.0), pytest.approx(1.0)]


def test_rank_differences_flag_only_significant_differences_of_a_place_or_more() -> None:
    customers = {"a": {1: 60, 2: 40}, "b": {5: 50, 6: 50}, "c": {3: 50, 4: 50}}
    team = {"a": [8, 9, 8, 9], "b": [5, 6, 5, 6], "c": [3.2, 4.2, 3.2, 4.2]}
    result = rank_differences(team, customers, min_difference=1.0)
    assert result["a"].differs and result["a"].difference == pytest.approx(8.5 - 1.4)
    assert not result["b"].differs  # same distribution
    assert result["c"].p_adjusted is not None
    assert not result["c"].differs  # 0.2 places is never flagged, significant or not
    for item in result.values():
        assert item.ci95_low <= item.difference <= item.ci95_high
        assert item.p_adjusted >= item.p_value


def test_rank_differences_need_two_colleagues_for_an_interval() -> None:
    result = rank_differences({"a": [9]}, {"a": {1: 30, 2: 30}}, min_difference=1.0)
    assert result["a"].difference == pytest.approx(7.5)
    assert (result["a"].ci95_low, result["a"].p_adjusted, result["a"].differs) == (
        None,
        None,
        False,
    )


def _expand(tally: dict[int, int]) -> list[int]:
    return [value for value, count in tally.items() for _ in range(count)]


def test_kruskal_wallis_from_tallies_matches_scipy_with_ties() -> None:
    groups = [{1: 5, 2: 3, 4: 2}, {1: 1, 3: 4, 4: 6, 9: 1}, {2: 7, 3: 2, 10: 3}]
    ours = kruskal_wallis_from_tallies(groups)
    theirs = stats.kruskal(*[_expand(group) for group in groups])
    assert ours.h == pytest.approx(theirs.statistic)
    assert ours.p_value == pytest.approx(theirs.pvalue)
    assert ours.df == 2
    assert ours.epsilon_squared == pytest.approx(theirs.statistic / (ours.n - 1))


def test_kruskal_wallis_without_variation_or_groups_is_unknown() -> None:
    assert kruskal_wallis_from_tallies([{3: 4}, {3: 5}]) is None
    assert kruskal_wallis_from_tallies([{1: 4, 2: 1}]) is None


def test_generation_tests_list_each_pillar_with_holm() -> None:
    by_generation = {
        "gen-z": {"a": {1: 40, 2: 10}, "b": {1: 10, 2: 40}},
        "baby-boomers": {"a": {1: 10, 2: 40}, "b": {1: 40, 2: 10}},
    }
    tests = generation_tests(by_generation, ["a", "b"])
    assert [t.slug for t in tests] == ["a", "b"]
    raw = stats.kruskal([1] * 40 + [2] * 10, [1] * 10 + [2] * 40).pvalue
    assert tests[0].p_value == pytest.approx(raw)
    assert tests[0].p_adjusted == pytest.approx(min(1.0, 2 * raw))
    assert all(t.differs for t in tests)
    assert generation_tests({"gen-z": by_generation["gen-z"]}, ["a"]) == []


def test_nps_margin_is_the_wald_margin_of_the_promoter_minus_detractor_score() -> None:
    tally = {10: 60, 9: 20, 8: 50, 7: 40, 5: 70, 0: 60}
    codes = [1 if s >= 9 else -1 if s <= 6 else 0 for s in _expand(tally)]
    expected = 100 * stats.norm.ppf(0.975) * statistics.pstdev(codes) / math.sqrt(len(codes))
    assert nps_margin(tally) == pytest.approx(expected)
    assert nps_margin({}) is None


def test_csat_margin_counts_each_respondent_once() -> None:
    assert csat_margin(39.0, 300) == pytest.approx(
        100 * stats.norm.ppf(0.975) * math.sqrt(0.39 * 0.61 / 300)
    )
    assert csat_margin(None, 10) is None
    assert csat_margin(50.0, 0) is None


def test_closeness_leaves_the_colleague_out_of_the_consensus() -> None:
    a = {"p1": 1, "p2": 2, "p3": 3, "p4": 4}
    b = {"p1": 4, "p2": 3, "p3": 2, "p4": 1}
    c = {"p1": 4, "p2": 3, "p3": 1, "p4": 2}
    results = leave_one_out_closeness([a, b, c])
    others_of_a = {slug: (b[slug] + c[slug]) / 2 for slug in a}
    assert results[0] == closeness_to([a], others_of_a)[0]
    # With two colleagues, each is compared with the other: their pairwise rho.
    pair = leave_one_out_closeness([a, b])
    assert pair[0].coefficient == pytest.approx(-1.0)
    assert pair[1].coefficient == pytest.approx(-1.0)


def test_no_scorecards_give_no_team_rank_and_no_gap() -> None:
    # Regression: without scorecards team_rank was the pillar's list position and the gap 0.
    team = [ConsensusEntry("a", None, 0, 1), ConsensusEntry("b", None, 0, 2)]
    customers = [ConsensusEntry("b", 1.2, 8, 1), ConsensusEntry("a", 1.8, 2, 2)]
    gaps = rank_gaps(team, customers)
    assert [(g.slug, g.team_rank, g.rank_gap) for g in gaps] == [
        ("b", None, None),
        ("a", None, None),
    ]
    ranked = [ConsensusEntry("a", 1.0, 1, 1), ConsensusEntry("b", 2.0, 0, 2)]
    assert [(g.team_rank, g.rank_gap) for g in rank_gaps(ranked, customers)] == [(2, 1), (1, -1)]


group_tallies = st.lists(
    st.dictionaries(st.integers(1, 10), st.integers(1, 15), min_size=1, max_size=6),
    min_size=2,
    max_size=5,
)


@relaxed
@given(group_tallies)
def test_kruskal_wallis_from_tallies_equals_scipy_on_the_expanded_answers(groups) -> None:
    values = [_expand(group) for group in groups]
    ours = kruskal_wallis_from_tallies(groups)
    if len({value for group in values for value in group}) < 2:
        assert ours is None
        return
    theirs = stats.kruskal(*values)
    if math.isnan(theirs.pvalue):
        # Identical groups: scipy's H rounds to a hair below zero and its p becomes nan; the
        # statistic is 0 and the p-value 1 by definition.
        assert ours.h == pytest.approx(0, abs=1e-9)
        assert ours.p_value == pytest.approx(1)
        return
    assert ours.h == pytest.approx(theirs.statistic, rel=1e-9, abs=1e-9)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-12)


@relaxed
@given(st.lists(st.one_of(st.none(), st.floats(0, 1)), max_size=12))
def test_holm_adjusted_p_values_are_at_least_the_raw_ones_and_keep_their_order(p_values) -> None:
    adjusted = holm(p_values)
    pairs = [(p, a) for p, a in zip(p_values, adjusted, strict=True) if p is not None]
    assert all(a is None for p, a in zip(p_values, adjusted, strict=True) if p is None)
    for p, a in pairs:
        assert p <= a + 1e-12 <= 1 + 1e-12
    for (p1, a1), (p2, a2) in itertools.product(pairs, repeat=2):
        if p1 < p2:
            assert a1 <= a2


@relaxed
@given(permutation_matrices(min_raters=2, min_items=2))
def test_mean_pairwise_rho_identity_holds_for_any_complete_rankings(rows) -> None:
    m = len(rows)
    pairs = [spearman_rho(rows[i], rows[j]) for i in range(m) for j in range(i + 1, m)]
    assert mean_pairwise_rho(kendall_w(rows).w, m) == pytest.approx(statistics.fmean(pairs))
