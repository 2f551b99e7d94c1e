from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import services
from ..forms import AssessmentForm, ScorecardForm
from ..models import Membership, PillarScore, score_band
from ..reporting import team_scores
from .access import assessment_for, team_for


@login_required
@require_POST
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for(request, pk, lead=True)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("title", []):
            messages.error(request, _("Round title: %(error)s") % {"error": error})
        return redirect("assessments:team", pk=team.pk)
    try:
        assessment = services.create_assessment(
            team=team, title=form.cleaned_data["title"], created_by=request.user
        )
    except services.RuleBroken as exc:
        messages.error(request, str(exc))
        return redirect("assessments:team", pk=team.pk)
    messages.success(request, _("Round created. Fill in your own scorecard first."))
    return redirect("assessments:round", pk=assessment.pk)


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    scores = team_scores(assessment)
    submitted_ids = {s.user_id for s in scores.scorecards}
    members = list(
        Membership.objects.filter(team_id=assessment.team_id)
        .select_related("user")
        .order_by("user__username")
    )
    return render(
        request,
        "assessments/round_detail.html",
        {
            "assessment": assessment,
            "scores": scores,
            "members": [(m, m.user_id in submitted_ids) for m in members],
            "submitted_count": len(submitted_ids),
            "my_scorecard": next(
                (s for s in scores.scorecards if s.user_id == request.user.pk), None
            ),
        },
    )


@login_required
@require_POST
def round_set_open(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, lead=True)
    is_open = request.POST.get("open") == "1"
    services.set_assessment_open(assessment=assessment, is_open=is_open)
    if is_open:
        messages.success(request, _("The round is open again; colleagues can edit scorecards."))
    else:
        messages.success(request, _("The round is closed; scorecards are frozen."))
    return redirect("assessments:round", pk=assessment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def scorecard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    pillars = assessment.round_pillars()
    if not assessment.is_open:
        messages.error(request, _("This round is closed; scorecards can no longer be changed."))
        return redirect("assessments:round", pk=assessment.pk)
    if request.method == "POST":
        form = ScorecardForm(request.POST, pillars=pillars)
        if form.is_valid():
            try:
                services.submit_scorecard(
                    assessment=assessment, user=request.user, answers=form.answers()
                )
            except services.RuleBroken as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your scorecard is saved."))
                return redirect("assessments:scorecard_result", pk=assessment.pk)
        status = 400
    else:
        existing = PillarScore.objects.filter(
            scorecard__assessment=assessment, scorecard__user=request.user
        )
        initial = {}
        for answer in existing:
            initial[f"score_{answer.pillar_id}"] = answer.score
            initial[f"rank_{answer.pillar_id}"] = answer.rank
            initial[f"note_{answer.pillar_id}"] = answer.note
        form = ScorecardForm(initial=initial, pillars=pillars)
        status = 200
    return render(
        request,
        "assessments/scorecard_form.html",
        {"assessment": assessment, "form": form, "pillar_count": len(pillars)},
        status=status,
    )


@login_required
@require_GET
def scorecard_result(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    scores = team_scores(assessment)
    mine = next((s for s in scores.scorecards if s.user_id == request.user.pk), None)
    if mine is None:
        messages.info(request, _("You have not filled in your scorecard for this round yet."))
        return redirect("assessments:scorecard", pk=assessment.pk)
    my_answers = {
        a.pillar_id: a
        for a in PillarScore.objects.filter(scorecard=mine).only("pillar_id", "score", "rank")
    }
    team_means = scores.mean_by_pillar()
    rows = [
        {
            "pillar": pillar,
            "score": my_answers[pillar.pk].score if pillar.pk in my_answers else None,
            "rank": my_answers[pillar.pk].rank if pillar.pk in my_answers else None,
            "team_mean": team_means.get(pillar.pk),
        }
        for pillar in scores.pillars
    ]
    return render(
        request,
        "assessments/scorecard_result.html",
        {
            "assessment": assessment,
            "total": mine.total,
            "max_total": scores.max_total,
            "band": score_band(mine.total, len(scores.pillars)),
            "team_mean": scores.total_mean,
            "submitted_count": len(scores.scorecards),
            "rows": rows,
        },
    )
