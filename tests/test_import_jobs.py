"""The guided import (upload → check → import → progress), background jobs, remembered
mappings, re-import conflicts, restarting ids, the command's options, and page query counts."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments import exports, import_jobs, services
from assessments.models import CustomerResponse, ImportJob, ImportLayoutChoice, ImportStatus

from .conftest import make_user

DATA = Path(__file__).parent / "data" / "imports"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def fixture_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes())


def upload(client, assessment, file, **data):
    return client.post(
        reverse("assessments:survey_import", args=[assessment.pk]), {"file": file, **data}
    )


def job_of(assessment) -> ImportJob:
    return ImportJob.objects.filter(assessment=assessment).latest("created_at")


def confirm(client, review_url: str, **choices):
    return client.post(review_url, {"action": "import", **choices})


def responses_of(assessment):
    return CustomerResponse.objects.filter(survey__assessment=assessment)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# ----------------------------------------------------------------------------- guided flow


def test_upload_shows_the_recognised_tool_mapping_count_and_first_rankings(lead_client, assessment):
    response = upload(lead_client, assessment, fixture_upload("qualtrics.csv"))
    assert response.status_code == 302 and "/check/" in response["Location"]
    page = lead_client.get(response["Location"])
    assert page.status_code == 200
    body = text(page)
    assert "looks like an export from Qualtrics , with 3 respondents" in body
    assert 'data-testid="mapping"' in page.content.decode()
    preview = re.search(r'data-testid="preview">(.*?)</ol>', page.content.decode(), re.DOTALL)
    first = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview.group(1))).strip()
    assert first.startswith("Line 4: Friction, or lack of it, along the customer journey ›")
    assert first.count("Line ") == 3
    assert ImportJob.objects.get().status == ImportStatus.UPLOADED
    assert responses_of(assessment).count() == 0  # nothing is written before the lead confirms


def test_the_lead_changes_a_mapping_and_it_is_remembered_for_the_next_file(lead_client, assessment):
    review_url = upload(lead_client, assessment, fixture_upload("google_forms.csv"))["Location"]
    page = lead_client.get(review_url).content.decode()
    index = re.search(
        r'name="group-(\d+)" id="group-\d+">\s*(?:<option[^>]*>[^<]*</option>)*?'
        r'<option value="experience" selected',
        page,
    ).group(1)
    response = confirm(lead_client, review_url, **{f"group-{index}": "ignore"})
    assert response.status_code == 302
    assert responses_of(assessment).count() == 3
    assert all(not r.answers.exclude(experience=None).exists() for r in responses_of(assessment))
    choice = ImportLayoutChoice.objects.get(assessment=assessment)
    assert choice.mapping["groups"] == {"How well do we do on each?": "ignore"}
    # The same layout again: the choice is applied before the lead looks.
    second = upload(lead_client, assessment, fixture_upload("google_forms.csv"))["Location"]
    assert job_of(assessment).mapping["groups"] == {"How well do we do on each?": "ignore"}
    assert re.search(r'<option value="ignore" selected', lead_client.get(second).content.decode())


def test_answer_codes_are_asked_for_and_import_once_given(lead_client, assessment, pillars):
    review_url = upload(lead_client, assessment, fixture_upload("limesurvey_codes.csv"))["Location"]
    page = lead_client.get(review_url)
    assert 'data-testid="answer-codes"' in page.content.decode()
    assert confirm(lead_client, review_url).status_code == 400  # codes not given yet
    codes = {f"code-A{i}": p.slug for i, p in enumerate(pillars, start=1)}
    assert confirm(lead_client, review_url, **codes).status_code == 302
    assert responses_of(assessment).count() == 3


def test_job_page_reports_the_import_and_its_status_json(lead_client, assessment):
    review_url = upload(lead_client, assessment, fixture_upload("typeform.csv"))["Location"]
    job_url = confirm(lead_client, review_url)["Location"]
    page = lead_client.get(job_url)
    assert "Imported 3 responses." in text(page)
    status = lead_client.get(job_url + "status.json").json()
    assert status["status"] == "done" and status["finished"] and status["percent"] == 100
    assert job_of(assessment).data == b""  # the uploaded file is not kept after the import


def test_big_files_run_as_a_background_task(lead_client, assessment, settings, monkeypatch):
    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(import_jobs, "SYNC_ROWS", 1)
    review_url = upload(lead_client, assessment, fixture_upload("surveymonkey.csv"))["Location"]
    job_url = confirm(lead_client, review_url)["Location"]
    job = job_of(assessment)
    assert job.status == ImportStatus.DONE and job.rows_written == 3
    assert "Imported 3 responses." in text(lead_client.get(job_url))


def test_a_queued_import_can_be_cancelled(lead_client, assessment, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(import_jobs, "SYNC_ROWS", 1)
    review_url = upload(lead_client, assessment, fixture_upload("surveymonkey.csv"))["Location"]
    job_url = confirm(lead_client, review_url)["Location"]
    page = lead_client.get(job_url)
    assert job_of(assessment).status == ImportStatus.QUEUED
    assert '<meta http-equiv="refresh"' in page.content.decode()  # no-JS fallback
    assert "js/import_progress.js" in page.content.decode()
    lead_client.post(job_url + "cancel/")
    assert job_of(assessment).status == ImportStatus.CANCELLED
    import_jobs.run_job(job_of(assessment).pk)  # the worker picks it up later: nothing happens
    assert responses_of(assessment).count() == 0


def test_cancel_between_batches_stops_a_running_import(assessment, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_BATCH", 1)
    job = import_jobs.create_job(
        assessment=assessment,
        user=None,
        filename="surveymonkey.csv",
        data=(DATA / "surveymonkey.csv").read_bytes(),
    )
    original = services.record_responses

    def record_then_cancel(**kwargs):
        created = original(**kwargs)
        ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        return created

    monkeypatch.setattr(services, "record_responses", record_then_cancel)
    job = import_jobs.run_job(job.pk)
    assert job.status == ImportStatus.CANCELLED
    assert responses_of(assessment).count() == 1 and job.report["stopped"]


def test_oversized_upload_is_stopped_while_it_streams(lead_client, assessment, monkeypatch):
    monkeypatch.setattr("assessments.imports.files.MAX_FILE_BYTES", 1000)
    monkeypatch.setattr("assessments.imports.MAX_FILE_BYTES", 1000)
    big = SimpleUploadedFile("big.csv", b"response_id,advertising\n" + b"r,1\n" * 2000)
    response = upload(lead_client, assessment, big)
    assert response.status_code == 413
    assert "larger than" in text(response)
    assert ImportJob.objects.count() == 0


def test_another_teams_import_job_is_404(client, assessment, outsider, lead):
    client.force_login(lead)
    review_url = upload(client, assessment, fixture_upload("typeform.csv"))["Location"]
    client.force_login(outsider)
    assert client.get(review_url).status_code == 404
    token = job_of(assessment).token
    assert (
        client.get(f"/rounds/{assessment.pk}/survey/import/{token}/status.json").status_code == 404
    )


def test_a_member_who_is_not_lead_cannot_see_an_import(client, assessment, lead, member):
    client.force_login(lead)
    review_url = upload(client, assessment, fixture_upload("typeform.csv"))["Location"]
    client.force_login(member)
    assert client.get(review_url).status_code == 403


def test_import_pages_have_bounded_query_counts(
    lead_client, assessment, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        review_url = upload(lead_client, assessment, fixture_upload("surveymonkey.csv"))["Location"]
    with django_assert_max_num_queries(8):
        lead_client.get(review_url)
    with django_assert_max_num_queries(60):
        job_url = confirm(lead_client, review_url)["Location"]
    with django_assert_max_num_queries(8):
        lead_client.get(job_url)
    with django_assert_max_num_queries(6):
        lead_client.get(job_url + "status.json")


# ----------------------------------------------------------------------------- re-imports


def _command(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_responses", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_reimporting_the_same_file_adds_nothing(assessment):
    _command(assessment.pk, DATA / "microsoft_forms.xlsx")
    out, _err = _command(assessment.pk, DATA / "microsoft_forms.xlsx")
    assert "Imported 0 response(s); 3 already there" in out
    assert responses_of(assessment).count() == 3


def test_a_stored_id_with_different_answers_is_a_conflict_with_its_line(assessment, tmp_path):
    _command(assessment.pk, DATA / "formbricks.csv")
    changed = (DATA / "formbricks.csv").read_text().replace("Millennials", "Gen X", 1)
    path = tmp_path / "formbricks.csv"
    path.write_text(changed)
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        _command(assessment.pk, path)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_responses", assessment.pk, path, stderr=err, stdout=io.StringIO())
    assert "line 2: response id clx0abcd0001 is stored with different answers" in err.getvalue()
    assert responses_of(assessment).get(external_id="clx0abcd0001").generation == "millennials"


def test_ids_that_restart_in_every_form_are_not_keys_across_files(assessment, tmp_path):
    # Two Microsoft Forms files: both number their respondents 1, 2, 3.
    _command(assessment.pk, DATA / "microsoft_forms.xlsx")
    _command(assessment.pk, DATA / "hand_made.xlsx")
    from openpyxl import load_workbook

    workbook = load_workbook(DATA / "microsoft_forms.xlsx")
    sheet = workbook.active
    sheet["B2"] = "12/2/26 10:00:00"  # another form, another respondent numbered 1
    sheet["G2"], sheet["G3"] = sheet["G3"].value, sheet["G2"].value
    other = tmp_path / "other_form.xlsx"
    workbook.save(other)
    out, _err = _command(assessment.pk, other)
    assert "Imported 2 response(s); 1 already there" in out  # row 3 is the same person as before
    assert responses_of(assessment).count() == 8


def test_the_apps_own_responses_export_reimports_without_duplicates(assessment, pillars, tmp_path):
    survey = services.start_survey(assessment=assessment)
    services.submit_web_response(
        survey=survey,
        response=services.NewResponse(ranks={p.pk: i for i, p in enumerate(pillars, start=1)}),
    )
    _command(assessment.pk, DATA / "typeform.csv")
    headers, rows = exports.responses_table(assessment)
    path = tmp_path / "responses.csv"
    path.write_bytes(exports.csv_text((headers, list(rows))).encode())
    out, _err = _command(assessment.pk, path)
    assert "Imported 0 response(s); 4 already there" in out
    assert responses_of(assessment).count() == 4


# ----------------------------------------------------------------------------- command


def test_dry_run_prints_the_layout_and_first_respondents_and_writes_nothing(assessment):
    out, _err = _command(assessment.pk, DATA / "qualtrics.csv", "--dry-run")
    lines = out.splitlines()
    assert lines[0] == "Recognised: Qualtrics"
    assert "  Q2 -> rank (each row gives the places 1 to 10 once each)" in lines
    assert "  Q4 -> nps (asks how likely they are to recommend us)" in lines
    assert (
        "line 4: friction > customer-service > products-services > representatives > "
        "digital-experiences > communications > brand-reputation > content > "
        "non-digital-experiences > advertising"
    ) in lines
    assert "Respondents: 3" in lines
    assert lines[-1] == "Dry run: nothing was written."
    assert responses_of(assessment).count() == 0


def test_map_and_codes_options_override_detection(assessment, pillars):
    codes = ",".join(f"A{i}={p.slug}" for i, p in enumerate(pillars, start=1))
    out, _err = _command(assessment.pk, DATA / "limesurvey_codes.csv", "--codes", codes)
    assert "Imported 3 response(s)" in out
    out, _err = _command(
        assessment.pk, DATA / "google_forms.csv", "--map", "How well do we do on each?=ignore"
    )
    assert "Imported 3 response(s)" in out


def test_missing_codes_fail_with_one_line(assessment):
    with pytest.raises(CommandError, match="problem"):
        _command(assessment.pk, DATA / "limesurvey_codes.csv")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["9" * 5000, "x.csv"], "No assessment round with id 9999"),
        (["abc", "x.csv"], "No assessment round with id abc"),
        (["{pk}", "x.csv", "--map", "nonsense"], "--map expects NAME=VALUE"),
        (["{pk}", "{data}/typeform.csv", "--map", "Nope=rank"], "Not a column, question or code"),
        (["{pk}", "{data}/typeform.csv", "--codes", "A1=no-such-pillar"], "A1=no-such-pillar"),
    ],
)
def test_command_failures_are_one_line_errors(assessment, args, message):
    args = [a.format(pk=assessment.pk, data=DATA) for a in args]
    with pytest.raises(CommandError, match=re.escape(message)):
        _command(*args)


def test_command_refuses_a_unique_violation_race_with_one_line(assessment, monkeypatch):
    _command(assessment.pk, DATA / "typeform.csv")
    # Another import stored the same ids after this one looked: the unique constraint refuses.
    monkeypatch.setattr(services, "_stored_signatures", lambda survey, ids: {})
    with pytest.raises(CommandError, match="ran at the same time") as refused:
        _command(assessment.pk, DATA / "typeform.csv")
    assert "\n" not in str(refused.value)
    assert responses_of(assessment).count() == 3


def test_status_json_is_never_cached(lead_client, assessment):
    review_url = upload(lead_client, assessment, fixture_upload("typeform.csv"))["Location"]
    job_url = confirm(lead_client, review_url)["Location"]
    response = lead_client.get(job_url + "status.json")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert json.loads(response.content)["rows_written"] == 3


def test_another_user_cannot_use_a_job_token_of_a_round_they_lead(client, assessment, lead, team):
    from .conftest import make_assessment, make_team

    client.force_login(lead)
    review_url = upload(client, assessment, fixture_upload("typeform.csv"))["Location"]
    other_lead = make_user("other-lead")
    other_round = make_assessment(make_team(lead=other_lead))
    client.force_login(other_lead)
    token = job_of(assessment).token
    url = reverse("assessments:survey_import_review", args=[other_round.pk, token])
    assert client.get(url).status_code == 404
    assert client.get(review_url).status_code == 404


def test_upload_without_a_csrf_token_is_refused(client, assessment, lead):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(lead)
    response = upload(strict, assessment, fixture_upload("typeform.csv"))
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0


def test_uploads_left_unchecked_for_a_day_are_deleted_with_their_file(assessment):
    from datetime import timedelta

    from django.utils import timezone

    data = (DATA / "typeform.csv").read_bytes()
    old = import_jobs.create_job(assessment=assessment, user=None, filename="a.csv", data=data)
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    import_jobs.create_job(assessment=assessment, user=None, filename="b.csv", data=data)
    assert list(ImportJob.objects.values_list("filename", flat=True)) == ["b.csv"]
