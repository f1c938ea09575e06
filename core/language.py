"""The product speaks Chinese first and English second: which of the two a reader gets."""

from django.utils.translation import get_language


def is_english(language: str | None = None) -> bool:
    """Whether ``language`` (by default the active one) is English; any other reads Chinese."""
    return (language or get_language() or "").startswith("en")
