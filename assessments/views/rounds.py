from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import services
from ..forms import AssessmentForm, ScorecardForm
from ..models import Membership, PillarScore, score_band
from ..reporting import colleague_comparison, load_round, team_scores
from . import diagnostic
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
            team=team,
            title=form.cleaned_data["title"],
            created_by=request.user,
            framework=form.cleaned_data["framework"],
        )
    except services.RuleBroken as exc:
        messages.error(request, str(exc))
        return redirect("assessments:team", pk=team.pk)
    if assessment.is_diagnostic:
        messages.success(request, _("Round created. Answer the diagnostic yourself first."))
    else:
        messages.success(request, _("Round created. Fill in your own scorecard first."))
    return redirect("assessments:round", pk=assessment.pk)


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, framework=None)
    if assessment.is_diagnostic:
        return diagnostic.diagnostic_round(request, assessment)
    scores = team_scores(load_round(assessment))
    submitted_ids = {card.user_id for card in scores.cards}
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
            "my_scorecard": scores.card_of(request.user.pk),
        },
    )


@login_required
@require_POST
def round_set_open(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, lead=True, framework=None)
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
    scores = team_scores(load_round(assessment))
    mine = scores.card_of(request.user.pk)
    if mine is None:
        messages.info(request, _("You have not filled in your scorecard for this round yet."))
        return redirect("assessments:scorecard", pk=assessment.pk)
    team_means = scores.mean_by_slug()
    rows = [
        {
            "pillar": pillar,
            "score": mine.scores.get(pillar.slug),
            "rank": mine.ranks.get(pillar.slug),
            "team_mean": team_means.get(pillar.slug),
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
            "submitted_count": len(scores.cards),
            "rows": rows,
        },
    )


@login_required
@require_GET
def comparison(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    result = colleague_comparison(load_round(assessment))
    return render(
        request,
        "assessments/comparison.html",
        {"assessment": assessment, "result": result},
    )
