"""Judge a series against a plan target: ex post, anchors, probabilities, calibrated wording.

:func:`assess` takes one annual series (a pandas Series indexed by year) and one target (a
``target_id``, a row of :func:`greenstats.load_targets`, or a mapping with the same fields)
and returns an :class:`Assessment`; :func:`assess_all` does it for every target × region of a
panel and returns the scorecard DataFrame.

Layers, in order of precedence:

1. **Ex post.** Once the deadline year has data, ``achieved`` is True/False and the
   probability is that observed fact (1.0 or 0.0); no model is fitted.
2. **Anchors** (:mod:`greenstats.anchors`, from two points): observed and required CAGR,
   Eurostat/Statistics Canada ratio R and category, UNSD CR and ρ, ESCAP, the German rule,
   China's 晴雨表 pace level (targets with a base year), and the yearly rate needed from now.
   The base period is the target's ``base_year``; a target without one is judged over the
   last five years of data (Eurostat's short-term assessment; ``short_term_years`` in
   thresholds.yaml), not from the first year of a long series.
3. **Probabilities** (:mod:`greenstats.trends`, from ``min_points`` = 5 points): the headline
   equal-weight mixture of a random walk with drift and a log/logit-linear trend; the
   projection (median) and 80 %/95 % intervals at the deadline, back-transformed.

A latest value that already meets the target
    The anchor ``category`` becomes "target achieved" (as in Eurostat and Open SDG) and
    ``status`` "already meets the target". The *probability*, however, stays the models'
    probability of meeting the target **in the deadline year** (``met_now="model"``, the
    default), because a cap that is met today can be breached again before the deadline
    (total water use below its cap but rising; an intensity that rebounds), and a floor can
    be lost again. When the models find that less than likely, a flag says so ("meets the
    target now, but only about as likely as not to still meet it in 2025").
    ``met_now="override"`` reproduces the anchors' convention instead (probability 1.0).

Comparators: ``<=`` (lower is better), ``>=`` (higher is better), ``~`` (probability of
landing within ``tolerance``), ``==`` (counts: probability that the value rounds to the
target, ``|Y − v| <= 0.5``; use ``>=`` for "at least N"), ``increase`` (probability that
every remaining year through the deadline rises, :func:`greenstats.trends.prob_increasing`),
``zero_growth`` (the deadline value no higher than the base-year value), ``provincial`` (a
number Jiangsu sets; without an override: status "needs the provincial target" and no
probability; with one, judged as ``<=``/``>=`` by the indicator's direction). A ``<=``/``>=``
target whose sentence says 保持 ("keep above 90 %") is judged in every year of the plan period
(``every_year``; :func:`greenstats.trends.prob_every_year` ex ante).

A target stated as a percent change against a base year (the target's unit is ``%`` while
the indicator's is not, e.g. ``<= -13.5 %`` against 2020 for energy intensity) is turned into
a level: ``y_base · (1 + value/100)``.

Awkward input never crashes or yields an unexplained NaN: every fallback is recorded in
``warnings``; what cannot be assessed at all raises :class:`~greenstats.errors.SeriesError`
naming the series and the fix (``assess_all`` turns such errors into a row with status
"not assessed").
"""

from __future__ import annotations

import datetime as _dt
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from greenstats.anchors import NOT_AVAILABLE, Anchors, compute_anchors
from greenstats.errors import GreenstatsError, SeriesError
from greenstats.schema import ASSESSMENT_FIELDS, COMPARATORS, TARGET_COLUMNS
from greenstats.specs.thresholds import Thresholds, load_thresholds

NAN = float("nan")

#: Extra fields of an Assessment beyond the contract's ASSESSMENT_FIELDS.
EXTRA_FIELDS: tuple[str, ...] = (
    "status",
    "indicator",
    "comparator",
    "target_value",
    "rate_needed",
    "flag",
    "anchors",
    "backtest",
)

#: Status values (``Assessment.status``).
STATUSES: dict[str, str] = {
    "achieved": "the deadline year has data and meets the target",
    "not achieved": "the deadline year has data and misses the target",
    "already meets the target": "deadline ahead; the latest value meets the target",
    "in progress": "deadline ahead; probability from the models",
    "already missed": (
        "deadline ahead, but a year of the plan period already failed an every-year target "
        "('increase': no rise; 保持 / every_year: on the wrong side of the target)"
    ),
    "anchors only": "too few points (or no model fitted) for a probability; anchors only",
    "needs the provincial target": "the plan defers to a provincial number not supplied",
    "no base-year value": "a zero_growth target whose base year has no data",
    "no data": "the panel has no value for the target's indicator",
    "not assessed": "the series could not be assessed; see warnings",
}

_CATEGORY_ZH = {
    "target achieved": "已达标",
    "on track": "进度正常",
    "acceleration needed": "需要加快",
    "limited progress": "进展有限",
    "moving away": "背离目标",
    "substantial progress": "进展显著",
    "moderate progress": "进展一般",
    "deterioration": "恶化",
    NOT_AVAILABLE: "无法判断",
}

_POSITIVE_ANCHOR = {"on track", "target achieved", "substantial progress"}
_NEGATIVE_ANCHOR = {"moving away", "deterioration", "limited progress"}


# --------------------------------------------------------------------------------------------
# the result object
# --------------------------------------------------------------------------------------------
def _fmt(x: Any, digits: int = 4) -> str:
    if x is None:
        return "—"
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int | np.integer):
        return str(int(x))
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(xf):
        return "—"
    return f"{xf:.{digits}g}"


def _pct(x: Any) -> str:
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return "—"
    return "—" if math.isnan(xf) else f"{100 * xf:+.2f} %/yr"


@dataclass(frozen=True, eq=False)
class Assessment:
    """One series judged against one target.

    The first fields are exactly :data:`greenstats.schema.ASSESSMENT_FIELDS`; the extras
    (:data:`EXTRA_FIELDS`) are ``status`` (see :data:`STATUSES`), ``indicator``,
    ``comparator``, ``target_value`` (the level compared against, after converting percent
    changes and zero-growth bases), ``rate_needed`` (yearly rate needed from the latest year),
    ``flag`` (disagreement between anchors and probability, else None), ``anchors`` (every
    anchor, a dict) and ``backtest`` (a backtest result when asked for, else None).

    Rates are fractions per year. ``probability`` is None when no probability can be given
    (``status`` and ``warnings`` say why).
    """

    target_id: str
    region: str | None
    deadline: int
    latest_year: int | None
    latest_value: float
    achieved: bool | None
    projection: float
    lower80: float
    upper80: float
    lower95: float
    upper95: float
    probability: float | None
    observed_rate: float
    required_rate: float
    ratio: float
    category: str
    pace_level: int | None
    wording: str
    wording_zh: str
    models: dict[str, float]
    warnings: list[str]
    status: str = "in progress"
    indicator: str | None = None
    comparator: str | None = None
    target_value: float | None = None
    rate_needed: float = NAN
    flag: str | None = None
    anchors: dict[str, Any] = field(default_factory=dict)
    backtest: Any = None

    def to_dict(self) -> dict[str, Any]:
        """Fields as a dict (contract fields first, then extras)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def summary(self) -> str:
        """A few lines of plain text for the console or a log.

        Examples
        --------
        >>> import pandas as pd
        >>> y = pd.Series([10.0, 9.0], index=[2021, 2022])
        >>> t = {"target_id": "x.cap", "deadline": 2025, "comparator": "<=", "value": 8.0}
        >>> print(assess(y, t).summary().splitlines()[0])
        x.cap: target <= 8 by 2025 — anchors only
        """
        target = (
            f"{self.comparator} {_fmt(self.target_value)}"
            if self.target_value is not None
            else str(self.comparator)
        )
        region = f" [{self.region}]" if self.region else ""
        lines = [f"{self.target_id}{region}: target {target} by {self.deadline} — {self.status}"]
        lines.append(
            f"  latest {_fmt(self.latest_value)} ({_fmt(self.latest_year)}); "
            f"observed {_pct(self.observed_rate)}, required {_pct(self.required_rate)}, "
            f"needed from now {_pct(self.rate_needed)}"
        )
        pace = f", 晴雨表 level {self.pace_level}" if self.pace_level is not None else ""
        lines.append(f"  anchors: R = {_fmt(self.ratio, 3)} ({self.category}){pace}")
        if not math.isnan(self.projection):
            lines.append(
                f"  projection {self.deadline}: {_fmt(self.projection)} "
                f"(80% {_fmt(self.lower80)}–{_fmt(self.upper80)}, "
                f"95% {_fmt(self.lower95)}–{_fmt(self.upper95)})"
            )
        if self.probability is not None:
            per = ", ".join(f"{k} {v:.2f}" for k, v in self.models.items())
            lines.append(f"  P(meet) = {self.probability:.2f}" + (f" [{per}]" if per else ""))
        lines.append(f"  {self.wording} / {self.wording_zh}")
        if self.flag:
            lines.append(f"  FLAG: {self.flag}")
        if self.backtest is not None and hasattr(self.backtest, "summary"):
            try:
                lines.append("  backtest: " + str(self.backtest.summary()).replace("\n", "\n  "))
            except Exception:  # pragma: no cover - a display must not fail
                pass
        for w in self.warnings:
            if not (self.flag and w.endswith(self.flag)):
                lines.append(f"  warning: {w}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        """Compact HTML card for JupyterLab (all text escaped)."""
        e = html.escape
        region = f" · {e(str(self.region))}" if self.region else ""
        target = (
            f"{e(str(self.comparator))} {e(_fmt(self.target_value))}"
            if self.target_value is not None
            else e(str(self.comparator))
        )
        p = "—" if self.probability is None else f"{self.probability:.2f}"
        colour = {
            "achieved": "#1a7f37",
            "not achieved": "#cf222e",
            "already meets the target": "#1a7f37",
        }.get(self.status, "#57606a")
        rows = [
            ("latest", f"{_fmt(self.latest_value)} ({_fmt(self.latest_year)})"),
            (
                "projection",
                (
                    f"{_fmt(self.projection)} [80% {_fmt(self.lower80)}–{_fmt(self.upper80)}; "
                    f"95% {_fmt(self.lower95)}–{_fmt(self.upper95)}]"
                ),
            ),
            (
                "P(meet)",
                p
                + (
                    " (" + ", ".join(f"{k} {v:.2f}" for k, v in self.models.items()) + ")"
                    if self.models
                    else ""
                ),
            ),
            (
                "rates",
                (
                    f"observed {_pct(self.observed_rate)}, required {_pct(self.required_rate)}, "
                    f"needed now {_pct(self.rate_needed)}"
                ),
            ),
            (
                "anchors",
                f"R = {_fmt(self.ratio, 3)}, {self.category}"
                + (f", 晴雨表 level {self.pace_level}" if self.pace_level is not None else ""),
            ),
        ]
        body = "".join(
            f"<tr><th style='text-align:left;padding-right:1em'>{e(k)}</th>"
            f"<td style='text-align:left'>{e(v)}</td></tr>"
            for k, v in rows
        )
        flag = f"<div style='color:#9a6700'>⚑ {e(self.flag)}</div>" if self.flag else ""
        warn = ""
        if self.warnings:
            items = "".join(f"<li>{e(w)}</li>" for w in self.warnings)
            warn = (
                f"<details><summary>{len(self.warnings)} warning(s)</summary>"
                f"<ul style='margin:0'>{items}</ul></details>"
            )
        return (
            "<div class='greenstats-assessment' style='font-size:90%;max-width:48em'>"
            f"<div><b>{e(str(self.target_id))}</b>{region}: target {target} by "
            f"{e(str(self.deadline))} — <span style='color:{colour}'>{e(self.status)}</span></div>"
            f"<div>{e(self.wording)} / {e(self.wording_zh)}</div>{flag}"
            f"<table style='border-collapse:collapse'>{body}</table>{warn}</div>"
        )


# --------------------------------------------------------------------------------------------
# wording
# --------------------------------------------------------------------------------------------
def probability_label(p: float, *, thresholds: Thresholds | None = None) -> tuple[str, str]:
    """IPCC calibrated label for a probability, in English and Chinese.

    Examples
    --------
    >>> probability_label(0.95)
    ('very likely', '极有可能')
    >>> probability_label(0.5)
    ('about as likely as not', '可能性相当')
    >>> probability_label(0.05)
    ('very unlikely', '极不可能')
    """
    bands = (thresholds or load_thresholds()).wording
    for band in bands:
        if p >= band.min:
            return band.en, band.zh
    return bands[-1].en, bands[-1].zh


def wording_for(
    p: float, deadline: int, *, thresholds: Thresholds | None = None
) -> tuple[str, str]:
    """The calibrated phrase for a probability of meeting a target by ``deadline``.

    Examples
    --------
    >>> wording_for(0.78, 2025)
    ('likely to meet the 2025 target (probability 0.78)', '实现2025年目标：很可能（概率0.78）')
    """
    en, zh = probability_label(p, thresholds=thresholds)
    return (
        f"{en} to meet the {deadline} target (probability {p:.2f})",
        f"实现{deadline}年目标：{zh}（概率{p:.2f}）",
    )


def disagreement_flag(
    category: str,
    pace_level: int | None,
    probability: float | None,
    deadline: int,
    *,
    met_now: bool = False,
    every_year: bool = False,
    thresholds: Thresholds | None = None,
) -> tuple[str, str] | None:
    """Flag where the anchor category and the probability disagree (English, Chinese).

    The anchors count as "on pace" for the categories on track / target achieved /
    substantial progress or 晴雨表 level 3, and as "behind" for limited progress / moving away /
    deterioration or level 1. A flag is raised when an on-pace series has a probability
    below the "likely" band, or a behind series one in or above it.

    Examples
    --------
    >>> disagreement_flag("on track", 3, 0.45, 2025)[0]
    'on pace, but only about as likely as not to meet the 2025 target (probability 0.45)'
    >>> disagreement_flag("moving away", 1, 0.8, 2025)[0]
    'behind pace by the anchors, but the models find it likely to meet the 2025 target (probability 0.80)'
    >>> disagreement_flag("on track", 3, 0.9, 2025) is None
    True
    >>> disagreement_flag("on track", None, 0.5, 2022, every_year=True)[0]
    'on pace, but only about as likely as not to meet the target in every year to 2022 (probability 0.50)'

    ``every_year`` words it for a target to be met in every year (保持), whose probability
    is that of every remaining year.
    """
    if probability is None or not math.isfinite(probability):
        return None
    th = thresholds or load_thresholds()
    likely = th.wording[1].min  # the five IPCC bands: very likely, likely, about, ...
    en, zh = probability_label(probability, thresholds=th)
    positive = category in _POSITIVE_ANCHOR or pace_level == 3
    negative = category in _NEGATIVE_ANCHOR or pace_level == 1
    if every_year:
        goal, goal_zh = f"the target in every year to {deadline}", f"至{deadline}年每年达标"
        still, still_zh = (
            f"to keep meeting it every year to {deadline}",
            f"至{deadline}年每年仍达标",
        )
    else:
        goal, goal_zh = f"the {deadline} target", f"实现{deadline}年目标"
        still, still_zh = f"to still meet it in {deadline}", f"{deadline}年仍达标"
    if positive and not negative and probability < likely:
        only = "only " if probability >= th.wording[2].min else ""
        if met_now:
            return (
                f"meets the target now, but {only}{en} {still} (probability {probability:.2f})",
                f"目前已达标，但{still_zh}的可能性仅为“{zh}”（概率{probability:.2f}）",
            )
        return (
            f"on pace, but {only}{en} to meet {goal} (probability {probability:.2f})",
            f"按进度达标，但{goal_zh}的可能性仅为“{zh}”（概率{probability:.2f}）",
        )
    if negative and not positive and probability >= likely:
        return (
            f"behind pace by the anchors, but the models find it {en} to meet {goal} "
            f"(probability {probability:.2f})",
            f"按进度落后，但模型认为{goal_zh}{zh}（概率{probability:.2f}）",
        )
    return None


# --------------------------------------------------------------------------------------------
# inputs: series, target, catalogue
# --------------------------------------------------------------------------------------------
def _is_na(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _clean_series(series: Any, label: str) -> tuple[pd.Series, list[str]]:
    """Float Series with a sorted int year index, NaN/inf dropped (with warnings)."""
    warnings: list[str] = []
    if isinstance(series, pd.DataFrame):
        if "year" in series.columns and "value" in series.columns:
            series = series.set_index("year")["value"]
        else:
            raise SeriesError(
                f"{label}: got a DataFrame without 'year' and 'value' columns",
                key=label,
                fix="pass a Series of values indexed by year",
            )
    if not isinstance(series, pd.Series):
        try:
            series = pd.Series(series)
        except Exception as exc:
            raise SeriesError(
                f"{label}: cannot be read as a series ({type(exc).__name__})",
                key=label,
                fix="pass a pandas Series of floats indexed by integer year",
            ) from exc
    idx = series.index
    if (
        idx.dtype.kind in "iu"
        and series.dtype.kind == "f"
        and idx.is_unique
        and idx.is_monotonic_increasing
    ):  # fast path: already float values on sorted int years
        s = pd.Series(series.to_numpy(dtype=float), index=idx.astype("int64"))
        return _finite_or_raise(s, label, warnings), warnings
    if isinstance(idx, pd.DatetimeIndex | pd.PeriodIndex):
        years = np.asarray(idx.year, dtype=float)
    else:
        years = pd.to_numeric(pd.Series(np.asarray(idx, dtype=object)), errors="coerce").to_numpy(
            dtype=float
        )
    bad = ~np.isfinite(years) | (years != np.round(years))
    if len(years) and bad.any():
        raise SeriesError(
            f"{label}: index values {list(idx[bad][:3])!r} are not years",
            key=label,
            fix="index the series by integer year (e.g. 2020, 2021, ...)",
        )
    values = pd.to_numeric(pd.Series(np.asarray(series, dtype=object)), errors="coerce").to_numpy(
        dtype=float
    )
    raw = np.asarray(series, dtype=object)
    nonnum = [raw[i] for i in range(len(raw)) if np.isnan(values[i]) and not _is_na(raw[i])]
    if nonnum:
        raise SeriesError(
            f"{label}: non-numeric values {nonnum[:3]!r}",
            key=label,
            fix="convert the values to float; markers such as '…' should be NaN",
        )
    s = pd.Series(values, index=years.astype(int), dtype=float)
    if s.index.has_duplicates:
        dup = sorted(set(s.index[s.index.duplicated()].tolist()))
        raise SeriesError(
            f"{label}: year(s) {dup[:5]} appear more than once",
            key=label,
            fix="keep one value per year (filter the breakdown or aggregate first)",
        )
    return _finite_or_raise(s.sort_index(), label, warnings), warnings


def _finite_or_raise(s: pd.Series, label: str, warnings: list[str]) -> pd.Series:
    """Drop missing or infinite values (with a warning); raise when nothing is left."""
    finite = np.isfinite(s.to_numpy())
    if not finite.all():
        warnings.append(f"missing or infinite values in {s.index[~finite].tolist()} dropped")
        s = s[finite]
    if s.empty:
        raise SeriesError(
            f"{label}: no observations",
            key=label,
            fix="check that the panel has values for this indicator and region",
        )
    return s


@lru_cache(maxsize=1)
def _default_targets() -> pd.DataFrame:
    from greenstats.targets import load_targets  # lazy: loads the YAML only when needed

    return load_targets()


@lru_cache(maxsize=1)
def _default_catalogue() -> pd.DataFrame | None:
    try:
        from greenstats.indicators import load_indicators
    except ImportError:
        return None
    try:
        return load_indicators()
    except Exception:
        return None


def _lookup_target(target_id: str, overrides: Any) -> dict[str, Any]:
    try:
        if overrides is None:
            table = _default_targets()
        else:
            from greenstats.targets import load_targets

            table = load_targets(overrides)
    except ImportError as exc:
        raise SeriesError(
            f"target {target_id!r} given by id, but greenstats.targets is not available",
            key=target_id,
            fix="pass the target as a mapping with the TARGET_COLUMNS fields",
        ) from exc
    hit = table[table["target_id"] == target_id]
    if hit.empty:
        near = [t for t in table["target_id"].tolist() if target_id.split(".")[0] in t][:5]
        raise SeriesError(
            f"unknown target_id {target_id!r}",
            key=target_id,
            fix="use an id from load_targets()['target_id']" + (f", e.g. {near}" if near else ""),
        )
    return hit.iloc[0].to_dict()


def _resolve_target(target: Any, overrides: Any) -> dict[str, Any]:
    if isinstance(target, str):
        t = _lookup_target(target, overrides)
    elif isinstance(target, pd.Series):
        t = target.to_dict()
    elif isinstance(target, Mapping):
        t = dict(target)
    else:
        raise SeriesError(
            f"target of type {type(target).__name__} not understood",
            key="target",
            fix="pass a target_id, a row of load_targets(), or a mapping with TARGET_COLUMNS",
        )
    t = {k: (None if _is_na(v) else v) for k, v in t.items()}
    for col in TARGET_COLUMNS:
        t.setdefault(col, None)
    tid = str(t["target_id"]) if t["target_id"] is not None else "<target>"
    t["target_id"] = tid
    if isinstance(overrides, Mapping) and tid in overrides:
        ov = overrides[tid]
        if isinstance(ov, Mapping):
            t.update({k: v for k, v in ov.items() if k in TARGET_COLUMNS})
        else:
            t["value"] = ov
    comp = t["comparator"]
    if comp not in COMPARATORS:
        raise SeriesError(
            f"target {tid}: comparator {comp!r} not known",
            key=tid,
            fix=f"use one of {list(COMPARATORS)}",
        )
    if t["deadline"] is None:
        raise SeriesError(f"target {tid}: no deadline", key=tid, fix="give the target year")
    try:
        t["deadline"] = int(t["deadline"])
        t["base_year"] = None if t["base_year"] is None else int(t["base_year"])
        t["value"] = None if t["value"] is None else float(t["value"])
        t["tolerance"] = None if t["tolerance"] is None else float(t["tolerance"])
    except (TypeError, ValueError) as exc:
        raise SeriesError(
            f"target {tid}: deadline/base_year/value/tolerance not numeric ({exc})",
            key=tid,
            fix="give years as integers and the value as a number",
        ) from exc
    if comp in ("<=", ">=", "~", "==") and t["value"] is None:
        raise SeriesError(
            f"target {tid}: comparator {comp!r} needs a value",
            key=tid,
            fix="give the target value (or use comparator 'provincial' with an override)",
        )
    if comp == "zero_growth" and t["base_year"] is None:
        raise SeriesError(
            f"target {tid}: zero_growth needs a base_year",
            key=tid,
            fix="give the base year against which growth is measured",
        )
    return t


def _catalogue_row(indicator: str | None, catalogue: pd.DataFrame | None) -> dict[str, Any]:
    if indicator is None or catalogue is None or "code" not in getattr(catalogue, "columns", ()):
        return {}
    key = id(catalogue)
    cached = _CATALOGUE_INDEX.get(key)
    if cached is None or cached[0] is not catalogue:
        index = {
            str(row["code"]): {k: (None if _is_na(v) else v) for k, v in row.items()}
            for row in catalogue.to_dict("records")
        }
        if len(_CATALOGUE_INDEX) > 4:
            _CATALOGUE_INDEX.clear()
        _CATALOGUE_INDEX[key] = cached = (catalogue, index)
    return dict(cached[1].get(str(indicator), {}))


#: id(catalogue) -> (catalogue, {code: row}); the catalogue is kept so that the id stays valid
_CATALOGUE_INDEX: dict[int, tuple[pd.DataFrame, dict[str, dict[str, Any]]]] = {}


def _bounds_for(t: dict, cat: dict, explicit: Any) -> tuple[float | None, float | None]:
    if explicit is not None:
        lo, hi = explicit
        return (None if _is_na(lo) else float(lo), None if _is_na(hi) else float(hi))
    if cat:
        lo, hi = cat.get("lower_bound"), cat.get("upper_bound")
        if lo is not None or hi is not None:
            return (None if lo is None else float(lo), None if hi is None else float(hi))
        if cat.get("kind") in ("rate", "share") and cat.get("unit") == "%":
            return (0.0, 100.0)
        return (None, None)
    if t.get("unit") == "%" and not t.get("_pct_change"):
        return (0.0, 100.0)
    return (None, None)


# --------------------------------------------------------------------------------------------
# assess
# --------------------------------------------------------------------------------------------
def _meets(value: float, comp: str, v: float | None, tol: float | None) -> bool:
    if comp == "<=":
        return value <= v  # type: ignore[operator]
    if comp == ">=":
        return value >= v  # type: ignore[operator]
    if comp == "~":
        return abs(value - v) <= (tol or 0.0) + 1e-12  # type: ignore[operator]
    if comp == "==":
        return abs(value - v) <= 1e-9 * max(1.0, abs(v))  # type: ignore[arg-type]
    raise ValueError(comp)


def _empty(t: dict, region: str | None, **kw: Any) -> Assessment:
    base: dict[str, Any] = dict(
        target_id=t["target_id"],
        region=region,
        deadline=t["deadline"],
        latest_year=None,
        latest_value=NAN,
        achieved=None,
        projection=NAN,
        lower80=NAN,
        upper80=NAN,
        lower95=NAN,
        upper95=NAN,
        probability=None,
        observed_rate=NAN,
        required_rate=NAN,
        ratio=NAN,
        category=NOT_AVAILABLE,
        pace_level=None,
        wording="",
        wording_zh="",
        models={},
        warnings=[],
        indicator=t.get("indicator"),
        comparator=t.get("comparator"),
        target_value=t.get("value"),
    )
    base.update(kw)
    return Assessment(**base)


def assess(
    series: pd.Series,
    target: Any,
    *,
    region: str | None = None,
    models: Sequence[str] = ("rw_drift", "ols_trend"),
    break_years: Iterable[int] = (),
    pace: Literal["geometric", "linear"] | None = None,
    backtest: bool = False,
    sensitivity: bool | Sequence[str] = False,
    overrides: Any = None,
    as_of: int | None = None,
    bounds: tuple[float | None, float | None] | None = None,
    min_points: int = 5,
    met_now: Literal["model", "override"] = "model",
    plan_start: int | None = None,
    every_year: bool | None = None,
    weights: Any = None,
    damping: float | None = None,
    forecast_options: Mapping[str, Any] | None = None,
    indicators: pd.DataFrame | None = None,
    thresholds: Thresholds | None = None,
) -> Assessment:
    """Judge one annual series against one target.

    Parameters
    ----------
    series
        Values indexed by year (int, numeric strings, dates or periods). NaN values are
        dropped with a warning.
    target
        A ``target_id`` (looked up in :func:`greenstats.load_targets`), a row of that table,
        or a mapping with the :data:`~greenstats.schema.TARGET_COLUMNS` fields (at least
        ``deadline`` and ``comparator``; ``value`` for ``<=``, ``>=``, ``~``, ``==``).
    region
        Region name, copied into the result.
    models
        Headline models of :func:`greenstats.trends.forecast`.
    break_years
        Years treated as one-off pulses (e.g. ``(2020,)``); none by default.
    pace
        China's pace: ``"geometric"`` (default, from thresholds.yaml) or ``"linear"``.
    backtest
        Also run :func:`greenstats.backtest.backtest` (rolling origin, horizons 1–3) and
        keep it in ``Assessment.backtest``.
    sensitivity
        Fit the sensitivity models too (reported in ``models`` with a ``sens:`` prefix;
        never part of the headline).
    overrides
        Provincial numbers: a mapping ``target_id -> value`` (or a mapping of target
        fields), or a path handed to :func:`greenstats.load_targets`.
    as_of
        Ignore data after this year (reproduce an earlier judgement); also the "today" used
        to warn that a deadline has passed without data (default: the current year).
    bounds
        ``(lower, upper)`` natural limits; default from the indicator catalogue
        (``lower_bound``/``upper_bound``, or ``(0, 100)`` for a rate/share in %), else
        ``(0, 100)`` when the target's unit is ``%``.
    min_points
        Fewest points for a probability (default 5; a warning below 8 comes from trends).
    met_now
        ``"model"`` (default): a latest value that already meets the target changes the
        anchor category and status, but the probability stays the models' probability for
        the deadline year (a cap can be breached again). ``"override"``: probability 1.0.
    weights, damping
        Mixture weights and trend damping of :func:`greenstats.trends.forecast`; None keeps
        the trends defaults (its calibrated mixture, undamped, with the growth prior);
        ``weights="equal", forecast_options={"growth_sd": None}`` gives the plain
        equal-weight mixture.
    forecast_options
        Further keyword options of :func:`greenstats.trends.forecast` (e.g.
        ``robust_drift``, ``growth_sd``, ``drift_prior``), also used by ``prob_increasing``
        and the backtest.
    plan_start
        First year of the plan period for every-year targets. For ``increase``: the first
        year that must rise above the year before (default ``base_year + 1``, else
        ``deadline − 4``, a five-year plan). For an every-year ``>=``/``<=`` target (see
        ``every_year``): the first year that must meet the target (default ``base_year +
        1``, else the year the plan was issued, ``plan.issued`` in targets.yaml, 2021; a
        target with a deadline before that year falls back to ``deadline − 4``). A year in
        ``[plan_start, latest]`` that fails means the target is already missed (probability
        0, status "already missed").
    every_year
        Judge a ``>=``/``<=`` target in every year of the plan period, not only at the
        deadline (the plan's 保持, "keep above 90 %"). None (default): True when the
        comparator (after a provincial override) is ``>=`` or ``<=`` and the target's
        ``text_zh`` contains 保持; True/False force it (True also applies to
        ``zero_growth``; ``increase`` always keeps its own every-year rule). Ex post,
        ``achieved`` only if every observed year in ``[plan_start, deadline]`` meets the
        target (the wording names the failing years; a warning lists years without data).
        Ex ante, the probability is that every remaining year through the deadline meets it
        (:func:`greenstats.trends.prob_every_year`, the random walk with drift: ``models``
        is ``{"rw_drift": p}``), and a warning gives the deadline-year probability beside it.
    indicators
        The indicator catalogue (default :func:`greenstats.load_indicators`, if available).
    thresholds
        Anchor and wording thresholds (default the packaged ``thresholds.yaml``).

    Returns
    -------
    Assessment

    Raises
    ------
    SeriesError
        When the series or target cannot be assessed at all (empty series, non-year index,
        duplicate years, unknown target_id, missing value); the message names the series
        and the fix.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([100.0, 97.0, 94.09, 91.27, 88.53], index=range(2020, 2025))
    >>> a = assess(y, {"target_id": "e.int", "deadline": 2025, "comparator": "<=",
    ...                "value": 86.5, "base_year": 2020})
    >>> a.category, a.pace_level, round(a.observed_rate, 3)
    ('on track', 3, -0.03)
    >>> a.status, a.probability is not None
    ('in progress', True)

    A 保持 ("keep above") target fails ex post when any year of the plan period fails:

    >>> r = pd.Series([91.0, 89.5, 92.0], index=[2020, 2021, 2022])
    >>> b = assess(r, {"target_id": "w.keep", "deadline": 2022, "comparator": ">=",
    ...                "value": 90.0, "text_zh": "综合利用率保持在90%以上"}, plan_start=2021)
    >>> b.achieved, b.wording
    (False, 'not achieved: below 90 in 2021 (observed 2022: 92)')
    """
    th = thresholds or load_thresholds()
    t = _resolve_target(target, overrides)
    tid, comp, deadline = t["target_id"], t["comparator"], t["deadline"]
    label = f"series for target {tid}" + (f", region {region}" if region else "")
    catalogue = indicators if indicators is not None else _default_catalogue()
    cat = _catalogue_row(t.get("indicator"), catalogue)
    y, warnings = _clean_series(series, label)
    y.name = tid if region is None else f"{tid} [{region}]"  # names the series in warnings
    if as_of is not None:
        later = y.index > int(as_of)
        if later.all():
            raise SeriesError(
                f"{label}: no observations up to as_of={as_of}",
                key=tid,
                fix="choose a later as_of",
            )
        y = y[~later]
    today = int(as_of) if as_of is not None else _dt.date.today().year

    # direction from the comparator
    cat_dir = {"higher": 1, "lower": -1}.get(str(cat.get("direction")), None) if cat else None
    if comp == "provincial":
        if t["value"] is None:
            a = _anchors_only(y, t, None, cat_dir or 1, th, pace, warnings, cat)
            return _finish_empty(
                t,
                region,
                y,
                a,
                warnings,
                status="needs the provincial target",
                wording="needs the provincial target (no probability)",
                wording_zh="需要省级下达的目标值（无概率）",
            )
        if cat_dir is not None:
            comp = "<=" if cat_dir < 0 else ">="
        else:
            warnings.append(
                "provincial target: the indicator's direction is unknown (not in the "
                "catalogue); judged as a cap (<=). Give comparator in the override to change"
            )
            comp = "<="
    # target level
    v = t["value"]
    tol = t["tolerance"]
    base_year = t["base_year"]
    if (
        v is not None
        and t.get("unit") == "%"
        and cat
        and cat.get("unit") not in (None, "%")
        and base_year is not None
        and comp in ("<=", ">=", "~")
    ):
        if base_year in y.index:
            level = float(y.loc[base_year]) * (1 + v / 100.0)
            warnings.append(
                f"target stated as {v:+g} % against {base_year}; judged as the level "
                f"{level:.6g} ({cat.get('unit')})"
            )
            t["_pct_change"] = True
            v = level
        else:
            a = _anchors_only(y, t, None, -1 if comp == "<=" else 1, th, pace, warnings, cat)
            warnings.append(
                f"target stated as a {v:+g} % change against {base_year}, but {base_year} "
                "has no data; cannot turn it into a level"
            )
            return _no_base_year(t, region, y, a, warnings, base_year)
    if comp == "zero_growth":
        if base_year not in y.index:
            a = _anchors_only(y, t, None, -1, th, pace, warnings, cat)
            warnings.append(f"zero_growth against {base_year}, but {base_year} has no data")
            return _no_base_year(t, region, y, a, warnings, base_year)
        v = float(y.loc[base_year])
    if comp == "~" and tol is None:
        tol = 0.05 * abs(v)  # type: ignore[arg-type]
        warnings.append(
            f"'about' target without a tolerance: ±5 % of the target ({tol:.4g}) assumed; "
            "give tolerance to change"
        )
    if comp in ("<=", "zero_growth"):
        direction = -1
    elif comp in (">=", "increase"):
        direction = 1
    else:  # "~", "==": towards the target from the base (or first) value
        ref_year = base_year if base_year in y.index else int(y.index[0])
        direction = 1 if v >= float(y.loc[ref_year]) else -1  # type: ignore[operator]
    bnds = _bounds_for(t, cat, bounds)
    limit = bnds[1] if direction > 0 else None  # "increase" has direction 1
    model_comp = "<=" if comp == "zero_growth" else comp
    t_level = v
    hold = _every_year(every_year, comp, model_comp, t, warnings)
    first = _hold_start(plan_start, base_year, deadline, th) if hold else deadline

    # ---- every year (保持): the observed years of the plan period
    if hold:
        warnings.append(
            f"every-year target (保持): every year from {first} to {deadline} must meet the "
            f"target, not only {deadline}"
        )
        seen = y[(y.index >= first) & (y.index <= deadline)]
        upto = deadline if deadline in y.index else min(int(y.index[-1]), deadline - 1)
        missing = sorted(set(range(first, upto + 1)) - set(seen.index.tolist()))
        if missing:
            warnings.append(
                f"no data for {missing} between {first} and {upto}; 'every year' is checked on "
                "the years with data"
            )
        fails = [int(yr) for yr, val in seen.items() if not _meets(val, model_comp, t_level, tol)]
        side, side_zh = _wrong_side(model_comp)
        if fails:
            warnings.append(
                f"every-year target (保持): {side} {t_level:.6g} in {fails} (plan period "
                f"{first}–{deadline})"
            )
        if deadline not in y.index and fails:
            y_upto = y[y.index <= deadline]
            a = _anchors(
                y_upto,
                t_level,
                deadline,
                direction,
                base_year,
                limit,
                pace,
                th,
                comp,
                tol,
                warnings,
            )
            yrs = ", ".join(map(str, fails))
            return _already_missed(
                t,
                region,
                y_upto,
                a,
                warnings,
                wording=f"already missed: {side} {t_level:.6g} in {yrs}",
                wording_zh=f"已无法实现：{'、'.join(map(str, fails))}年{side_zh}{t_level:.6g}",
                required_rate=a.required_rate,
                ratio=a.ratio,
                pace_level=a.pace_level,
                rate_needed=a.rate_needed_now,
                target_value=t_level,
            )

    # ---- ex post: the deadline year has data
    if deadline in y.index and comp != "increase":
        y_pre = y[y.index <= deadline]
        a = _anchors(
            y_pre, t_level, deadline, direction, base_year, limit, pace, th, comp, tol, warnings
        )
        if hold:
            return _finish_expost(
                t,
                region,
                y_pre,
                a,
                warnings,
                not fails,
                t_level,
                comp,
                hold=(first, fails, model_comp),
            )
        ok = _meets(float(y.loc[deadline]), model_comp, t_level, tol)
        return _finish_expost(t, region, y_pre, a, warnings, ok, t_level, comp)
    if comp == "increase":
        first = (
            int(plan_start)
            if plan_start is not None
            else base_year + 1
            if base_year is not None
            else deadline - th.china.plan_years + 1
        )
        seen = y[(y.index >= first - 1) & (y.index <= deadline)]
        yrs = seen.index.to_numpy()
        if len(seen) >= 2 and np.any(np.diff(yrs) > 1):
            warnings.append(
                f"years missing between {first - 1} and {deadline}; 'every year rises' is "
                "checked between the years with data"
            )
        falls = [int(yr) for yr, d in zip(yrs[1:], np.diff(seen.to_numpy()), strict=True) if d <= 0]
        y_upto = y[y.index <= deadline]
        if deadline in y.index or falls:
            a = _anchors(y_upto, None, deadline, 1, base_year, limit, pace, th, comp, tol, warnings)
            if len(seen) < 2:
                warnings.append(
                    f"no year-on-year change observed from {first - 1} to {deadline}; "
                    "'every year rises' cannot be confirmed"
                )
            if deadline in y.index:
                return _finish_expost(
                    t, region, y_upto, a, warnings, not falls and len(seen) >= 2, None, comp
                )
            warnings.append(
                f"the value did not rise in {falls} (plan period from {first}): 'keeps rising "
                "every year' is already missed"
            )
            return _already_missed(
                t,
                region,
                y_upto,
                a,
                warnings,
                wording=f"already missed: no rise in {falls}",
                wording_zh=f"已无法实现：{'、'.join(map(str, falls))}年未增长",
                target_value=None,
            )
    # ---- the deadline has passed but has no data
    if y.index[-1] > deadline:
        warnings.append(
            f"the deadline {deadline} has no data although later years do; judged from the "
            f"years before {deadline} (a nowcast, not an observation)"
        )
        y = y[y.index < deadline]
        if y.empty:
            raise SeriesError(
                f"{label}: no observations before the deadline {deadline}",
                key=tid,
                fix="supply the deadline-year value",
            )
    elif deadline < today:
        warnings.append(
            f"the deadline {deadline} has passed (as of {today}) but the data end in "
            f"{int(y.index[-1])}; the probability is a forecast of an outcome not yet published"
        )

    # ---- anchors
    a = _anchors(
        y,
        None if comp == "increase" else t_level,
        deadline,
        direction,
        base_year,
        limit,
        pace,
        th,
        comp,
        tol,
        warnings,
    )
    latest = float(y.iloc[-1])
    met = comp != "increase" and _meets(latest, model_comp, t_level, tol)
    if comp == "~" and direction * (latest - t_level) > tol:  # type: ignore[operator]
        warnings.append(
            f"the latest value {latest:.6g} has overshot the 'about' band "
            f"{t_level:.6g} ± {tol:.4g}; the anchor ratio counts overshooting as progress, "
            "the probability does not"
        )

    # ---- probabilistic layer
    fc_opts: dict[str, Any] = dict(forecast_options or {})
    if weights is not None:
        fc_opts["weights"] = weights
    if damping is not None:
        fc_opts["damping"] = damping
    from greenstats import trends  # lazy: keeps `import greenstats` cheap

    probability: float | None = None
    per_model: dict[str, float] = {}
    proj = (NAN, NAN, NAN, NAN, NAN)
    fc = None
    reason = ("models could not be fitted", "模型无法拟合")
    if len(y) >= min_points:
        try:
            fc = trends.forecast(
                y,
                deadline,
                bounds=bnds,
                models=models,
                break_years=break_years,
                sensitivity=sensitivity,
                min_points=min_points,
                **fc_opts,
            )
            warnings.extend(fc.warnings)
        except GreenstatsError as exc:
            warnings.append(f"models not fitted: {exc}")
            fc = None
        except Exception as exc:  # a statistics failure must not sink the scorecard
            warnings.append(f"models failed ({type(exc).__name__}: {exc}); anchors only")
            fc = None
        if fc is not None and fc.models:
            probability, per_model = _probabilities(fc, model_comp, t_level, tol)
            proj = (
                fc.quantile(0.5),
                fc.quantile(0.1),
                fc.quantile(0.9),
                fc.quantile(0.025),
                fc.quantile(0.975),
            )
            if comp == "increase":
                try:
                    probability = float(
                        trends.prob_increasing(
                            y,
                            deadline,
                            bounds=bnds,
                            break_years=break_years,
                            min_points=min_points,
                            **{k: v for k, v in fc_opts.items() if k != "weights"},
                        )
                    )
                    per_model = {"rw_drift": probability}
                except Exception as exc:
                    warnings.append(f"P(every year rises) failed ({exc}); no probability")
                    probability, per_model = None, {}
            elif hold:
                p_deadline = probability
                try:
                    probability = float(
                        trends.prob_every_year(
                            y,
                            deadline,
                            model_comp,
                            t_level,
                            from_year=first,
                            bounds=bnds,
                            break_years=break_years,
                            min_points=min_points,
                            **{k: v for k, v in fc_opts.items() if k != "weights"},
                        )
                    )
                    per_model = {"rw_drift": probability}
                    left = max(first, int(y.index[-1]) + 1)
                    span = f"{left}" if left == deadline else f"every year {left}–{deadline}"
                    warnings.append(
                        f"every-year target (保持): the headline probability ({probability:.2f}) "
                        f"is that {span} meets the target (random walk with drift); the "
                        f"deadline year alone: {p_deadline:.2f}"
                    )
                except Exception as exc:
                    warnings.append(
                        f"P(every year meets the target) failed ({exc}); no probability"
                    )
                    probability, per_model = None, {}
            if probability is not None and not math.isfinite(probability):
                warnings.append("the models gave no finite probability; anchors only")
                probability, per_model = None, {}
    else:
        reason = ("too few data for the models", "数据不足")
        warnings.append(
            f"{len(y)} observation(s), fewer than the {min_points} needed for a probability; "
            "anchors only"
        )
    if met and met_now == "override":
        warnings.append("met_now='override': the latest value meets the target, probability 1")
        probability = 1.0

    status = "in progress" if probability is not None else "anchors only"
    if met:
        status = "already meets the target"
    if probability is not None and hold and not (met and met_now == "override"):
        en, zh = probability_label(probability, thresholds=th)
        wording = (
            f"{en} to meet the target in every year to {deadline} (probability {probability:.2f})"
        )
        wording_zh = f"至{deadline}年每年达标：{zh}（概率{probability:.2f}）"
    elif probability is not None:
        wording, wording_zh = wording_for(probability, deadline, thresholds=th)
    else:
        wording = f"no probability ({reason[0]}); anchors: {a.category}"
        wording_zh = (
            f"无法给出概率（{reason[1]}）；锚定分类：{_CATEGORY_ZH.get(a.category, a.category)}"
        )
    flag = disagreement_flag(
        a.category,
        a.pace_level,
        probability,
        deadline,
        met_now=met,
        every_year=hold,
        thresholds=th,
    )
    if flag:
        warnings.append("anchors and probability disagree: " + flag[0])
    bt = None
    if backtest:
        bt = _run_backtest(y, bnds, models, break_years, min_points, warnings, fc_opts)
    return Assessment(
        target_id=tid,
        region=region,
        deadline=deadline,
        latest_year=int(y.index[-1]),
        latest_value=latest,
        achieved=None,
        projection=proj[0],
        lower80=proj[1],
        upper80=proj[2],
        lower95=proj[3],
        upper95=proj[4],
        probability=probability,
        observed_rate=a.observed_rate,
        required_rate=a.required_rate,
        ratio=a.ratio,
        category=a.category,
        pace_level=a.pace_level,
        wording=wording,
        wording_zh=wording_zh,
        models=per_model,
        warnings=_dedupe(warnings),
        status=status,
        indicator=t.get("indicator"),
        comparator=t["comparator"],
        target_value=t_level,
        rate_needed=a.rate_needed_now,
        flag=flag[0] if flag else None,
        anchors=a.as_dict(),
        backtest=bt,
    )


def _every_year(
    every_year: bool | None, comp: str, model_comp: str, t: Mapping[str, Any], warnings: list[str]
) -> bool:
    """Whether a target is judged in every year of the plan period (保持), not only at the
    deadline; ``increase`` has its own every-year rule and is never "hold".

    Examples
    --------
    >>> _every_year(None, ">=", ">=", {"text_zh": "综合利用率保持在90%以上"}, [])
    True
    >>> _every_year(None, ">=", ">=", {"text_zh": "综合利用率达到95%"}, [])
    False
    >>> _every_year(False, "<=", "<=", {"text_zh": "保持在29.55亿立方米以内"}, [])
    False
    """
    if comp == "increase" or every_year is False:
        return False
    if every_year is None:
        return comp in ("<=", ">=") and "保持" in str(t.get("text_zh") or "")
    if model_comp in ("<=", ">="):
        return True
    warnings.append(
        f"every_year=True has no meaning for comparator {comp!r}; judged at the deadline only"
    )
    return False


def _wrong_side(comp: str) -> tuple[str, str]:
    """How a year fails an every-year target, in English and Chinese.

    Examples
    --------
    >>> _wrong_side(">="), _wrong_side("<=")
    (('below', '低于'), ('above', '高于'))
    """
    return ("below", "低于") if comp == ">=" else ("above", "高于")


def _hold_start(plan_start: int | None, base_year: int | None, deadline: int, th) -> int:
    """First year of an every-year (保持) target's plan period (see ``assess``)."""
    if plan_start is not None:
        return min(int(plan_start), deadline)
    if base_year is not None:
        return min(base_year + 1, deadline)
    from greenstats.specs.targets import plan_issued  # lazy: reads targets.yaml once

    issued = plan_issued()
    if issued is None or issued > deadline:
        return deadline - th.china.plan_years + 1
    return int(issued)


def _already_missed(
    t, region, y_upto, a: Anchors, warnings, *, wording: str, wording_zh: str, **fields: Any
) -> Assessment:
    """An every-year target (``increase``, 保持) that already failed in an observed year of
    the plan period, the deadline still ahead: probability 0, status "already missed"."""
    return _empty(
        t,
        region,
        latest_year=int(y_upto.index[-1]),
        latest_value=float(y_upto.iloc[-1]),
        probability=0.0,
        observed_rate=a.observed_rate,
        category=a.category,
        anchors=a.as_dict(),
        wording=wording,
        wording_zh=wording_zh,
        warnings=_dedupe(warnings),
        status="already missed",
        **fields,
    )


def _no_base_year(t, region, y, a, warnings, base_year) -> Assessment:
    """The assessment of a target measured against a base year that has no data."""
    return _finish_empty(
        t,
        region,
        y,
        a,
        warnings,
        status="no base-year value",
        wording=f"no probability: the base year {base_year} has no data",
        wording_zh=f"无法给出概率：基年{base_year}无数据",
    )


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _probabilities(
    fc: Any, comp: str, v: float | None, tol: float | None
) -> tuple[float, dict[str, float]]:
    """P(meet at the deadline) from the mixture and per model (sensitivity as ``sens:``)."""

    # The target value itself counts as met (<= and >= are inclusive): a predictive with a
    # point mass at the target (a constant series) must give P = 1, not 0 or a coin flip.
    eps = 1e-9 * max(1.0, abs(v)) if v is not None else 0.0

    def one(cdf) -> float:
        if comp == "<=":
            return cdf(v + eps)
        if comp == ">=":
            return 1.0 - cdf(v - eps)
        if comp == "~":
            return max(0.0, cdf(v + tol) - cdf(v - tol))  # type: ignore[operator]
        if comp == "==":
            return max(0.0, cdf(v + 0.5) - cdf(v - 0.5))  # type: ignore[operator]
        return NAN  # "increase" is handled by prob_increasing

    per = {k: float(one(m.cdf)) for k, m in fc.models.items()}
    per.update({f"sens:{k}": float(one(m.cdf)) for k, m in fc.sensitivity.items()})
    return float(one(fc.cdf)), per


def _anchors(y, v, deadline, direction, base_year, limit, pace, th, comp, tol, warnings) -> Anchors:
    met_now = None
    if comp in ("~", "==") and v is not None:
        met_now = _meets(float(y.iloc[-1]), comp, v, tol)
    cumulative = base_year is not None and comp != "increase"
    if base_year is None and len(y):
        # no base year in the target: Eurostat's short-term window (the last 5 years)
        start = int(y.index[-1]) - th.eurostat.short_term_years
        base_year = int(y.index[y.index >= start][0])
    a = compute_anchors(
        y,
        target=v,
        deadline=deadline,
        direction=direction,
        base_year=base_year,
        limit=limit,
        pace=pace or th.china.pace,
        cumulative=cumulative,
        met_now=met_now,
        thresholds=th,
    )
    warnings.extend(a.warnings)
    return a


def _anchors_only(y, t, v, direction, th, pace, warnings, cat) -> Anchors:
    limit = None
    if cat and direction > 0 and cat.get("upper_bound") is not None:
        limit = float(cat["upper_bound"])
    return _anchors(
        y,
        v,
        t["deadline"],
        direction,
        t["base_year"],
        limit,
        pace,
        th,
        t["comparator"],
        t["tolerance"],
        warnings,
    )


def _finish_empty(t, region, y, a: Anchors, warnings, *, status, wording, wording_zh) -> Assessment:
    return _empty(
        t,
        region,
        latest_year=int(y.index[-1]),
        latest_value=float(y.iloc[-1]),
        observed_rate=a.observed_rate,
        required_rate=a.required_rate,
        ratio=a.ratio,
        category=a.category,
        pace_level=a.pace_level,
        wording=wording,
        wording_zh=wording_zh,
        warnings=_dedupe(warnings),
        status=status,
        rate_needed=a.rate_needed_now,
        anchors=a.as_dict(),
        target_value=None,
    )


def _finish_expost(
    t, region, y, a: Anchors, warnings, ok: bool, level, comp, *, hold=None
) -> Assessment:
    deadline = t["deadline"]
    val = float(y.loc[deadline])
    if hold is not None:  # every year (保持): (first year, failing years)
        first, fails, hold_comp = hold
        if ok:
            wording = f"achieved in every year {first}–{deadline} (observed {deadline}: {val:.6g})"
            wording_zh = f"已实现：{first}—{deadline}年每年达标（{deadline}年实际值{val:.6g}）"
        else:
            side, side_zh = _wrong_side(hold_comp)
            wording = (
                f"not achieved: {side} {level:.6g} in {', '.join(map(str, fails))} "
                f"(observed {deadline}: {val:.6g})"
            )
            wording_zh = (
                f"未实现：{'、'.join(map(str, fails))}年{side_zh}{level:.6g}"
                f"（{deadline}年实际值{val:.6g}）"
            )
    elif ok:
        wording = f"achieved (observed {deadline}: {val:.6g})"
        wording_zh = f"已实现（{deadline}年实际值{val:.6g}）"
    else:
        wording = f"not achieved (observed {deadline}: {val:.6g})"
        wording_zh = f"未实现（{deadline}年实际值{val:.6g}）"
    return _empty(
        t,
        region,
        latest_year=deadline,
        latest_value=val,
        achieved=bool(ok),
        probability=1.0 if ok else 0.0,
        observed_rate=a.observed_rate,
        required_rate=a.required_rate,
        ratio=a.ratio,
        category=a.category,
        pace_level=a.pace_level,
        wording=wording,
        wording_zh=wording_zh,
        warnings=_dedupe(warnings),
        status="achieved" if ok else "not achieved",
        rate_needed=NAN,
        anchors=a.as_dict(),
        target_value=level,
    )


def _run_backtest(y, bnds, models, break_years, min_points, warnings, fc_opts) -> Any:
    try:
        from greenstats.backtest import backtest as _backtest
    except ImportError:
        warnings.append("backtest requested but greenstats.backtest is not available")
        return None
    try:
        return _backtest(
            y,
            horizons=(1, 2, 3),
            min_train=min_points,
            bounds=bnds,
            models=models,
            break_years=break_years,
            **fc_opts,
        )
    except Exception as exc:
        warnings.append(f"backtest failed ({type(exc).__name__}: {exc})")
        return None


# --------------------------------------------------------------------------------------------
# assess_all
# --------------------------------------------------------------------------------------------
def _targets_table(targets: Any, overrides: Any) -> list[dict[str, Any]]:
    if targets is None:
        from greenstats.targets import load_targets

        targets = load_targets(overrides) if overrides is not None else _default_targets()
    if isinstance(targets, pd.DataFrame):
        return [row for row in targets.to_dict("records")]
    if isinstance(targets, Mapping):
        return [dict(targets)]
    return [dict(t) if not isinstance(t, pd.Series) else t.to_dict() for t in targets]


def _assess_rows(jobs: list[tuple], options: dict) -> list[dict[str, Any]]:
    out = []
    for series, tgt, region in jobs:
        out.append(_assess_one(series, tgt, region, options))
    return out


def _assess_one(series, tgt, region, options) -> dict[str, Any]:
    try:
        return assess(series, tgt, region=region, **options).to_dict()
    except GreenstatsError as exc:
        t = {k: (None if _is_na(v) else v) for k, v in dict(tgt).items()}
        return _empty(
            {**{c: None for c in TARGET_COLUMNS}, **t, "target_id": str(t.get("target_id"))},
            region,
            status="not assessed",
            warnings=[str(exc)],
            wording="not assessed (see warnings)",
            wording_zh="未评估（见警告）",
            deadline=t.get("deadline"),
        ).to_dict()


def assess_all(
    panel: pd.DataFrame,
    targets: Any = None,
    *,
    jobs: int = 1,
    progress: bool = False,
    **options: Any,
) -> pd.DataFrame:
    """The scorecard: every target judged for every region with data for its indicator.

    Parameters
    ----------
    panel
        Long table with columns ``indicator``, ``region``, ``year``, ``value`` (the output
        of :func:`greenstats.to_panel`; other columns are ignored).
    targets
        The targets table (:func:`greenstats.load_targets`, the default), or a list of
        target mappings.
    jobs
        Worker processes (1 = in this process).
    progress
        Show a tqdm progress bar.
    **options
        Passed to :func:`assess` (``models``, ``break_years``, ``backtest``, ``overrides``,
        ``as_of``, ...).

    Returns
    -------
    DataFrame
        One row per target × region having data for the target's indicator, columns
        :data:`~greenstats.schema.ASSESSMENT_FIELDS` then :data:`EXTRA_FIELDS`. A target whose
        indicator has no data at all still gets one row (region NA, status "no data"); a
        series that cannot be assessed gets status "not assessed" and the reason in
        ``warnings``; a provincial target without an override gets status "needs the
        provincial target" and no probability.

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"indicator": ["x"] * 4, "region": ["A", "A", "B", "B"],
    ...                       "year": [2021, 2022, 2021, 2022],
    ...                       "value": [10.0, 9.0, 10.0, 11.0]})
    >>> t = [{"target_id": "x.cap", "indicator": "x", "deadline": 2025, "comparator": "<=",
    ...       "value": 8.0}]
    >>> sc = assess_all(panel, t)
    >>> sc[["region", "category"]].values.tolist()
    [['A', 'on track'], ['B', 'moving away']]
    """
    missing = [c for c in ("indicator", "region", "year", "value") if c not in panel.columns]
    if missing:
        raise SeriesError(
            f"panel lacks column(s) {missing}",
            key="panel",
            fix="pass the output of greenstats.to_panel (indicator, region, year, value)",
        )
    overrides = options.get("overrides")
    rows = _targets_table(targets, overrides)
    if "indicators" not in options:
        options["indicators"] = _default_catalogue()
    # one pass over the panel: indicator -> [(region, Series)]
    p = panel[["indicator", "region", "year", "value"]]
    p = p[p["value"].notna() & p["year"].notna()]
    groups: dict[Any, list[tuple[Any, pd.Series]]] = {}
    if len(p):
        years = p["year"].to_numpy(dtype="int64")
        values = p["value"].to_numpy(dtype=float)
        ind = p["indicator"].astype(object).to_numpy()
        reg = p["region"].astype(object).where(p["region"].notna(), None).to_numpy()
        order = np.lexsort((years, pd.factorize(reg)[0], pd.factorize(ind)[0]))
        key = list(zip(ind[order], reg[order], strict=True))
        start = 0
        for i in range(1, len(order) + 1):
            if i == len(order) or key[i] != key[start]:
                sl = order[start:i]
                s = pd.Series(values[sl], index=years[sl])
                groups.setdefault(key[start][0], []).append((key[start][1], s))
                start = i
    work: list[tuple] = []
    no_data: list[dict[str, Any]] = []
    for tgt in rows:
        per_region = groups.get(tgt.get("indicator"))
        if not per_region:
            t = {k: (None if _is_na(v) else v) for k, v in tgt.items()}
            no_data.append(
                _empty(
                    {
                        **{c: None for c in TARGET_COLUMNS},
                        **t,
                        "target_id": str(t.get("target_id")),
                    },
                    None,
                    status="no data",
                    deadline=t.get("deadline"),
                    warnings=[f"the panel has no values for indicator {t.get('indicator')!r}"],
                    wording="no data",
                    wording_zh="无数据",
                ).to_dict()
            )
            continue
        for region, s in per_region:
            work.append((s, tgt, region))
    if jobs > 1 and len(work) > 50:
        from concurrent.futures import ProcessPoolExecutor

        chunks = [work[i::jobs] for i in range(jobs)]
        with ProcessPoolExecutor(max_workers=jobs) as ex:
            parts = list(ex.map(_assess_rows, chunks, [options] * jobs))
        # restore the original order
        results: list[dict[str, Any]] = [None] * len(work)  # type: ignore[list-item]
        for j, part in enumerate(parts):
            for k, r in enumerate(part):
                results[j + k * jobs] = r
    else:
        it: Iterable = work
        if progress:
            from tqdm.auto import tqdm

            it = tqdm(work, desc="assess", unit="series")
        results = [_assess_one(s, tgt, region, options) for s, tgt, region in it]
    df = _to_frame(results + no_data)
    if options.get("backtest"):
        stats = [backtest_stats(b) for b in df["backtest"]]
        for key in ("backtest_n", "backtest_mape", "backtest_coverage80", "backtest_coverage95"):
            df[key] = pd.array([st[key] for st in stats], dtype="float64")
    return df


def backtest_stats(bt: Any) -> dict[str, float]:
    """Headline backtest figures for a scorecard row.

    ``backtest_n`` (forecasts evaluated, all horizons), ``backtest_mape`` (headline MAPE at the
    longest horizon evaluated, a fraction), ``backtest_coverage80``/``95`` (share of actual
    values inside the headline 80 %/95 % intervals, pooled over horizons). NaN when there is no
    backtest or it evaluated nothing.
    """
    out = {
        "backtest_n": NAN,
        "backtest_mape": NAN,
        "backtest_coverage80": NAN,
        "backtest_coverage95": NAN,
    }
    table = getattr(bt, "table", None)
    if table is None or len(table) == 0:
        return out
    try:
        head = table.xs("headline", level=0)
    except KeyError:
        return out
    n = head["n"].to_numpy(dtype=float)
    if n.sum() <= 0:
        return out
    out["backtest_n"] = float(n.sum())
    out["backtest_mape"] = float(head["mape"].iloc[-1])
    out["backtest_coverage80"] = float(np.nansum(head["coverage80"].to_numpy() * n) / n.sum())
    out["backtest_coverage95"] = float(np.nansum(head["coverage95"].to_numpy() * n) / n.sum())
    return out


def _to_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    cols = list(ASSESSMENT_FIELDS) + list(EXTRA_FIELDS)
    df = pd.DataFrame.from_records(records, columns=cols) if records else pd.DataFrame(columns=cols)
    for c in ("deadline", "latest_year", "pace_level"):
        df[c] = pd.array([None if _is_na(x) else int(x) for x in df[c]], dtype="Int64")
    df["achieved"] = pd.array(
        [None if x is None else bool(x) for x in df["achieved"]], dtype="boolean"
    )
    for c in (
        "latest_value",
        "projection",
        "lower80",
        "upper80",
        "lower95",
        "upper95",
        "probability",
        "observed_rate",
        "required_rate",
        "ratio",
        "target_value",
        "rate_needed",
    ):
        df[c] = pd.to_numeric(
            df[c].astype(object).where(df[c].notna(), np.nan), errors="coerce"
        ).astype("float64")
    for c in (
        "target_id",
        "region",
        "category",
        "wording",
        "wording_zh",
        "status",
        "indicator",
        "comparator",
        "flag",
    ):
        df[c] = df[c].astype(object).where(df[c].notna(), None).astype("str")
    return df
