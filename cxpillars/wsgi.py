"""WSGI entry point, used by gunicorn: ``gunicorn cxpillars.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxpillars.settings")

application = get_wsgi_application()
