"""WSGI entry point (gunicorn config.wsgi).

Rate-limited clients that keep asking are refused before Django (``core.refusals``); anonymous
reads of the API skip the session's middleware (``core.anonymous_reads``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

django_application = get_wsgi_application()

from core.anonymous_reads import AnonymousApiReads  # noqa: E402  (needs the settings above)
from core.refusals import RefusalMemo  # noqa: E402

application = RefusalMemo(AnonymousApiReads(django_application))
