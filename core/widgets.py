"""The admin's map widget with OpenLayers from yizhan's own static files (Django's widget loads
it from a CDN, so the admin map would be blank offline), started by a static script (Django's
template starts it with an inline script, which the Content-Security-Policy forbids)."""

import json
from typing import Any

from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.forms import OSMWidget


class LocalOSMWidget(OSMWidget):
    template_name = "core/widgets/openlayers-osm.html"

    class Media:
        extend = False
        css = {"all": ("core/vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("core/vendor/ol/ol.js", "gis/js/OLMapWidget.js", "core/js/admin_map.js")

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        options = {
            "geom_name": context["geom_type"],
            "id": context.get("id"),
            "map_id": f"{context.get('id')}_map",
            "map_srid": context["map_srid"],
            "name": context["name"],
            "default_lon": context["default_lon"],
            "default_lat": context["default_lat"],
            "default_zoom": context["default_zoom"],
        }
        context["map_options"] = json.dumps(options)
        return context


class LocalMapAdmin(GISModelAdmin):
    """GeoDjango's admin with the local map widget."""

    gis_widget = LocalOSMWidget
