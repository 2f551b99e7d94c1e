from django.urls import path

from .views import accounts, pages, rounds, teams

app_name = "assessments"

urlpatterns = [
    path("", pages.home, name="home"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("teams/", teams.dashboard, name="dashboard"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:pk>/", teams.team_detail, name="team"),
    path("teams/<int:pk>/invite/", teams.team_invite, name="team_invite"),
    path("teams/<int:pk>/join-link/", teams.team_regenerate_link, name="team_regenerate_link"),
    path(
        "teams/<int:pk>/members/<int:membership_id>/remove/",
        teams.member_remove,
        name="member_remove",
    ),
    path("teams/<int:pk>/members/<int:membership_id>/role/", teams.member_role, name="member_role"),
    path("teams/<int:pk>/rounds/new/", rounds.round_create, name="round_create"),
    path("join/<str:token>/", teams.team_join, name="join"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/state/", rounds.round_set_open, name="round_set_open"),
    path("rounds/<int:pk>/scorecard/", rounds.scorecard_edit, name="scorecard"),
    path("rounds/<int:pk>/scorecard/result/", rounds.scorecard_result, name="scorecard_result"),
    path("rounds/<int:pk>/comparison/", rounds.comparison, name="comparison"),
    path("rounds/<int:pk>/report.json", rounds.report_json, name="report_json"),
]
