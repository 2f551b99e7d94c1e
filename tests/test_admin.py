import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Pillar

from .conftest import make_scorecard


@pytest.fixture
def filled(assessment, lead, pillars):
    make_scorecard(assessment, lead)
    survey = services.start_survey(assessment=assessment)
    services.record_responses(
        survey=survey,
        responses=[services.NewResponse(ranks={p.pk: p.position for p in pillars})],
        source="web",
    )
    return assessment


@pytest.mark.parametrize(
    "model",
    ["team", "assessment", "scorecard", "customersurvey", "customerresponse", "pillar"],
)
def test_admin_lists_change_forms_and_search_load(admin_client, filled, model):
    url = reverse(f"admin:assessments_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "lead"}).status_code == 200
    obj_model = {
        "team": filled.team,
        "assessment": filled,
        "scorecard": filled.scorecards.get(),
        "customersurvey": filled.survey,
        "customerresponse": filled.survey.responses.get(),
        "pillar": Pillar.objects.first(),
    }[model]
    change = reverse(f"admin:assessments_{model}_change", args=[obj_model.pk])
    assert admin_client.get(change).status_code == 200


def test_scorecard_admin_shows_its_answers_inline(admin_client, filled, pillars):
    scorecard = filled.scorecards.get()
    html = admin_client.get(
        reverse("admin:assessments_scorecard_change", args=[scorecard.pk])
    ).content.decode()
    assert html.count('name="scores-') >= 10


def test_a_pillar_with_answers_cannot_be_deleted(admin_client, filled, pillars):
    url = reverse("admin:assessments_pillar_delete", args=[pillars[0].pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "protected" in response.content.decode().lower()
    assert Pillar.objects.filter(pk=pillars[0].pk).exists()


def test_an_unused_pillar_can_be_deleted(admin_client, pillars):
    extra = Pillar.objects.create(
        position=11, name="Extra", slug="extra", question="q", customer_label="e",
        customer_question="e?",
    )  # fmt: skip
    url = reverse("admin:assessments_pillar_delete", args=[extra.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Pillar.objects.filter(pk=extra.pk).exists()


def test_customer_responses_are_read_only_in_the_admin(admin_client, filled):
    response = filled.survey.responses.get()
    assert admin_client.get(reverse("admin:assessments_customerresponse_add")).status_code == 403
    url = reverse("admin:assessments_customerresponse_delete", args=[response.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
