"""WSGI entry point, used by gunicorn: ``gunicorn cxpillars.wsgi``."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxpillars.settings")

application = get_wsgi_application()
# Everything loaded so far (Django, the app, the catalogues) lives as long as the worker: keep it
# out of the collector's full passes, which otherwise walk it during requests.
gc.freeze()
