import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, Membership, Pillar, Role, Team

from .conftest import make_assessment, make_scorecard, make_team, make_user

SIGNUP = {"password1": "a-long-unusual-pass-77", "password2": "a-long-unusual-pass-77"}


def _activation_link(message) -> str:
    return re.search(r"http://testserver(/accounts/activate/\S+)", message.body).group(1)


def test_signup_mails_a_link_that_activates_logs_in_and_lands_on_my_teams(client, db):
    response = client.post(
        reverse("assessments:signup"),
        {"username": "newbie", "email": "newbie@example.com", **SIGNUP},
    )
    assert response["Location"] == reverse("assessments:signup_sent")
    user = get_user_model().objects.get(username="newbie")
    assert not user.is_active  # nothing usable until the address is confirmed
    assert client.get(reverse("assessments:dashboard")).status_code == 302
    assert mail.outbox[0].to == ["newbie@example.com"]
    link = _activation_link(mail.outbox[0])
    response = client.get(link)
    assert response["Location"] == reverse("assessments:dashboard")
    assert client.get(reverse("assessments:dashboard")).status_code == 200
    user.refresh_from_db()
    assert user.is_active
    client.logout()
    assert client.get(link).status_code == 400  # the link works once


def test_signup_keeps_the_join_link_as_next(client, team):
    join = reverse("assessments:join", args=[team.join_token])
    client.post(
        reverse("assessments:signup") + f"?next={join}",
        {"username": "invitee", "email": "invitee@example.com", **SIGNUP, "next": join},
    )
    assert client.get(_activation_link(mail.outbox[0]))["Location"] == join


def test_signup_refuses_an_offsite_next(client, db):
    client.post(
        reverse("assessments:signup"),
        {
            "username": "x1",
            "email": "x1@example.com",
            **SIGNUP,
            "next": "https://evil.example.com/",
        },
    )
    assert "evil" not in mail.outbox[0].body
    assert client.get(_activation_link(mail.outbox[0]))["Location"] == reverse(
        "assessments:dashboard"
    )


def test_a_forged_activation_link_is_refused_and_activates_nobody(client, db):
    client.post(
        reverse("assessments:signup"), {"username": "x4", "email": "x4@example.com", **SIGNUP}
    )
    link = _activation_link(mail.outbox[0])
    response = client.get(link.rstrip("/")[:-3] + "abc/")
    assert response.status_code == 400
    assert client.get(reverse("assessments:activate", args=["9" * 5000, "x-y"])).status_code == 400
    assert not get_user_model().objects.get(username="x4").is_active


def test_signup_with_a_mismatched_password_shows_the_error_and_creates_nobody(client, db):
    response = client.post(
        reverse("assessments:signup"),
        {
            "username": "x2",
            "email": "x2@example.com",
            "password1": "a-long-unusual-pass-77",
            "password2": "another-pass-99",
        },
    )
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert not get_user_model().objects.filter(username="x2").exists()


def test_signup_with_an_address_in_use_looks_the_same_and_mails_the_owner(client, lead):
    fresh = client.post(
        reverse("assessments:signup"), {"username": "x5", "email": "x5@example.com", **SIGNUP}
    )
    taken = client.post(
        reverse("assessments:signup"),
        {"username": "x3", "email": lead.email.upper(), **SIGNUP},
    )
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert not get_user_model().objects.filter(username="x3").exists()
    owner_mail = mail.outbox[1]
    assert owner_mail.to == [lead.email.upper()]
    assert "already has an account" in owner_mail.body
    assert "/accounts/activate/" not in owner_mail.body
    page = client.get(taken["Location"]).content.decode()
    assert "already" not in page and "Check your email" in page


def test_password_reset_sends_a_mail(client, lead):
    response = client.post(reverse("password_reset"), {"email": lead.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.parametrize(
    "name",
    ["login", "password_reset", "assessments:signup"],
)
def test_account_pages_render_in_our_layout(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "bootstrap.min.css" in response.content.decode()


def test_creating_a_team_makes_me_its_lead(client, lead):
    client.force_login(lead)
    response = client.post(reverse("assessments:team_create"), {"name": "Support crew"})
    team = Team.objects.get(name="Support crew")
    assert response["Location"] == reverse("assessments:team", args=[team.pk])
    assert Membership.objects.get(team=team, user=lead).role == Role.LEAD


def test_creating_a_team_without_a_name_shows_the_error(client, lead):
    client.force_login(lead)
    response = client.post(reverse("assessments:team_create"), {"name": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_join_link_adds_a_member_once(client, team):
    user = make_user()
    client.force_login(user)
    url = reverse("assessments:join", args=[team.join_token])
    assert client.get(url).status_code == 200
    client.post(url)
    client.post(url)
    assert Membership.objects.filter(team=team, user=user).count() == 1
    assert Membership.objects.get(team=team, user=user).role == Role.MEMBER


def test_join_link_needs_login(client, team):
    url = reverse("assessments:join", args=[team.join_token])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Membership.objects.filter(team=team).exclude(role=Role.LEAD).exists()


def test_an_invited_visitor_sees_the_team_and_both_ways_in(
    client, team, django_assert_max_num_queries
):
    url = reverse("assessments:join", args=[team.join_token])
    with django_assert_max_num_queries(2):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are invited to join <strong>Acme CX</strong>." in html
    next_param = "?next=" + url
    assert reverse("assessments:signup") + next_param in html
    assert reverse("login") + next_param in html
    assert client.get(reverse("assessments:join", args=["not-a-token"])).status_code == 404


def test_regenerated_join_link_revokes_the_old_one(client, team, lead):
    old = team.join_token
    client.force_login(lead)
    client.post(reverse("assessments:team_regenerate_link", args=[team.pk]))
    team.refresh_from_db()
    assert team.join_token != old
    client.force_login(make_user())
    assert client.get(reverse("assessments:join", args=[old])).status_code == 404
    assert client.get(reverse("assessments:join", args=[team.join_token])).status_code == 200


def test_a_member_cannot_regenerate_the_link(client, team, member):
    client.force_login(member)
    old = team.join_token
    response = client.post(reverse("assessments:team_regenerate_link", args=[team.pk]))
    assert response.status_code == 403
    team.refresh_from_db()
    assert team.join_token == old


def test_members_do_not_see_the_join_link(client, team, member):
    client.force_login(member)
    html = client.get(reverse("assessments:team", args=[team.pk])).content.decode()
    assert team.join_token not in html


def test_lead_invites_by_email(client, team, lead):
    client.force_login(lead)
    response = client.post(
        reverse("assessments:team_invite", args=[team.pk]),
        {"emails": "a@example.com, b@example.com\na@example.com"},
    )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]
    assert team.join_token in mail.outbox[0].body


def test_an_invalid_invite_address_sends_nothing(client, team, lead):
    client.force_login(lead)
    response = client.post(
        reverse("assessments:team_invite", args=[team.pk]),
        {"emails": "a@example.com, not-an-address"},
        follow=True,
    )
    assert "Not an email address: not-an-address" in response.content.decode()
    assert mail.outbox == []


def test_lead_removes_a_member(client, team, lead, member):
    client.force_login(lead)
    membership = Membership.objects.get(team=team, user=member)
    client.post(reverse("assessments:member_remove", args=[team.pk, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_last_lead_cannot_be_removed_or_demoted(client, team, lead):
    client.force_login(lead)
    membership = Membership.objects.get(team=team, user=lead)
    response = client.post(
        reverse("assessments:member_remove", args=[team.pk, membership.pk]), follow=True
    )
    assert "at least one lead" in response.content.decode()
    response = client.post(
        reverse("assessments:member_role", args=[team.pk, membership.pk]),
        {"role": "member"},
        follow=True,
    )
    assert "at least one lead" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.LEAD


def test_lead_promotes_a_member_who_can_then_demote_the_first_lead(client, team, lead, member):
    client.force_login(lead)
    membership = Membership.objects.get(team=team, user=member)
    client.post(reverse("assessments:member_role", args=[team.pk, membership.pk]), {"role": "lead"})
    membership.refresh_from_db()
    assert membership.role == Role.LEAD
    client.force_login(member)
    first = Membership.objects.get(team=team, user=lead)
    client.post(reverse("assessments:member_role", args=[team.pk, first.pk]), {"role": "member"})
    first.refresh_from_db()
    assert first.role == Role.MEMBER


def test_an_unknown_role_is_refused(client, team, lead, member):
    client.force_login(lead)
    membership = Membership.objects.get(team=team, user=member)
    response = client.post(
        reverse("assessments:member_role", args=[team.pk, membership.pk]),
        {"role": "owner"},
        follow=True,
    )
    assert "Unknown role" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_a_member_cannot_remove_anyone(client, team, lead, member):
    client.force_login(member)
    membership = Membership.objects.get(team=team, user=lead)
    response = client.post(reverse("assessments:member_remove", args=[team.pk, membership.pk]))
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_lead_creates_a_round_with_the_active_pillars_in_order(client, team, lead, pillars):
    Pillar.objects.filter(pk=pillars[3].pk).update(is_active=False)
    client.force_login(lead)
    response = client.post(
        reverse("assessments:round_create", args=[team.pk]), {"title": "Q1 2027"}
    )
    assessment = Assessment.objects.get(title="Q1 2027")
    assert response["Location"] == reverse("assessments:round", args=[assessment.pk])
    expected = [p for p in pillars if p.pk != pillars[3].pk]
    assert assessment.round_pillars() == expected


def test_retiring_a_pillar_later_does_not_change_an_existing_round(assessment, pillars):
    Pillar.objects.filter(pk=pillars[0].pk).update(is_active=False)
    assert len(assessment.round_pillars()) == 10


def test_a_member_cannot_create_a_round(client, team, member):
    client.force_login(member)
    response = client.post(reverse("assessments:round_create", args=[team.pk]), {"title": "X"})
    assert response.status_code == 403
    assert not Assessment.objects.filter(title="X").exists()


def test_a_round_without_a_title_is_refused(client, team, lead):
    client.force_login(lead)
    response = client.post(
        reverse("assessments:round_create", args=[team.pk]), {"title": ""}, follow=True
    )
    assert response.status_code == 400
    assert "Round title" in response.content.decode()
    assert "This field is required." in response.content.decode()
    assert not Assessment.objects.filter(team=team).exists()


def test_the_new_round_address_shows_the_form(
    client, team, lead, member, django_assert_max_num_queries
):
    url = reverse("assessments:round_create", args=[team.pk])
    client.force_login(lead)
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    assert 'name="title"' in response.content.decode()
    client.force_login(member)
    assert client.get(url).status_code == 403


def test_a_duplicate_round_title_in_one_team_is_refused_beside_the_field(client, team, lead):
    make_assessment(team, title="Q4 review")
    client.force_login(lead)
    url = reverse("assessments:round_create", args=[team.pk])
    response = client.post(url, {"title": "  q4 REVIEW "})
    assert response.status_code == 400
    assert "This team already has a round called q4 REVIEW" in response.content.decode()
    assert Assessment.objects.filter(team=team).count() == 1
    # Another team may use the same title.
    other = make_team(lead=lead)
    response = client.post(
        reverse("assessments:round_create", args=[other.pk]), {"title": "Q4 review"}
    )
    assert response.status_code == 302


def test_the_database_refuses_a_duplicate_round_title(team):
    from django.db import IntegrityError, transaction

    Assessment.objects.create(team=team, title="Q2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(team=team, title="q2")


def test_create_assessment_turns_a_racing_duplicate_into_a_rule(team, lead, pillars):
    Assessment.objects.create(team=team, title="Q3")
    with pytest.raises(services.RuleBroken, match="already has a round called Q3"):
        services.create_assessment(team=team, title="Q3", created_by=lead)
    assert Assessment.objects.filter(team=team).count() == 1


def test_lead_closes_and_reopens_a_round(client, assessment, lead):
    client.force_login(lead)
    url = reverse("assessments:round_set_open", args=[assessment.pk])
    client.post(url, {"open": "0"})
    assessment.refresh_from_db()
    assert not assessment.is_open and assessment.closed_at is not None
    client.post(url, {"open": "1"})
    assessment.refresh_from_db()
    assert assessment.is_open and assessment.closed_at is None


def test_a_member_cannot_close_a_round(client, assessment, member):
    client.force_login(member)
    response = client.post(
        reverse("assessments:round_set_open", args=[assessment.pk]), {"open": "0"}
    )
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.is_open


@pytest.mark.parametrize(
    "name, method",
    [
        ("assessments:team", "get"),
        ("assessments:team_regenerate_link", "post"),
        ("assessments:team_invite", "post"),
        ("assessments:round_create", "post"),
    ],
)
def test_another_teams_ids_give_404(client, team, outsider, name, method):
    client.force_login(outsider)
    response = getattr(client, method)(reverse(name, args=[team.pk]))
    assert response.status_code == 404


def test_another_teams_member_ids_give_404(client, team, lead, outsider):
    foreign = Membership.objects.get(user=outsider)
    client.force_login(lead)
    url = reverse("assessments:member_remove", args=[team.pk, foreign.pk])
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_dashboard_lists_only_my_teams(client, team, lead, outsider):
    client.force_login(lead)
    html = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Acme CX" in html
    assert "Other Co" not in html


def test_dashboard_query_count_does_not_grow_with_teams(
    client, lead, django_assert_max_num_queries
):
    for _ in range(5):
        make_team(lead=lead, members=3)
    client.force_login(lead)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("assessments:dashboard")).status_code == 200


def test_team_page_query_count_does_not_grow_with_members_or_rounds(
    client, lead, django_assert_max_num_queries
):
    team = make_team(lead=lead, members=2)

    def add_round(i):
        assessment = make_assessment(team, title=f"R{i}")
        for membership in team.memberships.select_related("user")[:3]:
            make_scorecard(assessment, membership.user)
        survey = services.start_survey(assessment=assessment)
        pillars = assessment.round_pillars()
        services.record_responses(
            survey=survey,
            responses=[services.NewResponse(ranks={p.pk: p.position for p in pillars})] * 3,
            source="web",
        )

    add_round(0)
    client.force_login(lead)
    url = reverse("assessments:team", args=[team.pk])
    # The first view builds the page (and stores it in the database cache: 6 more queries) …
    with django_assert_max_num_queries(16) as small:
        assert client.get(url).status_code == 200
    small_count = len(small.captured_queries)
    # … the next ones read the session, the user and the team row; the page is cached.
    with django_assert_max_num_queries(3):
        assert client.get(url).status_code == 200
    for _ in range(10):
        Membership.objects.create(team=team, user=make_user(), role=Role.MEMBER)
    for i in range(1, 8):
        add_round(i)
    with django_assert_max_num_queries(small_count):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('href="/rounds/') >= 8
    assert "Scores per pillar across rounds" in html


def test_join_page_and_account_pages_use_few_queries(client, team, django_assert_max_num_queries):
    user = make_user()
    client.force_login(user)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("assessments:join", args=[team.join_token])).status_code == 200
    client.logout()
    for name in ["login", "assessments:signup", "password_reset"]:
        with django_assert_max_num_queries(2):
            assert client.get(reverse(name)).status_code == 200


def test_a_flood_of_signups_from_one_client_gets_429_and_sends_no_more_mail(client, db, settings):
    settings.CXP_SIGNUP_RATE_LIMIT = (3, 3600)
    statuses = [
        client.post(
            reverse("assessments:signup"),
            {"username": f"flood{i}", "email": f"victim{i}@example.com", **SIGNUP},
        ).status_code
        for i in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    assert get_user_model().objects.filter(username__startswith="flood").count() == 3
    other = client.post(
        reverse("assessments:signup"),
        {"username": "elsewhere", "email": "elsewhere@example.com", **SIGNUP},
        REMOTE_ADDR="198.51.100.77",
    )
    assert other.status_code == 302


def test_team_page_compares_agreement_as_mean_rho_whatever_the_team_size(client, lead, pillars):
    # W of two colleagues is (1 + rho)/2, of three (2 rhō + 1)/3: not comparable across rounds;
    # the mean pairwise rho is.
    team = make_team(lead=lead, members=2)
    users = [m.user for m in team.memberships.select_related("user").order_by("pk")]
    reversed_order = list(reversed(pillars))
    two = make_assessment(team, title="Two colleagues")
    make_scorecard(two, users[0])
    make_scorecard(two, users[1], order=reversed_order)
    three = make_assessment(team, title="Three colleagues")
    for user in users:
        make_scorecard(three, user)
    client.force_login(lead)
    html = client.get(reverse("assessments:team", args=[team.pk])).content.decode()
    assert "Agreement (rho)" in html
    rows = html.split("<tbody>")[1].split("</tbody>")[0]
    assert "−1.00" in rows.split("Two colleagues")[1].split("</tr>")[0]
    assert "+1.00" in rows.split("Three colleagues")[1].split("</tr>")[0]
