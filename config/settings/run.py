"""`make run`: the production settings, served by uWSGI on this machine's loopback over
plain HTTP with the demo data (what the benchmark measures, less TLS). Secrets come from the
environment, which scripts/serve.sh fills from var/run-secrets.env (made once, kept)."""

from .production import *  # noqa: F403

# Plain HTTP on 127.0.0.1: no redirect to HTTPS, cookies that a browser keeps over HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_PRELOAD = False
YIZHAN_DEMO = True  # the demo data may be booked (it says it is invented)
