"""What the report's tests cost: each statistical method on report-sized inputs, in milliseconds.

Ten pillars, a team of 2-8 colleagues, 400 customers in five generations: the inputs the gap
report and the comparison page hand to ``assessments.analysis``. Pure Python and numpy, no
database. Prints the median and p90 of each call and its share of the total.

    python -m benchmarks.statistics_speed [--repeat 200]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable

from assessments import analysis

ITEMS = 10
SLUGS = [f"p{index}" for index in range(ITEMS)]


def _rankings(rng: random.Random, count: int) -> list[dict[str, int]]:
    return [
        dict(zip(SLUGS, rng.sample(range(1, ITEMS + 1), ITEMS), strict=True)) for _ in range(count)
    ]


def _tally(rankings: list[dict[str, int]]) -> dict[str, dict[int, int]]:
    return {slug: dict(Counter(r[slug] for r in rankings)) for slug in SLUGS}


def _time(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    call()  # warm caches (the exact Spearman table is built once per process)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.9 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(2026)
    team = _rankings(rng, 8)
    rows = [[float(r[slug]) for slug in SLUGS] for r in team]
    generations = {f"g{index}": _tally(_rankings(rng, 80)) for index in range(5)}
    customers: dict[str, dict[int, int]] = {slug: Counter() for slug in SLUGS}
    for tally in generations.values():
        for slug, counts in tally.items():
            customers[slug].update(counts)
    team_ranks = {slug: [r[slug] for r in team] for slug in SLUGS}
    means = [statistics.fmean(ranks) for ranks in team_ranks.values()]
    customer_means = [analysis.mean_of(customers[slug]) for slug in SLUGS]
    cases = {
        "W permutation test, 8 colleagues": lambda: analysis.concordance_test(rows),
        "W exact test, 2 colleagues": lambda: analysis.concordance_test(rows[:2]),
        "leave-one-out closeness, 8 colleagues": lambda: analysis.leave_one_out_closeness(team),
        "Spearman team vs customers (ties: permutation)": lambda: analysis.spearman(
            means, customer_means
        ),
        "Spearman exact, 10 untied pillars": lambda: analysis.spearman(rows[0], rows[1]),
        "Welch + Holm per pillar": lambda: analysis.rank_differences(
            team_ranks, customers, min_difference=1.0
        ),
        "t-intervals + responses for ±0.5": lambda: analysis.n_for_margin(
            analysis.rank_summaries(customers, scale_max=ITEMS, min_n=10).values(),
            scale_max=ITEMS,
            min_n=10,
        ),
        "Kruskal-Wallis per pillar, 5 generations": lambda: analysis.generation_tests(
            generations, SLUGS
        ),
        "Iman-Davenport W of 400 customers": lambda: analysis.concordance_test_from_tally(
            customers
        ),
    }
    results = {name: _time(call, args.repeat) for name, call in cases.items()}
    total = sum(median for median, _ in results.values())
    print(
        f"assessments.analysis on report-sized inputs ({os.cpu_count()} CPUs, {args.repeat} runs)"
    )
    print(f"{'method':50} {'median ms':>10} {'p90 ms':>8} {'share':>6}")
    for name, (median, p90) in results.items():
        print(f"{name:50} {median:10.2f} {p90:8.2f} {median / total:6.0%}")
    print(f"{'all of them':50} {total:10.2f}")


if __name__ == "__main__":
    main()
