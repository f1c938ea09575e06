"""A city's latest change in one index lookup (is its coverage map still true?)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0012_national_regions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="station",
            index=models.Index(fields=["city", "updated_at"], name="station_city_updated_at"),
        ),
    ]
