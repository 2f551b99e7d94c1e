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


def _tap_label(page, name: str) -> None:
    page.locator(f'#ranking .ranking-item[data-name="{name}"] .rank-label').tap()


def test_customer_on_a_phone_ranks_by_tapping_and_answers(phone_page, pillars):
    survey = _survey(ask_expectation=False)
    page = phone_page
    page.goto(f"/s/{survey.token}/")
    expect(page.get_by_role("heading", name="What matters most to you?")).to_be_visible()
    start = _labels(page)
    expect(page.locator("#ranking .ranking-item.unplaced")).to_have_count(10)
    expect(page.get_by_test_id("ranking-progress")).to_have_text("0 of 10 placed")
    page.screenshot(path=str(screenshot(page, "survey-phone-unranked")), full_page=False)

    # Sending the untouched list is refused, with the message beside the list.
    page.get_by_role("button", name="Send my answers").tap()
    expect(page.get_by_test_id("ranking-error")).to_contain_text("0 of 10 are placed")
    assert not CustomerResponse.objects.exists()

    # Tap in order of importance: reverse of the order shown. The first tap is number 1.
    chosen = list(reversed(_labels(page)))
    for label in chosen[:3]:
        _tap_label(page, label)
    expect(page.get_by_test_id("ranking-progress")).to_have_text("3 of 10 placed")
    expect(page.get_by_test_id("fill-progress")).to_have_text("3 of 10 placed")
    assert page.locator(".fill-progress .progress-bar").get_attribute("style") == "width: 30%;"
    expect(page.get_by_text("Step 1 of 3")).to_be_visible()
    assert _labels(page)[:3] == chosen[:3]
    # Tap number 2 again: it is taken out, number 3 moves up to 2.
    _tap_label(page, chosen[1])
    expect(page.locator("#ranking-status")).to_have_text(
        f"{chosen[1]} is no longer placed; 2 of 10 placed."
    )
    assert _labels(page)[:2] == [chosen[0], chosen[2]]
    for label in [chosen[1], *chosen[3:]]:
        _tap_label(page, label)
    expect(page.get_by_test_id("ranking-progress")).to_have_text("10 of 10 placed")
    order = _labels(page)
    assert order == [chosen[0], chosen[2], chosen[1], *chosen[3:]]
    assert set(start) == set(order)
    badges = page.locator("#ranking .rank-badge").all_inner_texts()
    assert badges == [str(i) for i in range(1, 11)]

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
    for pillar in pillars:  # every place starts empty
        expect(page.get_by_label(f"Rank of {pillar.customer_label}")).to_have_value("")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_test_id("ranking-error")).to_contain_text("0 of 10 are placed")
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

    for _ in range(2):  # two customers, each in their own browser
        customer = browser.new_context()
        customer_page = customer.new_page()
        customer_page.goto(public_url)
        for label in _labels(customer_page):
            customer_page.locator(
                f'#ranking .ranking-item[data-name="{label}"] .rank-label'
            ).click()
        customer_page.get_by_role("button", name="Send my answers").click()
        expect(customer_page.get_by_role("heading", name="Thank you!")).to_be_visible()
        customer.close()

    page.reload()
    expect(page.get_by_test_id("progress")).to_contain_text("2 / 300")
    screenshot(page, "survey-manage")


def test_keyboard_alone_ranks_the_survey(page, pillars):
    survey = _survey(ask_experience=False, ask_generation=False, ask_nps=False)
    page.goto(f"/s/{survey.token}/")
    shown = _labels(page)
    first = page.locator("#ranking .rank-label").first
    first.focus()
    # Enter on an item's name places it next; Tab moves on to the next item's name.
    for _ in shown:
        page.keyboard.press("Enter")
        focused = page.evaluate("document.activeElement.closest('.ranking-item').dataset.name")
        page.locator(f'#ranking .ranking-item[data-name="{focused}"] [data-move="down"]').focus()
        page.keyboard.press("Tab")
    expect(page.get_by_test_id("ranking-progress")).to_have_text("10 of 10 placed")
    assert _labels(page) == shown
    # Move the last placed item up with its button by keyboard: focus stays, the change is read.
    up = page.get_by_role("button", name=f"Move {shown[-1]} up")
    up.focus()
    page.keyboard.press("Enter")
    expect(up).to_be_focused()
    expect(page.locator("#ranking-status")).to_have_text(f"{shown[-1]} is now number 9 of 10.")
    # Space on a placed name takes it out again.
    page.locator(f'#ranking .ranking-item[data-name="{shown[0]}"] .rank-label').focus()
    page.keyboard.press(" ")
    expect(page.get_by_test_id("ranking-progress")).to_have_text("9 of 10 placed")
    page.keyboard.press(" ")
    expect(page.get_by_test_id("ranking-progress")).to_have_text("10 of 10 placed")
    order = _labels(page)
    assert order == [*shown[1:8], shown[9], shown[8], shown[0]]
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    ranks = {
        a.pillar.customer_label: a.rank
        for a in CustomerResponse.objects.get().answers.select_related("pillar")
    }
    assert ranks == {label: i for i, label in enumerate(order, start=1)}


def test_back_then_send_again_keeps_one_response(page, pillars):
    survey = _survey(ask_experience=False, ask_generation=False, ask_nps=False)
    page.goto(f"/s/{survey.token}/")
    for label in _labels(page):
        _tap_label_click(page, label)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    page.go_back()
    if page.get_by_role("button", name="Send my answers").count():
        # A browser that restores the old form from its cache: sending it is refused.
        page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="You have already answered, thank you")).to_be_visible()
    assert page.get_by_role("link", name="Answer again").count() == 0
    screenshot(page, "survey-already-answered")
    page.goto(f"/s/{survey.token}/")
    expect(page.get_by_role("heading", name="You have already answered, thank you")).to_be_visible()
    assert CustomerResponse.objects.count() == 1


def test_repeat_answers_when_the_lead_allows_them(page, pillars):
    survey = _survey(
        ask_experience=False, ask_generation=False, ask_nps=False, allow_repeat_answers=True
    )
    for _ in range(2):
        page.goto(f"/s/{survey.token}/")
        if page.get_by_role("link", name="Answer again").count():
            page.get_by_role("link", name="Answer again").click()
        for label in _labels(page):
            _tap_label_click(page, label)
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert CustomerResponse.objects.count() == 2


def _tap_label_click(page, name: str) -> None:
    page.locator(f'#ranking .ranking-item[data-name="{name}"] .rank-label').click()


RENDER_SVG_TO_GREY = """async (svg) => {
  const size = 400;
  const source = new XMLSerializer().serializeToString(svg);
  const image = new Image();
  image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(source);
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, size, size);
  context.drawImage(image, 0, 0, size, size);
  const rgba = context.getImageData(0, 0, size, size).data;
  const grey = [];
  for (let i = 0; i < rgba.length; i += 4) { grey.push(rgba[i]); }
  return grey;
}"""


def test_the_qr_code_the_browser_draws_opens_the_survey(page, pillars):
    import numpy as np
    import zxingcpp

    survey = _survey()
    login(page, "survey-lead")
    page.goto(f"/rounds/{survey.assessment_id}/survey/")
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    screenshot(page, "survey-manage-qr")
    grey = page.get_by_test_id("qr").locator("svg").evaluate(RENDER_SVG_TO_GREY)
    pixels = np.array(grey, dtype=np.uint8).reshape(400, 400)
    codes = zxingcpp.read_barcodes(pixels)
    public_url = page.locator("#survey-url").input_value()
    assert [code.text for code in codes] == [public_url]
    assert public_url.endswith(f"/s/{survey.token}/")
    # The invitation text carries the same link; the poster shows the code large.
    assert public_url in page.locator("#invitation-text").input_value()
    page.get_by_role("link", name="Printable poster").click()
    expect(page.get_by_test_id("poster-qr").locator("svg")).to_be_visible()
    screenshot(page, "survey-poster")


def test_dragging_an_unplaced_item_into_the_ranking_places_it(page, pillars):
    survey = _survey(ask_experience=False, ask_generation=False, ask_nps=False)
    page.goto(f"/s/{survey.token}/")
    shown = _labels(page)
    for label in shown[:3]:
        _tap_label_click(page, label)
    page.locator("#ranking").evaluate(
        "el => el.scrollIntoView({block: 'start', behavior: 'instant'})"
    )
    items = page.locator("#ranking .ranking-item")
    target = items.nth(5)  # unplaced
    name = target.get_attribute("data-name")
    first_box = items.first.bounding_box()
    box = target.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(first_box["x"] + 40, first_box["y"] + 5, steps=15)
    page.mouse.up()
    expect(page.get_by_test_id("ranking-progress")).to_have_text("4 of 10 placed")
    assert _labels(page)[:4] == [name, *shown[:3]]
    expect(page.locator("#ranking-status")).to_have_text(f"{name} is now number 1 of 10.")
    # Dragging a placed item down among the unplaced ones takes it out again.
    last_box = items.last.bounding_box()
    box = page.locator(f'#ranking .ranking-item[data-name="{shown[0]}"]').bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(last_box["x"] + 40, last_box["y"] + last_box["height"] - 3, steps=15)
    page.mouse.up()
    expect(page.get_by_test_id("ranking-progress")).to_have_text("3 of 10 placed")
    placed = page.locator("#ranking .ranking-item:not(.unplaced)").evaluate_all(
        "items => items.map(li => li.dataset.name)"
    )
    assert placed == [name, *shown[1:3]]
