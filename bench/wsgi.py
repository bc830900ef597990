"""WSGI application for the benchmarks (``gunicorn bench.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

# Always the bench settings, even if the shell exports the project's DJANGO_SETTINGS_MODULE.
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

application = get_wsgi_application()
