"""What a visitor sees when the site protects itself: sign-up by mail, a paused login, and a big
export built in the background (phone viewport, where customers and colleagues often are)."""

import re

from django.core import mail
from playwright.sync_api import expect

from assessments import export_jobs, services
from assessments.models import ExportJob

from ..conftest import make_assessment, make_team, make_user
from .conftest import login, screenshot


def test_signup_with_an_address_in_use_looks_like_any_other(phone_page, pillars):
    make_user("taken")  # taken@example.com
    phone_page.goto("/accounts/signup/")
    phone_page.get_by_label("Username").fill("newcomer")
    phone_page.get_by_label("Email").fill("taken@example.com")
    phone_page.get_by_label("Password*", exact=True).fill("a-long-unusual-pass-77")
    phone_page.get_by_label("Password confirmation").fill("a-long-unusual-pass-77")
    phone_page.get_by_role("button", name="Sign up").click()
    expect(phone_page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(phone_page.get_by_text("already")).to_have_count(0)
    screenshot(phone_page, "signup-sent-phone")
    assert mail.outbox[-1].to == ["taken@example.com"]
    assert "already has an account" in mail.outbox[-1].body


def test_too_many_wrong_passwords_pause_the_login(phone_page, pillars, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("target")
    for attempt in range(3):
        phone_page.goto("/accounts/login/")
        phone_page.get_by_label("Username").fill("target")
        phone_page.get_by_label("Password").fill(f"wrong-{attempt}")
        phone_page.get_by_role("button", name="Log in").click()
    login(phone_page, "target")  # the right password, too late
    expect(phone_page.get_by_role("heading", name="Too many login attempts")).to_be_visible()
    expect(phone_page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    screenshot(phone_page, "login-paused-phone")


def test_a_big_export_shows_progress_then_a_download_link(page, pillars, settings):
    settings.CXP_EXPORT_BACKGROUND_ROWS = 0
    team = make_team(lead=make_user("exporter"))
    assessment = make_assessment(team)
    survey = services.start_survey(assessment=assessment)
    pillars_ = assessment.round_pillars()
    services.record_responses(
        survey=survey,
        responses=[services.NewResponse(ranks={p.pk: i for i, p in enumerate(pillars_, 1)})],
        source="import",
    )
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    login(page, "exporter")
    page.goto(f"/rounds/{assessment.pk}/report/")
    page.get_by_role("button", name="Export").click()
    page.locator(f'a[href="/rounds/{assessment.pk}/export/responses.xlsx"]').click()
    expect(page.get_by_test_id("export-status")).to_contain_text("Waiting for the worker")
    screenshot(page, "export-waiting")
    export_jobs.run(ExportJob.objects.get().pk)  # what db_worker does
    # The page refreshes itself every few seconds.
    expect(page.get_by_role("link", name=re.compile(r"Download .*responses\.xlsx"))).to_be_visible()
    screenshot(page, "export-ready")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download")).click()
    assert download.value.suggested_filename.endswith("responses.xlsx")
    assert violations == []  # the self-refreshing page runs under the policy
