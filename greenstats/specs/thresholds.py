"""Thresholds of the anchor layer and of the probability wording, loaded from YAML.

The numbers live in ``greenstats/data/thresholds.yaml`` (thresholds are data, not code). This
module reads them into frozen dataclasses and validates them on load; an invalid file raises
:class:`greenstats.errors.SpecError` naming the failing key.

Examples
--------
>>> th = load_thresholds()
>>> th.eurostat.on_track, th.unsd_2022.fair, th.germany.min_points
(0.95, 0.5, 4)
>>> th.wording[0].en, th.wording[0].zh
('very likely', '极有可能')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from greenstats.errors import SpecError
from greenstats.specs import read_package_yaml, read_yaml

_FILE = "thresholds.yaml"


@dataclass(frozen=True)
class EurostatThresholds:
    """Eurostat / Statistics Canada (Open SDG) thresholds."""

    on_track: float
    acceleration_needed: float
    limited_progress: float
    substantial_progress: float
    moderate_progress: float
    no_target_limited: float
    limit_exponent: float
    short_term_years: int = 5


@dataclass(frozen=True)
class Unsd2022Thresholds:
    """UNSD SDG Progress Chart 2022 thresholds on CR."""

    on_track: float
    fair: float
    limited: float


@dataclass(frozen=True)
class Unsd2023Thresholds:
    """UNSD 2023 thresholds on rho."""

    met_or_almost: float
    acceleration_needed: float


@dataclass(frozen=True)
class GermanyThresholds:
    """Destatis weather-symbol rule."""

    window_years: int
    min_points: int
    close: float
    moderate: float


@dataclass(frozen=True)
class ChinaThresholds:
    """China's five-year binding targets (晴雨表)."""

    plan_years: int
    pace: str


@dataclass(frozen=True)
class WordingBand:
    """One band of the IPCC calibrated-language scale: probability >= ``min``."""

    min: float
    en: str
    zh: str


@dataclass(frozen=True)
class Thresholds:
    """All thresholds, as loaded from ``thresholds.yaml``."""

    eurostat: EurostatThresholds
    unsd_2022: Unsd2022Thresholds
    unsd_2023: Unsd2023Thresholds
    germany: GermanyThresholds
    china: ChinaThresholds
    wording: tuple[WordingBand, ...]


def _section(doc: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = doc.get(key)
    if not isinstance(value, Mapping):
        raise SpecError(
            "missing or not a mapping", file=where, key=key, fix=f"add a '{key}:' section"
        )
    return value


def _num(sec: Mapping[str, Any], key: str, path: str, where: str) -> float:
    value = sec.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SpecError(
            f"expected a number, got {value!r}",
            file=where,
            key=f"{path}.{key}",
            fix="give a plain number",
        )
    return float(value)


def _descending(values: list[float], path: str, where: str) -> None:
    if any(a <= b for a, b in zip(values, values[1:], strict=False)):
        raise SpecError(
            f"thresholds must decrease strictly, got {values}",
            file=where,
            key=path,
            fix="order the thresholds from best to worst category",
        )


def parse_thresholds(doc: Any, where: str = _FILE) -> Thresholds:
    """Validate a parsed thresholds document and build :class:`Thresholds`.

    Parameters
    ----------
    doc
        The parsed YAML document (a mapping).
    where
        File name used in error messages.

    Raises
    ------
    SpecError
        Naming the failing key and the fix.

    Examples
    --------
    >>> bad = {"eurostat": {}}
    >>> try:
    ...     parse_thresholds(bad, "t.yaml")
    ... except SpecError as err:
    ...     print(err)
    t.yaml, key 'eurostat.with_target': missing or not a mapping. Fix: add a 'with_target:' section
    """
    if not isinstance(doc, Mapping):
        raise SpecError("the document is not a mapping", file=where, fix="see thresholds.yaml")
    eu = _section(doc, "eurostat", where)
    try:
        wt = _section(eu, "with_target", where)
        nt = _section(eu, "without_target", where)
    except SpecError as err:
        raise SpecError(err.message, file=where, key=f"eurostat.{err.key}", fix=err.fix) from None
    eurostat = EurostatThresholds(
        on_track=_num(wt, "on_track", "eurostat.with_target", where),
        acceleration_needed=_num(wt, "acceleration_needed", "eurostat.with_target", where),
        limited_progress=_num(wt, "limited_progress", "eurostat.with_target", where),
        substantial_progress=_num(nt, "substantial_progress", "eurostat.without_target", where),
        moderate_progress=_num(nt, "moderate_progress", "eurostat.without_target", where),
        no_target_limited=_num(nt, "limited_progress", "eurostat.without_target", where),
        limit_exponent=_num(eu, "limit_exponent", "eurostat", where),
        short_term_years=int(_num(eu, "short_term_years", "eurostat", where)),
    )
    _descending(
        [eurostat.on_track, eurostat.acceleration_needed, eurostat.limited_progress],
        "eurostat.with_target",
        where,
    )
    _descending(
        [eurostat.substantial_progress, eurostat.moderate_progress, eurostat.no_target_limited],
        "eurostat.without_target",
        where,
    )
    if eurostat.short_term_years < 1:
        raise SpecError(
            "must be at least 1",
            file=where,
            key="eurostat.short_term_years",
            fix="use 5 (Eurostat's short-term assessment)",
        )
    if eurostat.limit_exponent <= 0:
        raise SpecError(
            "must be positive",
            file=where,
            key="eurostat.limit_exponent",
            fix="use 4.44 (Statistics Canada)",
        )
    u22 = _section(doc, "unsd_2022", where)
    unsd_2022 = Unsd2022Thresholds(
        on_track=_num(u22, "on_track", "unsd_2022", where),
        fair=_num(u22, "fair", "unsd_2022", where),
        limited=_num(u22, "limited", "unsd_2022", where),
    )
    _descending([unsd_2022.on_track, unsd_2022.fair, unsd_2022.limited], "unsd_2022", where)
    u23 = _section(doc, "unsd_2023", where)
    unsd_2023 = Unsd2023Thresholds(
        met_or_almost=_num(u23, "met_or_almost", "unsd_2023", where),
        acceleration_needed=_num(u23, "acceleration_needed", "unsd_2023", where),
    )
    _descending([unsd_2023.met_or_almost, unsd_2023.acceleration_needed], "unsd_2023", where)
    de = _section(doc, "germany", where)
    germany = GermanyThresholds(
        window_years=int(_num(de, "window_years", "germany", where)),
        min_points=int(_num(de, "min_points", "germany", where)),
        close=_num(de, "close", "germany", where),
        moderate=_num(de, "moderate", "germany", where),
    )
    if germany.min_points < 2 or germany.min_points > germany.window_years + 1:
        raise SpecError(
            f"min_points {germany.min_points} must lie in 2..window_years+1",
            file=where,
            key="germany.min_points",
            fix="use 4 with a 5-year window",
        )
    if not 0 < germany.close < germany.moderate:
        raise SpecError(
            "need 0 < close < moderate",
            file=where,
            key="germany.close",
            fix="use close: 0.05, moderate: 0.20",
        )
    cn = _section(doc, "china", where)
    china = ChinaThresholds(
        plan_years=int(_num(cn, "plan_years", "china", where)), pace=str(cn.get("pace"))
    )
    if china.pace not in ("geometric", "linear"):
        raise SpecError(
            f"unknown pace {china.pace!r}",
            file=where,
            key="china.pace",
            fix="use 'geometric' or 'linear'",
        )
    if china.plan_years < 1:
        raise SpecError("must be at least 1", file=where, key="china.plan_years", fix="use 5")
    bands_doc = doc.get("wording")
    if not isinstance(bands_doc, list) or len(bands_doc) != 5:
        raise SpecError(
            "missing, or not a list of the five IPCC bands",
            file=where,
            key="wording",
            fix="list the bands as {min, en, zh}, best first",
        )
    bands = []
    for i, band in enumerate(bands_doc):
        if not isinstance(band, Mapping) or not band.get("en") or not band.get("zh"):
            raise SpecError(
                "each band needs min, en and zh",
                file=where,
                key=f"wording[{i}]",
                fix="write {min: 0.9, en: very likely, zh: 极有可能}",
            )
        bands.append(
            WordingBand(
                min=_num(band, "min", f"wording[{i}]", where),
                en=str(band["en"]),
                zh=str(band["zh"]),
            )
        )
    _descending([b.min for b in bands], "wording", where)
    if bands[-1].min != 0.0:
        raise SpecError(
            "the last band must start at 0",
            file=where,
            key="wording",
            fix="end the list with {min: 0.0, ...}",
        )
    return Thresholds(eurostat, unsd_2022, unsd_2023, germany, china, tuple(bands))


@lru_cache(maxsize=1)
def _packaged() -> Thresholds:
    return parse_thresholds(read_package_yaml(_FILE), _FILE)


def load_thresholds(source: str | Path | Mapping[str, Any] | None = None) -> Thresholds:
    """Load the thresholds: the packaged ``thresholds.yaml`` or ``source`` (path or mapping).

    Parameters
    ----------
    source
        None for the packaged file (cached), else a YAML path or a parsed mapping with the
        same layout.

    Returns
    -------
    Thresholds

    Examples
    --------
    >>> load_thresholds().china.pace
    'geometric'
    """
    if source is None:
        return _packaged()
    where = str(source) if not isinstance(source, Mapping) else "<mapping>"
    return parse_thresholds(read_yaml(source), where)
