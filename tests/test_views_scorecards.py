import threading
from urllib.parse import urlencode

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from assessments import services
from assessments.models import (
    Band,
    Membership,
    Pillar,
    PillarScore,
    Role,
    Scorecard,
    score_band,
)

from .conftest import (
    check_served_from_cache,
    error_summary,
    make_scorecard,
    make_user,
    page_query_limit,
    ranking_answers,
    scorecard_post,
)

FORM = "application/x-www-form-urlencoded"  # a field name of 4,301 digits fits in a form body


def _url(assessment):
    return reverse("assessments:scorecard", args=[assessment.pk])


def test_a_member_saves_a_scorecard_and_sees_the_total(client, assessment, member):
    client.force_login(member)
    pillars = assessment.round_pillars()
    scores = {p.pk: (i % 5) + 1 for i, p in enumerate(pillars)}
    response = client.post(_url(assessment), scorecard_post(assessment, scores=scores))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:scorecard_result", args=[assessment.pk])
    scorecard = Scorecard.objects.get(assessment=assessment, user=member)
    assert scorecard.scores.count() == 10
    result = client.get(response["Location"]).content.decode()
    assert "30<span" in result  # (1+2+3+4+5) * 2
    assert "/ 50" in result
    assert "solid" in result


def test_editing_replaces_the_previous_answers(client, assessment, member, pillars):
    client.force_login(member)
    client.post(_url(assessment), scorecard_post(assessment))
    ranks = {p.pk: 11 - p.position for p in pillars}
    client.post(_url(assessment), scorecard_post(assessment, ranks=ranks, scores={}))
    assert Scorecard.objects.filter(assessment=assessment, user=member).count() == 1
    saved = dict(
        PillarScore.objects.filter(scorecard__user=member).values_list("pillar_id", "rank")
    )
    assert saved == ranks


def test_the_form_shows_my_saved_answers_when_editing(client, assessment, member, pillars):
    client.force_login(member)
    notes = {pillars[0].pk: "Our ads overpromise delivery times"}
    client.post(_url(assessment), scorecard_post(assessment, notes=notes))
    html = client.get(_url(assessment)).content.decode()
    assert "Our ads overpromise delivery times" in html
    assert 'value="1" selected' in html


def _assert_nothing_saved(assessment):
    assert not Scorecard.objects.filter(assessment=assessment).exists()
    assert not PillarScore.objects.filter(scorecard__assessment=assessment).exists()


def test_duplicate_rank_is_rejected_next_to_both_fields_and_nothing_saved(
    client, assessment, member, pillars
):
    client.force_login(member)
    data = scorecard_post(assessment, ranks={pillars[1].pk: 1})
    response = client.post(_url(assessment), data)
    assert response.status_code == 400
    html = response.content.decode()
    # Next to both fields, and in the summary with a link to each.
    assert html.count("Rank 1 is given to more than one pillar") == 4
    summary = error_summary(html)
    names = f"{pillars[0].name}, {pillars[1].name}"
    assert summary.links == [
        [f"#id_rank_{p.pk}", f"Rank of {p.name}: Rank 1 is given to more than one pillar: {names}."]
        for p in pillars[:2]
    ]
    _assert_nothing_saved(assessment)


def test_error_summary_links_each_missing_score_to_its_first_button_and_takes_focus(
    client, assessment, member, pillars
):
    client.force_login(member)
    data = scorecard_post(assessment)
    del data[f"score_{pillars[2].pk}"]
    del data[f"score_{pillars[5].pk}"]
    html = client.post(_url(assessment), data).content.decode()
    summary = error_summary(html)
    assert summary.text.startswith("Nothing was saved yet. Please correct the marked fields.")
    assert summary.links == [
        [f"#id_score_{p.pk}_0", f"{p.name}: Choose a score from 1 to 5 for this pillar."]
        for p in (pillars[2], pillars[5])
    ]
    # Every link leads to an element of the page.
    for href, _text in summary.links:
        assert f'id="{href[1:]}"' in html
    assert summary.summary_attrs["tabindex"] == "-1"
    assert "data-error-summary" in summary.summary_attrs
    assert "js/error-summary.js" in html
    assert "<title>Error: My scorecard" in html


def test_scorecard_without_errors_has_no_error_summary(client, assessment, member, pillars):
    client.force_login(member)
    html = client.get(_url(assessment)).content.decode()
    assert 'id="error-summary"' not in html
    assert "<title>My scorecard" in html


@pytest.mark.parametrize("score", ["6", "0", "-1", "abc", ""])
def test_a_score_outside_1_to_5_is_rejected_and_nothing_saved(
    client, assessment, member, pillars, score
):
    client.force_login(member)
    data = scorecard_post(assessment)
    data[f"score_{pillars[4].pk}"] = score
    response = client.post(_url(assessment), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved yet" in html
    assert ("Select a valid choice" in html) or ("Choose a score from 1 to 5" in html)
    _assert_nothing_saved(assessment)


@pytest.mark.parametrize("rank", ["11", "0", "x"])
def test_a_rank_out_of_range_is_rejected_and_nothing_saved(
    client, assessment, member, pillars, rank
):
    client.force_login(member)
    data = scorecard_post(assessment)
    data[f"rank_{pillars[0].pk}"] = rank
    response = client.post(_url(assessment), data)
    assert response.status_code == 400
    assert "Ranks go from 1 to 10" in response.content.decode()
    _assert_nothing_saved(assessment)


def test_a_missing_pillar_is_rejected_and_nothing_saved(client, assessment, member, pillars):
    client.force_login(member)
    data = scorecard_post(assessment)
    del data[f"score_{pillars[2].pk}"]
    del data[f"rank_{pillars[2].pk}"]
    response = client.post(_url(assessment), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a score from 1 to 5 for this pillar" in html
    assert "Rank every pillar before saving: 9 of 10 are placed." in html
    _assert_nothing_saved(assessment)


def test_a_pillar_not_in_the_round_is_rejected_and_nothing_saved(client, assessment, member):
    extra = Pillar.objects.create(
        position=11,
        name="Extra",
        slug="extra",
        question="q",
        customer_label="e",
        customer_question="e?",
    )
    client.force_login(member)
    data = scorecard_post(assessment)
    data[f"score_{extra.pk}"] = "3"
    data[f"rank_{extra.pk}"] = "11"
    response = client.post(_url(assessment), data)
    assert response.status_code == 400
    assert "not part of this round" in response.content.decode()
    _assert_nothing_saved(assessment)


@pytest.mark.parametrize("key", ["rank_" + "9" * 4301, "score_" + "1" * 40, "note_" + "7" * 50])
def test_a_field_name_with_a_huge_number_is_refused_with_400(client, assessment, member, key):
    client.force_login(member)
    data = scorecard_post(assessment)
    data[key] = "3"
    response = client.post(_url(assessment), urlencode(data), content_type=FORM)
    assert response.status_code == 400
    _assert_nothing_saved(assessment)


def test_a_closed_round_refuses_scorecards(client, assessment, member, lead):
    services.set_assessment_open(assessment=assessment, is_open=False)
    client.force_login(member)
    response = client.post(_url(assessment), scorecard_post(assessment), follow=True)
    assert "This round is closed" in response.content.decode()
    _assert_nothing_saved(assessment)


def test_a_non_member_gets_404_and_nothing_saved(client, assessment, outsider):
    client.force_login(outsider)
    response = client.post(_url(assessment), scorecard_post(assessment))
    assert response.status_code == 404
    _assert_nothing_saved(assessment)


def test_anonymous_visitors_are_sent_to_login(client, assessment):
    response = client.post(_url(assessment), scorecard_post(assessment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    _assert_nothing_saved(assessment)


@pytest.mark.parametrize(
    "name", ["assessments:round", "assessments:scorecard", "assessments:scorecard_result"]
)
def test_another_teams_round_ids_give_404(client, assessment, outsider, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[assessment.pk])).status_code == 404


def test_service_refuses_a_user_who_left_the_team(assessment, member):
    Membership.objects.filter(user=member).delete()
    with pytest.raises(services.RuleBroken, match="Only members"):
        make_scorecard(assessment, member)
    assert not Scorecard.objects.exists()


def test_service_refuses_incomplete_or_badly_ranked_answers(assessment, member):
    answers = ranking_answers(assessment)
    with pytest.raises(services.RuleBroken, match="exactly one answer"):
        services.submit_scorecard(assessment=assessment, user=member, answers=answers[:-1])
    gapped = [*answers[:-1], services.Answer(answers[-1].pillar_id, 3, 12)]
    with pytest.raises(services.RuleBroken, match="exactly once"):
        services.submit_scorecard(assessment=assessment, user=member, answers=gapped)
    assert not Scorecard.objects.exists()


def test_database_refuses_out_of_range_scores_and_duplicate_ranks(assessment, member):
    scorecard = make_scorecard(assessment, member)
    first = scorecard.scores.order_by("rank").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PillarScore.objects.filter(pk=first.pk).update(score=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        PillarScore.objects.filter(pk=first.pk).update(rank=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        PillarScore.objects.filter(pk=first.pk).update(rank=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Scorecard.objects.create(assessment=assessment, user=member)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_by_one_colleague_make_one_scorecard(team, assessment, member):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("in-memory SQLite is one connection; needs a file or PostgreSQL")
    barrier = threading.Barrier(2)
    errors = []

    def save():
        try:
            barrier.wait()
            make_scorecard(assessment, member)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Scorecard.objects.filter(assessment=assessment, user=member).count() == 1
    assert PillarScore.objects.filter(scorecard__assessment=assessment).count() == 10


@pytest.mark.parametrize(
    "total, count, band",
    [
        (10, 10, Band.WEAK),
        (19, 10, Band.WEAK),
        (20, 10, Band.DEVELOPING),
        (29, 10, Band.DEVELOPING),
        (30, 10, Band.SOLID),
        (39, 10, Band.SOLID),
        (40, 10, Band.STRONG),
        (49, 10, Band.STRONG),
        (50, 10, Band.PERFECT),
        # Eight pillars: out of 40, cuts at 16, 24, 32, 40.
        (15, 8, Band.WEAK),
        (16, 8, Band.DEVELOPING),
        (31, 8, Band.SOLID),
        (32, 8, Band.STRONG),
        (39, 8, Band.STRONG),
        (40, 8, Band.PERFECT),
        # Twelve pillars: out of 60, cuts at 24, 36, 48, 60.
        (23, 12, Band.WEAK),
        (24, 12, Band.DEVELOPING),
        (36, 12, Band.SOLID),
        (48, 12, Band.STRONG),
        (59, 12, Band.STRONG),
        (60, 12, Band.PERFECT),
    ],
)
def test_bands_scale_with_the_number_of_pillars(total, count, band):
    assert score_band(total, count) == band


def test_result_for_a_round_with_eight_pillars_is_out_of_40(client, team, lead, pillars):
    Pillar.objects.filter(pk__in=[pillars[0].pk, pillars[1].pk]).update(is_active=False)
    assessment = services.create_assessment(team=team, title="Small", created_by=lead)
    make_scorecard(assessment, lead, scores={p.slug: 4 for p in pillars})
    client.force_login(lead)
    html = client.get(reverse("assessments:scorecard_result", args=[assessment.pk])).content
    html = html.decode()
    assert "32<span" in html and "/ 40" in html
    assert "strong" in html


def test_result_shows_team_means_and_how_many_submitted(client, assessment, lead, member):
    make_scorecard(assessment, lead, scores={"advertising": 5})
    make_scorecard(assessment, member, scores={"advertising": 2})
    client.force_login(member)
    html = client.get(reverse("assessments:scorecard_result", args=[assessment.pk])).content
    html = html.decode()
    assert "2 colleagues have submitted" in html
    assert "3.5" in html  # team mean on advertising


def test_round_overview_shows_submissions_totals_and_distribution(client, assessment, lead):
    make_scorecard(assessment, lead, scores={"advertising": 5})
    client.force_login(lead)
    html = client.get(reverse("assessments:round", args=[assessment.pk])).content.decode()
    assert "1 of 1 colleague has submitted" in html
    assert "lead-user" in html
    assert "Excellent: 1" in html


def _fill_team(assessment, team, n):
    users = []
    for _ in range(n):
        user = make_user()
        Membership.objects.create(team=team, user=user, role=Role.MEMBER)
        make_scorecard(assessment, user)
        users.append(user)
    return users


@pytest.mark.parametrize(
    "name", ["assessments:round", "assessments:scorecard", "assessments:scorecard_result"]
)
def test_round_pages_query_count_is_independent_of_team_size(
    client, assessment, team, lead, django_assert_max_num_queries, name
):
    make_scorecard(assessment, lead)
    _fill_team(assessment, team, 3)
    client.force_login(lead)
    url = reverse(name, args=[assessment.pk])
    with django_assert_max_num_queries(page_query_limit(name, 8)) as small:
        assert client.get(url).status_code == 200
    check_served_from_cache(client, name, url, django_assert_max_num_queries)
    _fill_team(assessment, team, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_saving_a_scorecard_uses_a_bounded_number_of_queries(
    client, assessment, member, django_assert_max_num_queries
):
    client.force_login(member)
    data = scorecard_post(assessment)
    with django_assert_max_num_queries(16):  # 2 of them raise the round's and team's versions
        response = client.post(_url(assessment), data)
    assert response.status_code == 302


def test_new_scorecard_starts_unranked(client, assessment, member, pillars):
    client.force_login(member)
    html = client.get(_url(assessment)).content.decode()
    ranking = html.split('id="ranking"')[1].split("</ol>")[0]
    assert ranking.count("<select") == len(pillars)
    assert " selected>" not in ranking


def test_untouched_scorecard_ranking_is_refused_with_one_message(
    client, assessment, member, pillars
):
    client.force_login(member)
    data = scorecard_post(assessment)
    for pillar in pillars:
        data[f"rank_{pillar.pk}"] = ""
    response = client.post(_url(assessment), data)
    assert response.status_code == 400
    html = response.content.decode()
    # One message, not one per pillar: beside the list, and repeated in the error summary on top.
    assert html.count("Rank every pillar before saving: 0 of 10 are placed.") == 2
    summary = html[
        html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))
    ]
    assert "Rank every pillar before saving" in summary
    assert "Give this pillar a rank" not in html
    assert not Scorecard.objects.exists()
