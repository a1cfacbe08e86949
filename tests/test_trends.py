"""Tests of greenstats.trends with independently computed expectations.

Expected values come from hand formulas computed here with numpy (lstsq, mean/var of
differences), from published closed forms (CAGR, Student-t predictive of a random walk with
drift) or from simulation of the model's predictive, never from the code's own output.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from greenstats.errors import SeriesError
from greenstats.trends import (
    LOGIT_EPS,
    Forecast,
    ModelForecast,
    cagr,
    choose_scale,
    forecast,
    prob_increasing,
)

YEARS = list(range(2013, 2023))
# the undamped mean-drift formulas of the note, no prior on the trend
PLAIN = {"damping": 1.0, "robust_drift": False, "growth_sd": None}
# a noisy positive level series (hand-made numbers)
LEVEL = pd.Series(
    [100.0, 96.0, 99.5, 93.0, 90.2, 91.0, 86.4, 84.0, 85.1, 80.3], index=YEARS, name="energy"
)


# ------------------------------------------------------------------------------------------
# CAGR
# ------------------------------------------------------------------------------------------
def test_cagr_exact_geometric_series():
    # 250 * 1.07**k for k = 0..6: the CAGR between any two points is exactly 7%
    y = [250 * 1.07**k for k in range(7)]
    assert cagr(y[0], y[6], 6) == pytest.approx(0.07, abs=1e-12)
    assert cagr(y[2], y[5], 3) == pytest.approx(0.07, abs=1e-12)
    # a 13.5% cut over five years needs 2.86%/yr (China pace table in the note)
    assert cagr(1.0, 0.865, 5) == pytest.approx(-0.0286, abs=5e-5)


@pytest.mark.parametrize("args", [(0.0, 1.0, 3), (1.0, 0.0, 3), (-1.0, 2.0, 2), (1.0, 2.0, 0)])
def test_cagr_undefined_is_nan_not_error(args):
    assert math.isnan(cagr(*args))


# ------------------------------------------------------------------------------------------
# scale choice
# ------------------------------------------------------------------------------------------
def test_choose_scale_rules():
    assert choose_scale(LEVEL) == ("log", [])
    assert choose_scale(pd.Series([30.0, 40.0]), bounds=(0, 100))[0] == "logit"
    sc, w = choose_scale(pd.Series([0.0, 1.0, 2.0]))
    assert sc == "identity" and "zero or negative" in w[0]
    sc, w = choose_scale(pd.Series([50.0, 101.0]), bounds=(0, 100))
    assert sc == "identity" and "outside the bounds" in w[0]
    sc, w = choose_scale(pd.Series([90.0, 100.0]), bounds=(0, 100))
    assert sc == "logit" and "exactly on a bound" in w[0]


# ------------------------------------------------------------------------------------------
# M1: random walk with drift
# ------------------------------------------------------------------------------------------
def _rw_by_hand(y: pd.Series, h: int):
    z = np.log(y.to_numpy())
    dz = np.diff(z)
    n = len(z)
    d = dz.mean()
    s2 = dz.var(ddof=1)
    return z[-1] + h * d, math.sqrt(s2 * (h + h * h / (n - 1))), n - 2


def test_rw_drift_matches_the_formula():
    loc, scale, df = _rw_by_hand(LEVEL, 3)
    m = forecast(LEVEL, 2025, **PLAIN).models["rw_drift"]
    assert m.loc == pytest.approx(loc, rel=1e-12)
    assert m.scale == pytest.approx(scale, rel=1e-12)
    assert m.df == df
    # cdf of the original value = t cdf of the log
    y_star = 75.0
    expected = stats.t.cdf((math.log(y_star) - loc) / scale, df)
    assert m.cdf(y_star) == pytest.approx(expected, abs=1e-10)
    assert m.quantile(0.9) == pytest.approx(math.exp(loc + scale * stats.t.ppf(0.9, df)))


@pytest.mark.parametrize("growth_sd", [None, 0.01])  # 0.01: k = 0.41 here
@pytest.mark.parametrize("damping", [1.0, 0.8])
def test_rw_probability_against_simulated_predictive(damping, growth_sd):
    """Analytic P(Y_2025 <= y*) vs a simulation of the fitted RW's predictive.

    The simulation draws sigma^2 from its scaled inverse chi-square, the drift from
    N(d, sigma^2/(n-1)) (the drift's own uncertainty) and three yearly steps N(drift, sigma^2)
    (step k scaled by damping**k for the damped variant) - a parametric bootstrap of the
    predictive, no t distribution involved. With the growth prior the drift is drawn from its
    posterior N(k d, k sigma^2/(n-1)), k = tau^2/(tau^2 + s2/(n-1)) computed by hand.
    """
    rng = np.random.default_rng(7)
    z = np.log(LEVEL.to_numpy())
    dz = np.diff(z)
    n, m = len(z), len(dz)
    d, s2 = dz.mean(), dz.var(ddof=1)
    k = 1.0 if growth_sd is None else growth_sd**2 / (growth_sd**2 + s2 / (n - 1))
    N = 200_000
    sigma2 = s2 * (m - 1) / rng.chisquare(m - 1, N)
    drift = k * d + np.sqrt(k * sigma2 / (n - 1)) * rng.standard_normal(N)
    # damped drift: step k carries damping**k of the drift, steps' noise is undamped
    reach = sum(damping**j for j in (1, 2, 3))
    zT = z[-1] + reach * drift + np.sqrt(3 * sigma2) * rng.standard_normal(N)
    fc = forecast(
        LEVEL,
        2025,
        models=("rw_drift",),
        damping=damping,
        robust_drift=False,
        growth_sd=growth_sd,
    )
    for y_star in (70.0, 74.0, 76.0, 80.0):
        p_sim = float(np.mean(np.exp(zT) <= y_star))
        assert fc.cdf(y_star) == pytest.approx(p_sim, abs=0.02)


def test_rw_with_gap_uses_per_year_normalised_differences():
    y = LEVEL.drop([2016, 2017])
    z = np.log(y.to_numpy())
    t = np.array(y.index, dtype=float)
    g, dz = np.diff(t), np.diff(z)
    d = (z[-1] - z[0]) / (t[-1] - t[0])
    s2 = np.sum((dz - g * d) ** 2 / g) / (len(dz) - 1)
    h = 3
    fc = forecast(y, 2025, **PLAIN)
    m = fc.models["rw_drift"]
    assert m.loc == pytest.approx(z[-1] + h * d)
    assert m.scale == pytest.approx(math.sqrt(s2 * (h + h * h / (t[-1] - t[0]))))
    assert m.df == len(dz) - 1
    assert any("missing" in w for w in fc.warnings)


def test_rw_break_year_drops_touching_differences():
    y = LEVEL.copy()
    y[2020] = 40.0  # a crash in 2020 only
    m = forecast(y, 2025, break_years=(2020,), **PLAIN).models["rw_drift"]
    z = np.log(y.to_numpy())
    dz = np.diff(z)
    keep = [i for i in range(len(dz)) if YEARS[i] != 2020 and YEARS[i + 1] != 2020]
    d = dz[keep].mean()
    assert m.loc == pytest.approx(z[-1] + 3 * d)
    assert m.df == len(keep) - 1


def test_rw_vs_arima010_omits_drift_uncertainty():
    """statsmodels ARIMA(0,1,0)+drift ignores the drift's uncertainty (the note's pitfall)."""
    from statsmodels.tsa.arima.model import ARIMA

    z = np.log(LEVEL.to_numpy())
    n, h = len(z), 3
    res = ARIMA(z, order=(0, 1, 0), trend="t").fit()
    sd_arima = float(np.sqrt(res.get_forecast(int(h)).var_pred_mean[-1]))
    sig2_mle = float(res.params[-1])  # sigma2 by ML: no drift-uncertainty term
    assert sd_arima == pytest.approx(math.sqrt(h * sig2_mle), rel=1e-3)
    m = forecast(LEVEL, 2025, **PLAIN).models["rw_drift"]
    s2 = np.diff(z).var(ddof=1)
    assert m.scale > sd_arima
    assert m.scale**2 / s2 == pytest.approx(h + h * h / (n - 1))


# ------------------------------------------------------------------------------------------
# M2: OLS trend
# ------------------------------------------------------------------------------------------
def _ols_by_hand(t, z, t_new, pulses=()):
    cols = [np.ones_like(t), t]
    cols += [(t == p).astype(float) for p in pulses]
    X = np.column_stack(cols)
    beta, *_ = np.linalg.lstsq(X, z, rcond=None)
    resid = z - X @ beta
    k = X.shape[1]
    s2 = resid @ resid / (len(z) - k)
    x0 = np.array([1.0, t_new] + [0.0] * len(pulses))
    xtx_inv = np.linalg.inv(X.T @ X)
    return x0 @ beta, math.sqrt(s2 * (1 + x0 @ xtx_inv @ x0)), len(z) - k


def test_ols_prediction_matches_hand_formula():
    t = np.array(YEARS, dtype=float)
    z = np.log(LEVEL.to_numpy())
    loc, se, df = _ols_by_hand(t, z, 2025.0)
    m = forecast(LEVEL, 2025, **PLAIN).models["ols_trend"]
    assert m.loc == pytest.approx(loc, rel=1e-10)
    assert m.scale == pytest.approx(se, rel=1e-8)
    assert m.df == df


def test_ols_pulse_dummy_matches_hand_formula():
    y = LEVEL.copy()
    y[2020] = 40.0
    t = np.array(YEARS, dtype=float)
    z = np.log(y.to_numpy())
    loc, se, df = _ols_by_hand(t, z, 2025.0, pulses=(2020.0,))
    m = forecast(y, 2025, break_years=(2020, 2030), **PLAIN).models["ols_trend"]
    assert m.loc == pytest.approx(loc, rel=1e-10)
    assert m.scale == pytest.approx(se, rel=1e-8)
    assert m.df == df == len(YEARS) - 3


# ------------------------------------------------------------------------------------------
# the headline mixture and bounds
# ------------------------------------------------------------------------------------------
def test_damped_trends_match_hand_formula():
    # reach = 0.8 + 0.64 + 0.512 = 1.952 years of trend in a 3-year forecast
    reach = 0.8 + 0.8**2 + 0.8**3
    z = np.log(LEVEL.to_numpy())
    dz = np.diff(z)
    n = len(z)
    fc = forecast(LEVEL, 2025, damping=0.8, robust_drift=False, growth_sd=None)
    rw = fc.models["rw_drift"]
    assert rw.loc == pytest.approx(z[-1] + reach * dz.mean())
    assert rw.scale == pytest.approx(math.sqrt(dz.var(ddof=1) * (3 + reach**2 / (n - 1))))
    # damped OLS = undamped OLS prediction at the effective year 2022 + reach
    t = np.array(YEARS, dtype=float)
    loc, se, _ = _ols_by_hand(t, z, 2022 + reach)
    assert fc.models["ols_trend"].loc == pytest.approx(loc)
    assert fc.models["ols_trend"].scale == pytest.approx(se)
    with pytest.raises(SeriesError, match="damping"):
        forecast(LEVEL, 2025, damping=1.5)


def test_default_headline_weights_and_equal_option():
    fc = forecast(LEVEL, 2025)
    rw, ols = fc.models["rw_drift"], fc.models["ols_trend"]
    for y_star in (72.0, 78.0, 83.0):
        assert fc.cdf(y_star) == pytest.approx(0.75 * rw.cdf(y_star) + 0.25 * ols.cdf(y_star))
    eq = forecast(LEVEL, 2025, weights="equal", damping=1.0)
    rw, ols = eq.models["rw_drift"], eq.models["ols_trend"]
    assert eq.cdf(78.0) == pytest.approx(0.5 * (rw.cdf(78.0) + ols.cdf(78.0)))
    with pytest.raises(SeriesError, match="weights"):
        forecast(LEVEL, 2025, weights={"rw_drift": -1})


def test_mixture_quantile_inverts_cdf():
    fc = forecast(LEVEL, 2025)
    rw, ols = fc.models["rw_drift"], fc.models["ols_trend"]
    for q in (0.025, 0.1, 0.5, 0.9, 0.975):
        v = fc.quantile(q)
        assert fc.cdf(v) == pytest.approx(q, abs=1e-9)
        assert min(rw.quantile(q), ols.quantile(q)) <= v <= max(rw.quantile(q), ols.quantile(q))
    lo, hi = fc.interval(0.8)
    assert fc.prob_between(lo, hi) == pytest.approx(0.8, abs=1e-9)


def test_rate_interval_never_leaves_bounds():
    r = pd.Series([60.0, 70.0, 78.0, 85.0, 90.0, 94.0, 97.0, 99.0], index=range(2015, 2023))
    fc = forecast(r, 2030, bounds=(0, 100))
    assert fc.transform == "logit"
    lo, hi = fc.interval(0.95)
    assert 0 < lo < hi < 100
    assert fc.cdf(100.0) == 1.0 and fc.cdf(0.0) == 0.0
    falling = pd.Series([9.0, 6.0, 4.0, 2.5, 1.5, 1.0, 0.6], index=range(2016, 2023))
    lo, hi = forecast(falling, 2030, bounds=(0, 100)).interval(0.95)
    assert 0 < lo < hi < 100


def test_rate_exactly_on_bound_uses_documented_epsilon():
    r = pd.Series([80.0, 90.0, 95.0, 98.0, 100.0, 100.0], index=range(2017, 2023))
    fc = forecast(r, 2025, bounds=(0, 100), models=("rw_drift",))
    assert any("exactly on a bound" in w for w in fc.warnings)
    # the last value enters as logit(1 - eps); RW median stays that value plus drift
    z_last = math.log((1 - LOGIT_EPS) / LOGIT_EPS)
    assert fc.models["rw_drift"].loc > z_last - 1e-9
    assert 0 < fc.quantile(0.5) < 100


def test_exact_geometric_series_gives_point_forecast():
    y = pd.Series([50 * 0.96**k for k in range(8)], index=range(2015, 2023))
    fc = forecast(y, 2025, **PLAIN)
    expected = 50 * 0.96**10
    assert fc.quantile(0.5) == pytest.approx(expected, rel=1e-9)
    assert fc.cdf(expected * 1.001) == pytest.approx(1.0, abs=1e-12)
    assert fc.cdf(expected * 0.999) == pytest.approx(0.0, abs=1e-12)


# ------------------------------------------------------------------------------------------
# awkward input
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 2, 4])
def test_too_few_points_gives_empty_forecast_with_warning(n):
    y = LEVEL.iloc[:n]
    fc = forecast(y, 2025)
    assert fc.models == {}
    assert "fewer than" in fc.warnings[-1]
    assert math.isnan(fc.cdf(80.0))


def test_short_series_warns_below_eight_points():
    fc = forecast(LEVEL.iloc[:6], 2025)
    assert set(fc.models) == {"rw_drift", "ols_trend"}
    assert any("fewer than 8" in w for w in fc.warnings)


def test_zeros_fall_back_to_identity_with_warning():
    y = pd.Series([3.0, 2.0, 1.5, 0.0, 0.5, 0.2, 0.0, 0.1], index=range(2015, 2023))
    fc = forecast(y, 2025, bounds=(0, None))
    assert fc.transform == "identity"
    assert any("identity" in w for w in fc.warnings)
    assert all(np.isfinite([fc.quantile(0.1), fc.quantile(0.9)]))
    assert fc.quantile(0.05) >= 0  # clipped at the lower bound


def test_rate_outside_bounds_falls_back_and_says_so():
    y = pd.Series([95.0, 97.0, 99.0, 101.0, 102.0, 103.0], index=range(2017, 2023))
    fc = forecast(y, 2025, bounds=(0, 100))
    assert fc.transform == "identity"
    assert any("outside the bounds" in w for w in fc.warnings)
    assert fc.quantile(0.95) <= 100


def test_index_handling():
    y = LEVEL.copy()
    y.index = [float(v) for v in YEARS]
    assert set(forecast(y, 2025).models) == {"rw_drift", "ols_trend"}
    y.index = [str(v) for v in YEARS]
    assert set(forecast(y, 2025).models) == {"rw_drift", "ols_trend"}
    y.index = pd.to_datetime([f"{v}-12-31" for v in YEARS])
    assert forecast(y, 2025).models["rw_drift"].loc == pytest.approx(
        forecast(LEVEL, 2025).models["rw_drift"].loc
    )
    bad = LEVEL.copy()
    bad.index = [v + 0.5 for v in YEARS]
    with pytest.raises(SeriesError, match="energy.*not whole years"):
        forecast(bad, 2025)
    dup = pd.Series([1.0, 2.0, 3.0], index=[2020, 2020, 2021], name="dup")
    with pytest.raises(SeriesError, match="more than once"):
        forecast(dup, 2025)
    text = pd.Series(["1", "x"], index=[2020, 2021], name="t")
    with pytest.raises(SeriesError, match="non-numeric"):
        forecast(text, 2025)


def test_nan_values_dropped_with_warning_and_unsorted_index():
    y = LEVEL.copy()
    y[2016] = np.nan
    y = y.iloc[::-1]
    fc = forecast(y, 2025)
    assert any("missing value" in w for w in fc.warnings)
    ref = forecast(LEVEL.drop(2016), 2025)
    assert fc.quantile(0.5) == pytest.approx(ref.quantile(0.5))


def test_year_not_after_last_observation():
    fc = forecast(LEVEL, 2022)
    assert fc.models == {} and "not after" in fc.warnings[-1]


# ------------------------------------------------------------------------------------------
# prob_increasing
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("damping", [1.0, 0.8])
def test_prob_increasing_one_year_matches_t_formula(damping):
    y = pd.Series([10.0, 10.8, 11.1, 12.3, 12.6, 13.9, 14.0, 15.2], index=range(2015, 2023))
    z = np.log(y.to_numpy())
    dz = np.diff(z)
    n = len(z)
    d, s = dz.mean(), dz.std(ddof=1)
    # one step: z_{t+1} - z_t ~ t_{n-2}(phi d, s^2 (1 + phi^2/(n-1)))
    scale = s * math.sqrt(1 + damping**2 / (n - 1))
    expected = 1 - stats.t.cdf(-damping * d / scale, n - 2)
    mean = {"damping": damping, "robust_drift": False, "growth_sd": None}
    assert prob_increasing(y, 2023, **mean) == pytest.approx(expected, abs=0.01)
    # more years to go can only lower the probability
    assert prob_increasing(y, 2025, **mean) < prob_increasing(y, 2023, **mean)
    # default median drift: d = median(dz), Var(d) = (pi/2) s^2/(n-1)
    d_med = float(np.median(dz))
    scale = s * math.sqrt(1 + damping**2 * (math.pi / 2) / (n - 1))
    expected = 1 - stats.t.cdf(-damping * d_med / scale, n - 2)
    median = {"damping": damping, "growth_sd": None}
    assert prob_increasing(y, 2023, **median) == pytest.approx(expected, abs=0.01)


def test_prob_increasing_without_remaining_years_is_an_error():
    with pytest.raises(SeriesError, match="through_year"):
        prob_increasing(LEVEL, 2022)


# ------------------------------------------------------------------------------------------
# sensitivity models and statsmodels pitfalls
# ------------------------------------------------------------------------------------------
def test_get_forecast_rejects_numpy_integer_horizon():
    """Pitfall from the note: get_forecast(np.int64) fails; trends passes int(h)."""
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    z = np.log(LEVEL.to_numpy())
    res = UnobservedComponents(z, "local linear trend").fit(disp=False)
    h = np.int64(2025) - np.int64(2022)
    try:
        res.get_forecast(h)
    except Exception:
        pass  # the documented failure; our code must not depend on it either way
    fc = forecast(LEVEL, np.int64(2025), sensitivity=True)
    assert set(fc.sensitivity) == {"uc_llt", "arima110", "ets_damped"}
    assert set(fc.models) == {"rw_drift", "ols_trend"}  # never in the headline
    for m in fc.sensitivity.values():
        assert m.df == math.inf and m.scale > 0 and math.isfinite(m.loc)


def test_ets_needs_pandas_series_and_matches_direct_fit():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    z = pd.Series(np.log(LEVEL.to_numpy()), index=pd.period_range("2013", "2022", freq="Y"))
    res = ETSModel(z, error="add", trend="add", damped_trend=True).fit(disp=False)
    pred = res.get_prediction(start=len(z), end=len(z) + 2)
    m = forecast(LEVEL, 2025, sensitivity=["ets_damped"]).sensitivity["ets_damped"]
    assert m.loc == pytest.approx(float(np.asarray(pred.predicted_mean)[-1]), rel=1e-6)


def test_pulse_dummy_as_exog_neutralises_break_in_sensitivity_models():
    y = LEVEL.copy()
    y[2020] = 30.0  # huge one-off dip
    with_pulse = forecast(y, 2025, break_years=(2020,), sensitivity=["uc_llt", "arima110"])
    without = forecast(y, 2025, sensitivity=["uc_llt", "arima110"])
    clean = forecast(LEVEL, 2025, sensitivity=["uc_llt", "arima110"])
    for name in ("uc_llt", "arima110"):
        err_pulse = abs(with_pulse.sensitivity[name].loc - clean.sensitivity[name].loc)
        err_none = abs(without.sensitivity[name].loc - clean.sensitivity[name].loc)
        assert (
            err_pulse < err_none
            or with_pulse.sensitivity[name].scale < without.sensitivity[name].scale
        )


def test_model_forecast_point_mass_and_bounds():
    mf = ModelForecast("x", 2025, loc=math.log(5.0), scale=0.0, df=3.0, transform="log")
    assert mf.quantile(0.3) == pytest.approx(5.0)
    assert mf.cdf(4.99) == 0.0 and mf.cdf(5.0) == 1.0
    assert mf.cdf(-1.0) == 0.0
    assert math.isnan(Forecast({}).quantile(0.5))


def test_sensitivity_models_survive_gaps_and_breaks():
    y = LEVEL.drop(2016)
    fc = forecast(y, 2025, sensitivity=True, break_years=(2022,))
    assert set(fc.sensitivity) == {"uc_llt", "arima110", "ets_damped"}
    assert all(math.isfinite(m.quantile(0.9)) for m in fc.sensitivity.values())


def test_break_year_as_latest_point_starts_rw_from_previous_year():
    y = LEVEL.copy()
    y[2022] = 40.0  # the latest year is a one-off crash
    fc = forecast(y, 2025, break_years=(2022,), **PLAIN)
    z = np.log(LEVEL.to_numpy()[:-1])  # 2013..2021, the crash dropped
    d = np.diff(z).mean()
    # origin 2021, four steps to 2025
    assert fc.models["rw_drift"].loc == pytest.approx(z[-1] + 4 * d)
    assert any("latest year 2022 is a break year" in w for w in fc.warnings)


# ------------------------------------------------------------------------------------------
# drift estimators and options of rw_drift (helper T1b), rw_level, inflate
# ------------------------------------------------------------------------------------------
REACH3 = 0.8 + 0.8**2 + 0.8**3  # damping 0.8, 3 years ahead


def test_median_drift_matches_hand_formula():
    z = np.log(LEVEL.to_numpy())
    dz = np.diff(z)
    n = len(z)
    d, s2 = float(np.median(dz)), dz.var(ddof=1)
    span = (n - 1) * 2 / math.pi  # the median's efficiency 2/pi under normality
    m = forecast(LEVEL, 2025, damping=0.8, growth_sd=None).models["rw_drift"]
    assert m.loc == pytest.approx(z[-1] + REACH3 * d)
    assert m.scale == pytest.approx(math.sqrt(s2 * (3 + REACH3**2 / span)))
    assert m.df == n - 2


def test_median_and_mean_drift_differ_as_documented():
    y = LEVEL.copy()
    y[2016] = 60.0  # a one-year slump and recovery: two extreme differences
    med = forecast(y, 2025, damping=1.0, growth_sd=None).models["rw_drift"].loc
    mean = forecast(y, 2025, **PLAIN).models["rw_drift"].loc
    z = np.log(y.to_numpy())
    assert med == pytest.approx(z[-1] + 3 * float(np.median(np.diff(z))))
    # the mean drift is (z_last - z_first)/9 whatever happens in between; the median is not
    assert mean == pytest.approx(z[-1] + 3 * (z[-1] - z[0]) / 9)


def test_zero_drift_prior_is_the_conjugate_normal_posterior():
    # prior drift ~ N(0, sigma2/k): posterior mean d*span/(span+k), variance sigma2/(span+k)
    z = np.log(LEVEL.to_numpy())
    dz = np.diff(z)
    span, k, h = len(dz), 4.0, 3
    d, s2 = dz.mean(), dz.var(ddof=1)
    m = forecast(LEVEL, 2025, drift_prior=k, **PLAIN).models["rw_drift"]
    assert m.loc == pytest.approx(z[-1] + h * d * span / (span + k))
    assert m.scale == pytest.approx(math.sqrt(s2 * (h + h * h / (span + k))))
    with pytest.raises(SeriesError, match="drift_prior"):
        forecast(LEVEL, 2025, drift_prior=-1)


def test_recency_weighted_drift_matches_weighted_mean():
    z = np.log(LEVEL.to_numpy())
    dz = np.diff(z)
    w = 0.5 ** (np.arange(len(dz))[::-1] / 2.0)  # half-life 2 years, latest weight 1
    d = np.sum(w * dz) / np.sum(w)
    span = np.sum(w) ** 2 / np.sum(w * w)  # Var(d) = sigma2 * sum(w^2)/sum(w)^2
    m = forecast(LEVEL, 2025, drift_halflife=2.0, **PLAIN).models["rw_drift"]
    assert m.loc == pytest.approx(z[-1] + 3 * d)
    assert m.scale == pytest.approx(math.sqrt(dz.var(ddof=1) * (3 + 9 / span)))
    with pytest.raises(SeriesError, match="drift_halflife"):
        forecast(LEVEL, 2025, drift_halflife=0)


def test_rw_level_component_and_three_model_mixture():
    z = np.log(LEVEL.to_numpy())
    dz = np.diff(z)
    s0 = float(np.mean(dz**2))  # variance about zero drift, m degrees of freedom
    w = {"rw_drift": 0.5, "ols_trend": 0.25, "rw_level": 0.25}
    fc = forecast(LEVEL, 2025, models=("rw_drift", "ols_trend", "rw_level"), weights=w)
    lv = fc.models["rw_level"]
    assert lv.loc == pytest.approx(z[-1])
    assert lv.scale == pytest.approx(math.sqrt(3 * s0))
    assert lv.df == len(dz)
    y_star = 78.0
    expected_lv = stats.t.cdf((math.log(y_star) - z[-1]) / math.sqrt(3 * s0), len(dz))
    assert lv.cdf(y_star) == pytest.approx(expected_lv, abs=1e-10)
    mix = sum(w[k] * fc.models[k].cdf(y_star) for k in w)
    assert fc.cdf(y_star) == pytest.approx(mix)


def test_inflate_multiplies_every_headline_scale():
    base = forecast(LEVEL, 2025)
    wide = forecast(LEVEL, 2025, inflate=1.25)
    for k in ("rw_drift", "ols_trend"):
        assert wide.models[k].loc == base.models[k].loc
        assert wide.models[k].scale == pytest.approx(1.25 * base.models[k].scale)
    with pytest.raises(SeriesError, match="inflate"):
        forecast(LEVEL, 2025, inflate=0)


# ------------------------------------------------------------------------------------------
# the growth prior (default growth_sd = 0.05): normal posterior of the trend, by hand
# ------------------------------------------------------------------------------------------
TAU = 0.05


def test_growth_prior_shrinks_the_drift_as_the_normal_posterior():
    # prior drift ~ N(0, tau^2), estimate d with variance v = s2/span (s2 plugged in):
    # posterior mean d*k, variance k*v, k = tau^2/(tau^2 + v)
    z = np.log(LEVEL.to_numpy())
    dz = np.diff(z)
    span, h = len(dz), 3
    d, s2 = dz.mean(), dz.var(ddof=1)
    v = s2 / span
    k = TAU**2 / (TAU**2 + v)
    opts = {"damping": 1.0, "robust_drift": False}
    m = forecast(LEVEL, 2025, growth_sd=TAU, **opts).models["rw_drift"]
    assert m.loc == pytest.approx(z[-1] + h * d * k)
    assert m.scale == pytest.approx(math.sqrt(s2 * h + h * h * k * v))
    assert m.df == len(z) - 2
    # the default is this prior on the median drift (variance (pi/2) s2/span), undamped
    d_med, v_med = float(np.median(dz)), (math.pi / 2) * s2 / span
    k_med = TAU**2 / (TAU**2 + v_med)
    m = forecast(LEVEL, 2025).models["rw_drift"]
    assert m.loc == pytest.approx(z[-1] + h * d_med * k_med)
    assert m.scale == pytest.approx(math.sqrt(s2 * h + h * h * k_med * v_med))


def test_growth_prior_on_the_ols_slope_is_mixed_estimation_by_hand():
    # Theil-Goldberger: one pseudo-observation "slope = 0" with weight s2/tau^2. With the
    # centred design the slope becomes b * tau^2/(tau^2 + s2/Sxx), the intercept stays the
    # mean; the residual variance is re-estimated on n + 1 rows with 2 parameters.
    t = np.array(YEARS, dtype=float)
    z = np.log(LEVEL.to_numpy())
    n, c = len(z), t.mean()
    x = t - c
    sxx = x @ x
    b = (x @ (z - z.mean())) / sxx
    s2 = np.sum((z - z.mean() - b * x) ** 2) / (n - 2)
    w = s2 / TAU**2
    b_post = b * sxx / (sxx + w)
    assert b_post == pytest.approx(b * TAU**2 / (TAU**2 + s2 / sxx))
    s2_post = (np.sum((z - z.mean() - b_post * x) ** 2) + w * b_post**2) / (n + 1 - 2)
    x0 = 2025.0 - c
    loc = z.mean() + b_post * x0
    se = math.sqrt(s2_post * (1 + 1 / n + x0**2 / (sxx + w)))
    m = forecast(LEVEL, 2025, growth_sd=TAU, damping=1.0).models["ols_trend"]
    assert m.loc == pytest.approx(loc, rel=1e-10)
    assert m.scale == pytest.approx(se, rel=1e-8)
    assert m.df == n - 2  # OLS's degrees of freedom are kept


def test_growth_prior_barely_moves_a_precise_trend_and_pulls_a_noisy_one():
    years = range(2013, 2023)
    smooth = pd.Series([100 * 1.08**k * (1 + 0.002 * (-1) ** k) for k in range(10)], years)
    noisy = pd.Series([100 * 1.08**k * (1 + 0.15 * (-1) ** k) for k in range(10)], years)
    for y, lo, hi in ((smooth, 0.97, 1.0), (noisy, 0.0, 0.6)):
        with_prior = forecast(y, 2025, robust_drift=False).models["rw_drift"]
        without = forecast(y, 2025, robust_drift=False, growth_sd=None).models["rw_drift"]
        z_last = math.log(y.iloc[-1])
        ratio = (with_prior.loc - z_last) / (without.loc - z_last)
        assert lo <= ratio <= hi, ratio


def test_growth_prior_is_not_applied_on_the_identity_scale():
    y = pd.Series([-3.0, -1.0, 0.5, 1.2, 2.9, 4.1, 5.0, 7.2], index=range(2015, 2023))
    a = forecast(y, 2025, growth_sd=TAU)
    b = forecast(y, 2025, growth_sd=None)
    assert a.transform == "identity"
    for name in ("rw_drift", "ols_trend"):
        assert a.models[name].loc == b.models[name].loc
        assert a.models[name].scale == b.models[name].scale


@pytest.mark.parametrize("bad", [-0.1, float("nan"), "0.05", True])
def test_growth_prior_rejects_a_bad_sd(bad):
    with pytest.raises(SeriesError, match="growth_sd"):
        forecast(LEVEL, 2025, growth_sd=bad)


def test_growth_prior_accepts_numpy_numbers():
    a = forecast(LEVEL, 2025, growth_sd=np.float32(0.05)).models["rw_drift"]
    b = forecast(LEVEL, 2025, growth_sd=0.05).models["rw_drift"]
    assert a.loc == pytest.approx(b.loc, rel=1e-6)
