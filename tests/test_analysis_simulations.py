"""Seeded simulations: under the null hypothesis the report's tests flag at most their 5%.

Each simulation draws data in which nothing differs (colleagues rank at random, or team and
customers, or generations, come from one population) and counts how often a test says otherwise.
The tolerance is the issue's: nominal 5% plus 1.5 points. Runs are sized to take a few seconds.
"""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from assessments.analysis import (
    concordance_test,
    generation_tests,
    leave_one_out_closeness,
    rank_differences,
    significant_reading,
)

NOMINAL = 0.05
TOLERANCE = 0.015
ITEMS = 10
SLUGS = [f"p{index}" for index in range(ITEMS)]


def _population(rng: np.random.Generator) -> np.ndarray:
    """Pillar utilities of one population: some pillars matter clearly more than others."""
    return rng.normal(0.0, 1.0, ITEMS)


def _rankings(rng: np.random.Generator, utilities: np.ndarray, count: int) -> np.ndarray:
    """count rankings (rank of each pillar, 1 = first) drawn from a random-utility model."""
    noisy = utilities + rng.gumbel(size=(count, ITEMS))
    order = np.argsort(-noisy, axis=1)
    ranks = np.empty_like(order)
    rows = np.arange(count)[:, None]
    ranks[rows, order] = np.arange(1, ITEMS + 1)
    return ranks


def _tally(ranks: np.ndarray) -> dict[str, dict[int, int]]:
    return {
        slug: dict(Counter(int(value) for value in ranks[:, index]))
        for index, slug in enumerate(SLUGS)
    }


@pytest.mark.parametrize("raters", [2, 3, 5])
def test_agreement_among_random_colleagues_is_significant_at_most_five_percent(raters):
    rng = np.random.default_rng(raters)
    rounds = 600
    significant = strength_word = 0
    for _ in range(rounds):
        rows = [list(rng.permutation(ITEMS) + 1) for _ in range(raters)]
        agreement = concordance_test(rows)
        significant += agreement.p_value < NOMINAL
        strength_word += agreement.reading not in ("not_significant", "unknown")
    assert significant / rounds <= NOMINAL + TOLERANCE
    assert strength_word / rounds <= NOMINAL + TOLERANCE
    # The test is not empty: it does flag chance about as often as it should.
    assert significant / rounds >= NOMINAL - 0.03


def test_agreement_test_detects_real_agreement() -> None:
    rng = np.random.default_rng(99)
    utilities = np.linspace(2.5, -2.5, ITEMS)
    found = sum(
        concordance_test([list(row) for row in _rankings(rng, utilities, 3)]).p_value < NOMINAL
        for _ in range(100)
    )
    assert found >= 80


@pytest.mark.parametrize(
    ("colleagues", "customers"), [(2, 30), (3, 30), (5, 100), (8, 400), (3, 400)]
)
def test_team_and_customers_from_one_population_rarely_differ(colleagues, customers):
    rng = np.random.default_rng(colleagues * 1000 + customers)
    reports = 400
    flagged = significant = 0
    for _ in range(reports):
        utilities = _population(rng)
        team = _rankings(rng, utilities, colleagues)
        result = rank_differences(
            {slug: list(team[:, index]) for index, slug in enumerate(SLUGS)},
            _tally(_rankings(rng, utilities, customers)),
            min_difference=1.0,
        )
        flagged += any(item.differs for item in result.values())
        significant += any(
            item.p_adjusted is not None and item.p_adjusted < NOMINAL for item in result.values()
        )
    # Holm keeps the chance of any false flag in a report (ten pillars) at or below 5%.
    assert significant / reports <= NOMINAL + TOLERANCE
    assert flagged <= significant


def test_a_real_difference_between_team_and_customers_is_flagged() -> None:
    rng = np.random.default_rng(7)
    utilities = np.linspace(2.0, -2.0, ITEMS)
    hits = 0
    for _ in range(50):
        team = _rankings(rng, utilities[::-1], 5)  # the team has the customers' order reversed
        result = rank_differences(
            {slug: list(team[:, index]) for index, slug in enumerate(SLUGS)},
            _tally(_rankings(rng, utilities, 100)),
            min_difference=1.0,
        )
        hits += result["p0"].differs
    assert hits >= 40


def test_generations_from_one_population_show_no_detectable_difference() -> None:
    rng = np.random.default_rng(5)
    reports = 300
    flagged = 0
    for _ in range(reports):
        utilities = _population(rng)
        sizes = rng.integers(30, 101, size=5)
        by_generation = {
            f"g{index}": _tally(_rankings(rng, utilities, int(size)))
            for index, size in enumerate(sizes)
        }
        flagged += any(test.differs for test in generation_tests(by_generation, SLUGS))
    assert flagged / reports <= NOMINAL + TOLERANCE


def test_generations_that_really_differ_are_found() -> None:
    rng = np.random.default_rng(6)
    utilities = np.linspace(2.0, -2.0, ITEMS)
    by_generation = {
        "young": _tally(_rankings(rng, utilities, 60)),
        "old": _tally(_rankings(rng, utilities[::-1], 60)),
    }
    differing = {test.slug for test in generation_tests(by_generation, SLUGS) if test.differs}
    assert {"p0", "p9"} <= differing


@pytest.mark.parametrize("colleagues", [3, 5])
def test_random_colleagues_are_rarely_called_close_to_the_others(colleagues):
    rng = random.Random(colleagues)
    rounds = 300
    close = total = 0
    for _ in range(rounds):
        rankings = [
            dict(zip(SLUGS, rng.sample(range(1, ITEMS + 1), ITEMS), strict=True))
            for _ in range(colleagues)
        ]
        for result in leave_one_out_closeness(rankings):
            total += 1
            close += significant_reading(result.coefficient, result.p_value) in (
                "strong",
                "very_strong",
                "moderate",
            )
    # Regression: with the colleague inside the consensus, 48% of 3-person teams were "close".
    assert close / total <= NOMINAL + TOLERANCE
