"""Writes with their rules for check-ups: bookings that never over-book."""

from __future__ import annotations

import re
import secrets

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from services.models import Booking, CheckupEvent

# Mainland China mobile numbers: 11 digits from 13x–19x, optionally written with +86 / 0086 /
# 86 and spaces or dashes.
MOBILE = re.compile(r"1[3-9]\d{9}")
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L


class BookingRefused(Exception):
    """The booking (or its cancellation) cannot be done; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def normalise_mobile(raw: str) -> str | None:
    """The 11-digit mainland mobile number in ``raw``, or None when it is not one."""
    digits = re.sub(r"[\s\-()]", "", raw)
    digits = re.sub(r"^(\+86|0086|86)(?=1\d{10}$)", "", digits)
    return digits if MOBILE.fullmatch(digits) else None


def phone_digest(phone: str) -> str:
    """A keyed hash of the phone number (HMAC-SHA256 under the project's SECRET_KEY): enough to
    recognise the number again, useless for reading it back."""
    return salted_hmac("yizhan.booking.phone", phone, algorithm="sha256").hexdigest()


def _new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _why_no_place(event_id: int) -> BookingRefused:
    event = CheckupEvent.objects.filter(pk=event_id).first()
    if event is None:
        return BookingRefused(str(_("No such check-up event.")), status=404)
    if event.status == CheckupEvent.Status.CANCELLED:
        return BookingRefused(str(_("This check-up event has been cancelled.")))
    if event.status == CheckupEvent.Status.DONE or event.starts_at <= timezone.now():
        return BookingRefused(str(_("This check-up event has already started or taken place.")))
    return BookingRefused(str(_("No places left.")))


@transaction.atomic
def booking_create(*, event_id: int, phone: str) -> Booking:
    """Take a place and record the booking, all or nothing. The place is taken by one
    conditional UPDATE (the row lock serialises concurrent bookers and each re-checks
    ``booked < capacity``), so an event is never over-booked."""
    digest = phone_digest(phone)
    if Booking.objects.filter(event_id=event_id, phone_hash=digest, cancelled_at=None).exists():
        raise BookingRefused(str(_("This phone number already has a place at this event.")))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE services_checkupevent SET booked = booked + 1, updated_at = now()"
            " WHERE id = %s AND status = 'scheduled' AND starts_at > now()"
            " AND booked < capacity",
            [event_id],
        )
        if cursor.rowcount == 0:
            raise _why_no_place(event_id)
    try:
        with transaction.atomic():
            return Booking.objects.create(
                event_id=event_id,
                reference=_new_reference(),
                phone_hash=digest,
                phone_last4=phone[-4:],
            )
    except IntegrityError as error:  # the same phone booked at the same moment; place given back
        raise BookingRefused(
            str(_("This phone number already has a place at this event."))
        ) from error


@transaction.atomic
def booking_cancel(*, event_id: int, reference: str, phone: str) -> Booking:
    """Cancel a live booking, given its reference and the phone number it was made with, and
    give its place back."""
    booking = (
        Booking.objects.select_for_update()
        .filter(event_id=event_id, reference=reference.upper(), cancelled_at=None)
        .first()
    )
    if booking is None or booking.phone_hash != phone_digest(phone):
        raise BookingRefused(
            str(_("No live booking with this reference and phone number.")), status=404
        )
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["cancelled_at"])
    CheckupEvent.objects.filter(pk=event_id, booked__gt=0).update(
        booked=F("booked") - 1, updated_at=timezone.now()
    )
    return booking
