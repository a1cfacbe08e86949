"""Tests of greenstats.backtest with hand-computed expectations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from greenstats.backtest import backtest, summarise
from greenstats.trends import forecast

GEO = pd.Series([200 * 1.05**k for k in range(10)], index=range(2013, 2023), name="geo")
NOISY = pd.Series(
    [100.0, 96.0, 99.5, 93.0, 90.2, 91.0, 86.4, 84.0, 85.1, 80.3, 79.9, 76.5],
    index=range(2011, 2023),
    name="noisy",
)


def test_number_of_forecasts_per_horizon():
    # n = 12 points, min_train = 5: origins are the 5th..11th points; horizon h needs the
    # point h later, so n - min_train - h + 1 forecasts: 7, 6, 5
    bt = backtest(NOISY, horizons=(1, 2, 3), min_train=5, naive=False)
    n = bt.table.xs("headline", level="method")["n"]
    assert n.to_dict() == {1: 7, 2: 6, 3: 5}
    assert set(bt.records["method"]) == {"headline", "rw_drift", "ols_trend"}


def test_exact_geometric_series_undamped_has_zero_error():
    bt = backtest(GEO, horizons=(1, 3), damping=1.0, naive=False)
    head = bt.table.xs("headline", level="method")
    assert head["mape"].max() == pytest.approx(0.0, abs=1e-9)
    assert head["coverage80"].min() == 1.0  # the point forecast equals the actual value


def test_exact_geometric_series_damped_error_is_known():
    # a damped forecast extrapolates reach = 0.8 + 0.64 + 0.512 years of growth instead of 3:
    # forecast/actual = 1.05 ** (reach - 3), the same for every origin
    reach = 0.8 + 0.8**2 + 0.8**3
    bt = backtest(GEO, horizons=(3,), damping=0.8, naive=False)
    expected = 1 - 1.05 ** (reach - 3)
    assert bt.table.loc[("headline", 3), "mape"] == pytest.approx(expected, rel=1e-9)


def test_naive_cagr5_extrapolation_by_hand():
    bt = backtest(NOISY, horizons=(2,), min_train=6)
    naive = bt.records[bt.records["method"] == "naive_cagr5"].set_index("origin")
    # origin 2016 (6th point): y2016 * (y2016/y2011)**(2/5)
    y = NOISY
    expected = y[2016] * (y[2016] / y[2011]) ** (2 / 5)
    assert naive.loc[2016, "median"] == pytest.approx(expected)
    assert naive.loc[2016, "actual"] == y[2018]
    assert naive["lower80"].isna().all()


def test_rolling_window_uses_only_recent_points():
    bt = backtest(NOISY, horizons=(1,), min_train=5, window=6, naive=False)
    rec = bt.records[(bt.records["method"] == "headline") & (bt.records["origin"] == 2020)]
    direct = forecast(NOISY.loc[2015:2020], 2021)
    assert float(rec["median"].iloc[0]) == pytest.approx(direct.quantile(0.5))
    assert float(rec["pit"].iloc[0]) == pytest.approx(direct.cdf(NOISY[2021]))


def test_gaps_skip_unobserved_targets():
    y = NOISY.drop([2019])
    bt = backtest(y, horizons=(1,), min_train=5, naive=False)
    # origins are observed years (2015..2021 without 2019); a 1-year-ahead target needs an
    # observed value: 2019 is missing and 2020 has no origin one year before it
    assert set(bt.records["year"]) == {2016, 2017, 2018, 2021, 2022}


def test_too_short_series_gives_empty_result_with_warning():
    bt = backtest(NOISY.iloc[:4], horizons=(1,))
    assert bt.records.empty and bt.table.empty
    assert "no origin" in bt.warnings[-1]
    assert "no forecast" in bt.summary()


def test_summarise_by_hand():
    r = pd.DataFrame(
        {
            "method": ["m"] * 4,
            "horizon": [1, 1, 1, 2],
            "actual": [10.0, 20.0, 40.0, 5.0],
            "median": [12.0, 20.0, 30.0, 5.5],
            "lower80": [9.0, 21.0, 35.0, 4.0],
            "upper80": [11.0, 25.0, 45.0, 6.0],
            "lower95": [8.0, 19.0, 25.0, 3.0],
            "upper95": [14.0, 26.0, 50.0, 7.0],
            "pit": [0.2, 0.05, 0.9, 0.4],
        }
    )
    t = summarise(r)
    row = t.loc[("m", 1)]
    assert row["n"] == 3
    assert row["mae"] == pytest.approx((2 + 0 + 10) / 3)
    assert row["mape"] == pytest.approx((0.2 + 0 + 0.25) / 3)
    assert row["mdape"] == pytest.approx(0.2)
    assert row["coverage80"] == pytest.approx(2 / 3)  # 20 is below 21
    assert row["coverage95"] == pytest.approx(1.0)
    assert row["mean_pit"] == pytest.approx((0.2 + 0.05 + 0.9) / 3)
    assert t.loc[("m", 2), "mape"] == pytest.approx(0.1)


def test_summary_text_lists_methods():
    text = backtest(NOISY, horizons=(1,)).summary()
    for word in ("headline", "rw_drift", "ols_trend", "naive_cagr5", "cov80"):
        assert word in text
    assert np.isfinite(backtest(NOISY, horizons=(1,)).table["mae"]).all()
