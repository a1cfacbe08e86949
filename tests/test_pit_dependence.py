"""PIT calibration under common shocks: ICC estimator, clustered KS null, t statistics.

Expected values come from hand calculations (one-way ANOVA mean squares), from the exact
distribution of the one-sample KS statistic (``scipy.stats.kstwo``), from the autocorrelation
of an equal-weight MA(2) (2/3, 1/3, 0) and from statsmodels' own OLS t statistics.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr
from scipy.stats import kstwo

from greenstats.backtest import (
    icc_rows,
    ks_null_clustered,
    ks_uniform_rows,
    mean_tstat,
    pit_icc,
    simulate_clustered_z,
)


def test_icc_balanced_matches_hand_anova():
    # z = 0, 2 | 4, 6: group means 1, 5, grand mean 3; MSB = 2*(4 + 4)/1 = 16,
    # MSW = (1 + 1 + 1 + 1)/2 = 2; ICC(1) = (MSB - MSW)/(MSB + (n - 1) MSW) = 14/18
    z = np.array([0.0, 2.0, 4.0, 6.0])
    res = pit_icc(ndtr(z / 2), [1, 1, 2, 2])  # z/2 keeps the PITs away from the clipping
    # scaling z by 1/2 scales both variance components by 1/4 and leaves rho unchanged
    assert res.rho == pytest.approx(14 / 18, rel=1e-9)
    assert res.within == pytest.approx(2 / 4, rel=1e-9)
    assert res.between == pytest.approx(7 / 4, rel=1e-9)  # (MSB - MSW)/n = 7, over 4
    assert res.means.to_dict() == pytest.approx({1: 0.5, 2: 2.5})
    assert res.sizes.to_dict() == {1: 2, 2: 2}


def test_icc_unbalanced_matches_hand_anova():
    # z = 4 | 0, 1, 2: means 4 and 1, grand 7/4; SSB = 2.25**2 + 3 * 0.75**2 = 6.75 (k - 1 = 1)
    # SSW = 1 + 0 + 1 = 2 on N - k = 2 df, MSW = 1; n0 = (N - sum n_j^2 / N)/(k - 1) = 1.5;
    # between = (6.75 - 1)/1.5 = 23/6, rho = (23/6)/(23/6 + 1) = 23/29
    res = pit_icc(ndtr(np.array([4.0, 0.0, 1.0, 2.0])), ["a", "b", "b", "b"])
    assert res.between == pytest.approx(23 / 6, rel=1e-7)
    assert res.within == pytest.approx(1.0, rel=1e-7)
    assert res.rho == pytest.approx(23 / 29, rel=1e-7)


def test_icc_drops_nan_and_clips_at_zero():
    res = pit_icc([0.2, 0.8, np.nan, 0.2, 0.8], [1, 1, 1, 2, 2])
    assert res.rho == 0.0  # equal group means: SSB = 0 < (k - 1) MSW, clipped
    assert res.sizes.to_dict() == {1: 2, 2: 2}


def test_icc_recovers_known_rho():
    # z_ij = sqrt(rho) a_j + sqrt(1 - rho) e_ij drawn here with numpy, k = 1000 groups of 20.
    # Large-sample variance of the ANOVA ICC (Fisher; Donner 1986):
    # 2 (1 - rho)^2 (1 + (n - 1) rho)^2 / (n (n - 1) (k - 1)) = 1.16e-4 -> s.e. 0.011;
    # tolerance 0.045 is about 4 s.e.
    rng = np.random.default_rng(11)
    k, n, rho = 1000, 20, 0.3
    g = np.repeat(np.arange(k), n)
    z = np.sqrt(rho) * rng.standard_normal(k)[g] + np.sqrt(1 - rho) * rng.standard_normal(k * n)
    assert pit_icc(ndtr(z), g).rho == pytest.approx(rho, abs=0.045)
    assert float(icc_rows(z, g)[0]) == pytest.approx(pit_icc(ndtr(z), g).rho, abs=1e-6)


def test_ma2_correction_removes_the_bias_of_correlated_year_effects():
    # 15 consecutive years x 100 PITs, year effects an equal-weight MA(2) of iid shocks with
    # variance 0.3, within variance 0.7. The spread of the year means around their own mean
    # understates the effect variance by the factor (k - sum(R)/k)/(k - 1) with
    # sum(R) = 15 + 2 (14 * 2/3 + 13 * 1/3) = 127/3, i.e. 0.8698 -> E[between] 0.261 when
    # uncorrected, 0.300 corrected (unbiased: the negative part clipped is bounded by
    # (k - 1) MSW / c ~ 0.006). Monte-Carlo s.e. of the mean of 1500 estimates ~ 0.005; the
    # tolerance 0.02 is about 4 s.e. and half the 0.039 gap being tested.
    rng = np.random.default_rng(5)
    k, n, reps, var_a = 15, 100, 1500, 0.3
    years = np.repeat(np.arange(2000, 2000 + k), n)
    b = rng.standard_normal((reps, k + 2))
    a = (b[:, 2:] + b[:, 1:-1] + b[:, :-2]) / np.sqrt(3)  # unit-variance MA(2)
    z = np.sqrt(var_a) * a[:, years - 2000] + np.sqrt(1 - var_a) * rng.standard_normal(
        (reps, k * n)
    )
    corrected = np.mean([pit_icc(ndtr(zz), years, ma_order=2).between for zz in z])
    plain = np.mean([pit_icc(ndtr(zz), years).between for zz in z])
    factor = (k - (15 + 2 * (14 * 2 / 3 + 13 / 3)) / k) / (k - 1)
    assert corrected == pytest.approx(var_a, abs=0.02)
    assert plain == pytest.approx(var_a * factor, abs=0.02)


def test_ks_null_without_dependence_is_the_kolmogorov_distribution():
    # rho = 0: 400 iid U(0, 1); the median of D_n is kstwo.ppf(0.5, 400) = 0.0410 (asymptotic
    # 0.8276 / sqrt(400) = 0.0414). s.e. of a median of 2000 draws = 1 / (2 f sqrt(2000)),
    # f the density of D_n at its median (~31.5) -> 0.00036; tolerance 4 s.e.
    n, n_sim = 400, 2000
    ks = ks_null_clustered(np.repeat(np.arange(20), 20), 0.0, n_sim=n_sim, seed=3)
    med = kstwo.ppf(0.5, n)
    se = 1 / (2 * kstwo.pdf(med, n) * np.sqrt(n_sim))
    assert np.median(ks) == pytest.approx(med, abs=4 * se)
    assert np.median(ks) == pytest.approx(0.8276 / np.sqrt(n), abs=4 * se + 0.0005)


def test_ks_null_with_full_dependence_has_the_number_of_groups_as_sample_size():
    # rho = 1: every PIT of a group is the same value, so with k equal groups the pooled
    # empirical CDF is that of k iid U(0, 1): D has the one-sample KS law with n = k
    k, n_sim = 10, 2000
    ks = ks_null_clustered(np.repeat(np.arange(k), 30), 1.0, n_sim=n_sim, seed=4)
    for q in (0.5, 0.9):
        x = kstwo.ppf(q, k)
        se = np.sqrt(q * (1 - q) / n_sim) / kstwo.pdf(x, k)
        assert np.quantile(ks, q) == pytest.approx(x, abs=4 * se)


def test_simulated_year_effects_have_ma2_autocorrelation():
    # one PIT per year, rho = 1: z is the MA(2) year effect itself; its autocorrelation is
    # (q + 1 - lag)/(q + 1) = 2/3, 1/3, 0 at lags 1, 2, 3 and its variance 1
    z = simulate_clustered_z(np.arange(2000, 2040), 1.0, ma_order=2, n_sim=4000, seed=8)
    assert z.var() == pytest.approx(1.0, abs=0.03)
    for lag, want in ((1, 2 / 3), (2, 1 / 3), (3, 0.0)):
        r = np.corrcoef(z[:, :-lag].ravel(), z[:, lag:].ravel())[0, 1]
        assert r == pytest.approx(want, abs=0.03)


def test_simulated_city_deviations_are_ma2_within_a_city_only():
    years = np.tile(np.arange(2000, 2012), 2)
    cities = np.repeat(["a", "b"], 12)
    z = simulate_clustered_z(years, 0.0, units=cities, unit_ma_order=2, n_sim=4000, seed=9)
    a, b = z[:, :12], z[:, 12:]
    assert np.corrcoef(a[:, :-1].ravel(), a[:, 1:].ravel())[0, 1] == pytest.approx(2 / 3, abs=0.03)
    assert np.corrcoef(a.ravel(), b.ravel())[0, 1] == pytest.approx(0.0, abs=0.03)
    assert ks_uniform_rows(ndtr(z.ravel()))[0] < 0.02  # marginally U(0, 1)


def test_mean_tstat_matches_statsmodels():
    sm = pytest.importorskip("statsmodels.api")
    x = np.array([1.5, 1.07, 0.82, 0.26, -0.15, -0.17, 0.12, -0.05, -0.2, -0.52, -0.53])
    ols = sm.OLS(x, np.ones(len(x)))
    assert mean_tstat(x) == pytest.approx(float(ols.fit().tvalues[0]), rel=1e-10)
    hac = ols.fit(cov_type="HAC", cov_kwds={"maxlags": 2})
    assert mean_tstat(x, hac_lags=2) == pytest.approx(float(hac.tvalues[0]), rel=1e-10)
    rows = np.vstack([x, x[::-1] + 1])
    assert mean_tstat(rows, hac_lags=2)[1] == pytest.approx(mean_tstat(x[::-1] + 1, hac_lags=2))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: simulate_clustered_z([1, 2], 1.5), "rho must lie"),
        (lambda: simulate_clustered_z([1.5, 2.5], 0.2, ma_order=2), "integer group labels"),
        (lambda: simulate_clustered_z([1, 2], 0.2, unit_ma_order=2), "unit label"),
        (lambda: pit_icc([0.1, 0.2], [1, 1]), "at least 2 groups"),
        (lambda: pit_icc([0.1, 0.2], [1]), "differ in length"),
        (lambda: pit_icc([0.1, 0.2, 0.3], ["a", "b", "b"], ma_order=2), "integer"),
    ],
)
def test_bad_input_is_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()
