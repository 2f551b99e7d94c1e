import re

from django.core import mail
from playwright.sync_api import expect

from assessments.models import Assessment, PillarScore, Scorecard, Team

from ..conftest import make_assessment, make_team, make_user
from .conftest import login, screenshot


def _ranked_names(page) -> list[str]:
    return page.locator("#ranking .ranking-item").evaluate_all(
        "items => items.map(li => li.dataset.name)"
    )


def test_new_user_signs_up_creates_team_and_round_and_fills_the_scorecard(page, pillars):
    page.goto("/")
    page.get_by_role("link", name="Start an assessment").click()
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Email").fill("nadia@example.com")
    page.get_by_label("Password*", exact=True).fill("a-long-unusual-pass-77")
    page.get_by_label("Password confirmation").fill("a-long-unusual-pass-77")
    page.get_by_role("button", name="Sign up").click()
    # The address is confirmed by mail before the account works.
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(re.search(r"https?://\S+/accounts/activate/\S+", mail.outbox[-1].body).group(0))

    expect(page.get_by_role("heading", name="My teams")).to_be_visible()
    page.get_by_label("Team name").fill("Nadia's CX team")
    page.get_by_role("button", name="Create team").click()

    page.get_by_label("Round title").fill("Q4 2026 review")
    page.get_by_role("button", name="Start round").click()
    page.get_by_role("link", name="Fill in my scorecard").click()

    # Step 1: a score for every pillar (labels are the 1–5 buttons).
    progress = page.get_by_test_id("fill-progress")
    expect(progress).to_have_text("0 of 10 scored · total 0 / 50 · 0 of 10 ranked")
    for index, pillar in enumerate(pillars):
        group = page.get_by_role("radiogroup", name=f"Score for {pillar.name}")
        group.get_by_text(re.compile(rf"^{(index % 5) + 1} — ")).click()
        if index == 6:  # scores 1+2+3+4+5+1+2
            expect(progress).to_have_text("7 of 10 scored · total 18 / 50 · 0 of 10 ranked")
    expect(progress).to_have_text("10 of 10 scored · total 30 / 50 · 0 of 10 ranked")

    # Step 2: the list starts unranked; saving now is refused with a message beside the list.
    expect(page.locator("#ranking .ranking-item.unplaced")).to_have_count(len(pillars))
    page.get_by_role("button", name="Save my scorecard").click()
    expect(page.get_by_test_id("ranking-error")).to_contain_text("0 of 10 are placed")
    assert not Scorecard.objects.exists()
    # Scores survive the refusal; place every pillar by clicking them in position order.
    for pillar in pillars:
        page.locator(f'#ranking .ranking-item[data-name="{pillar.name}"] .rank-label').click()
    expect(page.get_by_test_id("ranking-progress")).to_have_text("10 of 10 placed")
    expect(progress).to_have_text("10 of 10 scored · total 30 / 50 · 10 of 10 ranked")

    # Keyboard: move the last pillar up twice with its button; focus stays on it.
    last = pillars[-1]
    up = page.get_by_role("button", name=f"Move {last.name} up")
    up.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(up).to_be_focused()
    expect(page.locator("#ranking-status")).to_have_text(f"{last.name} is now number 8 of 10.")

    # Drag and drop: drag the fifth pillar onto the top of the list.
    page.locator("#ranking").evaluate(
        "el => el.scrollIntoView({block: 'start', behavior: 'instant'})"
    )
    fifth = page.locator("#ranking .ranking-item").nth(4)
    dragged_name = fifth.get_attribute("data-name")
    first_box = page.locator("#ranking .ranking-item").first.bounding_box()
    box = fifth.bounding_box()
    page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(first_box["x"] + 60, first_box["y"] + 5, steps=12)
    page.mouse.up()
    order = _ranked_names(page)
    assert order[0] == dragged_name
    assert order[7] == last.name

    screenshot(page, "scorecard-form")
    page.get_by_role("button", name="Save my scorecard").click()

    expect(page.get_by_test_id("total")).to_contain_text("30")
    expect(page.get_by_text("Band: solid")).to_be_visible()
    screenshot(page, "scorecard-result")

    scorecard = Scorecard.objects.get(user__username="nadia")
    saved = dict(
        PillarScore.objects.filter(scorecard=scorecard).values_list("pillar__name", "rank")
    )
    assert saved == {name: rank for rank, name in enumerate(order, start=1)}
    assert Team.objects.get(name="Nadia's CX team").memberships.get().role == "lead"
    assert Assessment.objects.filter(title="Q4 2026 review").count() == 1


def test_scorecard_works_with_javascript_off(nojs_page, pillars):
    user = make_user("nojs")
    team = make_team(lead=user)
    assessment = make_assessment(team)
    page = nojs_page
    login(page, "nojs")
    page.goto(f"/rounds/{assessment.pk}/scorecard/")
    reverse_order = list(reversed(pillars))
    for pillar in pillars:  # every place starts empty
        expect(page.get_by_label(f"Rank of {pillar.name}")).to_have_value("")
    for pillar in pillars:
        page.get_by_role("radiogroup", name=f"Score for {pillar.name}").get_by_text(
            "4 — Very good"
        ).click()
        page.get_by_label(f"Rank of {pillar.name}").select_option(
            str(reverse_order.index(pillar) + 1)
        )
    page.get_by_role("button", name="Save my scorecard").click()
    assert "40" in page.get_by_test_id("total").inner_text()
    ranks = dict(PillarScore.objects.values_list("pillar_id", "rank"))
    assert ranks == {p.pk: 11 - p.position for p in pillars}


def test_duplicate_ranks_without_javascript_show_errors_and_keep_input(nojs_page, pillars):
    user = make_user("nojs2")
    assessment = make_assessment(make_team(lead=user))
    page = nojs_page
    login(page, "nojs2")
    page.goto(f"/rounds/{assessment.pk}/scorecard/")
    for index, pillar in enumerate(pillars, start=1):
        page.get_by_role("radiogroup", name=f"Score for {pillar.name}").get_by_text(
            "2 — Fair"
        ).click()
        page.get_by_label(f"Rank of {pillar.name}").select_option(str(min(index, 9)))
    page.get_by_role("button", name="Save my scorecard").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved yet")
    expect(page.get_by_text("Rank 9 is given to more than one pillar").first).to_be_visible()
    # What the user typed is still there.
    expect(page.get_by_label(f"Rank of {pillars[0].name}")).to_have_value("1")
    assert not Scorecard.objects.exists()


def test_colleague_on_a_phone_scores_and_ranks_by_tapping(phone_page, pillars):
    user = make_user("phone-colleague")
    assessment = make_assessment(make_team(lead=user))
    page = phone_page
    login(page, "phone-colleague")
    page.goto(f"/rounds/{assessment.pk}/scorecard/")
    for pillar in pillars:
        page.get_by_role("radiogroup", name=f"Score for {pillar.name}").get_by_text(
            "3 — Good"
        ).tap()
    page.get_by_role("button", name="Save my scorecard").tap()
    expect(page.get_by_test_id("ranking-error")).to_contain_text("0 of 10 are placed")
    wanted = list(reversed(pillars))
    for pillar in wanted:
        page.locator(f'#ranking .ranking-item[data-name="{pillar.name}"] .rank-label').tap()
    expect(page.get_by_test_id("fill-progress")).to_have_text(
        "10 of 10 scored · total 30 / 50 · 10 of 10 ranked"
    )
    page.locator("#ranking").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot(page, "scorecard-phone-ranked")), full_page=False)
    page.get_by_role("button", name="Save my scorecard").tap()
    expect(page.get_by_test_id("total")).to_contain_text("30")
    ranks = dict(PillarScore.objects.values_list("pillar_id", "rank"))
    assert ranks == {p.pk: 11 - p.position for p in pillars}
