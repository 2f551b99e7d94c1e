from playwright.sync_api import expect

from assessments import services
from assessments.models import CustomerResponse

from ..conftest import make_assessment, make_team, make_user
from .conftest import screenshot


def _survey():
    assessment = make_assessment(make_team(lead=make_user("language-lead")))
    return services.start_survey(assessment=assessment)


def _labels(page) -> list[str]:
    return page.locator("#ranking .ranking-item").evaluate_all(
        "items => items.map(li => li.dataset.name)"
    )


def _place(page, label: str) -> None:
    """Tap an item to give it the next place (the list's own way of ranking)."""
    page.locator(f'#ranking .ranking-item[data-name="{label}"] .rank-label').click()


def test_customer_switches_to_romanian_mid_way_and_keeps_their_answers(page, pillars):
    survey = _survey()
    page.goto(f"/s/{survey.token}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    by_label = {p.customer_label: p for p in pillars}
    # Half-way: four items placed, one rating and the generation given.
    chosen = [by_label[label] for label in reversed(_labels(page))][:4]
    for pillar in chosen:
        _place(page, pillar.customer_label)
    expect(page.get_by_test_id("ranking-progress")).to_contain_text("4 of 10")
    rating = page.get_by_role(
        "radiogroup", name=f"How well do we do on: {chosen[0].customer_label}"
    )
    rating.get_by_text("4", exact=True).click()
    page.get_by_label("Gen X (born 1965–1980)").check()

    page.get_by_role("button", name="Română").click()

    expect(page.locator("html")).to_have_attribute("lang", "ro")
    expect(
        page.get_by_role("heading", name="Ce contează cel mai mult pentru dumneavoastră?")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Română")).to_have_attribute("aria-pressed", "true")
    # The four places are kept, most important first, now in Romanian wording.
    expect(page.get_by_test_id("ranking-progress")).to_contain_text("4 din 10")
    assert _labels(page)[:4] == [p.customer_label_ro for p in chosen]
    rating = page.get_by_role(
        "radiogroup", name=f"Cât de bine ne descurcăm la: {chosen[0].customer_label_ro}"
    )
    expect(rating.get_by_role("radio", name="4")).to_be_checked()
    expect(page.get_by_label("Generația X (născuți în 1965–1980)")).to_be_checked()
    assert not CustomerResponse.objects.exists()
    screenshot(page, "survey-switched-to-romanian")

    for label in _labels(page)[4:]:
        _place(page, label)
    expect(page.get_by_test_id("ranking-progress")).to_contain_text("10 din 10")
    by_label_ro = {p.customer_label_ro: p for p in pillars}
    order = [by_label_ro[label].pk for label in _labels(page)]
    assert order[:4] == [p.pk for p in chosen]
    page.get_by_role("button", name="Trimite răspunsurile mele").click()
    expect(page.get_by_role("heading", name="Vă mulțumim!")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ro")
    response = CustomerResponse.objects.get()
    assert response.generation == "gen-x"
    ranks = dict(response.answers.values_list("pillar_id", "rank"))
    assert ranks == {pk: i for i, pk in enumerate(order, start=1)}
    assert response.answers.get(pillar=chosen[0]).experience == 4


def test_malay_customer_on_a_phone_meets_no_english(phone_page, pillars):
    survey = _survey()
    page = phone_page
    page.goto(f"/s/{survey.token}/?lang=ms")
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    expect(
        page.get_by_role("heading", name="Apakah yang paling penting bagi anda?")
    ).to_be_visible()
    text = page.locator("main").inner_text()
    for english in ("What matters", "How well do we do", "optional", "Send my answers", "Move"):
        assert english not in text
    screenshot(page, "survey-phone-malay")
