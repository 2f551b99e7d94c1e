"""Running tallies: the source of a response is counted under a fixed code, never a list index."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments import services
from assessments.models import SOURCE_CODES, ResponseSource, SurveyTally, TallyMetric


def test_every_source_has_its_own_nonzero_code():
    assert set(SOURCE_CODES) == set(ResponseSource.values)
    assert len(set(SOURCE_CODES.values())) == len(SOURCE_CODES)
    assert 0 not in SOURCE_CODES.values()


def test_sources_are_tallied_under_their_codes(survey, pillars):
    ranks = {p.pk: p.position for p in pillars}
    services.record_responses(
        survey=survey, responses=[services.NewResponse(ranks=ranks)] * 2, source="web"
    )
    services.record_responses(
        survey=survey, responses=[services.NewResponse(ranks=ranks)], source="import"
    )
    counts = dict(
        SurveyTally.objects.filter(survey=survey, metric=TallyMetric.SOURCE).values_list(
            "value", "count"
        )
    )
    assert counts == {SOURCE_CODES["web"]: 2, SOURCE_CODES["import"]: 1}


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_old_list_indexes_into_codes(survey):
    executor = MigrationExecutor(connection)
    executor.migrate([("assessments", "0004_customer_survey")])
    old_apps = executor.loader.project_state([("assessments", "0004_customer_survey")]).apps
    Tally = old_apps.get_model("assessments", "SurveyTally")
    Tally.objects.create(survey_id=survey.pk, generation="", metric="source", value=0, count=7)
    Tally.objects.create(survey_id=survey.pk, generation="", metric="source", value=1, count=3)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    counts = dict(
        SurveyTally.objects.filter(survey=survey, metric=TallyMetric.SOURCE).values_list(
            "value", "count"
        )
    )
    assert counts == {SOURCE_CODES["web"]: 7, SOURCE_CODES["import"]: 3}


def _tally_rows(survey) -> dict:
    return {
        (t.generation, t.pillar_id, t.metric, t.value): t.count
        for t in SurveyTally.objects.filter(survey=survey)
    }


def test_answers_stored_one_by_one_tally_exactly_as_a_rebuild(survey, pillars):
    """The web path (one response a call: on PostgreSQL one statement for the response and its
    answers, one for all its tallies) counts what a rebuild from the answers counts."""
    for k in range(12):
        response = services.NewResponse(
            ranks={p.pk: (i + k) % 10 + 1 for i, p in enumerate(pillars)},
            experience={pillars[k % 10].pk: k % 5 + 1, pillars[(k + 3) % 10].pk: 5},
            expectation={pillars[k % 10].pk: 4} if k % 2 else {},
            generation=["gen-z", "", "baby-boomers"][k % 3],
            nps=k % 11 if k % 4 else None,
            ces=k % 5 + 1 if k % 3 else None,
            form_nonce=f"nonce-{k}",
        )
        assert services.submit_web_response(survey=survey, response=response) is True
    kept = _tally_rows(survey)
    services.rebuild_tallies(survey=survey)
    assert _tally_rows(survey) == kept
    assert kept[("", None, TallyMetric.SOURCE, SOURCE_CODES[ResponseSource.WEB])] == 12
    # The same form sent again stores nothing and counts nothing.
    again = services.NewResponse(
        ranks={p.pk: i for i, p in enumerate(pillars, 1)}, form_nonce="nonce-3"
    )
    assert services.submit_web_response(survey=survey, response=again) is False
    assert _tally_rows(survey) == kept
