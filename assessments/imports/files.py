"""Reading an uploaded CSV or XLSX file into rows of cells, with every size bounded.

Hostile files end with an ``ImportFileError`` before they cost much: a workbook's uncompressed
parts are checked in the zip directory before openpyxl opens it, declared sheet dimensions are
ignored (a sheet may claim ``A1:XFD1048576``), rows and columns are counted while they stream,
and the CSV delimiter is found in linear time (``csv.Sniffer`` is quadratic on some inputs).
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 40 * 1024 * 1024  # a 200,000-row SurveyMonkey export is about 38 MB
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
# A workbook part bigger than this, uncompressed, is refused before it is opened: a 10 MB upload
# of real responses never inflates past it, a zip bomb (1,000 MB in one cell) always does.
MAX_XLSX_PART_BYTES = 150 * 1024 * 1024
MAX_XLSX_TOTAL_BYTES = 250 * 1024 * 1024
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
_BLANK_ROWS_AFTER_DATA = 10_000  # a gap this long before more rows means a stray far-away cell

CSV_EXTENSIONS = (".csv", ".txt")
XLSX_EXTENSIONS = (".xlsx",)
_DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 20


class ImportFileError(Exception):
    """The whole file cannot be read; ``str(exc)`` is a message for the user."""


def file_name(filename: str) -> str:
    """The base name of an uploaded file, whatever path the client sent."""
    return os.path.basename(filename.replace("\\", "/")) or filename


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:g}" if value >= 1 else f"{value:.2g}"


def too_large(name: str) -> ImportFileError:
    return ImportFileError(
        _("“%(name)s” is larger than %(limit)s MB. Split it into smaller files.")
        % {"name": name, "limit": megabytes(MAX_FILE_BYTES)}
    )


def read_table(data: bytes, filename: str) -> list[list[object]]:
    """Rows of cells from a CSV or XLSX upload, trailing blank rows dropped."""
    name = file_name(filename)
    extension = os.path.splitext(name)[1].lower()
    if extension not in CSV_EXTENSIONS + XLSX_EXTENSIONS:
        raise ImportFileError(
            _("“%(name)s” is not a file type we can read. Upload a .csv or .xlsx file.")
            % {"name": name}
        )
    if not data:
        raise ImportFileError(_("“%(name)s” is empty.") % {"name": name})
    if len(data) > MAX_FILE_BYTES:
        raise too_large(name)
    reader = read_xlsx if extension in XLSX_EXTENSIONS else read_csv
    rows = reader(data, name)
    if not rows:
        raise ImportFileError(
            _("“%(name)s” has no header row: the first row must name the columns.") % {"name": name}
        )
    return rows


def _too_many_rows(name: str) -> ImportFileError:
    return ImportFileError(
        _("“%(name)s” has more than %(limit)s rows of responses. Split it into smaller files.")
        % {"name": name, "limit": f"{MAX_ROWS:,}"}
    )


def _too_many_columns(name: str) -> ImportFileError:
    return ImportFileError(
        _("“%(name)s” has more than %(limit)s columns. Remove the columns you do not need.")
        % {"name": name, "limit": f"{MAX_COLUMNS:,}"}
    )


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_row(row: Sequence[object]) -> bool:
    try:
        return not "".join(row).strip()  # type: ignore[arg-type]  # CSV rows: all text
    except TypeError:
        return all(is_blank(value) for value in row)


def _collect_rows(cells: Iterable[Sequence[object]], name: str) -> list[list[object]]:
    """Rows as lists without trailing blanks, failing once there are too many rows or columns."""
    rows: list[list[object]] = []
    pending_blank = 0
    limit = MAX_ROWS + 1  # the header row and MAX_ROWS rows of responses
    for cells_of_row in cells:
        if is_blank_row(cells_of_row):
            pending_blank += 1
            if pending_blank > _BLANK_ROWS_AFTER_DATA and len(rows) + pending_blank > limit:
                raise _too_many_rows(name)
            continue
        if len(rows) + pending_blank >= limit:
            raise _too_many_rows(name)
        row = list(cells_of_row)
        while row and is_blank(row[-1]):
            row.pop()
        if len(row) > MAX_COLUMNS:
            raise _too_many_columns(name)
        rows.extend([] for _blank in range(pending_blank))
        pending_blank = 0
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- XLSX


def _not_a_workbook(name: str) -> ImportFileError:
    return ImportFileError(
        _(
            "“%(name)s” is not a valid Excel workbook (.xlsx). Save it again from your "
            "spreadsheet as .xlsx or .csv."
        )
        % {"name": name}
    )


def check_xlsx_sizes(data: bytes, name: str) -> None:
    """Refuse a workbook whose parts inflate past the limits, before anything decompresses."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _not_a_workbook(name) from exc
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_XLSX_PART_BYTES or total > MAX_XLSX_TOTAL_BYTES:
            raise ImportFileError(
                _(
                    "“%(name)s” unpacks to more than %(limit)s MB, far more than a file of "
                    "responses holds. Save the responses alone as .csv or .xlsx and try again."
                )
                % {"name": name, "limit": megabytes(MAX_XLSX_TOTAL_BYTES)}
            )


def _xlsx_value(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[:MAX_CELL_CHARS]
    return value


def _sheet_rows(sheet, name: str):
    """Rows of a read-only sheet as lists, straight from its XML: openpyxl's own iterator pads
    every gap (a cell on row 1,048,576 means a million empty rows) and every row up to the
    declared or widest column; here a row number or column past the limits ends the reading."""
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = sheet.parent
    expected = 1
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=workbook.data_only,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number > MAX_ROWS + 1 + _BLANK_ROWS_AFTER_DATA:
                raise _too_many_rows(name)
            while expected < number:  # a gap: blank rows, at most the bound above
                expected += 1
                yield []
            expected = number + 1
            row: list[object] = []
            for cell in cells:
                column = cell["column"]
                if column > MAX_COLUMNS:
                    if cell["value"] is None:
                        continue
                    raise _too_many_columns(name)
                if column > len(row):
                    row.extend([None] * (column - len(row)))
                row[column - 1] = _xlsx_value(cell["value"])
            yield row


def read_xlsx(data: bytes, name: str) -> list[list[object]]:
    from openpyxl import load_workbook

    check_xlsx_sizes(data, name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise _not_a_workbook(name) from exc
    try:
        if not workbook.worksheets:
            return []
        return _collect_rows(_sheet_rows(workbook.worksheets[0], name), name)
    except ImportFileError:
        raise
    except Exception as exc:
        raise _not_a_workbook(name) from exc
    finally:
        workbook.close()


# --------------------------------------------------------------------------- CSV


def _looks_japanese(text: str) -> bool:
    """Full-width kana are in nearly every Japanese text and never in mis-decoded Latin text."""
    return any("\u3040" <= ch <= "\u30ff" for ch in text)


def _looks_like_latin_text(text: str) -> bool:
    """Windows-1252 text decodes to letters and usual punctuation, not to runs of symbols."""
    previous_odd = False
    for ch in text:
        if ch.isascii():
            previous_odd = False
            continue
        category = unicodedata.category(ch)
        odd = not category.startswith("L") and ch not in "€‘’“”–—…•«»°±£¥§©®·¿¡×÷"
        if odd and previous_odd:
            return False
        previous_odd = odd
    return True


def decode(data: bytes, name: str) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16, Shift-JIS or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        japanese = data.decode("shift_jis")
    except UnicodeDecodeError:
        japanese = None
    if japanese is not None and _looks_japanese(japanese):
        return japanese
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _looks_like_latin_text(western):
        return western
    raise ImportFileError(
        _(
            "“%(name)s” is not in an encoding we can read for sure (UTF-8, Shift-JIS or "
            "Windows-1252). Save it as “CSV UTF-8” and upload it again."
        )
        % {"name": name}
    )


def _first_lines(text: str) -> list[str]:
    lines: list[str] = []
    start = 0
    while len(lines) < _SNIFF_LINES and start < len(text) and start < 256 * 1024:
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        line = text[start:end]
        if line.strip():
            lines.append(line)
        start = end + 1
    return lines


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most, in time linear in their length."""
    lines = _first_lines(text)
    best, best_score = ",", 0
    for delimiter in _DELIMITERS:
        counts = [_count_outside_quotes(line, delimiter) for line in lines]
        # A title line above the header has none; the widest line (the header) decides.
        score = max(counts, default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes, name: str) -> list[list[object]]:
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                "“%(name)s” looks like an Excel workbook, not a CSV file. Upload it with "
                "the .xlsx extension."
            )
            % {"name": name}
        )
    text = decode(data, name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        return _collect_rows(reader, name)
    except csv.Error as exc:
        raise ImportFileError(
            _("“%(name)s” could not be read as CSV (line %(line)s: %(problem)s).")
            % {"name": name, "line": reader.line_num, "problem": exc}
        ) from exc
