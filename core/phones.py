"""Mainland mobile numbers: read as workers type them, kept only as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.utils.crypto import salted_hmac

# Mainland China mobile numbers: 11 digits from 13x–19x, optionally written with +86 / 0086 /
# 86 and spaces or dashes.
MOBILE = re.compile(r"1[3-9]\d{9}")


def normalise_mobile(raw: str) -> str | None:
    """The 11-digit mainland mobile number in ``raw``, or None when it is not one."""
    digits = re.sub(r"[\s\-()]", "", raw)
    digits = re.sub(r"^(\+86|0086|86)(?=1\d{10}$)", "", digits)
    return digits if MOBILE.fullmatch(digits) else None


def phone_digests(phone: str, event_id: int) -> list[str]:
    """The keyed hashes that a booking of ``phone`` at this event may carry, the current key's
    first: HMAC-SHA256 under each of ``YIZHAN_PHONE_HASH_KEYS`` (the first hashes new
    bookings; older ones still match bookings made before a rotation), then the scheme of
    releases before those keys (under DJANGO_SECRET_KEY). The event is part of the message, so
    the same number at two events gives unrelated hashes: the database alone does not link a
    worker's bookings."""
    message = f"{event_id}:{phone}".encode()
    digests = [
        hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
        for key in settings.YIZHAN_PHONE_HASH_KEYS
    ]
    legacy = salted_hmac("yizhan.booking.phone", phone, algorithm="sha256").hexdigest()
    return [*digests, legacy]
