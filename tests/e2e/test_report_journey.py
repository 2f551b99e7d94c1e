from io import StringIO

from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import login, screenshot


def test_lead_reads_the_comparison_and_the_gap_report_of_the_demo(page, pillars):
    call_command("seed_demo", stdout=StringIO())
    login(page, "lead", "demo-pass-2026")
    page.get_by_role("link", name="Demo CX team").click()
    expect(page.get_by_text("Scores per pillar across rounds")).to_be_visible()
    screenshot(page, "team-trends")
    page.get_by_role("link", name="Q4 2026 review").click()

    page.get_by_role("link", name="Compare colleagues").click()
    expect(page.get_by_role("heading", name="Do we agree?")).to_be_visible()
    # W 0.36 among six colleagues is a mean pairwise rho of (6 × 0.36 − 1)/5 = +0.23.
    expect(page.get_by_test_id("mean-rho")).to_have_text("+0.23")
    expect(page.get_by_test_id("heatmap")).to_be_visible()
    screenshot(page, "comparison")

    page.go_back()
    page.get_by_role("link", name="Team vs customers").click()
    # rho 0.51 over ten pillars: its 95% CI includes 0, so the headline claims nothing.
    expect(page.get_by_test_id("headline")).to_contain_text("Not enough evidence yet")
    expect(page.get_by_test_id("headline-numbers")).to_contain_text("rho 0.51, 95% CI −0.")
    expect(page.get_by_test_id("fix-first")).to_contain_text("Friction")
    expect(page.get_by_test_id("sample")).to_contain_text("300 / 300")
    expect(page.locator("svg[role=img]")).to_have_count(4)
    screenshot(page, "report")

    # The print layout hides navigation and buttons.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()


def test_a_two_person_team_reads_honest_statements_on_a_phone(phone_page, pillars):
    from assessments import services
    from assessments.models import Membership, Role

    from ..conftest import make_assessment, make_scorecard, make_team, make_user

    team = make_team(lead=make_user("pia"))
    other = make_user("omar")
    Membership.objects.create(team=team, user=other, role=Role.MEMBER)
    assessment = make_assessment(team)
    make_scorecard(assessment, team.memberships.get(role=Role.LEAD).user)
    # Omar's ranking is unrelated to Pia's (rho 0.08).
    order = [pillars[i - 1] for i in (8, 6, 2, 1, 3, 10, 9, 7, 5, 4)]
    make_scorecard(assessment, other, order=order)
    survey = services.start_survey(assessment=assessment)
    services.record_responses(
        survey=survey,
        responses=[
            services.NewResponse(ranks={p.pk: p.position for p in pillars}, nps=9) for _ in range(2)
        ],
        source="web",
    )
    page = phone_page
    login(page, "pia")
    page.goto(f"/rounds/{assessment.pk}/comparison/")
    expect(page.get_by_test_id("agreement-reading")).to_contain_text("no clear agreement")
    expect(page.get_by_test_id("closeness-explained")).to_contain_text("With two colleagues")
    screenshot(page, "comparison-two-colleagues-phone")
    page.goto(f"/rounds/{assessment.pk}/report/")
    expect(page.get_by_test_id("headline")).to_contain_text("We can't tell yet: only 2")
    expect(page.get_by_test_id("fix-first")).to_have_count(0)
    expect(page.get_by_test_id("too-few-for-intervals")).to_be_visible()
    screenshot(page, "report-two-customers-phone")
