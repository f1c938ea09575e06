"""The nearest upcoming search's index: location and start, scheduled events only."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import BtreeGistExtension
import stations.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checkups", "0003_booking_archive"),
        ("stations", "0012_national_regions"),
    ]

    operations = [
        BtreeGistExtension(),  # a GiST index over a timestamp
        migrations.RemoveIndex(
            model_name="checkupevent",
            name="checkupevent_location_knn",
        ),
        migrations.AddIndex(
            model_name="checkupevent",
            index=django.contrib.postgres.indexes.GistIndex(
                models.Func(
                    stations.models.PointX("location"),
                    stations.models.PointY("location"),
                    function="point",
                ),
                models.F("starts_at"),
                condition=models.Q(("status", "scheduled")),
                name="checkupevent_upcoming_knn",
            ),
        ),
    ]
