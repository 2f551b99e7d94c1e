"""Data versions: counters that every write raises, in its own transaction, so that a page cached
under the old number (``page_cache``) is never served again.

- ``Team.data_version``: anything a page of the team or of one of its rounds shows (members,
  names, rounds, scorecards, customer answers, settings, pillar texts).
- ``Assessment.data_version``: anything a page of that round shows.
- ``CustomerSurvey.form_version``: what the public form shows (its settings, the pillar texts),
  but not the answers: the form stays cached while a mail blast's answers pour in.

Who raises them: every save and delete of a model that a page shows, through the signal
receivers below (so the services, the admin and the shell alike); and the services' bulk writes,
which send no signals (customer answers, tally rebuilds, new rounds, diagnostics, metrics), by
calling these functions in their own transaction.

The counters only go up (``F(...) + 1``; ``VersionedModel.save`` never writes them), so a number
is never reused for other data. Lock order, to stay clear of deadlocks: survey, round, team.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connections, router
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from .models import (
    Assessment,
    AssessmentPillar,
    CustomerAnswer,
    CustomerResponse,
    CustomerSurvey,
    Membership,
    Pillar,
    PillarScore,
    Scorecard,
    Team,
)


def round_changed(*, assessment_id: int, team_id: int | None = None) -> None:
    """A round's data changed: raise the round's version, then its team's.

    Plain SQL: every survey answer runs this, and building the ORM's ``F() + 1`` cost more than
    the two statements. Without ``team_id`` the team is found by a subquery."""
    connection = connections[router.db_for_write(Assessment)]
    quote = connection.ops.quote_name
    rounds, teams = quote(Assessment._meta.db_table), quote(Team._meta.db_table)
    version, pk = quote("data_version"), quote("id")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One round trip: the round first (its row lock orders the writers), then its team.
            cursor.execute(
                f"WITH raised AS (UPDATE {rounds} SET {version} = {version} + 1 "
                f"WHERE {pk} = %s RETURNING {quote('team_id')}) "
                f"UPDATE {teams} SET {version} = {version} + 1 "
                f"WHERE {pk} = (SELECT {quote('team_id')} FROM raised)",
                [assessment_id],
            )
            return
        cursor.execute(
            f"UPDATE {rounds} SET {version} = {version} + 1 WHERE {pk} = %s", [assessment_id]
        )
        team = (
            "%s"
            if team_id is not None
            else f"(SELECT {quote('team_id')} FROM {rounds} WHERE {pk} = %s)"
        )
        cursor.execute(
            f"UPDATE {teams} SET {version} = {version} + 1 WHERE {pk} = {team}",
            [team_id if team_id is not None else assessment_id],
        )


def survey_form_changed(*, survey_id: int, assessment_id: int) -> None:
    """What the public form shows changed (its settings): the form, the round and the team."""
    CustomerSurvey.objects.filter(pk=survey_id).update(form_version=F("form_version") + 1)
    round_changed(assessment_id=assessment_id)


def team_changed(*, team_id: int) -> None:
    """Something every page of a team shows changed (members, roles, names, the team itself)."""
    Assessment.objects.filter(team_id=team_id).update(data_version=F("data_version") + 1)
    Team.objects.filter(pk=team_id).update(data_version=F("data_version") + 1)


def teams_changed(team_ids: Iterable[int]) -> None:
    """``team_changed`` for several teams (a user renamed in all of them)."""
    ids = sorted(set(team_ids))
    if ids:
        Assessment.objects.filter(team_id__in=ids).update(data_version=F("data_version") + 1)
        Team.objects.filter(pk__in=ids).update(data_version=F("data_version") + 1)


def everything_changed() -> None:
    """Pillar texts or an admin edit: every form, round and team (rare, so the bluntest rule)."""
    CustomerSurvey.objects.update(form_version=F("form_version") + 1)
    Assessment.objects.update(data_version=F("data_version") + 1)
    Team.objects.update(data_version=F("data_version") + 1)


# ----------------------------------------------------------------------------- saves and deletes
# Every save and delete of a model a page shows (loaddata's raw saves aside), inside the saving
# transaction.


def _round_of(instance: Any) -> None:
    round_changed(assessment_id=instance.assessment_id)


def _on_assessment(sender: Any, instance: Assessment, **kwargs: Any) -> None:
    round_changed(assessment_id=instance.pk, team_id=instance.team_id)


def _on_round_part(sender: Any, instance: Any, **kwargs: Any) -> None:
    _round_of(instance)


def _on_survey(sender: Any, instance: CustomerSurvey, **kwargs: Any) -> None:
    survey_form_changed(survey_id=instance.pk, assessment_id=instance.assessment_id)


def _on_response_part(sender: Any, instance: Any, **kwargs: Any) -> None:
    response_id = getattr(instance, "response_id", None)
    if response_id is None:  # a response
        surveys = CustomerSurvey.objects.filter(pk=instance.survey_id)
    else:  # one of its answers
        surveys = CustomerSurvey.objects.filter(responses__pk=response_id)
    for assessment_id in surveys.values_list("assessment_id", flat=True):
        round_changed(assessment_id=assessment_id)


def _on_score(sender: Any, instance: Any, **kwargs: Any) -> None:
    for assessment_id in Scorecard.objects.filter(pk=instance.scorecard_id).values_list(
        "assessment_id", flat=True
    ):
        round_changed(assessment_id=assessment_id)


def _on_team(sender: Any, instance: Team, **kwargs: Any) -> None:
    team_changed(team_id=instance.pk)


def _on_membership(sender: Any, instance: Membership, **kwargs: Any) -> None:
    team_changed(team_id=instance.team_id)


def _on_user(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every sign-in writes it; no page shows it
    teams_changed(Membership.objects.filter(user_id=instance.pk).values_list("team_id", flat=True))


def _on_shared_text(sender: Any, **kwargs: Any) -> None:
    everything_changed()


def connect() -> None:
    """Called once from ``AssessmentsConfig.ready``."""
    from django.contrib.auth import get_user_model

    from .models_diagnostic import DiagnosticArea, DiagnosticQuestion

    def both(receiver: Any, model: Any) -> None:
        def unless_raw(sender: Any, instance: Any, **kwargs: Any) -> None:
            if not kwargs.get("raw"):
                receiver(sender, instance=instance, **kwargs)

        uid = f"cxpillars.versions.{model._meta.label}"
        post_save.connect(unless_raw, sender=model, weak=False, dispatch_uid=uid + ".save")
        post_delete.connect(unless_raw, sender=model, weak=False, dispatch_uid=uid + ".delete")

    both(_on_assessment, Assessment)
    both(_on_round_part, AssessmentPillar)
    both(_on_round_part, Scorecard)
    both(_on_score, PillarScore)
    both(_on_survey, CustomerSurvey)
    both(_on_response_part, CustomerResponse)
    both(_on_response_part, CustomerAnswer)
    both(_on_team, Team)
    both(_on_membership, Membership)
    both(_on_user, get_user_model())
    for model in (Pillar, DiagnosticArea, DiagnosticQuestion):
        both(_on_shared_text, model)
