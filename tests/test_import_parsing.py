"""Tests for assessments.imports: reading CSV/XLSX uploads and checking survey rows.

No database: pillars are plain stand-in objects with the attributes the importer reads.
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from assessments import exports, imports
from assessments.imports import (
    ImportFileError,
    ParseResult,
    RowError,
    normalise_header,
    parse_responses,
    read_table,
    template_rows,
)
from assessments.services import NewResponse

from .conftest import rows_to_csv, rows_to_xlsx

CS = SimpleNamespace(
    pk=11,
    slug="customer-service",
    name="Customer service they receive",
    customer_label="Help when something goes wrong",
)
FR = SimpleNamespace(
    pk=12,
    slug="friction",
    name="Friction, or lack of it, along the customer journey",
    customer_label="Ease: no waiting, no hassle",
)
CO = SimpleNamespace(
    pk=13, slug="content", name="Content they consume", customer_label="Information and articles"
)
BR = SimpleNamespace(
    pk=14,
    slug="brand-reputation",
    name="Brand reputation and expectations",
    customer_label="Our reputation",
)


PILLARS = [CS, FR, CO, BR]
SLUGS = [p.slug for p in PILLARS]
HEADER = ["response_id", *SLUGS]


def only_error(result: ParseResult) -> RowError:
    assert result.responses == []
    assert result.file_errors == []
    assert len(result.errors) == 1
    return result.errors[0]


def only_response(result: ParseResult) -> NewResponse:
    assert result.errors == []
    assert result.file_errors == []
    assert len(result.responses) == 1
    return result.responses[0]


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- read_table: CSV


def test_read_table_reads_comma_separated_csv():
    data = b"response_id,customer-service,friction\r\nr1,1,2\r\n"
    assert read_table(data, "results.csv") == [
        ["response_id", "customer-service", "friction"],
        ["r1", "1", "2"],
    ]


def test_read_table_reads_semicolon_csv_with_utf8_bom():
    text = "response_id;customer-service;friction\nrésumé;2;1\n"
    data = text.encode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    assert read_table(data, "export.csv") == [
        ["response_id", "customer-service", "friction"],
        ["résumé", "2", "1"],
    ]


def test_read_table_reads_tab_separated_txt():
    data = b"response_id\tcustomer-service\tfriction\nr1\t1\t2\n"
    assert read_table(data, "export.txt") == [
        ["response_id", "customer-service", "friction"],
        ["r1", "1", "2"],
    ]


def test_read_table_keeps_commas_inside_quoted_cells():
    data = b'Comment,customer-service\n"Fast, friendly",1\n'
    assert read_table(data, "export.csv") == [
        ["Comment", "customer-service"],
        ["Fast, friendly", "1"],
    ]


def test_read_table_decodes_cp1252_accented_characters():
    data = "response_id,customer-service\nAndré,1\nNoël €5,1\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert read_table(data, "export.csv")[1:] == [["André", "1"], ["Noël €5", "1"]]


def test_read_table_refuses_bytes_no_encoding_reads_for_sure():
    data = b"response_id,customer-service\nx\x81y,1\n"  # 0x81 is undefined in cp1252
    with pytest.raises(ImportFileError, match="not in an encoding we can read for sure"):
        read_table(data, "export.csv")


def test_read_table_reads_utf16_unicode_text_export():
    data = "response_id\tcustomer-service\nZoë\t1\n".encode("utf-16")
    assert read_table(data, "export.txt") == [["response_id", "customer-service"], ["Zoë", "1"]]


def test_read_table_accepts_upper_case_extension():
    assert read_table(b"customer-service\n1\n", "RESULTS.CSV") == [["customer-service"], ["1"]]


def test_read_table_keeps_blank_rows_between_data_rows_as_empty_lists():
    data = b"customer-service,friction\n1,2\n\n,\n2,1\n"
    assert read_table(data, "export.csv") == [
        ["customer-service", "friction"],
        ["1", "2"],
        [],
        [],
        ["2", "1"],
    ]


def test_read_table_drops_trailing_blank_csv_rows():
    data = b"customer-service,friction\n1,2\n,\n\n"
    assert read_table(data, "export.csv") == [["customer-service", "friction"], ["1", "2"]]


# --------------------------------------------------------------------------- read_table: XLSX


def test_read_table_reads_first_worksheet_of_xlsx_with_float_cells():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Respondent ID", *SLUGS])
    sheet.append([1234.0, 3.0, 1.0, 2.0, 4.0])
    workbook.create_sheet("Notes").append(["not", "this", "sheet"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = read_table(buffer.getvalue(), "survey.xlsx")

    assert rows == [["Respondent ID", *SLUGS], [1234.0, 3.0, 1.0, 2.0, 4.0]]
    response = only_response(parse_responses(rows, PILLARS))
    assert response.external_id == "1234"
    assert response.ranks == {CS.pk: 3, FR.pk: 1, CO.pk: 2, BR.pk: 4}
    assert all(type(rank) is int for rank in response.ranks.values())


def test_read_table_drops_trailing_empty_xlsx_rows():
    data = xlsx_bytes([SLUGS, [1, 2, 3, 4], [None, None, None, None], [None, None]])
    assert read_table(data, "survey.xlsx") == [SLUGS, [1, 2, 3, 4]]


def test_read_table_xlsx_rows_of_none_keep_their_place_before_data():
    data = xlsx_bytes([SLUGS, [None, None, None, None], [1, 2, 3, 4]])
    rows = read_table(data, "survey.xlsx")
    assert len(rows) == 3
    assert only_response(parse_responses(rows, PILLARS)).line == 3


# --------------------------------------------------------------------------- read_table: errors


def test_read_table_rejects_empty_file():
    with pytest.raises(ImportFileError, match=re.escape("“results.csv” is empty.")):
        read_table(b"", "results.csv")


def test_read_table_rejects_unknown_extension_and_names_accepted_ones():
    with pytest.raises(ImportFileError) as excinfo:
        read_table(b"customer-service\n1\n", "results.xls")
    assert str(excinfo.value) == (
        "“results.xls” is not a file type we can read. Upload a .csv or .xlsx file."
    )


def test_read_table_rejects_file_without_extension():
    with pytest.raises(ImportFileError, match=r"\.csv or \.xlsx"):
        read_table(b"customer-service\n1\n", "results")


def test_read_table_rejects_text_file_renamed_to_xlsx():
    with pytest.raises(ImportFileError) as excinfo:
        read_table(b"customer-service,friction\n1,2\n", "renamed.xlsx")
    assert "“renamed.xlsx” is not a valid Excel workbook (.xlsx)" in str(excinfo.value)


def test_read_table_rejects_workbook_renamed_to_csv():
    with pytest.raises(ImportFileError, match="looks like an Excel workbook"):
        read_table(xlsx_bytes([SLUGS, [1, 2, 3, 4]]), "survey.csv")


def test_read_table_rejects_file_over_size_limit(monkeypatch):
    monkeypatch.setattr(imports.files, "MAX_FILE_BYTES", 1024 * 1024)
    data = b"customer-service\n" + b"1\n" * (512 * 1024)
    assert len(data) > 1024 * 1024
    with pytest.raises(ImportFileError, match="larger than 1 MB"):
        read_table(data, "big.csv")


def test_read_table_accepts_file_at_size_limit(monkeypatch):
    data = b"customer-service\n1\n"
    monkeypatch.setattr(imports.files, "MAX_FILE_BYTES", len(data))
    assert read_table(data, "small.csv") == [["customer-service"], ["1"]]


def test_read_table_accepts_exactly_max_rows_of_csv(monkeypatch):
    monkeypatch.setattr(imports.files, "MAX_ROWS", 3)
    rows = read_table(b"customer-service\n1\n1\n1\n\n\n", "export.csv")
    assert len(rows) == 4


def test_read_table_rejects_more_than_max_rows_of_csv(monkeypatch):
    monkeypatch.setattr(imports.files, "MAX_ROWS", 3)
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table(b"customer-service\n1\n1\n1\n1\n", "export.csv")


def test_read_table_counts_blank_rows_towards_max_rows(monkeypatch):
    monkeypatch.setattr(imports.files, "MAX_ROWS", 3)
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table(b"customer-service\n1\n\n\n1\n", "export.csv")


def test_read_table_rejects_more_than_max_rows_of_xlsx(monkeypatch):
    monkeypatch.setattr(imports.files, "MAX_ROWS", 2)
    data = xlsx_bytes([SLUGS, [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]])
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        read_table(data, "survey.xlsx")


def test_read_table_rejects_csv_with_only_blank_lines():
    with pytest.raises(ImportFileError, match="has no header row"):
        read_table(b"\r\n\r\n , \r\n", "blank.csv")


def test_read_table_rejects_xlsx_with_empty_sheet():
    with pytest.raises(ImportFileError, match="has no header row"):
        read_table(xlsx_bytes([]), "blank.xlsx")


# --------------------------------------------------------------------------- normalise_header


@pytest.mark.parametrize(
    "text",
    [
        "Customer Service!",
        "customer-service",
        "customer_service",
        "CustomerService",
        "  CUSTOMER service ",
    ],
)
def test_normalise_header_ignores_case_punctuation_and_spacing(text):
    assert normalise_header(text) == "customerservice"


def test_normalise_header_casefolds_unicode_and_keeps_accented_letters():
    assert normalise_header("Straße – Café Ñ 2") == "strassecaféñ2"


def test_normalise_header_of_none_is_empty():
    assert normalise_header(None) == ""


# --------------------------------------------------------------------------- header matching


@pytest.mark.parametrize(
    "header",
    [
        "customer-service",
        "customer_service",
        "CUSTOMER SERVICE they receive!!",
        "Help when something goes wrong?",
        "rank:customer-service",
        "Rank - Customer service they receive",
        "Customer service rank",
    ],
)
def test_rank_column_matches_slug_name_label_and_rank_forms(header):
    result = parse_responses([[header, *SLUGS[1:]], [3, 1, 2, 4]], PILLARS)
    assert result.column_map[header] == "rank:customer-service"
    assert only_response(result).ranks[CS.pk] == 3


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("experience:customer-service", "experience:customer-service"),
        ("Experience - Help when something goes wrong", "experience:customer-service"),
        ("experience_friction", "experience:friction"),
        ("Expectation: Content they consume", "expectation:content"),
        ("expectation-brand-reputation", "expectation:brand-reputation"),
    ],
)
def test_score_columns_match_prefix_with_any_separator(header, target):
    result = parse_responses([[*SLUGS, header], [1, 2, 3, 4, 5]], PILLARS)
    assert result.column_map[header] == target
    response = only_response(result)
    kind, slug = target.split(":")
    pk = next(p.pk for p in PILLARS if p.slug == slug)
    assert getattr(response, kind) == {pk: 5}


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("response_id", "response_id"),
        ("Response ID", "response_id"),
        ("ResponseId", "response_id"),
        ("Respondent ID", "response_id"),
        ("ID", "response_id"),
        ("generation", "generation"),
        ("Generation name", "generation"),
        ("NPS", "nps"),
        ("Recommend", "nps"),
        ("Likelihood to recommend", "nps"),
        ("Net Promoter Score", "nps"),
    ],
)
def test_extra_columns_match_their_aliases(header, target):
    result = parse_responses([[header, *SLUGS], ["", 1, 2, 3, 4]], PILLARS)
    assert result.column_map[header] == target
    assert result.ok


def test_surveymonkey_style_export_with_pillar_names_and_respondent_id():
    rows = [
        ["Respondent ID", "Collector ID", "Start Date", *[p.name for p in PILLARS], "Comments"],
        ["114227689530", "431234567", "01/15/2025 10:02:11", "2", "1", "4", "3", "Great"],
        ["114227689531", "431234567", "01/15/2025 10:09:45", "1", "3", "2", "4", ""],
    ]
    result = parse_responses(rows, PILLARS)

    assert result.ok
    assert [r.external_id for r in result.responses] == ["114227689530", "114227689531"]
    assert result.responses[0].ranks == {CS.pk: 2, FR.pk: 1, CO.pk: 4, BR.pk: 3}
    assert result.ignored_columns == ["Collector ID", "Start Date", "Comments"]
    assert result.column_map["Friction, or lack of it, along the customer journey"] == (
        "rank:friction"
    )


def test_google_forms_grid_headers_match_the_bracketed_row_label():
    rank_question = "Rank these from most to least important"
    rank_headers = [f"{rank_question} [{p.customer_label}]" for p in PILLARS]
    rows = [
        ["Timestamp", *rank_headers, "Experience [Help when something goes wrong]"],
        ["2025/01/15 10:02:11 AM GMT", "2", "1", "4", "3", "5"],
    ]
    result = parse_responses(rows, PILLARS)
    assert result.column_map[f"{rank_question} [Ease: no waiting, no hassle]"] == "rank:friction"
    assert result.column_map["Experience [Help when something goes wrong]"] == (
        "experience:customer-service"
    )
    response = only_response(result)
    assert response.ranks == {CS.pk: 2, FR.pk: 1, CO.pk: 4, BR.pk: 3}
    assert response.experience == {CS.pk: 5}


def test_bracketed_text_that_names_nothing_is_ignored():
    result = parse_responses([[*SLUGS, "Comments [optional]"], [1, 2, 3, 4, "x"]], PILLARS)
    assert result.ignored_columns == ["Comments [optional]"]
    assert result.ok


def test_google_forms_csv_with_quoted_headers_containing_commas():
    names = ",".join(f'"{p.name}"' for p in PILLARS)
    data = f'"Timestamp",{names}\r\n"2025/01/15 10:02:11",3,1,2,4\r\n'.encode()
    result = parse_responses(read_table(data, "Form responses 1.csv"), PILLARS)
    assert only_response(result).ranks == {CS.pk: 3, FR.pk: 1, CO.pk: 2, BR.pk: 4}


def test_unmatched_columns_are_reported_as_ignored_in_file_order():
    rows = [["Timestamp", *SLUGS, "", "Anything else?"], ["2025-01-01", 1, 2, 3, 4, "x", "no"]]
    result = parse_responses(rows, PILLARS)
    assert result.ignored_columns == ["Timestamp", "Anything else?"]
    assert result.ok
    assert "Timestamp" not in result.column_map


def test_empty_header_cells_are_neither_matched_nor_ignored():
    result = parse_responses([[None, *SLUGS, "  "], ["x", 1, 2, 3, 4, "y"]], PILLARS)
    assert result.ignored_columns == []
    assert set(result.column_map) == set(SLUGS)
    assert result.ok


def test_two_columns_for_one_pillar_is_a_file_error_naming_both():
    rows = [["customer-service", "Customer service they receive", *SLUGS[1:]], [1, 1, 2, 3, 4]]
    result = parse_responses(rows, PILLARS)
    assert result.file_errors == [
        "Columns “customer-service”, “Customer service they receive” all name Customer service "
        "they receive. Say which one to read and ignore the others."
    ]
    assert result.responses == []
    assert result.errors == []
    assert not result.ok


def test_of_several_id_columns_the_first_stable_one_is_the_key():
    rows = [["id", "Response ID", "respondent_id", *SLUGS], ["a", "b", "c", 1, 2, 3, 4]]
    result = parse_responses(rows, PILLARS)
    assert result.column_map["Response ID"] == "response_id"
    assert "id" not in result.column_map and "respondent_id" not in result.column_map
    assert only_response(result).external_id == "b"


def test_missing_pillar_column_is_a_file_error_listing_the_pillars():
    rows = [["response_id", "customer-service", "content"], ["r1", 1, 2]]
    result = parse_responses(rows, PILLARS)
    assert result.file_errors == [
        "No column for Friction, or lack of it, along the customer journey and Brand "
        "reputation and expectations. Every pillar of the round needs a rank column; column "
        "headers may be a pillar's slug, its name or the customer wording."
    ]
    assert result.responses == []
    assert result.errors == []


def test_file_without_any_pillar_column_is_a_file_error():
    result = parse_responses([["Name", "Score"], ["Ann", 3]], PILLARS)
    assert len(result.file_errors) == 1
    assert result.file_errors[0].startswith("No ranking found.")
    assert result.ignored_columns == ["Name", "Score"]


def test_score_columns_alone_do_not_count_as_pillar_columns():
    header = [f"experience:{slug}" for slug in SLUGS]
    result = parse_responses([header, [1, 2, 3, 4]], PILLARS)
    assert result.file_errors[0].startswith("No ranking found.")


def test_empty_header_row_is_a_file_error():
    result = parse_responses([["", None, " "], [1, 2, 3, 4]], PILLARS)
    assert result.file_errors == [
        "No header row found: one row must name the columns (question or pillar)."
    ]
    assert result.responses == []


def test_no_rows_at_all_is_a_file_error():
    result = parse_responses([], PILLARS)
    assert result.file_errors == [
        "The file has no header row: the first row must name the columns."
    ]


def test_header_matching_two_pillars_is_a_file_error():
    # One pillar's customer wording is another pillar's name.
    clash = SimpleNamespace(pk=99, slug="help", name="Help", customer_label="Content they consume")
    result = parse_responses([[*SLUGS, "help", "Content they consume"], [1] * 6], [*PILLARS, clash])
    assert result.file_errors
    assert result.responses == []


# --------------------------------------------------------------------------- rows


def test_valid_row_gives_all_fields():
    rows = [
        ["response_id", "generation", "nps", *SLUGS, "experience:friction", "expectation:content"],
        [" r-17 ", "Gen X", "9", 2, 1, 4, 3, 5, "4"],
    ]
    assert only_response(parse_responses(rows, PILLARS)) == NewResponse(
        line=2,
        external_id="r-17",
        generation="gen-x",
        nps=9,
        ranks={CS.pk: 2, FR.pk: 1, CO.pk: 4, BR.pk: 3},
        experience={FR.pk: 5},
        expectation={CO.pk: 4},
    )


def test_fully_blank_rows_are_skipped_without_error():
    rows = [HEADER, ["", "", "", "", ""], [], [None, " ", None], ["r1", 1, 2, 3, 4]]
    result = parse_responses(rows, PILLARS)
    assert only_response(result).line == 5


def test_line_numbers_count_blank_rows_like_a_spreadsheet():
    rows = [HEADER, ["r1", 1, 2, 3, 4], [], ["r2", 4, 3, 2, 1], [], [], ["r3", 1, 1, 3, 4]]
    result = parse_responses(rows, PILLARS)
    assert [r.line for r in result.responses] == [2, 4]
    assert [e.line for e in result.errors] == [7]


def test_missing_rank_is_a_row_error():
    rows = [HEADER, [], ["r1", 1, "", 3, 4]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error == RowError(
        line=3, message="missing rank for Friction, or lack of it, along the customer journey"
    )


def test_short_row_reports_missing_ranks_for_absent_cells():
    rows = [HEADER, [], ["r1", 1, 2]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error.line == 3
    assert error.message == (
        "missing rank for Content they consume; missing rank for Brand reputation and expectations"
    )


@pytest.mark.parametrize(("value", "shown"), [("3.5", "3.5"), (3.5, "3.5"), ("abc", "abc")])
def test_rank_that_is_not_a_whole_number_is_a_row_error(value, shown):
    rows = [HEADER, [], ["r1", value, 2, 1, 4]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error == RowError(
        line=3, message=f"rank for Customer service they receive is not a whole number: “{shown}”"
    )


@pytest.mark.parametrize("value", [3, 3.0, " 3 ", "3.0", "+3"])
def test_rank_accepts_whole_numbers_written_in_any_usual_way(value):
    rows = [HEADER, ["r1", value, 2, 1, 4]]
    assert only_response(parse_responses(rows, PILLARS)).ranks[CS.pk] == 3


def test_boolean_cell_is_not_a_rank():
    rows = [HEADER, ["r1", True, 2, 3, 4]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error.message == ("rank for Customer service they receive is not a whole number: “True”")


@pytest.mark.parametrize("value", [0, 5, "-1"])
def test_rank_out_of_range_is_a_row_error(value):
    rows = [HEADER, [], ["r1", 1, 2, 3, value]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error == RowError(
        line=3,
        message=f"rank {int(value)} is out of range 1–4 for Brand reputation and expectations",
    )


def test_rank_used_twice_is_a_row_error_naming_both_pillars():
    rows = [HEADER, [], ["r1", 1, 2, 2, 4]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error == RowError(
        line=3,
        message="rank 2 is given to both Friction, or lack of it, along the customer journey "
        "and Content they consume",
    )


def test_rank_used_three_times_names_all_three_pillars():
    rows = [HEADER, ["r1", 1, 1, 1, 4]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error.message == (
        "rank 1 is given to Customer service they receive, Friction, or lack of it, along the "
        "customer journey and Content they consume"
    )


def test_several_problems_of_one_row_are_joined_in_one_error():
    rows = [["nps", *SLUGS], [], ["11", "", 2, 9, 2]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error.line == 3
    assert error.message.split("; ") == [
        "NPS must be a whole number from 0 to 10, not “11”",
        "missing rank for Customer service they receive",
        "rank 9 is out of range 1–4 for Content they consume",
        "rank 2 is given to both Friction, or lack of it, along the customer journey and Brand "
        "reputation and expectations",
    ]


def test_bad_row_is_skipped_but_good_rows_are_kept():
    rows = [HEADER, ["r1", 1, 2, 3, 4], ["r2", 1, 1, 3, 4], ["r3", 4, 3, 2, 1]]
    result = parse_responses(rows, PILLARS)
    assert [r.external_id for r in result.responses] == ["r1", "r3"]
    assert [e.line for e in result.errors] == [3]
    assert not result.ok


# --------------------------------------------------------------------------- generation


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("gen-z", "gen-z"),
        ("Gen Z", "gen-z"),
        ("GenZ", "gen-z"),
        ("Gen Z (born 1997–2012)", "gen-z"),
        ("millennial", "millennials"),
        ("Millennials", "millennials"),
        ("Gen Y", "millennials"),
        ("genx", "gen-x"),
        ("Gen X (born 1965–1980)", "gen-x"),
        ("Boomer", "baby-boomers"),
        ("boomers", "baby-boomers"),
        ("Baby Boomer", "baby-boomers"),
        ("baby-boomers", "baby-boomers"),
        ("Silent", "silent"),
        ("Silent generation", "silent"),
        ("Prefer not to say", "prefer-not-to-say"),
        ("prefernottosay", "prefer-not-to-say"),
        ("Unknown", "prefer-not-to-say"),
        ("undisclosed", "prefer-not-to-say"),
        ("", ""),
        (None, ""),
    ],
)
def test_generation_accepts_values_labels_short_names_and_variants(value, expected):
    rows = [["generation", *SLUGS], [value, 1, 2, 3, 4]]
    assert only_response(parse_responses(rows, PILLARS)).generation == expected


@pytest.mark.parametrize("value", ["n/a", "Gen Alpha"])
def test_unknown_generation_is_a_row_error(value):
    rows = [["generation", *SLUGS], [], [value, 1, 2, 3, 4]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error == RowError(
        line=3,
        message=f"unknown generation “{value}” (use Gen Z, Millennials, Gen X, Baby Boomers, "
        "Silent generation or Prefer not to say)",
    )


# --------------------------------------------------------------------------- nps and scores


@pytest.mark.parametrize(("value", "expected"), [("", None), (0, 0), ("7.0", 7), (10.0, 10)])
def test_nps_accepts_blank_and_whole_numbers_from_0_to_10(value, expected):
    rows = [["nps", *SLUGS], [value, 1, 2, 3, 4]]
    assert only_response(parse_responses(rows, PILLARS)).nps == expected


@pytest.mark.parametrize(
    ("value", "shown"), [(11, "11"), ("-1", "-1"), ("8.5", "8.5"), ("yes", "yes")]
)
def test_nps_outside_0_to_10_is_a_row_error(value, shown):
    rows = [["nps", *SLUGS], [], [value, 1, 2, 3, 4]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error == RowError(
        line=3, message=f"NPS must be a whole number from 0 to 10, not “{shown}”"
    )


def test_blank_experience_and_expectation_scores_are_left_out():
    header = [*SLUGS, "experience:customer-service", "experience:friction", "expectation:friction"]
    rows = [header, [1, 2, 3, 4, "", 3.0, " "]]
    response = only_response(parse_responses(rows, PILLARS))
    assert response.experience == {FR.pk: 3}
    assert response.expectation == {}


@pytest.mark.parametrize(("value", "shown"), [(6, "6"), (0, "0"), ("x", "x"), (2.5, "2.5")])
def test_experience_score_outside_1_to_5_is_a_row_error(value, shown):
    rows = [[*SLUGS, "experience:content"], [], [1, 2, 3, 4, value]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error == RowError(
        line=3,
        message="experience score for Content they consume must be a whole number from 1 to 5, "
        f"not “{shown}”",
    )


def test_expectation_score_outside_1_to_5_is_a_row_error():
    rows = [[*SLUGS, "expectation:content"], [], [1, 2, 3, 4, "6"]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error == RowError(
        line=3,
        message="expectation score for Content they consume must be a whole number from 1 to 5, "
        "not “6”",
    )


# --------------------------------------------------------------------------- response_id


@pytest.mark.parametrize(
    ("value", "expected"), [(1234.0, "1234"), (1234, "1234"), ("  R_3kXy  ", "R_3kXy")]
)
def test_response_id_is_stripped_text(value, expected):
    rows = [HEADER, [value, 1, 2, 3, 4]]
    assert only_response(parse_responses(rows, PILLARS)).external_id == expected


def test_without_a_response_id_the_row_itself_is_the_key():
    first = only_response(parse_responses([SLUGS, [1, 2, 3, 4]], PILLARS)).external_id
    again = only_response(parse_responses([SLUGS, [1, 2, 3, 4]], PILLARS)).external_id
    other = only_response(parse_responses([SLUGS, [2, 1, 3, 4]], PILLARS)).external_id
    assert first.startswith("row-") and first == again != other


def test_a_blank_response_id_falls_back_to_the_row_key():
    assert (
        only_response(parse_responses([HEADER, [None, 1, 2, 3, 4]], PILLARS)).external_id[:4]
        == "row-"
    )


def test_identical_rows_without_id_stay_two_responses():
    result = parse_responses([SLUGS, [1, 2, 3, 4], [1, 2, 3, 4]], PILLARS)
    assert len({r.external_id for r in result.responses}) == 2


def test_response_id_of_200_characters_is_accepted():
    rows = [HEADER, ["a" * 200, 1, 2, 3, 4]]
    assert only_response(parse_responses(rows, PILLARS)).external_id == "a" * 200


def test_response_id_longer_than_200_characters_is_a_row_error():
    rows = [HEADER, [], ["a" * 201, 1, 2, 3, 4]]
    error = only_error(parse_responses(rows, PILLARS))
    assert error.line == 3
    assert error.message == (f"response_id “{'a' * 39}…” is longer than 200 characters (201)")


def test_response_id_repeated_in_the_file_is_an_error_on_the_later_row():
    rows = [HEADER, ["r1", 1, 2, 3, 4], [], ["r1", 4, 3, 2, 1]]
    result = parse_responses(rows, PILLARS)
    assert [r.line for r in result.responses] == [2]
    assert result.errors == [RowError(line=4, message="response_id “r1” already appears on line 2")]


def test_blank_response_ids_may_repeat():
    rows = [HEADER, ["", 1, 2, 3, 4], [None, 4, 3, 2, 1]]
    assert len(parse_responses(rows, PILLARS).responses) == 2


# --------------------------------------------------------------------------- ok


def test_ok_is_true_only_without_any_errors():
    assert parse_responses([HEADER, ["r1", 1, 2, 3, 4]], PILLARS).ok
    assert not parse_responses([HEADER, ["r1", 1, 2, 3, 3]], PILLARS).ok
    assert not parse_responses([["customer-service"], [1]], PILLARS).ok


# --------------------------------------------------------------------------- templates


def test_template_header_with_every_optional_column():
    header = template_rows(PILLARS, experience=True, expectation=True, generation=True, nps=True)[0]
    assert header == [
        "response_id",
        "generation",
        "nps",
        *SLUGS,
        *[f"experience:{slug}" for slug in SLUGS],
        *[f"expectation:{slug}" for slug in SLUGS],
    ]


def test_template_without_options_has_response_id_and_pillars_only():
    header, examples = template_rows(
        PILLARS, experience=False, expectation=False, generation=False, nps=False
    )
    assert header == HEADER
    assert len(examples) == 2
    assert all(len(row) == len(HEADER) for row in examples)


@pytest.mark.parametrize(
    "options",
    [
        (False, False, False, False),
        (True, True, True, True),
        (True, False, True, False),
        (False, True, False, True),
    ],
)
def test_template_examples_parse_without_errors(options):
    experience, expectation, generation, nps = options
    header, examples = template_rows(
        PILLARS, experience=experience, expectation=expectation, generation=generation, nps=nps
    )
    result = parse_responses([header, *examples], PILLARS)
    assert result.ok
    assert [r.line for r in result.responses] == [2, 3]
    for response in result.responses:
        assert sorted(response.ranks.values()) == [1, 2, 3, 4]
        assert len(response.experience) == (4 if experience else 0)
        assert len(response.expectation) == (4 if expectation else 0)
        assert (response.nps is not None) == nps
        assert bool(response.generation) == generation
    assert result.responses[0].ranks != result.responses[1].ranks


def test_template_round_trips_through_csv():
    header, examples = template_rows(
        PILLARS, experience=True, expectation=True, generation=True, nps=True
    )
    data = rows_to_csv([header, *examples]).encode("utf-8")
    parsed = parse_responses(read_table(data, "template.csv"), PILLARS)
    assert parsed.ok
    assert parsed.responses == parse_responses([header, *examples], PILLARS).responses


def test_template_round_trips_through_xlsx():
    header, examples = template_rows(
        PILLARS, experience=True, expectation=False, generation=True, nps=True
    )
    data = rows_to_xlsx([header, *examples])
    parsed = parse_responses(read_table(data, "template.xlsx"), PILLARS)
    assert parsed.ok
    assert parsed.responses == parse_responses([header, *examples], PILLARS).responses


def test_the_csv_writer_writes_a_bom_blank_cells_for_none_and_quotes_commas():
    assert exports.csv_text((["a", None, "b, c"], [[1, 2.5, ""]])).splitlines() == [
        '\ufeffa,,"b, c"',
        "1,2.5,",
    ]


def test_rows_to_xlsx_has_bold_header_only():
    workbook = load_workbook(io.BytesIO(rows_to_xlsx([["response_id", "content"], ["r1", 1]])))
    sheet = workbook.active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["response_id", "content"],
        ["r1", 1],
    ]
    assert sheet["A1"].font.bold
    assert sheet["B1"].font.bold
    assert not sheet["A2"].font.bold
