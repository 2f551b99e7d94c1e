import re

from django.core import mail
from playwright.sync_api import expect

from assessments.models import Membership, Team

from ..conftest import make_assessment, make_scorecard, make_team, make_user
from .conftest import login, screenshot


def test_lead_removes_a_member_who_keeps_a_former_members_card_and_cannot_rejoin(
    browser, live_server, page, pillars
):
    lead = make_user("remove-lead")
    team = make_team(lead=lead, name="Remove CX")
    leaver = make_user("leaver")
    Membership.objects.create(team=team, user=leaver)
    assessment = make_assessment(team)
    make_scorecard(assessment, lead)
    make_scorecard(assessment, leaver)
    old_join_url = f"/join/{team.join_token}/"

    login(page, "remove-lead")
    page.goto(f"/teams/{team.pk}/")
    # The first time the lead says no: nothing happens.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Remove leaver").click()
    expect(page.get_by_role("button", name="Remove leaver")).to_be_visible()
    assert Membership.objects.filter(team=team, user=leaver).exists()
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Remove leaver").click()
    expect(page.get_by_text("leaver was removed.")).to_be_visible()
    assert "Remove leaver from the team?" in questions[0]
    assert not Membership.objects.filter(team=team, user=leaver).exists()

    page.goto(f"/rounds/{assessment.pk}/")
    expect(page.get_by_text("1 of 1 colleague has submitted.")).to_be_visible()
    former = page.get_by_test_id("former-members")
    expect(former).to_contain_text("leaver")
    expect(former).to_contain_text("former member")
    expect(page.get_by_test_id("counted")).to_have_text(
        "The statistics of this round use 2 scorecards."
    )
    page.get_by_role("button", name="Leave out of statistics").click()
    expect(page.get_by_test_id("counted")).to_have_text(
        "The statistics of this round use 1 scorecard."
    )
    screenshot(page, "round-former-member")

    # The removed colleague tries the old join link.
    other = browser.new_context(base_url=live_server.url)
    leaver_page = other.new_page()
    login(leaver_page, "leaver")
    response = leaver_page.goto(old_join_url)
    assert response.status == 404
    assert not Membership.objects.filter(team=team, user=leaver).exists()
    other.close()
    assert Team.objects.get(pk=team.pk).join_token not in old_join_url


def test_an_invited_visitor_signs_up_from_the_invitation_and_joins(browser, live_server, pillars):
    team = make_team(lead=make_user("inviting-lead"), name="Invite CX")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"/join/{team.join_token}/")
    expect(page.get_by_text("You are invited to join Invite CX.")).to_be_visible()
    expect(page.get_by_role("link", name="I have an account: log in")).to_be_visible()
    screenshot(page, "join-invited-visitor-phone")
    page.get_by_role("link", name="Sign up and join").click()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password*", exact=True).fill("a-long-unusual-pass-77")
    page.get_by_label("Password confirmation").fill("a-long-unusual-pass-77")
    page.get_by_role("button", name="Sign up").click()
    # The address is confirmed by mail; the link keeps the invitation as where to go next.
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(re.search(r"https?://\S+/accounts/activate/\S+", mail.outbox[-1].body).group(0))
    page.get_by_role("button", name="Join the team").click()
    expect(page.get_by_role("heading", name="Invite CX")).to_be_visible()
    assert Membership.objects.filter(team=team, user__username="newcomer").exists()
    context.close()
