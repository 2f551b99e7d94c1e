import re
from html import unescape

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


def test_admin_changelist_and_change_form_show_pillars(admin_client, pillars):
    response = admin_client.get(reverse("admin:assessments_pillar_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    for pillar in pillars:
        assert pillar.name in html
    response = admin_client.get(reverse("admin:assessments_pillar_change", args=[pillars[2].pk]))
    assert response.status_code == 200
    assert pillars[2].customer_question in response.content.decode()


def test_admin_list_editable_fields_are_named_after_their_pillar(admin_client, pillars):
    html = admin_client.get(reverse("admin:assessments_pillar_changelist")).content.decode()
    inputs = re.findall(r"<input [^>]*name=\"form-\d+-(?:position|is_active)\"[^>]*>", html)
    assert len(inputs) == 2 * len(pillars)
    names = [unescape(re.search(r'aria-label="([^"]*)"', tag).group(1)) for tag in inputs]
    expected = []
    for pillar in pillars:
        expected += [f"Position of {pillar.name}", f"Active: {pillar.name}"]
    assert names == expected


def _changelist_post(pillars, positions: dict[int, int]) -> dict:
    data = {
        "form-TOTAL_FORMS": str(len(pillars)),
        "form-INITIAL_FORMS": str(len(pillars)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, p in enumerate(pillars):
        data[f"form-{i}-id"] = str(p.pk)
        data[f"form-{i}-position"] = str(positions.get(p.pk, p.position))
        if p.is_active:
            data[f"form-{i}-is_active"] = "on"
    return data


def test_admin_can_swap_two_positions_in_the_list(admin_client, pillars):
    a, b = pillars[0], pillars[1]
    url = reverse("admin:assessments_pillar_changelist")
    response = admin_client.post(url, _changelist_post(pillars, {a.pk: 2, b.pk: 1}))
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.position, b.position) == (2, 1)


def test_admin_list_refuses_two_pillars_on_one_position(admin_client, pillars):
    a = pillars[0]
    url = reverse("admin:assessments_pillar_changelist")
    response = admin_client.post(url, _changelist_post(pillars, {a.pk: 5}))
    assert response.status_code == 200
    assert "share position 5" in response.content.decode()
    a.refresh_from_db()
    assert a.position == 1
