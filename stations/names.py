"""Place names in Latin letters: the English names of districts and cities (南山区 → Nanshan
District) and the toneless pinyin that place search matches ("futian", "chaoyang qu")."""

from __future__ import annotations

from pypinyin import lazy_pinyin, load_phrases_dict

ENGLISH_SUFFIXES = {
    "维吾尔自治区": " Autonomous Region",
    "壮族自治区": " Autonomous Region",
    "回族自治区": " Autonomous Region",
    "自治区": " Autonomous Region",
    "自治州": " Autonomous Prefecture",
    "自治县": " Autonomous County",
    "特别行政区": " SAR",
    "区": " District",
    "县": " County",
    "旗": " Banner",
    "街道": "",
    "镇": " Town",
    "市": "",
    "省": " Province",
}


def without_suffix(name: str, suffixes: tuple[str, ...]) -> str:
    """The name without the first of ``suffixes`` it ends with (区, 街道…), if two characters
    or more remain: 南山区 -> 南山; 市 stays 市."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


# Place names whose usual reading pypinyin misses (朝阳 alone reads zhao yang).
load_phrases_dict({"朝阳": [["cháo"], ["yáng"]]})


def stem_pinyin(name: str, stem: str) -> list[str]:
    """The syllables of ``stem``, the start of ``name``, read as they are in the whole name: a
    character with several readings takes the one the whole name gives it (朝阳区: chao yang,
    where 朝阳 alone reads zhao yang)."""
    return lazy_pinyin(name)[: len(stem)]


def romanise(text: str) -> str:
    """'南山区' -> 'Nanshan District'; '粤海街道' -> 'Yuehai'; '深圳市' -> 'Shenzhen'."""
    for suffix, english in ENGLISH_SUFFIXES.items():
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            stem = text[: -len(suffix)]
            return "".join(stem_pinyin(text, stem)).title() + english
    return "".join(lazy_pinyin(text)).title()
