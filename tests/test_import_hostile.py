"""Hostile and odd files end with a clear error quickly and in bounded memory; encodings are
decoded right or refused, never turned into mojibake."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from assessments.imports import ImportFileError, read_table

SECONDS = 5
MEGABYTES = 300


def bounded(call):
    """Run ``call``; assert it took under SECONDS and allocated under MEGABYTES at its peak."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = call()
    except ImportFileError as exc:
        outcome = exc
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert peak < MEGABYTES * 1024 * 1024, f"peak {peak / 1024 / 1024:.0f} MB"
    return outcome


def workbook_bytes(rows, *, far_cell: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if far_cell:
        sheet[far_cell] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_part(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


HEADER = ["response_id", "advertising", "content"]


def test_declared_dimension_of_the_whole_sheet_is_ignored():
    data = workbook_bytes([HEADER, ["r1", 1, 2]])
    data = rewrite_part(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb"<dimension ref=\"[^\"]*\"", b'<dimension ref="A1:XFD1048576"', xml),
    )
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    rows = bounded(lambda: read_table(data, "wide.xlsx"))
    assert rows == [HEADER, ["r1", 1, 2]]


def test_a_cell_on_the_last_row_of_the_sheet_is_a_clear_error():
    data = workbook_bytes([HEADER, ["r1", 1, 2]], far_cell="A1048576")
    outcome = bounded(lambda: read_table(data, "far.xlsx"))
    assert isinstance(outcome, ImportFileError)
    assert "more than 200,000 rows" in str(outcome)


def test_a_cell_in_the_last_column_is_a_clear_error():
    data = workbook_bytes([HEADER, ["r1", 1, 2]], far_cell="XFD2")
    outcome = bounded(lambda: read_table(data, "far.xlsx"))
    assert isinstance(outcome, ImportFileError)
    assert "more than 1,000 columns" in str(outcome)


BOMB = Path(__file__).parent / "data" / "imports" / "bomb.xlsx"


def build_zip_bomb() -> bytes:
    """A workbook of about 1 MB whose sheet holds one cell of 1,000 MB (tests/data/imports/
    bomb.xlsx was written by this; building it takes ~15 s, so the file is kept)."""
    base = zipfile.ZipFile(io.BytesIO(workbook_bytes([HEADER])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, base.read(info.filename))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                b'2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            )
            chunk = b"a" * (1024 * 1024)
            for _ in range(1000):
                sheet.write(chunk)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    return BOMB.read_bytes()


def test_the_zip_bomb_fixture_really_holds_a_1000_mb_cell(zip_bomb):
    sizes = {i.filename: i.file_size for i in zipfile.ZipFile(io.BytesIO(zip_bomb)).infolist()}
    assert sizes["xl/worksheets/sheet1.xml"] > 1000 * 1024 * 1024


def test_a_compression_bomb_is_refused_before_it_is_unpacked(zip_bomb):
    assert len(zip_bomb) < 3 * 1024 * 1024
    outcome = bounded(lambda: read_table(zip_bomb, "bomb.xlsx"))
    assert isinstance(outcome, ImportFileError)
    assert "unpacks to more than" in str(outcome)


def test_64_kb_of_quote_comma_newline_ends_quickly_with_a_clear_outcome():
    data = b'",\n' * (64 * 1024 // 3)
    outcome = bounded(lambda: read_table(data, "quotes.csv"))
    # Either the file is refused, or it is read into rows the layout step then rejects.
    assert isinstance(outcome, ImportFileError | list)


def test_a_long_csv_line_does_not_make_delimiter_detection_quadratic():
    data = ("response_id" + ",x" * 30_000 + "\n").encode() * 20
    bounded(lambda: read_table(data, "wide.csv"))


# --------------------------------------------------------------------------- encodings


def test_shift_jis_file_is_decoded_right():
    text = "response_id,advertising\n回答者1,1\nテスト,2\n"
    rows = read_table(text.encode("shift_jis"), "jp.csv")
    assert rows[1:] == [["回答者1", "1"], ["テスト", "2"]]


def test_windows_1252_file_is_decoded_right():
    text = "response_id;advertising\nCafé Noël – “quoted”;1\n"
    rows = read_table(text.encode("cp1252"), "fr.csv")
    assert rows[1] == ["Café Noël – “quoted”", "1"]


def test_bytes_no_known_encoding_reads_for_sure_are_refused():
    data = b"response_id,advertising\n\x81\x8d\x8f\x90\x9d,1\n"
    with pytest.raises(ImportFileError, match="Save it as “CSV UTF-8”"):
        read_table(data, "odd.csv")
