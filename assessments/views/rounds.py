from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import page_cache, services
from ..forms import AssessmentForm, ScorecardForm
from ..models import Assessment, Membership, PillarScore, Scorecard, score_band
from ..reporting import colleague_comparison, load_round, team_scores
from . import diagnostic
from .access import assessment_for, round_row_for, team_for


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for(request, pk, lead=True)
    form = AssessmentForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.create_assessment(
                team=team,
                title=form.cleaned_data["title"],
                created_by=request.user,
                framework=form.cleaned_data["framework"],
            )
        except services.RuleBroken as exc:
            form.add_error("title", str(exc))
        else:
            if assessment.is_diagnostic:
                messages.success(request, _("Round created. Answer the diagnostic yourself first."))
            else:
                messages.success(request, _("Round created. Fill in your own scorecard first."))
            return redirect("assessments:round", pk=assessment.pk)
    return render(
        request,
        "assessments/round_form.html",
        {"team": team, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk, framework=None)
    if assessment.is_diagnostic:
        return diagnostic.diagnostic_round(request, assessment)
    scores = team_scores(load_round(assessment))
    members = list(
        Membership.objects.filter(team_id=assessment.team_id)
        .select_related("user")
        .order_by("user__username")
    )
    # Every scorecard of the round, counted against the current members: a colleague removed
    # from the team keeps their scorecard, shown apart as a former member's.
    scorecards = list(
        Scorecard.objects.filter(assessment=assessment)
        .select_related("user")
        .order_by("user__username")
    )
    member_ids = {m.user_id for m in members}
    submitted_ids = {card.user_id for card in scorecards if card.user_id in member_ids}
    former = [card for card in scorecards if card.user_id not in member_ids]
    return render(
        request,
        "assessments/round_detail.html",
        {
            "assessment": assessment,
            "scores": scores,
            "members": [(m, m.user_id in submitted_ids) for m in members],
            "submitted_count": len(submitted_ids),
            "former_scorecards": former,
            "former_counted": sum(1 for card in former if not card.excluded_from_statistics),
            "counted_scorecards": len(scores.cards),
            "my_scorecard": scores.card_of(request.user.pk),
        },
    )


@login_required
@require_POST
def scorecard_statistics(request: HttpRequest, pk: int, scorecard_id: int) -> HttpResponse:
    """A lead leaves a former member's scorecard out of the statistics, or counts it again."""
    assessment = assessment_for(request, pk, lead=True)
    scorecard = get_object_or_404(
        Scorecard.objects.select_related("user", "assessment"),
        pk=scorecard_id,
        assessment=assessment,
    )
    exclude = request.POST.get("exclude") == "1"
    try:
        services.set_scorecard_excluded(scorecard=scorecard, excluded=exclude)
    except services.RuleBroken as exc:
        messages.error(request, str(exc))
    else:
        name = scorecard.user.get_username()
        if exclude:
            messages.success(
                request, _("%(user)s's scorecard is left out of the statistics.") % {"user": name}
            )
        else:
            messages.success(
                request, _("%(user)s's scorecard counts in the statistics again.") % {"user": name}
            )
    return redirect("assessments:round", pk=assessment.pk)


REMINDER_INTERVAL_SECONDS = 60 * 60  # one round of reminders per round and hour


@login_required
@require_POST
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Mail each current member who has not submitted a scorecard one reminder (per click,
    at most one click an hour per round)."""
    assessment = assessment_for(request, pk, lead=True)
    if not assessment.is_open:
        messages.error(request, _("This round is closed; there is nothing to remind anyone of."))
        return redirect("assessments:round", pk=assessment.pk)
    submitted = Scorecard.objects.filter(assessment=assessment).values("user_id")
    recipients = [
        email
        for email in Membership.objects.filter(team_id=assessment.team_id)
        .exclude(user_id__in=submitted)
        .values_list("user__email", flat=True)
        if email
    ]
    if not recipients:
        messages.info(request, _("Everyone in the team has submitted: nobody to remind."))
        return redirect("assessments:round", pk=assessment.pk)
    if not cache.add(f"round-reminders:{assessment.pk}", 1, timeout=REMINDER_INTERVAL_SECONDS):
        messages.error(
            request,
            _("Reminders for this round were sent less than an hour ago. Try again later."),
        )
        return redirect("assessments:round", pk=assessment.pk)
    url = request.build_absolute_uri(reverse("assessments:scorecard", args=[assessment.pk]))
    subject = _("A reminder: your CX Pillars scorecard")
    body = _(
        "%(user)s reminds you to fill in your scorecard for the round %(round)s of "
        "%(team)s. It takes about five minutes:\n%(url)s\n"
    ) % {
        "user": request.user.get_username(),
        "round": assessment.title,
        "team": assessment.team.name,
        "url": url,
    }
    sent = send_mass_mail([(subject, body, None, [email]) for email in recipients])
    messages.success(request, _("Reminders sent: %(n)d.") % {"n": sent})
    return redirect("assessments:round", pk=assessment.pk)


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
    if request.method == "GET":  # served from the cache: the round's own row is enough
        assessment = round_row_for(request, pk)
    else:
        assessment = assessment_for(request, pk)
    if not assessment.is_open:
        messages.error(request, _("This round is closed; scorecards can no longer be changed."))
        return redirect("assessments:round", pk=assessment.pk)
    if request.method == "GET":
        # The colleague's own answers are part of the round's data version.
        return page_cache.page(
            request,
            "scorecard",
            (page_cache.stamp(assessment), assessment.viewer_role),
            lambda: _scorecard_page(request, assessment),
        )
    pillars = assessment.round_pillars()
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
    return render(
        request,
        "assessments/scorecard_form.html",
        {"assessment": assessment, "form": form, "pillar_count": len(pillars)},
        status=400,
    )


def _scorecard_page(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """The scorecard form, filled in with the colleague's saved answers if any."""
    pillars = assessment.round_pillars()
    existing = PillarScore.objects.filter(
        scorecard__assessment=assessment, scorecard__user=request.user
    )
    initial = {}
    for answer in existing:
        initial[f"score_{answer.pillar_id}"] = answer.score
        initial[f"rank_{answer.pillar_id}"] = answer.rank
        initial[f"note_{answer.pillar_id}"] = answer.note
    form = ScorecardForm(initial=initial, pillars=pillars)
    return render(
        request,
        "assessments/scorecard_form.html",
        {"assessment": assessment, "form": form, "pillar_count": len(pillars)},
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
    assessment = round_row_for(request, pk)
    return page_cache.page(
        request,
        "comparison",
        (page_cache.stamp(assessment), assessment.viewer_role),
        lambda: render(
            request,
            "assessments/comparison.html",
            {"assessment": assessment, "result": colleague_comparison(load_round(assessment))},
        ),
    )
