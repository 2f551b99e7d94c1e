"""Every threshold and verbal reading of the report and comparison pages, in one place.

The statistics decide (``analysis``); this module names what a decision is called and where the
lines are drawn, so that templates receive decided values and never hold a rule themselves.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import analysis

ALPHA = analysis.ALPHA  # significance level of every test the pages read
MIN_FOR_INTERVAL = 10  # fewer customer responses: no interval for a pillar's mean rank
MIN_FOR_CONCLUSION = 30  # fewer responses: a group's ranking is "too few to conclude"
HALF_RANK = 0.5  # every pillar's margin at most this: the sample is "enough"
PRACTICAL_DIFFERENCE = 1.0  # places; smaller team-versus-customer differences are never flagged
FOCUS_COUNT = 4  # the customers' top pillars the report looks hard at

# Agreement (mean pairwise rho, or rho between team and customers): Evans (1996) bands, shown
# only when the test is significant.
AGREEMENT_LABELS: dict[str, str | Promise] = {
    "unknown": _("cannot be computed yet"),
    "not_significant": _("no clear agreement"),
    "opposite": _("opposite views"),
    "very_weak": _("very weak agreement"),
    "weak": _("weak agreement"),
    "moderate": _("moderate agreement"),
    "strong": _("strong agreement"),
    "very_strong": _("very strong agreement"),
}

# How an agreement p-value was obtained (analysis.Agreement.method).
TEST_LABELS: dict[str, str | Promise] = {
    "exact": _("exact test"),
    "permutation": _("permutation test of W"),
    "iman_davenport": _("Iman–Davenport F test"),
    "": "—",
}

# A colleague's rho with the others' consensus, read the same way.
CLOSENESS_LABELS: dict[str, str | Promise] = {
    "unknown": "—",
    "not_significant": _("no clear relation"),
    "opposite": _("against the grain"),
    "very_weak": _("far apart"),
    "weak": _("far apart"),
    "moderate": _("somewhat close"),
    "strong": _("close"),
    "very_strong": _("very close"),
}


def sample_verdict(count: int, max_margin: float | None) -> str:
    """none / too_few / indicative / enough, from the number of responses and the widest margin."""
    if count == 0:
        return "none"
    if count < MIN_FOR_CONCLUSION:
        return "too_few"
    if max_margin is None or max_margin > HALF_RANK:
        return "indicative"
    return "enough"


def comparison_verdict(
    *,
    sample: str,
    team_count: int,
    rho: float | None,
    p_value: float | None,
    ci95: tuple[float, float] | None,
) -> str:
    """What the headline may say about team versus customers.

    no_customers / no_team / too_few (no claim from fewer than MIN_FOR_CONCLUSION responses) /
    unknown (rho undefined) / not_enough_evidence (the CI includes 0, or without a CI the test is
    not significant) / alike / opposite.
    """
    if sample == "none":
        return "no_customers"
    if team_count == 0:
        return "no_team"
    if sample == "too_few":
        return "too_few"
    if rho is None:
        return "unknown"
    if ci95 is not None:
        clear = ci95[0] > 0 or ci95[1] < 0
    else:
        clear = p_value is not None and p_value < ALPHA
    if not clear:
        return "not_enough_evidence"
    return "alike" if rho > 0 else "opposite"
