"""Exports read like reports: labelled columns, pillar names, rounded numbers, and the colleague
comparison and trends tables."""

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from assessments.gap_report import gap_report
from assessments.models import Assessment, Membership, Role, Team


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())
    team = Team.objects.get(name="Demo CX team")
    return team, Assessment.objects.get(team=team, title="Q4 2026 review")


def _rows(client, assessment, name) -> list[list[str]]:
    response = client.get(reverse("assessments:export", args=[assessment.pk, name, "csv"]))
    assert response.status_code == 200, name
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _lead(team):
    return Membership.objects.get(team=team, role=Role.LEAD).user


def test_scorecards_export_names_pillars_beside_their_keys(client, demo):
    team, q4 = demo
    client.force_login(_lead(team))
    header = _rows(client, q4, "scorecards")[0]
    assert header[:2] == ["Colleague", "Total score"]
    assert "Score: Friction, or lack of it, along the customer journey [friction]" in header
    assert "Rank: Customer service they receive [customer-service]" in header


def test_numbers_are_rounded_as_the_page_shows_them(client, demo):
    team, q4 = demo
    client.force_login(_lead(team))
    rows = _rows(client, q4, "consensus")
    header = rows[0]
    column = header.index("Mean rank (1 = most important)")
    report = gap_report(q4)
    assert rows[1][column] == str(round(report.team.consensus[0].entry.mean_rank, 2))
    assert all(len(row[column].split(".")[-1]) <= 2 for row in rows[1:])


def test_colleague_heatmap_and_closeness_export(client, demo):
    team, q4 = demo
    client.force_login(_lead(team))
    heatmap = _rows(client, q4, "colleague-agreement")
    names = sorted(m.user.username for m in team.memberships.select_related("user"))
    assert heatmap[0] == ["Colleague", *names]
    assert [row[0] for row in heatmap[1:]] == names
    diagonal = [heatmap[i + 1][i + 1] for i in range(len(names))]
    assert diagonal == ["1.0"] * len(names)
    closeness = _rows(client, q4, "colleague-closeness")
    assert closeness[0] == ["Colleague", "Spearman's rho", "p-value"]
    assert len(closeness) == 7
    closest = _rows(client, q4, "closest-to-customers")
    assert closest[0] == ["Colleague", "Spearman's rho"]
    report = gap_report(q4)
    assert [row[0] for row in closest[1:]] == [n for n, _rho in report.colleague_closeness]


def test_trends_export_has_a_row_per_round_with_the_story(client, demo):
    team, q4 = demo
    client.force_login(_lead(team))
    rows = _rows(client, q4, "trends")
    header = rows[0]
    assert header[:3] == ["Round", "Started", "Scorecards"]
    assert [row[0] for row in rows[1:]] == ["Q2 2026 review", "Q4 2026 review"]
    rho = header.index("Team vs customers (Spearman's rho)")
    assert float(rows[2][rho]) > float(rows[1][rho])
    xlsx = client.get(reverse("assessments:export", args=[q4.pk, "trends", "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]] == header


def test_members_get_aggregates_but_not_colleague_tables(client, demo):
    team, q4 = demo
    member = Membership.objects.filter(team=team, role=Role.MEMBER).first().user
    client.force_login(member)
    for name in ["colleague-agreement", "colleague-closeness", "closest-to-customers"]:
        url = reverse("assessments:export", args=[q4.pk, name, "csv"])
        assert client.get(url).status_code == 403, name
    assert len(_rows(client, q4, "trends")) == 3


def test_export_query_counts_are_bounded(client, demo, django_assert_max_num_queries):
    team, q4 = demo
    client.force_login(_lead(team))
    for name in ["trends", "colleague-agreement", "consensus"]:
        with django_assert_max_num_queries(16):
            response = client.get(reverse("assessments:export", args=[q4.pk, name, "csv"]))
            b"".join(response.streaming_content)


def test_p_values_keep_three_decimals(client, demo):
    team, q4 = demo
    client.force_login(_lead(team))
    rows = _rows(client, q4, "ranking-gap")
    column = rows[0].index("p-value (Holm-adjusted)")
    values = [row[column] for row in rows[1:] if row[column]]
    assert values and all(len(v.split(".")[-1]) <= 3 for v in values)
    report = gap_report(q4)
    expected = report.rows[0].difference.p_adjusted
    if expected is not None:
        assert float(rows[1][column]) == round(expected, 3)


def test_comparison_page_links_its_exports_for_leads_only(client, demo):
    team, q4 = demo
    url = reverse("assessments:comparison", args=[q4.pk])
    client.force_login(_lead(team))
    html = client.get(url).content.decode()
    assert f"/rounds/{q4.pk}/export/colleague-agreement.csv" in html
    member = Membership.objects.filter(team=team, role=Role.MEMBER).first().user
    client.force_login(member)
    assert "colleague-agreement.csv" not in client.get(url).content.decode()
