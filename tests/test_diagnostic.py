"""The 20-question CX diagnostic: seed, constraints, statistics, the answer form, the result page,
next actions, report.json and export_report, and the team's trends."""

import datetime as dt
import io
import json
import statistics
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from openpyxl import load_workbook

from assessments import analysis, services
from assessments.analysis import ReplyCounts
from assessments.models import (
    Assessment,
    DiagnosticAnswer,
    DiagnosticArea,
    DiagnosticQuestion,
    DiagnosticResponse,
    Framework,
    Membership,
    NextAction,
    Role,
    Team,
)

from .conftest import make_assessment, make_user, page_query_limit


def make_diagnostic(team, *, title="Diagnostic Q4") -> Assessment:
    lead = team.memberships.filter(role=Role.LEAD).first().user
    return services.create_assessment(
        team=team, title=title, created_by=lead, framework=Framework.DIAGNOSTIC
    )


def round_questions(assessment) -> list[DiagnosticQuestion]:
    return [
        link.question
        for link in assessment.question_links.select_related("question__area").order_by("position")
    ]


def answer(assessment, user, replies: dict[str, str] | None = None, *, default="yes", notes=None):
    """Answer every question: ``default`` unless ``replies`` (slug -> reply) says otherwise."""
    replies = replies or {}
    notes = notes or {}
    return services.submit_diagnostic(
        assessment=assessment,
        user=user,
        replies=[
            services.DiagnosticReply(q.pk, replies.get(q.slug, default), notes.get(q.slug, ""))
            for q in round_questions(assessment)
        ],
    )


def form_post(assessment, replies: dict[str, str] | None = None, *, default="yes") -> dict:
    data = {}
    for question in round_questions(assessment):
        data[f"reply_{question.pk}"] = (replies or {}).get(question.slug, default)
        data[f"note_{question.pk}"] = ""
    return data


@pytest.fixture
def diagnostic(team):
    return make_diagnostic(team)


# ----------------------------------------------------------------------------- seed and models


def test_the_seed_has_four_areas_of_five_questions(db):
    areas = list(DiagnosticArea.objects.order_by("position"))
    assert [a.slug for a in areas] == ["people", "processes-technology", "customers", "finance"]
    for area in areas:
        assert area.questions.filter(is_active=True).count() == 5


def test_a_diagnostic_round_freezes_the_active_questions(team):
    retired = DiagnosticQuestion.objects.get(slug="people-poached-first")
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    assessment = make_diagnostic(team)
    assert len(round_questions(assessment)) == 19
    assert assessment.pillar_links.count() == 0
    retired.is_active = True
    retired.save(update_fields=["is_active"])
    assert len(round_questions(assessment)) == 19


def test_a_reply_outside_yes_partly_no_is_refused_by_the_database(diagnostic, lead):
    response = DiagnosticResponse.objects.create(assessment=diagnostic, user=lead)
    question = round_questions(diagnostic)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        DiagnosticAnswer.objects.create(response=response, question=question, reply="maybe")


def test_a_reply_the_database_refuses_is_a_broken_rule_and_nothing_is_saved(diagnostic, lead):
    first, *others = round_questions(diagnostic)
    replies = [services.DiagnosticReply(first.pk, "maybe")]
    replies += [services.DiagnosticReply(q.pk, "yes") for q in others]
    with pytest.raises(services.RuleBroken, match="Answer Yes, Partly or No"):
        services.submit_diagnostic(assessment=diagnostic, user=lead, replies=replies)
    assert not DiagnosticResponse.objects.exists()
    assert not DiagnosticAnswer.objects.exists()


def test_one_answer_per_question_and_one_response_per_colleague(diagnostic, lead):
    response = DiagnosticResponse.objects.create(assessment=diagnostic, user=lead)
    question = round_questions(diagnostic)[0]
    DiagnosticAnswer.objects.create(response=response, question=question, reply="yes")
    with pytest.raises(IntegrityError), transaction.atomic():
        DiagnosticAnswer.objects.create(response=response, question=question, reply="no")
    with pytest.raises(IntegrityError), transaction.atomic():
        DiagnosticResponse.objects.create(assessment=diagnostic, user=lead)


def test_an_unknown_framework_is_refused_by_the_database(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(team=team, title="x", framework="astrology")


def test_a_question_with_answers_cannot_be_deleted(diagnostic, lead):
    answer(diagnostic, lead)
    with pytest.raises(ProtectedError):
        round_questions(diagnostic)[0].delete()


# ----------------------------------------------------------------------------- statistics


def test_area_score_matches_a_hand_computed_example():
    # Three colleagues. Q1: Yes, Yes, No -> 2/3. Q2: Partly, Partly, Yes -> (½ + ½ + 1)/3 = 2/3.
    q1 = ReplyCounts(yes=2, partly=0, no=1)
    q2 = ReplyCounts(yes=1, partly=2, no=0)
    assert analysis.question_score(q1) == pytest.approx(2 / 3)
    assert analysis.question_score(q2) == pytest.approx(2 / 3)
    assert analysis.area_score([q1, q2]) == pytest.approx(4 / 3)
    # Five questions all Yes from everyone is the maximum, 5; all No is 0.
    assert analysis.area_score([ReplyCounts(yes=4)] * 5) == 5
    assert analysis.area_score([ReplyCounts(no=4)] * 5) == 0
    assert analysis.area_score([ReplyCounts()] * 5) is None


def test_disagreement_is_zero_when_all_agree_and_one_at_an_even_yes_no_split():
    assert analysis.reply_disagreement(ReplyCounts(yes=6)) == 0
    assert analysis.reply_disagreement(ReplyCounts(partly=3)) == 0
    assert analysis.reply_disagreement(ReplyCounts(yes=3, no=3)) == pytest.approx(1)
    # Yes and Partly once each: points 1 and ½, variance 1/16, times 4 = ¼.
    assert analysis.reply_disagreement(ReplyCounts(yes=1, partly=1)) == pytest.approx(0.25)
    assert analysis.reply_disagreement(ReplyCounts()) is None


def test_disagreement_matches_the_population_variance_of_the_points():
    counts = ReplyCounts(yes=3, partly=2, no=4)
    points = [1.0] * 3 + [0.5] * 2 + [0.0] * 4
    assert analysis.reply_disagreement(counts) == pytest.approx(4 * statistics.pvariance(points))


def test_most_disagreed_orders_by_disagreement_and_keeps_question_order_on_ties():
    counts = {
        "agreed": ReplyCounts(yes=6),
        "slight": ReplyCounts(yes=5, partly=1),
        "split-a": ReplyCounts(yes=3, no=3),
        "middling": ReplyCounts(yes=2, partly=2, no=2),
        "split-b": ReplyCounts(yes=3, no=3),
    }
    assert analysis.most_disagreed(counts, k=10) == [
        "split-a",
        "split-b",
        "middling",
        "slight",
    ]
    assert analysis.most_disagreed(counts, k=2) == ["split-a", "split-b"]


# ----------------------------------------------------------------------------- services


def test_every_question_needs_exactly_one_answer_and_nothing_is_saved_otherwise(diagnostic, lead):
    questions = round_questions(diagnostic)
    partial = [services.DiagnosticReply(q.pk, "yes") for q in questions[:-1]]
    with pytest.raises(services.RuleBroken):
        services.submit_diagnostic(assessment=diagnostic, user=lead, replies=partial)
    doubled = [*partial, services.DiagnosticReply(questions[0].pk, "no")]
    with pytest.raises(services.RuleBroken):
        services.submit_diagnostic(assessment=diagnostic, user=lead, replies=doubled)
    assert not DiagnosticResponse.objects.exists()


def test_a_closed_round_and_an_outsider_cannot_answer(diagnostic, outsider, lead):
    with pytest.raises(services.RuleBroken):
        answer(diagnostic, outsider)
    services.set_assessment_open(assessment=diagnostic, is_open=False)
    with pytest.raises(services.RuleBroken):
        answer(diagnostic, lead)
    assert not DiagnosticResponse.objects.exists()


def test_answering_again_replaces_the_previous_answers(diagnostic, lead):
    answer(diagnostic, lead, default="no")
    answer(diagnostic, lead, default="partly")
    assert DiagnosticResponse.objects.count() == 1
    assert set(DiagnosticAnswer.objects.values_list("reply", flat=True)) == {"partly"}


# ----------------------------------------------------------------------------- pages


def test_a_member_answers_the_diagnostic_in_the_browser_form(client, diagnostic, member):
    client.force_login(member)
    url = reverse("assessments:diagnostic", args=[diagnostic.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Do we hire for warmth" in page.content.decode()
    data = form_post(diagnostic, {"finance-return-model": "no", "people-profile-best": "partly"})
    question = DiagnosticQuestion.objects.get(slug="finance-return-model")
    data[f"note_{question.pk}"] = "  Finance has never been asked.  "
    response = client.post(url, data)
    assert response.status_code == 302
    saved = DiagnosticAnswer.objects.get(response__user=member, question=question)
    assert (saved.reply, saved.note) == ("no", "Finance has never been asked.")
    again = client.get(url).content.decode()
    assert "Finance has never been asked." in again


def test_a_missing_or_invalid_answer_is_shown_next_to_the_question_and_nothing_saved(
    client, diagnostic, member
):
    client.force_login(member)
    data = form_post(diagnostic)
    first, second = round_questions(diagnostic)[:2]
    del data[f"reply_{first.pk}"]
    data[f"reply_{second.pk}"] = "maybe"
    response = client.post(reverse("assessments:diagnostic", args=[diagnostic.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Answer Yes, Partly or No." in html
    assert f'href="#id_reply_{first.pk}_0"' in html  # the error summary links to the question
    assert "Select a valid choice" in html
    assert not DiagnosticResponse.objects.exists()


def test_the_result_page_shows_area_scores_disputes_and_next_actions(
    client, team, diagnostic, lead, member
):
    answer(diagnostic, lead, {"finance-return-model": "no", "people-profile-best": "partly"})
    answer(
        diagnostic,
        member,
        {"finance-return-model": "yes", "customers-touchpoint-owners": "no"},
        notes={"customers-touchpoint-owners": "Nobody owns the returns desk."},
    )
    client.force_login(member)
    html = client.get(reverse("assessments:round", args=[diagnostic.pk])).content.decode()
    # People: four Yes questions (4) + "profile best" Yes and Partly (¾) = 4.75 of 5.
    assert 'data-testid="area-people">4.8 / 5' in html
    # Finance: four Yes (4) + "return model" Yes and No (½) = 4.5.
    assert 'data-testid="area-finance">4.5 / 5' in html
    disputed = html.split('data-testid="disputed"')[1].split("</ol>")[0]
    assert disputed.index("model of the return") < disputed.index("best customer-facing people")
    actions = html.split('data-testid="next-actions"')[1].split("</table>")[0]
    assert "Does someone own each of those touchpoints?" in actions
    assert "member-user: Nobody owns the returns desk." in actions
    assert "model of the return" in actions
    assert "Do we hire for warmth" not in actions
    assert "Assign" not in actions  # members see the owners but do not assign them


def test_the_lead_assigns_an_owner_to_a_next_action(client, diagnostic, lead, member):
    answer(diagnostic, member, {"finance-return-model": "no"})
    question = DiagnosticQuestion.objects.get(slug="finance-return-model")
    url = reverse("assessments:next_action_owner", args=[diagnostic.pk, question.pk])
    client.force_login(lead)
    response = client.post(url, {"owner": member.pk})
    assert response.status_code == 302
    assert NextAction.objects.get(assessment=diagnostic, question=question).owner == member
    html = client.get(reverse("assessments:round", args=[diagnostic.pk])).content.decode()
    assert f'<option value="{member.pk}" selected>member-user</option>' in html
    client.post(url, {"owner": ""})
    assert NextAction.objects.get(assessment=diagnostic, question=question).owner is None


def test_an_owner_from_outside_the_team_is_refused(client, diagnostic, lead, outsider):
    question = round_questions(diagnostic)[0]
    client.force_login(lead)
    url = reverse("assessments:next_action_owner", args=[diagnostic.pk, question.pk])
    response = client.post(url, {"owner": outsider.pk})
    assert response.status_code == 302
    assert not NextAction.objects.exists()
    with pytest.raises(services.RuleBroken):
        services.assign_next_action(assessment=diagnostic, question_id=question.pk, owner=outsider)


def test_a_member_cannot_assign_owners_and_a_foreign_question_is_404(
    client, diagnostic, lead, member
):
    question = round_questions(diagnostic)[0]
    client.force_login(member)
    url = reverse("assessments:next_action_owner", args=[diagnostic.pk, question.pk])
    assert client.post(url, {"owner": member.pk}).status_code == 403
    client.force_login(lead)
    other = DiagnosticQuestion.objects.create(
        area=question.area, position=99, slug="not-in-round", text="Not in this round?"
    )
    url = reverse("assessments:next_action_owner", args=[diagnostic.pk, other.pk])
    assert client.post(url, {"owner": member.pk}).status_code == 404


def test_another_teams_diagnostic_is_404(client, diagnostic, outsider):
    client.force_login(outsider)
    question = round_questions(diagnostic)[0]
    for url in (
        reverse("assessments:round", args=[diagnostic.pk]),
        reverse("assessments:diagnostic", args=[diagnostic.pk]),
        reverse("assessments:report_json", args=[diagnostic.pk]),
    ):
        assert client.get(url).status_code == 404
    url = reverse("assessments:next_action_owner", args=[diagnostic.pk, question.pk])
    assert client.post(url, {"owner": outsider.pk}).status_code == 404


def test_pillar_pages_of_a_diagnostic_round_are_404_and_vice_versa(client, team, diagnostic, lead):
    client.force_login(lead)
    for name in ("scorecard", "comparison", "report", "survey"):
        assert client.get(reverse(f"assessments:{name}", args=[diagnostic.pk])).status_code == 404
    pillars_round = make_assessment(team)
    url = reverse("assessments:diagnostic", args=[pillars_round.pk])
    assert client.get(url).status_code == 404


def test_a_closed_round_sends_the_form_back_to_the_round(client, diagnostic, lead):
    services.set_assessment_open(assessment=diagnostic, is_open=False)
    client.force_login(lead)
    response = client.get(reverse("assessments:diagnostic", args=[diagnostic.pk]))
    assert response.status_code == 302


def test_the_lead_opens_a_diagnostic_round_from_the_team_page(client, team, lead):
    client.force_login(lead)
    response = client.post(
        reverse("assessments:round_create", args=[team.pk]),
        {"title": "Diagnostic 2027", "framework": "cx-diagnostic"},
    )
    assessment = Assessment.objects.get(title="Diagnostic 2027")
    assert response["Location"] == reverse("assessments:round", args=[assessment.pk])
    assert assessment.framework == Framework.DIAGNOSTIC
    assert assessment.question_links.count() == 20
    response = client.post(
        reverse("assessments:round_create", args=[team.pk]),
        {"title": "Odd", "framework": "astrology"},
    )
    assert not Assessment.objects.filter(title="Odd").exists()


def test_page_query_counts_do_not_grow_with_colleagues(
    client, team, diagnostic, lead, django_assert_max_num_queries
):
    answer(diagnostic, lead, {"finance-return-model": "no"})
    client.force_login(lead)
    urls = [
        reverse("assessments:round", args=[diagnostic.pk]),
        reverse("assessments:diagnostic", args=[diagnostic.pk]),
        reverse("assessments:report_json", args=[diagnostic.pk]),
    ]
    counts = []
    for url in urls:
        with django_assert_max_num_queries(10) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    for i in range(8):
        user = make_user()
        Membership.objects.create(team=team, user=user, role=Role.MEMBER)
        answer(diagnostic, user, {"finance-return-model": "no" if i % 2 else "yes"})
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


# ----------------------------------------------------------------------------- JSON and trends


def test_report_json_of_a_diagnostic_round_has_the_documented_shape(
    client, diagnostic, lead, member
):
    answer(diagnostic, lead, {"finance-return-model": "no"})
    answer(diagnostic, member, {"finance-return-model": "partly"})
    client.force_login(lead)
    document = client.get(reverse("assessments:report_json", args=[diagnostic.pk])).json()
    assert document["framework"] == "cx-diagnostic"
    areas = document["diagnostic"]["areas"]
    assert [a["slug"] for a in areas] == ["people", "processes-technology", "customers", "finance"]
    finance = areas[3]
    assert set(finance) >= {"slug", "name", "score", "questions"}
    assert finance["score"] == pytest.approx(4.25)  # four Yes + (0 + ½)/2
    question = next(q for q in finance["questions"] if q["slug"] == "finance-return-model")
    assert set(question) == {"slug", "text", "yes", "partly", "no", "disagreement"}
    assert (question["yes"], question["partly"], question["no"]) == (0, 1, 1)
    assert question["disagreement"] == pytest.approx(0.25)
    assert document["diagnostic"]["most_disputed"] == ["finance-return-model"]

    out = StringIO()
    call_command("export_report", str(diagnostic.pk), stdout=out)
    assert json.loads(out.getvalue()) == document


def test_report_json_of_a_pillars_round_is_unchanged(client, assessment, lead):
    client.force_login(lead)
    document = client.get(reverse("assessments:report_json", args=[assessment.pk])).json()
    assert "framework" not in document and "diagnostic" not in document
    assert set(document) == {
        "schema_version",
        "assessment",
        "colleagues",
        "customers",
        "comparison",
    }


def test_the_team_page_shows_diagnostic_rounds_in_the_trends(
    client, team, lead, django_assert_max_num_queries
):
    first = make_diagnostic(team, title="Diagnostic H1")
    answer(first, lead, default="no")
    second = make_diagnostic(team, title="Diagnostic H2")
    answer(second, lead, {"people-poached-first": "partly"})
    make_assessment(team, title="Pillars round")
    client.force_login(lead)
    with django_assert_max_num_queries(page_query_limit("assessments:team", 12)):
        html = client.get(reverse("assessments:team", args=[team.pk])).content.decode()
    trends = html.split('data-testid="diagnostic-trends"')[1].split("</section>")[0]
    assert "Diagnostic H1" in trends and "Diagnostic H2" in trends
    assert "Pillars round" not in trends
    assert "4.5 / 5" in trends  # H2 people: four Yes and one Partly
    assert "0.0 / 5" in trends  # H1: all No
    assert "Diagnostic score per area, round by round" in html


def test_seed_demo_adds_a_diagnostic_round_with_six_colleagues_and_a_year_of_metrics(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    team = Team.objects.get(name="Demo CX team")
    diagnostic = Assessment.objects.get(team=team, framework=Framework.DIAGNOSTIC)
    assert diagnostic.diagnostic_responses.count() == 6
    assert DiagnosticAnswer.objects.filter(response__assessment=diagnostic).count() == 120
    assert team.monthly_metrics.count() == 48
    assert team.metric_targets.count() == 4


@pytest.mark.parametrize(
    "model",
    [
        "diagnosticarea",
        "diagnosticquestion",
        "diagnosticresponse",
        "nextaction",
        "metrictarget",
        "monthlymetric",
    ],
)
def test_admin_lists_change_forms_and_search_load(admin_client, team, diagnostic, lead, model):
    answer(diagnostic, lead, {"finance-return-model": "no"})
    question = DiagnosticQuestion.objects.get(slug="finance-return-model")
    services.assign_next_action(assessment=diagnostic, question_id=question.pk, owner=lead)
    services.set_metric_target(team=team, metric="nps", target=20)
    services.save_monthly_metrics(
        team=team, values=[services.MonthValue("nps", dt.date(2026, 1, 1), 5)], source="manual"
    )
    url = reverse(f"admin:assessments_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "finance"}).status_code == 200
    obj = {
        "diagnosticarea": question.area,
        "diagnosticquestion": question,
        "diagnosticresponse": DiagnosticResponse.objects.get(),
        "nextaction": NextAction.objects.get(),
        "metrictarget": team.metric_targets.get(),
        "monthlymetric": team.monthly_metrics.get(),
    }[model]
    change = reverse(f"admin:assessments_{model}_change", args=[obj.pk])
    assert admin_client.get(change).status_code == 200


def test_the_admin_retires_questions_and_new_rounds_leave_them_out(admin_client, team):
    question = DiagnosticQuestion.objects.get(slug="people-poached-first")
    response = admin_client.post(
        reverse("admin:assessments_diagnosticquestion_changelist"),
        {"action": "retire", "_selected_action": [question.pk]},
    )
    assert response.status_code == 302
    assert len(round_questions(make_diagnostic(team))) == 19


def test_csv_and_xlsx_exports_hold_every_question(client, diagnostic, lead, outsider):
    answer(diagnostic, lead, {"finance-return-model": "no"})
    question = DiagnosticQuestion.objects.get(slug="finance-return-model")
    services.assign_next_action(assessment=diagnostic, question_id=question.pk, owner=lead)
    client.force_login(lead)
    url = reverse("assessments:diagnostic_export", args=[diagnostic.pk, "csv"])
    lines = b"".join(client.get(url).streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("area,question,text,yes,partly,no,score,disagreement")
    assert len(lines) == 21
    assert any(
        line.startswith("finance,finance-return-model,") and line.endswith(",lead-user")
        for line in lines
    )
    xlsx = client.get(reverse("assessments:diagnostic_export", args=[diagnostic.pk, "xlsx"]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 21
    assert client.get(url.replace(".csv", ".pdf")).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
