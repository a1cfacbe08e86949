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
