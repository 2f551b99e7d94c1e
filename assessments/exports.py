"""CSV and XLSX exports: every table of the report, the scorecards and the customer responses."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .gap_report import QUADRANT_LABELS, GapReport
from .models import Assessment, CustomerAnswer, CustomerResponse

EXPORT_TABLES = [
    ("scorecards", _("Scorecards")),
    ("responses", _("Customer responses")),
    ("consensus", _("Team consensus")),
    ("ranking-gap", _("Ranking gap")),
    ("customer-priorities", _("Customer priorities")),
    ("ipa", _("Importance–performance")),
    ("perception-gap", _("Perception gap")),
    ("expectation-gap", _("Expectation gap")),
    ("generations", _("Generations")),
]
EXPORT_NAMES = {name for name, _label in EXPORT_TABLES}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Table = tuple[list[str], Iterable[list[object]]]


def _safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def report_table(report: GapReport, name: str) -> Table:
    """One table of the report, with exactly the numbers the page shows (unrounded)."""
    slugs = [p.slug for p in report.data.pillars]
    if name == "scorecards":
        headers = ["colleague", "total"]
        headers += [f"score:{s}" for s in slugs] + [f"rank:{s}" for s in slugs]
        rows = (
            [card.username, card.total]
            + [card.scores.get(s) for s in slugs]
            + [card.ranks.get(s) for s in slugs]
            for card in report.data.cards
        )
        return headers, rows
    if name == "consensus":
        headers = [
            "consensus_rank", "slug", "pillar", "mean_rank", "first_places",
            "rank_sd", "rank_min", "rank_max", "mean_score",
        ]  # fmt: skip
        rows = (
            [
                r.entry.consensus_rank,
                r.pillar.slug,
                r.pillar.name,
                r.entry.mean_rank,
                r.entry.first_places,
                r.spread.sd,
                r.spread.min,
                r.spread.max,
                r.mean_score,
            ]
            for r in report.team.consensus
        )
        return headers, rows
    if name == "ranking-gap":
        headers = [
            "slug", "pillar", "team_rank", "customer_rank", "rank_gap",
            "team_mean_rank", "difference", "difference_ci95_low", "difference_ci95_high",
            "difference_p_adjusted", "differs",
        ]  # fmt: skip
        rows = (
            [
                r.pillar.slug,
                r.pillar.name,
                r.gap.team_rank,
                r.gap.customer_rank,
                r.gap.rank_gap,
                r.gap.team_mean_rank,
                r.difference.difference if r.difference else None,
                r.difference.ci95_low if r.difference else None,
                r.difference.ci95_high if r.difference else None,
                r.difference.p_adjusted if r.difference else None,
                r.differs,
            ]
            for r in report.rows
        )
        return headers, rows
    if name == "customer-priorities":
        headers = [
            "consensus_rank", "slug", "pillar", "customer_label", "responses", "mean_rank",
            "sd", "ci95_low", "ci95_high", "margin",
        ]  # fmt: skip
        rows = (
            [
                c.entry.consensus_rank,
                c.pillar.slug,
                c.pillar.name,
                c.pillar.customer_label,
                c.summary.n,
                c.entry.mean_rank,
                c.summary.sd,
                c.summary.ci95_low,
                c.summary.ci95_high,
                c.summary.margin,
            ]
            for c in report.customers
        )
        return headers, rows
    if name == "ipa":
        headers = ["slug", "pillar", "importance", "performance", "quadrant", "performance_source"]
        rows = (
            [
                r.pillar.slug,
                r.pillar.name,
                r.ipa.importance,
                r.ipa.performance,
                str(QUADRANT_LABELS[r.ipa.quadrant]),
                report.performance_source,
            ]
            for r in report.rows
            if r.ipa
        )
        return headers, rows
    if name == "perception-gap":
        headers = [
            "slug", "pillar", "team_mean_score", "customer_mean_experience", "perception_gap",
            "team_share_4_5", "customer_share_4_5",
        ]  # fmt: skip
        rows = (
            [
                r.pillar.slug,
                r.pillar.name,
                r.team_mean_score,
                r.customer.experience_mean,
                r.perception_gap,
                r.team_top_box_share,
                r.customer.top_box_share,
            ]
            for r in report.rows
        )
        return headers, rows
    if name == "expectation-gap":
        headers = ["slug", "pillar", "experience_mean", "expectation_mean", "expectation_gap"]
        rows = (
            [
                r.pillar.slug,
                r.pillar.name,
                r.customer.experience_mean,
                r.customer.expectation_mean,
                r.expectation_gap,
            ]
            for r in report.rows
        )
        return headers, rows
    if name == "generations":
        headers = ["generation", "responses", "enough_to_conclude"] + [
            f"rank_{i}" for i in range(1, len(slugs) + 1)
        ]
        rows = (
            [g.generation.value, g.count, g.enough] + [e.slug for e in g.consensus]
            for g in report.generations
        )
        return headers, rows
    raise KeyError(name)


def responses_table(assessment: Assessment) -> Table:
    """Every customer response of the round, one row each, streamed from the database."""
    pillars = assessment.round_pillars()
    slugs = [p.slug for p in pillars]
    slug_of = {p.pk: p.slug for p in pillars}
    headers = ["response", "submitted_at", "source", "generation", "nps", "response_id"]
    headers += [f"rank:{s}" for s in slugs]
    headers += [f"experience:{s}" for s in slugs] + [f"expectation:{s}" for s in slugs]

    def rows() -> Iterator[list[object]]:
        responses = CustomerResponse.objects.filter(survey__assessment=assessment).order_by("pk")
        answers = (
            CustomerAnswer.objects.filter(response__survey__assessment=assessment)
            .order_by("response_id")
            .values_list("response_id", "pillar_id", "rank", "experience", "expectation")
            .iterator(chunk_size=5000)
        )
        pending = next(answers, None)
        for response in responses.iterator(chunk_size=2000):
            ranks, experience, expectation = {}, {}, {}
            while pending is not None and pending[0] == response.pk:
                slug = slug_of.get(pending[1])
                ranks[slug], experience[slug], expectation[slug] = pending[2:]
                pending = next(answers, None)
            yield (
                [
                    response.pk,
                    response.submitted_at.isoformat(),
                    response.source,
                    response.generation,
                    response.nps,
                    response.external_id,
                ]
                + [ranks.get(s) for s in slugs]
                + [experience.get(s) for s in slugs]
                + [expectation.get(s) for s in slugs]
            )

    return headers, rows()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, table: Table) -> StreamingHttpResponse:
    headers, rows = table
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # Excel reads UTF-8 only with a byte-order mark
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow(["" if v is None else _safe(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(title: str, table: Table) -> bytes:
    headers, rows = table
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    header_cells = []
    for value in headers:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, title: str, table: Table) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title, table), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
