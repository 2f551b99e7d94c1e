import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import charts, page_cache, services
from ..diagnostic import diagnostic_trends
from ..forms import AssessmentForm, InviteForm, TeamForm
from ..gap_report import round_summaries, summary_series
from ..models import Assessment, Membership, Role, Team
from .access import team_for, team_row_for


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    # Counted in a subquery: for_user's join already narrows memberships to the viewer's own.
    member_count = (
        Membership.objects.filter(team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=Count("pk"))
        .values("n")
    )
    teams = (
        Team.objects.for_user(request.user)
        .annotate(member_count=Subquery(member_count))
        .order_by("name", "pk")
    )
    return render(request, "assessments/dashboard.html", {"teams": teams, "form": TeamForm()})


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = services.create_team(name=form.cleaned_data["name"], lead=request.user)
        messages.success(request, _("Team created. Invite your colleagues with the join link."))
        return redirect("assessments:team", pk=team.pk)
    return render(request, "assessments/team_form.html", {"form": form})


@login_required
@require_GET
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_row_for(request, pk)
    return page_cache.page(
        request,
        "team",
        (page_cache.stamp(team), team.viewer_role),
        lambda: _team_page(request, team),
    )


def _team_page(request: HttpRequest, team: Team) -> HttpResponse:
    memberships = list(team.memberships.select_related("user").order_by("-role", "user__username"))
    rounds = list(
        Assessment.objects.filter(team=team)
        .annotate(
            scorecard_count=Count("scorecards", distinct=True),
            diagnostic_count=Count("diagnostic_responses", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )
    trends = round_summaries([r for r in rounds if not r.is_diagnostic])
    trend_by_round = {summary.assessment_id: summary for summary in trends}
    title = {r.pk: r.title for r in rounds}
    areas, diagnostics = diagnostic_trends([r for r in rounds if r.is_diagnostic])
    diagnostic_chart = None
    if len(diagnostics) >= 2:
        diagnostic_chart = charts.small_multiples(
            [(area.display_name, [d.scores.get(area.slug) for d in diagnostics]) for area in areas],
            round_labels=[d.assessment.title for d in diagnostics],
            scale=(0, max(max(d.max_scores.values(), default=5) for d in diagnostics)),
            title=_("Diagnostic score per area, round by round"),
            ident="diagnostic-trend",
        )
    trend_chart = None
    if len(trends) >= 2:
        trend_chart = charts.small_multiples(
            summary_series(trends),
            round_labels=[title[summary.assessment_id] for summary in trends],
            title=_("Team's mean score per pillar, round by round"),
        )
    join_url = request.build_absolute_uri(reverse("assessments:join", args=[team.join_token]))
    return render(
        request,
        "assessments/team_detail.html",
        {
            "team": team,
            "memberships": memberships,
            "lead_count": sum(1 for m in memberships if m.role == Role.LEAD),
            "rounds": [(r, trend_by_round.get(r.pk)) for r in rounds],
            "trend_chart": trend_chart,
            "trend_rounds": [title[summary.assessment_id] for summary in trends],
            "diagnostic_areas": areas,
            "diagnostic_rounds": list(reversed(diagnostics)),  # newest first, as the rounds
            "diagnostic_chart": diagnostic_chart,
            "join_url": join_url if team.viewer_is_lead else None,
            "round_form": AssessmentForm(),
            "invite_form": InviteForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def team_join(request: HttpRequest, token: str) -> HttpResponse:
    team = get_object_or_404(Team, join_token=token)
    if not request.user.is_authenticated:
        # An invited visitor without a session: say whose invitation this is and offer both ways
        # in; either one comes back here.
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            "assessments/team_join.html",
            {"team": team, "already": False, "next": request.get_full_path()},
        )
    already = Membership.objects.filter(team=team, user=request.user).exists()
    if request.method == "POST":
        services.join_team(team=team, user=request.user)
        if not already:
            messages.success(request, _("Welcome to %(team)s.") % {"team": team.name})
        return redirect("assessments:team", pk=team.pk)
    return render(request, "assessments/team_join.html", {"team": team, "already": already})


@login_required
@require_POST
def team_regenerate_link(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for(request, pk, lead=True)
    services.regenerate_join_link(team=team)
    messages.success(request, _("A new join link was made; the old one no longer works."))
    return redirect("assessments:team", pk=team.pk)


INVITATIONS_PER_TEAM_PER_HOUR = 50


def _take_invitations(team: Team, count: int) -> bool:
    """Count ``count`` invitations against the team's hourly allowance; False (and nothing
    counted) when they would go over it."""
    key = f"team-invitations:{team.pk}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    try:
        total = cache.incr(key, count)
    except ValueError:  # expired between add and incr
        cache.set(key, count, timeout=3600)
        total = count
    if total > INVITATIONS_PER_TEAM_PER_HOUR:
        cache.decr(key, count)
        return False
    return True


@login_required
@require_POST
def team_invite(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_for(request, pk, lead=True)
    form = InviteForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("emails", []):
            messages.error(request, error)
        return redirect("assessments:team", pk=team.pk)
    emails = form.cleaned_data["emails"]
    if not _take_invitations(team, len(emails)):
        messages.error(
            request,
            _(
                "A team can send at most %(n)d invitations an hour. Nothing was sent; "
                "try again later or share the join link."
            )
            % {"n": INVITATIONS_PER_TEAM_PER_HOUR},
        )
        return redirect("assessments:team", pk=team.pk)
    join_url = request.build_absolute_uri(reverse("assessments:join", args=[team.join_token]))
    # The subject carries no text a user typed (the team name): subjects are what spam filters
    # and phishing rely on.
    subject = _("An invitation to a CX team on CX Pillars")
    body = _(
        "%(user)s invites you to the CX team %(team)s on CX Pillars.\n\n"
        "Join here (sign up first if you have no account):\n%(url)s\n"
    ) % {"user": request.user.get_username(), "team": team.name, "url": join_url}
    sent = send_mass_mail([(subject, body, None, [email]) for email in emails])
    messages.success(request, _("Invitations sent: %(n)d.") % {"n": sent})
    return redirect("assessments:team", pk=team.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    team = team_for(request, pk, lead=True)
    membership = get_object_or_404(team.memberships.select_related("user"), pk=membership_id)
    try:
        services.remove_member(team=team, membership=membership)
    except services.RuleBroken as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "%(user)s was removed. Their scorecards stay in past rounds, marked as a former "
                "member's. The join link was renewed so the old one no longer lets them back in: "
                "share the new link with anyone still to join."
            )
            % {"user": membership.user.get_username()},
        )
    if membership.user_id == request.user.pk:
        return redirect("assessments:dashboard")
    return redirect("assessments:team", pk=team.pk)


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    team = team_for(request, pk, lead=True)
    membership = get_object_or_404(team.memberships.select_related("user"), pk=membership_id)
    role = request.POST.get("role")
    if role not in Role.values:
        messages.error(request, _("Unknown role."))
        return redirect("assessments:team", pk=team.pk)
    try:
        services.set_role(team=team, membership=membership, role=Role(role))
    except services.RuleBroken as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {"user": membership.user.get_username(), "role": Role(role).label.lower()},
        )
    return redirect("assessments:team", pk=team.pk)
