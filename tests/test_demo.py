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


def test_demo_rounds_tell_how_the_team_moved_closer_to_its_customers(db):
    from assessments.gap_report import gap_report
    from assessments.reporting import load_round

    call_command("seed_demo", stdout=StringIO())
    team = Team.objects.get(name="Demo CX team")
    q2 = Assessment.objects.get(team=team, title="Q2 2026 review")
    q4 = Assessment.objects.get(team=team, title="Q4 2026 review")

    def mean_ranks(assessment):
        cards = load_round(assessment).cards
        slugs = cards[0].ranks.keys()
        return {s: sum(c.ranks[s] for c in cards) / len(cards) for s in slugs}

    before, after = mean_ranks(q2), mean_ranks(q4)
    assert before != after  # the rounds are no longer copies of each other
    moved = {s for s in before if before[s] - after[s] >= 2}
    assert moved == {"friction", "customer-service"}
    # Customers rank these two high, so the team's order is now closer to the customers'.
    rho_q2 = gap_report(q2).spearman.coefficient
    rho_q4 = gap_report(q4).spearman.coefficient
    assert rho_q4 > rho_q2
