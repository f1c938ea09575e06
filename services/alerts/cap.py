"""Reading weather warnings in the Common Alerting Protocol, version 1.2 (OASIS), the format of
China's national early-warning release system: one ``<alert>`` per file, its first ``<info>``
read. Pure: no database, nothing fetched (defusedxml refuses entities and external references).

The kind comes from the event's name (高温 → heat; 寒潮, 低温, 冰冻, 霜冻 → cold; 暴雨 → rain), the
level from the colour in the headline or event (蓝色/黄色/橙色/红色), else from the severity
(Minor/Moderate/Severe/Extreme). An area is districts named in ``<areaDesc>`` or coded in a
``<geocode>`` (the adcode), or a ``<polygon>`` ("lat,lon lat,lon …", closed)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
KINDS = [
    ("heat", ("高温", "heat", "high temperature")),
    ("cold", ("寒潮", "低温", "冰冻", "霜冻", "cold")),
    ("rain", ("暴雨", "rainstorm")),
]
COLOURS = {"蓝色": "blue", "黄色": "yellow", "橙色": "orange", "红色": "red"}
COLOURS_EN = {"blue": "blue", "yellow": "yellow", "orange": "orange", "red": "red"}
SEVERITIES = {"Minor": "blue", "Moderate": "yellow", "Severe": "orange", "Extreme": "red"}
MESSAGE_TYPES = ("Alert", "Update", "Cancel")


class CapError(ValueError):
    """A file that is not a warning yizhan can use; the message names the element."""


@dataclass
class CapAlert:
    sender: str
    identifier: str
    sent: dt.datetime
    msg_type: str
    references: list[tuple[str, str]] = field(default_factory=list)
    """(sender, identifier) of the messages an Update or Cancel replaces."""
    event: str = ""
    kind: str = "other"
    level: str = ""
    sender_name: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    effective: dt.datetime | None = None
    expires: dt.datetime | None = None
    area_description: str = ""
    district_names: list[str] = field(default_factory=list)
    district_codes: list[str] = field(default_factory=list)
    polygons: list[list[tuple[float, float]]] = field(default_factory=list)
    """Rings of (lon, lat)."""


def _text(node, path: str, *, required: bool = False) -> str:
    found = node.find(path, NS)
    value = (found.text or "").strip() if found is not None else ""
    if required and not value:
        raise CapError(f"<{path.removeprefix('cap:')}> is missing")
    return value


def _moment(node, path: str, *, required: bool = False) -> dt.datetime | None:
    text = _text(node, path, required=required)
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise CapError(f"<{path.removeprefix('cap:')}> is not a date and time: {text!r}") from error
    if moment.tzinfo is None:
        raise CapError(f"<{path.removeprefix('cap:')}> has no time zone: {text!r}")
    return moment


def _kind(event: str) -> str:
    lowered = event.lower()
    return next((kind for kind, words in KINDS if any(w in lowered for w in words)), "other")


def _level(texts: list[str], severity: str) -> str:
    for text in texts:
        for word, level in COLOURS.items():
            if word in text:
                return level
        for word, level in COLOURS_EN.items():
            if re.search(rf"\b{word}\b", text.lower()):
                return level
    if severity in SEVERITIES:
        return SEVERITIES[severity]
    raise CapError("<severity> is none of Minor, Moderate, Severe, Extreme and no colour is named")


def _polygon(text: str) -> list[tuple[float, float]]:
    try:
        ring = [(float(lon), float(lat)) for lat, lon in (p.split(",") for p in text.split())]
    except ValueError as error:
        raise CapError(f"<polygon> is not 'lat,lon' pairs: {text[:60]!r}") from error
    if len(ring) < 4 or ring[0] != ring[-1]:
        raise CapError("<polygon> needs at least four points, the first repeated last")
    if not all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring):
        raise CapError("<polygon> has a point outside the globe")
    return ring


def parse_cap(data: bytes) -> CapAlert:
    """The warning in a CAP 1.2 document; CapError naming what is wrong otherwise."""
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise CapError(f"not well-formed XML: {error}") from error
    if root.tag != f"{{{NS['cap']}}}alert":
        raise CapError("the root element is not a CAP 1.2 <alert>")
    msg_type = _text(root, "cap:msgType", required=True)
    if msg_type not in MESSAGE_TYPES:
        raise CapError(f"<msgType> {msg_type!r} is none of Alert, Update, Cancel")
    alert = CapAlert(
        sender=_text(root, "cap:sender", required=True),
        identifier=_text(root, "cap:identifier", required=True),
        sent=_moment(root, "cap:sent", required=True),
        msg_type=msg_type,
    )
    for reference in _text(root, "cap:references").split():
        parts = reference.split(",")
        if len(parts) != 3:
            raise CapError(f"<references> entry is not 'sender,identifier,sent': {reference!r}")
        alert.references.append((parts[0], parts[1]))
    if msg_type != "Alert" and not alert.references:
        raise CapError(f"an {msg_type} needs <references>")
    if msg_type == "Cancel":
        return alert
    info = root.find("cap:info", NS)
    if info is None:
        raise CapError("<info> is missing")
    alert.event = _text(info, "cap:event", required=True)
    alert.kind = _kind(alert.event)
    alert.headline = _text(info, "cap:headline")
    alert.level = _level([alert.headline, alert.event], _text(info, "cap:severity"))
    alert.sender_name = _text(info, "cap:senderName")
    alert.description = _text(info, "cap:description")
    alert.instruction = _text(info, "cap:instruction")
    alert.effective = _moment(info, "cap:effective") or _moment(info, "cap:onset") or alert.sent
    alert.expires = _moment(info, "cap:expires", required=True)
    if alert.expires <= alert.effective:
        raise CapError("<expires> is not after the warning takes effect")
    areas = info.findall("cap:area", NS)
    if not areas:
        raise CapError("<area> is missing")
    for area in areas:
        description = _text(area, "cap:areaDesc", required=True)
        alert.area_description = "、".join(filter(None, [alert.area_description, description]))
        alert.district_names += [n for n in re.split(r"[、,，;；\s]+", description) if n]
        alert.district_codes += [
            (code.text or "").strip() for code in area.findall("cap:geocode/cap:value", NS)
        ]
        alert.polygons += [_polygon(p.text or "") for p in area.findall("cap:polygon", NS)]
    return alert
