"""Removed members, member counts, invitations and who may download individual scorecards."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from assessments.models import Membership, Scorecard
from assessments.views.teams import INVITATIONS_PER_TEAM_PER_HOUR

from .conftest import make_assessment, make_scorecard, make_team, make_user

pytestmark = pytest.mark.usefixtures("fresh_cache")


def _remove(client, team, user):
    membership = Membership.objects.get(team=team, user=user)
    return client.post(reverse("assessments:member_remove", args=[team.pk, membership.pk]))


# ----------------------------------------------------------------------------- member count


def test_my_teams_counts_every_member_not_only_me(client, lead, outsider):
    team = make_team(lead=lead, members=5, name="Six people")
    make_team(lead=outsider, members=2)
    client.force_login(lead)
    response = client.get(reverse("assessments:dashboard"))
    counts = {t.name: t.member_count for t in response.context["teams"]}
    assert counts["Six people"] == 6
    assert team.memberships.count() == 6
    assert "6 members" in response.content.decode()


def test_a_member_sees_the_same_count_as_the_lead(client, lead):
    team = make_team(lead=lead, members=3)
    member = team.memberships.filter(role="member").first().user
    client.force_login(member)
    teams = client.get(reverse("assessments:dashboard")).context["teams"]
    assert [t.member_count for t in teams] == [4]


# ----------------------------------------------------------------------------- removed members


def test_removed_members_scorecard_is_kept_and_counts_add_up(client, team, lead, member):
    assessment = make_assessment(team)
    make_scorecard(assessment, lead)
    make_scorecard(assessment, member)
    client.force_login(lead)
    _remove(client, team, member)
    response = client.get(reverse("assessments:round", args=[assessment.pk]))
    html = response.content.decode()
    assert "1 of 1 colleague has submitted." in html
    assert response.context["former_scorecards"][0].user == member
    assert "former member" in html
    assert "The statistics of this round use 2 scorecards." in html
    assert Scorecard.objects.filter(user=member).exists()


def test_lead_leaves_a_former_members_scorecard_out_and_counts_it_again(client, team, lead, member):
    assessment = make_assessment(team)
    make_scorecard(assessment, lead, scores={"advertising": 5})
    card = make_scorecard(assessment, member, scores={"advertising": 1})
    client.force_login(lead)
    _remove(client, team, member)
    url = reverse("assessments:scorecard_statistics", args=[assessment.pk, card.pk])
    client.post(url, {"exclude": "1"})
    response = client.get(reverse("assessments:round", args=[assessment.pk]))
    assert response.context["scores"].total_mean == response.context["scores"].total_max
    assert len(response.context["scores"].cards) == 1
    html = response.content.decode()
    assert "The statistics of this round use 1 scorecard." in html
    assert "left out of the statistics" in html
    comparison = client.get(reverse("assessments:comparison", args=[assessment.pk]))
    assert comparison.context["result"].count == 1
    client.post(url, {"exclude": "0"})
    card.refresh_from_db()
    assert not card.excluded_from_statistics


def test_a_current_members_scorecard_cannot_be_left_out(client, team, lead, member):
    assessment = make_assessment(team)
    card = make_scorecard(assessment, member)
    client.force_login(lead)
    url = reverse("assessments:scorecard_statistics", args=[assessment.pk, card.pk])
    response = client.post(url, {"exclude": "1"}, follow=True)
    assert "Only scorecards of former members" in response.content.decode()
    card.refresh_from_db()
    assert not card.excluded_from_statistics


def test_only_leads_of_the_team_may_leave_scorecards_out(client, team, lead, member, outsider):
    assessment = make_assessment(team)
    card = make_scorecard(assessment, lead)
    url = reverse("assessments:scorecard_statistics", args=[assessment.pk, card.pk])
    client.force_login(member)
    assert client.post(url, {"exclude": "1"}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"exclude": "1"}).status_code == 404
    other = make_assessment(make_team(lead=outsider))
    client.force_login(lead)
    foreign = reverse("assessments:scorecard_statistics", args=[other.pk, card.pk])
    assert client.post(foreign, {"exclude": "1"}).status_code == 404


def test_a_removed_member_cannot_rejoin_with_the_old_link(client, team, lead, member):
    old_token = team.join_token
    client.force_login(lead)
    response = _remove(client, team, member)
    team.refresh_from_db()
    assert team.join_token != old_token
    client.force_login(member)
    assert client.get(reverse("assessments:join", args=[old_token])).status_code == 404
    assert client.post(reverse("assessments:join", args=[old_token])).status_code == 404
    assert not Membership.objects.filter(team=team, user=member).exists()
    assert response.status_code == 302


def test_round_page_query_count_is_bounded_with_former_members(
    client, team, lead, django_assert_max_num_queries
):
    assessment = make_assessment(team)
    make_scorecard(assessment, lead)
    client.force_login(lead)
    url = reverse("assessments:round", args=[assessment.pk])
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    small_count = len(small.captured_queries)  # read now: the next request resets the log
    for _ in range(6):
        user = make_user()
        Membership.objects.create(team=team, user=user)
        make_scorecard(assessment, user)
        _remove(client, team, user)
    with django_assert_max_num_queries(small_count):
        assert client.get(url).status_code == 200


# ----------------------------------------------------------------------------- invitations


def test_an_empty_invitation_list_is_refused_with_a_message(client, team, lead):
    client.force_login(lead)
    for emails in ["", "  ", ", ;\n"]:
        response = client.post(
            reverse("assessments:team_invite", args=[team.pk]), {"emails": emails}, follow=True
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "This field is required." in html or "Enter at least one email address." in html
    assert mail.outbox == []


def test_invitation_subject_carries_no_user_text(client, lead):
    team = make_team(lead=lead, name="Click http://evil.example now")
    client.force_login(lead)
    client.post(reverse("assessments:team_invite", args=[team.pk]), {"emails": "a@example.com"})
    assert mail.outbox[0].subject == "An invitation to a CX team on CX Pillars"
    assert "evil" not in mail.outbox[0].subject
    assert team.join_token in mail.outbox[0].body


def test_invitations_are_throttled_per_team_and_hour(client, team, lead):
    client.force_login(lead)
    url = reverse("assessments:team_invite", args=[team.pk])
    batch = ", ".join(f"p{i}@example.com" for i in range(INVITATIONS_PER_TEAM_PER_HOUR - 1))
    client.post(url, {"emails": batch})
    assert len(mail.outbox) == INVITATIONS_PER_TEAM_PER_HOUR - 1
    response = client.post(url, {"emails": "x@example.com, y@example.com"}, follow=True)
    assert "at most 50 invitations an hour" in response.content.decode()
    assert len(mail.outbox) == INVITATIONS_PER_TEAM_PER_HOUR - 1
    client.post(url, {"emails": "z@example.com"})  # one still fits
    assert len(mail.outbox) == INVITATIONS_PER_TEAM_PER_HOUR
    other = make_team(lead=lead)  # another team has its own allowance
    client.post(reverse("assessments:team_invite", args=[other.pk]), {"emails": "q@example.com"})
    assert len(mail.outbox) == INVITATIONS_PER_TEAM_PER_HOUR + 1


# ----------------------------------------------------------------------------- privacy


def test_members_cannot_download_individual_scorecards(client, team, lead, member):
    assessment = make_assessment(team)
    make_scorecard(assessment, lead)
    url = reverse("assessments:export", args=[assessment.pk, "scorecards", "csv"])
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.get(url.replace(".csv", ".xlsx")).status_code == 403
    report = client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    assert "/export/scorecards." not in report
    assert "/export/consensus.csv" in report  # aggregates stay open to members
    client.force_login(lead)
    response = client.get(url)
    assert response.status_code == 200
    assert "lead-user" in b"".join(response.streaming_content).decode()
    report = client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    assert "/export/scorecards.csv" in report


def test_the_scorecard_page_says_who_sees_individual_cards(client, team, member):
    assessment = make_assessment(team)
    client.force_login(member)
    html = client.get(reverse("assessments:scorecard", args=[assessment.pk])).content.decode()
    assert "Only the team's leads see individual scorecards" in html


# ----------------------------------------------------------------------------- export round trip


def test_the_apps_own_responses_export_imports_back_without_duplicates(client, assessment, lead):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments import services
    from assessments.models import CustomerResponse

    survey = services.start_survey(assessment=assessment)
    pillars = assessment.round_pillars()
    for k in range(3):
        services.submit_web_response(
            survey=survey,
            response=services.NewResponse(
                ranks={p.pk: (i + k) % len(pillars) + 1 for i, p in enumerate(pillars)},
                form_nonce=f"nonce-{k}",
            ),
        )
    client.force_login(lead)
    export = client.get(reverse("assessments:export", args=[assessment.pk, "responses", "csv"]))
    text = b"".join(export.streaming_content)
    keys = set(CustomerResponse.objects.values_list("external_id", flat=True))
    assert len(keys) == 3 and "" not in keys
    assert all(key.encode() in text for key in keys)
    # Through the guided import in the browser: upload, check the mapping, import.
    review = client.post(
        reverse("assessments:survey_import", args=[assessment.pk]),
        {"file": SimpleUploadedFile("responses.csv", text, content_type="text/csv")},
    )
    assert review.status_code == 302
    job_url = client.post(review["Location"], {"action": "import"})["Location"]
    page = client.get(job_url)
    words = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    assert "Imported 0 responses. 3 rows were already imported earlier" in words
    report = page.context["report"]
    assert sorted(key for _line, key in report["already"]) == sorted(keys)
    assert report["created"] == 0
    assert CustomerResponse.objects.count() == 3
