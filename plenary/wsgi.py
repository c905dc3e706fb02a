"""WSGI entry point, for a WSGI server placed in front of the pages alone."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenary.settings")
application = get_wsgi_application()
