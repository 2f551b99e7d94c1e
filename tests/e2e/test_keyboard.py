"""The two journeys that matter most, with the keyboard only (Tab, Shift+Tab, Enter, Space, arrows).

Every control is reachable, focus is always visible and follows the page's reading order (checked
after every key by ``KeyboardWalk``). How a list is ranked with the keys lives in two functions
(``place_items``, ``rank_with_move_buttons``) so that a change to the ranking widget changes one
place.
"""

from playwright.sync_api import expect

from assessments import services
from assessments.models import CustomerResponse, PillarScore, Scorecard

from ..conftest import make_assessment, make_team, make_user
from .conftest import login, screenshot
from .keyboard import KeyboardWalk


def ranked_labels(page) -> list[str]:
    return page.locator("#ranking .ranking-item").evaluate_all(
        "items => items.map(li => li.dataset.name)"
    )


def place_items(walk: KeyboardWalk, labels: list[str]) -> None:
    """Rankings start unranked: Enter or Space on an item's name places it next (it joins the
    placed items at the top) and focus stays on it. Give ``labels`` in an order Tab reaches them:
    any first item, then the rest as they stand in the page."""
    page = walk.page
    for index, label in enumerate(labels):
        walk.tab_to(where=lambda f, label=label: f.item == label and "rank-label" in f.classes)
        walk.press("Enter" if index % 2 == 0 else "Space")
        focus = walk.focus
        assert focus.item == label and "rank-label" in focus.classes, f"focus moved: {focus}"
        expect(page.locator("#ranking-status")).to_have_text(
            f"{label} is now number {index + 1} of {len(ranked_labels(page))}."
        )


def rank_with_move_buttons(walk: KeyboardWalk, moves: list[tuple[str, str, int]]) -> None:
    """Each move is (item label, "up" or "down", times): Tab to its button, press Enter or Space.

    Focus stays on the button while the item moves, and the live region says where it went.
    """
    page = walk.page
    for label, direction, times in moves:
        walk.tab_to(f"Move {label} {direction}")
        for press in range(times):
            walk.press("Enter" if press % 2 == 0 else "Space")
            focus = walk.focus
            assert focus.name == f"Move {label} {direction}", f"focus left the button: {focus}"
        expect(page.locator("#ranking-status")).to_contain_text(f"{label} is now number")


def choose_on_scale(
    walk: KeyboardWalk, first_id: str, value_index: int, *, forward: str = "ArrowRight"
) -> None:
    """Tab into a radio group (to its first button) and pick an option with the arrow keys."""
    walk.tab_to(id=first_id)
    if value_index == 0:
        walk.press("Space")
    for _ in range(value_index):
        walk.press(forward)
    assert walk.focus.checked, f"{walk.focus} is not chosen"


def test_colleague_fills_the_scorecard_with_the_keyboard_only(page, pillars):
    user = make_user("keys")
    assessment = make_assessment(make_team(lead=user))
    login(page, "keys")
    page.goto(f"/rounds/{assessment.pk}/")
    walk = KeyboardWalk(page)
    walk.start()
    walk.tab_to("Fill in my scorecard")
    walk.press("Enter", navigates=True)
    expect(page.get_by_role("heading", name="My scorecard", exact=True)).to_be_visible()

    # Step 1: a score for every pillar but one, with the arrow keys (Space picks "1").
    forgotten = pillars[3]
    scores = {p.pk: (i % 5) + 1 for i, p in enumerate(pillars)}
    for pillar in pillars:
        if pillar == forgotten:
            walk.tab_to(id=f"id_score_{pillar.pk}_0")  # and straight on, choosing nothing
            continue
        choose_on_scale(walk, f"id_score_{pillar.pk}_0", scores[pillar.pk] - 1)
        if pillar == pillars[0]:
            # The optional note opens with Enter; its field is next in the order.
            walk.tab_to("Add a note (optional)")
            walk.press("Enter")
            walk.tab_to(id=f"id_note_{pillar.pk}")
    # Back and forth: Shift+Tab returns to the last score chosen, Tab comes back.
    walk.press("Shift+Tab")
    walk.press("Tab")

    # Step 2: rank, starting from an unranked list: place the second pillar first, then the
    # others as they come; then move the last one up twice with its ↑ button.
    names = [p.name for p in pillars]
    place_items(walk, [names[1], names[0], *names[2:]])
    rank_with_move_buttons(walk, [(names[-1], "up", 2)])
    order = ranked_labels(page)
    assert order == [names[1], names[0], *names[2:7], names[9], names[7], names[8]]

    walk.tab_to("Save my scorecard")
    last = walk.press("Shift+Tab")
    assert last.name == f"Move {order[-1]} down"
    # Every control is reachable: Shift+Tab back to the top, then Tab down to the button again.
    walk.tab_to("Skip to content", backward=True)
    assert walk.unreached() == [], "controls the keyboard never reached"
    walk.tab_to("Save my scorecard")
    screenshot(page, "keyboard-scorecard")
    walk.press("Enter", navigates=True)

    # The forgotten score: the error summary has the focus and leads to the field.
    summary = walk.focus
    assert summary.id == "error-summary" and summary.visibleFocus, summary
    expect(page.locator("#error-summary")).to_contain_text("Nothing was saved yet")
    link = walk.press("Tab")
    assert link.name == f"{forgotten.name}: Choose a score from 1 to 5 for this pillar."
    screenshot(page, "keyboard-scorecard-errors")
    field = walk.press("Enter")
    assert field.id == f"id_score_{forgotten.pk}_0", field
    walk.press("ArrowRight")
    walk.press("ArrowRight")
    scores[forgotten.pk] = 3
    walk.tab_to("Save my scorecard")
    walk.press("Enter", navigates=True)

    expect(page.get_by_test_id("total")).to_contain_text(str(sum(scores.values())))
    scorecard = Scorecard.objects.get(user=user)
    saved = {a.pillar.name: (a.score, a.rank) for a in scorecard.scores.select_related("pillar")}
    assert saved == {p.name: (scores[p.pk], order.index(p.name) + 1) for p in pillars}
    assert PillarScore.objects.count() == len(pillars)


def test_customer_answers_the_survey_with_the_keyboard_only(page, pillars):
    assessment = make_assessment(make_team(lead=make_user("survey-keys")))
    survey = services.start_survey(assessment=assessment)
    page.goto(f"/s/{survey.token}/")
    walk = KeyboardWalk(page)
    walk.start()
    by_label = {p.customer_label: p for p in pillars}

    # Sent before ranking anything: the error summary takes the focus and leads to the list.
    walk.tab_to("Send my answers")
    walk.press("Enter", navigates=True)
    summary = walk.focus
    assert summary.id == "error-summary" and summary.visibleFocus, summary
    link = walk.press("Tab")
    assert link.name.startswith("Please put every item in order before sending: 0 of 10")
    screenshot(page, "keyboard-survey-errors")
    start = ranked_labels(page)
    first_item = walk.press("Enter")
    assert first_item.item == start[0] and "rank-label" in first_item.classes, first_item
    assert not CustomerResponse.objects.exists()

    # Place the third item first, then the others as they come; move the sixth one down.
    place_items(walk, [start[2], *start[0:2], *start[3:]])
    rank_with_move_buttons(walk, [(start[5], "down", 1)])
    order = ranked_labels(page)
    assert order == [*start[2:3], *start[0:2], *start[3:5], start[6], start[5], *start[7:]]

    # How well do we do: rate the first two pillars of the list, skip the rest.
    rated = {}
    for label in order[:2]:
        pillar = by_label[label]
        choose_on_scale(walk, f"id_experience_{pillar.pk}_0", 3)
        rated[pillar.pk] = 4
    # Generation: arrows move down the list; NPS: right along the scale.
    choose_on_scale(walk, "id_generation_0", 1, forward="ArrowDown")
    choose_on_scale(walk, "id_nps_0", 9)
    walk.tab_to("Send my answers")
    walk.tab_to("Skip to content", backward=True)
    assert walk.unreached() == [], "controls the keyboard never reached"
    walk.tab_to("Send my answers")
    screenshot(page, "keyboard-survey")
    walk.press("Enter", navigates=True)

    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    response = CustomerResponse.objects.get()
    assert (response.generation, response.nps) == ("millennials", 9)
    answers = {a.pillar.customer_label: a for a in response.answers.select_related("pillar")}
    assert {label: a.rank for label, a in answers.items()} == {
        label: i for i, label in enumerate(order, start=1)
    }
    assert {a.pillar_id: a.experience for a in answers.values() if a.experience} == rated


def test_error_summary_link_to_a_ranked_item_in_error_focuses_its_first_control(page, pillars):
    """A rank select is hidden behind the ranking widget: its link leads to the item instead."""
    user = make_user("dup-keys")
    assessment = make_assessment(make_team(lead=user))
    login(page, "dup-keys")
    page.goto(f"/rounds/{assessment.pk}/scorecard/")
    # A stale form: every pillar scored, two pillars posted with the same place.
    for pillar in pillars:
        page.locator(f"label[for='id_score_{pillar.pk}_2']").click()
    page.evaluate(
        """() => document.querySelectorAll('#ranking select').forEach(
             (select, index) => { select.value = String(Math.max(index, 1)); })"""
    )
    walk = KeyboardWalk(page)
    walk.start()
    walk.tab_to("Save my scorecard")
    walk.press("Enter", navigates=True)
    assert walk.focus.id == "error-summary"
    link = walk.press("Tab")
    assert link.name.startswith(f"Rank of {pillars[0].name}: Rank 1 is given to more than one")
    target = walk.press("Enter")
    assert target.item == pillars[0].name, target
    assert not Scorecard.objects.exists()


def test_without_javascript_the_error_summary_links_focus_the_field(nojs_page, pillars):
    user = make_user("nojs-keys")
    assessment = make_assessment(make_team(lead=user))
    page = nojs_page
    login(page, "nojs-keys")
    page.goto(f"/rounds/{assessment.pk}/scorecard/")
    page.get_by_role("button", name="Save my scorecard").click()
    walk = KeyboardWalk(page)
    walk.start()
    link = walk.tab_to(f"{pillars[0].name}: Choose a score from 1 to 5 for this pillar.")
    assert link.tag == "a"
    target = walk.press("Enter")
    assert target is not None and target.id == f"id_score_{pillars[0].pk}_0", target
