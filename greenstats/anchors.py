"""The deterministic anchor layer: the progress measures officials and SDG reports already use.

Every function here is pure (numbers or a pandas Series in, numbers out) and needs only two
observations (the German rule needs four). Rates are fractions per year (0.0286 = 2.86 %/yr).
Thresholds come from ``greenstats/data/thresholds.yaml`` via
:func:`greenstats.specs.thresholds.load_thresholds`.

Notation: ``y_b`` base value (year ``b``), ``y_t`` latest value (year ``t``), ``target`` the
target ``y*`` in year ``T``, ``direction`` ``d`` = +1 if higher is better, -1 if lower is better.

=============================  =====================================================
anchor                         function
=============================  =====================================================
CAGR observed / required       :func:`cagr`, :func:`required_rate`, :func:`rate_needed_from_now`
Eurostat / Statistics Canada   :func:`eurostat_ratio`, :func:`eurostat_category`,
                               :func:`no_target_category`, :func:`limit_coefficient`
UNSD 2022 (CR)                 :func:`unsd2022_cr`, :func:`unsd2022_category`
UNSD 2023 (rho)                :func:`unsd2023_rho`, :func:`unsd2023_category`
ESCAP current status           :func:`escap_current_status`
Germany (Destatis)             :func:`german_rule`
China 晴雨表 pace               :func:`china_required_progress`, :func:`china_pace_level`
all of them for one series     :func:`compute_anchors` -> :class:`Anchors`
=============================  =====================================================

A value that cannot be computed (a zero base, a sign change, too few points) is NaN or None,
and :func:`compute_anchors` then says why in ``Anchors.warnings``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

from greenstats.specs.thresholds import Thresholds, load_thresholds

Pace = Literal["geometric", "linear"]

NAN = float("nan")

#: Eurostat / Statistics Canada categories with a target (best first).
CATEGORIES_WITH_TARGET: tuple[str, ...] = (
    "target achieved",
    "on track",
    "acceleration needed",
    "limited progress",
    "moving away",
)
#: Statistics Canada categories without a target (best first).
CATEGORIES_WITHOUT_TARGET: tuple[str, ...] = (
    "substantial progress",
    "moderate progress",
    "limited progress",
    "deterioration",
)
#: Category used when the anchors cannot be computed.
NOT_AVAILABLE = "not available"


def _finite(x: float | None) -> bool:
    return x is not None and isinstance(x, int | float) and math.isfinite(x)


def cagr(y0: float, y1: float, years: float) -> float:
    """Compound annual growth rate from ``y0`` to ``y1`` over ``years`` years.

    ``(y1 / y0) ** (1 / years) - 1``, the ``growth_calculation`` of Open SDG. NaN when it is
    undefined: a zero start value, a sign change between the two values, or ``years <= 0``.

    Examples
    --------
    >>> round(cagr(100, 121, 2), 10)
    0.1
    >>> cagr(0, 5, 3)
    nan
    >>> cagr(-2, -1, 1)   # both negative: the ratio is used, as in Open SDG
    -0.5
    """
    if not (_finite(y0) and _finite(y1) and _finite(years)) or years <= 0 or y0 == 0:
        return NAN
    ratio = y1 / y0
    if ratio < 0:
        return NAN
    return ratio ** (1.0 / years) - 1.0


def required_rate(y_b: float, b: int, target: float, deadline: int) -> float:
    """Rate per year needed from the base year to reach the target: CAGR_r.

    Examples
    --------
    >>> round(required_rate(100, 2020, 86.5, 2025), 4)
    -0.0286
    """
    return cagr(y_b, target, deadline - b)


def rate_needed_from_now(y_t: float, t: int, target: float, deadline: int) -> float:
    """Rate per year needed from the latest year ``t`` to reach the target by ``deadline``.

    NaN when the deadline is not after ``t``.

    Examples
    --------
    >>> round(rate_needed_from_now(110, 2023, 121, 2025), 6)
    0.048809
    """
    return cagr(y_t, target, deadline - t)


def eurostat_ratio(observed: float, required: float, direction: int, base_sign: int = 1) -> float:
    """Eurostat / Statistics Canada ratio R = sign(y_b) · d · CAGR_a / |CAGR_r|.

    NaN when ``required`` is zero or either rate is NaN.

    Examples
    --------
    >>> eurostat_ratio(-0.02, -0.04, -1)
    0.5
    >>> eurostat_ratio(0.01, 0.0, 1)
    nan
    """
    if not (_finite(observed) and _finite(required)) or required == 0:
        return NAN
    return base_sign * direction * observed / abs(required)


def eurostat_category(
    ratio: float, *, achieved: bool = False, thresholds: Thresholds | None = None
) -> str:
    """Eurostat / Statistics Canada category from R (with a target).

    Examples
    --------
    >>> [eurostat_category(r) for r in (1.0, 0.95, 0.7, 0.6, 0.1, 0.0, -0.2)]
    ['on track', 'on track', 'acceleration needed', 'acceleration needed', 'limited progress', 'limited progress', 'moving away']
    >>> eurostat_category(-3.0, achieved=True)
    'target achieved'
    >>> eurostat_category(float("nan"))
    'not available'
    """
    if achieved:
        return "target achieved"
    if not _finite(ratio):
        return NOT_AVAILABLE
    th = (thresholds or load_thresholds()).eurostat
    if ratio >= th.on_track:
        return "on track"
    if ratio >= th.acceleration_needed:
        return "acceleration needed"
    if ratio >= th.limited_progress:
        return "limited progress"
    return "moving away"


def limit_coefficient(y_b: float, y_lim: float, exponent: float = 4.44) -> float:
    """Statistics Canada's shrink coefficient near a natural limit: C = 1 − (y_b / y_lim)^a.

    As in Open SDG: absolute values are used; beyond the limit the distance is mirrored
    (``1 − ((2·y_lim − y_b) / y_lim)^a``), and from twice the limit on C = 1.

    Examples
    --------
    >>> round(limit_coefficient(50, 100), 4)
    0.9539
    >>> limit_coefficient(100, 100)
    0.0
    >>> limit_coefficient(0, 100)
    1.0
    """
    b, lim = abs(y_b), abs(y_lim)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return 1.0 - (b / lim) ** exponent
    return 1.0 - ((2 * lim - b) / lim) ** exponent


def no_target_category(
    growth: float, *, coefficient: float = 1.0, thresholds: Thresholds | None = None
) -> str:
    """Statistics Canada category without a target, from ``d · CAGR_a``.

    The positive thresholds (1.5 % and 0.5 % a year) are multiplied by ``coefficient``
    (see :func:`limit_coefficient`).

    Examples
    --------
    >>> [no_target_category(g) for g in (0.02, 0.015, 0.01, 0.0, -0.001)]
    ['substantial progress', 'substantial progress', 'moderate progress', 'limited progress', 'deterioration']
    >>> no_target_category(0.01, coefficient=0.5)
    'substantial progress'
    """
    if not _finite(growth):
        return NOT_AVAILABLE
    th = (thresholds or load_thresholds()).eurostat
    if growth >= th.substantial_progress * coefficient:
        return "substantial progress"
    if growth >= th.moderate_progress * coefficient:
        return "moderate progress"
    if growth >= th.no_target_limited * coefficient:
        return "limited progress"
    return "deterioration"


def unsd2022_cr(observed: float, required: float) -> float:
    """UNSD SDG Progress Chart 2022: CR = CAGR_a / CAGR_r (NaN if CAGR_r is 0).

    Examples
    --------
    >>> unsd2022_cr(-0.01, -0.04)
    0.25
    """
    if not (_finite(observed) and _finite(required)) or required == 0:
        return NAN
    return observed / required


def unsd2022_category(cr: float, *, thresholds: Thresholds | None = None) -> str:
    """UNSD 2022 category from CR.

    Examples
    --------
    >>> [unsd2022_category(x) for x in (1.2, 0.7, 0.0, -0.5)]
    ['on track', 'fair progress', 'limited progress', 'deterioration']
    """
    if not _finite(cr):
        return NOT_AVAILABLE
    th = (thresholds or load_thresholds()).unsd_2022
    if cr >= th.on_track:
        return "on track"
    if cr >= th.fair:
        return "fair progress"
    if cr >= th.limited:
        return "limited progress"
    return "deterioration"


def unsd2023_rho(
    y_b: float, y_t: float, t: int, observed: float, target: float, deadline: int
) -> float:
    """UNSD 2023: ρ = (y_t (1 + CAGR_a)^(T − t) − y_b) / (y* − y_b).

    Examples
    --------
    >>> round(unsd2023_rho(100, 90, 2022, cagr(100, 90, 2), 70, 2026), 4)
    0.9033
    """
    if not (_finite(observed) and _finite(target)) or target == y_b:
        return NAN
    try:
        projected = y_t * (1 + observed) ** (deadline - t)
    except OverflowError:  # an explosive observed rate over a long horizon
        return NAN
    return (projected - y_b) / (target - y_b)


def unsd2023_category(rho: float, *, thresholds: Thresholds | None = None) -> str:
    """UNSD 2023 category from ρ.

    Examples
    --------
    >>> [unsd2023_category(x) for x in (1.0, 0.5, 0.05)]
    ['met or almost met', 'acceleration needed', 'stagnation or regression']
    """
    if not _finite(rho):
        return NOT_AVAILABLE
    th = (thresholds or load_thresholds()).unsd_2023
    if rho >= th.met_or_almost:
        return "met or almost met"
    if rho >= th.acceleration_needed:
        return "acceleration needed"
    return "stagnation or regression"


def escap_current_status(
    y_b: float, b: int, y_t: float, t: int, target: float, deadline: int, direction: int
) -> tuple[float, float, bool | None]:
    """ESCAP current status CS = 10 · d · (y_t − y_b) / |y* − y_b| against the time line.

    Returns ``(cs, line, on_pace)`` where ``line = 10 · (t − b) / (T − b)`` is the share of
    the period elapsed (both on ESCAP's 0–10 bar) and ``on_pace`` is ``cs >= line``.

    Examples
    --------
    >>> escap_current_status(100, 2020, 94, 2022, 85, 2025, -1)
    (4.0, 4.0, True)
    """
    if not _finite(target) or target == y_b or deadline <= b:
        return NAN, NAN, None
    cs = 10.0 * direction * (y_t - y_b) / abs(target - y_b)
    line = 10.0 * (t - b) / (deadline - b)
    return cs, line, bool(cs >= line - 1e-12)


def german_rule(
    y: pd.Series,
    target: float,
    deadline: int,
    direction: int,
    *,
    thresholds: Thresholds | None = None,
) -> tuple[float, float, str]:
    """Destatis weather-symbol rule from the last five years.

    The mean annual change over the window ``[t − 5, t]`` (``(y_t − y_first) / (t − first)``,
    equal to the mean of the yearly changes when no year is missing) is extrapolated
    linearly to the deadline. The miss is the shortfall of that projection as a share of
    ``|y* − y_t|``. At least four observations must lie in the window.

    Returns ``(projection, miss, category)``; the categories are ``"close to target"``
    (miss < 5 %), ``"slight miss"`` (5–20 %), ``"far off, right direction"`` and
    ``"wrong direction"``; ``"not available"`` with NaN numbers when there are too few
    points.

    Examples
    --------
    >>> y = pd.Series([100.0, 98, 96, 94, 92, 90], index=range(2015, 2021))
    >>> german_rule(y, 80.0, 2025, -1)
    (80.0, 0.0, 'close to target')
    >>> german_rule(y, 70.0, 2025, -1)
    (80.0, 0.5, 'far off, right direction')
    """
    th = (thresholds or load_thresholds()).germany
    y = y.dropna()
    if len(y) == 0 or not _finite(target):
        return NAN, NAN, NOT_AVAILABLE
    t = int(y.index[-1])
    window = y[y.index >= t - th.window_years]
    if len(window) < th.min_points:
        return NAN, NAN, NOT_AVAILABLE
    first = int(window.index[0])
    y_t = float(window.iloc[-1])
    slope = (y_t - float(window.iloc[0])) / (t - first)
    projection = y_t + slope * (deadline - t)
    shortfall = direction * (target - projection)  # > 0: the projection misses
    if shortfall <= 1e-12 * max(1.0, abs(target)):
        return projection, 0.0, "close to target"
    if direction * slope < 0 or target == y_t:
        return (
            projection,
            NAN if target == y_t else shortfall / abs(target - y_t),
            ("wrong direction"),
        )
    miss = shortfall / abs(target - y_t)
    if miss < th.close:
        category = "close to target"
    elif miss <= th.moderate:
        category = "slight miss"
    else:
        category = "far off, right direction"
    return projection, miss, category


def china_required_progress(
    total: float, k: float, n: float = 5, pace: Pace = "geometric"
) -> float:
    """Cumulative cut required after ``k`` of ``n`` years for a cut of ``total`` (fractions).

    Geometric: ``1 − (1 − total)^(k/n)``; linear: ``total · k / n``. A negative ``total`` is a
    required rise (growth targets), handled by the same formula.

    Examples
    --------
    >>> [round(100 * china_required_progress(0.135, k), 2) for k in (1, 2, 3, 4)]
    [2.86, 5.64, 8.33, 10.95]
    >>> round(100 * china_required_progress(0.135, 2, pace="linear"), 2)
    5.4
    """
    if pace == "geometric":
        return 1.0 - (1.0 - total) ** (k / n)
    if pace == "linear":
        return total * k / n
    raise ValueError(f"pace must be 'geometric' or 'linear', got {pace!r}")


def china_annual_rate(total: float, n: float = 5) -> float:
    """Even yearly cut that compounds to ``total`` over ``n`` years: ``1 − (1 − total)^(1/n)``.

    Examples
    --------
    >>> [round(100 * china_annual_rate(r), 2) for r in (0.135, 0.18, 0.16)]
    [2.86, 3.89, 3.43]
    """
    return 1.0 - (1.0 - total) ** (1.0 / n)


def max_total_growth(gdp_growth: float, intensity_cut: float, n: float = 5) -> float:
    """Largest yearly growth of a total compatible with an intensity cut and GDP growth.

    ``(1 + g)(1 − R)^(1/n) − 1``: a coherence check between an intensity target and a total.

    Examples
    --------
    >>> round(100 * max_total_growth(0.06, 0.135), 2)
    2.97
    """
    return (1.0 + gdp_growth) * (1.0 - intensity_cut) ** (1.0 / n) - 1.0


def china_pace_level(
    y_b: float,
    b: int,
    y_t: float,
    t: int,
    target: float,
    deadline: int,
    direction: int,
    pace: Pace = "geometric",
) -> tuple[float, float, int | None]:
    """NDRC 晴雨表 level for a cumulative target set against a base year.

    Observed progress is ``d · (y_t / y_b − 1)`` (the cumulative cut so far for a cap), the
    required progress after ``k = t − b`` of ``n = T − b`` years is
    :func:`china_required_progress` of the total ``d · (y*/y_b − 1)`` cut or rise. Level 1:
    moved the wrong way; level 2: behind the required pace; level 3: on pace.

    Returns ``(observed, required, level)``; level is None where the pace does not apply
    (no elapsed year, latest year past the deadline, zero or sign-changing base).

    Examples
    --------
    >>> obs, req, level = china_pace_level(100, 2020, 94, 2022, 86.5, 2025, -1)
    >>> round(obs, 4), round(req, 4), level
    (0.06, 0.0564, 3)
    >>> china_pace_level(100, 2020, 101, 2021, 86.5, 2025, -1)[2]
    1
    """
    n, k = deadline - b, t - b
    if not (_finite(y_b) and _finite(y_t) and _finite(target)) or y_b <= 0 or target < 0:
        return NAN, NAN, None
    if k <= 0 or k > n or n <= 0:
        return NAN, NAN, None
    observed = direction * (y_t / y_b - 1.0)
    if pace == "geometric":
        required = direction * ((target / y_b) ** (k / n) - 1.0)
    elif pace == "linear":
        required = direction * (target / y_b - 1.0) * k / n
    else:
        raise ValueError(f"pace must be 'geometric' or 'linear', got {pace!r}")
    if observed < 0:
        level = 1
    elif observed < required - 1e-12:
        level = 2
    else:
        level = 3
    return observed, required, level


@dataclass(frozen=True)
class Anchors:
    """All anchors for one series against one target (rates are fractions per year)."""

    base_year: int | None
    base_value: float
    latest_year: int | None
    latest_value: float
    target: float | None
    deadline: int
    direction: int
    achieved_now: bool
    observed_rate: float
    required_rate: float
    rate_needed_now: float
    ratio: float
    category: str
    limit_coefficient: float
    unsd2022_cr: float
    unsd2022_category: str
    unsd2023_rho: float
    unsd2023_category: str
    escap_cs: float
    escap_line: float
    escap_on_pace: bool | None
    german_projection: float
    german_miss: float
    german_category: str
    pace: str
    pace_observed: float
    pace_required: float
    pace_level: int | None
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """The anchors as a plain dict (warnings as a list)."""
        out = asdict(self)
        out["warnings"] = list(self.warnings)
        return out


def compute_anchors(
    y: pd.Series,
    *,
    target: float | None,
    deadline: int,
    direction: int,
    base_year: int | None = None,
    limit: float | None = None,
    pace: Pace | None = None,
    cumulative: bool | None = None,
    met_now: bool | None = None,
    thresholds: Thresholds | None = None,
) -> Anchors:
    """Compute every anchor for one annual series.

    Parameters
    ----------
    y
        Float values indexed by integer year, sorted, without NaN (at least one point).
    target
        Target value ``y*`` (same unit as ``y``), or None for "no target" (Statistics
        Canada's growth thresholds).
    deadline
        Target year ``T``.
    direction
        +1 if higher is better, −1 if lower is better.
    base_year
        Base year ``b``; None uses the first year of ``y``. A base year without data is
        replaced by the next year with data (as Open SDG does), with a warning.
    limit
        Natural limit (e.g. 100 for a percentage) shrinking the no-target thresholds.
    pace
        ``"geometric"`` (default from thresholds.yaml) or ``"linear"`` for China's pace.
    cumulative
        Whether China's 晴雨表 applies (a target set against a base year); default: when
        ``base_year`` is given.
    met_now
        Whether the latest value already meets the target; default from ``direction``.
    thresholds
        Thresholds; default the packaged ``thresholds.yaml``.

    Returns
    -------
    Anchors

    Examples
    --------
    >>> y = pd.Series([100.0, 97.0, 94.09], index=[2020, 2021, 2022])
    >>> a = compute_anchors(y, target=86.5, deadline=2025, direction=-1, base_year=2020)
    >>> round(a.observed_rate, 6), a.category, a.pace_level
    (-0.03, 'on track', 3)
    """
    th = thresholds or load_thresholds()
    pace = pace or th.china.pace  # type: ignore[assignment]
    warnings: list[str] = []
    y = y.dropna()
    nan_result = dict(
        observed_rate=NAN,
        required_rate=NAN,
        rate_needed_now=NAN,
        ratio=NAN,
        category=NOT_AVAILABLE,
        limit_coefficient=NAN,
        unsd2022_cr=NAN,
        unsd2022_category=NOT_AVAILABLE,
        unsd2023_rho=NAN,
        unsd2023_category=NOT_AVAILABLE,
        escap_cs=NAN,
        escap_line=NAN,
        escap_on_pace=None,
        german_projection=NAN,
        german_miss=NAN,
        german_category=NOT_AVAILABLE,
        pace=pace,
        pace_observed=NAN,
        pace_required=NAN,
        pace_level=None,
    )
    has_target = target is not None and _finite(float(target))
    tgt = float(target) if has_target else None  # type: ignore[arg-type]
    if len(y) == 0:
        return Anchors(
            None,
            NAN,
            None,
            NAN,
            tgt,
            deadline,
            direction,
            False,
            warnings=("no observations: anchors not computed",),
            **nan_result,
        )
    t = int(y.index[-1])
    y_t = float(y.iloc[-1])
    if met_now is None:
        met_now = bool(has_target and direction * (y_t - tgt) >= 0)  # type: ignore[operator]
    # base year
    if base_year is None:
        b = int(y.index[0])
    elif base_year in y.index:
        b = int(base_year)
    else:
        later = [int(yr) for yr in y.index if yr > base_year]
        b = later[0] if later else int(y.index[0])
        warnings.append(
            f"base year {base_year} has no data; anchors use {b} instead (Open SDG rule)"
        )
    y_b = float(y.loc[b])
    if t <= b:
        warnings.append(
            f"only one usable observation ({t}); anchors need two years "
            "(base and latest): rates and categories not computed"
        )
        return Anchors(
            b,
            y_b,
            t,
            y_t,
            tgt,
            deadline,
            direction,
            bool(met_now),
            warnings=tuple(warnings),
            **{**nan_result, "category": ("target achieved" if met_now else NOT_AVAILABLE)},
        )
    observed = cagr(y_b, y_t, t - b)
    if not _finite(observed):
        warnings.append(
            f"observed CAGR undefined (base {b} value {y_b:g}, latest {t} value {y_t:g}: "
            "a zero base or a sign change); ratio-based anchors not computed"
        )
    base_sign = -1 if y_b < 0 else 1
    res = dict(nan_result)
    res["observed_rate"] = observed
    if has_target:
        required = required_rate(y_b, b, tgt, deadline)  # type: ignore[arg-type]
        if not _finite(required):
            warnings.append(
                f"required CAGR undefined (base value {y_b:g}, target {tgt:g}); "
                "ratio-based anchors not computed"
            )
        elif required == 0 and not met_now:
            warnings.append(
                "the target equals the base value, so R is undefined; category from the "
                "direction of change"
            )
        res["required_rate"] = required
        if deadline > t:
            res["rate_needed_now"] = rate_needed_from_now(y_t, t, tgt, deadline)  # type: ignore[arg-type]
        ratio = eurostat_ratio(observed, required, direction, base_sign)
        res["ratio"] = ratio
        if met_now:
            category = "target achieved"
        elif _finite(required) and required == 0:
            # the base met the target exactly and the latest value no longer does
            category = "moving away"
        else:
            category = eurostat_category(ratio, thresholds=th)
        res["category"] = category
        cr = unsd2022_cr(observed, required)
        res["unsd2022_cr"] = cr
        res["unsd2022_category"] = unsd2022_category(cr, thresholds=th)
        if deadline >= t:
            rho = unsd2023_rho(y_b, y_t, t, observed, tgt, deadline)  # type: ignore[arg-type]
            res["unsd2023_rho"] = rho
            res["unsd2023_category"] = unsd2023_category(rho, thresholds=th)
        cs, line, on_pace = escap_current_status(y_b, b, y_t, t, tgt, deadline, direction)  # type: ignore[arg-type]
        res.update(escap_cs=cs, escap_line=line, escap_on_pace=on_pace)
        proj, miss, gcat = german_rule(y, tgt, deadline, direction, thresholds=th)  # type: ignore[arg-type]
        if gcat == NOT_AVAILABLE:
            warnings.append(
                f"German rule needs {th.germany.min_points} observations in the last "
                f"{th.germany.window_years} years; not computed"
            )
        res.update(german_projection=proj, german_miss=miss, german_category=gcat)
        if cumulative is None:
            cumulative = base_year is not None
        if cumulative:
            obs_p, req_p, level = china_pace_level(y_b, b, y_t, t, tgt, deadline, direction, pace)  # type: ignore[arg-type]
            res.update(pace_observed=obs_p, pace_required=req_p, pace_level=level)
    else:
        coeff = 1.0
        if limit is not None and _finite(limit):
            coeff = limit_coefficient(y_b, limit, th.eurostat.limit_exponent)
        res["limit_coefficient"] = coeff
        growth = base_sign * direction * observed if _finite(observed) else NAN
        res["category"] = no_target_category(growth, coefficient=coeff, thresholds=th)
    return Anchors(
        b, y_b, t, y_t, tgt, deadline, direction, bool(met_now), warnings=tuple(warnings), **res
    )
