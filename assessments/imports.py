"""Reading customer survey results from CSV or XLSX files.

One row per respondent, a column per pillar holding that respondent's rank (1 = most
important). Optional columns: ``response_id``, ``generation``, ``nps`` and per pillar
``experience:<slug>`` / ``expectation:<slug>`` scores from 1 to 5.

``read_table`` turns the uploaded bytes into rows of cells; ``parse_responses`` checks the
rows against the round's pillars and reports every problem with the line number a
spreadsheet shows (header = line 1). Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, Protocol

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assessments.languages import generation_wordings, pillar_wordings
from assessments.models import GENERATION_SHORT_NAMES, Generation
from assessments.ranking import check_ranking, small_whole_number

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000
MAX_EXTERNAL_ID_LENGTH = 200

CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx",)

_SNIFF_CHARS = 64 * 1024
_SHOWN_CHARS = 40
_WHOLE_NUMBER = re.compile(r"([+-]?\d+)(?:\.0*)?")
_BRACKETED = re.compile(r".*\[([^\[\]]+)\]", re.DOTALL)

RESPONSE_ID = "response_id"
GENERATION = "generation"
NPS = "nps"
CES = "ces"
RANK = "rank"
EXPERIENCE = "experience"
EXPECTATION = "expectation"

_COLUMN_ALIASES = {
    RESPONSE_ID: ("responseid", "respondentid", "id"),
    GENERATION: ("generation", "agegroup", "generationname"),
    NPS: ("nps", "recommend", "likelihoodtorecommend", "netpromoterscore"),
    CES: ("ces", "effort", "customereffort", "customereffortscore"),
}

_GENERATION_VARIANTS = {
    Generation.GEN_Z: ("gen z", "generation z", "zoomer", "zoomers"),
    Generation.MILLENNIALS: (
        "millennial",
        "millennials",
        "millenial",
        "millenials",
        "gen y",
        "generation y",
    ),
    Generation.GEN_X: ("gen x", "generation x"),
    Generation.BABY_BOOMERS: ("boomer", "boomers", "baby boomer", "baby boomers"),
    Generation.SILENT: ("silent", "silent generation"),
    Generation.UNDISCLOSED: ("prefer not to say", "unknown", "undisclosed", "rather not say"),
}


class ImportFileError(Exception):
    """The whole file cannot be read; ``str(exc)`` is a message for the user."""


class PillarLike(Protocol):
    pk: int
    slug: str
    name: str
    customer_label: str


@dataclass(frozen=True)
class ParsedResponse:
    line: int
    external_id: str
    generation: str
    nps: int | None
    ranks: dict[int, int]
    experience: dict[int, int]
    expectation: dict[int, int]
    ces: int | None = None


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class ParseResult:
    responses: list[ParsedResponse] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    column_map: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors


# --------------------------------------------------------------------------- reading files


def read_table(data: bytes, filename: str) -> list[list[object]]:
    """Rows of cells from a CSV or XLSX upload, header row first, trailing blank rows dropped."""
    name = os.path.basename(filename.replace("\\", "/")) or filename
    extension = os.path.splitext(name)[1].lower()
    if extension not in CSV_EXTENSIONS + XLSX_EXTENSIONS:
        raise ImportFileError(
            _("“%(name)s” is not a file type we can read. Upload a .csv or .xlsx file.")
            % {"name": name}
        )
    if not data:
        raise ImportFileError(_("“%(name)s” is empty.") % {"name": name})
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("“%(name)s” is larger than %(limit)s MB. Split it into smaller files.")
            % {"name": name, "limit": _megabytes(MAX_FILE_BYTES)}
        )
    reader = _read_xlsx if extension in XLSX_EXTENSIONS else _read_csv
    rows = reader(data, name)
    if not rows:
        raise ImportFileError(
            _("“%(name)s” has no header row: the first row must name the columns.") % {"name": name}
        )
    return rows


def _megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:g}" if megabytes >= 1 else f"{megabytes:.2g}"


def _too_many_rows(name: str) -> ImportFileError:
    return ImportFileError(
        _("“%(name)s” has more than %(limit)s rows of responses. Split it into smaller files.")
        % {"name": name, "limit": f"{MAX_ROWS:,}"}
    )


def _collect_rows(cells: Iterable[Sequence[object]], name: str) -> list[list[object]]:
    """Rows as lists, trailing blank rows dropped, failing once there are too many data rows."""
    rows: list[list[object]] = []
    pending_blank = 0
    for cells_of_row in cells:
        if _is_blank_row(cells_of_row):
            pending_blank += 1
            continue
        if len(rows) + pending_blank > MAX_ROWS:  # header + MAX_ROWS data rows already kept
            raise _too_many_rows(name)
        rows.extend([] for _blank in range(pending_blank))
        pending_blank = 0
        rows.append(list(cells_of_row))
    return rows


def _read_xlsx(data: bytes, name: str) -> list[list[object]]:
    not_a_workbook = ImportFileError(
        _(
            "“%(name)s” is not a valid Excel workbook (.xlsx). Save it again from your "
            "spreadsheet as .xlsx or .csv."
        )
        % {"name": name}
    )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise not_a_workbook from exc
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        return _collect_rows(sheet.iter_rows(values_only=True), name)
    except ImportFileError:
        raise
    except Exception as exc:
        raise not_a_workbook from exc
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _sniff_delimiter(text: str) -> str:
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","
    return delimiter if delimiter in {",", ";", "\t"} else ","


def _read_csv(data: bytes, name: str) -> list[list[object]]:
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                "“%(name)s” looks like an Excel workbook, not a CSV file. Upload it with "
                "the .xlsx extension."
            )
            % {"name": name}
        )
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        return _collect_rows(reader, name)
    except csv.Error as exc:
        raise ImportFileError(
            _("“%(name)s” could not be read as CSV (line %(line)s: %(problem)s).")
            % {"name": name, "line": reader.line_num, "problem": exc}
        ) from exc


# --------------------------------------------------------------------------- cells


def normalise_header(text: object) -> str:
    """Case-folded text with every non-alphanumeric character removed, for loose matching."""
    if text is None:
        return ""
    return "".join(ch for ch in str(text).strip().casefold() if ch.isalnum())


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_blank_row(row: Sequence[object]) -> bool:
    return all(_is_blank(value) for value in row)


def _whole_number(value: object) -> int | None:
    """The integer a cell holds (3, 3.0, " 3 ", "3.0"), or None when it is not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else None
    if isinstance(value, str):
        match = _WHOLE_NUMBER.fullmatch(value.strip())
        return small_whole_number(match.group(1)) if match else None
    return None


def _shown(value: object) -> str:
    """A cell value as it should appear in a message."""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value).strip()
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _join_or(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s or %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _join_and(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


# --------------------------------------------------------------------------- headers


class _Target(NamedTuple):
    kind: str
    pillar: PillarLike | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pillar.slug}" if self.pillar is not None else self.kind

    def describe(self) -> str:
        if self.kind == RANK:
            return _("the rank of %(pillar)s") % {"pillar": self.pillar.name}
        if self.kind == EXPERIENCE:
            return _("the experience score of %(pillar)s") % {"pillar": self.pillar.name}
        if self.kind == EXPECTATION:
            return _("the expectation score of %(pillar)s") % {"pillar": self.pillar.name}
        if self.kind == RESPONSE_ID:
            return _("the response id")
        if self.kind == GENERATION:
            return _("the generation")
        if self.kind == CES:
            return _("the customer effort answer (CES)")
        return _("the likelihood to recommend (NPS)")


def _header_keys(pillars: Sequence[PillarLike]) -> dict[str, dict[str, _Target]]:
    """Normalised header -> the targets (by key) it may name."""
    keys: dict[str, dict[str, _Target]] = {}

    def add(text: str, target: _Target) -> None:
        keys.setdefault(text, {})[target.key] = target

    for kind, aliases in _COLUMN_ALIASES.items():
        for alias in aliases:
            add(alias, _Target(kind))
    for pillar in pillars:
        for wording in pillar_wordings(pillar):
            key = normalise_header(wording)
            if not key:
                continue
            for text in (key, RANK + key, key + RANK):
                add(text, _Target(RANK, pillar))
            add(EXPERIENCE + key, _Target(EXPERIENCE, pillar))
            add(EXPECTATION + key, _Target(EXPECTATION, pillar))
    return keys


def _header_matches(text: str, keys: dict[str, dict[str, _Target]]) -> dict[str, _Target]:
    """Targets a header names; Google Forms grids write "Question [Row]", so the bracketed
    row label counts on its own when the whole header matches nothing."""
    matches = keys.get(normalise_header(text))
    if matches:
        return matches
    bracketed = _BRACKETED.fullmatch(text)
    return keys.get(normalise_header(bracketed.group(1)), {}) if bracketed else {}


def _column_ref(index: int, text: str) -> str:
    return _("“%(header)s” (column %(letter)s)") % {
        "header": text,
        "letter": get_column_letter(index + 1),
    }


def _match_header(
    header: Sequence[object], pillars: Sequence[PillarLike], result: ParseResult
) -> dict[str, tuple[_Target, int]]:
    """Target key -> (target, column index); problems go to ``result.file_errors``."""
    if _is_blank_row(header):
        result.file_errors.append(
            _("The first row is empty. It must hold the column headers, one per column.")
        )
        return {}
    keys = _header_keys(pillars)
    found: dict[str, list[tuple[int, str]]] = {}
    targets: dict[str, _Target] = {}
    for index, cell in enumerate(header):
        text = _cell_text(cell)
        if not text:
            continue
        matches = _header_matches(text, keys)
        if not matches:
            result.ignored_columns.append(text)
            continue
        if len(matches) > 1:
            result.file_errors.append(
                _(
                    "Column %(column)s could mean %(targets)s. Use the column name from "
                    "the template instead."
                )
                % {
                    "column": _column_ref(index, text),
                    "targets": _join_or([target.describe() for target in matches.values()]),
                }
            )
            continue
        (target,) = matches.values()
        result.column_map[text] = target.key
        targets[target.key] = target
        found.setdefault(target.key, []).append((index, text))

    for key, columns in found.items():
        if len(columns) < 2:
            continue
        refs = [_column_ref(index, text) for index, text in columns]
        values = {"columns": _join_and(refs), "target": targets[key].describe()}
        if len(columns) == 2:
            message = _("Columns %(columns)s both hold %(target)s. Keep only one of them.")
        else:
            message = _("Columns %(columns)s all hold %(target)s. Keep only one of them.")
        result.file_errors.append(message % values)

    ranked = sum(_Target(RANK, pillar).key in found for pillar in pillars)
    if not ranked:
        result.file_errors.append(
            _(
                "No column holds a pillar ranking. Column headers may be a pillar's slug, its "
                "name or the customer wording; download the template to see them."
            )
        )
    elif ranked < len(pillars):
        missing = [pillar.name for pillar in pillars if _Target(RANK, pillar).key not in found]
        result.file_errors.append(
            _(
                "No column for %(pillars)s. Every pillar of the round needs a rank column; "
                "column headers may be a pillar's slug, its name or the customer wording. "
                "Download the template to see them."
            )
            % {"pillars": _join_and(missing)}
        )
    return {key: (targets[key], columns[0][0]) for key, columns in found.items()}


# --------------------------------------------------------------------------- rows


def _generation_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for generation in Generation:
        wordings = [
            generation.value,
            str(generation.label),
            str(GENERATION_SHORT_NAMES[generation]),
            *_GENERATION_VARIANTS[generation],
            *generation_wordings(generation),
        ]
        with translation.override("en"):
            wordings += [str(generation.label), str(GENERATION_SHORT_NAMES[generation])]
        for wording in wordings:
            lookup.setdefault(normalise_header(wording), generation.value)
    return lookup


def _parse_generation(value: object, lookup: dict[str, str]) -> tuple[str, str | None]:
    if _is_blank(value):
        return "", None
    generation = lookup.get(normalise_header(value))
    if generation is not None:
        return generation, None
    names = [str(name) for name in GENERATION_SHORT_NAMES.values()]
    return "", _("unknown generation “%(value)s” (use %(choices)s)") % {
        "value": _shown(value),
        "choices": _join_or(names),
    }


def _parse_score(value: object, low: int, high: int) -> tuple[int | None, bool]:
    """(number, ok) for an optional score cell; blank is (None, True)."""
    if _is_blank(value):
        return None, True
    number = _whole_number(value)
    if number is None or not low <= number <= high:
        return None, False
    return number, True


def _parse_external_id(value: object) -> tuple[str, str | None]:
    text = _cell_text(value)
    if "\x00" in text or any(ord(ch) < 32 and ch not in "\t" for ch in text):
        # PostgreSQL refuses NUL in text, and control characters are never a real key.
        return "", _("response_id “%(value)s” contains control characters") % {
            "value": _shown(text.replace("\x00", "\\0"))
        }
    if len(text) > MAX_EXTERNAL_ID_LENGTH:
        return "", _("response_id “%(value)s” is longer than %(limit)s characters (%(length)s)") % {
            "value": _shown(text),
            "limit": MAX_EXTERNAL_ID_LENGTH,
            "length": len(text),
        }
    return text, None


def _parse_ranks(
    row_cell: Callable[[int], object],
    pillars: Sequence[PillarLike],
    columns: dict[str, tuple[_Target, int]],
) -> tuple[dict[int, int], list[str]]:
    count = len(pillars)
    names = {pillar.pk: pillar.name for pillar in pillars}
    given: dict[int, int | None] = {}
    problems: list[str] = []
    for pillar in pillars:
        value = row_cell(columns[_Target(RANK, pillar).key][1])
        if _is_blank(value):
            problems.append(_("missing rank for %(pillar)s") % {"pillar": pillar.name})
            continue
        rank = _whole_number(value)
        if rank is None:
            problems.append(
                _("rank for %(pillar)s is not a whole number: “%(value)s”")
                % {"pillar": pillar.name, "value": _shown(value)}
            )
            continue
        given[pillar.pk] = rank

    # Missing cells were reported above; the shared rule finds ranges and shared places.
    found = check_ranking(given, [pillar.pk for pillar in pillars])
    for pk, rank in found.out_of_range:
        problems.append(
            _("rank %(value)s is out of range 1–%(count)s for %(pillar)s")
            % {"value": rank, "count": count, "pillar": names[pk]}
        )
    for rank, holders in found.shared.items():
        held = [names[pk] for pk in holders]
        if len(held) == 2:
            problems.append(
                _("rank %(rank)s is given to both %(first)s and %(second)s")
                % {"rank": rank, "first": held[0], "second": held[1]}
            )
        else:
            problems.append(
                _("rank %(rank)s is given to %(pillars)s")
                % {"rank": rank, "pillars": _join_and(held)}
            )
    out = {pk for pk, _rank in found.out_of_range}
    ranks = {pk: rank for pk, rank in given.items() if rank is not None and pk not in out}
    return ranks, problems


def _parse_scores(
    row_cell: Callable[[int], object],
    kind: str,
    pillars: Sequence[PillarLike],
    columns: dict[str, tuple[_Target, int]],
) -> tuple[dict[int, int], list[str]]:
    scores: dict[int, int] = {}
    problems: list[str] = []
    for pillar in pillars:
        column = columns.get(_Target(kind, pillar).key)
        if column is None:
            continue
        value = row_cell(column[1])
        score, ok = _parse_score(value, 1, 5)
        if not ok:
            if kind == EXPERIENCE:
                message = _(
                    "experience score for %(pillar)s must be a whole number from 1 to 5, "
                    "not “%(value)s”"
                )
            else:
                message = _(
                    "expectation score for %(pillar)s must be a whole number from 1 to 5, "
                    "not “%(value)s”"
                )
            problems.append(message % {"pillar": pillar.name, "value": _shown(value)})
        elif score is not None:
            scores[pillar.pk] = score
    return scores, problems


def parse_responses(rows: Sequence[Sequence[object]], pillars: Sequence[PillarLike]) -> ParseResult:
    """Check rows (header first) against the round's pillars; see the module docstring."""
    result = ParseResult()
    if not rows:
        result.file_errors.append(
            _("The file has no header row: the first row must name the columns.")
        )
        return result
    columns = _match_header(rows[0], pillars, result)
    if result.file_errors:
        return result

    lookup = _generation_lookup()
    first_line_of_id: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if _is_blank_row(row):
            continue

        def row_cell(index: int, row: Sequence[object] = row) -> object:
            return row[index] if index < len(row) else None

        problems: list[str] = []
        external_id = ""
        if RESPONSE_ID in columns:
            external_id, problem = _parse_external_id(row_cell(columns[RESPONSE_ID][1]))
            if problem:
                problems.append(problem)
            elif external_id and external_id in first_line_of_id:
                problems.append(
                    _("response_id “%(value)s” already appears on line %(line)s")
                    % {"value": _shown(external_id), "line": first_line_of_id[external_id]}
                )
            elif external_id:
                first_line_of_id[external_id] = line

        generation = ""
        if GENERATION in columns:
            generation, problem = _parse_generation(row_cell(columns[GENERATION][1]), lookup)
            if problem:
                problems.append(problem)

        nps = None
        if NPS in columns:
            value = row_cell(columns[NPS][1])
            nps, ok = _parse_score(value, 0, 10)
            if not ok:
                problems.append(
                    _("NPS must be a whole number from 0 to 10, not “%(value)s”")
                    % {"value": _shown(value)}
                )

        ces = None
        if CES in columns:
            value = row_cell(columns[CES][1])
            ces, ok = _parse_score(value, 1, 5)
            if not ok:
                problems.append(
                    _("CES must be a whole number from 1 to 5, not “%(value)s”")
                    % {"value": _shown(value)}
                )

        ranks, rank_problems = _parse_ranks(row_cell, pillars, columns)
        experience, experience_problems = _parse_scores(row_cell, EXPERIENCE, pillars, columns)
        expectation, expectation_problems = _parse_scores(row_cell, EXPECTATION, pillars, columns)
        problems += rank_problems + experience_problems + expectation_problems

        if problems:
            result.errors.append(RowError(line=line, message="; ".join(problems)))
            continue
        result.responses.append(
            ParsedResponse(
                line=line,
                external_id=external_id,
                generation=generation,
                nps=nps,
                ranks=ranks,
                experience=experience,
                expectation=expectation,
                ces=ces,
            )
        )
    return result


# --------------------------------------------------------------------------- templates


def template_rows(
    pillars: Sequence[PillarLike],
    *,
    experience: bool,
    expectation: bool,
    generation: bool,
    nps: bool,
) -> list[list[object]]:
    """Header plus two example responses that ``parse_responses`` accepts."""
    slugs = [pillar.slug for pillar in pillars]
    header: list[object] = [RESPONSE_ID]
    if generation:
        header.append(GENERATION)
    if nps:
        header.append(NPS)
    header += slugs
    if experience:
        header += [f"{EXPERIENCE}:{slug}" for slug in slugs]
    if expectation:
        header += [f"{EXPECTATION}:{slug}" for slug in slugs]

    count = len(pillars)
    examples = [
        ("example-1", Generation.MILLENNIALS.value, 9, list(range(1, count + 1)), 0),
        ("example-2", Generation.GEN_X.value, 6, [(i + 2) % count + 1 for i in range(count)], 2),
    ]
    experience_pattern = (4, 3, 5, 2, 4, 3)
    expectation_pattern = (5, 4, 4, 3, 5, 4)
    rows = [header]
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
    return rows


def rows_to_csv(rows: Iterable[Sequence[object]]) -> str:
    """CSV text (comma-separated, CRLF line ends) of the rows; None becomes an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def rows_to_xlsx(rows: Iterable[Sequence[object]]) -> bytes:
    """An .xlsx workbook of the rows with a bold, frozen header row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Responses")[:31]
    bold = Font(bold=True)
    widths: dict[int, int] = {}
    for row_index, row in enumerate(rows):
        sheet.append(list(row))
        for column_index, value in enumerate(row, start=1):
            if row_index == 0:
                sheet.cell(row=1, column=column_index).font = bold
            width = len(str(value)) if value is not None else 0
            widths[column_index] = max(widths.get(column_index, 0), width)
    for column_index, width in widths.items():
        sheet.column_dimensions[get_column_letter(column_index)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
