"""The admin's map widget with OpenLayers from yizhan's own static files (Django's widget loads
it from a CDN, so the admin map would be blank offline)."""

from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.forms import OSMWidget


class LocalOSMWidget(OSMWidget):
    class Media:
        extend = False
        css = {"all": ("maps/vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("maps/vendor/ol/ol.js", "gis/js/OLMapWidget.js")


class LocalMapAdmin(GISModelAdmin):
    """GeoDjango's admin with the local map widget."""

    gis_widget = LocalOSMWidget
