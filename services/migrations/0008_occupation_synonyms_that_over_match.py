"""Two synonyms matched more workers than their schemes cover: Shenzhen's “建工守护” is for
建筑劳务工人 and “环卫守护” for 市政环卫工人 (《工人日报》, 9 April 2024), but 农民工 names any
migrant worker and 清洁工 any cleaner (an office cleaner is not a municipal sanitation worker)."""

from django.db import migrations

OVER_MATCHING = {"construction_worker": ["农民工"], "sanitation_worker": ["清洁工"]}


def drop(apps, schema_editor):
    Occupation = apps.get_model("services", "Occupation")
    for code, names in OVER_MATCHING.items():
        occupation = Occupation.objects.filter(code=code).first()
        if occupation is not None:
            occupation.synonyms = [s for s in occupation.synonyms if s not in names]
            occupation.save(update_fields=["synonyms"])


def restore(apps, schema_editor):
    Occupation = apps.get_model("services", "Occupation")
    for code, names in OVER_MATCHING.items():
        occupation = Occupation.objects.filter(code=code).first()
        if occupation is not None:
            occupation.synonyms = [*occupation.synonyms, *names]
            occupation.save(update_fields=["synonyms"])


class Migration(migrations.Migration):
    dependencies = [("services", "0007_scheme_sources_paid_cases")]

    operations = [migrations.RunPython(drop, restore)]
