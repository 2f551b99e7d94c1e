"""Loading what a user may see: every view goes through the ``for_user`` QuerySets."""

from django.core.exceptions import PermissionDenied
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
