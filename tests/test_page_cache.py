"""Data versions and the pages cached under them: every write raises a version, and a page is
never served from the cache once what it shows has changed."""

import datetime as dt
import itertools
import re
from collections import Counter

import pytest
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from assessments import gap_report, page_cache, services, versions
from assessments.admin import PillarAdmin
from assessments.analysis import williams_orders
from assessments.models import Assessment, CustomerSurvey, Pillar, ResponseSource, Team
from assessments.views import survey as survey_views

from .conftest import make_assessment, make_scorecard, make_user, scorecard_post


def _versions(assessment: Assessment) -> tuple[int, int, int | None]:
    survey = CustomerSurvey.objects.filter(assessment=assessment).first()
    return (
        Assessment.objects.get(pk=assessment.pk).data_version,
        Team.objects.get(pk=assessment.team_id).data_version,
        survey.form_version if survey else None,
    )


def _response(pillars, shift=0):
    return services.NewResponse(ranks={p.pk: (i + shift) % 10 + 1 for i, p in enumerate(pillars)})


# Each write path: (name, does it change the public form too?, the write).
def _scorecard(a, lead, member, pillars):
    make_scorecard(a, member)


def _exclude(a, lead, member, pillars):
    card = make_scorecard(a, member)
    services.remove_member(team=a.team, membership=a.team.memberships.get(user=member))
    services.set_scorecard_excluded(scorecard=card, excluded=True)


def _close_round(a, lead, member, pillars):
    services.set_assessment_open(assessment=a, is_open=False)


def _web_answer(a, lead, member, pillars):
    survey = CustomerSurvey.objects.get(assessment=a)
    services.submit_web_response(survey=survey, response=_response(pillars))


def _import(a, lead, member, pillars):
    survey = CustomerSurvey.objects.get(assessment=a)
    services.record_responses(
        survey=survey, responses=[_response(pillars, 3)], source=ResponseSource.IMPORT
    )


def _rebuild(a, lead, member, pillars):
    services.rebuild_tallies(survey=CustomerSurvey.objects.get(assessment=a))


def _survey_settings(a, lead, member, pillars):
    survey = CustomerSurvey.objects.get(assessment=a)
    survey.intro = "Thank you!"
    services.save_survey_settings(survey=survey)


def _close_survey(a, lead, member, pillars):
    services.set_survey_open(survey=CustomerSurvey.objects.get(assessment=a), is_open=False)


def _new_link(a, lead, member, pillars):
    services.regenerate_survey_link(survey=CustomerSurvey.objects.get(assessment=a))


def _join(a, lead, member, pillars):
    services.join_team(team=a.team, user=make_user())


def _role(a, lead, member, pillars):
    membership = a.team.memberships.get(user=member)
    services.set_role(team=a.team, membership=membership, role="lead")


def _remove(a, lead, member, pillars):
    services.remove_member(team=a.team, membership=a.team.memberships.get(user=member))


def _join_link(a, lead, member, pillars):
    services.regenerate_join_link(team=a.team)


def _another_round(a, lead, member, pillars):
    services.create_assessment(team=a.team, title="Next quarter", created_by=lead)


def _rename_user(a, lead, member, pillars):
    member.username = "renamed-member"
    member.save()


def _pillar_text(a, lead, member, pillars):
    pillars[0].customer_label = "Our adverts"
    pillars[0].save()


def _pillar_retired_in_admin(a, lead, member, pillars):
    request = RequestFactory().post("/admin/")
    request.user = lead
    admin = PillarAdmin(Pillar, admin_site)
    admin.message_user = lambda *args, **kwargs: None
    admin.retire(request, Pillar.objects.filter(pk=pillars[-1].pk))


def _team_renamed_in_admin(a, lead, member, pillars):
    team = Team.objects.get(pk=a.team_id)
    team.name = "Renamed"
    team.save()


def _metric_target(a, lead, member, pillars):
    services.set_metric_target(team=a.team, metric="nps", target=30)


def _monthly_metrics(a, lead, member, pillars):
    services.save_monthly_metrics(
        team=a.team,
        values=[services.MonthValue(metric="nps", month=dt.date(2026, 11, 1), value=12)],
        source="manual",
    )


WRITES = [
    (_scorecard, False),
    (_exclude, False),
    (_close_round, False),
    (_web_answer, False),
    (_import, False),
    (_rebuild, False),
    (_survey_settings, True),
    (_close_survey, True),
    (_new_link, True),
    (_join, False),
    (_role, False),
    (_remove, False),
    (_join_link, False),
    (_another_round, False),
    (_rename_user, False),
    (_pillar_text, True),
    (_pillar_retired_in_admin, True),
    (_team_renamed_in_admin, False),
    (_metric_target, False),
    (_monthly_metrics, False),
]


@pytest.mark.parametrize(("write", "changes_form"), WRITES, ids=[w.__name__ for w, _ in WRITES])
def test_every_write_path_raises_the_versions_of_what_it_changes(
    assessment, lead, member, pillars, write, changes_form
):
    services.start_survey(assessment=assessment)
    before = _versions(assessment)
    write(assessment, lead, member, pillars)
    after = _versions(assessment)
    assert after[0] > before[0], "round version"
    assert after[1] > before[1], "team version"
    if changes_form:
        assert after[2] > before[2], "survey form version"
    else:
        assert after[2] == before[2], "answers and team changes leave the public form cached"


def test_a_stale_instance_saved_never_puts_a_version_back(assessment, member):
    stale = Assessment.objects.get(pk=assessment.pk)
    make_scorecard(assessment, member)
    raised = Assessment.objects.get(pk=assessment.pk).data_version
    stale.title = "Renamed round"
    stale.save()  # the signal raises it once more; the old number is never written back
    assert Assessment.objects.get(pk=assessment.pk).data_version > raised
    assert Assessment.objects.get(pk=assessment.pk).title == "Renamed round"


# ----------------------------------------------------------------------------- pages


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_report_is_served_from_the_cache_and_never_after_a_new_answer(
    client, assessment, lead, pillars, django_assert_max_num_queries
):
    survey = services.start_survey(assessment=assessment)
    client.force_login(lead)
    url = reverse("assessments:report", args=[assessment.pk])
    first = _get(client, url)
    with django_assert_max_num_queries(3):  # session, user, the round: the page is cached
        again = _get(client, url)
    assert _without_tokens(again) == _without_tokens(first)
    services.submit_web_response(survey=survey, response=_response(pillars))
    after = _get(client, url)
    assert re.search(r"<strong>1</strong>", after) and not re.search(r"<strong>1</strong>", first)


def test_comparison_shows_a_new_scorecard_at_once(client, assessment, lead, member):
    make_scorecard(assessment, lead)
    client.force_login(lead)
    url = reverse("assessments:comparison", args=[assessment.pk])
    before = _get(client, url)
    assert member.username not in before
    make_scorecard(assessment, member)
    assert member.username in _get(client, url)


def test_team_page_shows_a_new_member_and_a_rename_at_once(client, team, lead):
    client.force_login(lead)
    url = reverse("assessments:team", args=[team.pk])
    _get(client, url)
    newcomer = make_user("newcomer-xyz")
    services.join_team(team=team, user=newcomer)
    assert "newcomer-xyz" in _get(client, url)
    newcomer.username = "renamed-xyz"
    newcomer.save()
    page = _get(client, url)
    assert "renamed-xyz" in page and "newcomer-xyz" not in page


def test_scorecard_page_shows_the_answers_just_saved(client, assessment, member, pillars):
    client.force_login(member)
    url = reverse("assessments:scorecard", args=[assessment.pk])
    empty = _get(client, url)
    assert 'value="4" checked' not in empty.replace('checked=""', "checked")
    data = scorecard_post(assessment, scores={p.pk: 4 for p in pillars})
    assert client.post(url, data).status_code == 302
    filled = _get(client, url)
    assert filled.count("checked") >= len(pillars)
    assert filled != empty


def test_each_viewer_gets_their_own_page(client, assessment, lead, member):
    url = reverse("assessments:report", args=[assessment.pk])
    client.force_login(lead)
    lead_page = _get(client, url)
    client.force_login(member)
    member_page = _get(client, url)
    assert "lead-user" in lead_page and "lead-user" not in member_page
    assert "member-user" in member_page


def test_cached_page_is_in_the_language_asked_for(client, assessment, lead):
    client.force_login(lead)
    url = reverse("assessments:report", args=[assessment.pk])
    english = _get(client, url)
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en">' in english and '<html lang="de">' in german


def test_cached_page_gets_a_working_csrf_token_each_time(client, assessment, lead):
    client.force_login(lead)
    url = reverse("assessments:report", args=[assessment.pk])
    tokens = set()
    for _ in range(3):
        html = _get(client, url)
        assert page_cache.TOKEN_SLOT not in html
        tokens |= set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(tokens) == 3  # masked anew for each request, as Django does
    logout = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens.pop()})
    assert logout.status_code == 302


def test_another_teams_round_is_404_from_the_cached_pages(client, assessment, outsider):
    client.force_login(outsider)
    for name in ("report", "comparison", "scorecard"):
        assert client.get(reverse(f"assessments:{name}", args=[assessment.pk])).status_code == 404
    assert client.get(reverse("assessments:team", args=[assessment.team_id])).status_code == 404


def test_a_page_with_a_message_is_rendered_not_cached(client, assessment, lead):
    client.force_login(lead)
    url = reverse("assessments:report", args=[assessment.pk])
    plain = _get(client, url)
    client.post(reverse("assessments:round_set_open", args=[assessment.pk]), {"open": "0"})
    with_message = _get(client, url)
    assert "The round is closed" in with_message and "The round is closed" not in plain
    assert "The round is closed" not in _get(client, url)  # shown once


# ----------------------------------------------------------------------------- public survey


def test_survey_form_is_cached_per_form_version_and_new_answers_keep_it(
    client, survey, pillars, django_assert_max_num_queries
):
    url = reverse("survey_public", args=[survey.token])
    for _ in range(40):
        _get(client, url)
    services.record_responses(
        survey=survey, responses=[_response(pillars, k) for k in range(20)], source="import"
    )
    with django_assert_max_num_queries(1):
        _get(client, url)


def test_survey_form_shows_new_settings_and_pillar_texts_at_once(client, survey, pillars):
    url = reverse("survey_public", args=[survey.token])
    _get(client, url)
    survey.intro = "Hello from the new intro"
    services.save_survey_settings(survey=survey)
    assert "Hello from the new intro" in _get(client, url)
    pillars[1].customer_label = "A freshly edited wording"
    pillars[1].save()
    assert "A freshly edited wording" in _get(client, url)


def test_each_customer_gets_a_fresh_nonce_and_the_cached_form_submits(client, survey, pillars):
    url = reverse("survey_public", args=[survey.token])
    nonces = set()
    for _ in range(5):
        html = _get(client, url)
        nonces.add(re.search(r'name="nonce" value="([^"]+)"', html).group(1))
    assert len(nonces) == 5 and survey_views.NONCE_SLOT not in html
    data = {"nonce": nonces.pop()}
    data |= {f"rank_{p.pk}": str(i) for i, p in enumerate(pillars, start=1)}
    assert client.post(url, data).status_code == 302


def test_survey_orders_come_from_a_williams_square(client, survey, pillars, monkeypatch):
    draws = iter(range(100))
    monkeypatch.setattr(survey_views.secrets, "randbelow", lambda n: next(draws) % n)
    url = reverse("survey_public", args=[survey.token])
    name_of = {p.customer_label: p.pk for p in pillars}
    firsts = Counter()
    for _ in range(len(pillars)):
        html = _get(client, url)
        labels = re.findall(r'<li class="ranking-item[^"]*" data-name="([^"]+)"', html)
        assert sorted(name_of[label] for label in labels) == sorted(p.pk for p in pillars)
        firsts[labels[0]] += 1
    assert set(firsts.values()) == {1}  # over one square every pillar is shown first once


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 9, 10, 12])
def test_williams_orders_balance_positions_and_neighbours(n):
    orders = williams_orders(n)
    assert len(orders) == (2 * n if n % 2 and n > 1 else n)
    for order in orders:
        assert sorted(order) == list(range(n))
    per_position = len(orders) // n
    for position in range(n):
        assert Counter(order[position] for order in orders) == dict.fromkeys(range(n), per_position)
    pairs = Counter(pair for order in orders for pair in itertools.pairwise(order))
    if n > 1:
        assert set(pairs.values()) == {per_position}  # each ordered neighbour pair alike
        assert len(pairs) == n * (n - 1)


def test_code_version_is_part_of_every_key(monkeypatch):
    first = page_cache.key_for("report", (1, 2))
    monkeypatch.setattr(page_cache, "code_version", lambda: "another-release")
    assert page_cache.key_for("report", (1, 2)) != first


def test_versions_touch_only_the_rows_they_name(assessment, lead):
    other_team = services.create_team(name="Other", lead=make_user())
    other = services.create_assessment(team=other_team, title="Theirs", created_by=lead)
    other.refresh_from_db()
    before = (other.data_version, Team.objects.get(pk=other_team.pk).data_version)
    versions.round_changed(assessment_id=assessment.pk, team_id=assessment.team_id)
    other.refresh_from_db()
    assert (other.data_version, Team.objects.get(pk=other_team.pk).data_version) == before


def test_a_sign_in_leaves_every_version_alone(assessment, lead):
    before = _versions(assessment)
    user = get_user_model().objects.get(pk=lead.pk)
    user.save(update_fields=["last_login"])  # what every sign-in writes
    assert _versions(assessment) == before


def test_team_page_rebuilds_only_the_summary_of_the_round_that_changed(
    client, team, lead, monkeypatch
):
    rounds = [make_assessment(team, title=f"Round {i}") for i in range(3)]
    colleague = make_user_in(team)
    for assessment in rounds:
        make_scorecard(assessment, lead)
    client.force_login(lead)
    url = reverse("assessments:team", args=[team.pk])
    built = []
    real = gap_report.team_trends
    monkeypatch.setattr(
        gap_report, "team_trends", lambda rs: built.append([r.pk for r in rs]) or real(rs)
    )
    _get(client, url)
    assert sorted(built[0]) == sorted(r.pk for r in rounds)
    make_scorecard(rounds[1], colleague)
    page = _get(client, url)
    assert built[1:] == [[rounds[1].pk]]
    assert page.count("/ 50") == 3  # every round's mean total still shown


def make_user_in(team):
    user = make_user()
    services.join_team(team=team, user=user)
    return user


def test_pages_still_work_when_redis_cannot_be_reached(client, assessment, survey, lead, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    client.force_login(lead)
    assert client.get(reverse("assessments:report", args=[assessment.pk])).status_code == 200
    assert client.get(reverse("survey_public", args=[survey.token])).status_code == 200
