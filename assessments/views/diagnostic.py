"""The 20-question CX diagnostic: the round's result page, a colleague's answers, and the owners
of the next actions."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import exports, services
from ..diagnostic import diagnostic_table, load_diagnostic
from ..forms_diagnostic import DiagnosticForm, NextActionOwnerForm
from ..models import DiagnosticAnswer, Framework, Membership, RoundQuestion
from .access import assessment_for


def _members(assessment) -> list:
    return [
        m.user
        for m in Membership.objects.filter(team_id=assessment.team_id)
        .select_related("user")
        .order_by("user__username")
    ]


def diagnostic_round(request: HttpRequest, assessment) -> HttpResponse:
    """The round page of a diagnostic round (reached through ``rounds.round_detail``)."""
    report = load_diagnostic(assessment)
    members = _members(assessment)
    return render(
        request,
        "assessments/diagnostic_round.html",
        {
            "assessment": assessment,
            "report": report,
            "members": [(user, user.pk in report.responded_ids) for user in members],
            "answered": request.user.pk in report.responded_ids,
            "owner_choices": [(user.pk, user.get_username()) for user in members],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def diagnostic_answer(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, framework=Framework.DIAGNOSTIC)
    user = cast(User, request.user)  # login_required
    if not assessment.is_open:
        messages.error(request, _("This round is closed; answers can no longer be changed."))
        return redirect("assessments:round", pk=assessment.pk)
    questions = [
        link.question
        for link in RoundQuestion.objects.filter(assessment=assessment)
        .select_related("question__area")
        .order_by("question__area__position", "position")
    ]
    if request.method == "POST":
        form = DiagnosticForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                services.submit_diagnostic(assessment=assessment, user=user, replies=form.replies())
            except services.RuleBroken as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your answers are saved."))
                return redirect("assessments:round", pk=assessment.pk)
        status = 400
    else:
        initial = {}
        for question_id, reply, note in DiagnosticAnswer.objects.filter(
            response__assessment=assessment, response__user=user
        ).values_list("question_id", "reply", "note"):
            initial[f"reply_{question_id}"] = reply
            initial[f"note_{question_id}"] = note
        form = DiagnosticForm(initial=initial, questions=questions)
        status = 200
    return render(
        request,
        "assessments/diagnostic_form.html",
        {"assessment": assessment, "form": form, "question_count": len(questions)},
        status=status,
    )


@login_required
@require_POST
def next_action_owner(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    assessment = assessment_for(request, pk, lead=True, framework=Framework.DIAGNOSTIC)
    members = _members(assessment)
    form = NextActionOwnerForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, _("Choose a member of the team as the owner."))
        return redirect("assessments:round", pk=assessment.pk)
    owner = next((user for user in members if user.pk == form.cleaned_data["owner"]), None)
    try:
        services.assign_next_action(assessment=assessment, question_id=question_id, owner=owner)
    except services.RuleBroken as exc:
        raise Http404(str(exc)) from exc
    if owner is None:
        messages.success(request, _("The next action has no owner now."))
    else:
        messages.success(
            request, _("%(user)s owns the next action.") % {"user": owner.get_username()}
        )
    return redirect(reverse("assessments:round", args=[assessment.pk]) + "#next-actions")


@login_required
@require_GET
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    assessment = assessment_for(request, pk, framework=Framework.DIAGNOSTIC)
    table = diagnostic_table(load_diagnostic(assessment))
    filename = f"{slugify(assessment.title) or 'round'}-diagnostic"
    if fmt == "csv":
        return exports.csv_response(filename, table)
    return exports.xlsx_response(filename, "diagnostic", table)
