"""Importing customer responses end to end: the upload page, the template downloads, the
``import_responses`` management command and what the import service writes to the database.

The parser itself (assessments.imports) has its own unit tests in test_import_parsing.py.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments import services
from assessments.models import (
    CustomerAnswer,
    CustomerResponse,
    CustomerSurvey,
    ResponseSource,
    SurveyTally,
    TallyMetric,
)

from .conftest import make_assessment, rows_to_csv, rows_to_xlsx

SLUGS = [
    "advertising",
    "content",
    "digital-experiences",
    "non-digital-experiences",
    "communications",
    "representatives",
    "products-services",
    "customer-service",
    "friction",
    "brand-reputation",
]
HEADER = ["response_id", "generation", "nps", *SLUGS, *(f"experience:{s}" for s in SLUGS)]
GENERATIONS = ["Gen Z", "Millennials", "Gen X", "Boomers", ""]


# ----------------------------------------------------------------------------- helpers


def ranks_for(k: int) -> list[int]:
    """A permutation of 1..10, different for neighbouring k."""
    return [(i + k) % 10 + 1 for i in range(10)]


def good_row(k: int, *, response_id: str | None = None) -> list[object]:
    return [
        f"r-{k}" if response_id is None else response_id,
        GENERATIONS[k % len(GENERATIONS)],
        k % 11,
        *ranks_for(k),
        *[(i + k) % 5 + 1 for i in range(10)],
    ]


def table(count: int, *, start: int = 0) -> list[list[object]]:
    """Header plus ``count`` valid rows with response ids r-<start> .. r-<start+count-1>."""
    return [list(HEADER), *(good_row(k) for k in range(start, start + count))]


def csv_upload(rows, name: str = "responses.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, rows_to_csv(rows).encode(), content_type="text/csv")


def import_url(assessment) -> str:
    return reverse("assessments:survey_import", args=[assessment.pk])


def template_url(assessment, fmt: str) -> str:
    return reverse("assessments:survey_template", args=[assessment.pk, fmt])


def post_import(client, assessment, upload, *, skip_bad_rows: bool = False, **choices):
    """Upload, confirm the proposed mapping (with ``choices``), and return the report page."""
    data = {"file": upload}
    if skip_bad_rows:
        data["skip_bad_rows"] = "on"
    response = client.post(import_url(assessment), data)
    if response.status_code != 302 or "/check/" not in response["Location"]:
        return response
    confirm = {"action": "import", **choices}
    if skip_bad_rows:
        confirm["skip_bad_rows"] = "on"
    response = client.post(response["Location"], confirm)
    if response.status_code != 302:
        return response
    return client.get(response["Location"])


def responses_of(assessment):
    return CustomerResponse.objects.filter(survey__assessment=assessment)


def answers_of(assessment):
    return CustomerAnswer.objects.filter(response__survey__assessment=assessment)


def tallies_of(assessment):
    return SurveyTally.objects.filter(survey__assessment=assessment)


def tally_total(assessment, metric: str, pillar=None) -> int:
    tallies = tallies_of(assessment).filter(metric=metric)
    if pillar is not None:
        tallies = tallies.filter(pillar=pillar)
    return sum(tallies.values_list("count", flat=True))


def assert_nothing_imported(assessment) -> None:
    assert responses_of(assessment).count() == 0
    assert answers_of(assessment).count() == 0
    assert tallies_of(assessment).count() == 0


def page_text(response) -> str:
    """The page as text: tags and runs of whitespace collapsed, entities decoded."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def row_errors(response) -> list[tuple[int, str]]:
    """(line, message) of each row of the page's row-errors table."""
    page = response.content.decode()
    match = re.search(r'data-testid="row-errors">(.*?)</table>', page, re.DOTALL)
    assert match, "the page has no row-errors table"
    return [
        (int(line), html.unescape(message))
        for line, message in re.findall(
            r'<tr><td class="num">(\d+)</td><td>(.*?)</td></tr>', match.group(1), re.DOTALL
        )
    ]


def import_error(response) -> str:
    match = re.search(
        r'data-testid="import-error">(.*?)</div>', response.content.decode(), re.DOTALL
    )
    assert match, "the page has no import-error message"
    return html.unescape(match.group(1))


def xlsx_with_floats(rows) -> bytes:
    """An .xlsx as spreadsheets save it: every number a float."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([float(v) if isinstance(v, int) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bad_rows_table() -> list[list[object]]:
    """Five data rows (lines 2-6): line 4 ranks two pillars 1st, line 6 has a bad generation."""
    rows = table(5)
    rows[3][3:13] = [1, 1, 3, 4, 5, 6, 7, 8, 9, 10]  # line 4
    rows[5][1] = "Gen Alpha"  # line 6
    return rows


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


# ----------------------------------------------------------------------------- upload page


def test_lead_sees_the_upload_form_with_template_links(lead_client, assessment):
    response = lead_client.get(import_url(assessment))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert template_url(assessment, "csv") in page
    assert template_url(assessment, "xlsx") in page


def test_viewing_the_upload_page_does_not_create_a_survey(lead_client, assessment):
    lead_client.get(import_url(assessment))
    assert not CustomerSurvey.objects.filter(assessment=assessment).exists()


def test_valid_csv_stores_one_imported_response_with_ten_answers_per_row(lead_client, assessment):
    response = post_import(lead_client, assessment, csv_upload(table(6)))
    assert response.status_code == 200
    assert responses_of(assessment).count() == 6
    assert set(responses_of(assessment).values_list("source", flat=True)) == {ResponseSource.IMPORT}
    per_response = Counter(answers_of(assessment).values_list("response_id", flat=True))
    assert sorted(per_response.values()) == [10] * 6


def test_imported_response_keeps_the_values_of_its_row(lead_client, assessment, pillars):
    post_import(lead_client, assessment, csv_upload(table(6)))
    stored = responses_of(assessment).get(external_id="r-2")
    row = good_row(2)
    assert (stored.generation, stored.nps) == ("gen-x", 2)
    by_slug = {a.pillar.slug: a for a in stored.answers.select_related("pillar")}
    assert {slug: by_slug[slug].rank for slug in SLUGS} == dict(zip(SLUGS, row[3:13], strict=True))
    assert {slug: by_slug[slug].experience for slug in SLUGS} == dict(
        zip(SLUGS, row[13:23], strict=True)
    )
    assert all(a.expectation is None for a in by_slug.values())


def test_valid_csv_import_keeps_tallies_in_step_with_the_rows(lead_client, assessment, pillars):
    post_import(lead_client, assessment, csv_upload(table(7)))
    assert tally_total(assessment, TallyMetric.RESPONSES) == 7
    assert tally_total(assessment, TallyMetric.NPS) == 7
    for pillar in pillars:
        assert tally_total(assessment, TallyMetric.RANK, pillar) == 7
        assert tally_total(assessment, TallyMetric.EXPERIENCE, pillar) == 7
        assert tally_total(assessment, TallyMetric.EXPECTATION, pillar) == 0


def test_import_tallies_match_a_rebuild_from_the_stored_answers(lead_client, assessment):
    post_import(lead_client, assessment, csv_upload(table(12)))
    kept = Counter(
        {(t.generation, t.pillar_id, t.metric, t.value): t.count for t in tallies_of(assessment)}
    )
    assert services.rebuild_tallies(survey=assessment.survey) == 12
    rebuilt = Counter(
        {(t.generation, t.pillar_id, t.metric, t.value): t.count for t in tallies_of(assessment)}
    )
    assert kept == rebuilt


def test_import_adds_to_the_tallies_of_earlier_web_responses(lead_client, assessment, pillars):
    survey = services.start_survey(assessment=assessment)
    ranks = {p.pk: i for i, p in enumerate(pillars, start=1)}
    services.record_responses(
        survey=survey,
        responses=[services.NewResponse(ranks=ranks)] * 3,
        source=ResponseSource.WEB,
    )
    post_import(lead_client, assessment, csv_upload(table(4)))
    assert responses_of(assessment).count() == 7
    assert tally_total(assessment, TallyMetric.RESPONSES) == 7
    for pillar in pillars:
        assert tally_total(assessment, TallyMetric.RANK, pillar) == 7


def test_valid_csv_import_reports_how_many_responses_were_imported(lead_client, assessment):
    response = post_import(lead_client, assessment, csv_upload(table(6)))
    assert "Imported 6 responses." in page_text(response)
    assert 'data-testid="row-errors"' not in response.content.decode()


def test_surveymonkey_export_with_pillar_names_and_respondent_id_imports(
    lead_client, assessment, pillars
):
    names = [p.name for p in pillars]  # e.g. "Customer service they receive"
    header = ["Respondent ID", "Collector ID", "Start Date", "Age group", *names]
    rows = [header]
    for k in range(4):
        rows.append([f"1140{k}", "4321", "2024-05-01 10:00", GENERATIONS[k], *ranks_for(k)])
    response = post_import(lead_client, assessment, csv_upload(rows, "Survey Monkey export.csv"))

    assert response.status_code == 200
    assert "Imported 4 responses." in page_text(response)
    assert sorted(responses_of(assessment).values_list("external_id", flat=True)) == [
        "11400",
        "11401",
        "11402",
        "11403",
    ]
    assert answers_of(assessment).count() == 40
    stored = responses_of(assessment).get(external_id="11401")
    assert stored.generation == "millennials"
    ranks = dict(stored.answers.values_list("pillar__slug", "rank"))
    assert ranks == dict(zip(SLUGS, ranks_for(1), strict=True))


def test_surveymonkey_export_lists_the_columns_it_ignored(lead_client, assessment, pillars):
    header = ["Respondent ID", "Collector ID", "Start Date", *[p.name for p in pillars]]
    rows = [header, ["1", "9", "2024-05-01", *ranks_for(0)]]
    response = post_import(lead_client, assessment, csv_upload(rows))
    assert "Columns ignored: Collector ID, Start Date" in page_text(response)


def test_xlsx_upload_with_float_numbers_imports(lead_client, assessment):
    upload = SimpleUploadedFile("responses.xlsx", xlsx_with_floats(table(5)))
    response = post_import(lead_client, assessment, upload)
    assert response.status_code == 200
    assert "Imported 5 responses." in page_text(response)
    assert responses_of(assessment).count() == 5
    assert answers_of(assessment).count() == 50
    stored = responses_of(assessment).get(external_id="r-3")
    assert stored.nps == 3
    assert dict(stored.answers.values_list("pillar__slug", "rank")) == dict(
        zip(SLUGS, ranks_for(3), strict=True)
    )


def test_semicolon_separated_csv_in_windows_encoding_imports(lead_client, assessment):
    # What Excel writes with a European locale: ";" separators and cp1252 text.
    rows = table(3)
    rows[0][0] = "Réponse ID"  # not a known column: ignored, needs cp1252 to decode
    text = "\r\n".join(";".join(str(v) for v in row) for row in rows) + "\r\n"
    upload = SimpleUploadedFile("export.csv", text.encode("cp1252"))
    response = post_import(lead_client, assessment, upload)
    assert response.status_code == 200
    assert responses_of(assessment).count() == 3


def test_file_with_bad_rows_imports_nothing(lead_client, assessment):
    response = post_import(lead_client, assessment, csv_upload(bad_rows_table()))
    assert response.status_code == 400
    assert_nothing_imported(assessment)


def test_file_with_bad_rows_lists_each_problem_with_its_line_number(lead_client, assessment):
    response = post_import(lead_client, assessment, csv_upload(bad_rows_table()))
    errors = row_errors(response)
    assert [line for line, _message in errors] == [4, 6]
    assert (
        "rank 1 is given to both Advertising to consumers and Content they consume"
        in (errors[0][1])
    )
    assert "unknown generation “Gen Alpha”" in errors[1][1]
    assert "Nothing was imported: 2 rows have problems." in page_text(response)


def test_skip_bad_rows_imports_the_good_rows_only(lead_client, assessment, pillars):
    upload = csv_upload(bad_rows_table())
    response = post_import(lead_client, assessment, upload, skip_bad_rows=True)
    assert response.status_code == 200
    assert sorted(responses_of(assessment).values_list("external_id", flat=True)) == [
        "r-0",
        "r-1",
        "r-3",
    ]
    assert answers_of(assessment).count() == 30
    assert tally_total(assessment, TallyMetric.RESPONSES) == 3
    for pillar in pillars:
        assert tally_total(assessment, TallyMetric.RANK, pillar) == 3


def test_skip_bad_rows_reports_the_skipped_lines(lead_client, assessment):
    upload = csv_upload(bad_rows_table())
    response = post_import(lead_client, assessment, upload, skip_bad_rows=True)
    text = page_text(response)
    assert "Imported 3 responses." in text
    assert "2 bad rows were skipped." in text
    assert [line for line, _message in row_errors(response)] == [4, 6]


def test_skip_bad_rows_with_only_bad_rows_imports_nothing_and_answers_400(lead_client, assessment):
    rows = table(2)
    rows[1][1] = rows[2][1] = "Gen Alpha"
    response = post_import(lead_client, assessment, csv_upload(rows), skip_bad_rows=True)
    assert response.status_code == 400
    assert_nothing_imported(assessment)
    assert [line for line, _message in row_errors(response)] == [2, 3]


def test_reimporting_the_same_file_creates_no_duplicates(lead_client, assessment, pillars):
    post_import(lead_client, assessment, csv_upload(table(5)))
    response = post_import(lead_client, assessment, csv_upload(table(5)))
    assert response.status_code == 200
    assert responses_of(assessment).count() == 5
    assert answers_of(assessment).count() == 50
    assert tally_total(assessment, TallyMetric.RESPONSES) == 5
    for pillar in pillars:
        assert tally_total(assessment, TallyMetric.RANK, pillar) == 5


def test_reimporting_the_same_file_says_the_rows_were_already_imported(lead_client, assessment):
    post_import(lead_client, assessment, csv_upload(table(5)))
    response = post_import(lead_client, assessment, csv_upload(table(5)))
    text = page_text(response)
    assert "Imported 0 responses." in text
    assert "5 rows were already imported earlier and were left as they are." in text


def test_file_mixing_old_and_new_response_ids_imports_only_the_new_ones(lead_client, assessment):
    post_import(lead_client, assessment, csv_upload(table(4)))  # r-0 .. r-3
    response = post_import(lead_client, assessment, csv_upload(table(5, start=2)))  # r-2 .. r-6
    text = page_text(response)
    assert "Imported 3 responses." in text
    assert "2 rows were already imported earlier" in text
    ids = sorted(responses_of(assessment).values_list("external_id", flat=True))
    assert ids == [f"r-{k}" for k in range(7)]
    assert tally_total(assessment, TallyMetric.RESPONSES) == 7


def test_rows_without_response_id_are_not_imported_again_on_reupload(lead_client, assessment):
    # Without a response_id the row itself is the key: re-importing the same file adds nothing.
    rows = [row[1:] for row in table(3)]
    post_import(lead_client, assessment, csv_upload(rows))
    response = post_import(lead_client, assessment, csv_upload(rows))
    assert responses_of(assessment).count() == 3
    assert tally_total(assessment, TallyMetric.RESPONSES) == 3
    assert "3 rows were already imported earlier" in page_text(response)


def test_file_missing_a_pillar_column_imports_nothing_and_names_the_pillar(lead_client, assessment):
    rows = [[v for i, v in enumerate(row) if i != HEADER.index("friction")] for row in table(3)]
    response = post_import(lead_client, assessment, csv_upload(rows))
    assert response.status_code == 400
    assert_nothing_imported(assessment)
    text = page_text(response)
    assert "Settle these before importing:" in text
    assert "No column for Friction, or lack of it, along the customer journey." in text


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("data.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "is not a file type we can read"),
        ("responses.xlsx", b"response_id,advertising\n1,1\n", "is not a valid Excel workbook"),
        ("responses.csv", rows_to_xlsx([["a"], [1]]), "looks like an Excel workbook"),
    ],
    ids=["pdf", "csv-named-xlsx", "xlsx-named-csv"],
)
def test_unreadable_file_gives_a_clear_error_and_imports_nothing(
    lead_client, assessment, name, data, expected
):
    response = post_import(lead_client, assessment, SimpleUploadedFile(name, data))
    assert response.status_code == 400
    assert expected in import_error(response)
    assert name in import_error(response)
    assert_nothing_imported(assessment)


def test_empty_file_gives_a_clear_error_and_imports_nothing(lead_client, assessment):
    response = post_import(lead_client, assessment, SimpleUploadedFile("responses.csv", b""))
    assert response.status_code == 400
    # Django's FileField refuses an empty upload before the importer sees it.
    assert "The submitted file is empty." in page_text(response)
    assert_nothing_imported(assessment)


def test_file_with_only_blank_lines_gives_a_clear_error(lead_client, assessment):
    response = post_import(lead_client, assessment, SimpleUploadedFile("blank.csv", b"\r\n\r\n"))
    assert response.status_code == 400
    assert "has no header row" in import_error(response)
    assert_nothing_imported(assessment)


def test_post_without_a_file_answers_400_and_imports_nothing(lead_client, assessment):
    response = lead_client.post(import_url(assessment), {"skip_bad_rows": "on"})
    assert response.status_code == 400
    assert "This field is required." in page_text(response)
    assert_nothing_imported(assessment)


def test_reimporting_a_csv_as_xlsx_recognises_numeric_response_ids(lead_client, assessment):
    # Spreadsheets store "11400" as the number 11400.0; it must still match the CSV's id.
    rows = [HEADER, *(good_row(k, response_id=str(11400 + k)) for k in range(3))]
    post_import(lead_client, assessment, csv_upload(rows))
    numeric = [[11400 + k, *row[1:]] for k, row in enumerate(rows[1:])]
    upload = SimpleUploadedFile("responses.xlsx", xlsx_with_floats([HEADER, *numeric]))
    response = post_import(lead_client, assessment, upload)
    assert "3 rows were already imported earlier" in page_text(response)
    assert responses_of(assessment).count() == 3


def test_import_into_a_round_without_survey_creates_it_closed(lead_client, assessment):
    assert not CustomerSurvey.objects.filter(assessment=assessment).exists()
    response = post_import(lead_client, assessment, csv_upload(table(3)))
    assert response.status_code == 200
    survey = CustomerSurvey.objects.get(assessment=assessment)
    assert survey.is_open is False
    assert survey.responses.count() == 3


@pytest.mark.parametrize(
    "name, data",
    [("data.pdf", b"%PDF-1.4\n"), ("responses.csv", b"")],
    ids=["wrong-type", "empty"],
)
def test_rejected_upload_does_not_create_a_survey(lead_client, assessment, name, data):
    response = post_import(lead_client, assessment, SimpleUploadedFile(name, data))
    assert response.status_code == 400
    assert not CustomerSurvey.objects.filter(assessment=assessment).exists()


def test_nul_byte_in_a_response_id_is_never_stored(lead_client, assessment):
    text = rows_to_csv(table(2)).replace("r-1", "r\x001")
    response = post_import(lead_client, assessment, SimpleUploadedFile("nul.csv", text.encode()))
    assert response.status_code in (200, 400)
    stored_ids = responses_of(assessment).values_list("external_id", flat=True)
    assert not any("\x00" in stored_id for stored_id in stored_ids)


def test_import_into_an_open_survey_leaves_it_open(lead_client, assessment):
    services.start_survey(assessment=assessment)
    post_import(lead_client, assessment, csv_upload(table(3)))
    survey = CustomerSurvey.objects.get(assessment=assessment)
    assert survey.is_open is True
    assert survey.responses.count() == 3


def test_import_is_refused_while_another_import_of_the_same_rows_wins_the_race(
    lead_client, assessment, monkeypatch
):
    post_import(lead_client, assessment, csv_upload(table(3)))
    # The other import commits between this one's look-up of stored ids and its write: the
    # database's unique response id refuses the rows, and the page says so (not a 500).
    monkeypatch.setattr(services, "_stored_signatures", lambda survey, ids: {})
    response = post_import(lead_client, assessment, csv_upload(table(3)))
    assert response.status_code == 409
    assert "Nothing was written by this one" in import_error(response)
    assert responses_of(assessment).count() == 3
    assert answers_of(assessment).count() == 30


def test_member_who_is_not_lead_gets_403_and_nothing_is_imported(client, assessment, member):
    client.force_login(member)
    response = post_import(client, assessment, csv_upload(table(3)))
    assert response.status_code == 403
    assert_nothing_imported(assessment)
    assert not CustomerSurvey.objects.filter(assessment=assessment).exists()


def test_user_of_another_team_gets_404_and_nothing_is_imported(client, assessment, outsider):
    client.force_login(outsider)
    response = post_import(client, assessment, csv_upload(table(3)))
    assert response.status_code == 404
    assert_nothing_imported(assessment)
    assert not CustomerSurvey.objects.filter(assessment=assessment).exists()


def test_anonymous_visitor_is_sent_to_login_and_nothing_is_imported(client, assessment):
    response = post_import(client, assessment, csv_upload(table(3)))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert_nothing_imported(assessment)


def test_import_goes_into_the_round_of_the_url_only(lead_client, assessment, team):
    other_round = make_assessment(team, title="Q1 review")
    post_import(lead_client, assessment, csv_upload(table(3)))
    assert responses_of(assessment).count() == 3
    assert_nothing_imported(other_round)


# Measured: on SQLite (the test database) 30 queries for 200 rows and 77 for 1,000 rows; on
# PostgreSQL 18 and 23. Nine or so do not depend on the file (session, user, round, survey,
# pillars, lock, tallies); the rest are batched: known response ids 900 per SELECT, and bulk
# INSERTs of responses and answers. On SQLite the batches are small because Django 5.2 caps a
# statement at 999 parameters (199 answers or 142 responses per INSERT), so the count creeps up
# with the row count there; a row-by-row import would need 2,200 queries for 200 rows.
IMPORT_QUERY_BOUND = 110  # the whole guided flow: upload, check, import, report (4 requests)


def test_query_count_of_a_200_row_import_is_bounded(
    lead_client, assessment, django_assert_max_num_queries
):
    upload = csv_upload(table(200))
    with django_assert_max_num_queries(IMPORT_QUERY_BOUND):
        response = post_import(lead_client, assessment, upload)
    assert response.status_code == 200
    assert responses_of(assessment).count() == 200


def test_query_count_of_a_1000_row_import_stays_within_the_same_bound(
    lead_client, assessment, django_assert_max_num_queries
):
    upload = csv_upload(table(1000))
    with django_assert_max_num_queries(IMPORT_QUERY_BOUND):
        response = post_import(lead_client, assessment, upload)
    assert response.status_code == 200
    assert responses_of(assessment).count() == 1000
    assert answers_of(assessment).count() == 10_000


BATCHED_SQL = re.compile(
    r"(\d+ times: )?"  # executemany is logged as "N times: <sql>"
    r'INSERT INTO "assessments_(customeranswer|customerresponse|surveytally)"'  # bulk inserts
    # (tallies: one row per generation × pillar × value seen, at most ~1,300, whatever the rows)
    r'|SELECT "assessments_customerresponse"\."id" AS "pk", '
    r'"assessments_customerresponse"\."external_id"'  # known ids, 900 per query
)


def _import_queries(client, assessment, rows: int) -> tuple[int, int]:
    """(fixed queries, batched queries) of one import of ``rows`` new rows."""
    upload = csv_upload(table(rows))
    with CaptureQueriesContext(connection) as captured:
        assert post_import(client, assessment, upload).status_code == 200
    batched = [q for q in captured.captured_queries if BATCHED_SQL.match(q["sql"])]
    return len(captured.captured_queries) - len(batched), len(batched)


def test_only_the_batched_statements_grow_with_the_row_count(lead_client, assessment, team):
    small_fixed, _small_batched = _import_queries(lead_client, assessment, 200)
    large_fixed, large_batched = _import_queries(lead_client, make_assessment(team), 1000)
    assert large_fixed == small_fixed
    # 1,000 ids looked up and 11,000 rows written (1,000 responses, 10,000 answers): at least
    # 100 rows per statement, where a row-by-row import would need one statement per row.
    assert large_batched <= 12_000 // 100


# ----------------------------------------------------------------------------- templates


@pytest.mark.parametrize(
    "fmt, content_type",
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
@pytest.mark.parametrize("user", ["lead", "member"])
def test_template_download_is_an_attachment(client, assessment, request, user, fmt, content_type):
    client.force_login(request.getfixturevalue(user))
    response = client.get(template_url(assessment, fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="cx-pillars-import-template.{fmt}"'
    )


def test_csv_template_names_every_round_pillar(lead_client, assessment):
    text = lead_client.get(template_url(assessment, "csv")).content.decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header[:3] == ["response_id", "generation", "nps"]
    assert [h for h in header if h in SLUGS] == SLUGS


def test_xlsx_template_has_the_csv_header_and_its_examples_on_a_second_sheet(
    lead_client, assessment
):
    csv_lines = lead_client.get(template_url(assessment, "csv")).content.decode("utf-8-sig")
    csv_lines = csv_lines.splitlines()
    data = lead_client.get(template_url(assessment, "xlsx")).content
    responses, examples = load_workbook(io.BytesIO(data)).worksheets
    header = [str(v) for v in next(responses.iter_rows(values_only=True))]
    assert header == csv_lines[0].split(",")
    assert responses.max_row == 1  # the sheet that is imported holds no example
    example_rows = list(examples.iter_rows(values_only=True))[1:]
    assert [str(row[0]) for row in example_rows] == ["example-1", "example-2"]
    assert [line.split(",")[0] for line in csv_lines[2:]] == ["# example-1", "# example-2"]


def test_template_follows_the_survey_questions(lead_client, assessment):
    survey = services.start_survey(assessment=assessment)
    survey.ask_experience = False
    survey.ask_expectation = True
    survey.save()
    header = lead_client.get(template_url(assessment, "csv")).content.decode("utf-8-sig")
    header = header.splitlines()[0]
    assert "expectation:friction" in header
    assert "experience:" not in header


def test_template_of_another_teams_round_is_404(client, assessment, outsider):
    client.force_login(outsider)
    assert client.get(template_url(assessment, "csv")).status_code == 404


def test_template_in_an_unknown_format_is_404(lead_client, assessment):
    assert lead_client.get(template_url(assessment, "pdf")).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloaded_template_uploaded_back_imports_no_example(lead_client, assessment, fmt):
    template = lead_client.get(template_url(assessment, fmt)).content
    upload = SimpleUploadedFile(f"cx-pillars-import-template.{fmt}", template)
    response = post_import(lead_client, assessment, upload)
    assert response.status_code == 200
    assert "The file holds no responses" in page_text(response)
    assert 'data-testid="row-errors"' not in response.content.decode()
    assert_nothing_imported(assessment)


# ----------------------------------------------------------------------------- command


def write_csv(tmp_path, rows, name: str = "responses.csv"):
    path = tmp_path / name
    path.write_text(rows_to_csv(rows), encoding="utf-8")
    return path


def run_command(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_responses", *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_command_imports_the_file_and_reports_success(assessment, pillars, tmp_path):
    out, err = run_command(assessment.pk, write_csv(tmp_path, table(8)))
    assert "Imported 8 response(s); 0 already there; 0 conflict(s) and 0 bad row(s) skipped." in out
    assert err == ""
    assert responses_of(assessment).count() == 8
    assert answers_of(assessment).count() == 80
    assert set(responses_of(assessment).values_list("source", flat=True)) == {"import"}
    assert tally_total(assessment, TallyMetric.RESPONSES) == 8
    for pillar in pillars:
        assert tally_total(assessment, TallyMetric.RANK, pillar) == 8


def test_command_creates_the_survey_closed(assessment, tmp_path):
    run_command(assessment.pk, write_csv(tmp_path, table(2)))
    assert CustomerSurvey.objects.get(assessment=assessment).is_open is False


def test_command_reads_xlsx_files(assessment, tmp_path):
    path = tmp_path / "responses.xlsx"
    path.write_bytes(xlsx_with_floats(table(4)))
    out, _err = run_command(assessment.pk, path)
    assert "Imported 4 response(s)" in out
    assert responses_of(assessment).count() == 4


def test_command_with_bad_rows_imports_nothing_and_lists_the_lines(assessment, tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 2 problem"):
        call_command(
            "import_responses",
            str(assessment.pk),
            str(write_csv(tmp_path, bad_rows_table())),
            stdout=io.StringIO(),
            stderr=err,
        )
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("line 4: rank 1 is given to both")
    assert lines[1].startswith("line 6: unknown generation “Gen Alpha”")
    assert_nothing_imported(assessment)


def test_command_with_skip_bad_rows_imports_the_good_rows(assessment, tmp_path):
    out, err = run_command(assessment.pk, write_csv(tmp_path, bad_rows_table()), "--skip-bad-rows")
    assert "Imported 3 response(s); 0 already there; 0 conflict(s) and 2 bad row(s) skipped." in out
    assert [line.split(":")[0] for line in err.splitlines()] == ["line 4", "line 6"]
    assert responses_of(assessment).count() == 3
    assert tally_total(assessment, TallyMetric.RESPONSES) == 3


def test_command_with_a_missing_pillar_column_names_it(assessment, tmp_path):
    rows = [row[:-1] for row in table(2)]  # drops experience:brand-reputation only: fine
    rows = [[v for i, v in enumerate(row) if i != HEADER.index("content")] for row in rows]
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_responses",
            str(assessment.pk),
            str(write_csv(tmp_path, rows)),
            "--skip-bad-rows",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "error: No column for Content they consume." in err.getvalue()
    assert_nothing_imported(assessment)


def test_command_rerun_reports_rows_already_imported(assessment, tmp_path):
    path = write_csv(tmp_path, table(3))
    run_command(assessment.pk, path)
    out, _err = run_command(assessment.pk, path)
    assert "line 2: response_id r-0 was imported before" in out
    assert "Imported 0 response(s); 3 already there" in out
    assert responses_of(assessment).count() == 3


def test_command_that_imports_nothing_does_not_create_a_survey(assessment, tmp_path):
    with pytest.raises(CommandError):
        run_command(assessment.pk, write_csv(tmp_path, bad_rows_table()))
    assert not CustomerSurvey.objects.filter(assessment=assessment).exists()


def test_command_with_unknown_assessment_id_fails_cleanly(assessment, tmp_path):
    path = write_csv(tmp_path, table(2))
    with pytest.raises(CommandError, match=f"No assessment round with id {assessment.pk + 999}"):
        run_command(assessment.pk + 999, path)
    assert CustomerResponse.objects.count() == 0


def test_command_with_missing_file_fails_cleanly(assessment, tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(CommandError, match=r"Cannot read .*nope\.csv: No such file or directory"):
        run_command(assessment.pk, missing)
    assert_nothing_imported(assessment)


def test_command_with_a_directory_instead_of_a_file_fails_cleanly(assessment, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_command(assessment.pk, tmp_path)


def test_command_with_an_unreadable_file_type_fails_cleanly(assessment, tmp_path):
    path = tmp_path / "data.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(CommandError, match="is not a file type we can read"):
        run_command(assessment.pk, path)
    assert_nothing_imported(assessment)
