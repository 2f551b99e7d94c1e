"""Writes that span several tables, each in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Assessment,
    AssessmentPillar,
    Membership,
    Pillar,
    PillarScore,
    Role,
    Scorecard,
    Team,
    new_token,
)


class RuleBroken(Exception):
    """A business rule refused the write; the message is meant for the user."""


@dataclass(frozen=True)
class Answer:
    pillar_id: int
    score: int
    rank: int
    note: str = ""


def create_team(*, name: str, lead) -> Team:
    with transaction.atomic():
        team = Team.objects.create(name=name)
        Membership.objects.create(team=team, user=lead, role=Role.LEAD)
    return team


def join_team(*, team: Team, user) -> Membership:
    """Idempotent: joining twice keeps the first membership and its role."""
    membership, _created = Membership.objects.get_or_create(team=team, user=user)
    return membership


def regenerate_join_link(*, team: Team) -> Team:
    team.join_token = new_token()
    team.save(update_fields=["join_token"])
    return team


def _lock_memberships(team: Team) -> list[Membership]:
    return list(Membership.objects.select_for_update().filter(team=team).order_by("pk"))


def remove_member(*, team: Team, membership: Membership) -> None:
    with transaction.atomic():
        memberships = _lock_memberships(team)
        leads = [m for m in memberships if m.role == Role.LEAD]
        if membership.role == Role.LEAD and len(leads) <= 1:
            raise RuleBroken(_("A team needs at least one lead. Promote someone else first."))
        Membership.objects.filter(pk=membership.pk).delete()


def set_role(*, team: Team, membership: Membership, role: Role) -> Membership:
    with transaction.atomic():
        memberships = _lock_memberships(team)
        leads = [m for m in memberships if m.role == Role.LEAD]
        if role != Role.LEAD and membership.role == Role.LEAD and len(leads) <= 1:
            raise RuleBroken(_("A team needs at least one lead. Promote someone else first."))
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def create_assessment(*, team: Team, title: str, created_by) -> Assessment:
    """A new round with the active pillars, in position order, frozen for its lifetime."""
    with transaction.atomic():
        pillars = list(Pillar.objects.active().order_by("position"))
        if len(pillars) < 2:
            raise RuleBroken(_("At least two active pillars are needed to start a round."))
        assessment = Assessment.objects.create(team=team, title=title, created_by=created_by)
        AssessmentPillar.objects.bulk_create(
            AssessmentPillar(assessment=assessment, pillar=pillar, position=index)
            for index, pillar in enumerate(pillars, start=1)
        )
    return assessment


def set_assessment_open(*, assessment: Assessment, is_open: bool) -> Assessment:
    assessment.is_open = is_open
    assessment.closed_at = None if is_open else timezone.now()
    assessment.save(update_fields=["is_open", "closed_at"])
    return assessment


def submit_scorecard(*, assessment: Assessment, user, answers: Sequence[Answer]) -> Scorecard:
    """Create or replace the user's scorecard for the round; all or nothing."""
    pillar_ids = [link.pillar_id for link in assessment.pillar_links.all()]
    n = len(pillar_ids)
    given = [a.pillar_id for a in answers]
    if sorted(given) != sorted(pillar_ids):
        raise RuleBroken(_("Every pillar of the round needs exactly one answer."))
    if sorted(a.rank for a in answers) != list(range(1, n + 1)):
        raise RuleBroken(_("Each rank from 1 to %(n)d must be used exactly once.") % {"n": n})
    if any(not 1 <= a.score <= 5 for a in answers):
        raise RuleBroken(_("Scores go from 1 to 5."))
    return _save_scorecard(assessment=assessment, user=user, answers=answers)


def _save_scorecard(*, assessment: Assessment, user, answers: Sequence[Answer]) -> Scorecard:
    with transaction.atomic():
        # Lock the round: closing it and saving into it cannot interleave, and two simultaneous
        # saves by one colleague queue up here, so the second finds the first one's scorecard.
        locked = Assessment.objects.select_for_update().only("is_open").get(pk=assessment.pk)
        if not locked.is_open:
            raise RuleBroken(_("This round is closed; scorecards can no longer be changed."))
        if not Membership.objects.filter(team_id=assessment.team_id, user=user).exists():
            raise RuleBroken(_("Only members of the team can fill in a scorecard."))
        now = timezone.now()
        scorecard, created = Scorecard.objects.get_or_create(
            assessment=assessment, user=user, defaults={"submitted_at": now, "updated_at": now}
        )
        if not created:
            scorecard.updated_at = now
            scorecard.save(update_fields=["updated_at"])
            scorecard.scores.all().delete()
        PillarScore.objects.bulk_create(
            PillarScore(
                scorecard=scorecard,
                pillar_id=a.pillar_id,
                score=a.score,
                rank=a.rank,
                note=a.note.strip(),
            )
            for a in answers
        )
    return scorecard
