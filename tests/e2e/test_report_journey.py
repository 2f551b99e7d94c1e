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
