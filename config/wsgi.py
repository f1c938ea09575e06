"""WSGI entry point (gunicorn config.wsgi).

Rate-limited clients that keep asking are refused before Django (``core.refusals``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

django_application = get_wsgi_application()

from core.refusals import RefusalMemo  # noqa: E402  (needs the settings loaded above)

application = RefusalMemo(django_application)
