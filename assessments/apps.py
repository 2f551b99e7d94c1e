from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = _("CX assessments")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import versions
        from .languages import restore_language

        versions.connect()
        user_logged_in.connect(restore_language, dispatch_uid="cxpillars.restore_language")
