from playwright.sync_api import expect

from assessments import services
from assessments.models import CustomerResponse

from ..conftest import make_assessment, make_team, make_user
from .conftest import screenshot


def _survey():
    assessment = make_assessment(make_team(lead=make_user("language-lead")))
    return services.start_survey(assessment=assessment)


def _order(page) -> list[int]:
    """Pillar ids in the order the list shows them (the rank selects carry them)."""
    return page.locator("#ranking select").evaluate_all(
        "selects => selects.map(s => Number(s.name.split('_')[1]))"
    )


def test_customer_switches_to_romanian_mid_way_and_keeps_their_answers(page, pillars):
    survey = _survey()
    page.goto(f"/s/{survey.token}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    labels = page.locator("#ranking .ranking-item").evaluate_all(
        "items => items.map(li => li.dataset.name)"
    )
    page.get_by_role("button", name=f"Move {labels[0]} down").click()
    page.get_by_role("button", name=f"Move {labels[0]} down").click()
    page.get_by_role("button", name=f"Move {labels[-1]} up").click()
    order = _order(page)
    first = next(p for p in pillars if p.pk == order[0])
    rating = page.get_by_role("radiogroup", name=f"How well do we do on: {first.customer_label}")
    rating.get_by_text("4", exact=True).click()
    page.get_by_label("Gen X (born 1965–1980)").check()

    page.get_by_role("button", name="Română").click()

    expect(page.locator("html")).to_have_attribute("lang", "ro")
    expect(
        page.get_by_role("heading", name="Ce contează cel mai mult pentru dumneavoastră?")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Română")).to_have_attribute("aria-pressed", "true")
    assert _order(page) == order
    assert page.get_by_text(first.customer_label_ro, exact=True).first.is_visible()
    rating = page.get_by_role(
        "radiogroup", name=f"Cât de bine ne descurcăm la: {first.customer_label_ro}"
    )
    expect(rating.get_by_role("radio", name="4")).to_be_checked()
    expect(page.get_by_label("Generația X (născuți în 1965–1980)")).to_be_checked()
    assert not CustomerResponse.objects.exists()
    screenshot(page, "survey-switched-to-romanian")

    page.get_by_role("button", name="Trimite răspunsurile mele").click()
    expect(page.get_by_role("heading", name="Vă mulțumim!")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ro")
    response = CustomerResponse.objects.get()
    assert response.generation == "gen-x"
    ranks = dict(response.answers.values_list("pillar_id", "rank"))
    assert ranks == {pk: i for i, pk in enumerate(order, start=1)}
    assert response.answers.get(pillar=first).experience == 4


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
