import re
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments import services
from assessments.models import (
    CustomerAnswer,
    CustomerResponse,
    CustomerSurvey,
    SurveyTally,
    TallyMetric,
)

from .conftest import error_summary

FORM = "application/x-www-form-urlencoded"  # a field name of 4,301 digits fits in a form body


pytestmark = pytest.mark.usefixtures("fresh_cache")


def _public(survey):
    return reverse("survey_public", args=[survey.token])


def _form_post(client, survey, *, ranks=None, **extra) -> dict:
    """A valid POST for the public form, with the nonce of a freshly rendered page, as a browser
    that has not answered this survey yet."""
    client.cookies.pop(f"cxp_answered_{survey.pk}", None)
    html = client.get(_public(survey)).content.decode()
    nonce = re.search(r'name="nonce" value="([^"]+)"', html).group(1)
    data = {"nonce": nonce}
    for index, pillar in enumerate(survey.assessment.round_pillars(), start=1):
        data[f"rank_{pillar.pk}"] = str((ranks or {}).get(pillar.pk, index))
    data.update(extra)
    return data


def test_public_page_needs_no_login_and_uses_customer_wording(client, survey, pillars):
    response = client.get(_public(survey))
    assert response.status_code == 200
    html = response.content.decode()
    for pillar in pillars:
        assert pillar.customer_label in html
        assert pillar.name not in html  # no internal jargon for customers
    assert "https://" not in html and "http://" not in html.replace("http://testserver", "")


def test_public_page_shows_the_pillars_in_a_random_order(client, survey, pillars):
    orders = set()
    for _ in range(8):
        html = client.get(_public(survey)).content.decode()
        orders.add(tuple(re.findall(r'name="rank_(\d+)"', html)))
    assert len(orders) > 1


def test_generation_choices_show_birth_years(client, survey):
    html = client.get(_public(survey)).content.decode()
    for text in ["1997–2012", "1981–1996", "1965–1980", "1946–1964", "1928–1945"]:
        assert text in html
    assert "Prefer not to say" in html


def test_a_valid_submission_is_stored_with_its_answers_and_tallies(client, survey, pillars):
    data = _form_post(
        client,
        survey,
        generation="gen-x",
        nps="9",
        **{f"experience_{pillars[0].pk}": "2", f"experience_{pillars[1].pk}": "5"},
    )
    response = client.post(_public(survey), data)
    assert response.status_code == 302
    # The thanks page speaks the language the survey was answered in.
    assert response["Location"] == reverse("survey_thanks", args=[survey.token]) + "?lang=en"
    stored = CustomerResponse.objects.get()
    assert (stored.generation, stored.nps, stored.source) == ("gen-x", 9, "web")
    answers = {a.pillar_id: a for a in stored.answers.all()}
    assert len(answers) == 10
    assert answers[pillars[0].pk].rank == 1 and answers[pillars[0].pk].experience == 2
    assert answers[pillars[2].pk].experience is None
    tallies = {
        (t.generation, t.pillar_id, t.metric, t.value): t.count
        for t in SurveyTally.objects.filter(survey=survey)
    }
    assert tallies[("gen-x", None, TallyMetric.RESPONSES, 0)] == 1
    assert tallies[("gen-x", None, TallyMetric.NPS, 9)] == 1
    assert tallies[("gen-x", pillars[0].pk, TallyMetric.RANK, 1)] == 1
    assert tallies[("gen-x", pillars[1].pk, TallyMetric.EXPERIENCE, 5)] == 1
    assert client.get(response["Location"]).status_code == 200


def test_double_submit_of_one_form_stores_one_response(client, survey):
    data = _form_post(client, survey)
    first = client.post(_public(survey), data)
    client.cookies.clear()  # a double click races past the cookie: the form's nonce still holds
    second = client.post(_public(survey), data)
    assert first.status_code == second.status_code == 302
    assert CustomerResponse.objects.count() == 1
    assert SurveyTally.objects.get(metric=TallyMetric.RESPONSES).count == 1


def test_the_database_refuses_a_second_response_from_one_form(survey, pillars):
    ranks = {p.pk: i for i, p in enumerate(pillars, start=1)}
    response = services.NewResponse(ranks=ranks, form_nonce="abc")
    services.record_responses(survey=survey, responses=[response], source="web")
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerResponse.objects.create(survey=survey, form_nonce="abc")
    with pytest.raises(services.ConcurrentWrite, match="could not be stored"):
        services.record_responses(survey=survey, responses=[response], source="web")
    assert CustomerResponse.objects.count() == 1
    assert SurveyTally.objects.get(metric=TallyMetric.RESPONSES).count == 1


def _assert_nothing_stored():
    assert not CustomerResponse.objects.exists()
    assert not CustomerAnswer.objects.exists()
    assert not SurveyTally.objects.exists()


def test_duplicate_place_is_rejected_and_nothing_stored(client, survey, pillars):
    data = _form_post(client, survey, ranks={pillars[1].pk: 1})
    response = client.post(_public(survey), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was sent yet" in html
    # Next to both fields, and in the summary with a link to each.
    assert html.count("Place 1 is given more than once") == 4
    hrefs = [href for href, _text in error_summary(html).links]
    assert sorted(hrefs) == sorted(f"#id_rank_{p.pk}" for p in pillars[:2])
    assert "<title>Error: What matters most to you?" in html
    _assert_nothing_stored()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("rank", "11", "Places go from 1 to 10"),
        ("rank", "", "Please put every item in order before sending: 9 of 10 are placed."),
        ("experience", "6", "Select a valid choice"),
        ("nps", "11", "Select a valid choice"),
        ("generation", "gen-q", "Select a valid choice"),
    ],
)
def test_bad_answers_are_rejected_and_nothing_stored(
    client, survey, pillars, field, value, message
):
    data = _form_post(client, survey)
    key = f"{field}_{pillars[3].pk}" if field in ("rank", "experience") else field
    data[key] = value
    response = client.post(_public(survey), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    _assert_nothing_stored()


def test_a_tampered_form_token_is_rejected_and_answers_kept(client, survey, pillars):
    data = _form_post(client, survey)
    data["nonce"] = data["nonce"][:-3] + "xyz"
    response = client.post(_public(survey), data)
    assert response.status_code == 400
    summary = error_summary(response.content.decode())
    assert "This form has expired" in summary.text
    assert summary.links == []  # nothing the customer could fix in a field
    _assert_nothing_stored()


def test_a_post_without_the_form_token_says_to_reload(client, survey):
    data = _form_post(client, survey)
    del data["nonce"]
    response = client.post(_public(survey), data)
    assert response.status_code == 400
    summary = error_summary(response.content.decode())
    assert "This form is incomplete. Please reload the page." in summary.text
    assert summary.links == []  # the token is a hidden field: no link to it
    _assert_nothing_stored()


def test_a_form_of_another_survey_is_rejected(client, survey, team, lead):
    other = services.start_survey(
        assessment=services.create_assessment(team=team, title="Other", created_by=lead)
    )
    data = _form_post(client, other)
    response = client.post(_public(survey), data)
    assert response.status_code == 400
    _assert_nothing_stored()


def test_a_pillar_outside_the_survey_is_rejected(client, survey):
    data = _form_post(client, survey)
    data["rank_99999"] = "3"
    response = client.post(_public(survey), data)
    assert response.status_code == 400
    assert "not part of this survey" in response.content.decode()
    _assert_nothing_stored()


@pytest.mark.parametrize(
    ("key", "value"),
    [("rank_" + "9" * 4301, "3"), ("experience_" + "1" * 40, "2")],
)
def test_a_field_name_with_a_huge_or_odd_number_is_refused_with_400(client, survey, key, value):
    data = _form_post(client, survey)
    data[key] = value
    response = client.post(_public(survey), urlencode(data), content_type=FORM)
    assert response.status_code == 400
    assert "not part of this survey" in response.content.decode()
    _assert_nothing_stored()


def test_a_rank_value_of_thousands_of_digits_is_refused_with_400(client, survey, pillars):
    data = _form_post(client, survey)
    data[f"rank_{pillars[0].pk}"] = "1" * 4301
    response = client.post(_public(survey), data)
    assert response.status_code == 400
    _assert_nothing_stored()


def test_a_flood_from_one_client_gets_429(client, survey, settings):
    settings.CXP_SURVEY_RATE_LIMIT = (3, 600)
    statuses = []
    for _ in range(5):
        statuses.append(client.post(_public(survey), _form_post(client, survey)).status_code)
    assert statuses == [302, 302, 302, 429, 429]
    assert CustomerResponse.objects.count() == 3
    response = client.post(_public(survey), _form_post(client, survey))
    assert "wait a few minutes" in response.content.decode()


def test_the_rate_limit_is_per_client(client, survey, settings):
    settings.CXP_SURVEY_RATE_LIMIT = (1, 600)
    assert client.post(_public(survey), _form_post(client, survey)).status_code == 302
    other = client.post(_public(survey), _form_post(client, survey), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_a_closed_survey_says_so_politely_with_410(client, survey):
    survey.is_open = False
    survey.save()
    response = client.get(_public(survey))
    assert response.status_code == 410
    assert "This survey is closed" in response.content.decode()
    assert client.post(_public(survey), {}).status_code == 410


def test_an_unknown_link_gives_a_polite_404(client, db):
    response = client.get(reverse("survey_public", args=["no-such-token"]))
    assert response.status_code == 404
    assert "Survey not found" in response.content.decode()


def test_public_page_and_submission_query_counts_do_not_grow_with_responses(
    client, survey, pillars, django_assert_max_num_queries
):
    url = _public(survey)
    # Count right after each block: the next request resets Django's query log.
    with django_assert_max_num_queries(16):  # the first view renders and caches the form
        client.get(url)
    for _variant in range(40):  # every item order of the survey cached (Williams: 10 orders)
        client.get(url)
    with django_assert_max_num_queries(1) as page:  # the survey row; the form is cached
        client.get(url)
    page_queries = len(page.captured_queries)
    data = _form_post(client, survey)
    # 10 to store the response, 6 to open this client's rate-limit window in the shared cache.
    with django_assert_max_num_queries(16) as post:
        assert client.post(url, data).status_code == 302
    post_queries = len(post.captured_queries)
    bulk = [
        services.NewResponse(ranks={p.pk: (i + k) % 10 + 1 for i, p in enumerate(pillars)})
        for k in range(200)
    ]
    services.record_responses(survey=survey, responses=bulk, source="import")
    with django_assert_max_num_queries(page_queries):
        client.get(url)
    data = _form_post(client, survey)
    with django_assert_max_num_queries(post_queries):
        assert client.post(url, data).status_code == 302


def test_tallies_match_a_rebuild_from_the_answers(survey, pillars):
    responses = [
        services.NewResponse(
            ranks={p.pk: (i + k) % 10 + 1 for i, p in enumerate(pillars)},
            experience={pillars[k % 10].pk: k % 5 + 1},
            generation=["gen-z", "gen-x", ""][k % 3],
            nps=k % 11,
        )
        for k in range(60)
    ]
    services.record_responses(survey=survey, responses=responses[:25], source="web")
    services.record_responses(survey=survey, responses=responses[25:], source="import")
    kept = Counter(
        {
            (t.generation, t.pillar_id, t.metric, t.value): t.count
            for t in SurveyTally.objects.filter(survey=survey)
        }
    )
    assert services.rebuild_tallies(survey=survey) == 60
    rebuilt = Counter(
        {
            (t.generation, t.pillar_id, t.metric, t.value): t.count
            for t in SurveyTally.objects.filter(survey=survey)
        }
    )
    assert kept == rebuilt
    assert kept[("gen-z", None, TallyMetric.RESPONSES, 0)] == 20


def test_service_refuses_an_incomplete_ranking(survey, pillars):
    ranks = {p.pk: i for i, p in enumerate(pillars[:-1], start=1)}
    with pytest.raises(services.RuleBroken):
        services.record_responses(
            survey=survey, responses=[services.NewResponse(ranks=ranks)], source="web"
        )
    _assert_nothing_stored()


# ----------------------------------------------------------------------------- lead's page


def test_lead_opens_the_survey_and_sees_the_link(client, assessment, lead):
    client.force_login(lead)
    client.post(reverse("assessments:survey_start", args=[assessment.pk]))
    survey = CustomerSurvey.objects.get(assessment=assessment)
    assert survey.is_open and survey.target_size == 300
    html = client.get(reverse("assessments:survey", args=[assessment.pk])).content.decode()
    assert f"/s/{survey.token}/" in html
    assert "0</strong> / 300" in html


def test_progress_counts_responses_by_source_and_generation(client, survey, lead, pillars):
    ranks = {p.pk: i for i, p in enumerate(pillars, start=1)}
    services.record_responses(
        survey=survey,
        responses=[services.NewResponse(ranks=ranks, generation="gen-z")] * 3
        + [services.NewResponse(ranks=ranks)],
        source="import",
    )
    client.force_login(lead)
    html = client.get(reverse("assessments:survey", args=[survey.assessment.pk])).content.decode()
    assert "<strong>4</strong> / 300" in html
    assert 'aria-valuenow="1"' in html
    assert re.search(r"Gen Z: <span class=\"num\">3</span>", html)
    assert re.search(r"Import: <span class=\"num\">4</span>", html)


def test_lead_closes_reopens_and_regenerates_the_link(client, survey, lead):
    client.force_login(lead)
    pk = survey.assessment.pk
    client.post(reverse("assessments:survey_set_open", args=[pk]), {"open": "0"})
    survey.refresh_from_db()
    assert not survey.is_open
    client.post(reverse("assessments:survey_set_open", args=[pk]), {"open": "1"})
    old = survey.token
    client.post(reverse("assessments:survey_link", args=[pk]))
    survey.refresh_from_db()
    assert survey.is_open and survey.token != old
    assert client.get(reverse("survey_public", args=[old])).status_code == 404


def test_settings_are_validated_next_to_the_field(client, survey, lead):
    client.force_login(lead)
    response = client.post(
        reverse("assessments:survey_settings", args=[survey.assessment.pk]),
        {"target_size": "0", "intro": "Hi"},
    )
    assert response.status_code == 400
    assert "at least 1 response" in response.content.decode()
    survey.refresh_from_db()
    assert survey.target_size == 300


def test_settings_change_which_questions_are_asked(client, survey, lead):
    client.force_login(lead)
    client.post(
        reverse("assessments:survey_settings", args=[survey.assessment.pk]),
        {"target_size": "120", "intro": "Dear customer", "ask_expectation": "on"},
    )
    survey.refresh_from_db()
    assert survey.target_size == 120
    assert (survey.ask_experience, survey.ask_expectation, survey.ask_nps) == (False, True, False)
    html = client.get(_public(survey)).content.decode()
    assert "What did you expect?" in html
    assert "How well do we do?" not in html
    assert "recommend" not in html


def test_a_member_sees_progress_but_cannot_change_the_survey(client, survey, member):
    client.force_login(member)
    pk = survey.assessment.pk
    html = client.get(reverse("assessments:survey", args=[pk])).content.decode()
    assert "Progress" in html and "Save settings" not in html
    for name in ["survey_set_open", "survey_link", "survey_settings", "survey_import"]:
        assert client.post(reverse(f"assessments:{name}", args=[pk])).status_code == 403


@pytest.mark.parametrize(
    "name, method",
    [
        ("assessments:survey", "get"),
        ("assessments:survey_start", "post"),
        ("assessments:survey_set_open", "post"),
        ("assessments:survey_import", "get"),
    ],
)
def test_another_teams_survey_gives_404(client, survey, outsider, name, method):
    client.force_login(outsider)
    response = getattr(client, method)(reverse(name, args=[survey.assessment.pk]))
    assert response.status_code == 404


def test_survey_page_query_count_does_not_grow_with_responses(
    client, survey, lead, pillars, django_assert_max_num_queries
):
    client.force_login(lead)
    url = reverse("assessments:survey", args=[survey.assessment.pk])
    ranks = {p.pk: i for i, p in enumerate(pillars, start=1)}
    services.record_responses(
        survey=survey, responses=[services.NewResponse(ranks=ranks)], source="web"
    )
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    small_queries = len(small.captured_queries)
    services.record_responses(
        survey=survey, responses=[services.NewResponse(ranks=ranks)] * 50, source="web"
    )
    with django_assert_max_num_queries(small_queries):
        client.get(url)


# ----------------------------------------------------------------------------- unranked lists


def test_public_page_starts_with_every_place_empty(client, survey, pillars):
    html = client.get(_public(survey)).content.decode()
    assert html.count("<select") == len(pillars)
    assert " selected>" not in html.split('id="ranking"')[1].split("</ol>")[0]


def test_untouched_survey_is_refused_with_one_message_beside_the_list(client, survey, pillars):
    data = _form_post(client, survey)
    for pillar in pillars:
        data[f"rank_{pillar.pk}"] = ""
    response = client.post(_public(survey), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please put every item in order before sending: 0 of 10 are placed." in html
    assert html.index('data-testid="ranking-error"') < html.index('id="ranking"')
    assert "Give this a place" not in html  # one message for the list, not ten
    _assert_nothing_stored()


def test_half_ranked_survey_is_refused_and_keeps_the_places_given(client, survey, pillars):
    data = _form_post(client, survey)
    for pillar in pillars[5:]:
        data[f"rank_{pillar.pk}"] = ""
    response = client.post(_public(survey), data)
    assert response.status_code == 400
    assert "5 of 10 are placed" in response.content.decode()
    assert response.context["form"][f"rank_{pillars[0].pk}"].value() == "1"
    _assert_nothing_stored()


# ------------------------------------------------------------------------- one answer per browser


def test_back_and_send_again_does_not_store_a_second_response(
    client, survey, django_assert_max_num_queries
):
    data = _form_post(client, survey)
    assert client.post(_public(survey), data).status_code == 302
    cookie = client.cookies[f"cxp_answered_{survey.pk}"]
    assert cookie["httponly"] and cookie["path"] == "/s/"
    assert cookie.value.split(":")[0] == str(survey.pk)  # the survey's id and a signature only
    with django_assert_max_num_queries(1):  # the survey; nothing else for an answered browser
        again = client.get(_public(survey))
    assert again.status_code == 200
    assert "You have already answered, thank you" in again.content.decode()
    assert "Answer again" not in again.content.decode()
    resend = client.post(_public(survey), data)
    assert resend.status_code == 409
    assert "You have already answered, thank you" in resend.content.decode()
    assert CustomerResponse.objects.count() == 1


def test_a_forged_answered_cookie_is_ignored(client, survey):
    client.cookies[f"cxp_answered_{survey.pk}"] = str(survey.pk)
    response = client.get(_public(survey))
    assert "Send my answers" in response.content.decode()


def test_answered_cookie_of_one_survey_does_not_block_another(client, survey, lead, pillars):
    from tests.conftest import make_assessment

    other = services.start_survey(assessment=make_assessment(survey.assessment.team, title="Q1"))
    assert client.post(_public(survey), _form_post(client, survey)).status_code == 302
    assert "Send my answers" in client.get(_public(other)).content.decode()


def test_lead_may_allow_repeat_answers_from_one_browser(client, survey):
    survey.allow_repeat_answers = True
    survey.save()
    assert client.post(_public(survey), _form_post(client, survey)).status_code == 302
    page = client.get(_public(survey)).content.decode()
    assert "You have already answered, thank you" in page and "?again=1" in page
    html = client.get(_public(survey) + "?again=1").content.decode()
    nonce = re.search(r'name="nonce" value="([^"]+)"', html).group(1)
    data = {"nonce": nonce}
    for index, pillar in enumerate(survey.assessment.round_pillars(), start=1):
        data[f"rank_{pillar.pk}"] = str(index)
    assert client.post(_public(survey) + "?again=1", data).status_code == 302
    assert CustomerResponse.objects.count() == 2


def test_repeat_answers_are_off_by_default():
    assert CustomerSurvey._meta.get_field("allow_repeat_answers").default is False
