"""axe-core over every main page and state, in every language: no serious or critical violation.

A page or state is one ``Screen`` in ``SCREENS``: a name, who is signed in, the browser it needs
and a ``visit`` that brings the page into that state from the demo data. To cover a new page, add
a Screen; every test below picks it up.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
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
    language: str = "en"  # the language the screen is being checked in

    def public(self, survey: CustomerSurvey, page: str = "") -> str:
        """A customer's link in the language under test (a survey may default to another)."""
        return f"/s/{survey.token}/{page}?lang={self.language}"


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


# Screens reach their state by selectors that do not depend on the language of the page.
# The survey's language buttons are submit buttons too (they keep the answers); not the one.
SUBMIT = "main form[method=post] [type=submit]:not([name=switch_language])"


def upload(page, name: str, content: str, *, skip_bad_rows: bool = False) -> None:
    page.locator("main input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    if skip_bad_rows:
        page.locator("input[name=skip_bad_rows]").check()
    page.locator(SUBMIT).click()
    # A readable file goes to the check page first (issue 9): confirm the proposed mapping.
    confirm = page.locator("[data-testid=mapping-form] button[value=import]")
    page.locator(
        "[data-testid=mapping-form], [data-testid=import-error], [data-testid=import-report]"
    ).first.wait_for()
    if confirm.count():
        confirm.click()


def import_csv(demo: Demo, rows: list[list[str]]) -> str:
    pillars = demo.round.round_pillars()
    header = ",".join(["response_id", *(p.slug for p in pillars)])
    return "\n".join([header, *(",".join(row) for row in rows)]) + "\n"


_row_ids = itertools.count(1)


def good_rows(count: int) -> list[list[str]]:
    """Rows never imported before (each call gets new response ids)."""
    return [[f"a11y-{next(_row_ids)}", *(str(r) for r in range(1, 11))] for _ in range(count)]


def fill_scores(page, score: int = 4) -> None:
    for radio in page.locator(f"input[type=radio][name^=score_][value='{score}']").all():
        page.locator(f"label[for='{radio.get_attribute('id')}']").click()


def place(page, count: int | None = None) -> None:
    """Tap the first ``count`` unplaced items of the ranking (all of them by default)."""
    items = page.locator("#ranking .ranking-item .rank-label")
    for _ in range(count if count is not None else items.count()):
        page.locator("#ranking .ranking-item.unplaced .rank-label").first.click()


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
    """Saved with nothing filled in: an error for every score."""
    page.goto(f"/rounds/{demo.empty_round.pk}/scorecard/")
    page.locator(SUBMIT).click()
    expect(page.locator("[data-error-summary]")).to_be_visible()


def _scorecard_nojs_with_errors(page, demo):
    """Scores given, ranks left empty in the selects: an error for every rank."""
    page.goto(f"/rounds/{demo.empty_round.pk}/scorecard/")
    fill_scores(page)
    page.locator(SUBMIT).click()
    expect(page.locator("[data-error-summary]")).to_be_visible()


def _survey_with_errors(page, demo):
    """Sent with three items placed: lists start unranked and a partial ranking is refused."""
    page.goto(demo.public(demo.survey))
    place(page, 3)
    page.locator(SUBMIT).click()
    expect(page.locator("[data-error-summary]")).to_be_visible()


def _survey_partly_ranked(page, demo):
    page.goto(demo.public(demo.survey))
    place(page, 4)


def _survey_answered_before(page, demo):
    """This browser sent an answer already: the survey says so instead of asking again."""
    page.goto(demo.public(demo.survey))
    if page.locator("#ranking").count():
        place(page)
        page.locator(SUBMIT).click()
        page.wait_for_url("**/thanks/**")
        page.goto(demo.public(demo.survey))
    expect(page.locator("#ranking")).to_have_count(0)


def _import_step(rows=None, *, skip_bad_rows=False, name="responses.csv", raw=None):
    def visit(page, demo):
        page.goto(f"/rounds/{demo.round.pk}/survey/import/")
        if rows is None and raw is None:
            return
        content = raw if raw is not None else import_csv(demo, rows(demo))
        upload(page, name, content, skip_bad_rows=skip_bad_rows)
        outcome = page.locator("[data-testid=import-report], [data-testid=import-error]")
        expect(outcome).to_be_visible()

    return visit


def _import_check(page, demo):
    """The check page between upload and import: the detected mapping and a preview."""
    page.goto(f"/rounds/{demo.round.pk}/survey/import/")
    page.locator("main input[type=file]").set_input_files(
        {
            "name": "responses.csv",
            "mimeType": "text/csv",
            "buffer": import_csv(demo, good_rows(3)).encode(),
        }
    )
    page.locator(SUBMIT).click()
    expect(page.locator("[data-testid=mapping-form]")).to_be_visible()


def _bad_and_good_rows(demo):
    return [*good_rows(3), ["a11y-bad", *(["1"] * 10)]]


def diagnostic_url(demo: Demo, page: str = "") -> str:
    diagnostic = Assessment.objects.get(team=demo.team, title=seed_demo.DIAGNOSTIC_TITLE)
    return f"/rounds/{diagnostic.pk}/{page}"


def _diagnostic_with_errors(page, demo):
    """Saved with one question unanswered: its error next to it."""
    page.goto(diagnostic_url(demo, "diagnostic/"))
    page.evaluate("() => document.querySelector('input[name^=reply_]:checked').checked = false")
    page.locator(SUBMIT).click()
    expect(page.locator("[data-error-summary]")).to_be_visible()


def _dashboard_import_refused(page, demo):
    page.goto(f"/teams/{demo.team.pk}/dashboard/")
    form = page.locator("form[enctype='multipart/form-data']")
    form.locator("input[type=file]").set_input_files(
        {"name": "m.csv", "mimeType": "text/csv", "buffer": b"month,metric,value\n2026-13,x,y\n"}
    )
    form.locator("[type=submit]").click()
    expect(page.locator("[data-testid=import-errors]")).to_be_visible()


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
    Screen("scorecard-no-js-with-errors", _scorecard_nojs_with_errors, javascript=False),
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
    Screen("import-check", _import_check),
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
    Screen("public-survey", lambda page, demo: page.goto(demo.public(demo.survey)), user=None),
    Screen(
        "public-survey-phone",
        lambda page, demo: page.goto(demo.public(demo.survey)),
        user=None,
        viewport=PHONE,
    ),
    Screen("public-survey-partly-ranked", _survey_partly_ranked, user=None),
    Screen("public-survey-phone-partly-ranked", _survey_partly_ranked, user=None, viewport=PHONE),
    Screen("public-survey-with-errors", _survey_with_errors, user=None),
    Screen("public-survey-phone-with-errors", _survey_with_errors, user=None, viewport=PHONE),
    Screen(
        "public-survey-no-js",
        lambda page, demo: page.goto(demo.public(demo.survey)),
        user=None,
        javascript=False,
    ),
    Screen(
        "public-survey-closed",
        lambda page, demo: page.goto(demo.public(demo.closed_survey)),
        user=None,
    ),
    Screen("public-survey-answered-before", _survey_answered_before, user=None),
    Screen(
        "survey-thanks",
        lambda page, demo: page.goto(demo.public(demo.survey, "thanks/")),
        user=None,
    ),
    Screen("diagnostic-round", lambda page, demo: page.goto(diagnostic_url(demo))),
    Screen(
        "diagnostic-round-phone",
        lambda page, demo: page.goto(diagnostic_url(demo)),
        viewport=PHONE,
    ),
    Screen("diagnostic-answers", lambda page, demo: page.goto(diagnostic_url(demo, "diagnostic/"))),
    Screen("diagnostic-with-errors", _diagnostic_with_errors),
    Screen(
        "diagnostic-answers-phone",
        lambda page, demo: page.goto(diagnostic_url(demo, "diagnostic/")),
        viewport=PHONE,
    ),
    Screen("cx-dashboard", lambda page, demo: page.goto(f"/teams/{demo.team.pk}/dashboard/")),
    Screen(
        "cx-dashboard-phone",
        lambda page, demo: page.goto(f"/teams/{demo.team.pk}/dashboard/"),
        viewport=PHONE,
    ),
    Screen("cx-dashboard-import-refused", _dashboard_import_refused),
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


def screen_page(browser, live_server, screen: Screen, session: str | None):
    """A browser page for one screen: its viewport, scripts and sign-in (language comes later)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=screen.viewport,
        is_mobile=screen.viewport is PHONE,
        has_touch=screen.viewport is PHONE,
        # A strict Content-Security-Policy must not keep axe out of the page under test.
        bypass_csp=True,
    )
    if not screen.javascript:
        # The page as a browser without JavaScript shows it: the app's scripts never load (it has
        # no inline ones), while axe, injected by the test, still runs.
        context.route("**/*.js", lambda route: route.abort())
    if session:
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
    page = context.new_page()
    page.set_default_timeout(20_000)  # six languages on a busy machine
    return page


def speak(page, live_server, language: str) -> None:
    """Ask for pages in this language, as a browser set to it does (cookie and header)."""
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.set_extra_http_headers({"Accept-Language": language})


def session_of(username: str | None) -> str | None:
    if username is None:
        return None
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(autouse=True)
def _no_rate_limit_left_over():
    # Forms posted by earlier tests count towards the survey's per-client limit.
    cache.clear()


@pytest.mark.parametrize("screen", SCREENS, ids=str)
def test_page_has_no_serious_accessibility_violation_in_any_language(
    browser, live_server, screen, pillars
):
    demo = build_demo()
    page = screen_page(browser, live_server, screen, session_of(screen.user))
    report = []
    try:
        for language in LANGUAGES:
            speak(page, live_server, language)
            demo.language = language
            if screen.media:
                page.emulate_media(media="screen")
            screen.visit(page, demo)
            if screen.media:
                page.emulate_media(media=screen.media)
            lang = page.evaluate("document.documentElement.lang")
            assert lang == language, f"{screen.name} is in {lang!r}, not {language!r}"
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


def test_heatmap_cells_print_with_their_colours(page, live_server, pillars):
    """Printers drop backgrounds by default: white text would vanish with its cell's colour."""
    demo = build_demo()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_of(seed_demo.LEAD),
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"/rounds/{demo.round.pk}/comparison/")
    page.emulate_media(media="print")
    cells = page.locator(".heat-cell")
    expect(cells).to_have_count(36)
    adjust = cells.evaluate_all("cells => cells.map(c => getComputedStyle(c).printColorAdjust)")
    assert set(adjust) == {"exact"}
