"""Loading what a user may see: every view goes through the ``for_user`` QuerySets."""

import functools

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

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

_SAMPLE_USER_ID, _SAMPLE_PK, _SAMPLE_FRAMEWORK = -7_000_001, -7_000_002, "\x00framework"


@functools.cache
def _compiled(model: type[Assessment] | type[Team], framework: str | None) -> tuple[str, tuple]:
    """The SQL of ``model.objects.for_user(user).get(pk=…)``, with where each value goes."""
    sample_user = get_user_model()(pk=_SAMPLE_USER_ID)
    rows = model.objects.for_user(sample_user).filter(pk=_SAMPLE_PK)  # type: ignore[attr-defined]
    if framework is not None:
        rows = rows.filter(framework=_SAMPLE_FRAMEWORK)
    sql, params = rows.query.sql_with_params()
    names = {_SAMPLE_USER_ID: "user", _SAMPLE_PK: "pk", _SAMPLE_FRAMEWORK: "framework"}
    return sql, tuple(names[value] for value in params)


def _visible_row(model, request, pk: int, framework: str | None = None):
    if not request.user.is_authenticated:
        raise Http404
    sql, order = _compiled(model, framework)
    values = {"user": request.user.pk, "pk": pk, "framework": framework}
    rows = list(model.objects.raw(sql, [values[name] for name in order]))
    if not rows:
        raise Http404
    return rows[0]


def round_row_for(request, pk: int) -> Assessment:
    """A ten-pillar round's own row, as ``assessment_for`` checks it (404 for another team's),
    with ``viewer_role`` but without its team loaded: what a cached page needs to find its key."""
    return _visible_row(Assessment, request, pk, Framework.PILLARS)


def team_row_for(request, pk: int) -> Team:
    """The team's row, as ``team_for`` checks it, for a cached page."""
    return _visible_row(Team, request, pk)
