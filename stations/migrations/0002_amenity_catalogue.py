"""Seed the amenity catalogue. Later changes to the catalogue come as new migrations."""

from django.db import migrations

CATALOGUE = [
    # code, 中文, English, icon
    ("seating", "休息座椅", "Rest seating", "chair"),
    ("drinking_water", "饮用水", "Drinking water", "water"),
    ("hot_water", "热水", "Hot water", "mug-hot"),
    ("phone_charging", "手机充电", "Phone charging", "mobile"),
    ("ebike_charging", "电动车充电", "E-bike charging", "charging-station"),
    ("battery_swap", "电池换电", "Battery swap", "battery-full"),
    ("microwave", "微波炉", "Microwave", "fire"),
    ("free_meal", "爱心餐", "Free meal", "utensils"),
    ("toilet", "卫生间", "Toilet", "restroom"),
    ("cooling", "空调降温", "Air-conditioning and cooling", "snowflake"),
    ("heating", "取暖", "Heating", "temperature-high"),
    ("first_aid", "急救药箱", "First-aid kit", "kit-medical"),
    ("aed", "AED除颤仪", "AED defibrillator", "heart-pulse"),
    ("wifi", "无线网络", "Wi-Fi", "wifi"),
    ("rain_gear", "雨具借用", "Rain gear lending", "umbrella"),
    ("repair_tools", "维修工具", "Repair tools", "screwdriver-wrench"),
    ("reading", "阅读角", "Reading corner", "book-open"),
    ("legal_aid", "法律援助", "Legal aid", "scale-balanced"),
    ("counselling", "心理咨询", "Counselling", "comments"),
]


def seed(apps, schema_editor):
    Amenity = apps.get_model("stations", "Amenity")
    for order, (code, name, name_en, icon) in enumerate(CATALOGUE):
        Amenity.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "icon": icon, "sort_order": order},
        )


def unseed(apps, schema_editor):
    apps.get_model("stations", "Amenity").objects.filter(code__in=[c[0] for c in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
