"""Browser journeys beyond the pillars: the CX diagnostic, the team's CX dashboard and the
survey's effort question, on a desktop and a phone."""

from playwright.sync_api import expect

from assessments import services
from assessments.models import (
    CustomerResponse,
    DiagnosticAnswer,
    Framework,
    Membership,
    MetricTarget,
    NextAction,
    Role,
)

from ..conftest import make_assessment, make_team, make_user
from .conftest import login, screenshot


def _answer_everything(page, *, no: set[str]) -> None:
    """Click Yes on every question, No on the ones named (by their text's start)."""
    for card in page.locator("fieldset[data-testid^=question-]").all():
        text = card.locator("legend").inner_text()
        reply = "No" if any(text.startswith(start) for start in no) else "Yes"
        card.get_by_text(reply, exact=True).click()


def test_lead_runs_the_diagnostic_assigns_an_owner_and_sets_a_target(page, pillars):
    lead = make_user("rosa")
    team = make_team(lead=lead, name="Rosa's CX team")
    colleague = make_user("tomas")
    Membership.objects.create(team=team, user=colleague, role=Role.MEMBER)

    login(page, "rosa")
    page.get_by_role("link", name="Rosa's CX team").click()
    page.get_by_label("Round title").fill("Diagnostic 2027")
    page.get_by_label("The 20-question CX diagnostic").check()
    page.get_by_role("button", name="Start round").click()
    page.get_by_role("link", name="Answer the diagnostic").click()

    # One No, one Partly, Yes to the rest, and a note.
    _answer_everything(page, no={"Have we built a model of the return"})
    page.get_by_test_id("question-people-poached-first").get_by_text("Partly").click()
    page.get_by_test_id("question-finance-price-or-service").locator("summary").click()
    page.get_by_label("Note on: Do we know how many customers leave").fill("No exit survey yet.")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    assert DiagnosticAnswer.objects.filter(response__user=lead).count() == 20

    expect(page.get_by_test_id("area-people")).to_have_text("4.5 / 5")
    expect(page.get_by_test_id("area-finance")).to_have_text("4.0 / 5")
    actions = page.get_by_test_id("next-actions")
    expect(actions).to_contain_text("Have we built a model of the return")
    owner = page.get_by_label("Owner of: Have we built a model of the return")
    owner.select_option(label="tomas")
    actions.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("tomas owns the next action.")).to_be_visible()
    assert NextAction.objects.get().owner == colleague
    screenshot(page, "diagnostic-result")

    # The dashboard: no figures yet, then a target for first-response time and a month.
    page.get_by_role("link", name="Rosa's CX team").click()
    page.get_by_role("link", name="CX dashboard").click()
    expect(page.get_by_test_id("no-data")).to_be_visible()
    page.get_by_label("Target for Average first-response time (hours)").fill("4")
    page.get_by_test_id("metric-first_response_hours").get_by_role(
        "button", name="Set target"
    ).click()
    expect(page.get_by_text("is now 4.")).to_be_visible()
    page.get_by_label("Metric").select_option(label="Average first-response time (hours)")
    page.get_by_label("Month").fill("2026-10")
    page.get_by_label("Value").fill("6.5")
    page.get_by_role("button", name="Save figure").click()
    card = page.get_by_test_id("metric-first_response_hours")
    expect(card.get_by_test_id("status")).to_have_text("Off target")
    expect(card.get_by_test_id("latest")).to_have_text("6.5")
    expect(card.locator("svg[role=img]")).to_be_visible()
    assert MetricTarget.objects.get(team=team).target == 4
    screenshot(page, "dashboard")


def test_a_colleague_answers_the_diagnostic_on_a_phone(phone_page, pillars):
    lead = make_user("rosa")
    team = make_team(lead=lead, name="Rosa's CX team")
    colleague = make_user("tomas")
    Membership.objects.create(team=team, user=colleague, role=Role.MEMBER)
    diagnostic = services.create_assessment(
        team=team, title="Diagnostic 2027", created_by=lead, framework=Framework.DIAGNOSTIC
    )
    page = phone_page
    login(page, "tomas")
    page.goto(f"/rounds/{diagnostic.pk}/diagnostic/")
    _answer_everything(page, no={"Does someone own each of those touchpoints?"})
    # Nothing on the page is wider than the phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_test_id("area-customers")).to_have_text("4.0 / 5")
    expect(page.get_by_test_id("next-actions")).to_contain_text("Does someone own each")
    expect(page.get_by_role("button", name="Assign")).to_have_count(0)  # members do not assign
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "diagnostic-phone")
    page.goto(f"/teams/{team.pk}/dashboard/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "dashboard-phone")


def test_a_customer_answers_the_effort_question_on_a_phone(phone_page, pillars):
    lead = make_user("rosa")
    assessment = make_assessment(make_team(lead=lead))
    survey = services.start_survey(assessment=assessment)
    survey.ask_experience = survey.ask_generation = survey.ask_nps = False
    survey.ask_ces = True
    survey.ces_question = "Getting my parcel redelivered was easy."
    survey.save()
    page = phone_page
    page.goto(f"/s/{survey.token}/")
    # The list starts unranked: tap every item, in the order shown, to place it.
    names = page.locator("#ranking .ranking-item").evaluate_all(
        "items => items.map(item => item.dataset.name)"
    )
    for name in names:
        page.locator(f'#ranking .ranking-item[data-name="{name}"] .rank-label').tap()
    effort = page.get_by_test_id("ces")
    expect(effort).to_contain_text("Getting my parcel redelivered was easy.")
    effort.get_by_text("Agree", exact=True).tap()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "survey-effort-phone")
    page.get_by_role("button", name="Send my answers").tap()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert CustomerResponse.objects.get().ces == 4
