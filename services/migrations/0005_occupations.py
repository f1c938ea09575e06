"""Seed the occupation catalogue (the reports' new forms of employment and other outdoor work),
with the names workers use for each in Chinese and English."""

from django.db import migrations

OCCUPATIONS = [
    # code, 中文, English, synonyms
    ("food_delivery_rider", "外卖骑手", "Food-delivery rider",
     ["网约配送员", "外卖员", "送餐员", "骑手", "外卖小哥", "delivery rider", "food courier", "rider"]),
    ("courier", "快递员", "Courier", ["快递小哥", "快递", "parcel courier", "express courier"]),
    ("ride_hailing_driver", "网约车司机", "Ride-hailing driver",
     ["网约车驾驶员", "网约车", "专车司机", "ride hailing driver", "didi driver"]),
    ("freight_driver", "网约货车司机", "Online freight driver",
     ["网络货运司机", "网约货运司机", "online freight driver", "app freight driver"]),
    ("truck_driver", "货车司机", "Truck driver", ["卡车司机", "货运司机", "lorry driver", "trucker"]),
    ("domestic_worker", "家政服务员", "Domestic worker",
     ["家政工", "家政", "保姆", "月嫂", "housekeeper", "domestic helper"]),
    ("care_worker", "护工护理员", "Care worker", ["护工", "护理员", "carer", "caregiver"]),
    ("security_guard", "保安员", "Security guard", ["保安", "guard"]),
    ("construction_worker", "建筑劳务工", "Construction labourer",
     ["建筑工人", "建筑工", "农民工", "construction labourer", "builder"]),
    ("sanitation_worker", "环卫工人", "Sanitation worker",
     ["环卫工", "清洁工", "street cleaner", "street sweeper"]),
]  # fmt: skip


def seed(apps, schema_editor):
    Occupation = apps.get_model("services", "Occupation")
    for order, (code, name, name_en, synonyms) in enumerate(OCCUPATIONS):
        Occupation.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "synonyms": synonyms, "sort_order": order},
        )


def unseed(apps, schema_editor):
    apps.get_model("services", "Occupation").objects.filter(
        code__in=[row[0] for row in OCCUPATIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0004_benefit_schemes")]

    operations = [migrations.RunPython(seed, unseed)]
