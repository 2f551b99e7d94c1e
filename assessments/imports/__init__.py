"""Reading customer survey results exactly as survey tools export them (pure: no database).

``read_table`` turns an upload into rows of cells (``files``); ``detect_layout`` recognises the
tool and proposes what each column or question means (``layouts``, matching item labels to
pillars in ``matching``); ``apply_overrides`` applies the lead's corrections; ``read_responses``
reads every data row into responses and line errors (``reading``). ``parse_responses`` does all
of it in one call. Line numbers are the ones a spreadsheet shows (first row = line 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from assessments.models import Generation

from .files import (
    CSV_EXTENSIONS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    XLSX_EXTENSIONS,
    ImportFileError,
    read_table,
)
from .layouts import (
    IGNORE,
    KIND_LABELS,
    RANKING_KINDS,
    Group,
    Layout,
    apply_overrides,
    detect_layout,
)
from .matching import PillarLike, PillarMatcher, normalise, pillar_wordings
from .reading import ParseResult, RowError, read_responses

normalise_header = normalise

__all__ = [
    "CSV_EXTENSIONS",
    "IGNORE",
    "KIND_LABELS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "RANKING_KINDS",
    "XLSX_EXTENSIONS",
    "Group",
    "ImportFileError",
    "Layout",
    "ParseResult",
    "PillarLike",
    "PillarMatcher",
    "RowError",
    "apply_overrides",
    "detect_layout",
    "ignored_columns",
    "normalise_header",
    "parse_responses",
    "pillar_wordings",
    "read_responses",
    "read_table",
    "template_rows",
]


def parse_responses(
    rows: Sequence[Sequence[object]],
    pillars: Sequence[PillarLike],
    *,
    mapping: Mapping[str, str] | None = None,
    codes: Mapping[str, str] | None = None,
    ids_are_keys: bool = False,
) -> ParseResult:
    """Detect the layout of ``rows``, apply the overrides, read every response."""
    if not rows:
        result = ParseResult()
        result.file_errors.append(
            "The file has no header row: the first row must name the columns."
        )
        return result
    layout = detect_layout(rows, pillars)
    unknown: list[str] = []
    if mapping or codes:
        unknown = apply_overrides(layout, pillars, mapping or {}, codes or {})
    result = read_responses(rows, layout, pillars, ids_are_keys=ids_are_keys)
    for name in unknown:
        result.file_errors.append(
            _("“%(name)s” is not a column, question or code of this file.") % {"name": name}
        )
    result.ignored_columns = ignored_columns(layout)
    return result


def ignored_columns(layout: Layout) -> list[str]:
    """What the import leaves out: a column by its header, a question of several by its text."""
    found = []
    for group in layout.groups:
        if group.kind != IGNORE:
            continue
        if len(group.columns) == 1:
            found.append(group.headers[0])
        else:
            found.append(
                _("%(question)s (%(count)s columns)")
                % {"question": group.label, "count": len(group.columns)}
            )
    return found


def template_rows(
    pillars: Sequence[PillarLike],
    *,
    experience: bool,
    expectation: bool,
    generation: bool,
    nps: bool,
) -> tuple[list[object], list[list[object]]]:
    """The template's header and two example responses (shown apart: they are not data)."""
    slugs = [pillar.slug for pillar in pillars]
    header: list[object] = ["response_id"]
    if generation:
        header.append("generation")
    if nps:
        header.append("nps")
    header += slugs
    if experience:
        header += [f"experience:{slug}" for slug in slugs]
    if expectation:
        header += [f"expectation:{slug}" for slug in slugs]

    count = len(pillars)
    examples = [
        ("example-1", Generation.MILLENNIALS.value, 9, list(range(1, count + 1)), 0),
        ("example-2", Generation.GEN_X.value, 6, [(i + 2) % count + 1 for i in range(count)], 2),
    ]
    experience_pattern = (4, 3, 5, 2, 4, 3)
    expectation_pattern = (5, 4, 4, 3, 5, 4)
    rows = []
    for external_id, generation_value, nps_value, ranks, shift in examples:
        row: list[object] = [external_id]
        if generation:
            row.append(generation_value)
        if nps:
            row.append(nps_value)
        row += ranks
        if experience:
            row += [experience_pattern[(i + shift) % len(experience_pattern)] for i in range(count)]
        if expectation:
            row += [
                expectation_pattern[(i + shift) % len(expectation_pattern)] for i in range(count)
            ]
        rows.append(row)
    return header, rows
