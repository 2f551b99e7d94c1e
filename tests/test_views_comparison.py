import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments import analysis
from assessments.models import Membership, PillarScore, Role
from assessments.readings import AGREEMENT_LABELS

from .conftest import check_served_from_cache, make_scorecard, make_user, page_query_limit


def _member(team):
    user = make_user()
    Membership.objects.create(team=team, user=user, role=Role.MEMBER)
    return user


def _orders(pillars):
    """Three colleagues: two nearly agree, one ranks the other way round."""
    forward = list(pillars)
    nearly = [pillars[1], pillars[0], *pillars[2:]]
    backward = list(reversed(pillars))
    return forward, nearly, backward


@pytest.fixture
def three_cards(assessment, team, lead, pillars):
    forward, nearly, backward = _orders(pillars)
    users = [lead, _member(team), _member(team)]
    for user, order, score in zip(users, [forward, nearly, backward], [4, 3, 2], strict=True):
        make_scorecard(assessment, user, order=order, scores={p.slug: score for p in pillars})
    return users


def _expected_w(pillars):
    forward, nearly, backward = _orders(pillars)
    rows = [[order.index(p) + 1 for p in pillars] for order in (forward, nearly, backward)]
    return analysis.kendall_w(rows)


def test_comparison_page_shows_w_reading_consensus_and_heatmap(
    client, assessment, lead, pillars, three_cards
):
    client.force_login(lead)
    response = client.get(reverse("assessments:comparison", args=[assessment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    expected = _expected_w(pillars)
    assert f"Kendall's W = {expected.w:.2f}" in html.replace("&#x27;", "'")
    forward, nearly, backward = _orders(pillars)
    rows = [[order.index(p) + 1 for p in pillars] for order in (forward, nearly, backward)]
    agreement = analysis.concordance_test(rows)
    reading = html.split('data-testid="agreement-reading"')[1].split("</span>")[0]
    assert str(AGREEMENT_LABELS[agreement.reading]) in reading
    assert "Who agrees with whom" in html
    assert html.count('class="heat-cell') == 9
    assert "Where we disagree most" in html
    # The two most extreme pillars are the ones the reversed colleague disputes.
    disputed = html.split("Where we disagree most")[1].split("</ol>")[0]
    assert pillars[0].name in disputed or pillars[-1].name in disputed


def test_comparison_with_one_scorecard_says_what_cannot_be_computed(
    client, assessment, lead, pillars
):
    make_scorecard(assessment, lead)
    client.force_login(lead)
    html = client.get(reverse("assessments:comparison", args=[assessment.pk])).content.decode()
    assert "Only one scorecard so far" in html
    assert "Who agrees with whom" not in html
    # The consensus is still that one ranking.
    consensus = html.split('data-testid="consensus"')[1]
    assert consensus.index(pillars[0].name) < consensus.index(pillars[1].name)


def test_comparison_with_no_scorecards_explains_what_comes(client, assessment, lead):
    client.force_login(lead)
    html = client.get(reverse("assessments:comparison", args=[assessment.pk])).content.decode()
    assert "No scorecards yet" in html


def test_comparison_works_with_two_colleagues(client, assessment, team, lead, pillars):
    make_scorecard(assessment, lead)
    make_scorecard(assessment, _member(team), order=list(reversed(pillars)))
    client.force_login(lead)
    response = client.get(reverse("assessments:comparison", args=[assessment.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "−1.00" in html  # perfect opposition between the two
    assert "W = 0.00" in html  # W of two reversed rankings


def test_report_json_schema_and_values_match_the_analysis(
    client, assessment, lead, pillars, three_cards
):
    client.force_login(lead)
    response = client.get(reverse("assessments:report_json", args=[assessment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    doc = response.json()
    assert set(doc["assessment"]) >= {"id", "title", "team", "pillars"}
    assert doc["assessment"]["id"] == assessment.pk
    assert doc["assessment"]["team"] == "Acme CX"
    assert [p["slug"] for p in doc["assessment"]["pillars"]] == [p.slug for p in pillars]
    assert set(doc["assessment"]["pillars"][0]) >= {"slug", "name", "position"}
    colleagues = doc["colleagues"]
    required = {"count", "totals", "consensus", "kendall_w", "chi_square", "df", "p_value"}
    assert set(colleagues) >= required | {"pillars"}
    assert colleagues["count"] == 3
    assert colleagues["totals"] == {"mean": 30.0, "min": 20, "max": 40}
    expected = _expected_w(pillars)
    assert colleagues["kendall_w"] == pytest.approx(expected.w)
    assert colleagues["chi_square"] == pytest.approx(expected.chi_square)
    assert colleagues["p_value"] == pytest.approx(expected.p_value)
    assert colleagues["df"] == 9
    assert isinstance(colleagues["kendall_w"], float)
    assert len(colleagues["consensus"]) == 10
    row = next(p for p in colleagues["pillars"] if p["slug"] == pillars[0].slug)
    assert set(row) >= {
        "slug",
        "mean_score",
        "mean_rank",
        "consensus_rank",
        "rank_sd",
        "rank_min",
        "rank_max",
    }
    assert row["mean_score"] == pytest.approx(3.0)
    assert row["mean_rank"] == pytest.approx((1 + 2 + 10) / 3)
    assert (row["rank_min"], row["rank_max"]) == (1, 10)
    assert isinstance(row["consensus_rank"], int)


def test_report_json_has_nulls_where_nothing_can_be_computed(client, assessment, lead):
    make_scorecard(assessment, lead)
    client.force_login(lead)
    doc = client.get(reverse("assessments:report_json", args=[assessment.pk])).json()
    assert doc["colleagues"]["kendall_w"] is None
    assert doc["colleagues"]["p_value"] is None
    assert doc["colleagues"]["pillars"][0]["rank_sd"] is None


def test_export_report_prints_the_same_document(client, assessment, lead, three_cards):
    client.force_login(lead)
    from_web = client.get(reverse("assessments:report_json", args=[assessment.pk])).json()
    out = StringIO()
    call_command("export_report", str(assessment.pk), "--format", "json", stdout=out)
    assert json.loads(out.getvalue()) == from_web


def test_export_report_for_an_unknown_round_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No assessment round with id 999"):
        call_command("export_report", "999")


@pytest.mark.parametrize("name", ["assessments:comparison", "assessments:report_json"])
def test_another_teams_comparison_gives_404(client, assessment, outsider, name, three_cards):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[assessment.pk])).status_code == 404


@pytest.mark.parametrize("name", ["assessments:comparison", "assessments:report_json"])
def test_comparison_query_count_is_independent_of_team_size(
    client, assessment, team, lead, pillars, name, django_assert_max_num_queries
):
    make_scorecard(assessment, lead)
    for _ in range(2):
        make_scorecard(assessment, _member(team), order=list(reversed(pillars)))
    client.force_login(lead)
    url = reverse(name, args=[assessment.pk])
    with django_assert_max_num_queries(page_query_limit(name, 6)) as small:
        assert client.get(url).status_code == 200
    check_served_from_cache(client, name, url, django_assert_max_num_queries)
    for _ in range(15):
        make_scorecard(assessment, _member(team))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# ----------------------------------------------------------------------------- issue 10


def _agreement_text(html: str) -> str:
    return html.split('id="agree-heading"')[1].split("</section>")[0]


def test_page_text_for_no_one_and_two_colleagues(client, assessment, team, lead, pillars):
    client.force_login(lead)
    url = reverse("assessments:comparison", args=[assessment.pk])
    assert "No scorecards yet" in client.get(url).content.decode()
    make_scorecard(assessment, lead)
    one = client.get(url).content.decode()
    assert "Only one scorecard so far" in one
    assert 'data-testid="closeness"' not in one
    # A second colleague whose ranking is unrelated to the first (rho 0.08).
    order = [pillars[i - 1] for i in (8, 6, 2, 1, 3, 10, 9, 7, 5, 4)]
    make_scorecard(assessment, _member(team), order=order)
    two = client.get(url).content.decode()
    agreement = _agreement_text(two)
    # Regression: this pair read "0.54 — strong agreement". Now: rho and no strength word.
    assert "no clear agreement" in agreement
    assert "strong" not in agreement
    assert "could still be chance" in agreement
    assert "exact test" in agreement  # two colleagues: the exact upper tail of rho
    assert "With two colleagues, the rest of the team is the other colleague" in two
    closeness = two.split('data-testid="closeness"')[1].split("</table>")[0]
    assert closeness.count("no clear relation") == 2


def test_agreement_of_a_like_minded_team_gets_its_evans_band(
    client, assessment, team, lead, pillars
):
    make_scorecard(assessment, lead)
    for _ in range(3):
        make_scorecard(assessment, _member(team))
    client.force_login(lead)
    html = client.get(reverse("assessments:comparison", args=[assessment.pk])).content.decode()
    agreement = _agreement_text(html)
    assert "very strong agreement" in agreement
    assert "unlikely by chance" in agreement
    assert "permutation test of W" in agreement
    assert 'data-testid="mean-rho">+1.00' in html


def test_a_missing_answer_is_left_out_of_agreement_not_counted_as_rank_zero(
    client, assessment, team, lead, pillars, three_cards
):
    # Regression: a scorecard missing a pillar counted it as rank 0, inflating W.
    PillarScore.objects.filter(scorecard__user=three_cards[1], pillar=pillars[-1]).delete()
    client.force_login(lead)
    doc = client.get(reverse("assessments:report_json", args=[assessment.pk])).json()
    forward, nearly, backward = _orders(pillars)
    rows = [[order.index(p) + 1 for p in pillars[:-1]] for order in (forward, nearly, backward)]
    assert doc["colleagues"]["ranked_pillars"] == [p.slug for p in pillars[:-1]]
    assert doc["colleagues"]["kendall_w"] == pytest.approx(analysis.kendall_w(rows).w)
    html = client.get(reverse("assessments:comparison", args=[assessment.pk])).content.decode()
    assert "Computed over the 9 pillars every colleague ranked" in html


def test_report_json_colleague_agreement_fields(client, assessment, lead, pillars, three_cards):
    client.force_login(lead)
    doc = client.get(reverse("assessments:report_json", args=[assessment.pk])).json()
    colleagues = doc["colleagues"]
    w = colleagues["kendall_w"]
    assert colleagues["mean_pairwise_rho"] == pytest.approx((3 * w - 1) / 2)
    assert 0 < colleagues["agreement_p_value"] <= 1
    assert colleagues["agreement_test"] == "permutation"
    labels = {"not_significant", "very_weak", "weak", "moderate", "strong", "very_strong"}
    assert colleagues["agreement"] in labels
    for entry in colleagues["closeness"]:
        assert set(entry) == {"colleague", "rho", "p_value"}
