"""Demo data is said to be demo data wherever a person meets it: the same words everywhere."""

from django.utils.translation import gettext_lazy as _

DEMO_LABEL = _("(demo data)")
"""After the name of an invented station, event, van or claim point."""

DEMO_BOOKING = _(
    "A demo booking of an invented event: no check-up will take place. Do not go there."
)

DEMO_NOTICE = _("Demo data: places and events are simulated. Do not go there.")
"""The banner of every page while the database holds demo rows, and the first line of a demo
event's calendar entry."""
