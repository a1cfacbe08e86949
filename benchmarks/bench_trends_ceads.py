"""Benchmark the trend forecasts on the CEADs city CO2 panel (290 cities, 1997-2019).

Rolling-origin backtest, ``h`` years ahead (default 3): at every origin the headline mixture
is fitted to the trailing ``window`` observed points (default 10, the 5-15-point use case;
at least ``min_train`` = 6) and compared with the value observed ``h`` years later. Printed,
for the issue's original headline (equal-weight, undamped), T1's "calibrated mixture" (0.75
rw_drift + 0.25 ols_trend, damping 0.8, mean drift), the previous default (the same with the
median drift, chosen by T1b) and the default (median drift, growth prior 0.05, undamped;
round 4 below):

* coverage of the central 80% (and 95%) interval (goal 0.75-0.85);
* the probability integral transform u = F(actual), i.e. P(meet) for a cap set at the
  realised value; KS distance of u from U(0,1) (goal <= 0.1); and the reliability of P(meet)
  for caps "cut x% a year from the origin value", x in {-4, 0, 2, 4, 6}%, with Brier scores;
* median absolute percentage error (MdAPE) of the headline median against the naive
  5-year-CAGR extrapolation of the anchors, on the forecasts where both exist (goal: no worse);
* timings.

Honesty protocol. The first run (issue headline, all origins) missed every goal. The weights
and the damping of the default were then chosen on a *development* half only - origins
<= 2009, outcomes <= 2012 - from the grid weights(rw) in {0.5, 0.75} (both models stay in the
headline, as the issue asks) x damping in {1, 0.9, 0.8} (0.8-0.98 is the range R's
forecast::ets allows for the damping parameter): the grid point meeting the development goals
with the smallest KS was kept. The *test* half - origins >= 2010, outcomes 2013-2019, never
used for the choice - is reported separately and is the honest figure. ``--grid`` reprints the
development grid. Caveats: the idea of damping came from seeing the first, full-sample run
(forecasts too high after growth slowed), and an exploratory pass also looked at
weights(rw) = 1 (random walk alone; best development KS, 0.072) and damping 0.7, which were
excluded a priori (the issue wants both models in the headline; 0.7 is outside the usual
damping range) rather than on their test results.

Second round (helper T1b, PIT on TEST). T1's default met every goal on DEV but missed the KS
goal on TEST (KS 0.204, mean PIT 0.38: too high after city CO2 growth stalled ~2011-13). Ten
candidate headlines (:data:`CANDIDATES`, ``--candidates``), each one statistically motivated
change to T1's default: stronger damping (0.7); a zero-drift normal prior worth 3 or 6 years
(the drift is shrunk by span/(span+k)); the median of the yearly differences as a robust
drift; recency-weighted drift (half-life 3 or 5 years); a third component, the random walk
without drift (local level, weights 0.5/0.25/0.25); scale inflation x1.15. Rule written down
before any TEST figure of a candidate was computed: among the candidates meeting the DEV
coverage and MdAPE goals, take the smallest DEV KS; it replaces T1's default only if its DEV KS
is lower by at least 0.01; no combinations (a second search round on DEV would mostly fit
noise: KS differences of 0.01-0.02 at n = 570 are within sampling error). DEV-only figures
(``--candidates dev``): KS C1 (T1 default) 0.083, C2 0.088, C3 0.099, C4 0.133 (missed), C5
(median drift) 0.063, C6 0.072, C7 0.077, C8 0.118 (coverage 0.851, missed), C9 0.074, C0
0.249. Chosen: C5, the median drift, checked against tests/test_calibration.py before TEST
was run; it is now the library default (``greenstats.trends.ROBUST_DRIFT``).

TEST results (``--candidates all``; cov80 / cov95 / KS / mean PIT / MdAPE vs naive 19.9%):
C0 0.650/0.890/0.337/0.300/26.1%; C1 0.787/0.928/0.204/0.380/18.5%; C2 0.810/0.938/0.160/
0.410/16.5%; C3 0.815/0.942/0.166/0.408/16.7%; C4 0.823/0.943/0.143/0.426/15.8%; **C5
0.788/0.939/0.183/0.391/18.3%**; C6 0.812/0.936/0.179/0.403/17.5%; C7 0.804/0.931/0.186/
0.394/17.7%; C8 0.843/0.958/0.161/0.419/16.7%; C9 0.835/0.953/0.205/0.388/18.7%.
(DEV, same order: cov80 0.718, 0.807, 0.805, 0.809, 0.816, 0.823, 0.819, 0.807, 0.851, 0.844;
cov95 0.923, 0.942, 0.933, 0.933, 0.921, 0.946, 0.944, 0.942, 0.958, 0.951; mean PIT 0.363,
0.484, 0.534, 0.535, 0.564, 0.498, 0.488, 0.485, 0.534, 0.487; MdAPE 24.4, 17.0, 15.3, 15.4,
14.9, 16.4, 16.6, 16.7, 15.7, 17.0% vs naive 22.8%.)

Verdict, plainly: the KS goal (<= 0.10) is MISSED on TEST by every candidate, the chosen one
included (0.183, from 0.204); coverage (0.788) and MdAPE (18.3% vs 19.9%) goals are met.
Even the candidate with the best TEST KS (C4, 0.143; rejected on DEV) misses. The table of
mean PIT by origin year shows why a per-series model cannot fix this: the PIT moves together
across cities from year to year (default: 0.85 for origin 2002, 0.33 for 2013, 0.51 for
2016), i.e. national common shocks (the 2011-13 stall) dominate, and the 1,186 TEST PITs
carry about as much information on calibration as the 7 origin years. Forecasts in TEST ran
too high (mean PIT 0.39): users should read P(meet a cap) on city CO2-like series as
optimistic when the national trend turns.

Third round (helper T3, "PIT under common shocks", default headline; no default changed, no
model tried). Question: is the KS miss calibration error, or what a *perfectly calibrated*
forecaster would show when 250 cities share national shocks? On z = Phi^-1(PIT) (u clipped to
[1e-6, 1 - 1e-6]) a one-way random-effects ANOVA by origin year
(:func:`greenstats.backtest.pit_icc`) gives the share rho of the variance of z common to a
year: all origins 0.086 (0.102 when the year effects are taken as MA(2), which corrects the
downward bias correlated effects put into the spread of the year means), DEV 0.084 (0.123),
TEST 0.043 (0.059); within-year variance 0.93, so the total spread of z is about right and
what is off is the location by year. The MA(2) is what 3-year-ahead windows from consecutive
origins give (they share 2 of 3 outcome years), and the data show it: autocorrelation of the
15 year means 0.69, 0.40, 0.12, 0.00 at lags 1-4 (MA(2): 0.67, 0.33, 0, 0), and within a
city, across origins, 0.65, 0.34, 0.04. Null of the pooled KS (2,000 seeded simulations, same
origin years, cities and counts, z_ij = sqrt(rho) a_j + sqrt(1 - rho) e_ij, marginally exactly
U(0, 1); :func:`greenstats.backtest.ks_null_clustered`), as median / q90 / q95 /
P(KS <= 0.10) / p-value of the observed KS:

* all origins, KS 0.141: iid year effects 0.035/0.068/0.078/0.99/p < 0.001; MA(2) years
  0.054/0.115/0.135/0.85/p 0.038; MA(2) years + MA(2) within city 0.055/0.118/0.134/0.83/
  p 0.040.
* DEV, KS 0.063: iid 0.056/0.104/0.120/0.89/p 0.42; MA(2) + city 0.083/0.177/0.211/0.60/
  p 0.68.
* TEST, KS 0.183: iid 0.036/0.067/0.078/0.995/p < 0.001; MA(2) years 0.053/0.109/0.128/0.86/
  p 0.002; MA(2) + city 0.055/0.114/0.133/0.84/p 0.006. With rho from DEV (0.123) instead,
  p 0.050; from all origins (0.102), p 0.029 (iid: p < 0.001 either way).
* p of the observed KS / P(KS <= 0.10) as functions of rho (MA(2) + city), at rho 0.05,
  0.10, 0.15, 0.20, 0.30, 0.40: all origins p 0.005, 0.038, 0.093, 0.149, 0.238, 0.326 / P
  0.95, 0.84, 0.75, 0.68, 0.56, 0.47; TEST p 0.002, 0.026, 0.077, 0.133, 0.230, 0.317 / P
  0.87, 0.72, 0.63, 0.55, 0.44, 0.35. rho itself is known only roughly from 7-15 overlapping
  years: the one-sided 99% upper confidence bound (simulated sampling distribution of the
  estimator, 400 simulations per point, inverted on a 0.02 grid) is 0.44 for both halves,
  and the Berger-Boos (1994) p-value that allows for it (sup of p over the 99% set, + 0.01)
  is 0.37 (all) and 0.36 (TEST).

Bias beyond common shocks (the year means of z have mean 0 under calibration; t test on the
15/8/7 year means, statsmodels OLS on a constant, ordinary and Newey-West with 2 lags; p from
the t distribution, then simulated under the iid / MA(2) / MA(2) + city nulls): all origins
mean +0.073, t +0.46 (p 0.65; simulated 0.66/0.78/0.81), NW t +0.32 (p 0.75; 0.78/0.81/0.83).
DEV mean +0.430, t +1.92 (p 0.097; 0.09/0.29/0.35), NW t +1.47 (p 0.19; 0.29/0.42/0.43). TEST
mean -0.335, t -4.04 (p 0.007; simulated 0.005/0.081/0.105), NW t -3.66 (p 0.011; 0.051/
0.131/0.147). The nominal t and NW p-values are far too small once the year means are
MA(2)-correlated (7 overlapping years carry about 3 years of information).

Verdict, plainly. (1) KS <= 0.10 is not out of reach: a perfectly calibrated forecaster with
the estimated common-shock share would meet it with probability about 0.83-0.86 on all
origins and on TEST (0.60 on DEV, 8 years), so the goal is not impossible by design; that
probability falls to about one half only if rho is 0.2-0.3 (TEST) or 0.3-0.4 (all origins).
Common shocks widen the null (median 0.035 -> 0.055, q95 0.078 -> 0.134) but at the estimated
rho do not by themselves explain a KS of 0.141 or 0.183. (2) At the estimated rho the TEST KS
(0.183) is too large for a calibrated forecaster (p 0.002-0.006 with TEST's rho, 0.03-0.05
with DEV's or all origins'), and all origins (0.141) is borderline (p 0.04): taken at face
value there is miscalibration beyond common shocks, and it is a location error - TEST
forecasts too high (mean of year means of z -0.34, mean PIT 0.39); on DEV the year means are
positive (+0.43, driven by 2002-2005 with 7-69 cities; mean PIT 0.50), the sign following the
national trend's turn around 2011. (3) But neither test is decisive once the uncertainty
about the shocks is admitted: the bias t tests simulated under the MA(2) null give p
0.08-0.15 on TEST and about 0.8 on all origins, and the KS test with rho's uncertainty
allowed for gives p 0.36-0.37; the observed KS would be unremarkable (p > 0.05) for rho above
about 0.11 (all) or 0.12 (TEST), which 7-15 overlapping origin years cannot rule out. So: the
data neither show the forecaster calibrated nor show a bias beyond common shocks at
conventional levels; the point estimates lean towards a real but modest optimism after 2011.
A fairer statement of the issue's goal on one national panel compares the observed KS with
the clustered null (pass if below its 95% quantile at the estimated rho, MA(2) + city): DEV
passes (0.063 < 0.211), all origins fails by a hair (0.141 vs 0.134), TEST fails (0.183 vs
0.133).
The section (:func:`common_shocks`, functions in :mod:`greenstats.backtest`, tests in
tests/test_pit_dependence.py) adds about 4 s to the default run; figures are seeded.
(Rounds 1-3's figures above are those of the configuration now printed as "previous
default".)

Fourth round (a second panel; the default changed). Rounds 1-3 tuned the default on this
panel only. Run unchanged on a panel never used for any choice, the CCSY city panel
(``bench_trends_citypanel.py``: 18 indicator columns of 287 cities, 2004-2012), damping
0.8 proved wrong for steadily growing series: 3 years ahead, coverage 0.66, KS 0.160, mean
PIT 0.60, GDP's mean PIT 0.80. CEADs wants trends tempered, that panel does not. What tells
them apart is how noisily a trend is estimated (city CO2 growth has a yearly sd of about
0.15, GDP's a few hundredths), which fixed damping ignores and a prior on the trend does not.
The new default puts ``N(0, sd**2)`` on the yearly trend of both headline models on the
log/logit scale (``growth_sd``; posterior mean for the drift, Theil-Goldberger mixed
estimation for the OLS slope) and drops damping. The value 0.05 (trends of about +-10% a year
at two sd) was written down first; 0.03 and 0.10 were then run on both panels (and, in an
exploration, the prior on the drift alone: CEADs all origins KS 0.128, city panel 0.106).
Criterion, stated after those runs and before the decision: the smallest worst KS over the
two panels (3 years ahead). KS CEADs all origins / city panel: sd 0.03 0.049 / 0.190; **0.05
0.095 / 0.141**; 0.10 0.168 / 0.077; no prior, undamped 0.226 / 0.068; previous default
0.141 / 0.160. 0.05 is the minimax choice, and the one a priori. It is the only one meeting
this panel's KS goal on all origins as well as the coverage and MdAPE goals on both, which
is why the criterion was written down rather than left to the eye. The held-out half has now
been looked at four times and is no longer held out. ``--priors`` reprints this panel's side.

Round 4 default (``make bench``): all origins cov80 0.819, cov95 0.942, KS 0.095 (mean PIT
0.46), MdAPE 16.5% vs 20.8%: all three goals met; DEV 0.840 / KS 0.097 / 14.8% vs 22.8%;
TEST 0.809 / KS 0.146 (mean PIT 0.42) / 17.2% vs 19.9%: KS still missed on the later half,
where the common-shocks section gives p 0.014 at the estimated rho and a Berger-Boos p of
0.43. City panel, 3 years ahead: 0.711 / 0.141 / 12.7% vs 14.4% (1 and 2 years ahead the
prior costs a little: KS 0.094 and 0.118 against 0.070 and 0.101 with damping 0.8).
By training window (``--windows``, all origins, KS): 6 points 0.031, 8 0.072, 10 (the
benchmark's window since round 1) 0.095, 12 0.110, expanding 0.117; coverage 0.82-0.83 and
MdAPE 14.9-17.2% vs 20.8% throughout.

Run: ``.venv/bin/python benchmarks/bench_trends_ceads.py [--window 10] [--horizon 3] [--grid]
[--candidates dev|all] [--priors] [--no-main]`` (``--candidates all`` prints every candidate on both
halves, about 70 s on one core).
The data file is read with python-calamine directly (sheet ``emission matrix``, wide).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from greenstats.backtest import (  # noqa: E402
    backtest,
    icc_rows,
    ks_null_clustered,
    ks_uniform_rows,
    mean_tstat,
    pit_icc,
    simulate_clustered_z,
)
from greenstats.trends import forecast  # noqa: E402

DATA = ROOT.parent / "shared" / "real-data" / "panels" / "ceads-city-co2-1997-2019.xlsx"
CUTS = (-0.04, 0.0, 0.02, 0.04, 0.06)  # yearly cut defining synthetic caps
PRIOR_SDS = (0.03, 0.05, 0.10, None)  # --priors
DEV_LAST_ORIGIN = 2009
CONFIGS = {
    "issue headline (equal weights, undamped)": {
        "weights": "equal",
        "damping": 1.0,
        "robust_drift": False,
        "growth_sd": None,
    },
    "T1 headline (0.75/0.25, damping 0.8, mean drift)": {
        "robust_drift": False,
        "damping": 0.8,
        "growth_sd": None,
    },
    "previous default (0.75/0.25, damping 0.8, median drift)": {
        "damping": 0.8,
        "growth_sd": None,
    },
    "default headline (0.75/0.25, median drift, growth prior 0.05, undamped)": {},
}


def load_panel(path: Path) -> pd.DataFrame:
    """Wide city x year frame (Mt CO2) from the ``emission matrix`` sheet."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("emission matrix").to_python()
    header = [str(c).strip() for c in rows[0]]
    df = pd.DataFrame(rows[1:], columns=header).set_index("city")
    df = df.replace("", np.nan).apply(pd.to_numeric, errors="coerce")
    df.columns = [int(float(c)) for c in df.columns]
    return df.dropna(axis=1, how="all")


def ks_uniform(u: np.ndarray) -> float:
    """Kolmogorov-Smirnov distance of a sample from U(0, 1)
    (:func:`greenstats.backtest.ks_uniform_rows` for one sample).

    >>> round(ks_uniform(np.array([0.1, 0.5, 0.9])), 4)
    0.2333
    """
    return float(ks_uniform_rows(u)[0])


def run_backtests(panel, *, window, horizon, min_train, opts) -> tuple[pd.DataFrame, float, int]:
    t0 = time.perf_counter()
    recs, n_series = [], 0
    for city, row in panel.iterrows():
        y = row.dropna()
        if len(y) < min_train + 1:
            continue
        n_series += 1
        bt = backtest(
            y.rename(city), horizons=(horizon,), min_train=min_train, window=window, **opts
        )
        if not bt.records.empty:
            recs.append(bt.records.assign(city=city))
    return pd.concat(recs, ignore_index=True), time.perf_counter() - t0, n_series


def goals(r: pd.DataFrame, key: tuple[str, ...] = ("city",)) -> dict:
    """Coverage, KS of the PIT and MdAPE vs naive for the headline rows of ``r``.

    ``key``: the columns naming a series (with ``origin`` they pair a headline forecast with
    the naive one).
    """
    on = [*key, "origin"]
    head = r[r["method"] == "headline"]
    naive = r[r["method"] == "naive_cagr5"][[*on, "median"]]
    both = head.merge(naive, on=on, suffixes=("", "_naive"))
    ape_h = (both["median"] - both["actual"]).abs() / both["actual"].abs()
    ape_n = (both["median_naive"] - both["actual"]).abs() / both["actual"].abs()
    inside80 = (head["actual"] >= head["lower80"]) & (head["actual"] <= head["upper80"])
    inside95 = (head["actual"] >= head["lower95"]) & (head["actual"] <= head["upper95"])
    return {
        "n": len(head),
        "cov80": float(inside80.mean()),
        "cov95": float(inside95.mean()),
        "ks": ks_uniform(head["pit"].to_numpy()),
        "mean_pit": float(head["pit"].mean()),
        "n_common": len(both),
        "mdape": float(ape_h.median()),
        "mdape_naive": float(ape_n.median()),
    }


def _verdict(g: dict) -> str:
    c = "MET" if 0.75 <= g["cov80"] <= 0.85 else "MISSED"
    k = "MET" if g["ks"] <= 0.1 else "MISSED"
    m = "MET" if g["mdape"] <= g["mdape_naive"] else "MISSED"
    return f"coverage {c}, KS {k}, MdAPE {m}"


def print_goals(label: str, g: dict) -> None:
    se = np.sqrt(0.8 * 0.2 / max(g["n"], 1))
    print(
        f"  {label:<26} n={g['n']:>5}  cov80={g['cov80']:.3f} (s.e. {se:.3f})  "
        f"cov95={g['cov95']:.3f}  KS(PIT)={g['ks']:.3f} (mean PIT {g['mean_pit']:.2f})  "
        f"MdAPE {100 * g['mdape']:.1f}% vs naive {100 * g['mdape_naive']:.1f}% "
        f"(n={g['n_common']})"
    )
    print(f"  {'':<26} -> {_verdict(g)}")


def split(r: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        "all origins": r,
        f"DEV origins <= {DEV_LAST_ORIGIN}": r[r["origin"] <= DEV_LAST_ORIGIN],
        f"TEST origins >= {DEV_LAST_ORIGIN + 1}": r[r["origin"] > DEV_LAST_ORIGIN],
    }


def caps_report(panel, r, *, window, horizon, min_train, opts) -> None:
    """Reliability of P(meet) for synthetic caps, refitting each headline forecast."""
    head = r[r["method"] == "headline"]
    t0 = time.perf_counter()
    fcs = []
    for city, origin in zip(head["city"], head["origin"], strict=True):
        y = panel.loc[city].dropna()
        y = y[y.index <= origin]
        if window:
            y = y.iloc[-window:]
        fcs.append(forecast(y, origin + horizon, min_points=min_train, **opts))
    origin_val = np.array(
        [panel.loc[c, o] for c, o in zip(head["city"], head["origin"], strict=True)], dtype=float
    )
    actual = head["actual"].to_numpy()
    print(
        f"  P(meet) for caps 'cut x%/yr from the origin value' ({time.perf_counter() - t0:.1f} s)"
    )
    print(f"  {'cut/yr':>7} {'mean P':>7} {'freq met':>8} {'Brier':>6} {'Brier(climatology)':>18}")
    allp, allo = [], []
    for cut in CUTS:
        cap = origin_val * (1 - cut) ** horizon
        p = np.array([fc.cdf(c) for fc, c in zip(fcs, cap, strict=True)])
        o = (actual <= cap).astype(float)
        allp.append(p)
        allo.append(o)
        print(
            f"  {100 * cut:>6.0f}% {p.mean():>7.3f} {o.mean():>8.3f} "
            f"{np.mean((p - o) ** 2):>6.3f} {np.mean((o.mean() - o) ** 2):>18.3f}"
        )
    p, o = np.concatenate(allp), np.concatenate(allo)
    bins = np.linspace(0, 1, 6)
    idx = np.clip(np.digitize(p, bins) - 1, 0, 4)
    print("  reliability, all caps pooled:  P bin    mean P   observed      n")
    for b in range(5):
        sel = idx == b
        if sel.any():
            print(
                f"  {'':<30}{bins[b]:.1f}-{bins[b + 1]:.1f}  {p[sel].mean():>7.3f}  "
                f"{o[sel].mean():>8.3f}  {sel.sum():>5}"
            )


def per_model(r: pd.DataFrame) -> None:
    naive = r[r["method"] == "naive_cagr5"][["city", "origin", "median"]]
    for name in ("rw_drift", "ols_trend"):
        m = r[r["method"] == name]
        both = m.merge(naive, on=["city", "origin"], suffixes=("", "_n"))
        ape = (both["median"] - both["actual"]).abs() / both["actual"].abs()
        inside = (m["actual"] >= m["lower80"]) & (m["actual"] <= m["upper80"])
        print(
            f"  {name:<10} cov80={inside.mean():.3f}  KS(PIT)={ks_uniform(m['pit'].to_numpy()):.3f}"
            f"  MdAPE {100 * ape.median():.1f}%"
        )


def by_year(r: pd.DataFrame) -> None:
    """Mean PIT and 80% coverage of the headline by origin year (common shocks show here)."""
    head = r[r["method"] == "headline"]
    inside = (head["actual"] >= head["lower80"]) & (head["actual"] <= head["upper80"])
    g = pd.DataFrame({"origin": head["origin"], "pit": head["pit"], "in80": inside}).groupby(
        "origin"
    )
    tab = g.agg(n=("pit", "size"), pit=("pit", "mean"), cov80=("in80", "mean"))
    print("  by origin year:  " + "  ".join(f"{o}" for o in tab.index))
    print("    mean PIT       " + "  ".join(f"{v:.2f}".rjust(4) for v in tab["pit"]))
    print("    cov80          " + "  ".join(f"{v:.2f}".rjust(4) for v in tab["cov80"]))


#: Simulations of the perfectly calibrated null in "PIT under common shocks" (seeded).
N_SIM = 2000
SEED = 20261126
#: Null models: (label, MA order of the year effects, MA order within a city across origins).
#: h = 3-year-ahead forecasts from consecutive origins share 2 of 3 outcome years, so iid
#: yearly shocks give MA(2) effects, both national (year) and city-specific (within a city).
BB_GRID = tuple(np.round(np.arange(0.02, 0.62, 0.02), 2))
RHO_GRID = (0.05, 0.10, 0.15, 0.20, 0.30, 0.40)
NULLS = (
    ("iid year effects", 0, 0),
    ("MA(2) year effects", 2, 0),
    ("MA(2) years + MA(2) in city", 2, 2),
)


def _null_row(label, rho, ks, obs) -> None:
    print(
        f"    {label:<44} rho={rho:.3f}  null KS median {np.median(ks):.3f}  "
        f"q90 {np.quantile(ks, 0.9):.3f}  q95 {np.quantile(ks, 0.95):.3f}  "
        f"P(KS<=0.10)={np.mean(ks <= 0.10):.3f}  p(KS>={obs:.3f})={np.mean(ks >= obs):.4f}"
    )


def _year_mean_matrix(groups: np.ndarray) -> np.ndarray:
    """n x k matrix turning one sample of z into its k year means (columns sum to 1)."""
    inv = np.unique(groups, return_inverse=True)[1]
    g = np.zeros((len(groups), inv.max() + 1))
    g[np.arange(len(groups)), inv] = 1.0
    return g / g.sum(axis=0)


def common_shocks(r: pd.DataFrame, *, n_sim: int = N_SIM, seed: int = SEED) -> dict:
    """Section "PIT under common shocks": is the KS miss calibration error or shared shocks?

    For the headline rows of ``r`` and each half (all origins, DEV, TEST): the intra-class
    correlation of ``z = Phi^-1(PIT)`` by origin year (:func:`greenstats.backtest.pit_icc`,
    independent or MA(2) year effects); the null distribution of the pooled KS for a
    perfectly calibrated forecaster with that dependence on the same design (same origin
    years, cities and counts; :func:`greenstats.backtest.ks_null_clustered`), with the p-value
    of the observed KS; and t tests that the mean of the year means of ``z`` is 0 (ordinary
    and Newey-West with 2 lags, via statsmodels), with p-values from the t distribution and
    from the simulated nulls. Returns the figures, keyed by half.
    """
    import statsmodels.api as sm
    from scipy.special import ndtr

    t0 = time.perf_counter()
    head = r[r["method"] == "headline"].dropna(subset=["pit"])
    halves = {k: v[v["method"] == "headline"].dropna(subset=["pit"]) for k, v in split(r).items()}
    out: dict = {}
    print(
        "\n  PIT under common shocks (z = Phi^-1(PIT); perfectly calibrated null, "
        f"{n_sim} seeded simulations on the same design)"
    )
    m_all = pit_icc(head["pit"], head["origin"]).means
    e = m_all.to_numpy() - m_all.mean()
    acf = [float(e[lag:] @ e[:-lag] / (e @ e)) for lag in (1, 2, 3, 4)]
    print(
        "    autocorrelation of the year means of z, lags 1-4: "
        + ", ".join(f"{a:.2f}" for a in acf)
        + "  (MA(2) of overlapping 3-year windows: 0.67, 0.33, 0, 0)"
    )
    # within-city autocorrelation across origins of z minus its year mean
    res = head.assign(res=head["origin"].map(m_all).rsub(pit_icc_z(head["pit"])))
    wide = res.pivot(index="city", columns="origin", values="res")
    cacf = []
    for lag in (1, 2, 3):
        a, b = wide.iloc[:, :-lag].to_numpy().ravel(), wide.iloc[:, lag:].to_numpy().ravel()
        ok = ~np.isnan(a) & ~np.isnan(b)
        cacf.append(float(np.corrcoef(a[ok], b[ok])[0, 1]))
    print(
        "    within-city autocorrelation across origins of z - year mean, lags 1-3: "
        + ", ".join(f"{a:.2f}" for a in cacf)
    )
    out["acf_year_means"], out["acf_within_city"] = acf, cacf
    rhos: dict = {}
    for half, d in halves.items():
        g, cities = d["origin"].to_numpy(), d["city"].to_numpy()
        obs = float(ks_uniform_rows(d["pit"].to_numpy())[0])
        icc = {q: pit_icc(d["pit"], g, ma_order=q) for q in (0, 2)}
        rhos[half] = {q: icc[q].rho for q in icc}
        k = len(icc[0].means)
        print(
            f"  {half}: n={len(d)} PITs in k={k} origin years, observed KS {obs:.3f}; "
            f"variance of z: between years {icc[0].between:.3f} (MA(2)-corrected "
            f"{icc[2].between:.3f}), within {icc[0].within:.3f}"
        )
        fig = {"n": len(d), "k": k, "ks": obs, "rho_iid": icc[0].rho, "rho_ma2": icc[2].rho}
        ym = icc[0].means.to_numpy()
        gm = _year_mean_matrix(g)
        ols = sm.OLS(ym, np.ones(k))
        plain = ols.fit(use_t=True)
        hac = ols.fit(cov_type="HAC", cov_kwds={"maxlags": 2}, use_t=True)
        t_obs = {0: float(plain.tvalues[0]), 2: float(hac.tvalues[0])}
        p_nom = {0: float(plain.pvalues[0]), 2: float(hac.pvalues[0])}
        p_sim: dict = {}
        for label, q, qu in NULLS:
            rho = icc[q].rho
            z = simulate_clustered_z(
                g, rho, ma_order=q, units=cities, unit_ma_order=qu, n_sim=n_sim, seed=seed
            )
            ks = ks_uniform_rows(ndtr(z))
            _null_row(label, rho, ks, obs)
            fig[label] = {
                "median": float(np.median(ks)),
                "q90": float(np.quantile(ks, 0.9)),
                "q95": float(np.quantile(ks, 0.95)),
                "p_le_010": float(np.mean(ks <= 0.10)),
                "p_value": float(np.mean(ks >= obs)),
            }
            zm = z @ gm
            p_sim[label] = {
                lag: float(np.mean(np.abs(mean_tstat(zm, hac_lags=lag)) >= abs(t_obs[lag])))
                for lag in (0, 2)
            }
        print(f"    bias beyond common shocks? mean of the {k} year means of z = {ym.mean():+.3f}")
        for lag, name in ((0, "ordinary t"), (2, "Newey-West t, 2 lags")):
            sims = ", ".join(f"{lab} {p_sim[lab][lag]:.3f}" for lab, _, _ in NULLS)
            print(
                f"      {name:<21} t={t_obs[lag]:+.2f}  p(t, {k - 1} df)={p_nom[lag]:.4f}  "
                f"p simulated: {sims}"
            )
        fig["mean_year_mean"] = float(ym.mean())
        fig["t"], fig["p_t"], fig["p_t_sim"] = t_obs, p_nom, p_sim
        out[half] = fig
    # robustness: TEST judged with the dependence measured on DEV (and on all origins)
    test_half = list(halves)[2]
    d = halves[test_half]
    obs = out[test_half]["ks"]
    print(f"  robustness, {test_half} with rho estimated elsewhere:")
    for src in list(halves)[:2]:
        for label, q, qu in NULLS[0], NULLS[2]:
            ks = ks_null_clustered(
                d["origin"].to_numpy(),
                rhos[src][q],
                ma_order=q,
                units=d["city"].to_numpy(),
                unit_ma_order=qu,
                n_sim=n_sim,
                seed=seed,
            )
            _null_row(f"{label}, rho from {src.split(' ')[0]}", rhos[src][q], ks, obs)
            out[f"TEST, {label}, rho from {src}"] = float(np.mean(ks >= obs))
    # which common-shock share would make the observed KS unsurprising? (full MA(2) null)
    for half in (list(halves)[0], test_half):
        d = halves[half]
        obs = out[half]["ks"]
        ps = {}
        for rho in RHO_GRID:
            ks = ks_null_clustered(
                d["origin"].to_numpy(),
                rho,
                ma_order=2,
                units=d["city"].to_numpy(),
                unit_ma_order=2,
                n_sim=n_sim,
                seed=seed,
            )
            ps[rho] = (float(np.mean(ks >= obs)), float(np.mean(ks <= 0.10)))
        print(
            f"  {half}, MA(2) years + city null by rho: p(KS>={obs:.3f}) / P(KS<=0.10): "
            + "  ".join(f"{rho:.2f}: {p:.3f}/{q:.2f}" for rho, (p, q) in ps.items())
        )
        out[f"p_by_rho {half}"] = ps
    # rho is a nuisance parameter known only roughly from 7-15 overlapping years: Berger and
    # Boos (1994) p-value = sup of p(rho) over a 99% confidence set for rho, + 0.01. The
    # one-sided 99% upper bound inverts P(rho_hat <= observed rho_hat | rho) >= 0.01 on a grid,
    # by simulation of the estimator under the full MA(2) null (p(rho) rises with rho).
    for half in (list(halves)[0], test_half):
        d = halves[half]
        g, cities = d["origin"].to_numpy(), d["city"].to_numpy()
        rho_hat, obs = out[half]["rho_ma2"], out[half]["ks"]
        upper = BB_GRID[-1]
        for rho in BB_GRID:
            z = simulate_clustered_z(
                g, rho, ma_order=2, units=cities, unit_ma_order=2, n_sim=400, seed=seed + 2
            )
            if np.mean(icc_rows(z, g, ma_order=2) <= rho_hat) < 0.01:
                upper = rho
                break
        ks = ks_null_clustered(
            g, upper, ma_order=2, units=cities, unit_ma_order=2, n_sim=n_sim, seed=seed
        )
        p_up = float(np.mean(ks >= obs))
        print(
            f"  {half}: 99% upper confidence bound of rho (MA(2) years + city, grid step "
            f"0.02) {upper:.2f}; p(KS>={obs:.3f}) there {p_up:.3f}; Berger-Boos p = "
            f"{p_up + 0.01:.3f}"
        )
        out[f"berger_boos {half}"] = {"rho_upper99": upper, "p": p_up + 0.01}
    print(f"  ({time.perf_counter() - t0:.1f} s)")
    return out


def pit_icc_z(pit) -> np.ndarray:
    """``Phi^-1`` of PITs clipped to [1e-6, 1 - 1e-6] (the scale of :func:`pit_icc`)."""
    from scipy.special import ndtri

    return ndtri(np.clip(np.asarray(pit, dtype=float), 1e-6, 1 - 1e-6))


def grid(panel, *, window, horizon, min_train) -> None:
    print("\nDEV-half grid used to choose the default (origins <= 2009 only):")
    for w in (0.5, 0.75):
        for phi in (1.0, 0.9, 0.8):
            opts = {
                "weights": {"rw_drift": w, "ols_trend": 1 - w},
                "damping": phi,
                "robust_drift": False,  # T1's round used the mean drift
                "growth_sd": None,  # and no growth prior
            }
            r, _, _ = run_backtests(
                panel, window=window, horizon=horizon, min_train=min_train, opts=opts
            )
            g = goals(r[r["origin"] <= DEV_LAST_ORIGIN])
            print(
                f"  w(rw)={w:.2f} damping={phi:.1f}: cov80={g['cov80']:.3f} KS={g['ks']:.3f} "
                f"MdAPE {100 * g['mdape']:.1f}% vs naive {100 * g['mdape_naive']:.1f}%"
            )


#: Candidate headlines examined by helper T1b (all 0.75 rw_drift + 0.25 ols_trend with
#: damping 0.8 unless stated). Each is one statistically motivated change for short annual
#: series; the choice among them uses the DEV half only (see the module docstring).
TRIO = ("rw_drift", "ols_trend", "rw_level")
CANDIDATES: dict[str, dict] = {
    "C0 issue headline (equal, undamped)": {"weights": "equal", "damping": 1.0},
    "C1 T1 default (0.75/0.25, damping 0.8)": {},
    "C2 damping 0.7": {"damping": 0.7},
    "C3 zero-drift prior 3 yr": {"drift_prior": 3.0},
    "C4 zero-drift prior 6 yr": {"drift_prior": 6.0},
    "C5 median drift": {"robust_drift": True},
    "C6 recency drift, half-life 3 yr": {"drift_halflife": 3.0},
    "C7 recency drift, half-life 5 yr": {"drift_halflife": 5.0},
    "C8 + rw_level 0.50/0.25/0.25": {
        "models": TRIO,
        "weights": {"rw_drift": 0.5, "ols_trend": 0.25, "rw_level": 0.25},
    },
    "C9 scale inflation x1.15": {"inflate": 1.15},
}
# every candidate except C5 keeps T1's mean drift (the library default became C5's median);
# all keep T1's damping 0.8 and no growth prior (the library defaults since round 4 differ)
for _label, _opts in CANDIDATES.items():
    _opts.setdefault("robust_drift", False)
    _opts.setdefault("damping", 0.8)
    _opts.setdefault("growth_sd", None)


def candidates(panel, *, window, horizon, min_train, test: bool) -> None:
    halves = {"DEV": lambda r: r[r["origin"] <= DEV_LAST_ORIGIN]}
    if test:
        halves["TEST"] = lambda r: r[r["origin"] > DEV_LAST_ORIGIN]
    print(
        f"\ncandidates ({'DEV and TEST' if test else 'DEV only'}; "
        "goals cov80 0.75-0.85, KS <= 0.10, MdAPE <= naive):"
    )
    print(
        f"  {'candidate':<40} {'half':<4} {'n':>5} {'cov80':>6} {'cov95':>6} {'KS':>6} "
        f"{'meanPIT':>7} {'MdAPE':>6} {'naive':>6}  ms/series  verdict"
    )
    for label, opts in CANDIDATES.items():
        r, secs, n_series = run_backtests(
            panel, window=window, horizon=horizon, min_train=min_train, opts=opts
        )
        for half, sel in halves.items():
            g = goals(sel(r))
            print(
                f"  {label:<40} {half:<4} {g['n']:>5} {g['cov80']:>6.3f} {g['cov95']:>6.3f} "
                f"{g['ks']:>6.3f} {g['mean_pit']:>7.3f} {100 * g['mdape']:>5.1f}% "
                f"{100 * g['mdape_naive']:>5.1f}%  {1000 * secs / n_series:>9.1f}  {_verdict(g)}"
            )
        sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--window", type=int, default=10, help="trailing points; 0 = expanding")
    ap.add_argument("--horizon", type=int, default=3)
    ap.add_argument("--min-train", type=int, default=6)
    ap.add_argument("--grid", action="store_true", help="reprint the development grid")
    ap.add_argument("--windows", action="store_true", help="also windows 6, 8, 12, expanding")
    ap.add_argument(
        "--sensitivity", type=int, default=0, help="also score the sensitivity models on N cities"
    )
    ap.add_argument(
        "--candidates",
        choices=("dev", "all"),
        help="score the T1b candidate headlines on the DEV half only, or on DEV and TEST",
    )
    ap.add_argument("--no-main", action="store_true", help="skip the two main configurations")
    ap.add_argument(
        "--priors",
        action="store_true",
        help="also the default with growth_sd 0.03, 0.10 and no prior (round 4's sensitivity)",
    )
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"missing data file {DATA}")
        return 1
    window = args.window or None
    t0 = time.perf_counter()
    panel = load_panel(DATA)
    t_load = time.perf_counter() - t0
    wtxt = "expanding" if window is None else f"trailing {window} observed points"
    print(
        f"CEADs city CO2 ({DATA.name}): {panel.shape[0]} cities, {panel.columns.min()}-"
        f"{panel.columns.max()}, read in {t_load:.1f} s"
    )
    print(
        f"rolling origin, {args.horizon} years ahead, window {wtxt}, >= {args.min_train} "
        "training points; goals: cov80 in 0.75-0.85, KS(PIT) <= 0.10, MdAPE <= naive 5-yr CAGR"
    )
    if args.candidates:
        candidates(
            panel,
            window=window,
            horizon=args.horizon,
            min_train=args.min_train,
            test=args.candidates == "all",
        )
    for label, opts in ({} if args.no_main else CONFIGS).items():
        r, secs, n_series = run_backtests(
            panel, window=window, horizon=args.horizon, min_train=args.min_train, opts=opts
        )
        print(f"\n== {label}")
        print(
            f"  {n_series} series, {len(r[r['method'] == 'headline'])} forecasts, backtests "
            f"{secs:.1f} s ({1000 * secs / n_series:.1f} ms per series)"
        )
        for part, rr in split(r).items():
            print_goals(part, goals(rr))
        print("  per model, all origins:")
        per_model(r)
        by_year(r)
        if not opts:  # the default headline
            common_shocks(r)
        caps_report(
            panel, r, window=window, horizon=args.horizon, min_train=args.min_train, opts=opts
        )
    if args.windows:
        print("\ndefault headline by training window (all origins):")
        for w in (6, 8, 12, None):
            r, _, _ = run_backtests(
                panel, window=w, horizon=args.horizon, min_train=args.min_train, opts={}
            )
            print_goals(f"window {w or 'expanding'}", goals(r))
    if args.sensitivity:
        sub = panel.iloc[:: max(1, len(panel) // args.sensitivity)].iloc[: args.sensitivity]
        r, secs, n_series = run_backtests(
            sub,
            window=window,
            horizon=args.horizon,
            min_train=args.min_train,
            opts={"sensitivity": True},
        )
        print(
            f"\nsensitivity models on {n_series} evenly spaced cities ({secs:.1f} s), all origins:"
        )
        for name in ("headline", "rw_drift", "ols_trend", "uc_llt", "arima110", "ets_damped"):
            m = r[r["method"] == name]
            if m.empty:
                continue
            inside = (m["actual"] >= m["lower80"]) & (m["actual"] <= m["upper80"])
            ape = (m["median"] - m["actual"]).abs() / m["actual"].abs()
            print(
                f"  {name:<10} n={len(m):>4} cov80={inside.mean():.3f} "
                f"KS(PIT)={ks_uniform(m['pit'].to_numpy()):.3f} MdAPE {100 * ape.median():.1f}%"
            )
    if args.priors:
        print("\ngrowth prior sensitivity (default otherwise: median drift, undamped):")
        for sd in PRIOR_SDS:
            r, _, _ = run_backtests(
                panel,
                window=window,
                horizon=args.horizon,
                min_train=args.min_train,
                opts={"growth_sd": sd},
            )
            for part, rr in split(r).items():
                print_goals(f"sd {sd} {part.split(' ')[0]}", goals(rr))
    if args.grid:
        grid(panel, window=window, horizon=args.horizon, min_train=args.min_train)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
