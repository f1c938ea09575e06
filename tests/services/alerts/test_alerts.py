"""Weather warnings from CAP 1.2 files (written here after the standard's examples): parsed,
matched to districts, checked whole before anything is saved, updated and cancelled; and the
warnings in force at a point, with what to do."""

import datetime as dt
import io
import re

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from core.roles import Role
from services.alerts.cap import CapError, parse_cap
from services.alerts.models import WeatherAlert
from tests.stations.factories import AdminAreaFactory, UserFactory

pytestmark = pytest.mark.django_db

NANSHAN = (113.88, 22.48, 113.96, 22.56)
FUTIAN = (113.99, 22.49, 114.02, 22.51)


def cap(
    identifier: str = "44030041600000_20260720100000",
    *,
    msg_type: str = "Alert",
    headline: str = "深圳市南山区气象台发布高温橙色预警信号",
    event: str = "高温",
    severity: str = "Severe",
    area: str = "<areaDesc>南山区</areaDesc>",
    references: str = "",
    hours: float = 6,
) -> bytes:
    now = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0)
    sent = (now - dt.timedelta(minutes=5)).isoformat()
    expires = (now + dt.timedelta(hours=hours)).isoformat()
    info = (
        ""
        if msg_type == "Cancel"
        else f"""
  <info>
    <language>zh-CN</language><category>Met</category><event>{event}</event>
    <urgency>Immediate</urgency><severity>{severity}</severity><certainty>Likely</certainty>
    <effective>{sent}</effective><expires>{expires}</expires>
    <senderName>深圳市南山区气象台</senderName><headline>{headline}</headline>
    <description>预计今天白天最高气温将升至37℃以上。</description>
    <instruction>户外作业人员请注意防暑降温。</instruction>
    <area>{area}</area>
  </info>"""
    )
    refs = f"<references>{references}</references>" if references else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier><sender>sz.weather@example.cn</sender>
  <sent>{sent}</sent><status>Actual</status><msgType>{msg_type}</msgType><scope>Public</scope>
  {refs}{info}
</alert>""".encode()


@pytest.fixture
def districts():
    nanshan = AdminAreaFactory(
        code="440305", name="南山区", boundary=MultiPolygon(Polygon.from_bbox(NANSHAN), srid=4326)
    )
    futian = AdminAreaFactory(code="440304", name="福田区")
    return nanshan, futian


def test_a_cap_warning_is_read_with_its_kind_level_and_area():
    alert = parse_cap(cap())
    assert (alert.kind, alert.level, alert.district_names) == ("heat", "orange", ["南山区"])
    assert alert.expires > alert.effective
    cold = parse_cap(cap(headline="寒潮蓝色预警", event="寒潮", severity="Minor"))
    assert (cold.kind, cold.level) == ("cold", "blue")
    assert parse_cap(cap(headline="", event="暴雨", severity="Extreme")).level == "red"


@pytest.mark.parametrize(
    ("document", "said"),
    [
        (b"<alert>", "not well-formed"),
        (b"<alert xmlns='urn:x'/>", "not a CAP 1.2"),
        (cap().replace(b"<msgType>Alert", b"<msgType>Maybe"), "msgType"),
        (cap(headline="", severity="Bad"), "severity"),
        (cap(area="<polygon>22.5,113.9 22.6,113.9</polygon>"), "areaDesc"),
        (cap(msg_type="Update"), "references"),
        (
            b'<!DOCTYPE x [<!ENTITY a "aaaa">]>'
            b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">&a;</alert>',
            "not well-formed",
        ),
    ],
)
def test_a_file_that_is_not_a_usable_warning_says_why(document, said):
    with pytest.raises(CapError, match=said):
        parse_cap(document)


def write(folder, name: str, data: bytes):
    path = folder / name
    path.write_bytes(data)
    return path


def test_import_checks_every_file_before_saving_any(districts, tmp_path):
    write(tmp_path, "a.xml", cap("one"))
    write(tmp_path, "b.xml", cap("two", area="<areaDesc>火星区</areaDesc>"))
    with pytest.raises(CommandError, match=re.escape("b.xml: <areaDesc> '火星区' names no")):
        call_command("import_alerts", tmp_path)
    assert not WeatherAlert.objects.exists()


def test_update_replaces_and_cancel_cancels(districts, tmp_path):
    out = io.StringIO()
    call_command("import_alerts", write(tmp_path, "1.xml", cap("one")), stdout=out)
    call_command("import_alerts", write(tmp_path, "1.xml", cap("one")), stdout=out)
    update = cap(
        "two",
        msg_type="Update",
        headline="深圳市南山区气象台高温预警信号升级为红色",
        references="sz.weather@example.cn,one,2026-07-20T10:00:00+08:00",
    )
    call_command("import_alerts", write(tmp_path, "2.xml", update), stdout=out)
    assert out.getvalue().splitlines() == [
        "1 warnings imported, 0 already present, 0 cancelled or replaced.",
        "0 warnings imported, 1 already present, 0 cancelled or replaced.",
        "1 warnings imported, 0 already present, 1 cancelled or replaced.",
    ]
    live = WeatherAlert.objects.get(cancelled_at=None)
    assert (live.identifier, live.level) == ("two", "red")
    cancel = cap(
        "three", msg_type="Cancel", references="sz.weather@example.cn,two,2026-07-20T10:00:00+08:00"
    )
    call_command("import_alerts", write(tmp_path, "3.xml", cancel), stdout=out)
    assert not WeatherAlert.objects.filter(cancelled_at=None).exists()


def alerts_at(lat: float, lon: float, language: str = "zh-hans") -> list[dict]:
    answer = Client(HTTP_ACCEPT_LANGUAGE=language).get("/api/v1/alerts/", {"lat": lat, "lon": lon})
    assert answer.status_code == 200
    return answer.json()["alerts"]


def test_the_warning_is_in_force_in_its_district_only_and_says_what_to_do(districts, tmp_path):
    call_command("import_alerts", write(tmp_path, "a.xml", cap()), stdout=io.StringIO())
    [alert] = alerts_at(22.52, 113.93)  # in 南山
    assert (alert["kind"], alert["level"]) == ("heat", "orange")
    assert alert["title"] == "橙色高温预警"
    assert "补水" in alert["advice"] or "喝水" in alert["advice"]
    assert alerts_at(22.50, 114.0) == []  # in 福田
    with translation.override("en"):
        [english] = alerts_at(22.52, 113.93, "en")
    assert english["title"] == "orange heat warning"
    for alert in WeatherAlert.objects.all():  # ended early, by hand in the admin
        alert.effective, alert.expires = alert.effective - dt.timedelta(hours=2), timezone.now()
        alert.save()
    assert alerts_at(22.52, 113.93) == []  # expired


def test_a_polygon_alone_is_an_area(tmp_path):
    ring = "22.50,113.90 22.50,113.95 22.55,113.95 22.55,113.90 22.50,113.90"
    area = f"<areaDesc>深圳湾沿岸</areaDesc><polygon>{ring}</polygon>"
    call_command("import_alerts", write(tmp_path, "p.xml", cap(area=area)), stdout=io.StringIO())
    assert [a["level"] for a in alerts_at(22.52, 113.93)] == ["orange"]
    assert alerts_at(22.60, 113.93) == []


def test_a_position_that_is_not_one_is_400_naming_the_field():
    answer = Client().get("/api/v1/alerts/", {"lat": 100, "lon": 113.9})
    assert answer.status_code == 400 and "lat" in answer.json()["errors"]


def test_an_administrator_imports_cap_files_in_the_admin(districts):
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    url = "/admin/alerts/weatheralert/import/"
    assert "Import CAP files" in admin.get("/admin/alerts/weatheralert/").content.decode()
    bad = admin.post(
        url,
        {
            "files": [
                SimpleUploadedFile("good.xml", cap("g")),
                SimpleUploadedFile("bad.xml", b"<alert>"),
            ]
        },
    )
    assert bad.status_code == 200 and "bad.xml: not well-formed" in bad.content.decode()
    assert not WeatherAlert.objects.exists()  # nothing saved when a file is refused
    good = admin.post(url, {"files": [SimpleUploadedFile("good.xml", cap("g"))]})
    assert good.status_code == 302 and WeatherAlert.objects.get().identifier == "g"
    manager = Client()
    manager.force_login(UserFactory(roles=[Role.STATION_MANAGER]))
    assert manager.post(url, {"files": [SimpleUploadedFile("x.xml", cap("x"))]}).status_code in (
        302,
        403,
    )
    assert WeatherAlert.objects.count() == 1


def test_a_warning_for_a_whole_city_covers_each_of_its_counties(tmp_path):
    from stations.models import AdminArea
    from stations.services import national_boundaries_load

    national_boundaries_load(only=["620900", "620902", "620982", "620100", "620102"])
    path = write(tmp_path, "jiuquan.xml", cap(
        "jq", headline="酒泉市气象台发布高温黄色预警信号", area="<areaDesc>酒泉市</areaDesc>"
    ))  # fmt: skip
    call_command("import_alerts", path, stdout=io.StringIO())
    alert = WeatherAlert.objects.get(identifier="jq")
    assert sorted(alert.districts.values_list("name", flat=True)) == ["敦煌市", "肃州区"]
    assert AdminArea.objects.filter(city="兰州市").exists()  # loaded, and not under it
