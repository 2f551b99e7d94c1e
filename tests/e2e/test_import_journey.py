"""A lead imports a survey tool's export: upload → check and change the mapping → import →
progress → done."""

from pathlib import Path

from playwright.sync_api import expect

from assessments import import_jobs
from assessments.models import CustomerResponse, ImportJob, ImportStatus

from ..conftest import make_assessment, make_team, make_user
from .conftest import login, screenshot

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def test_lead_uploads_changes_a_mapping_imports_and_watches_progress(
    page, pillars, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(import_jobs, "SYNC_ROWS", 1)  # this small file goes to the worker
    lead = make_user("import-lead")
    assessment = make_assessment(make_team(lead=lead))
    login(page, "import-lead")
    page.goto(f"/rounds/{assessment.pk}/survey/import/")
    page.get_by_label("CSV or Excel file").set_input_files(str(DATA / "google_forms.csv"))
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_test_id("import-summary")).to_contain_text("Google Forms")
    expect(page.get_by_test_id("import-summary")).to_contain_text("3 respondents")
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text("Line 2: Friction, or lack of it, along the customer journey")
    rating = page.get_by_label("Read “How well do we do on each?” as")
    expect(rating).to_have_value("experience")
    rating.select_option("ignore")
    page.get_by_role("button", name="Update the preview").click()
    expect(page.get_by_label("Read “How well do we do on each?” as")).to_have_value("ignore")
    screenshot(page, "import-check")
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.get_by_test_id("import-status")).to_have_text("Queued")
    expect(page.locator("progress")).to_be_visible()
    job = ImportJob.objects.get()
    import_jobs.run_job(job.pk)  # what the db_worker does; the page polls and reloads
    expect(page.get_by_test_id("import-report")).to_contain_text(
        "Imported 3 responses.", timeout=8000
    )
    expect(page.get_by_test_id("import-status")).to_have_text("Done")
    screenshot(page, "import-done")
    assert ImportJob.objects.get().status == ImportStatus.DONE
    assert CustomerResponse.objects.filter(survey__assessment=assessment).count() == 3
    assert not CustomerResponse.objects.filter(answers__experience__isnull=False).exists()


def test_import_check_page_on_a_phone(phone_page, pillars):
    lead = make_user("phone-lead")
    assessment = make_assessment(make_team(lead=lead))
    login(phone_page, "phone-lead")
    phone_page.goto(f"/rounds/{assessment.pk}/survey/import/")
    phone_page.get_by_label("CSV or Excel file").set_input_files(str(DATA / "hand_made.xlsx"))
    phone_page.get_by_role("button", name="Upload and check").click()
    expect(phone_page.get_by_test_id("import-warnings")).to_contain_text("In-person & phone")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing pushes the page sideways
    screenshot(phone_page, "import-check-phone")
