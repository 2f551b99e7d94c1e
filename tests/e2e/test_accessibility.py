"""axe-core over every main page and state, in every language: no serious or critical violation.

A page or state is one ``Screen`` in ``SCREENS``: a name, who is signed in, the browser it needs
and a ``visit`` that brings the page into that state from the demo data. To cover a new page, add
a Screen; every test below picks it up.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from assessments import services
from assessments.management.commands import seed_demo
from assessments.models import Assessment, CustomerSurvey, Pillar, Team

from .accessibility import axe_violations, describe, serious

LANGUAGES = [code for code, _name in settings.LANGUAGES]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass
class Demo:
    """The demo data (``seed_demo``) plus a fresh round nobody has scored yet."""

    team: Team
    round: Assessment  # the demo's open round: six scorecards, a survey with 300 responses
    empty_round: Assessment  # open, no scorecards, no survey
    survey: CustomerSurvey
    closed_survey: CustomerSurvey
    pillar: Pillar


def build_demo() -> Demo:
    call_command("seed_demo", stdout=StringIO())
    team = Team.objects.get(name=seed_demo.TEAM_NAME)
    current = Assessment.objects.get(team=team, title=seed_demo.ROUND_TITLE)
    earlier = Assessment.objects.get(team=team, title=seed_demo.EARLIER_ROUND_TITLE)
    empty = services.create_assessment(
        team=team, title="Q1 2027 review", created_by=team.memberships.get(role="lead").user
    )
    return Demo(
        team=team,
        round=current,
        empty_round=empty,
        survey=current.survey,
        closed_survey=earlier.survey,
        pillar=Pillar.objects.get(slug="friction"),
    )


def upload(page, name: str, content: str, *, skip_bad_rows: bool = False) -> None:
    page.get_by_label("CSV or Excel file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    if skip_bad_rows:
        page.get_by_label("Skip bad rows and import the rest").check()
    page.get_by_role("button", name="Import", exact=True).click()


def import_csv(demo: Demo, rows: list[list[str]]) -> str:
    pillars = demo.round.round_pillars()
    header = ",".join(["response_id", *(p.slug for p in pillars)])
    return "\n".join([header, *(",".join(row) for row in rows)]) + "\n"


def good_rows(count: int, start: int = 1) -> list[list[str]]:
    return [[f"a11y-{start + i}", *(str(r) for r in range(1, 11))] for i in range(count)]


def fill_scores(page, score: str = "4 — Very good") -> None:
    for group in page.get_by_role("radiogroup").all():
        group.get_by_text(score).click()


def break_survey_ranking(page) -> None:
    """Give two items the same place, as a tampered or stale form would."""
    page.evaluate(
        """() => {
          const selects = document.querySelectorAll('#ranking select');
          selects[1].value = selects[0].value;
        }"""
    )


@dataclass(frozen=True)
class Screen:
    name: str
    visit: Callable  # (page, demo) -> None: navigate and bring the page into its state
    user: str | None = seed_demo.LEAD
    viewport: dict = field(default_factory=lambda: DESKTOP)
    javascript: bool = True
    media: str | None = None  # "print" to audit the print layout

    def __str__(self) -> str:
        return self.name


def _scorecard_with_errors(page, demo):
    page.goto(f"/rounds/{demo.empty_round.pk}/scorecard/")
    page.get_by_role("button", name="Save my scorecard").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()


def _scorecard_nojs_duplicate_ranks(page, demo):
    page.goto(f"/rounds/{demo.empty_round.pk}/scorecard/")
    fill_scores(page)
    page.get_by_role("button", name="Save my scorecard").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()


def _survey_with_errors(page, demo):
    page.goto(f"/s/{demo.survey.token}/")
    break_survey_ranking(page)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()


def _import_step(rows=None, *, skip_bad_rows=False, name="responses.csv", raw=None):
    def visit(page, demo):
        page.goto(f"/rounds/{demo.round.pk}/survey/import/")
        if rows is None and raw is None:
            return
        content = raw if raw is not None else import_csv(demo, rows(demo))
        upload(page, name, content, skip_bad_rows=skip_bad_rows)
        expect(page.get_by_role("heading", name="Import customer responses")).to_be_visible()

    return visit


def _bad_and_good_rows(demo):
    return [*good_rows(3, start=900), ["a11y-bad", *(["1"] * 10)]]


SCREENS = [
    Screen("home", lambda page, demo: page.goto("/"), user=None),
    Screen("sign-up", lambda page, demo: page.goto("/accounts/signup/"), user=None),
    Screen("log-in", lambda page, demo: page.goto("/accounts/login/"), user=None),
    Screen("my-teams", lambda page, demo: page.goto("/teams/")),
    Screen("team", lambda page, demo: page.goto(f"/teams/{demo.team.pk}/")),
    Screen("round", lambda page, demo: page.goto(f"/rounds/{demo.round.pk}/")),
    Screen(
        "scorecard-empty",
        lambda page, demo: page.goto(f"/rounds/{demo.empty_round.pk}/scorecard/"),
    ),
    Screen("scorecard-filled", lambda page, demo: page.goto(f"/rounds/{demo.round.pk}/scorecard/")),
    Screen("scorecard-with-errors", _scorecard_with_errors),
    Screen(
        "scorecard-no-js",
        lambda page, demo: page.goto(f"/rounds/{demo.empty_round.pk}/scorecard/"),
        javascript=False,
    ),
    Screen("scorecard-no-js-with-errors", _scorecard_nojs_duplicate_ranks, javascript=False),
    Screen(
        "scorecard-result",
        lambda page, demo: page.goto(f"/rounds/{demo.round.pk}/scorecard/result/"),
    ),
    Screen("comparison", lambda page, demo: page.goto(f"/rounds/{demo.round.pk}/comparison/")),
    Screen(
        "comparison-print",
        lambda page, demo: page.goto(f"/rounds/{demo.round.pk}/comparison/"),
        media="print",
    ),
    Screen("survey-manage", lambda page, demo: page.goto(f"/rounds/{demo.round.pk}/survey/")),
    Screen(
        "survey-manage-not-started",
        lambda page, demo: page.goto(f"/rounds/{demo.empty_round.pk}/survey/"),
    ),
    Screen("import-form", _import_step()),
    Screen("import-rows-refused", _import_step(_bad_and_good_rows)),
    Screen("import-bad-rows-skipped", _import_step(_bad_and_good_rows, skip_bad_rows=True)),
    Screen("import-done", _import_step(lambda demo: good_rows(5))),
    Screen("import-unreadable-file", _import_step(name="notes.pdf", raw="%PDF-1.4 not a table")),
    Screen("report", lambda page, demo: page.goto(f"/rounds/{demo.round.pk}/report/")),
    Screen(
        "report-print",
        lambda page, demo: page.goto(f"/rounds/{demo.round.pk}/report/"),
        media="print",
    ),
    Screen("public-survey", lambda page, demo: page.goto(f"/s/{demo.survey.token}/"), user=None),
    Screen(
        "public-survey-phone",
        lambda page, demo: page.goto(f"/s/{demo.survey.token}/"),
        user=None,
        viewport=PHONE,
    ),
    Screen("public-survey-with-errors", _survey_with_errors, user=None),
    Screen("public-survey-phone-with-errors", _survey_with_errors, user=None, viewport=PHONE),
    Screen(
        "public-survey-no-js",
        lambda page, demo: page.goto(f"/s/{demo.survey.token}/"),
        user=None,
        javascript=False,
    ),
    Screen(
        "public-survey-closed",
        lambda page, demo: page.goto(f"/s/{demo.closed_survey.token}/"),
        user=None,
    ),
    Screen(
        "survey-thanks",
        lambda page, demo: page.goto(f"/s/{demo.survey.token}/thanks/"),
        user=None,
    ),
    Screen("admin-index", lambda page, demo: page.goto("/admin/"), user=seed_demo.ADMIN[0]),
    Screen(
        "admin-pillar-list",
        lambda page, demo: page.goto("/admin/assessments/pillar/"),
        user=seed_demo.ADMIN[0],
    ),
    Screen(
        "admin-pillar-change",
        lambda page, demo: page.goto(f"/admin/assessments/pillar/{demo.pillar.pk}/change/"),
        user=seed_demo.ADMIN[0],
    ),
]


def open_page(browser, live_server, screen: Screen, language: str, session: str | None):
    """A fresh browser context for one screen: its viewport, JavaScript, language and sign-in."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=screen.viewport,
        java_script_enabled=screen.javascript,
        is_mobile=screen.viewport is PHONE,
        has_touch=screen.viewport is PHONE,
        locale=language,
        extra_http_headers={"Accept-Language": language},
        # A strict Content-Security-Policy must not keep axe out of the page under test.
        bypass_csp=True,
    )
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    if session:
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}
        )
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def session_of(username: str | None) -> str | None:
    if username is None:
        return None
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize("screen", SCREENS, ids=str)
def test_page_has_no_serious_accessibility_violation_in_any_language(
    browser, live_server, screen, pillars
):
    demo = build_demo()
    session = session_of(screen.user)
    report = []
    for language in LANGUAGES:
        page = open_page(browser, live_server, screen, language, session)
        try:
            screen.visit(page, demo)
            if screen.media:
                page.emulate_media(media=screen.media)
            assert page.evaluate("document.documentElement.lang") == language, (
                f"{screen.name} did not switch to {language}"
            )
            found = serious(axe_violations(page))
            if found:
                report.append(describe(found, where=f"{screen.name} [{language}] {page.url}"))
        finally:
            page.context.close()
    assert not report, "\n\n".join(report)


def test_the_audit_catches_a_serious_violation(page):
    """The check itself works: an unlabelled field and faint text are reported as serious."""
    page.set_content(
        '<html lang="en"><body><main><h1>Probe</h1>'
        '<input type="text" name="nameless">'
        '<p style="color:#bbb;background:#fff">faint text</p></main></body></html>'
    )
    found = {v["id"] for v in serious(axe_violations(page))}
    assert {"label", "color-contrast"} <= found
