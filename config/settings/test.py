"""Test run: only speed-ups over base."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Kept apart from a development server's exports (the worker process of a test reads this too).
YIZHAN_EXPORT_DIR = str(BASE_DIR / "var" / "test-exports")  # noqa: F405
