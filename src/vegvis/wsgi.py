"""WSGI entry point for production servers (gunicorn vegvis.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vegvis.settings")
application = get_wsgi_application()
