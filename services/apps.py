from django.apps import AppConfig


class ServicesConfig(AppConfig):
    """The migrations that made the check-up, planning and benefits tables when they were one
    app. Kept so that every database, old or new, migrates in place: the tables keep their
    names and the three apps take them over without moving a row (migration 0009)."""

    name = "services"
    verbose_name = "services (migration history)"
