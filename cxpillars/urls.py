from django.contrib import admin
from django.urls import include, path

from assessments.views import language, survey

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", language.choose_language, name="set_language"),
    # The public survey lives outside the app namespace: short, stable links for customers.
    path("s/<str:token>/", survey.public_survey, name="survey_public"),
    path("s/<str:token>/thanks/", survey.survey_thanks, name="survey_thanks"),
    path("", include("assessments.urls")),
]
