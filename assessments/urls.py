from django.urls import path

from .views import (
    accounts,
    dashboard,
    diagnostic,
    export_jobs,
    imports,
    pages,
    reports,
    rounds,
    survey,
    teams,
)

app_name = "assessments"

urlpatterns = [
    path("", pages.home, name="home"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/signup/sent/", accounts.signup_sent, name="signup_sent"),
    path("accounts/activate/<str:uidb64>/<str:token>/", accounts.activate, name="activate"),
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
    path("teams/<int:pk>/dashboard/", dashboard.team_dashboard, name="team_dashboard"),
    path("teams/<int:pk>/dashboard/target/", dashboard.set_target, name="metric_target"),
    path("teams/<int:pk>/dashboard/month/", dashboard.add_month, name="metric_month"),
    path("teams/<int:pk>/dashboard/import/", dashboard.import_months, name="metric_import"),
    path("teams/<int:pk>/dashboard/metrics.<str:fmt>", dashboard.export, name="metric_export"),
    path("teams/<int:pk>/metrics.json", dashboard.metrics_json, name="metrics_json"),
    path("join/<str:token>/", teams.team_join, name="join"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round"),
    path("rounds/<int:pk>/state/", rounds.round_set_open, name="round_set_open"),
    path("rounds/<int:pk>/remind/", rounds.round_remind, name="round_remind"),
    path("rounds/<int:pk>/scorecard/", rounds.scorecard_edit, name="scorecard"),
    path(
        "rounds/<int:pk>/scorecards/<int:scorecard_id>/statistics/",
        rounds.scorecard_statistics,
        name="scorecard_statistics",
    ),
    path("rounds/<int:pk>/diagnostic/", diagnostic.diagnostic_answer, name="diagnostic"),
    path(
        "rounds/<int:pk>/diagnostic/export.<str:fmt>", diagnostic.export, name="diagnostic_export"
    ),
    path(
        "rounds/<int:pk>/diagnostic/actions/<int:question_id>/owner/",
        diagnostic.next_action_owner,
        name="next_action_owner",
    ),
    path("rounds/<int:pk>/scorecard/result/", rounds.scorecard_result, name="scorecard_result"),
    path("rounds/<int:pk>/comparison/", rounds.comparison, name="comparison"),
    path("rounds/<int:pk>/report/", reports.report, name="report"),
    path("rounds/<int:pk>/report.json", reports.report_json, name="report_json"),
    path("rounds/<int:pk>/export/<str:name>.<str:fmt>", reports.export, name="export"),
    path("rounds/<int:pk>/exports/<int:job_id>/", export_jobs.export_job, name="export_job"),
    path(
        "rounds/<int:pk>/exports/<int:job_id>/download/",
        export_jobs.export_download,
        name="export_download",
    ),
    path("rounds/<int:pk>/survey/", survey.survey_manage, name="survey"),
    path("rounds/<int:pk>/survey/start/", survey.survey_start, name="survey_start"),
    path("rounds/<int:pk>/survey/settings/", survey.survey_settings, name="survey_settings"),
    path("rounds/<int:pk>/survey/state/", survey.survey_set_open, name="survey_set_open"),
    path("rounds/<int:pk>/survey/link/", survey.survey_regenerate_link, name="survey_link"),
    path("rounds/<int:pk>/survey/qr.svg", survey.survey_qr, name="survey_qr"),
    path("rounds/<int:pk>/survey/poster/", survey.survey_poster, name="survey_poster"),
    path("rounds/<int:pk>/survey/import/", imports.survey_import, name="survey_import"),
    path(
        "rounds/<int:pk>/survey/import/<str:token>/check/",
        imports.survey_import_review,
        name="survey_import_review",
    ),
    path(
        "rounds/<int:pk>/survey/import/<str:token>/",
        imports.survey_import_job,
        name="survey_import_job",
    ),
    path(
        "rounds/<int:pk>/survey/import/<str:token>/status.json",
        imports.survey_import_status,
        name="survey_import_status",
    ),
    path(
        "rounds/<int:pk>/survey/import/<str:token>/cancel/",
        imports.survey_import_cancel,
        name="survey_import_cancel",
    ),
    path(
        "rounds/<int:pk>/survey/import-template.<str:fmt>",
        survey.survey_template,
        name="survey_template",
    ),
]
