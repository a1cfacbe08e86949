"""The indicator catalogue spec (``greenstats/data/indicators.yaml``) as frozen dataclasses.

Also the unit table and the region alias table (``greenstats/data/regions.yaml``), which
:func:`greenstats.indicators.to_panel` uses. Everything is validated on load; a problem
raises :class:`~greenstats.errors.SpecError` naming the key at fault.

Examples
--------
>>> cat = load_catalogue()
>>> cat.indicators["water_use"].unit
'亿立方米'
>>> cat.units["万立方米"]
UnitSpec(name='万立方米', family='volume', factor=10000.0)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from greenstats.errors import SpecError
from greenstats.specs import finite_number, read_package_yaml

DIRECTIONS: tuple[str, ...] = ("higher", "lower", "neutral")
KINDS: tuple[str, ...] = ("level", "rate", "share", "intensity", "count")

_FILE = "greenstats/data/indicators.yaml"
_REGIONS_FILE = "greenstats/data/regions.yaml"
_FOOTNOTE = re.compile(r"[①-⑳⑴-⒇*＊※#△▲]+")
_SPACE = re.compile(r"\s+")


def normalise_label(text: str) -> str:
    """Normalise a printed label for matching.

    NFKC (full-width letters, digits and brackets become ASCII), all whitespace removed
    (including U+3000 and U+00A0), footnote marks removed, Latin letters lower-cased.

    Examples
    --------
    >>> normalise_label("能 源 消 费 总 量①")
    '能源消费总量'
    >>> normalise_label("地区生产总值（2020年价格）")
    '地区生产总值(2020年价格)'
    >>> normalise_label("R&D 经费支出占 GDP 比重")
    'r&d经费支出占gdp比重'
    """
    text = _FOOTNOTE.sub("", str(text))
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE.sub("", text)
    return text.lower()


@dataclass(frozen=True)
class UnitSpec:
    """A unit: its family (mass, volume, money, ...) and factor to the family's base unit."""

    name: str
    family: str
    factor: float


@dataclass(frozen=True)
class Synonym:
    """A label variant of an indicator.

    ``unit_if_missing`` is assumed when the table prints no unit; ``context`` lists words one of
    which must appear in the table title, sheet or file name for the label to count.
    """

    label: str
    unit_if_missing: str | None = None
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorSpec:
    """One catalogue entry (see ``greenstats/data/indicators.yaml`` for the fields)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    kind: str
    lower_bound: float | None
    upper_bound: float | None
    synonyms: tuple[Synonym, ...]
    comparable_code: str | None
    formula: str | None
    inputs: tuple[str, ...]

    @property
    def derived(self) -> bool:
        """True when the indicator can be computed from others (it has a formula)."""
        return self.formula is not None


@dataclass(frozen=True)
class Catalogue:
    """The whole catalogue: indicators by code, units by name, unit aliases."""

    indicators: Mapping[str, IndicatorSpec]
    units: Mapping[str, UnitSpec]
    unit_aliases: Mapping[str, str]


@dataclass(frozen=True)
class RegionTable:
    """Canonical region names, their aliases and the province prefixes to strip."""

    canonical: Mapping[str, str]  # normalised alias or name -> canonical name
    province_prefixes: tuple[str, ...]


def _need(entry: Mapping[str, Any], field: str, key: str, typ: type | tuple[type, ...]) -> Any:
    if field not in entry or entry[field] is None:
        raise SpecError(
            f"missing field {field!r}", file=_FILE, key=key, fix=f"add {field}: to the entry"
        )
    value = entry[field]
    if not isinstance(value, typ):
        raise SpecError(
            f"field {field!r} must be {typ}, got {value!r}",
            file=_FILE,
            key=key,
            fix=f"correct {field}",
        )
    return value


def _parse_units(doc: Mapping[str, Any]) -> dict[str, UnitSpec]:
    raw = doc.get("units")
    if not isinstance(raw, Mapping) or not raw:
        raise SpecError("no `units` table", file=_FILE, key="units", fix="add the units table")
    units = {}
    for name, pair in raw.items():
        key = f"units.{name}"
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not isinstance(pair[0], str)
            or isinstance(pair[1], bool)
            or not isinstance(pair[1], int | float)
            or not pair[1] > 0
        ):
            raise SpecError(
                f"a unit must be [family, positive factor], got {pair!r}",
                file=_FILE,
                key=key,
                fix="write e.g. 万吨: [mass, 1.0e+4]",
            )
        units[str(name)] = UnitSpec(str(name), pair[0], float(pair[1]))
    return units


def _parse_synonyms(entry: Mapping[str, Any], key: str, units: Mapping[str, UnitSpec]) -> tuple:
    raw = entry.get("synonyms") or []
    if not isinstance(raw, list):
        raise SpecError(
            "synonyms must be a list",
            file=_FILE,
            key=f"{key}.synonyms",
            fix="write synonyms: [label, ...]",
        )
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(Synonym(item))
        elif isinstance(item, Mapping) and isinstance(item.get("label"), str):
            unit = item.get("unit_if_missing")
            if unit is not None and unit not in units:
                raise SpecError(
                    f"unknown unit {unit!r}",
                    file=_FILE,
                    key=f"{key}.synonyms",
                    fix="use a unit of the units table",
                )
            context = item.get("context") or []
            if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
                raise SpecError(
                    "context must be a list of words",
                    file=_FILE,
                    key=f"{key}.synonyms",
                    fix="write context: [word, ...]",
                )
            out.append(Synonym(item["label"], unit, tuple(c.lower() for c in context)))
        else:
            raise SpecError(
                f"a synonym must be a string or a mapping with label, got {item!r}",
                file=_FILE,
                key=f"{key}.synonyms",
                fix="correct the synonym",
            )
    return tuple(out)


_ALLOWED = {
    "name_zh",
    "name_en",
    "unit",
    "direction",
    "kind",
    "lower_bound",
    "upper_bound",
    "synonyms",
    "comparable_code",
    "formula",
    "inputs",
}


def parse_catalogue(doc: Any) -> Catalogue:
    """Validate a parsed catalogue document and build the :class:`Catalogue`.

    Raises
    ------
    SpecError
        Naming the key at fault: unknown field, missing field, unknown unit, direction or kind,
        rate or share in % without 0-100 bounds, an input code missing from the catalogue,
        or a label claimed by two indicators.

    Examples
    --------
    >>> parse_catalogue({"units": {"%": ["percent", 1]}, "indicators": {"x": {
    ...     "name_zh": "某率", "name_en": "X", "unit": "%", "direction": "up",
    ...     "kind": "rate", "lower_bound": 0, "upper_bound": 100}}})
    Traceback (most recent call last):
    ...
    greenstats.errors.SpecError: greenstats/data/indicators.yaml, key 'indicators.x': direction 'up' is not one of ('higher', 'lower', 'neutral'). Fix: correct direction
    """
    if not isinstance(doc, Mapping):
        raise SpecError("the catalogue must be a mapping", file=_FILE, fix="check the file")
    units = _parse_units(doc)
    aliases_raw = doc.get("unit_aliases") or {}
    aliases = {}
    for alias, target in aliases_raw.items():
        if target not in units:
            raise SpecError(
                f"alias points to unknown unit {target!r}",
                file=_FILE,
                key=f"unit_aliases.{alias}",
                fix="use a unit of the units table",
            )
        aliases[normalise_label(str(alias))] = target
    raw = doc.get("indicators")
    if not isinstance(raw, Mapping) or not raw:
        raise SpecError(
            "no `indicators` table", file=_FILE, key="indicators", fix="add the indicators"
        )
    specs: dict[str, IndicatorSpec] = {}
    for code, entry in raw.items():
        key = f"indicators.{code}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(code)):
            raise SpecError(
                "codes are lower-case snake_case", file=_FILE, key=key, fix="rename the code"
            )
        if not isinstance(entry, Mapping):
            raise SpecError(
                "an indicator must be a mapping", file=_FILE, key=key, fix="correct the entry"
            )
        unknown = set(entry) - _ALLOWED
        if unknown:
            raise SpecError(
                f"unknown field(s) {sorted(unknown)}",
                file=_FILE,
                key=key,
                fix=f"use only {sorted(_ALLOWED)}",
            )
        unit = _need(entry, "unit", key, str)
        if unit not in units:
            raise SpecError(
                f"unit {unit!r} is not in the units table",
                file=_FILE,
                key=key,
                fix="add the unit to `units` or correct it",
            )
        direction = _need(entry, "direction", key, str)
        if direction not in DIRECTIONS:
            raise SpecError(
                f"direction {direction!r} is not one of {DIRECTIONS}",
                file=_FILE,
                key=key,
                fix="correct direction",
            )
        kind = _need(entry, "kind", key, str)
        if kind not in KINDS:
            raise SpecError(
                f"kind {kind!r} is not one of {KINDS}", file=_FILE, key=key, fix="correct kind"
            )
        lower = finite_number(entry.get("lower_bound"), "lower_bound", key, _FILE)
        upper = finite_number(entry.get("upper_bound"), "upper_bound", key, _FILE)
        if (
            kind in ("rate", "share")
            and unit == "%"
            and lower != -100
            and (lower != 0 or upper != 100)
        ):
            raise SpecError(
                f"a {kind} in % needs lower_bound 0 and upper_bound 100",
                file=_FILE,
                key=key,
                fix="set the bounds",
            )
        inputs = entry.get("inputs") or []
        formula = entry.get("formula")
        if (formula is None) != (not inputs):
            raise SpecError(
                "formula and inputs go together", file=_FILE, key=key, fix="give both or neither"
            )
        specs[str(code)] = IndicatorSpec(
            code=str(code),
            name_zh=_need(entry, "name_zh", key, str),
            name_en=_need(entry, "name_en", key, str),
            unit=unit,
            direction=direction,
            kind=kind,
            lower_bound=lower,
            upper_bound=upper,
            synonyms=_parse_synonyms(entry, key, units),
            comparable_code=entry.get("comparable_code"),
            formula=formula,
            inputs=tuple(inputs),
        )
    seen: dict[str, str] = {}
    for spec in specs.values():
        key = f"indicators.{spec.code}"
        for dep in (*spec.inputs, *([spec.comparable_code] if spec.comparable_code else [])):
            if dep not in specs:
                raise SpecError(
                    f"refers to unknown indicator {dep!r}",
                    file=_FILE,
                    key=key,
                    fix="add the indicator or correct the code",
                )
        for label in (spec.name_zh, *(s.label for s in spec.synonyms)):
            norm = normalise_label(label)
            if norm in seen and seen[norm] != spec.code:
                raise SpecError(
                    f"label {label!r} is claimed by {seen[norm]!r} too",
                    file=_FILE,
                    key=key,
                    fix="keep the label in one indicator only",
                )
            seen[norm] = spec.code
    return Catalogue(
        indicators=MappingProxyType(specs),
        units=MappingProxyType(units),
        unit_aliases=MappingProxyType(aliases),
    )


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Load and validate ``greenstats/data/indicators.yaml`` (cached)."""
    return parse_catalogue(read_package_yaml("indicators.yaml"))


def parse_regions(doc: Any) -> RegionTable:
    """Validate the region alias document and build the :class:`RegionTable`.

    Examples
    --------
    >>> t = parse_regions({"province_prefixes": ["江苏"],
    ...                    "regions": {"连云港市": {"province": "江苏省", "aliases": ["连云港"]}}})
    >>> t.canonical["连云港"]
    '连云港市'
    """
    if not isinstance(doc, Mapping) or not isinstance(doc.get("regions"), Mapping):
        raise SpecError(
            "no `regions` table", file=_REGIONS_FILE, key="regions", fix="check the file"
        )
    canonical: dict[str, str] = {}
    for name, entry in doc["regions"].items():
        aliases = (entry or {}).get("aliases") or []
        if not isinstance(aliases, list):
            raise SpecError(
                "aliases must be a list",
                file=_REGIONS_FILE,
                key=f"regions.{name}",
                fix="write aliases: [name, ...]",
            )
        for alias in (name, *aliases):
            norm = normalise_label(alias)
            if norm in canonical and canonical[norm] != name:
                raise SpecError(
                    f"alias {alias!r} also names {canonical[norm]!r}",
                    file=_REGIONS_FILE,
                    key=f"regions.{name}",
                    fix="remove the ambiguous alias",
                )
            canonical[norm] = str(name)
    prefixes = tuple(str(p) for p in doc.get("province_prefixes") or ())
    return RegionTable(canonical=MappingProxyType(canonical), province_prefixes=prefixes)


@lru_cache(maxsize=1)
def load_regions() -> RegionTable:
    """Load and validate ``greenstats/data/regions.yaml`` (cached)."""
    return parse_regions(read_package_yaml("regions.yaml"))
