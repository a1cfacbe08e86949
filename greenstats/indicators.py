"""The indicator catalogue, and tidy yearbook rows mapped to it (the panel).

:func:`load_indicators` returns the catalogue (``greenstats/data/indicators.yaml``).
:func:`to_panel` maps the tidy table of :func:`greenstats.read_yearbook` to catalogue codes in
canonical units, by label (normalised, with synonyms), unit, breakdown and region, keeps the
provenance of every value, adds derived indicators (intensities and their change against a
base year, shares) and reports what it could not map (:func:`unmapped_report`) and where two
sources disagree (:func:`conflicts_report`). Coherence checks between linked quantities and
targets: :func:`allowed_total_growth`, :func:`implied_total`, :func:`check_bounds`,
:func:`check_identities`, :func:`coherence_checks`.

Examples
--------
>>> convert(2.5, "万立方米", "亿立方米")
0.00025
>>> round(allowed_total_growth(0.06, 0.135), 4)
0.0297
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from greenstats.errors import SeriesError, SpecError
from greenstats.schema import PANEL_COLUMNS, TIDY_COLUMNS
from greenstats.specs.indicators import (
    Catalogue,
    IndicatorSpec,
    load_catalogue,
    load_regions,
    normalise_label,
)

__all__ = [
    "load_indicators",
    "to_panel",
    "unmapped_report",
    "conflicts_report",
    "canonical_unit",
    "unit_factor",
    "convert",
    "match_label",
    "normalise_region",
    "allowed_total_growth",
    "implied_total",
    "check_bounds",
    "check_identities",
    "coherence_checks",
    "UNMAPPED_COLUMNS",
    "CONFLICT_COLUMNS",
]

#: columns of the unmapped report (one row per distinct label/unit/breakdown/reason)
UNMAPPED_COLUMNS: tuple[str, ...] = (
    "label",
    "unit",
    "breakdown",
    "reason",
    "rows",
    "source_file",
    "source_sheet",
    "example_cell",
)
#: columns of the conflicts report (one row per indicator x region x year in dispute)
CONFLICT_COLUMNS: tuple[str, ...] = (
    "indicator",
    "region",
    "year",
    "values",
    "kept",
    "sources",
)

_PANEL_DTYPES = {
    "indicator": "str",
    "region": "str",
    "year": "Int64",
    "value": "float64",
    "unit": "str",
    "derived": "bool",
    "source_file": "str",
    "source_sheet": "str",
    "source_cell": "str",
}

#: area breakdowns of city tables; the one chosen in ``to_panel(area=...)`` is kept
AREA_TOKENS: frozenset[str] = frozenset({"全市", "市辖区", "市区", "全市合计", "市本级"})
#: energy accounting methods; the one chosen in ``to_panel(accounting=...)`` is kept
ACCOUNTING_TOKENS: frozenset[str] = frozenset({"发电煤耗计算法", "电热当量计算法"})
#: region names meaning "the whole city of this yearbook"
WHOLE_CITY: frozenset[str] = frozenset({"全市", "全市合计", "合计", "总计"})
_CURRENT_PRICE = frozenset({"当年价格", "当年价", "现价", "现行价格", "按当年价格计算"})
_COMPARABLE = re.compile(r"^(?:按)?(?:(\d{4})年)?(?:可比|不变)?价(?:格)?(?:计算)?$")
_TRAILING_PAREN = re.compile(r"\(([^()]*)\)$")


# --------------------------------------------------------------------------- catalogue
def load_indicators() -> pd.DataFrame:
    """The indicator catalogue as a DataFrame.

    Returns
    -------
    DataFrame
        One row per indicator: ``code``, ``name_zh``, ``name_en``, ``unit`` (canonical),
        ``direction`` (higher, lower; neutral for context series), ``kind`` (level, rate,
        share, intensity, count), ``lower_bound``, ``upper_bound``, ``synonyms`` (tuple of
        label variants), ``derived`` (has a formula), ``formula``, ``inputs`` (tuple of codes),
        ``conversions`` (dict: printed unit -> factor to the canonical unit).

    Examples
    --------
    >>> cat = load_indicators().set_index("code")
    >>> cat.loc["water_use", "conversions"]["万立方米"]
    0.0001
    >>> "年未总人口" in cat.loc["population", "synonyms"]
    True
    """
    cat = load_catalogue()
    rows = []
    for spec in cat.indicators.values():
        rows.append(
            {
                "code": spec.code,
                "name_zh": spec.name_zh,
                "name_en": spec.name_en,
                "unit": spec.unit,
                "direction": spec.direction,
                "kind": spec.kind,
                "lower_bound": spec.lower_bound,
                "upper_bound": spec.upper_bound,
                "synonyms": tuple(s.label for s in spec.synonyms),
                "derived": spec.derived,
                "formula": spec.formula,
                "inputs": spec.inputs,
                "conversions": _conversions(cat, spec.unit),
            }
        )
    frame = pd.DataFrame(rows)
    return frame.astype(
        {
            "code": "str",
            "name_zh": "str",
            "name_en": "str",
            "unit": "str",
            "direction": "str",
            "kind": "str",
            "lower_bound": "float64",
            "upper_bound": "float64",
            "derived": "bool",
            "formula": "str",
        }
    )


def _conversions(cat: Catalogue, unit: str) -> dict[str, float]:
    family = cat.units[unit].family
    return {
        name: u.factor / cat.units[unit].factor
        for name, u in cat.units.items()
        if u.family == family
    }


# --------------------------------------------------------------------------- units
def canonical_unit(text: Any) -> str | None:
    """The unit-table name of a printed unit, or None if it is not a known unit.

    Examples
    --------
    >>> canonical_unit("单位：万吨标准煤")
    '万吨标准煤'
    >>> canonical_unit("（亿千瓦小时）")
    '亿千瓦时'
    >>> canonical_unit("百分比"), canonical_unit("Mt"), canonical_unit("公里")
    ('%', '百万吨', None)
    """
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return None
    cat = load_catalogue()
    norm = normalise_label(text)
    norm = re.sub(r"^(单位|unit)[:：]?", "", norm)
    norm = norm.strip("()[]")
    if norm in cat.units:
        return norm
    return cat.unit_aliases.get(norm)


def unit_factor(from_unit: str, to_unit: str) -> float:
    """Factor that turns a value in ``from_unit`` into ``to_unit``.

    Raises
    ------
    SpecError
        If either unit is unknown or the two measure different things.

    Examples
    --------
    >>> unit_factor("吨", "万吨")
    0.0001
    >>> unit_factor("亿千瓦时", "万千瓦时")
    10000.0
    """
    cat = load_catalogue()
    src, dst = canonical_unit(from_unit), canonical_unit(to_unit)
    if src is None or dst is None:
        bad = from_unit if src is None else to_unit
        raise SpecError(
            f"unknown unit {bad!r}",
            key=str(bad),
            fix="add it to `units` or `unit_aliases` in indicators.yaml",
        )
    a, b = cat.units[src], cat.units[dst]
    if a.family != b.family:
        raise SpecError(
            f"cannot convert {from_unit!r} ({a.family}) to {to_unit!r} ({b.family})",
            key=str(from_unit),
            fix="check the unit of the source table",
        )
    return a.factor / b.factor


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a value between units of the same family.

    Examples
    --------
    >>> convert(16034200, "万元", "亿元")
    1603.42
    """
    return value * unit_factor(from_unit, to_unit)


# --------------------------------------------------------------------------- labels
@dataclass(frozen=True)
class LabelMatch:
    """Result of :func:`match_label`: the code, qualifiers found in the label, its unit."""

    code: str
    qualifiers: tuple[str, ...]
    label_unit: str | None
    unit_if_missing: str | None


def _label_index(cat: Catalogue) -> dict[str, list[tuple[IndicatorSpec, Any]]]:
    index: dict[str, list[tuple[IndicatorSpec, Any]]] = {}
    for spec in cat.indicators.values():
        index.setdefault(normalise_label(spec.name_zh), []).append((spec, None))
        for syn in spec.synonyms:
            index.setdefault(normalise_label(syn.label), []).append((spec, syn))
    return index


_INDEX_CACHE: dict[int, dict[str, list[tuple[IndicatorSpec, Any]]]] = {}


def _index() -> dict[str, list[tuple[IndicatorSpec, Any]]]:
    cat = load_catalogue()
    key = id(cat)
    if key not in _INDEX_CACHE:
        _INDEX_CACHE[key] = _label_index(cat)
    return _INDEX_CACHE[key]


def _candidates(label: str) -> list[tuple[str, tuple[str, ...], str | None]]:
    """Label forms to try, each with the qualifiers and unit peeled off it."""
    norm = normalise_label(label)
    out = [(norm, (), None)]
    # researcher panels: 地区生产总值_当年价格_全市_万元
    if "_" in norm:
        head, *rest = [t for t in norm.split("_") if t]
        unit = None
        quals = []
        for tok in rest:
            u = canonical_unit(tok)
            if u is not None and unit is None:
                unit = u
            else:
                quals.append(tok)
        out.append((head, tuple(quals), unit))
        norm = head
    # trailing brackets: 地区生产总值(2020年价格), 用水总量(亿立方米)
    quals2: list[str] = []
    unit2 = None
    current = norm
    while True:
        m = _TRAILING_PAREN.search(current)
        if not m:
            break
        inner = m.group(1)
        u = canonical_unit(inner)
        if u is not None and unit2 is None:
            unit2 = u
        elif _price_token(inner) is not None or inner in AREA_TOKENS or inner in ACCOUNTING_TOKENS:
            quals2.append(inner)
        else:
            break
        current = current[: m.start()]
        out.append((current, tuple(quals2), unit2))
    return out


def _price_token(token: str) -> tuple[str, int | None] | None:
    """("current", None) or ("comparable", year or None) for a price qualifier, else None."""
    if token in _CURRENT_PRICE:
        return ("current", None)
    m = _COMPARABLE.match(token)
    if m and ("可比" in token or "不变" in token or m.group(1)):
        return ("comparable", int(m.group(1)) if m.group(1) else None)
    return None


def match_label(label: Any, *, context: str = "") -> LabelMatch | None:
    """Map a printed indicator label to a catalogue code.

    Parameters
    ----------
    label
        The tidy table's ``indicator`` text.
    context
        Table title, sheet and file name (lower-case), for synonyms that require context.

    Examples
    --------
    >>> match_label("年未总人口").code
    'population'
    >>> m = match_label("地区生产总值（2020年价格）")
    >>> m.code, m.qualifiers
    ('gdp', ('2020年价格',))
    >>> m = match_label("生活垃圾无害化处理率_全市_百分比")
    >>> m.code, m.qualifiers, m.label_unit
    ('waste_harmless', ('全市',), '%')
    >>> match_label("公厕数量") is None
    True
    """
    if label is None or label is pd.NA or (isinstance(label, float) and math.isnan(label)):
        return None
    index = _index()
    context = context.lower()
    for form, quals, unit in _candidates(str(label)):
        for spec, syn in index.get(form, []):
            if syn is not None and syn.context and not any(w in context for w in syn.context):
                continue
            return LabelMatch(
                code=spec.code,
                qualifiers=quals,
                label_unit=unit,
                unit_if_missing=syn.unit_if_missing if syn is not None else None,
            )
    return None


# --------------------------------------------------------------------------- regions
def normalise_region(name: Any, *, city: str | None = None) -> str | None:
    """Put a region name under its canonical form.

    ``全市``/``合计`` (the whole city of a city yearbook) and a missing name become ``city``;
    known prefecture names and aliases become the canonical name (连云港 -> 连云港市), also
    when prefixed with a province (CEADs style: 江苏连云港); other names are returned cleaned
    of layout spaces. The alias table is derived from FIERsity/china-prefecture-crosswalk
    (CC BY 4.0), see ``greenstats/data/regions.yaml``.

    Examples
    --------
    >>> normalise_region("江苏连云港"), normalise_region("连云港"), normalise_region(" 连云港市")
    ('连云港市', '连云港市', '连云港市')
    >>> normalise_region("全　市", city="连云港市"), normalise_region("东 海 县")
    ('连云港市', '东海县')
    """
    if name is None or name is pd.NA or (isinstance(name, float) and math.isnan(name)):
        return city
    norm = normalise_label(name)
    if not norm:
        return city
    if norm in WHOLE_CITY:
        return city if city is not None else norm
    table = load_regions()
    if norm in table.canonical:
        return table.canonical[norm]
    for prefix in table.province_prefixes:
        if norm.startswith(prefix) and norm[len(prefix) :] in table.canonical:
            return table.canonical[norm[len(prefix) :]]
    return norm


# --------------------------------------------------------------------------- to_panel
def _is_na(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _classify(
    match: LabelMatch,
    unit: Any,
    breakdown: Any,
    *,
    cat: Catalogue,
    area: str,
    accounting: str,
    price_base_year: int,
    keep_breakdowns: frozenset[str],
) -> tuple[str | None, float, str]:
    """(code, factor to canonical unit, reason); code is None when the rows are not used."""
    spec = cat.indicators[match.code]
    tokens = list(match.qualifiers)
    if not _is_na(breakdown):
        tokens += [normalise_label(t) for t in str(breakdown).split(" / ") if t.strip()]
    code = spec.code
    token_unit = None
    for tok in tokens:
        if tok in AREA_TOKENS:
            if tok != area:
                return None, math.nan, f"area {tok} (area={area!r} selected)"
            continue
        if tok in ACCOUNTING_TOKENS:
            if tok != accounting:
                return None, math.nan, f"accounting {tok} (accounting={accounting!r} selected)"
            continue
        price = _price_token(tok)
        if price is not None:
            kind, year = price
            if kind == "comparable" and spec.comparable_code:
                if year is None:
                    return None, math.nan, "comparable prices without a base year"
                if year != price_base_year:
                    return (
                        None,
                        math.nan,
                        (f"comparable prices of {year} (base_year={price_base_year} selected)"),
                    )
                code = spec.comparable_code
            continue
        u = canonical_unit(tok)
        if u is not None:
            token_unit = token_unit or u
            continue
        if tok in keep_breakdowns:
            continue
        return None, math.nan, f"breakdown {tok} not selected"
    printed = canonical_unit(unit) if not _is_na(unit) else None
    if not _is_na(unit) and printed is None:
        return None, math.nan, f"unknown unit {unit!r}"
    src = printed or match.label_unit or token_unit or match.unit_if_missing
    target = cat.indicators[code].unit
    if src is None:
        if target == "%":
            src = "%"  # a rate or share printed without its unit can only be in %
        else:
            return None, math.nan, f"no unit printed (canonical unit {target})"
    try:
        factor = unit_factor(src, target)
    except SpecError:
        return None, math.nan, f"unit {src} cannot be converted to {target}"
    return code, factor, ""


def _provenance(file: Any, sheet: Any, cell: Any) -> str:
    return f"[{'' if _is_na(file) else file}]{'' if _is_na(sheet) else sheet}!" + (
        "" if _is_na(cell) else str(cell)
    )


def to_panel(
    tidy: pd.DataFrame,
    *,
    price_base: Literal["comparable", "current"] = "comparable",
    base_year: int = 2020,
    change_base_year: int | None = None,
    area: str = "全市",
    accounting: str = "发电煤耗计算法",
    city: str | None = None,
    keep_breakdowns: Iterable[str] = (),
    on_conflict: Literal["first", "drop", "raise"] = "first",
    conflict_rtol: float = 1e-6,
    derive: bool = True,
) -> pd.DataFrame:
    """Map tidy yearbook rows to catalogue codes in canonical units and add derived indicators.

    Parameters
    ----------
    tidy
        The tidy indicator table (``greenstats.schema.TIDY_COLUMNS``), e.g. from
        :func:`greenstats.read_yearbook`. Not modified.
    price_base
        GDP used in the denominators of energy, water and CO2 intensity: ``"comparable"``
        (GDP at constant prices of ``base_year``, printed e.g. as ``地区生产总值(2020年价格)``)
        or ``"current"`` (current-price GDP; intensity changes are then not comparable with
        official targets).
    base_year
        Price base year of comparable-price GDP; comparable-price GDP at another base is not
        used (and reported).
    change_base_year
        Base year of the intensity change rates (``*_change``); default ``base_year``.
    area
        Which area breakdown to keep: ``全市`` (whole city, default) or ``市辖区`` (urban
        districts). Rows without an area breakdown are always kept.
    accounting
        Which energy accounting method to keep where a table gives both.
    city
        Name given to rows whose region is missing or reads ``全市``/``合计`` (the tables of a
        city's own yearbook), e.g. ``"连云港市"``. Default ``None``: greenstats does not guess
        a place (a national table has no region either); such rows keep their region.
    keep_breakdowns
        Further breakdown values to accept (by default a row with any other breakdown, e.g.
        ``比上年增长``, is not used and is reported).
    on_conflict
        Two sources giving different values for one indicator x region x year are always
        reported (``conflicts_report``) and never averaged: ``"first"`` keeps the first in
        the tidy table's order, ``"drop"`` keeps neither, ``"raise"`` raises SeriesError.
    conflict_rtol
        Relative difference under which two values count as the same.
    derive
        Add derived indicators (intensities, their change against ``change_base_year``,
        shares from their parts) where no source prints them.

    Returns
    -------
    DataFrame
        ``greenstats.schema.PANEL_COLUMNS``, one row per indicator x region x year, values in
        the canonical unit. A derived row's ``source_cell`` lists its inputs as
        ``[file]sheet!cell`` joined with ``"; "``. ``attrs``: ``unmapped`` and ``conflicts``
        (DataFrames, see :func:`unmapped_report` and :func:`conflicts_report`),
        ``price_base``, ``base_year``, ``change_base_year``, ``area``, ``derivations`` (one
        line per derived indicator: its formula and price basis). Note that pandas cannot
        ``concat`` two frames whose attrs hold DataFrames: clear ``attrs`` first.

    Examples
    --------
    >>> tidy = pd.DataFrame({
    ...     "indicator": ["用水总量", "用水总量", "地区生产总值(2020年价格)"],
    ...     "breakdown": [None, None, None], "region": ["连云港", "连云港", "连云港"],
    ...     "year": [2020, 2021, 2020], "value": [25000.0, 26000.0, 3300.0],
    ...     "unit": ["万立方米", "万立方米", "亿元"], "status": ["A"] * 3,
    ...     "source_file": ["y.xlsx"] * 3, "source_sheet": ["9-5"] * 3,
    ...     "source_cell": ["B4", "C4", "B7"]})
    >>> panel = to_panel(tidy)
    >>> [(r.indicator, int(r.year), round(r.value, 2), r.unit) for r in panel.itertuples()]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('gdp_real', 2020, 3300.0, '亿元'), ('water_intensity', 2020, 7.58, '立方米/万元'),
     ('water_intensity_change', 2020, 0.0, '%'), ('water_use', 2020, 2.5, '亿立方米'),
     ('water_use', 2021, 2.6, '亿立方米')]
    """
    if price_base not in ("comparable", "current"):
        raise SpecError(
            f"price_base must be 'comparable' or 'current', got {price_base!r}",
            key="price_base",
            fix="pass price_base='comparable' or 'current'",
        )
    if on_conflict not in ("first", "drop", "raise"):
        raise SpecError(
            f"on_conflict must be 'first', 'drop' or 'raise', got {on_conflict!r}",
            key="on_conflict",
            fix="pass one of them",
        )
    missing = {"indicator", "region", "year", "value", "unit"} - set(tidy.columns)
    if missing:
        raise SpecError(
            f"tidy table lacks columns {sorted(missing)}",
            key="tidy",
            fix=f"pass the output of read_yearbook (columns {TIDY_COLUMNS})",
        )
    change_base_year = base_year if change_base_year is None else change_base_year
    cat = load_catalogue()
    keep = frozenset(normalise_label(k) for k in keep_breakdowns)
    area_n = normalise_label(area)
    accounting_n = normalise_label(accounting)

    df = tidy.reset_index(drop=True)
    n = len(df)

    def col(name: str) -> pd.Series:
        if name in df.columns:
            return df[name].astype("object")
        return pd.Series([None] * n, dtype="object")

    labels, units, breakdowns = col("indicator"), col("unit"), col("breakdown")
    context = (
        col("table_title").fillna("").astype(str)
        + " "
        + col("source_sheet").fillna("").astype(str)
        + " "
        + col("source_file").fillna("").astype(str)
    ).str.lower()

    # classify each distinct (label, unit, breakdown, context) once
    keys = pd.DataFrame(
        {"label": labels, "unit": units, "breakdown": breakdowns, "context": context}
    )
    codes = np.empty(n, dtype=object)
    factors = np.full(n, np.nan)
    reasons = np.empty(n, dtype=object)
    grouped = keys.groupby(["label", "unit", "breakdown", "context"], dropna=False, sort=False)
    for (label, unit, breakdown, ctx), idx in grouped.indices.items():
        match = match_label(label, context=ctx)
        if match is None:
            code, factor, reason = None, math.nan, "label not in catalogue"
        else:
            code, factor, reason = _classify(
                match,
                unit,
                breakdown,
                cat=cat,
                area=area_n,
                accounting=accounting_n,
                price_base_year=base_year,
                keep_breakdowns=keep,
            )
        codes[idx] = code
        factors[idx] = factor
        reasons[idx] = reason

    values = pd.to_numeric(df["value"], errors="coerce").to_numpy(dtype=float)
    years = pd.array(df["year"], dtype="Int64")
    status = col("status")
    for i in np.flatnonzero(~pd.isna(codes)):
        if np.isnan(values[i]):
            codes[i] = None
            reasons[i] = f"marker {status.iloc[i] if not _is_na(status.iloc[i]) else 'NaN'}"
        elif years[i] is pd.NA:
            codes[i] = None
            reasons[i] = "no year"

    regions_raw = col("region")
    region_map = {r: normalise_region(r, city=city) for r in regions_raw.dropna().unique()}
    regions = regions_raw.map(lambda r: city if _is_na(r) else region_map[r])

    used = pd.notna(pd.Series(codes))
    mapped = pd.DataFrame(
        {
            "indicator": pd.Series(codes)[used],
            "region": regions[used],
            "year": pd.Series(years)[used],
            "value": (values * factors)[used.to_numpy()],
            "derived": False,
            "source_file": col("source_file")[used],
            "source_sheet": col("source_sheet")[used],
            "source_cell": col("source_cell")[used],
        }
    )
    mapped["unit"] = mapped["indicator"].map(lambda c: cat.indicators[c].unit)

    unmapped = _unmapped_frame(df, ~used, reasons, labels, units, breakdowns, col)
    mapped, conflicts = _resolve_conflicts(mapped, on_conflict, conflict_rtol)

    derivations: list[str] = []
    if derive and len(mapped):
        gdp_code = "gdp_real" if price_base == "comparable" else "gdp"
        mapped = _derive(mapped, cat, gdp_code, change_base_year, derivations, base_year)

    panel = mapped[list(PANEL_COLUMNS)].astype(_PANEL_DTYPES)
    panel = panel.sort_values(["indicator", "region", "year"]).reset_index(drop=True)
    panel.attrs = {
        "unmapped": unmapped,
        "conflicts": conflicts,
        "price_base": price_base,
        "base_year": base_year,
        "change_base_year": change_base_year,
        "area": area,
        "derivations": derivations,
    }
    return panel


def _unmapped_frame(df, mask, reasons, labels, units, breakdowns, col) -> pd.DataFrame:
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return pd.DataFrame({c: pd.Series(dtype="object") for c in UNMAPPED_COLUMNS}).astype(
            {"rows": "int64"}
        )
    sub = pd.DataFrame(
        {
            "label": labels[mask].fillna("").astype(str).to_numpy(),
            "unit": units[mask].fillna("").astype(str).to_numpy(),
            "breakdown": breakdowns[mask].fillna("").astype(str).to_numpy(),
            "reason": pd.Series(reasons)[mask].astype(str).to_numpy(),
            "source_file": col("source_file")[mask].fillna("").astype(str).to_numpy(),
            "source_sheet": col("source_sheet")[mask].fillna("").astype(str).to_numpy(),
            "example_cell": col("source_cell")[mask].fillna("").astype(str).to_numpy(),
        }
    )
    out = (
        sub.groupby(
            ["label", "unit", "breakdown", "reason", "source_file", "source_sheet"], sort=False
        )
        .agg(rows=("example_cell", "size"), example_cell=("example_cell", "first"))
        .reset_index()
    )
    return out[list(UNMAPPED_COLUMNS)].astype({"rows": "int64"})


def _resolve_conflicts(mapped: pd.DataFrame, on_conflict: str, rtol: float):
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in CONFLICT_COLUMNS})
    if mapped.empty:
        return mapped, empty
    keys = ["indicator", "region", "year"]
    dup = mapped.duplicated(keys, keep=False)
    if not dup.any():
        return mapped, empty
    records = []
    drop_idx: list[Any] = []
    for key, grp in mapped[dup].groupby(keys, dropna=False, sort=False):
        vals = grp["value"].to_numpy()
        first = vals[0]
        same = np.all(np.isclose(vals, first, rtol=rtol, atol=0.0))
        drop_idx += list(grp.index[1:])
        if same:
            continue
        sources = "; ".join(
            f"{_provenance(f, s, c)} = {v:g}"
            for f, s, c, v in zip(
                grp["source_file"], grp["source_sheet"], grp["source_cell"], vals, strict=True
            )
        )
        records.append(
            {
                "indicator": key[0],
                "region": key[1],
                "year": key[2],
                "values": "; ".join(f"{v:g}" for v in vals),
                "kept": first if on_conflict == "first" else math.nan,
                "sources": sources,
            }
        )
        if on_conflict == "raise":
            raise SeriesError(
                f"sources disagree: {sources}",
                key=f"{key[0]} / {key[1]} / {key[2]}",
                fix="remove one source, or pass on_conflict='first' or 'drop'",
            )
        if on_conflict == "drop":
            drop_idx.append(grp.index[0])
    mapped = mapped.drop(index=drop_idx)
    conflicts = pd.DataFrame(records, columns=list(CONFLICT_COLUMNS)) if records else empty
    return mapped, conflicts


# derived indicators: code -> (numerator, denominator ("GDP" = chosen price basis), factor)
# factors by unit algebra: 万吨标准煤/亿元 = 1e4 t / 1e4 万元 = 吨标准煤/万元 (x1);
# 亿立方米/亿元 = 1e8 m3 / 1e4 万元 = 1e4 立方米/万元 (x1e4); 万吨/亿元 = 吨/万元 (x1);
# shares: 100 x part / whole, both in the same unit.
_RATIOS: tuple[tuple[str, str, str, float], ...] = (
    ("energy_intensity", "energy_consumption", "GDP", 1.0),
    ("industrial_energy_intensity", "industrial_energy_consumption", "industrial_value_added", 1.0),
    ("water_intensity", "water_use", "GDP", 1.0e4),
    ("co2_intensity", "co2_emissions", "GDP", 1.0),
    ("nonfossil_share", "nonfossil_energy_consumption", "energy_consumption", 100.0),
    ("rd_intensity", "rd_expenditure", "gdp", 100.0),
    ("services_share", "services_value_added", "gdp", 100.0),
    ("hightech_share", "hightech_output", "industrial_output", 100.0),
)
_CHANGES: tuple[tuple[str, str], ...] = (
    ("energy_intensity_change", "energy_intensity"),
    ("industrial_energy_intensity_change", "industrial_energy_intensity"),
    ("water_intensity_change", "water_intensity"),
    ("co2_intensity_change", "co2_intensity"),
)


def _join_prov(*parts: str) -> str:
    seen: list[str] = []
    for part in parts:
        for p in str(part).split("; "):
            if p and p not in seen:
                seen.append(p)
    return "; ".join(seen)


def _derive(mapped, cat, gdp_code, change_base_year, notes, base_year) -> pd.DataFrame:
    frame = mapped.copy()
    prov = [
        _provenance(f, s, c) if not d else c
        for f, s, c, d in zip(
            frame["source_file"],
            frame["source_sheet"],
            frame["source_cell"],
            frame["derived"],
            strict=True,
        )
    ]
    frame["prov"] = prov
    frame["files"] = frame["source_file"].astype(object)
    frame["sheets"] = frame["source_sheet"].astype(object)
    frame = frame.set_index(["indicator", "region", "year"])
    new_rows = []

    def lookup(code: str) -> pd.DataFrame:
        if code not in frame.index.get_level_values(0):
            return pd.DataFrame(columns=["value", "prov", "files", "sheets"])
        return frame.loc[code][["value", "prov", "files", "sheets"]]

    for out, num, den, factor in _RATIOS:
        den_code = gdp_code if den == "GDP" else den
        a, b = lookup(num), lookup(den_code)
        if a.empty or b.empty:
            continue
        joined = a.add_suffix("_n").join(b.add_suffix("_d"), how="inner")
        joined = joined[joined["value_d"] != 0]
        existing = lookup(out).index
        joined = joined[~joined.index.isin(existing)]
        if joined.empty:
            continue
        basis = ""
        if den == "industrial_value_added":
            basis = ", value added as printed (price basis not checked)"
        if den == "GDP":
            basis = (
                f", GDP at {base_year} prices" if gdp_code == "gdp_real" else ", current-price GDP"
            )
        notes.append(f"{out} = {'' if factor == 1 else f'{factor:g} * '}{num} / {den_code}{basis}")
        for (region, year), r in joined.iterrows():
            new_rows.append(
                {
                    "indicator": out,
                    "region": region,
                    "year": year,
                    "value": factor * r["value_n"] / r["value_d"],
                    "unit": cat.indicators[out].unit,
                    "derived": True,
                    "source_file": _join_prov(r["files_n"], r["files_d"]),
                    "source_sheet": _join_prov(r["sheets_n"], r["sheets_d"]),
                    "source_cell": _join_prov(r["prov_n"], r["prov_d"]),
                }
            )
    if new_rows:
        add = pd.DataFrame(new_rows)
        add["prov"] = add["source_cell"]
        add["files"] = add["source_file"]
        add["sheets"] = add["source_sheet"]
        frame = pd.concat([frame, add.set_index(["indicator", "region", "year"])])
    for out, src in _CHANGES:
        series = lookup(src)
        if series.empty:
            continue
        base = series[series.index.get_level_values("year") == change_base_year]
        if base.empty:
            notes.append(f"{out} not derived: no {src} in {change_base_year}")
            continue
        base = base.droplevel("year")
        notes.append(f"{out} = 100 * ({src} / {src}[{change_base_year}] - 1)")
        for (region, year), r in series.iterrows():
            if region not in base.index or base.loc[region, "value"] == 0:
                continue
            b = base.loc[region]
            new_rows.append(
                {
                    "indicator": out,
                    "region": region,
                    "year": year,
                    "value": 100.0 * (r["value"] / b["value"] - 1.0),
                    "unit": "%",
                    "derived": True,
                    "source_file": _join_prov(r["files"], b["files"]),
                    "source_sheet": _join_prov(r["sheets"], b["sheets"]),
                    "source_cell": _join_prov(r["prov"], b["prov"]),
                }
            )
    if not new_rows:
        return mapped
    return pd.concat([mapped, pd.DataFrame(new_rows)], ignore_index=True)


# --------------------------------------------------------------------------- reports
def unmapped_report(panel: pd.DataFrame, *, reason: str | None = None) -> pd.DataFrame:
    """The tidy rows ``to_panel`` did not use, grouped by label, unit, breakdown and reason.

    Parameters
    ----------
    panel
        Output of :func:`to_panel`.
    reason
        Keep only reasons starting with this text (e.g. ``"label not in catalogue"``).

    Returns
    -------
    DataFrame
        ``UNMAPPED_COLUMNS``: ``label``, ``unit``, ``breakdown``, ``reason``, ``rows`` (how
        many tidy rows), ``source_file``, ``source_sheet``, ``example_cell``.
    """
    report = panel.attrs.get("unmapped")
    if report is None:
        raise SeriesError(
            "the frame has no unmapped report",
            key="panel",
            fix="pass the output of to_panel (attrs are lost by concat)",
        )
    if reason is not None:
        report = report[report["reason"].str.startswith(reason)]
    return report.reset_index(drop=True)


def conflicts_report(panel: pd.DataFrame) -> pd.DataFrame:
    """Indicator x region x year keys where sources disagree (``CONFLICT_COLUMNS``).

    ``values`` lists every value found, ``kept`` the one in the panel (NaN when dropped),
    ``sources`` each value with its ``[file]sheet!cell``.
    """
    report = panel.attrs.get("conflicts")
    if report is None:
        raise SeriesError(
            "the frame has no conflicts report",
            key="panel",
            fix="pass the output of to_panel (attrs are lost by concat)",
        )
    return report.reset_index(drop=True)


# --------------------------------------------------------------------------- coherence
def allowed_total_growth(gdp_growth: float, intensity_cut: float, years: int = 5) -> float:
    """Annual growth of a total (energy or water use) that an intensity target allows.

    intensity = total / GDP, so if real GDP grows ``g`` a year and intensity must fall by
    ``R`` over ``years`` years, the total may grow at most ``(1+g)(1-R)^(1/years) - 1`` a year.

    Examples
    --------
    >>> round(allowed_total_growth(0.06, 0.135), 4)
    0.0297
    >>> allowed_total_growth(0.0, 0.0)
    0.0
    """
    if not (gdp_growth > -1 and 0 <= intensity_cut < 1 and years > 0):
        raise SpecError(
            "need gdp_growth > -1, 0 <= intensity_cut < 1 and years > 0",
            key="intensity_cut",
            fix="pass rates as fractions, e.g. 0.135",
        )
    return (1 + gdp_growth) * (1 - intensity_cut) ** (1 / years) - 1


def implied_total(
    base_total: float, gdp_growth: float, intensity_change_pct: float, years: int
) -> float:
    """The total at the end of ``years`` years if GDP grows ``gdp_growth`` a year and intensity
    changes by ``intensity_change_pct`` percent over the period.

    Examples
    --------
    >>> round(implied_total(100.0, 0.06, -13.5, 5), 2)  # 100 * 1.06**5 * 0.865
    115.76
    """
    return base_total * (1 + gdp_growth) ** years * (1 + intensity_change_pct / 100.0)


def check_bounds(panel: pd.DataFrame) -> pd.DataFrame:
    """Panel rows outside their indicator's admissible range (e.g. a share above 100%).

    Returns the offending rows with ``lower_bound`` and ``upper_bound`` added.
    """
    cat = load_catalogue().indicators
    lower = panel["indicator"].map(lambda c: cat[c].lower_bound if c in cat else None)
    upper = panel["indicator"].map(lambda c: cat[c].upper_bound if c in cat else None)
    lo = pd.to_numeric(lower, errors="coerce")
    hi = pd.to_numeric(upper, errors="coerce")
    bad = (lo.notna() & (panel["value"] < lo)) | (hi.notna() & (panel["value"] > hi))
    return panel[bad].assign(lower_bound=lo[bad], upper_bound=hi[bad]).reset_index(drop=True)


_IDENTITIES: tuple[tuple[str, str, str, float], ...] = tuple(
    r
    for r in _RATIOS
    if r[0]
    in {
        "energy_intensity",
        "water_intensity",
        "co2_intensity",
        "industrial_energy_intensity",
        "nonfossil_share",
    }
)


def check_identities(panel: pd.DataFrame, *, rtol: float = 0.02) -> pd.DataFrame:
    """Printed intensities and shares that disagree with total / GDP (or part / whole).

    Only rows a source prints (``derived == False``) are checked, against the ratio of the
    panel's own inputs; the GDP basis follows ``panel.attrs["price_base"]`` (comparable by
    default). Returns one row per disagreement: ``indicator``, ``region``, ``year``,
    ``printed``, ``computed``, ``rel_diff``.
    """
    gdp_code = "gdp" if panel.attrs.get("price_base") == "current" else "gdp_real"
    wide = panel[~panel["derived"]].pivot_table(
        index=["region", "year"], columns="indicator", values="value", aggfunc="first"
    )
    out = []
    for code, num, den, factor in _IDENTITIES:
        den_code = gdp_code if den == "GDP" else den
        if not {code, num, den_code} <= set(wide.columns):
            continue
        sub = wide[[code, num, den_code]].dropna()
        computed = factor * sub[num] / sub[den_code]
        rel = (sub[code] - computed).abs() / computed.abs()
        for (region, year), r in rel[rel > rtol].items():
            out.append(
                {
                    "indicator": code,
                    "region": region,
                    "year": year,
                    "printed": sub.loc[(region, year), code],
                    "computed": computed.loc[(region, year)],
                    "rel_diff": r,
                }
            )
    return pd.DataFrame(
        out, columns=["indicator", "region", "year", "printed", "computed", "rel_diff"]
    )


# (total target indicator, intensity change indicator)
_LINKED = (
    ("energy_consumption", "energy_intensity_change", "energy_intensity"),
    ("water_use", "water_intensity_change", "water_intensity"),
    ("co2_emissions", "co2_intensity_change", "co2_intensity"),
)


def coherence_checks(
    panel: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    *,
    gdp_growth: float | None = None,
    region: str | None = None,
    rtol: float = 0.02,
) -> pd.DataFrame:
    """Coherence between linked quantities and linked targets, as one findings table.

    Checks: (1) ``bounds`` - values outside their indicator's range (shares within 0-100);
    (2) ``identity`` - printed intensity vs total / GDP; (3) ``target_bounds`` - a target
    level (+- tolerance) outside its indicator's range; (4) ``linked_targets`` - where the
    targets hold both a cap on a total (e.g. water use <= 29.55亿立方米) and a numeric
    intensity change for the same deadline (supplied through ``load_targets(overrides=...)``,
    as indicator ``*_intensity_change`` or as the intensity with unit ``%`` and a base year),
    the total that the intensity target allows given ``gdp_growth`` (real, per year) and the
    panel's base-year total (:func:`implied_total`), against the cap. ``ok`` is True when
    meeting the intensity target at that growth keeps the total under the cap.

    Returns
    -------
    DataFrame
        ``check``, ``indicator``, ``region``, ``year``, ``ok`` (bool), ``detail`` (words).
    """
    rows: list[dict[str, Any]] = []
    for _, r in check_bounds(panel).iterrows():
        rows.append(
            {
                "check": "bounds",
                "indicator": r["indicator"],
                "region": r["region"],
                "year": r["year"],
                "ok": False,
                "detail": f"{r['value']:g} outside [{r['lower_bound']}, {r['upper_bound']}]",
            }
        )
    for _, r in check_identities(panel, rtol=rtol).iterrows():
        rows.append(
            {
                "check": "identity",
                "indicator": r["indicator"],
                "region": r["region"],
                "year": r["year"],
                "ok": False,
                "detail": f"printed {r['printed']:g}, total/GDP gives {r['computed']:g}",
            }
        )
    if targets is not None:
        rows += _target_bound_checks(targets)
    if targets is not None and gdp_growth is not None:
        rows += _linked_target_checks(panel, targets, gdp_growth, region)
    return pd.DataFrame(rows, columns=["check", "indicator", "region", "year", "ok", "detail"])


def _target_bound_checks(targets: pd.DataFrame) -> list[dict[str, Any]]:
    """Targets whose level (value +- tolerance) lies outside the indicator's range."""
    cat = load_catalogue().indicators
    out = []
    for _, t in targets[targets["value"].notna()].iterrows():
        spec = cat.get(t["indicator"])
        if spec is None or t["unit"] != spec.unit:  # % changes are not levels
            continue
        tol = 0.0 if pd.isna(t["tolerance"]) else float(t["tolerance"])
        lo, hi = float(t["value"]) - tol, float(t["value"]) + tol
        bad = (spec.lower_bound is not None and lo < spec.lower_bound) or (
            spec.upper_bound is not None and hi > spec.upper_bound
        )
        if bad:
            out.append(
                {
                    "check": "target_bounds",
                    "indicator": t["indicator"],
                    "region": None,
                    "year": int(t["deadline"]),
                    "ok": False,
                    "detail": (
                        f"{t['target_id']}: {lo:g}..{hi:g} {t['unit']} outside "
                        f"[{spec.lower_bound}, {spec.upper_bound}]"
                    ),
                }
            )
    return out


def _linked_target_checks(panel, targets, gdp_growth, region) -> list[dict[str, Any]]:
    out = []
    numeric = targets[targets["value"].notna()]
    for total_code, change_code, level_code in _LINKED:
        caps = numeric[(numeric["indicator"] == total_code) & (numeric["comparator"] == "<=")]
        # a cut is either the change indicator, or the intensity stated as a % change
        cuts = numeric[
            (numeric["indicator"] == change_code)
            | ((numeric["indicator"] == level_code) & (numeric["unit"] == "%"))
        ]
        for _, cap in caps.iterrows():
            for _, cut in cuts[cuts["deadline"] == cap["deadline"]].iterrows():
                base_year = cut["base_year"]
                if pd.isna(base_year):
                    continue
                sel = (panel["indicator"] == total_code) & (panel["year"] == base_year)
                if region is not None:
                    sel &= panel["region"] == region
                for _, base in panel[sel].iterrows():
                    years = int(cap["deadline"]) - int(base_year)
                    allowed = implied_total(base["value"], gdp_growth, cut["value"], years)
                    ok = allowed <= cap["value"]
                    out.append(
                        {
                            "check": "linked_targets",
                            "indicator": total_code,
                            "region": base["region"],
                            "year": int(cap["deadline"]),
                            "ok": bool(ok),
                            "detail": (
                                f"{cut['target_id']} ({cut['value']:g}% vs {int(base_year)}) "
                                f"with GDP +{gdp_growth:.1%}/yr allows {allowed:.4g} "
                                f"{cap['unit']} in {int(cap['deadline'])}; "
                                f"{cap['target_id']} caps it at {cap['value']:g}: "
                                + (
                                    "meeting the intensity target keeps the total under the cap"
                                    if ok
                                    else "the cap is tighter than the intensity target at this "
                                    "GDP growth"
                                )
                            ),
                        }
                    )
    return out
