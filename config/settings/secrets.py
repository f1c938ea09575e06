"""Production refuses to start with a secret anyone could guess."""

from django.core.exceptions import ImproperlyConfigured

MIN_LENGTH = 50
MIN_DISTINCT_CHARACTERS = 5


def require_strong_secret(name: str, value: str) -> str:
    """``value`` when it is long and varied enough to be a real secret (Django's own test for
    SECRET_KEY: 50 characters, 5 different, no development prefix); else the process stops,
    naming the setting."""
    weak = (
        len(value) < MIN_LENGTH
        or len(set(value)) < MIN_DISTINCT_CHARACTERS
        or value.startswith(("django-insecure", "insecure-"))
    )
    if weak:
        raise ImproperlyConfigured(
            f"{name} is too weak for production: give at least {MIN_LENGTH} random characters "
            f"(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return value
