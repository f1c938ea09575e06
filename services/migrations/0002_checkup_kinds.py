"""Seed the check-up kinds (the unions'
prevention services and Gansu's health caravan, as reported by Workers' Daily and the Gansu union).
Later changes to the catalogue come as new migrations."""

from django.db import migrations

KINDS = [
    # code, 中文, English
    ("general_checkup", "健康体检", "General health check-up"),
    ("two_cancer_screening", "两癌筛查", "Two-cancer screening (cervical and breast)"),
    ("major_disease_screening", "大病筛查", "Major-disease screening"),
    ("tcm_clinic", "中医义诊", "Free TCM clinic"),
    ("counselling", "心理咨询", "Psychological counselling"),
    ("first_aid_training", "急救与AED培训", "First-aid and AED training"),
    ("safety_repair", "免费安全检修", "Free safety repair"),
]


def seed(apps, schema_editor):
    CheckupKind = apps.get_model("services", "CheckupKind")
    for order, (code, name, name_en) in enumerate(KINDS):
        CheckupKind.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


def unseed(apps, schema_editor):
    apps.get_model("services", "CheckupKind").objects.filter(
        code__in=[code for code, _, _ in KINDS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0001_checkups")]

    operations = [migrations.RunPython(seed, unseed)]
