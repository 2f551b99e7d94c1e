"""Loading what a user may see: every view goes through the ``for_user`` QuerySets."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..compiled_queries import CompiledQuery
from ..models import Assessment, Framework, Team


def team_for(request, pk: int, *, lead: bool = False) -> Team:
    """The team if the user belongs to it (404 otherwise); with ``lead``, 403 for non-leads."""
    team = get_object_or_404(Team.objects.for_user(request.user), pk=pk)
    if lead and not team.viewer_is_lead:
        raise PermissionDenied
    return team


def assessment_for(
    request, pk: int, *, lead: bool = False, framework: str | None = Framework.PILLARS
) -> Assessment:
    """The round if the user is in its team (404 otherwise); with ``lead``, 403 for non-leads.

    Pages of one framework 404 for rounds of the other; ``framework=None`` accepts both.
    """
    rounds = Assessment.objects.for_user(request.user).select_related("team")
    if framework is not None:
        rounds = rounds.filter(framework=framework)
    assessment = get_object_or_404(rounds, pk=pk)
    if lead and not assessment.viewer_is_lead:
        raise PermissionDenied
    return assessment


# ----------------------------------------------------------------------------- cached pages
# A cached page's request runs three queries (session, user, this check); building this one's
# SQL through the ORM cost more than running it. So the pages served from ``page_cache`` run the
# same ``for_user`` query, compiled once per process and sent with new values: the rule stays
# in one place, only its compiling is saved.


def _visible(model: type[Assessment] | type[Team], framework: str | None = None):
    """``model.objects.for_user(user).filter(pk=…)`` (of one framework), compiled once."""

    def build(user: int, pk: int, framework_sample: str = ""):
        rows = model.objects.for_user(get_user_model()(pk=user)).filter(pk=pk)
        return rows.filter(framework=framework_sample) if framework is not None else rows

    samples: dict[str, int | str] = {"user": -7_000_001, "pk": -7_000_002}
    if framework is not None:
        samples["framework_sample"] = "\x00framework"
    return CompiledQuery(build, **samples)


_VISIBLE_ROUND = _visible(Assessment, Framework.PILLARS)
_VISIBLE_TEAM = _visible(Team)


def _visible_row(query: CompiledQuery, request, pk: int, **values):
    if not request.user.is_authenticated:
        raise Http404
    row = query.first(user=request.user.pk, pk=pk, **values)
    if row is None:
        raise Http404
    return row


def round_row_for(request, pk: int) -> Assessment:
    """A ten-pillar round's own row, as ``assessment_for`` checks it (404 for another team's),
    with ``viewer_role`` but without its team loaded: what a cached page needs to find its key."""
    return _visible_row(_VISIBLE_ROUND, request, pk, framework_sample=Framework.PILLARS.value)


def team_row_for(request, pk: int) -> Team:
    """The team's row, as ``team_for`` checks it, for a cached page."""
    return _visible_row(_VISIBLE_TEAM, request, pk)
