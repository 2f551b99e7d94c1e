"""Big exports run in the background: a job page with progress, then a download."""

import io

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from assessments import export_jobs, services
from assessments.models import ExportJob, ExportStatus


@pytest.fixture
def responses(assessment):
    survey = services.start_survey(assessment=assessment)
    pillars = assessment.round_pillars()
    services.record_responses(
        survey=survey,
        responses=[
            services.NewResponse(
                ranks={p.pk: (i + k) % len(pillars) + 1 for i, p in enumerate(pillars)}
            )
            for k in range(3)
        ],
        source="import",
    )
    return 3


def _export(client, assessment):
    return client.get(reverse("assessments:export", args=[assessment.pk, "responses", "xlsx"]))


def test_a_big_xlsx_export_is_queued_built_by_the_worker_and_downloaded(
    client,
    assessment,
    lead,
    responses,
    settings,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    settings.CXP_EXPORT_BACKGROUND_ROWS = 2
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = _export(client, assessment)
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("assessments:export_job", args=[assessment.pk, job.pk])
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).count() == 1  # queued once
    with django_assert_max_num_queries(6):
        page = client.get(response["Location"])
    html = page.content.decode()
    assert "Waiting for the worker" in html and "data-refresh-every" in html
    download = reverse("assessments:export_download", args=[assessment.pk, job.pk])
    assert client.get(download).status_code == 404  # not built yet

    export_jobs.run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == (ExportStatus.DONE, 3, 3)
    html = client.get(response["Location"]).content.decode()
    assert download in html and "data-refresh-every" not in html
    file = client.get(download)
    assert file["Content-Disposition"].endswith('responses.xlsx"')
    sheet = load_workbook(io.BytesIO(file.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "response" and len(rows) == 1 + responses


def test_a_small_xlsx_export_is_answered_at_once(client, assessment, lead, responses):
    client.force_login(lead)
    response = _export(client, assessment)
    assert response.status_code == 200
    assert not ExportJob.objects.exists()


def test_another_teams_export_job_gives_404(
    client, assessment, lead, outsider, responses, settings
):
    settings.CXP_EXPORT_BACKGROUND_ROWS = 0
    client.force_login(lead)
    _export(client, assessment)
    job = ExportJob.objects.get()
    export_jobs.run(job.pk)
    client.force_login(outsider)
    for name in ["assessments:export_job", "assessments:export_download"]:
        assert client.get(reverse(name, args=[assessment.pk, job.pk])).status_code == 404


def test_a_big_csv_export_is_built_in_the_background_too(
    client, assessment, lead, responses, settings
):
    settings.CXP_EXPORT_BACKGROUND_ROWS = 0
    client.force_login(lead)
    url = reverse("assessments:export", args=[assessment.pk, "responses", "csv"])
    assert client.get(url).status_code == 302
    job = ExportJob.objects.get()
    export_jobs.run(job.pk)
    file = client.get(reverse("assessments:export_download", args=[assessment.pk, job.pk]))
    assert file["Content-Type"].startswith("text/csv")
    lines = file.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("response,") and len(lines) == 1 + responses


def test_a_job_delivered_twice_is_built_once(assessment, lead, responses):
    job = export_jobs.start(
        assessment=assessment, user=lead, name="responses", fmt="xlsx", filename="r"
    )
    export_jobs.run(job.pk)
    finished = ExportJob.objects.get().finished_at
    export_jobs.run(job.pk)
    assert ExportJob.objects.get().finished_at == finished
