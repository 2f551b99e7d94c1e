"""Every main page under the Content-Security-Policy: Chromium reports no violation."""

from io import StringIO

from django.core.management import call_command

from assessments.models import Assessment, CustomerSurvey

from .conftest import login, screenshot


def test_no_main_page_breaks_the_content_security_policy(page, pillars):
    call_command("seed_demo", stdout=StringIO())
    current = Assessment.objects.get(title="Q4 2026 review")
    survey = CustomerSurvey.objects.get(assessment=current)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(f"{page.url}: {error}"))

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response.status in (200, 410), (path, response.status)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")

    for path in ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"]:
        visit(path)
    visit(f"/s/{survey.token}/")
    visit(f"/s/{survey.token}/thanks/")

    login(page, "lead", "demo-pass-2026")
    pk = current.pk
    team = current.team_id
    for path in [
        "/teams/",
        f"/teams/{team}/",
        "/teams/new/",
        f"/rounds/{pk}/",
        f"/rounds/{pk}/scorecard/",
        f"/rounds/{pk}/scorecard/result/",
        f"/rounds/{pk}/comparison/",
        f"/rounds/{pk}/report/",
        f"/rounds/{pk}/survey/",
        f"/rounds/{pk}/survey/import/",
        "/accounts/password_change/",
    ]:
        visit(path)
    # Our scripts run under the policy: copy.js shows its button, print.js (report) its own.
    visit(f"/rounds/{pk}/survey/")
    page.get_by_role("button", name="Copy", exact=True).click()
    screenshot(page, "csp-survey-manage")
    visit(f"/rounds/{pk}/report/")
    assert page.get_by_role("button", name="Print").is_visible()

    page.context.clear_cookies()
    login(page, "admin", "admin-pass-2026")
    for path in ["/admin/", "/admin/assessments/pillar/", "/admin/assessments/pillar/1/change/"]:
        visit(path)
    assert violations == []
