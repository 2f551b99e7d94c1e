import re

from playwright.sync_api import expect

from assessments import services
from assessments.models import CustomerResponse

from ..conftest import make_assessment, make_team, make_user
from .conftest import login, screenshot


def _survey(**settings):
    lead = make_user("survey-lead")
    assessment = make_assessment(make_team(lead=lead))
    survey = services.start_survey(assessment=assessment)
    for key, value in settings.items():
        setattr(survey, key, value)
    survey.save()
    return survey


def _labels(page) -> list[str]:
    return page.locator("#ranking .ranking-item").evaluate_all(
        "items => items.map(li => li.dataset.name)"
    )


def test_customer_on_a_phone_ranks_and_answers(phone_page, pillars):
    survey = _survey(ask_expectation=False)
    page = phone_page
    page.goto(f"/s/{survey.token}/")
    expect(page.get_by_role("heading", name="What matters most to you?")).to_be_visible()
    start = _labels(page)
    # Tap ↓ on the first item twice and ↑ on the last once.
    down = page.get_by_role("button", name=f"Move {start[0]} down")
    down.tap()
    down.tap()
    page.get_by_role("button", name=f"Move {start[-1]} up").tap()
    order = _labels(page)
    assert order[2] == start[0]
    assert order[8] == start[-1]

    by_label = {p.customer_label: p for p in pillars}
    first = by_label[order[0]]
    rating = page.get_by_role("radiogroup", name=f"How well do we do on: {first.customer_label}")
    rating.get_by_text("4", exact=True).tap()
    page.get_by_label("Gen Z (born 1997–2012)").check()
    page.get_by_role("radiogroup", name=re.compile("recommend")).get_by_text("9", exact=True).tap()
    screenshot(page, "survey-phone")
    page.get_by_role("button", name="Send my answers").tap()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()

    response = CustomerResponse.objects.get()
    assert (response.generation, response.nps) == ("gen-z", 9)
    ranks = {a.pillar.customer_label: a.rank for a in response.answers.select_related("pillar")}
    assert ranks == {label: i for i, label in enumerate(order, start=1)}
    assert response.answers.get(pillar=first).experience == 4


def test_customer_without_javascript_ranks_with_selects(nojs_page, pillars):
    survey = _survey(ask_experience=False, ask_generation=False, ask_nps=False)
    page = nojs_page
    page.goto(f"/s/{survey.token}/")
    for index, pillar in enumerate(pillars, start=1):
        page.get_by_label(f"Rank of {pillar.customer_label}").select_option(str(11 - index))
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    ranks = dict(CustomerResponse.objects.get().answers.values_list("pillar_id", "rank"))
    assert ranks == {p.pk: 11 - p.position for p in pillars}


def test_lead_sees_progress_climb_as_responses_arrive(browser, live_server, page, pillars):
    survey = _survey()
    login(page, "survey-lead")
    page.goto(f"/rounds/{survey.assessment_id}/survey/")
    expect(page.get_by_test_id("progress")).to_contain_text("0 / 300")
    public_url = page.locator("#survey-url").input_value()

    customer = browser.new_context()
    customer_page = customer.new_page()
    for _ in range(2):
        customer_page.goto(public_url)
        customer_page.get_by_role("button", name="Send my answers").click()
        expect(customer_page.get_by_role("heading", name="Thank you!")).to_be_visible()
    customer.close()

    page.reload()
    expect(page.get_by_test_id("progress")).to_contain_text("2 / 300")
    screenshot(page, "survey-manage")
