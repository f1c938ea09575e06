"""The check-up, planning and benefits models leave this app for services.checkups,
services.planning and services.benefits. No table changes: this app forgets the models (state
only), their content types (and so their permissions and admin history) move to the new app
labels, and the new apps' first migrations take the same tables over (state only too)."""

from django.db import migrations

NEW_HOMES = {
    "checkups": ["checkupkind", "van", "checkupevent", "booking"],
    "planning": ["tourproposal"],
    "benefits": ["occupation", "benefitscheme"],
}


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for label, models in NEW_HOMES.items():
        ContentType.objects.filter(app_label="services", model__in=models).update(app_label=label)


def return_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for label, models in NEW_HOMES.items():
        ContentType.objects.filter(app_label=label, model__in=models).update(app_label="services")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("services", "0008_occupation_synonyms_that_over_match"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel("Booking"),
                migrations.DeleteModel("CheckupEvent"),
                migrations.DeleteModel("Van"),
                migrations.DeleteModel("CheckupKind"),
                migrations.DeleteModel("TourProposal"),
                migrations.DeleteModel("BenefitScheme"),
                migrations.DeleteModel("Occupation"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, return_content_types),
    ]
