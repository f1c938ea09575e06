"""Every province, city and county by name — in Chinese, in pinyin and in English — for place
search (``q=``): "北京市朝阳区", "朝阳区", "Futian", "chaoyang qu", "广东". A name that several
places share (朝阳区 is in Beijing and in Changchun) gives the first by adcode and says the others.
Kept by each process (the boundaries change when they are loaded, and then clear it)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.gis.db.models.functions import PointOnSurface
from django.db.models.functions import Coalesce
from pypinyin import lazy_pinyin

from core.catalogues import KeptCatalogue
from stations.models import AdminArea, Region
from stations.names import stem_pinyin, without_suffix

ADMIN_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
    "新区", "地区", "林区", "省", "市", "区", "县", "旗", "盟",
)  # fmt: skip
LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}


@dataclass(frozen=True)
class AdminPlace:
    level: str
    code: str
    name: str
    name_en: str
    province: str
    city: str
    lon: float
    lat: float

    @property
    def label(self) -> str:
        """As an address says it: 深圳市福田区, 北京市朝阳区 (a county with its city), 深圳市,
        广东省."""
        if self.level == "county":
            return "".join(dict.fromkeys(part for part in (self.city, self.name) if part))
        return self.name


def admin_stem(name: str) -> str:
    return without_suffix(name, ADMIN_SUFFIXES)


def latin_key(text: str) -> str:
    """Latin text as place search compares it: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def pinyin_key(text: str) -> str:
    return latin_key("".join(lazy_pinyin(text)))


def stem_key(name: str) -> str:
    """The pinyin of a name without its 区/县/市…, as read in the whole name."""
    return latin_key("".join(stem_pinyin(name, admin_stem(name))))


@dataclass
class PlaceIndex:
    chinese: dict[str, list[AdminPlace]] = field(default_factory=lambda: defaultdict(list))
    latin: dict[str, list[AdminPlace]] = field(default_factory=lambda: defaultdict(list))
    longest: int = 0

    def add(self, place: AdminPlace) -> None:
        above = [part for part in (place.province, place.city) if part and part != place.name]
        forms = {place.name, admin_stem(place.name)}
        if above:
            for prefix in ("".join(above), above[-1], admin_stem(above[-1])):
                forms |= {prefix + place.name, prefix + admin_stem(place.name)}
        for form in forms:
            self.chinese[form].append(place)
            self.longest = max(self.longest, len(form))
        city = stem_key(above[-1]) if above else ""
        for form in {pinyin_key(place.name), stem_key(place.name), latin_key(place.name_en)}:
            self.latin[form].append(place)
            if city:
                self.latin[city + form].append(place)


def _load() -> PlaceIndex:
    index = PlaceIndex()
    inside = PointOnSurface(Coalesce("outline", "boundary"))
    for region in Region.objects.annotate(p=inside).order_by("code"):
        city = region.name if region.level == Region.Level.CITY else ""
        index.add(
            AdminPlace(region.level, region.code, region.name, region.name_en, region.province,
                       city, region.p.x, region.p.y)
        )  # fmt: skip
    for area in AdminArea.objects.annotate(p=inside).order_by("code"):
        index.add(
            AdminPlace("county", area.code, area.name, area.name_en, area.province, area.city,
                       area.p.x, area.p.y)
        )  # fmt: skip
    return index


PLACES = KeptCatalogue(_load, seconds=600)
PLACES.clear_when_changed(AdminArea, Region)


@dataclass(frozen=True)
class PlaceMatch:
    place: AdminPlace
    alternatives: list[AdminPlace]
    rest: str
    """What follows the place's name in the query (a sub-district, a street)."""


def _ranked(
    found: list[AdminPlace], said: str, near: tuple[float, float] | None
) -> list[AdminPlace]:
    """The places one name gives, each once: the one named in full first; then, when the
    client's position is known, the nearest to it (a worker in Changchun who asks for 朝阳区
    means Changchun's), else higher levels first; then by adcode."""
    unique = {place.code + place.level: place for place in found}.values()

    def rank(place: AdminPlace) -> tuple:
        if near is None:
            return (place.name != said, LEVEL_ORDER[place.level], place.code)
        return (place.name != said, _degrees_apart(place, near), place.code)

    return sorted(unique, key=rank)


def _degrees_apart(place: AdminPlace, near: tuple[float, float]) -> float:
    """Enough to tell places of one name apart (they lie hundreds of kilometres apart)."""
    lon, lat = near
    return (place.lon - lon) ** 2 + (place.lat - lat) ** 2


def find_admin_place(text: str, *, near: tuple[float, float] | None = None) -> PlaceMatch | None:
    """The province, city or county that ``text`` names: in Chinese, the longest name at its
    start (the rest is returned); in Latin letters, the whole text (pinyin or English).
    ``near`` (lon, lat): the client's position, which ranks places of the same name."""
    index = PLACES.get()
    if text.isascii():
        found = _ranked(index.latin.get(latin_key(text), []), text, near)
        return PlaceMatch(found[0], found[1:], "") if found else None
    for length in range(min(len(text), index.longest), 1, -1):
        found = index.chinese.get(text[:length])
        if found:
            ranked = _ranked(found, text[:length], near)
            return PlaceMatch(ranked[0], ranked[1:], text[length:])
    return None
