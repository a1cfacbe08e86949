"""Rolling-origin backtests of the trend forecasts of :mod:`greenstats.trends`.

For every forecast origin (the last year of a training window) and every horizon the headline
mixture and each model forecast the value ``h`` years on; forecasts are compared with the value
actually observed. The training window expands from the first observation (default) or rolls
with a fixed length (``window``). Reported per horizon: MAE and MAPE of the median, empirical
coverage of the central 80% and 95% intervals, the mean probability integral transform (PIT),
and the number of forecasts; the same per model and for the naive 5-year-CAGR extrapolation
the anchors use (``y_t * (y_t / y_{t-5}) ** (h / 5)``).

Pure statistics: no files, no targets.

Examples
--------
>>> import pandas as pd
>>> y = pd.Series([100, 97, 95, 96, 92, 90, 88, 87, 84, 83.0], index=range(2013, 2023))
>>> bt = backtest(y, horizons=(1, 2))
>>> int(bt.table.loc[("headline", 1), "n"])
5
>>> "coverage80" in bt.table.columns
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from greenstats.trends import Forecast, _clean_series, forecast_path

_COLUMNS = [
    "origin",
    "horizon",
    "year",
    "method",
    "actual",
    "median",
    "lower80",
    "upper80",
    "lower95",
    "upper95",
    "pit",
]


@dataclass(frozen=True)
class BacktestResult:
    """Forecast records and per-horizon accuracy of a rolling-origin backtest.

    Attributes
    ----------
    records
        One row per origin x horizon x method (``headline``, each model, ``naive_cagr5``)
        with columns ``origin, horizon, year, method, actual, median, lower80, upper80,
        lower95, upper95, pit`` (interval and PIT columns are NaN for the naive method).
    table
        Indexed by ``(method, horizon)``: ``n, mae, mape, coverage80, coverage95, mean_pit``.
    warnings
        Why some origins produced no forecast, if any.
    """

    records: pd.DataFrame
    table: pd.DataFrame
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        """Plain-text table of the headline and per-method accuracy."""
        if self.table.empty:
            return "backtest: no forecast could be evaluated" + (
                "\n" + "\n".join(self.warnings) if self.warnings else ""
            )
        lines = ["rolling-origin backtest (MAPE in %, coverage of central intervals)"]
        lines.append(
            f"{'method':<12} {'h':>2} {'n':>4} {'MAE':>10} {'MAPE':>7} {'cov80':>6} {'cov95':>6}"
        )
        for (method, h), row in self.table.iterrows():
            lines.append(
                f"{method:<12} {h:>2} {int(row['n']):>4} {row['mae']:>10.4g} "
                f"{100 * row['mape']:>7.2f} {_fmt(row['coverage80'])} {_fmt(row['coverage95'])}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:  # pragma: no cover - display only
        return self.table.to_html(float_format=lambda v: f"{v:.3g}")


def _fmt(v: float) -> str:
    return f"{v:>6.2f}" if np.isfinite(v) else f"{'-':>6}"


def _rows_for(fc: Forecast, origin: int, h: int, actual: float) -> list[list]:
    rows = []
    if not fc.models:
        return rows
    parts: list[tuple[str, object]] = [("headline", fc)]
    parts += list(fc.models.items())
    parts += list(fc.sensitivity.items())
    for name, dist in parts:
        lo80, hi80 = dist.interval(0.8)
        lo95, hi95 = dist.interval(0.95)
        rows.append(
            [
                origin,
                h,
                origin + h,
                name,
                actual,
                dist.quantile(0.5),
                lo80,
                hi80,
                lo95,
                hi95,
                dist.cdf(actual),
            ]
        )
    return rows


def backtest(
    y: pd.Series,
    *,
    horizons: Sequence[int] = (1, 2, 3),
    min_train: int = 5,
    window: int | None = None,
    naive: bool = True,
    **forecast_opts,
) -> BacktestResult:
    """Rolling-origin backtest of :func:`greenstats.trends.forecast` on one series.

    Parameters
    ----------
    y
        Float Series indexed by year (the same input as ``forecast``; gaps allowed).
    horizons
        Years ahead to evaluate.
    min_train
        Smallest number of observed points in a training window (also passed as
        ``min_points`` to ``forecast`` unless given there).
    window
        ``None`` for an expanding window; else the number of most recent observed points used
        at each origin (a rolling window).
    naive
        Also score the naive 5-year-CAGR extrapolation (needs the value 5 years before the
        origin).
    **forecast_opts
        Passed to :func:`greenstats.trends.forecast_path` (``bounds``, ``scale``,
        ``models``, ``break_years``, ``sensitivity``).

    Returns
    -------
    BacktestResult
    """
    s, warns = _clean_series(y)  # validates the index, drops NaN (with a warning)
    forecast_opts.setdefault("min_points", min_train)
    value_at = dict(zip(s.index.tolist(), s.to_numpy().tolist(), strict=True))
    hs = sorted({int(h) for h in horizons if int(h) >= 1})
    rows: list[list] = []
    for i in range(min_train - 1, len(s) - 1):
        origin = int(s.index[i])
        wanted = [origin + h for h in hs if origin + h in value_at]
        if not wanted:
            continue
        lo = 0 if window is None else max(0, i + 1 - int(window))
        train = s.iloc[lo : i + 1]
        path = forecast_path(train, wanted, **forecast_opts)
        for t in wanted:
            rows += _rows_for(path[t], origin, t - origin, value_at[t])
        if naive and origin - 5 in value_at:
            y0, y1 = value_at[origin - 5], value_at[origin]
            for t in wanted:
                pred = _naive(y0, y1, t - origin)
                rows.append(
                    [origin, t - origin, t, "naive_cagr5", value_at[t], pred] + [math.nan] * 5
                )
    records = pd.DataFrame(rows, columns=_COLUMNS)
    if not records.empty:
        records = records.astype({"origin": "int64", "horizon": "int64", "year": "int64"})
    else:
        warns = list(warns) + [
            f"no origin with at least {min_train} points and an observed value {hs} years later"
        ]
    return BacktestResult(records, summarise(records), tuple(warns))


def _naive(y0: float, y1: float, h: int) -> float:
    """Naive 5-year-CAGR extrapolation; linear when the CAGR is undefined (sign change)."""
    if y0 > 0 and y1 > 0:
        return y1 * (y1 / y0) ** (h / 5)
    return y1 + (y1 - y0) * h / 5


def summarise(records: pd.DataFrame) -> pd.DataFrame:
    """Per ``(method, horizon)`` accuracy of backtest records.

    Columns: ``n`` (forecasts), ``mae`` (mean absolute error of the median), ``mape`` (mean
    absolute percentage error, as a fraction; actual values of 0 are left out), ``mdape``
    (median APE), ``coverage80`` and ``coverage95`` (share of actual values inside the
    central intervals), ``mean_pit``.

    Examples
    --------
    >>> r = pd.DataFrame({"method": ["m", "m"], "horizon": [1, 1], "actual": [10.0, 20.0],
    ...                   "median": [11.0, 18.0], "lower80": [9.0, 19.0],
    ...                   "upper80": [12.0, 21.0], "lower95": [8.0, 17.0],
    ...                   "upper95": [13.0, 22.0], "pit": [0.3, 0.7]})
    >>> t = summarise(r)
    >>> float(t.loc[("m", 1), "mae"]), float(t.loc[("m", 1), "mape"])
    (1.5, 0.1)
    """
    cols = ["n", "mae", "mape", "mdape", "coverage80", "coverage95", "mean_pit"]
    if records.empty:
        return pd.DataFrame(
            columns=cols, index=pd.MultiIndex.from_arrays([[], []], names=["method", "horizon"])
        )
    r = records
    err = (r["median"] - r["actual"]).abs()
    ape = (err / r["actual"].abs()).where(r["actual"] != 0)
    cov80 = ((r["actual"] >= r["lower80"]) & (r["actual"] <= r["upper80"])).astype(float)
    cov95 = ((r["actual"] >= r["lower95"]) & (r["actual"] <= r["upper95"])).astype(float)
    no_int = r["lower80"].isna()
    frame = pd.DataFrame(
        {
            "method": r["method"],
            "horizon": r["horizon"],
            "err": err,
            "ape": ape,
            "cov80": cov80.mask(no_int),
            "cov95": cov95.mask(no_int),
            "pit": r["pit"],
        }
    )
    g = frame.groupby(["method", "horizon"], sort=True)
    out = pd.DataFrame(
        {
            "n": g["err"].size(),
            "mae": g["err"].mean(),
            "mape": g["ape"].mean(),
            "mdape": g["ape"].median(),
            "coverage80": g["cov80"].mean(),
            "coverage95": g["cov95"].mean(),
            "mean_pit": g["pit"].mean(),
        }
    )
    return out[cols]


# --- calibration of pooled PITs when forecasts share common shocks --------------------------


@dataclass(frozen=True)
class PitICC:
    """Within-group dependence of PITs on the normal scale (see :func:`pit_icc`).

    Attributes
    ----------
    rho
        Intra-class correlation of ``z = Phi^-1(PIT)``: the share of the variance of ``z``
        due to effects common to a group (method of moments, clipped at 0).
    between, within
        Variance components: of the group effect and of the individual deviation.
    means, sizes
        Mean of ``z`` and number of PITs per group, indexed by the sorted group labels.
    """

    rho: float
    between: float
    within: float
    means: pd.Series
    sizes: pd.Series


def _integer_labels(labels) -> np.ndarray:
    """Group labels as floats holding integers (years), or a ValueError naming the fix."""
    try:
        lab = np.asarray(labels, dtype=float)
    except (TypeError, ValueError):
        lab = np.array([np.nan])
    if not np.all(np.isfinite(lab) & (lab == np.round(lab))):
        raise ValueError(
            "an MA order > 0 needs integer group labels (e.g. years); pass ma_order=0 and "
            "unit_ma_order=0 for other labels"
        )
    return lab


def _lag_corr(labels: np.ndarray, q: int) -> np.ndarray:
    """Correlation of equal-weight MA(q) effects at the integer ``labels`` (k x k)."""
    if q == 0:
        return np.eye(len(labels))
    lab = _integer_labels(labels)
    lag = np.abs(lab[:, None] - lab[None, :])
    return np.clip(q + 1 - lag, 0, None) / (q + 1)


def _icc_design(g: np.ndarray, ma_order: int):
    """Group labels, codes, sizes and the between-SS coefficient ``c`` of :func:`pit_icc`."""
    labels, inv = np.unique(g, return_inverse=True)
    k, n_tot = len(labels), len(g)
    if k < 2 or n_tot <= k:
        raise ValueError(f"need at least 2 groups and more PITs than groups (got {k}, {n_tot})")
    n = np.bincount(inv).astype(float)
    m = np.eye(k) - np.outer(np.ones(k), n / n_tot)
    c = float(np.trace(m.T @ np.diag(n) @ m @ _lag_corr(labels, int(ma_order))))
    return labels, inv, n, c


def icc_rows(z: np.ndarray, groups, *, ma_order: int = 0) -> np.ndarray:
    """The intra-class correlation of :func:`pit_icc` for each row of normal scores ``z``.

    Vectorised for simulation studies: ``z`` has shape ``(n_samples, len(groups))`` (or is
    one sample), already on the normal scale, without NaN.

    Examples
    --------
    >>> icc_rows(np.array([[0.0, 2.0, 4.0, 6.0], [1.0, -1.0, 1.0, -1.0]]), [1, 1, 2, 2])
    array([0.77777778, 0.        ])
    """
    z = np.atleast_2d(np.asarray(z, dtype=float))
    labels, inv, n, c = _icc_design(np.asarray(groups), ma_order)
    k, n_tot = len(labels), z.shape[-1]
    ind = np.zeros((n_tot, k))
    ind[np.arange(n_tot), inv] = 1.0
    means = (z @ ind) / n
    ssb = np.sum(n * (means - z.mean(axis=-1, keepdims=True)) ** 2, axis=-1)
    within = (np.sum(z**2, axis=-1) - np.sum(n * means**2, axis=-1)) / (n_tot - k)
    between = np.maximum(0.0, (ssb - (k - 1) * within) / c)
    tot = between + within
    return np.divide(between, tot, out=np.zeros_like(tot), where=tot > 0)


def pit_icc(pit, groups, *, ma_order: int = 0, clip: float = 1e-6) -> PitICC:
    """Intra-class correlation of PITs by group (one-way random-effects ANOVA).

    The PITs are mapped to ``z = Phi^-1(u)`` (``u`` clipped to ``[clip, 1 - clip]``), which is
    N(0, 1) for a calibrated forecaster, and modelled as ``z_ij = mu + a_j + e_ij`` with a
    group effect ``a_j`` (variance ``between``) shared by every PIT of group ``j`` (e.g. the
    origin year of a backtest: a national shock hits every city) and an individual deviation
    ``e_ij`` (variance ``within``). Method of moments for unbalanced groups: ``within`` is the
    within-group mean square, ``between = (SSB - (k - 1) within) / c`` clipped at 0, with
    ``c = N - sum n_j**2 / N`` for independent effects (the usual ``(k - 1) n0``). With
    ``ma_order = q > 0`` the effects of groups ``j`` and ``j'`` (integer labels, e.g. years)
    are taken to be correlated as an equal-weight MA(q), ``max(0, q + 1 - |j - j'|)/(q + 1)``
    - what ``h = q + 1``-year-ahead forecasts from consecutive origins give, since they share
    ``q`` outcome years - and ``c = trace(M' N M R)`` (``M`` centres on the weighted mean,
    ``N = diag(n_j)``, ``R`` the correlation), which removes the downward bias that correlated
    effects put into the spread of the group means.

    Parameters
    ----------
    pit
        PIT values in [0, 1]; NaN are dropped with their group.
    groups
        Group label of each PIT (same length).
    ma_order
        0 for independent group effects; ``q`` for MA(q)-correlated effects.
    clip
        Clipping of ``u`` before the normal quantile transform.

    Returns
    -------
    PitICC

    Examples
    --------
    Equal group means: no common component. Identical PITs within groups: all common.

    >>> pit_icc([0.2, 0.8, 0.2, 0.8], [1, 1, 2, 2]).rho
    0.0
    >>> pit_icc([0.2, 0.2, 0.8, 0.8], [1, 1, 2, 2]).rho
    1.0
    """
    from scipy.special import ndtri

    u = np.asarray(pit, dtype=float)
    g = np.asarray(groups)
    if u.shape != g.shape:
        raise ValueError(f"pit and groups differ in length ({u.size} vs {g.size})")
    keep = ~np.isnan(u)
    u, g = u[keep], g[keep]
    labels, inv, n, c = _icc_design(g, ma_order)
    z = ndtri(np.clip(u, clip, 1 - clip))
    means = np.bincount(inv, weights=z) / n
    ssb = float(np.sum(n * (means - z.mean()) ** 2))
    within = float(np.sum((z - means[inv]) ** 2) / (len(z) - len(labels)))
    between = max(0.0, (ssb - (len(labels) - 1) * within) / c)
    rho = between / (between + within) if between + within > 0 else 0.0
    idx = pd.Index(labels, name="group")
    return PitICC(
        rho=float(rho),
        between=between,
        within=within,
        means=pd.Series(means, index=idx, name="mean_z"),
        sizes=pd.Series(n.astype(int), index=idx, name="n"),
    )


def _ma_draw(rng, shape_lead: tuple[int, ...], idx: np.ndarray, span: int, q: int):
    """Equal-weight MA(q) of iid N(0, 1) shocks, unit variance, read at positions ``idx``."""
    b = rng.standard_normal((*shape_lead, span + q))
    out = b[..., idx + q].copy()
    for lag in range(1, q + 1):
        out += b[..., idx + q - lag]
    return out / math.sqrt(q + 1)


def simulate_clustered_z(
    groups,
    rho: float,
    *,
    ma_order: int = 0,
    units=None,
    unit_ma_order: int = 0,
    n_sim: int = 2000,
    seed: int = 0,
) -> np.ndarray:
    """Normal-scale PITs of a perfectly calibrated forecaster whose errors share group shocks.

    ``z_ij = sqrt(rho) a_j + sqrt(1 - rho) e_ij`` with ``a`` and ``e`` N(0, 1), so every
    ``z`` is exactly N(0, 1) and ``u = Phi(z)`` exactly U(0, 1): only the dependence differs
    from an iid sample. ``a_j`` is iid over groups (``ma_order = 0``) or an equal-weight MA(q)
    over integer group labels, ``a_j = (b_j + ... + b_{j-q}) / sqrt(q + 1)``; ``e_ij`` is iid,
    or, with ``units`` (e.g. the city of each forecast) and ``unit_ma_order = q``, an MA(q)
    over the group labels within each unit (one series' overlapping forecast windows).

    Parameters
    ----------
    groups
        Group label of each PIT in the design (e.g. origin year); integers if any MA order > 0.
    rho
        Intra-class correlation, in [0, 1].
    ma_order, unit_ma_order
        MA orders of the group effects and of the within-unit deviations.
    units
        Unit label of each PIT; needed when ``unit_ma_order > 0``.
    n_sim
        Number of simulated samples.
    seed
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_sim, len(groups))``.

    Examples
    --------
    >>> z = simulate_clustered_z([2001, 2001, 2002], 1.0, n_sim=4)
    >>> z.shape, bool(np.all(z[:, 0] == z[:, 1]))
    ((4, 3), True)
    """
    if not 0.0 <= rho <= 1.0:
        raise ValueError(f"rho must lie in [0, 1], got {rho}")
    g = np.asarray(groups)
    q, qu = int(ma_order), int(unit_ma_order)
    if q or qu:
        gi = _integer_labels(g)
        pos = (gi - gi.min()).astype(int)
    else:
        pos = np.unique(g, return_inverse=True)[1]
    span = int(pos.max()) + 1
    rng = np.random.default_rng(seed)
    out = np.empty((n_sim, len(g)))
    step = 250
    for s0 in range(0, n_sim, step):
        m = min(step, n_sim - s0)
        a = _ma_draw(rng, (m,), pos, span, q)
        if qu:
            if units is None:
                raise ValueError("unit_ma_order > 0 needs the unit label of each PIT")
            ui = np.unique(np.asarray(units), return_inverse=True)[1]
            b = rng.standard_normal((m, int(ui.max()) + 1, span + qu))
            e = b[:, ui, pos + qu].copy()
            for lag in range(1, qu + 1):
                e += b[:, ui, pos + qu - lag]
            e /= math.sqrt(qu + 1)
        else:
            e = rng.standard_normal((m, len(g)))
        out[s0 : s0 + m] = math.sqrt(rho) * a + math.sqrt(1.0 - rho) * e
    return out


def ks_uniform_rows(u: np.ndarray) -> np.ndarray:
    """Kolmogorov-Smirnov distance from U(0, 1) of each row of ``u`` (or of a 1-d sample).

    Examples
    --------
    >>> ks_uniform_rows(np.array([[0.1, 0.5, 0.9], [0.5, 0.5, 0.5]])).round(4).tolist()
    [0.2333, 0.5]
    """
    u = np.sort(np.atleast_2d(np.asarray(u, dtype=float)), axis=-1)
    n = u.shape[-1]
    i = np.arange(1, n + 1)
    return np.maximum(np.max(i / n - u, axis=-1), np.max(u - (i - 1) / n, axis=-1))


def ks_null_clustered(groups, rho: float, **options) -> np.ndarray:
    """Null distribution of the pooled KS distance of PITs under common group shocks.

    The KS distance from U(0, 1) of each sample of :func:`simulate_clustered_z` (same design:
    same groups, same number of PITs per group), i.e. what a *perfectly calibrated*
    forecaster would show when its errors share shocks within groups. With ``rho = 0`` it is
    the ordinary KS null (median about ``0.8276 / sqrt(n)``); with ``rho > 0`` it is wider,
    since ``n`` PITs then carry about as much information as the number of groups.

    Parameters
    ----------
    groups, rho, **options
        As for :func:`simulate_clustered_z` (``ma_order``, ``units``, ``unit_ma_order``,
        ``n_sim``, ``seed``).

    Returns
    -------
    numpy.ndarray
        ``n_sim`` simulated KS distances.

    Examples
    --------
    >>> ks = ks_null_clustered([1] * 50 + [2] * 50, 0.0, n_sim=200, seed=1)
    >>> ks.shape, bool(0.05 < np.median(ks) < 0.12)
    ((200,), True)
    """
    from scipy.special import ndtr

    return ks_uniform_rows(ndtr(simulate_clustered_z(groups, rho, **options)))


def mean_tstat(x, *, hac_lags: int = 0) -> np.ndarray | float:
    """t statistic of the mean of ``x`` along the last axis against 0.

    ``hac_lags = 0``: ``mean / (s / sqrt(k))`` with the ``k - 1`` divisor (the one-sample t
    test). ``hac_lags = L > 0``: the Newey-West (Bartlett) standard error with ``L`` lags and
    no small-sample correction, ``sqrt(S) / k`` with ``S = sum e_t**2 + 2 sum_l (1 - l/(L+1))
    sum_t e_t e_{t-l}`` on the centred series - the same as statsmodels
    ``OLS(x, ones).fit(cov_type="HAC", cov_kwds={"maxlags": L})``.

    Examples
    --------
    >>> round(float(mean_tstat(np.array([1.0, 2.0, 3.0]))), 4)  # 2 / (1 / sqrt(3))
    3.4641
    """
    x = np.asarray(x, dtype=float)
    k = x.shape[-1]
    mu = x.mean(axis=-1)
    e = x - mu[..., None]
    if hac_lags <= 0:
        se = np.sqrt(np.sum(e**2, axis=-1) / (k - 1) / k)
    else:
        s = np.sum(e**2, axis=-1)
        for lag in range(1, int(hac_lags) + 1):
            s = s + 2 * (1 - lag / (hac_lags + 1)) * np.sum(e[..., lag:] * e[..., :-lag], axis=-1)
        se = np.sqrt(s) / k
    t = mu / se
    return float(t) if np.ndim(t) == 0 else t
