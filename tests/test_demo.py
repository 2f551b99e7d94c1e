from io import StringIO

from django.core.management import call_command

from assessments.models import Assessment, CustomerResponse, Generation, Scorecard, Team


def test_seed_demo_builds_the_demo_story_and_is_safe_to_rerun(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    team = Team.objects.get(name="Demo CX team")
    assert team.memberships.count() == 6
    current = Assessment.objects.get(team=team, title="Q4 2026 review")
    earlier = Assessment.objects.get(team=team, title="Q2 2026 review")
    assert current.is_open and not earlier.is_open
    assert Scorecard.objects.filter(assessment=current).count() == 6
    assert Scorecard.objects.filter(assessment=earlier).count() == 6
    responses = CustomerResponse.objects.filter(survey__assessment=current)
    assert responses.count() == 300
    generations = set(responses.values_list("generation", flat=True))
    assert {g.value for g in Generation} - {"prefer-not-to-say"} <= generations
    assert "lead / demo-pass-2026" in out.getvalue()
