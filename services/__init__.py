"""The services workers come to a station for, one app each: ``services.checkups`` (check-up
kinds, vans, events, bookings, calendars, van-visit rules), ``services.planning`` (van-tour
problems, planners, proposals) and ``services.benefits`` (occupations, schemes, the evaluator,
claim points). The ``services`` app itself keeps only the migration history of their tables."""
