"""Production settings, plus the textbook endpoint, for the benchmark's server."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STATICFILES_DIRS = [BASE_DIR / "bench" / "static"]  # noqa: F405  # the textbook coverage page
