"""The report.json document (docs/REPORT_JSON.md), built from the assembled reports."""

from __future__ import annotations

from .gap_report import GapReport, gap_report
from .models import Assessment
from .reporting import ColleagueComparison, RoundData

REPORT_SCHEMA_VERSION = 2


def assessment_part(assessment: Assessment) -> dict:
    """The round's identity, the same in every framework's report.json."""
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "team": assessment.team.name,
        "is_open": assessment.is_open,
        "created_at": assessment.created_at.isoformat(),
    }


def report_document(assessment: Assessment, *, performance: str | None = None) -> dict:
    """The whole report.json document."""
    report = gap_report(assessment, performance=performance)
    document = colleague_document(assessment, report.data, report.team)
    document.update(customer_document(report))
    return document


def colleague_document(
    assessment: Assessment, data: RoundData, comparison: ColleagueComparison
) -> dict:
    """The "assessment" and "colleagues" parts."""
    scores = comparison.scores
    agreement = comparison.agreement
    concordance = agreement.concordance
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "assessment": {
            **assessment_part(assessment),
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
            "mean_pairwise_rho": agreement.mean_rho,
            "agreement_p_value": agreement.p_value,
            "agreement_test": agreement.method or None,
            "agreement": comparison.reading_key,
            "ranked_pillars": comparison.ranked_slugs,
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
                {"colleague": c.card.username, "rho": c.rho, "p_value": c.p_value}
                for c in comparison.closeness
            ],
        },
    }


def customer_document(report: GapReport) -> dict:
    """The "customers" and "comparison" parts."""
    positions = report.data.positions
    agreement = report.customer_agreement
    ci95 = report.spearman_ci95 or (None, None)
    return {
        "customers": {
            "count": report.count,
            "target": report.target,
            "consensus": [c.pillar.slug for c in report.customers],
            "kendall_w": agreement.concordance.w,
            "mean_pairwise_rho": agreement.mean_rho,
            "agreement_p_value": agreement.p_value,
            "agreement": agreement.reading,
            "nps": report.nps,
            "nps_margin": report.nps_margin,
            "csat": report.csat,
            "csat_margin": report.csat_margin,
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
            "generation_tests": [
                {
                    "slug": t.slug,
                    "h": t.h,
                    "p_value": t.p_value,
                    "p_adjusted": t.p_adjusted,
                    "epsilon_squared": t.epsilon_squared,
                    "differs": t.differs,
                }
                for t in sorted(report.generation_tests, key=lambda t: positions[t.slug])
            ],
        },
        "comparison": {
            "spearman_rho": report.spearman.coefficient,
            "spearman_p": report.spearman.p_value,
            "spearman_ci95_low": ci95[0],
            "spearman_ci95_high": ci95[1],
            "kendall_tau_b": report.kendall.coefficient,
            "kendall_p": report.kendall.p_value,
            "verdict": report.verdict,
            "performance_source": report.performance_source,
            "focus": [row.pillar.slug for row in report.focus],
            "fix_first": [row.pillar.slug for row in report.fix_first],
            "pillars": [
                _comparison_pillar(row)
                for row in sorted(report.rows, key=lambda r: positions[r.pillar.slug])
            ],
            "colleague_closeness": [
                {"colleague": name, "rho": rho} for name, rho in report.colleague_closeness
            ],
        },
    }


def _comparison_pillar(row) -> dict:
    """One pillar of "comparison.pillars"."""
    difference = row.difference
    return {
        "slug": row.pillar.slug,
        "team_rank": row.gap.team_rank,
        "customer_rank": row.gap.customer_rank,
        "rank_gap": row.gap.rank_gap,
        "team_mean_rank": row.gap.team_mean_rank,
        "difference": difference.difference if difference else None,
        "difference_ci95_low": difference.ci95_low if difference else None,
        "difference_ci95_high": difference.ci95_high if difference else None,
        "difference_p_adjusted": difference.p_adjusted if difference else None,
        "differs": row.differs,
        "importance": row.ipa.importance if row.ipa else None,
        "performance": row.ipa.performance if row.ipa else None,
        "quadrant": row.ipa.quadrant if row.ipa else None,
        "perception_gap": row.perception_gap,
        "expectation_gap": row.expectation_gap,
    }
