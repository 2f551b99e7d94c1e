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
    ("colleague-agreement", _("Agreement between colleagues (heatmap)")),
    ("colleague-closeness", _("Closeness to the consensus of the others")),
    ("closest-to-customers", _("Who is closest to the customer")),
    ("trends", _("Trends across rounds")),
]
EXPORT_NAMES = {name for name, _label in EXPORT_TABLES}
COLLEAGUE_TABLES = frozenset({"colleague-agreement", "colleague-closeness", "closest-to-customers"})
# Individual scorecards are for the team's leads: members see the team's aggregates and their own
# card, which keeps scoring honest.
LEAD_ONLY_EXPORTS = frozenset(
    {"scorecards", "colleague-agreement", "colleague-closeness", "closest-to-customers"}
)
# What each column of a report table is, for the header row people read. Columns not listed
# (new ones, say) keep their key.
COLUMN_LABELS = {
    "colleague": _("Colleague"),
    "total": _("Total score"),
    "consensus_rank": _("Consensus rank (1 = most important)"),
    "slug": _("Pillar key"),
    "pillar": _("Pillar"),
    "mean_rank": _("Mean rank (1 = most important)"),
    "first_places": _("Times ranked first"),
    "rank_sd": _("Rank spread (standard deviation)"),
    "rank_min": _("Highest rank given"),
    "rank_max": _("Lowest rank given"),
    "mean_score": _("Mean score (1–5)"),
    "team_rank": _("Team's rank"),
    "customer_rank": _("Customers' rank"),
    "rank_gap": _("Rank gap (team − customers)"),
    "team_mean_rank": _("Team's mean rank"),
    # xgettext:no-python-format
    "outside_customer_ci": _("Outside the customers' 95% interval"),
    "customer_label": _("Pillar in customers' words"),
    "responses": _("Responses"),
    "sd": _("Standard deviation"),
    # xgettext:no-python-format
    "ci95_low": _("95% interval, low"),
    # xgettext:no-python-format
    "ci95_high": _("95% interval, high"),
    "margin": _("Margin of error (±)"),
    "importance": _("Importance"),
    "performance": _("Performance"),
    "quadrant": _("Quadrant"),
    "performance_source": _("Performance measured by"),
    "team_mean_score": _("Team's mean score (1–5)"),
    "customer_mean_experience": _("Customers' mean experience (1–5)"),
    "perception_gap": _("Perception gap (team − customers)"),
    "team_share_4_5": _("Team's share scoring 4–5"),
    "customer_share_4_5": _("Customers' share rating 4–5"),
    "experience_mean": _("Customers' mean experience (1–5)"),
    "expectation_mean": _("Customers' mean expectation (1–5)"),
    "expectation_gap": _("Expectation gap (experience − expectation)"),
    "generation": _("Generation"),
    "enough_to_conclude": _("Enough responses to conclude"),
    "rho": _("Spearman's rho"),
    "p_value": _("p-value"),
    "difference": _("Difference in mean rank (team − customers)"),
    # xgettext:no-python-format
    "difference_ci95_low": _("Difference, 95% interval, low"),
    # xgettext:no-python-format
    "difference_ci95_high": _("Difference, 95% interval, high"),
    "difference_p_adjusted": _("p-value (Holm-adjusted)"),
    "differs": _("Differs (tested)"),
    "team_agreement": _("Team agreement (mean rho between colleagues)"),
    "round": _("Round"),
    "created": _("Started"),
    "scorecards": _("Scorecards"),
    "team_total_mean": _("Team's mean total"),
    "max_total": _("Highest possible total"),
    "rho_with_customers": _("Team vs customers (Spearman's rho)"),
    "customer_top_pillars": _("Customers' top pillars"),
}
# Decimals as the pages show them; other numbers with decimals get DEFAULT_DECIMALS.
COLUMN_DECIMALS = {"team_agreement": 2, "rho": 2, "rho_with_customers": 2, "team_total_mean": 1}
DEFAULT_DECIMALS = 2
P_VALUE_DECIMALS = 3  # p-values: rounding them to 2 places would turn 0.004 into 0


def _column_label(key: str, pillar_names: dict[str, str]) -> str:
    """The readable title of one column key ("score:friction" → "Score: Friction… [friction]")."""
    for prefix, label in (
        ("score:", _("Score")),
        ("rank:", _("Rank")),
        ("mean_score:", _("Mean score")),
    ):
        if key.startswith(prefix):
            slug = key[len(prefix) :]
            return f"{label}: {pillar_names.get(slug, slug)} [{slug}]"
    if key.startswith("rank_") and key[5:].isdigit():
        return str(_("Rank %(n)s") % {"n": key[5:]})
    return str(COLUMN_LABELS.get(key, key))


def _rounded(key: str, value: object) -> object:
    if isinstance(value, float):
        if (
            key == "p"
            or key.startswith("p_")
            or "_p_" in key
            or key.endswith(("_p", "_p_adjusted"))
        ):
            return round(value, P_VALUE_DECIMALS)
        return round(value, COLUMN_DECIMALS.get(key, DEFAULT_DECIMALS))
    return value


def readable_table(table: Table, pillars) -> Table:
    """A report table as people read it: a header row saying what each column is, pillar names
    beside their keys, numbers rounded as the pages show them."""
    headers, rows = table
    names = {p.slug: p.name for p in pillars}
    labels = [_column_label(key, names) for key in headers]

    def rounded_rows() -> Iterator[list[object]]:
        for row in rows:
            yield [_rounded(key, value) for key, value in zip(headers, row, strict=False)]

    return labels, rounded_rows()


def colleague_table(report: GapReport, name: str) -> Table:
    """The colleague comparison's tables: the agreement heatmap, closeness to the team consensus
    and to the customers."""
    team = report.team
    rows: Iterable[list[object]]
    if name == "colleague-agreement":
        names = [card.username for card in team.scores.cards]
        headers = ["colleague", *names]
        rows = ([card.username, *values] for card, values in team.heatmap_rows())
        return headers, rows
    if name == "colleague-closeness":
        headers = ["colleague", "rho", "p_value"]
        rows = ([c.card.username, c.rho, c.p_value] for c in team.closeness)
        return headers, rows
    if name == "closest-to-customers":
        headers = ["colleague", "rho"]
        rows = ([username, rho] for username, rho in report.colleague_closeness)
        return headers, rows
    raise KeyError(name)


def trends_table(reports: list[GapReport]) -> Table:
    """One row per round of the team, oldest first, with the team's mean score per pillar."""
    pillars: dict[str, object] = {}
    for report in reports:
        for pillar in report.data.pillars:
            pillars.setdefault(pillar.slug, pillar)
    slugs = list(pillars)
    headers = [
        "round", "created", "scorecards", "team_total_mean", "max_total", "team_agreement",
        "rho_with_customers", "customer_top_pillars",
    ] + [f"mean_score:{slug}" for slug in slugs]  # fmt: skip

    def rows() -> Iterator[list[object]]:
        for report in reports:
            means = report.team.scores.mean_by_slug()
            yield [
                report.assessment.title,
                report.assessment.created_at.date().isoformat(),
                report.team.count,
                report.team.scores.total_mean,
                report.team.scores.max_total,
                report.team.mean_rho,
                report.spearman.coefficient,
                "; ".join(row.pillar.name for row in report.focus),
                *[means.get(slug) for slug in slugs],
            ]

    return headers, rows()


def export_tables_for(*, is_lead: bool) -> list[tuple[str, object]]:
    """The export tables a viewer may download."""
    return [
        (name, label) for name, label in EXPORT_TABLES if is_lead or name not in LEAD_ONLY_EXPORTS
    ]


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet may read as the start of a formula: the ASCII signs, ";" (a separator some
# locales turn into a new cell), tab/CR/LF, and the full-width signs Excel also accepts.
_FORMULA_START = ("=", "+", "-", "@", ";", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

Table = tuple[list[str], Iterable[list[object]]]
# A response typed into our own survey has no id of its own; the export names it by this prefix
# and its key, and importing the export back recognises it (no duplicates).
OWN_ID_PREFIX = "cxp-"


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
    if name in COLLEAGUE_TABLES:
        return colleague_table(report, name)
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
                    response.external_id or f"{OWN_ID_PREFIX}{response.pk}",
                ]
                + [ranks.get(s) for s in slugs]
                + [experience.get(s) for s in slugs]
                + [expectation.get(s) for s in slugs]
            )

    return headers, rows()


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(table: Table) -> Iterator[str]:
    """CSV text of a table, line by line: BOM first (Excel reads UTF-8 only with it), CRLF ends,
    blank cells for None, formula-like text made inert. The one CSV writer of the app."""
    headers, rows = table
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow(["" if v is None else _safe(v) for v in row])


def csv_text(table: Table) -> str:
    return "".join(csv_lines(table))


def csv_response(filename: str, table: Table) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_sheets_bytes(sheets: Iterable[tuple[str, Table]]) -> bytes:
    """A workbook with one sheet per (title, table), bold header rows. The one XLSX writer."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, (headers, rows) in sheets:
        sheet = workbook.create_sheet(str(title)[:31])
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


def xlsx_bytes(title: str, table: Table) -> bytes:
    return xlsx_sheets_bytes([(title, table)])


def xlsx_response(filename: str, title: str, table: Table) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title, table), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
